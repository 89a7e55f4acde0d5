"""Empirical Bayes smoothing: small shops are judged mostly on their category, large shops on
their own figures.

Rates (x events out of n) use a beta-binomial model. A merchant's prior Beta(α, β) is fitted to
the *other* merchants of its category by the method of moments (leaving the merchant out makes
its score depend on its own figures only through its own data, so a worse figure never scores
better, and a single large shop cannot set its own norm):

- the mean m is a weighted mean of their rates x/n, each weighing n/(n+floor): a merchant with
  much data counts as (at most) one vote, one with three orders for almost nothing, so its noise
  cannot move the norm;
- the (equally weighted) spread of those rates around m, less what binomial noise alone explains
  (m(1−m)·weighted mean of 1/n), is the true between-merchant variance τ², and
  α+β = m(1−m)/τ² − 1;
- the prior strength α+β is kept between a floor (three orders never outweigh the category) and
  ``CAP_TIMES`` the floor (a category of look-alikes does not swamp a large shop's own data).

The merchant's smoothed rate is the posterior mean (x+α)/(n+α+β).

Means (hours, stars) are shrunk toward the mean of the other merchants (weighted n/(n+k) the same
way) with weight n/(n+k).

``RateSums`` and ``MeanSums`` keep running sums, so leaving each merchant out costs O(1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

EPS = 1e-4
CAP_TIMES = 10.0


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


class RateSums:
    """The sums the method of moments needs over a group's ``(x, n)``, with one left out."""

    def __init__(self, points: Sequence[tuple[float, float]], *, floor: float) -> None:
        self.floor = floor
        self.k = 0
        self.w = self.wp = self.wp2 = self.wn = 0.0
        for x, n in points:
            if n > 0:
                self._add(x, n, +1)

    def _terms(self, x: float, n: float) -> tuple[float, float, float, float]:
        w = n / (n + self.floor) if self.floor > 0 else 1.0
        p = min(x, n) / n
        return w, w * p, w * p * p, w / n

    def _add(self, x: float, n: float, sign: int) -> None:
        w, wp, wp2, wn = self._terms(x, n)
        self.k += sign
        self.w += sign * w
        self.wp += sign * wp
        self.wp2 += sign * wp2
        self.wn += sign * wn

    def prior(
        self, without: tuple[float, float] | None = None, toward: float | None = None
    ) -> BetaPrior | None:
        """The prior of the group, or of the group without one member's ``(x, n)``. With
        ``toward`` (the platform's mean), the group's mean counts it as one more merchant: a few
        peers that all happen to be perfect do not make 100 % the norm."""
        k, w, wp, wp2, wn = self.k, self.w, self.wp, self.wp2, self.wn
        if without is not None and without[1] > 0:
            dw, dwp, dwp2, dwn = self._terms(*without)
            k, w, wp, wp2, wn = k - 1, w - dw, wp - dwp, wp2 - dwp2, wn - dwn
        if k <= 0 or w <= 1e-12:
            return None
        raw = wp / w
        m = raw if toward is None else (wp + toward) / (w + 1.0)
        m = min(max(m, EPS), 1 - EPS)
        cap = self.floor * CAP_TIMES
        if k < 2:
            strength = self.floor  # one merchant tells nothing about the spread between merchants
        else:
            spread = max(wp2 / w - raw * raw, 0.0) * k / (k - 1)
            between = spread - m * (1 - m) * wn / w
            strength = cap if between <= 0 else m * (1 - m) / between - 1
        strength = min(max(strength, self.floor), cap)
        return BetaPrior(alpha=m * strength, beta=(1 - m) * strength)


def beta_prior(points: Sequence[tuple[float, float]], *, floor: float) -> BetaPrior | None:
    """The prior of a group of ``(x, n)``; None when nobody has any ``n``."""
    return RateSums(points, floor=floor).prior()


class MeanSums:
    """The weighted mean of a group's means from their ``(total, n)``, with one left out."""

    def __init__(self, points: Sequence[tuple[float, float]], *, k: float) -> None:
        self.k = k
        self.count = 0
        self.w = self.wv = 0.0
        for total, n in points:
            if n > 0:
                w = n / (n + k) if k > 0 else 1.0
                self.count += 1
                self.w += w
                self.wv += w * total / n

    def mean(self, without: tuple[float, float] | None = None) -> float | None:
        count, w, wv = self.count, self.w, self.wv
        if without is not None and without[1] > 0:
            total, n = without
            dw = n / (n + self.k) if self.k > 0 else 1.0
            count, w, wv = count - 1, w - dw, wv - dw * total / n
        return wv / w if count > 0 and w > 1e-12 else None


def mean_of_means(points: Sequence[tuple[float, float]], *, k: float) -> float | None:
    return MeanSums(points, k=k).mean()


def posterior_mean(x: float, n: float, prior: BetaPrior) -> float:
    return (min(x, n) + prior.alpha) / (n + prior.alpha + prior.beta)


def shrink(value: float, n: float, norm: float, k: float) -> float:
    """``value`` measured ``n`` times, pulled toward ``norm`` as if it had ``k`` more measurements."""
    return (n * value + k * norm) / (n + k)
