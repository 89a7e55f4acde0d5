"""Figures that come from the apps built beside credit, each behind one small function: the
after-sales service reviews (``reviews.selectors.service_figures``) and the 'not as described'
returns (``quality.accuracy.merchants_accuracy``, the same figures the description-accuracy pages
show). A merchant with no such data is absent from the answer: the factor is then left out of
its score and the weights renormalised (a shop nobody has reviewed yet).

Each returns merchant id → ``(total, n)``: for a mean, the sum of the measurements and their
count; for a rate, the events and the chances.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from anxin.quality.accuracy import merchants_accuracy
from anxin.reviews.selectors import service_figures

Figures = dict[int, tuple[float, float]]


def service_review_figures(*, merchant_ids: list[int], since: datetime, until: datetime) -> Figures:
    """Sum and count of the overall stars (1–5, the mean of fair, fast and polite) of after-sales
    service reviews written since ``since`` (reviews reads no upper bound: a past day's
    recomputation counts the reviews written since)."""
    found = service_figures(merchant_ids=merchant_ids, since=since)
    return {
        mid: (float(f.overall) * f.count, float(f.count))
        for mid, f in found.items()
        if f.overall is not None and f.count > 0
    }


def not_as_described_figures(
    *, merchant_ids: list[int], since: datetime, until: datetime
) -> Figures:
    """'Not as described' returns and units delivered over quality's 90-day window ending on the
    day computed."""
    day = timezone.localdate(until - timedelta(microseconds=1))
    found = merchants_accuracy(merchant_ids=merchant_ids, today=day)
    return {mid: (float(a.returns), float(a.units)) for mid, a in found.items() if a.units > 0}
