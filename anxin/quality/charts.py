"""The statistics of product quality, as pure functions (no database): Wilson intervals, the
p-chart and its alert rule.

A p-chart plots, per subgroup (here: a weekly delivery cohort of one SKU, see ``figures.py``), the
share of units returned for a group of reasons. Its centre line ``p0`` is the SKU's baseline and
its upper control limit is ``UCL = p0 + 3·√(p0(1−p0)/n)`` for a subgroup of ``n`` units.

With small subgroups the normal approximation under the 3-sigma limit understates the binomial
tail (a SKU at 2 % with 50 units a week crosses it by chance about once in 55 weeks, not once in
740), so a point signals only when it is also improbable under the exact binomial:
``P(X ≥ x | n, p0) < ALPHA`` (0.00135, the one-sided tail the 3-sigma limit promises). Together
with the minimum volumes (``MIN_UNITS`` units and ``MIN_DEFECTS`` returns in the subgroup) this
keeps the false-alarm rate at or below the nominal 0.135 % per subgroup and metric, whatever the
volume: for a SKU charted for 13 weeks, at most 13 × 0.135 % ≈ 1.8 % chance of a false alarm per
metric in 90 days, in practice much less because the binomial is discrete (measured in
``tests/test_charts.py``: see its bound).

The baseline ``p0`` is the SKU's own history before the subgroup, shrunk toward the category's
rate with the weight of ``PRIOR_UNITS`` units (empirical Bayes): a young SKU with little history
is judged against its category; an established one against itself. A floor (``P0_FLOOR``) keeps
one return of a SKU that never had any from looking like a catastrophe.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

Z95 = 1.959963984540054
SIGMA = 3.0
ALPHA = 0.00135  # one-sided tail beyond 3 sigma of a normal distribution
MIN_UNITS = 30  # units delivered in a subgroup before it is charted
MIN_DEFECTS = 3  # returns in a subgroup before it can signal
PRIOR_UNITS = 200  # weight of the category rate in a SKU's baseline
P0_FLOOR = 0.002
YOUNG_UNITS = 300  # below this much history, the baseline is said to come from the category


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson(successes: int, n: int, z: float = Z95) -> Interval:
    """The Wilson score interval of a proportion (95 % by default); (0, 1) without data."""
    if n <= 0:
        return Interval(0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def ucl(p0: float, n: int, sigma: float = SIGMA) -> float:
    """The p-chart's upper control limit for a subgroup of ``n`` units."""
    return p0 + sigma * math.sqrt(p0 * (1 - p0) / n)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _upper_tail(x: int, n: int, log_pmf: Callable[[int], float]) -> float:
    """P(X ≥ x) summed term by term from x up, stopping once the terms stop mattering."""
    if x <= 0:
        return 1.0
    if x > n:
        return 0.0
    total = 0.0
    for k in range(x, n + 1):
        term = math.exp(log_pmf(k))
        total += term
        if total > 0 and term < total * 1e-15:
            break
    return min(1.0, total)


def binomial_upper_tail(x: int, n: int, p: float) -> float:
    """P(X ≥ x) for X ~ Binomial(n, p) (exact, in log space)."""
    if p <= 0.0:
        return 0.0 if x > 0 else 1.0
    if p >= 1.0:
        return 1.0 if x <= n else 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    return _upper_tail(x, n, lambda k: _log_choose(n, k) + k * log_p + (n - k) * log_q)


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def beta_binomial_upper_tail(x: int, n: int, a: float, b: float) -> float:
    """P(X ≥ x) when X ~ Binomial(n, p) and p ~ Beta(a, b): the chance of ``x`` returns in ``n``
    units given what the baseline knows, its own uncertainty included."""
    base = _log_beta(a, b)
    return _upper_tail(x, n, lambda k: _log_choose(n, k) + _log_beta(k + a, n - k + b) - base)


@dataclass(frozen=True)
class Baseline:
    """The centre line ``p0`` and the Beta(a, b) belief behind it (history plus the category's
    rate weighted as ``PRIOR_UNITS`` units)."""

    p0: float
    a: float
    b: float
    units: int  # the SKU's own history behind it
    young: bool  # judged mostly against its category


def baseline(history_defects: int, history_units: int, category_rate: float) -> Baseline:
    """The centre line: the SKU's history shrunk toward its category's rate (never below the
    floor)."""
    prior = max(category_rate, P0_FLOOR)
    a = history_defects + PRIOR_UNITS * prior
    b = (history_units - history_defects) + PRIOR_UNITS * (1 - prior)
    p0 = max(a / (a + b), P0_FLOOR)
    return Baseline(p0, a, b, history_units, history_units < YOUNG_UNITS)


@dataclass(frozen=True)
class Point:
    """One subgroup as the chart shows it, with the baseline it was judged against."""

    defects: int
    units: int
    p0: float
    ucl: float
    tail: float  # P(this many returns or more | the baseline)
    history_units: int
    young: bool
    charted: bool  # enough units to be on the chart
    signal: bool  # above the UCL and improbable under the baseline

    @property
    def rate(self) -> float:
        return self.defects / self.units if self.units else 0.0


def point(defects: int, units: int, base: Baseline) -> Point:
    """Place one subgroup on the chart and decide whether it signals."""
    if units < MIN_UNITS:
        return Point(defects, units, base.p0, 1.0, 1.0, base.units, base.young, False, False)
    limit = ucl(base.p0, units)
    above = defects >= MIN_DEFECTS and defects / units > limit
    tail = beta_binomial_upper_tail(defects, units, base.a, base.b) if above else 1.0
    return Point(defects, units, base.p0, min(limit, 1.0), tail, base.units, base.young,
                 charted=True, signal=above and tail < ALPHA)  # fmt: skip


def series_points(series: list[tuple[int, int]], category_rate: float) -> list[Point]:
    """Every subgroup of a SKU's series ``[(returns, units), …]`` (oldest first) against the
    history before it; a subgroup that signalled stays out of the history."""
    points: list[Point] = []
    past_defects = past_units = 0
    for defects, units in series:
        found = point(defects, units, baseline(past_defects, past_units, category_rate))
        points.append(found)
        if not found.signal:
            past_defects += defects
            past_units += units
    return points
