"""Shapes of the reviews API. Every component is named ``Review…`` so that it cannot clash with
another app's schema in the one OpenAPI document. Texts are plain text: a page escapes them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from anxin.core.labels import choice_label

from ..choices import ModerationAction, ModerationReason, Part, ReviewStatus
from ..models import ModerationItem, Review, ReviewPhoto, ServiceReview
from ..selectors import (
    ReviewSummary,
    ServiceFigures,
    appendable,
    appended_of,
    author_display,
    reply_of,
    signal_explanations,
)

NO_NUL = r"^[^\x00]*$"
Key = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=NO_NUL)]
Stars = Annotated[int, Field(ge=1, le=5)]


def photo_out(photo: ReviewPhoto) -> dict[str, Any]:
    return {
        "id": photo.public_id,
        "url": reverse(
            "api:review_photo",
            kwargs={"review_id": photo.review.public_id, "photo_id": photo.public_id},
        ),
        "width": photo.width,
        "height": photo.height,
    }


# --- bodies and queries ----------------------------------------------------------------------


class ReviewReplyBody(Schema):
    model_config = ConfigDict(extra="forbid")
    text: Text


class ReviewServiceBody(Schema):
    model_config = ConfigDict(extra="forbid")
    fair: Stars
    fast: Stars
    polite: Stars
    comment: Text = ""


class ReviewDecisionBody(Schema):
    model_config = ConfigDict(extra="forbid")
    action: Literal["publish", "hide", "reject"]
    reason: Text


class ReviewPublicQuery(Schema):
    filter: Literal["all", "with_photos", "appended", "negative"] = Field(
        default="all",
        description="all, with_photos (有图), appended (追评), negative (差评: 1–2 stars)",
    )
    cursor: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    limit: int = Field(default=20, ge=1, le=100)


class ReviewListQuery(Schema):
    status: Literal["pending", "published", "hidden", "rejected"] | None = None
    sku: str | None = Field(default=None, max_length=64, pattern=NO_NUL, description="SKU code")
    merchant: str | None = Field(
        default=None, max_length=40, pattern=NO_NUL, description="Merchant code"
    )
    negative: bool = False
    unanswered: bool = Field(default=False, description="Only reviews the shop has not answered")
    with_photos: bool = Field(default=False, description="Only reviews with at least one photo")
    cursor: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    limit: int = Field(default=50, ge=1, le=200)


class ReviewModerationQuery(Schema):
    reason: Literal[tuple(ModerationReason.values)] | None = None  # type: ignore[valid-type]
    part: Literal[tuple(Part.values)] | None = None  # type: ignore[valid-type]
    open: bool = Field(default=True, description="false: decided items too")
    cursor: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    limit: int = Field(default=50, ge=1, le=200)


# --- answers ---------------------------------------------------------------------------------


class ReviewPhotoOut(Schema):
    id: UUID
    url: str
    width: int
    height: int


class ReviewAppendedOut(Schema):
    text: str
    status: str
    created_at: datetime
    days_after: int = Field(description="Days between the review and its 追评")
    photos: list[ReviewPhotoOut]


class ReviewReplyOut(Schema):
    text: str
    status: str
    replied_at: datetime
    edited_at: datetime | None


class ReviewSkuOut(Schema):
    code: str
    name: str


class ReviewOut(Schema):
    id: UUID
    merchant: str
    sku: ReviewSkuOut
    stars: int
    description_stars: int | None
    text: str = Field(description="Plain text as written: escape it when showing it")
    author: str
    anonymous: bool
    status: str
    status_label: str
    photos: list[ReviewPhotoOut]
    appended: ReviewAppendedOut | None
    reply: ReviewReplyOut | None
    may_append: bool = Field(description="The author may still write the 追评")
    created_at: datetime


def review_out(review: Review) -> dict[str, Any]:
    """A review as the API answers it (its prefetched parts: the selectors decide what is public)."""
    photos = list(review.photos.all())
    appended, reply = appended_of(review), reply_of(review)
    return {
        "id": review.public_id,
        "merchant": review.merchant.code,
        "sku": {"code": review.sku.code, "name": review.sku.name},
        "stars": review.stars,
        "description_stars": review.description_stars,
        "text": review.text,
        "author": author_display(review),
        "anonymous": review.anonymous,
        "status": review.status,
        "status_label": choice_label(ReviewStatus, review.status),
        "photos": [photo_out(p) for p in photos if p.part == Part.REVIEW],
        "appended": None
        if appended is None
        else {
            "text": appended.text,
            "status": appended.status,
            "created_at": appended.created_at,
            "days_after": (appended.created_at - review.created_at).days,
            "photos": [photo_out(p) for p in photos if p.part == Part.APPENDED],
        },
        "reply": None
        if reply is None
        else {
            "text": reply.text,
            "status": reply.status,
            "replied_at": reply.replied_at,
            "edited_at": reply.edited_at,
        },
        "may_append": appendable(review),
        "created_at": review.created_at,
    }


class ReviewPage(Schema):
    items: list[ReviewOut]
    next_cursor: str | None


class ReviewSummaryOut(Schema):
    count: int
    average: Decimal | None
    histogram: dict[str, int] = Field(description='Reviews per star: {"1": n, …, "5": n}')
    positive_share: Decimal | None = Field(description="Share of 4–5 star reviews (0–1)")
    with_photos: int
    appended: int
    negative: int
    description_average: Decimal | None = Field(description="描述相符 average (1–5)")
    description_count: int


def summary_out(summary: ReviewSummary) -> dict[str, Any]:
    return {
        "count": summary.count,
        "average": summary.average,
        "histogram": {str(k): v for k, v in summary.histogram.items()},
        "positive_share": summary.positive_share,
        "with_photos": summary.with_photos,
        "appended": summary.appended,
        "negative": summary.negative,
        "description_average": summary.description_average,
        "description_count": summary.description_count,
    }


class ReviewServiceFiguresOut(Schema):
    count: int
    fair: Decimal | None
    fast: Decimal | None
    polite: Decimal | None
    overall: Decimal | None


def service_figures_out(figures: ServiceFigures | None) -> dict[str, Any]:
    if figures is None:
        return {"count": 0, "fair": None, "fast": None, "polite": None, "overall": None}
    return figures.__dict__.copy()


class ReviewFiguresOut(Schema):
    merchant: str
    rating: ReviewSummaryOut
    service: ReviewServiceFiguresOut


class ReviewServiceOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    case_number: str
    fair: int
    fast: int
    polite: int
    comment: str
    status: str
    created_at: datetime

    @staticmethod
    def resolve_case_number(obj: ServiceReview) -> str:
        return obj.case.number


class ReviewLineOut(Schema):
    order: UUID
    order_number: str
    line: str
    merchant: str
    sku: ReviewSkuOut
    product_name: str


class ReviewCaseOut(Schema):
    number: str
    merchant: str
    product_name: str
    status: str


class ReviewableOut(Schema):
    lines: list[ReviewLineOut]
    cases: list[ReviewCaseOut]


class ReviewModerationOut(Schema):
    id: int
    part: str
    part_label: str
    merchant: str
    review: UUID | None
    case_number: str | None
    text: str = Field(description="The text waiting for a decision")
    reasons: list[str]
    reason_labels: list[str]
    signals: list[str] = Field(description="Each fraud signal explained, with its figures")
    held: bool = Field(description="true: the part is not public until decided")
    created_at: datetime
    decided_at: datetime | None
    decision: str
    decided_by: str
    decision_reason: str


def moderation_out(item: ModerationItem) -> dict[str, Any]:
    review = item.review
    if item.part == Part.SERVICE:
        text = item.service_review.comment if item.service_review else ""
    elif item.part == Part.APPENDED:
        appended = appended_of(review) if review else None
        text = appended.text if appended else ""
    elif item.part == Part.REPLY:
        reply = reply_of(review) if review else None
        text = reply.text if reply else ""
    else:
        text = review.text if review else ""
    return {
        "id": item.pk,
        "part": item.part,
        "part_label": choice_label(Part, item.part),
        "merchant": item.merchant.code,
        "review": review.public_id if review else None,
        "case_number": item.service_review.case.number if item.service_review else None,
        "text": text,
        "reasons": list(item.reasons),
        "reason_labels": [choice_label(ModerationReason, r) for r in item.reasons],
        "signals": signal_explanations(item),
        "held": item.held,
        "created_at": item.created_at,
        "decided_at": item.decided_at,
        "decision": item.decision,
        "decided_by": item.decided_by,
        "decision_reason": item.decision_reason,
    }


class ReviewModerationPage(Schema):
    items: list[ReviewModerationOut]
    next_cursor: str | None


__all__ = ["Key", "ModerationAction"]
