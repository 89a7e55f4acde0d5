"""Reviews as the pages show them: one card per review (masked author, stars, text, photo
thumbnails, the 追评 and the shop's reply under it), the summary with its star histogram, and the
DSR-style row of a shop (描述相符 and the after-sales service scores).

Texts stay plain text: templates escape them (never ``|safe``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anxin.catalog.models import Merchant, Sku
from anxin.quality.scores import description_score
from anxin.reviews.choices import ReviewStatus
from anxin.reviews.selectors import (
    appended_of,
    author_display,
    public_reviews_page,
    reply_of,
    review_summary,
    service_figures,
)

from .words import number


@dataclass(frozen=True)
class PhotoView:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class AppendedView:
    text: str
    days_after: int
    created_at: datetime
    photos: list[PhotoView]
    status: str
    status_label: str


@dataclass(frozen=True)
class ReplyView:
    text: str
    replied_at: datetime
    edited: bool


@dataclass(frozen=True)
class ReviewCard:
    public_id: Any
    stars: int
    stars_label: str
    description_stars: int | None
    author: str
    created_at: datetime
    text: str
    photos: list[PhotoView]
    appended: AppendedView | None
    reply: ReplyView | None
    sku_name: str
    sku_url: str
    status: str
    status_label: str


def photo_url(review: Any, photo: Any) -> str:
    return reverse("public:review_photo", args=[review.public_id, photo.public_id])


def stars_label(stars: int) -> str:
    return ngettext("%(n)s star out of 5", "%(n)s stars out of 5", stars) % {"n": stars}


def review_card(review: Any, *, public: bool = True) -> ReviewCard:
    """One review with its parts. ``public``: only published parts (the lists' selectors already
    prefetch only those); the author's own page shows every part with its status."""
    photos = list(review.photos.all())
    appended = appended_of(review)
    reply = reply_of(review)
    appended_view = None
    if appended is not None and (not public or appended.status == ReviewStatus.PUBLISHED):
        appended_view = AppendedView(
            text=appended.text,
            days_after=max(0, (appended.created_at - review.created_at).days),
            created_at=appended.created_at,
            photos=[
                PhotoView(photo_url(review, p), p.width, p.height)
                for p in photos
                if p.part == "appended"
            ],
            status=appended.status,
            status_label=str(ReviewStatus(appended.status).label),
        )
    reply_view = None
    if reply is not None and reply.status == ReviewStatus.PUBLISHED:
        reply_view = ReplyView(
            text=reply.text, replied_at=reply.replied_at, edited=reply.edited_at is not None
        )
    return ReviewCard(
        public_id=review.public_id,
        stars=review.stars,
        stars_label=stars_label(review.stars),
        description_stars=review.description_stars,
        author=author_display(review),
        created_at=review.created_at,
        text=review.text,
        photos=[
            PhotoView(photo_url(review, p), p.width, p.height) for p in photos if p.part == "review"
        ],
        appended=appended_view,
        reply=reply_view,
        sku_name=review.sku.name,
        sku_url=reverse("public:product_reviews", args=[review.merchant.code, review.sku.code]),
        status=review.status,
        status_label=str(ReviewStatus(review.status).label),
    )


def review_cards(*, merchant: Merchant, limit: int) -> list[ReviewCard]:
    page = public_reviews_page(merchant=merchant, limit=limit)
    return [review_card(r) for r in page.items]


@dataclass(frozen=True)
class Bar:
    stars: int
    count: int
    share: int  # percent of all reviews, for the bar's width


@dataclass(frozen=True)
class SummaryView:
    count: int
    average: Decimal | None
    average_text: str
    positive: str  # "96%" or ""
    bars: list[Bar]
    with_photos: int
    appended: int
    negative: int


def summary_view(*, merchant: Merchant | None = None, sku: Sku | None = None) -> SummaryView:
    summary = review_summary(merchant=merchant, sku=sku)
    count = summary.count
    return SummaryView(
        count=count,
        average=summary.average,
        average_text=number(float(summary.average)) if summary.average is not None else "",
        positive=(
            f"{number(float(summary.positive_share) * 100, 0)}%"
            if summary.positive_share is not None
            else ""
        ),
        bars=[
            Bar(n, summary.histogram.get(n, 0), round(summary.histogram.get(n, 0) * 100 / count))
            if count
            else Bar(n, 0, 0)
            for n in range(5, 0, -1)
        ],
        with_photos=summary.with_photos,
        appended=summary.appended,
        negative=summary.negative,
    )


@dataclass(frozen=True)
class DsrTile:
    label: str
    value: str  # "4.7" or "–"
    note: str  # what it is based on


def dsr_row(merchant: Merchant) -> list[DsrTile]:
    """描述相符 (quality's description score: returns 'not as described' against the category,
    blended with the 'as described' stars of reviews) and the three after-sales service scores."""
    accuracy = description_score(merchant_id=merchant.pk)  # the daily stored row
    tiles = [
        DsrTile(
            label=_("As described"),
            value=number(accuracy.score.value),
            note=ngettext(
                "%(n)s unit delivered in 90 days",
                "%(n)s units delivered in 90 days",
                accuracy.units,
            )
            % {"n": accuracy.units},
        )
    ]
    service = service_figures(merchant_ids=[merchant.pk]).get(merchant.pk)
    count = service.count if service else 0
    note = ngettext(
        "%(n)s after-sales service review", "%(n)s after-sales service reviews", count
    ) % {"n": count}
    for label, value in (
        (_("Fair handling"), service.fair if service else None),
        (_("Speed of handling"), service.fast if service else None),
        (_("Politeness"), service.polite if service else None),
    ):
        tiles.append(
            DsrTile(
                label=label, value=number(float(value)) if value is not None else "–", note=note
            )
        )
    return tiles
