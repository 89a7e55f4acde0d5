"""Figures that come from an app built beside credit, behind one small function: the
after-sales service reviews (``reviews.selectors.service_figures``). A merchant nobody has
reviewed is absent from the answer: the factor is left out of its score and the weights
renormalised.

The 'not as described' factor counts the requests giving quality's reason
(``quality.choices.METRIC_REASONS``) in the same aggregate query as the other request figures
(``figures.cases_rows``), not through ``quality.accuracy.merchants_accuracy``: that builds weekly
cohorts per SKU by reading every delivered line into Python — 2.4 s of a 3.1 s daily run at
100,000 requests (bench/credit_recompute.py) — where credit needs one count per merchant.
"""

from __future__ import annotations

from datetime import datetime

from anxin.reviews.selectors import service_figures

Figures = dict[int, tuple[float, float]]


def service_review_figures(*, merchant_ids: list[int], since: datetime, until: datetime) -> Figures:
    """Sum and count of the overall stars (1–5, the mean of fair, fast and polite) of after-sales
    service reviews written since ``since`` — merchant id → ``(sum, count)`` (reviews reads no
    upper bound: a past day's recomputation counts the reviews written since)."""
    found = service_figures(merchant_ids=merchant_ids, since=since)
    return {
        mid: (float(f.overall) * f.count, float(f.count))
        for mid, f in found.items()
        if f.overall is not None and f.count > 0
    }
