"""Reading reviews: one review for an actor, the public lists and their summary, what a consumer
may still review, the moderation queue, and the figures credit and quality read (service scores,
描述相符 scores, review texts of a SKU)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from anxin.cases.choices import TERMINAL as CASE_CLOSED
from anxin.cases.models import Case
from anxin.catalog.models import DeliveryLine, Merchant, Order, OrderLine, Sku
from anxin.core import clock
from anxin.core.actors import MERCHANT_ROLES, Actor, Role
from anxin.core.errors import NotFound
from anxin.core.pagination import Page, keyset_page

from . import thresholds as t
from .choices import ModerationReason, Part, ReviewFilter, ReviewStatus
from .models import (
    AppendedReview,
    MerchantReply,
    ModerationItem,
    Review,
    ReviewPhoto,
    ServiceReview,
)
from .permissions import can_moderate

NEGATIVE_MAX = 2  # 差评: two stars or fewer
POSITIVE_MIN = 4  # 好评: four stars or more
# What a merchant sees of its reviews: not what waits for a moderator nor what was rejected.
MERCHANT_SEES = (ReviewStatus.PUBLISHED, ReviewStatus.HIDDEN)


def _key(public_id: uuid.UUID | str) -> uuid.UUID:
    try:
        return public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None


def _with_parts(rows: QuerySet[Review], *, public: bool) -> QuerySet[Review]:
    """Rows with what a list shows: SKU and merchant, photos, 追评, reply (published ones only for
    public readers), in a fixed number of queries whatever the page size."""
    photos = ReviewPhoto.objects.order_by("part", "position", "pk")
    appended = AppendedReview.objects.all()
    replies = MerchantReply.objects.all()
    if public:
        appended = appended.filter(status=ReviewStatus.PUBLISHED)
        replies = replies.filter(status=ReviewStatus.PUBLISHED)
    return rows.select_related("sku", "merchant", "user", "customer").prefetch_related(
        Prefetch("photos", queryset=photos),
        Prefetch("appended", queryset=appended),
        Prefetch("reply", queryset=replies),
    )


def _one_to_one(review: Review, name: str) -> Any:
    """The prefetched 追评 or reply, or None (a missing one-to-one raises otherwise)."""
    try:
        return getattr(review, name)
    except (AppendedReview.DoesNotExist, MerchantReply.DoesNotExist):
        return None


def appended_of(review: Review) -> AppendedReview | None:
    return _one_to_one(review, "appended")


def reply_of(review: Review) -> MerchantReply | None:
    return _one_to_one(review, "reply")


def author_display(review: Review) -> str:
    """What every reader sees of a review's author, on every page and in the API: "Anonymous
    buyer" (匿名用户) when anonymous, else a masked name — the login as z***n, or, for a shop's
    customer without a login, the first character of the name (张**). Reads ``review.user`` and
    ``review.customer`` (the list selectors select them)."""
    if review.anonymous:
        return _("Anonymous buyer")
    if review.user is not None:
        name = review.user.get_username()
        return f"{name[0]}***{name[-1]}" if len(name) > 1 else f"{name}***"
    name = (review.customer.name or "").strip()
    return f"{name[0]}**" if name else _("Anonymous buyer")


def append_deadline(review: Review) -> datetime:
    return review.created_at + t.APPEND_WINDOW


def appendable(review: Review) -> bool:
    """The author may still write the 追评 (once, within 180 days, not on a rejected review)."""
    return (
        review.status != ReviewStatus.REJECTED
        and appended_of(review) is None
        and clock.now() <= append_deadline(review)
    )


# --- one review -----------------------------------------------------------------------------------


def review_get_for(*, actor: Actor, public_id: uuid.UUID | str) -> Review:
    """A review the actor may read: the author's own, the shop's (not pending or rejected), any
    for platform staff; NotFound otherwise, the same answer as a missing review."""
    rows = Review.objects.for_actor(actor).filter(public_id=_key(public_id))
    if actor.workflow_role in MERCHANT_ROLES and not actor.platform:
        rows = rows.filter(status__in=MERCHANT_SEES)
    review = _with_parts(rows, public=False).first()
    if review is None:
        raise NotFound()
    return review


def review_public_get(*, public_id: uuid.UUID | str) -> Review:
    review = (
        _with_parts(Review.unscoped.filter(status=ReviewStatus.PUBLISHED), public=True)
        .filter(public_id=_key(public_id))
        .first()
    )
    if review is None:
        raise NotFound()
    return review


def review_photo_get(
    *, actor: Actor | None, review_id: uuid.UUID | str, photo_id: uuid.UUID | str
) -> ReviewPhoto:
    """A photo anyone may see when its review (and, for a 追评 photo, the 追评) is published;
    otherwise only those who may read the review."""
    photo = (
        ReviewPhoto.objects.select_related("review")
        .filter(public_id=_key(photo_id), review__public_id=_key(review_id))
        .first()
    )
    if photo is None:
        raise NotFound()
    review = photo.review
    public = review.status == ReviewStatus.PUBLISHED and (
        photo.part == Part.REVIEW
        or AppendedReview.objects.filter(review=review, status=ReviewStatus.PUBLISHED).exists()
    )
    if not public:
        if actor is None:
            raise NotFound()
        review_get_for(actor=actor, public_id=review.public_id)
    return photo


def line_get_for_review(*, actor: Actor, order: str, line: str) -> OrderLine:
    """The order line named by its order's public id and its own external id, if the actor may
    read the order (a consumer: their own)."""
    found = (
        OrderLine.objects.select_related("order", "order__customer", "sku")
        .filter(
            order__in=Order.objects.for_actor(actor).filter(public_id=_key(order)), external_id=line
        )
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# --- public lists ---------------------------------------------------------------------------------


def public_reviews(*, sku: Sku | None = None, merchant: Merchant | None = None,
                   filter: str = ReviewFilter.ALL) -> QuerySet[Review]:  # fmt: skip
    """Published reviews of one SKU or one merchant, with a tab's filter (有图, 追评, 差评)."""
    rows = Review.unscoped.filter(status=ReviewStatus.PUBLISHED)
    if sku is not None:
        rows = rows.filter(sku=sku)
    if merchant is not None:
        rows = rows.filter(merchant=merchant)
    if filter == ReviewFilter.WITH_PHOTOS:
        rows = rows.filter(has_photos=True)
    elif filter == ReviewFilter.APPENDED:
        rows = rows.filter(has_appended=True)
    elif filter == ReviewFilter.NEGATIVE:
        rows = rows.filter(stars__lte=NEGATIVE_MAX)
    return rows


