"""Who hears about reviews: the shop of a new (or negative) review, the author of a hidden or
rejected one; webhooks for integrators. Rows are written in the change's transaction through the
notifications funnel and leave after the commit. Webhook payloads carry no personal data (the
author is never named)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.notifications.outbox import Subject, notify, outbox_enqueue

from .choices import Part, ReviewStatus
from .models import Review, ServiceReview

SUBJECT_TYPE = "reviews.review"


def _subject(review: Review) -> Subject:
    """A notification names the review by its public id; the short "number" column (20
    characters) gets the id's first part, enough for a person to tell two reviews apart."""
    return Subject(type=SUBJECT_TYPE, number=str(review.public_id)[:8], public_id=review.public_id)


NEGATIVE_MAX = 2  # 差评: two stars or fewer

REVIEW_EVENTS: tuple[str, ...] = (
    "review.published",
    "review.appended",
    "review.replied",
    "review.service",
)


def _shop_people(merchant_id: int) -> list[User]:
    return list(
        User.objects.filter(memberships__merchant_id=merchant_id, is_active=True)
        .distinct()
        .only("pk", "email", "language")
        .order_by("pk")
    )


def _payload(event: str, review: Review, at: datetime, **more: Any) -> dict[str, Any]:
    return {
        "event": event,
        "review_id": str(review.public_id),
        "merchant": review.merchant.code,
        "sku": review.sku.code,
        "order_number": review.order.number,
        "stars": review.stars,
        "description_stars": review.description_stars,
        "status": review.status,
        "occurred_at": at.isoformat(),
        **more,
    }


def review_published_notify(*, review: Review, at: datetime) -> None:
    """A review became public: the shop is told (a negative one in its own words), integrators get
    ``review.published``."""
    negative = review.stars <= NEGATIVE_MAX
    params = {"sku": review.sku.name, "stars": review.stars}

    def render() -> tuple[str, str]:
        if negative:
            return (
                str(_("Negative review of %(sku)s (%(stars)s★)")) % params,
                str(_("A buyer gave %(sku)s %(stars)s star(s). Read it and answer publicly on the reviews page.")) % params,
            )  # fmt: skip
        return (
            str(_("New review of %(sku)s (%(stars)s★)")) % params,
            str(_("A buyer reviewed %(sku)s. You can answer publicly on the reviews page.")) % params,
        )  # fmt: skip

    notify(
        recipients=_shop_people(review.merchant_id),
        kind="review_negative" if negative else "review_new",
        render=render,
        at=at,
        merchant_id=review.merchant_id,
        subject=_subject(review),
    )
    outbox_enqueue(
        event="review.published",
        at=at,
        merchant_id=review.merchant_id,
        webhook_payload=lambda: _payload(
            "review.published",
            review,
            at,
            text=review.text if review.status == ReviewStatus.PUBLISHED else "",
        ),
    )


def review_event_notify(*, event: str, review: Review, at: datetime, **more: Any) -> None:
    """A webhook only (``review.appended``, ``review.replied``)."""
    outbox_enqueue(
        event=event,
        at=at,
        merchant_id=review.merchant_id,
        webhook_payload=lambda: _payload(event, review, at, **more),
    )


def service_review_notify(*, service: ServiceReview, at: datetime) -> None:
    outbox_enqueue(
        event="review.service",
        at=at,
        merchant_id=service.merchant_id,
        webhook_payload=lambda: {
            "event": "review.service",
            "case_number": service.case.number,
            "fair": service.fair,
            "fast": service.fast,
            "polite": service.polite,
            "occurred_at": at.isoformat(),
        },
    )


def decision_notify(*, author: User | None, part: str, status: str, reason: str, at: datetime,
                    merchant_id: int, review: Review | None) -> None:  # fmt: skip
    """The author of a hidden or rejected part is told why (nobody is judged without being told)."""
    if author is None or status not in (ReviewStatus.HIDDEN, ReviewStatus.REJECTED):
        return

    def render() -> tuple[str, str]:
        label, what = str(ReviewStatus(status).label), str(Part(part).label)
        return (
            str(_("%(part)s: %(status)s")) % {"part": what, "status": label},
            str(_("A moderator decided on your %(part)s: %(status)s. Reason: %(reason)s")) % {
                "part": what.lower(), "status": label, "reason": reason,
            },
        )  # fmt: skip

    notify(
        recipients=[author],
        kind="review_moderated",
        render=render,
        at=at,
        merchant_id=merchant_id,
        subject=_subject(review) if review is not None else None,
    )
