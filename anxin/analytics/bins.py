"""The duration histogram every rollup row keeps, so that medians and the 90th percentile merge:
adding two rows' bin counts gives the histogram of their cases together, which a median of
medians would not.

A duration in hours falls in bin ``i`` when ``EDGES[i] <= hours < EDGES[i + 1]``; the last bin
is open above. A quantile is read by linear interpolation inside the bin that holds it (the
last bin reports its lower edge), so an estimate is never off by more than its bin's width:
under 1 h below 4 h, 12 h around two days, 3 days around two weeks.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

# Bin lower edges in hours (16 bins): fine where service promises live (30 min, 24 h, 48 h,
# 72 h), coarse in the long tail.
EDGES: tuple[float, ...] = (0, 0.5, 1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 360)
NBINS = len(EDGES)
# The measures that keep a histogram, in this order in every rollup.
HISTOGRAMS: tuple[str, ...] = ("response", "approve", "refund", "close")


def bin_of(hours: float) -> int:
    """The bin of a duration (a negative one, from clock skew, counts as zero)."""
    return max(0, bisect_right(EDGES, hours) - 1)


def bin_fields(measure: str) -> list[str]:
    """The column names of one measure's bins: ``refund_b0`` … ``refund_b15``."""
    return [f"{measure}_b{i}" for i in range(NBINS)]


def quantile(counts: Sequence[int], q: float) -> float | None:
    """The ``q`` quantile (0 < q < 1) of a histogram, interpolated inside its bin; None when
    the histogram is empty."""
    total = sum(counts)
    if total <= 0:
        return None
    rank = q * total
    seen = 0
    for i, n in enumerate(counts):
        if n and seen + n >= rank:
            if i == NBINS - 1:
                return float(EDGES[i])
            low, high = EDGES[i], EDGES[i + 1]
            return low + (high - low) * (rank - seen) / n
        seen += n
    return float(EDGES[-1])
