"""Empirical Bayes smoothing: small shops are judged mostly on their category, large shops on
their own figures.

Rates (x events out of n) use a beta-binomial model. The category's prior Beta(α, β) is fitted
to its merchants by the method of moments: its mean m is a weighted mean of the merchants' own
rates x/n, each weighing n/(n+floor): a merchant with much data counts as (at most) one vote, so
a single large shop cannot set its own norm, and one with three orders counts for almost nothing,
so its noise cannot move the norm either. The (equally weighted) spread of those rates around m, less what binomial noise alone explains
(m(1−m)·mean(1/n)), is the true between-merchant variance τ², and α+β = m(1−m)/τ² − 1. The prior
strength α+β is kept between a floor (so three orders never outweigh the category) and
``CAP_TIMES`` the floor (so a category of look-alikes does not swamp a large shop's own data).
Each merchant's smoothed rate is the posterior mean (x+α)/(n+α+β).

Means (hours, stars) are shrunk toward the category mean — the merchants' means weighted the
same way, n/(n+k) — with weight n/(n+k).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

EPS = 1e-4
CAP_TIMES = 50.0


@dataclass(frozen=True)
class BetaPrior:
    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def strength(self) -> float:
        return self.alpha + self.beta


def beta_prior(points: Sequence[tuple[float, float]], *, floor: float) -> BetaPrior | None:
    """The category prior from its merchants' ``(x, n)``; None when nobody has any ``n``."""
    rows = [(min(x, n), n) for x, n in points if n > 0]
    if not rows:
        return None
    weights = [n / (n + floor) if floor > 0 else 1.0 for _, n in rows]
    total = sum(weights)
    m = sum(w * x / n for w, (x, n) in zip(weights, rows, strict=True)) / total
    m = min(max(m, EPS), 1 - EPS)
    cap = floor * CAP_TIMES
    if len(rows) < 2:
        strength = floor  # one merchant tells nothing about the spread between merchants
    else:
        k = len(rows)
        spread = sum(w * (x / n - m) ** 2 for w, (x, n) in zip(weights, rows, strict=True))
        spread = spread / total * k / (k - 1)
        noise = m * (1 - m) * sum(w / n for w, (_, n) in zip(weights, rows, strict=True)) / total
        between = spread - noise
        strength = cap if between <= 0 else m * (1 - m) / between - 1
    strength = min(max(strength, floor), cap)
    return BetaPrior(alpha=m * strength, beta=(1 - m) * strength)


def posterior_mean(x: float, n: float, prior: BetaPrior) -> float:
    return (min(x, n) + prior.alpha) / (n + prior.alpha + prior.beta)


def mean_of_means(points: Sequence[tuple[float, float]], *, k: float) -> float | None:
    """The merchants' means from their ``(total, n)``, each weighing n/(n+k) (the norm)."""
    rows = [(t / n, n / (n + k) if k > 0 else 1.0) for t, n in points if n > 0]
    total = sum(w for _, w in rows)
    return sum(v * w for v, w in rows) / total if rows else None


def shrink(value: float, n: float, norm: float, k: float) -> float:
    """``value`` measured ``n`` times, pulled toward ``norm`` as if it had ``k`` more measurements."""
    return (n * value + k * norm) / (n + k)
