"""Demo reviews (``manage.py demo_reviews``, run by ``demo_data``): verified-purchase reviews of
delivered lines, some with photos, 追评 and shop replies, service reviews of finished requests, and
a few items in the moderation queue (held for personal data or advertising; near-duplicate and
one-device fraud signals, which stay published).

Everything goes through the services with the clock frozen at each review's moment (a few days
after the parcel was signed for, never in the future), so moderation items, audit rows and
notifications are the ones the real code writes. Buyers act as their customer records (a consumer
login linked to a record sees those reviews as its own). Run once: nothing happens when reviews
exist or no order was delivered yet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django.test.utils import override_settings

from anxin.cases.choices import TERMINAL as CASE_CLOSED
from anxin.cases.models import Case
from anxin.catalog.models import DeliveryLine, OrderLine
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.errors import DomainError
from anxin.disputes.demo.photos import demo_photo

from ..models import ModerationItem, Review, ServiceReview
from ..services import review_append, review_create, review_reply, service_review_create
from . import texts

STARS = (5, 4, 3, 2, 1)
STAR_WEIGHTS = (55, 24, 9, 5, 7)
SHARE_REVIEWED = 0.45  # of delivered lines
MAX_REVIEWS = 600


@dataclass
class DemoReviews:
    reviews: int = 0
    photos: int = 0
    appended: int = 0
    replies: int = 0
    service: int = 0
    queued: int = 0
    skipped: list[str] = field(default_factory=list)
    reason: str = ""


def _buyer(line: OrderLine) -> Actor:
    customer = line.order.customer
    return Actor(
        role=Role.CONSUMER, user_id=None, customer_ids=frozenset({customer.pk}), label="demo-buyer"
    )


def _shop(merchant_id: int) -> Actor:
    return Actor(role=Role.MERCHANT_ADMIN, merchant_ids=frozenset({merchant_id}), label="demo-shop")


def _signed_lines(now: datetime) -> list[tuple[OrderLine, datetime]]:
    signed = DeliveryLine.objects.filter(line=OuterRef("pk"), delivery__signed_at__isnull=False)
    rows = (
        OrderLine.objects.filter(Exists(signed))
        .annotate(signed_at=Min("delivery_lines__delivery__signed_at"))
        .filter(signed_at__lte=now - timedelta(days=1))
        .select_related("order", "order__customer", "sku")
        .order_by("pk")
    )
    return [(line, line.signed_at) for line in rows]


def _write(rng: random.Random, result: DemoReviews, line: OrderLine, at: datetime, now: datetime,
           *, text: str | None = None, stars: int | None = None, device: str = "") -> Review | None:  # fmt: skip
    stars = stars or rng.choices(STARS, STAR_WEIGHTS)[0]
    photos = [demo_photo(rng) for _ in range(rng.randint(1, 3))] if rng.random() < 0.25 else []
    with clock.frozen(at):
        try:
            review = review_create(
                actor=_buyer(line), line=line, stars=stars,
                description_stars=max(1, min(5, stars + rng.choice((-1, 0, 0, 0, 1)))),
                text=text if text is not None else texts.review_text(rng, stars),
                anonymous=rng.random() < 0.2, photos=photos, device=device,
            )  # fmt: skip
        except DomainError as exc:
            result.skipped.append(f"{line.pk}: {exc}")
            return None
    result.reviews += 1
    result.photos += len(photos)
    if rng.random() < 0.15 and review.status == "published":
        later = min(at + timedelta(days=rng.randint(20, 80)), now)
        with clock.frozen(later):
            review_append(actor=_buyer(line), review=review, text=rng.choice(texts.APPENDED),
                          photos=[demo_photo(rng)] if rng.random() < 0.3 else [])  # fmt: skip
        result.appended += 1
    if review.status == "published" and rng.random() < (0.8 if stars <= 2 else 0.3):
        with clock.frozen(min(at + timedelta(hours=rng.randint(2, 48)), now)):
            pool = texts.REPLIES_BAD if stars <= 2 else texts.REPLIES_GOOD
            review_reply(actor=_shop(review.merchant_id), review=review, text=rng.choice(pool))
        result.replies += 1
    return review


def _queue_examples(
    rng: random.Random, result: DemoReviews, lines: list[tuple[OrderLine, datetime]], now: datetime
) -> None:
    """Held reviews and fraud signals a moderator finds waiting (recent, so they look current)."""
    for i, text in enumerate(texts.HELD):
        if i < len(lines):
            line, _signed = lines[i]
            _write(rng, result, line, now - timedelta(hours=3 + i), now, text=text, stars=4)
    by_shop: dict[int, list[OrderLine]] = {}
    for line, _signed in lines[len(texts.HELD) :]:
        by_shop.setdefault(line.order.merchant_id, []).append(line)
    distinct = [
        [line for j, line in enumerate(shop_lines) if line.order.customer_id not in {x.order.customer_id for x in shop_lines[:j]}]
        for shop_lines in by_shop.values()
    ]  # fmt: skip
    group = next((g for g in distinct if len(g) >= 5), None)
    if group is None:
        return
    for k, line in enumerate(group[:2]):  # the same long text twice at one shop
        _write(rng, result, line, now - timedelta(hours=10 - k), now, text=texts.DUPLICATE, stars=5)
    for k, line in enumerate(group[2:5]):  # three buyers of one shop on one phone
        _write(
            rng, result, line, now - timedelta(hours=6 - k), now, stars=5, device="id:demo-phone-7"
        )


def _queue_lines(
    lines: list[tuple[OrderLine, datetime]], now: datetime
) -> list[tuple[OrderLine, datetime]]:
    """The lines the moderation examples use: one for each held text, then five lines of one
    shop bought by five different buyers (recent ones if a shop has them, else any)."""
    recent = [(line, s) for line, s in lines if s >= now - timedelta(days=20)]
    held = (recent or lines)[: len(texts.HELD)]
    taken = {line.pk for line, _ in held}
    for pool in (recent, lines):
        by_shop: dict[int, dict[int, tuple[OrderLine, datetime]]] = {}
        for line, signed in pool:
            if line.pk not in taken:
                by_shop.setdefault(line.order.merchant_id, {}).setdefault(
                    line.order.customer_id, (line, signed)
                )
        best = max(by_shop.values(), key=len, default={})
        if len(best) >= 5:
            return held + list(best.values())[:5]
    return held


def demo_reviews(*, seed: int = 2026) -> DemoReviews:
    """Reviews of about 45 % of the delivered lines (at most 600), then the moderation examples
    and the service reviews of about half of the finished requests."""
    result = DemoReviews()
    if Review.unscoped.exists():
        result.reason = "reviews exist"
        return result
    now = clock.now()
    lines = _signed_lines(now)
    if not lines:
        result.reason = "no delivered orders (load the demo world first)"
        return result
    rng = random.Random(seed)
    rng.shuffle(lines)
    queue_lines = _queue_lines(lines, now)
    chosen = {line.pk for line, _ in queue_lines}
    rest = [(line, s) for line, s in lines if line.pk not in chosen]
    with override_settings(ANXIN_OUTBOX_DELIVER_ON_COMMIT=False), transaction.atomic():
        for line, signed_at in rest[: min(MAX_REVIEWS, int(len(lines) * SHARE_REVIEWED))]:
            at = min(
                signed_at + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 12)),
                now - timedelta(hours=1),
            )
            _write(rng, result, line, at, now)
        _queue_examples(rng, result, queue_lines, now)
        for case in Case.unscoped.filter(status__in=CASE_CLOSED).order_by("pk"):
            if rng.random() >= 0.5 or ServiceReview.unscoped.filter(case=case).exists():
                continue
            actor = Actor(
                role=Role.CONSUMER, customer_ids=frozenset({case.customer_id}), label="demo-buyer"
            )
            with clock.frozen(min(case.moved_at + timedelta(hours=rng.randint(1, 72)), now)):
                service_review_create(
                    actor=actor, case=case, fair=rng.choice((5, 5, 4, 4, 3, 2)), fast=rng.choice((5, 4, 4, 3, 2)),
                    polite=rng.choice((5, 5, 4, 3)), comment=rng.choice(texts.SERVICE_COMMENTS),
                )  # fmt: skip
            result.service += 1
    result.queued = ModerationItem.unscoped.filter(decided_at__isnull=True).count()
    return result
