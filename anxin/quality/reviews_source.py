"""What quality reads from consumers' reviews, behind two small functions: the review texts of a
SKU (for the words consumers used) and merchants' average 描述相符 stars (for the DSR score).

Only critical reviews are read for words — an 'as described' rating of 3 stars or fewer (or, when
the reviewer gave none, an overall rating of 3 or fewer) — so praise of the colour is never
counted as a complaint about it. Published reviews and published 追评 only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from anxin.reviews.choices import ReviewStatus
from anxin.reviews.models import AppendedReview, Review
from anxin.reviews.selectors import description_figures

CRITICAL_MAX = 3
TEXTS_MAX = 500


@dataclass(frozen=True)
class Stars:
    average: float
    count: int


def review_texts(*, sku_id: int, since: datetime | None = None) -> list[str]:
    """The critical published review (and appended review) texts of one SKU, newest first."""
    critical = Q(description_stars__lte=CRITICAL_MAX) | Q(
        description_stars__isnull=True, stars__lte=CRITICAL_MAX
    )
    reviews = Review.unscoped.filter(critical, sku_id=sku_id, status=ReviewStatus.PUBLISHED)
    appended = AppendedReview.objects.filter(
        review__in=reviews.values("pk"), status=ReviewStatus.PUBLISHED
    )
    if since is not None:
        reviews = reviews.filter(created_at__gte=since)
        appended = appended.filter(created_at__gte=since)
    texts = list(
        reviews.exclude(text="").order_by("-created_at").values_list("text", flat=True)[:TEXTS_MAX]
    )
    return texts + list(appended.order_by("-created_at").values_list("text", flat=True)[:TEXTS_MAX])


def description_stars(*, merchant_ids: list[int] | None) -> dict[int, Stars]:
    """Each merchant's average 'as described' stars over its published reviews (every merchant
    with such stars when ``merchant_ids`` is None)."""
    return {
        merchant_id: Stars(float(found.average), found.count)
        for merchant_id, found in description_figures(merchant_ids=merchant_ids).items()
        if found.average is not None and found.count
    }