def public_reviews_page(*, sku: Sku | None = None, merchant: Merchant | None = None,
                        filter: str = ReviewFilter.ALL, cursor: str | None = None,
                        limit: int = 20) -> Page[Review]:  # fmt: skip
    """One page of ``public_reviews``, newest first (cursor: the last row's time and id)."""
    rows = _with_parts(public_reviews(sku=sku, merchant=merchant, filter=filter), public=True)
    return keyset_page(rows, key="created_at", cursor=cursor, limit=limit)


def _avg(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReviewSummary:
    count: int
    average: Decimal | None
    histogram: dict[int, int]  # stars → reviews
    positive_share: Decimal | None  # 4–5 stars
    with_photos: int
    appended: int
    negative: int  # 1–2 stars
    description_average: Decimal | None
    description_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _summary(rows: QuerySet[Review]) -> ReviewSummary:
    figures = rows.aggregate(
        count=Count("pk"),
        average=Avg("stars"),
        with_photos=Count("pk", filter=Q(has_photos=True)),
        appended=Count("pk", filter=Q(has_appended=True)),
        negative=Count("pk", filter=Q(stars__lte=NEGATIVE_MAX)),
        positive=Count("pk", filter=Q(stars__gte=POSITIVE_MIN)),
        description_average=Avg("description_stars"),
        description_count=Count("description_stars"),
        **{f"s{n}": Count("pk", filter=Q(stars=n)) for n in range(1, 6)},
    )
    count = figures["count"]
    return ReviewSummary(
        count=count,
        average=_avg(figures["average"]),
        histogram={n: figures[f"s{n}"] for n in range(1, 6)},
        positive_share=_share(figures["positive"], count),
        with_photos=figures["with_photos"],
        appended=figures["appended"],
        negative=figures["negative"],
        description_average=_avg(figures["description_average"]),
        description_count=figures["description_count"],
    )


def review_summary(*, sku: Sku | None = None, merchant: Merchant | None = None) -> ReviewSummary:
    """Count, average, star histogram, share of 4–5 stars, and the tab counts (one query)."""
    return _summary(public_reviews(sku=sku, merchant=merchant))


# --- lists for an actor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFilters:
    status: str | None = None
    sku_code: str | None = None
    merchant_code: str | None = None
    negative: bool = False
    unanswered: bool = False
    with_photos: bool = False  # at least one photo (the review's or its 追评's: ``has_photos``)


def reviews_for(*, actor: Actor, filters: ReviewFilters | None = None) -> QuerySet[Review]:
    """The consumer's own reviews, the shop's reviews (published and hidden), or every review for
    platform staff."""
    filters = filters or ReviewFilters()
    rows = Review.objects.for_actor(actor)
    if actor.workflow_role in MERCHANT_ROLES and not actor.platform:
        rows = rows.filter(status__in=MERCHANT_SEES)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.sku_code:
        rows = rows.filter(sku__code=filters.sku_code)
    if filters.merchant_code:
        rows = rows.filter(merchant__code=filters.merchant_code)
    if filters.negative:
        rows = rows.filter(stars__lte=NEGATIVE_MAX)
    if filters.unanswered:
        rows = rows.exclude(Exists(MerchantReply.objects.filter(review=OuterRef("pk"))))
    if filters.with_photos:
        rows = rows.filter(has_photos=True)
    return rows


def reviews_page_for(*, actor: Actor, filters: ReviewFilters | None = None, cursor: str | None = None,
                     limit: int = 50) -> Page[Review]:  # fmt: skip
    rows = _with_parts(reviews_for(actor=actor, filters=filters), public=False)
    return keyset_page(rows, key="created_at", cursor=cursor, limit=limit)


def reviewable_lines_for(*, actor: Actor, limit: int = 100) -> list[OrderLine]:
    """A consumer's delivered (signed-for) order lines without a review yet, newest order first."""
    if actor.role is not Role.CONSUMER or not actor.customer_ids:
        return []
    signed = DeliveryLine.objects.filter(
        line=OuterRef("pk"), delivery__signed_at__isnull=False, delivery__signed_at__lte=clock.now()
    )
    return list(
        OrderLine.objects.filter(order__customer_id__in=actor.customer_ids)
        .filter(Exists(signed))
        .exclude(Exists(Review.unscoped.filter(line=OuterRef("pk"))))
        .select_related("order", "order__merchant", "sku")
        .order_by("-order__placed_at", "pk")[:limit]
    )


def reviewable_cases_for(*, actor: Actor, limit: int = 100) -> list[Case]:
    """A consumer's finished requests (completed, refunded, closed) without a service review."""
    if actor.role is not Role.CONSUMER or not actor.customer_ids:
        return []
    return list(
        Case.objects.for_actor(actor)
        .filter(status__in=CASE_CLOSED)
        .exclude(Exists(ServiceReview.unscoped.filter(case=OuterRef("pk"))))
        .select_related("merchant", "line", "line__sku")
        .order_by("-moved_at", "-pk")[:limit]
    )


def service_review_get_for(*, actor: Actor, case: Case) -> ServiceReview | None:
    return ServiceReview.objects.for_actor(actor).filter(case=case).first()


# --- moderation -----------------------------------------------------------------------------------


def moderation_items_for(*, actor: Actor, reason: str | None = None, part: str | None = None,
                         open_only: bool = True) -> QuerySet[ModerationItem]:  # fmt: skip
    if not can_moderate(actor):
        return ModerationItem.unscoped.none()
    rows = ModerationItem.objects.for_actor(actor).select_related(
        "review",
        "review__sku",
        "review__merchant",
        "service_review",
        "service_review__case",
        "merchant",
    )
    if open_only:
        rows = rows.filter(decided_at__isnull=True)
    if reason:
        rows = (
            rows.filter(reasons__contains=[reason])
            if _json_contains()
            else rows.filter(reasons__icontains=f'"{reason}"')
        )
    if part:
        rows = rows.filter(part=part)
    return rows


def _json_contains() -> bool:
    """JSON containment is PostgreSQL's; SQLite matches the quoted code in the JSON text."""
    return connection.vendor == "postgresql"


def moderation_page(*, actor: Actor, reason: str | None = None, part: str | None = None,
                    open_only: bool = True, cursor: str | None = None,
                    limit: int = 50) -> Page[ModerationItem]:  # fmt: skip
    """The queue, newest first: held parts and fraud signals alike."""
    rows = moderation_items_for(actor=actor, reason=reason, part=part, open_only=open_only)
    return keyset_page(rows, key="created_at", cursor=cursor, limit=limit)


def moderation_get_for(*, actor: Actor, pk: int) -> ModerationItem:
    item = moderation_items_for(actor=actor, open_only=False).filter(pk=pk).first()
    if item is None:
        raise NotFound()
    return item


def signal_explanations(item: ModerationItem) -> list[str]:
    """Each fraud signal of an item in the reader's language, with its figures: what the moderator
    weighs (a signal is a reason to look, not a verdict)."""
    texts = []
    for signal in item.signals or []:
        code, p = signal.get("code"), signal.get("params") or {}
        if code == ModerationReason.BURST:
            texts.append(
                _(
                    "%(count)s reviews of this product in the last %(hours)s hours; it usually gets %(usual)s a day."
                )
                % p
            )
        elif code == ModerationReason.NEAR_DUPLICATE:
            texts.append(
                _(
                    "The text is %(similarity)s%% the same as another recent review of this shop (%(other)s)."
                )
                % p
            )
        elif code == ModerationReason.NEW_ACCOUNT:
            texts.append(_("The account is %(days)s day(s) old (new: under %(limit)s days).") % p)
        elif code == ModerationReason.CLUSTER:
            kind = _("delivery address") if p.get("kind") == "address" else _("device")
            texts.append(
                _(
                    "%(buyers)s different buyers reviewed this shop from one %(kind)s within %(days)s days."
                )
                % {**p, "kind": kind}
            )
    return texts  # fmt: skip


# --- figures for credit, quality and the public merchant page -------------------------------------


@dataclass(frozen=True)
class ServiceFigures:
    count: int
    fair: Decimal | None
    fast: Decimal | None
    polite: Decimal | None
    overall: Decimal | None  # mean of the three


def service_figures(
    *, merchant_ids: Iterable[int] | None = None, since: datetime | None = None
) -> dict[int, ServiceFigures]:
    """Per merchant: how many service reviews and the average fair/fast/polite scores (every
    service review counts, a held comment too: moderation is about words, not scores)."""
    rows = ServiceReview.unscoped.all()
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=list(merchant_ids))
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    result = {}
    for row in rows.values("merchant_id").annotate(
        count=Count("pk"), fair=Avg("fair"), fast=Avg("fast"), polite=Avg("polite")
    ):
        parts = [row["fair"], row["fast"], row["polite"]]
        overall = sum(parts) / 3 if all(p is not None for p in parts) else None
        result[row["merchant_id"]] = ServiceFigures(
            count=row["count"], fair=_avg(row["fair"]), fast=_avg(row["fast"]),
            polite=_avg(row["polite"]), overall=_avg(overall),
        )  # fmt: skip
    return result


