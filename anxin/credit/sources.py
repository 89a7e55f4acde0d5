"""Figures that come from the apps built beside credit (reviews, quality), each behind one small
function. While the source is not there, the function answers "no data" (an empty dict): the
factor is left out of every merchant's score and the weights are renormalised — exactly what
happens to a merchant nobody has reviewed yet.

Each returns merchant id → ``(total, n)``: for a mean, the sum of the measurements and their
count; for a rate, the events and the chances.
"""

from __future__ import annotations

from datetime import datetime

Figures = dict[int, tuple[float, float]]


def service_review_figures(*, merchant_ids: list[int], since: datetime) -> Figures:
    """Sum of the overall stars (1–5) of after-sales service reviews, and their count
    (``reviews.selectors.service_figures`` once it lands)."""
    return {}


def not_as_described_figures(*, merchant_ids: list[int], since: datetime) -> Figures:
    """'Not as described' returns and delivered units (the quality app's description figures
    once they land)."""
    return {}
