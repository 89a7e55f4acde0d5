"""Figures → smoothed factors → sub-scores → the score and its tier, for every merchant at once
(pure: no database; ``recompute.py`` feeds it ``figures.figures_for``).

Peer groups: a merchant is compared with the *other* merchants whose delivered units are mostly
in the same top-level category (leave-one-out, see ``smoothing.py``); a category's mean rate
counts the platform's as one more merchant. When fewer than
``MIN_PEERS`` others have data for a factor, the category is too small to say what is normal:
that factor's norm is then every other merchant's on the platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .choices import Tier
from .factors import FACTORS, Factor, Kind
from .figures import MerchantFigures
from .scoring import Scored, combine, sub_score
from .smoothing import BetaPrior, MeanSums, RateSums, posterior_mean, shrink

MIN_PEERS = 3
PLATFORM = ""


@dataclass(frozen=True)
class Norm:
    """What is normal for one factor among a merchant's peers: their prior (rates) or mean."""

    value: float
    prior: BetaPrior | None = None
    group: str = PLATFORM


@dataclass
class MerchantScore:
    merchant_id: int
    category: str
    score: Any  # Decimal | None (no factor with data)
    tier: Tier | None
    factors: dict[str, dict[str, Any]] = field(default_factory=dict)
    units: int = 0
    cases: int = 0


class Peers:
    """Per factor, the sums of every group and of the whole platform, to read any merchant's
    leave-one-out norm in O(1)."""

    def __init__(self, figures: dict[int, MerchantFigures]) -> None:
        self.sums: dict[tuple[str, str], RateSums | MeanSums] = {}
        for factor in FACTORS:
            everyone: list[tuple[float, float]] = []
            by_group: dict[str, list[tuple[float, float]]] = {}
            for fig in figures.values():
                pair = fig.pairs.get(factor.key)
                if pair is None or pair[1] <= 0:
                    continue
                everyone.append(pair)
                if fig.category:
                    by_group.setdefault(fig.category, []).append(pair)
            for group, pairs in [(PLATFORM, everyone), *by_group.items()]:
                self.sums[(group, factor.key)] = (
                    RateSums(pairs, floor=factor.prior_floor)
                    if factor.kind is Kind.RATE
                    else MeanSums(pairs, k=factor.shrink_k)
                )

    def _others(self, sums: RateSums | MeanSums, own: bool) -> int:
        return (sums.k if isinstance(sums, RateSums) else sums.count) - (1 if own else 0)

    def norm(self, factor: Factor, group: str, pair: tuple[float, float] | None) -> Norm | None:
        """The norm of ``factor`` for a merchant of ``group`` whose own figure is ``pair``."""
        own = pair is not None and pair[1] > 0
        for where in (group, PLATFORM) if group else (PLATFORM,):
            sums = self.sums.get((where, factor.key))
            if sums is None:
                continue
            enough = self._others(sums, own) >= (MIN_PEERS if where else 1)
            if not enough:
                continue
            without = pair if own else None
            if isinstance(sums, RateSums):
                toward = None
                platform = self.sums.get((PLATFORM, factor.key))
                if where and isinstance(platform, RateSums):
                    found = platform.prior(without=without)
                    toward = found.mean if found else None
                prior = sums.prior(without=without, toward=toward)
                if prior is not None:
                    return Norm(value=prior.mean, prior=prior, group=where)
            else:
                mean = sums.mean(without=without)
                if mean is not None:
                    return Norm(value=mean, group=where)
        return None


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def evaluate(fig: MerchantFigures, peers: Peers) -> MerchantScore:
    """One merchant's factors (available or not, each with its norm) and its score."""
    rows: dict[str, dict[str, Any]] = {}
    scored: list[Scored] = []
    for factor in FACTORS:
        x, n = fig.pairs.get(factor.key, (0.0, 0.0))
        norm = peers.norm(factor, fig.category, (x, n))
        row: dict[str, Any] = {
            "available": False,
            "x": _round(float(x), 3),
            "n": _round(float(n), 3),
            "value": None,
            "norm": _round(norm.value) if norm else None,
            "norm_group": norm.group if norm else None,
            "smoothed": None,
            "weight": 0.0,
            "sub_score": None,
            "contribution": None,
            "lost": 0.0,
        }
        if norm is not None and n > 0:
            if factor.kind is Kind.RATE:
                assert norm.prior is not None
                value = min(x, n) / n
                smoothed = posterior_mean(x, n, norm.prior)
            else:
                value = x / n
                smoothed = shrink(value, n, norm.value, factor.shrink_k)
            sub = sub_score(factor, smoothed, norm.value)
            row.update(available=True, value=_round(value), smoothed=_round(smoothed))
            row["sub_score"] = round(sub, 2)
            scored.append(Scored(key=factor.key, sub_score=sub, weight=factor.weight))
        rows[factor.key] = row
    combined = combine(scored)
    if combined is not None:
        for key, share in combined.shares.items():
            rows[key]["weight"] = round(share, 2)
            rows[key]["contribution"] = round(combined.contributions[key], 2)
            rows[key]["lost"] = round(combined.lost[key], 2)
    return MerchantScore(
        merchant_id=fig.merchant_id,
        category=fig.category,
        score=combined.score if combined else None,
        tier=combined.tier if combined else None,
        factors=rows,
        units=fig.units,
        cases=fig.cases,
    )


def evaluate_all(figures: dict[int, MerchantFigures]) -> dict[int, MerchantScore]:
    peers = Peers(figures)
    return {mid: evaluate(fig, peers) for mid, fig in figures.items()}