@dataclass(frozen=True)
class DescriptionFigures:
    count: int
    average: Decimal | None
    low_share: Decimal | None  # share of 1–2 描述相符 stars


def description_figures(*, merchant_ids: Iterable[int] | None = None, sku_ids: Iterable[int] | None = None,
                        since: datetime | None = None, by: str = "merchant") -> dict[int, DescriptionFigures]:  # fmt: skip
    """The 描述相符 scores of published reviews, per merchant (``by="merchant"``) or per SKU."""
    key = "sku_id" if by == "sku" else "merchant_id"
    rows = Review.unscoped.filter(status=ReviewStatus.PUBLISHED, description_stars__isnull=False)
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=list(merchant_ids))
    if sku_ids is not None:
        rows = rows.filter(sku_id__in=list(sku_ids))
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return {
        row[key]: DescriptionFigures(
            count=row["count"], average=_avg(row["average"]), low_share=_share(row["low"], row["count"])
        )
        for row in rows.values(key).annotate(
            count=Count("pk"), average=Avg("description_stars"),
            low=Count("pk", filter=Q(description_stars__lte=NEGATIVE_MAX)),
        )
    }  # fmt: skip


def rating_figures(
    *, merchant_ids: Iterable[int] | None = None, since: datetime | None = None
) -> dict[int, ReviewSummary]:
    """Per merchant: the summary of its published reviews (one grouped query)."""
    rows = Review.unscoped.filter(status=ReviewStatus.PUBLISHED)
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=list(merchant_ids))
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    result = {}
    for row in rows.values("merchant_id").annotate(
        count=Count("pk"), average=Avg("stars"),
        with_photos=Count("pk", filter=Q(has_photos=True)),
        appended=Count("pk", filter=Q(has_appended=True)),
        negative=Count("pk", filter=Q(stars__lte=NEGATIVE_MAX)),
        positive=Count("pk", filter=Q(stars__gte=POSITIVE_MIN)),
        description_average=Avg("description_stars"), description_count=Count("description_stars"),
        **{f"s{n}": Count("pk", filter=Q(stars=n)) for n in range(1, 6)},
    ):  # fmt: skip
        result[row["merchant_id"]] = ReviewSummary(
            count=row["count"], average=_avg(row["average"]),
            histogram={n: row[f"s{n}"] for n in range(1, 6)},
            positive_share=_share(row["positive"], row["count"]),
            with_photos=row["with_photos"], appended=row["appended"], negative=row["negative"],
            description_average=_avg(row["description_average"]),
            description_count=row["description_count"],
        )  # fmt: skip
    return result


def review_texts_for_sku(*, sku_id: int, since: datetime | None = None) -> list[str]:
    """The published words consumers wrote about a SKU (reviews and 追评), newest first: what
    quality's word extraction reads."""
    rows = Review.unscoped.filter(sku_id=sku_id, status=ReviewStatus.PUBLISHED).exclude(text="")
    appended = AppendedReview.objects.filter(
        review__sku_id=sku_id, review__status=ReviewStatus.PUBLISHED, status=ReviewStatus.PUBLISHED
    )
    if since is not None:
        rows = rows.filter(created_at__gte=since)
        appended = appended.filter(created_at__gte=since)
    texts = list(rows.order_by("-created_at").values_list("text", flat=True))
    return texts + list(appended.order_by("-created_at").values_list("text", flat=True))
