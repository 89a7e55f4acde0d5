"""From smoothed figures to sub-scores, the 0–100 score and its tier (pure functions).

Sub-score: how far the smoothed figure is from the category norm, in the factor's bad
direction, is a "badness" d —

- rates: the difference of log-odds, logit(value) − logit(norm) (reversed when higher is
  better), so doubling the odds of a 2 % rate and of a 40 % rate weigh the same;
- hours: log(value / norm), so twice as slow is d = log 2 whatever the category;
- stars (1–5): rescaled to 0..1 and treated as a rate where higher is better.

and the sub-score is 100 / (1 + e^(1.5·d) / 3): 75 at the norm, about 52 with the odds (or the
hours) doubled, 37 tripled, 89 halved; it is strictly decreasing in d, never 0 nor 100. The
score is the weighted mean of the sub-scores of the factors with data (weights renormalised
over them), so it is monotone non-increasing in every bad figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import Tier
from .factors import Factor, Unit

STEEPNESS = 1.5
AT_NORM = 75.0
_ODDS_AT_NORM = 100.0 / AT_NORM - 1  # 1/3
# Rates are compared at a resolution of 0.5 %: 99.99 % and 99.5 % are the same, so a norm that
# happens to sit at 100 % does not turn a small miss into a zero.
EPS = 0.005
MIN_HOURS = 0.1


def _logit(p: float) -> float:
    p = min(max(p, EPS), 1 - EPS)
    return math.log(p / (1 - p))


def badness(factor: Factor, value: float, norm: float) -> float:
    """How much worse than the norm ``value`` is (negative: better)."""
    if factor.unit is Unit.HOURS:
        d = math.log(max(value, MIN_HOURS) / max(norm, MIN_HOURS))
    elif factor.unit is Unit.STARS:
        d = _logit((value - 1) / 4) - _logit((norm - 1) / 4)
    else:
        d = _logit(value) - _logit(norm)
    return -d if factor.higher_is_better else d


def sub_score(factor: Factor, value: float, norm: float) -> float:
    exponent = min(STEEPNESS * badness(factor, value, norm), 700.0)
    return 100.0 / (1.0 + _ODDS_AT_NORM * math.exp(exponent))


@dataclass(frozen=True)
class Scored:
    key: str
    sub_score: float
    weight: float  # the factor's configured weight (renormalised in ``combine``)


@dataclass(frozen=True)
class Combined:
    score: Decimal
    tier: Tier
    shares: dict[str, float]  # key → weight share in % of the score
    contributions: dict[str, float]  # key → points given
    lost: dict[str, float]  # key → points lost against being at the norm (≥ 0)


def _points(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def combine(items: list[Scored]) -> Combined | None:
    """The weighted mean of the sub-scores of ``items`` (the factors with data), or None."""
    total = sum(i.weight for i in items)
    if not items or total <= 0:
        return None
    shares = {i.key: 100.0 * i.weight / total for i in items}
    contributions = {i.key: shares[i.key] * i.sub_score / 100.0 for i in items}
    lost = {i.key: max(0.0, shares[i.key] * (AT_NORM - i.sub_score) / 100.0) for i in items}
    score = min(max(_points(sum(contributions.values())), Decimal(0)), Decimal(100))
    return Combined(
        score=score,
        tier=Tier.for_score(score),
        shares=shares,
        contributions=contributions,
        lost=lost,
    )
