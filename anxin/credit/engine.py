"""Figures → smoothed factors → sub-scores → the score and its tier, for every merchant at once
(pure: no database; ``recompute.py`` feeds it ``figures.figures_for``).

Peer groups: a merchant is compared with the merchants whose delivered units are mostly in the
same top-level category. A category with fewer than ``MIN_PEERS`` merchants with data for a
factor is too small to say what is normal: that factor's norm is then the platform's (every
merchant with data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .choices import Tier
from .factors import FACTORS, Factor, Kind
from .figures import MerchantFigures
from .scoring import Scored, combine, sub_score
from .smoothing import BetaPrior, beta_prior, mean_of_means, posterior_mean, shrink

MIN_PEERS = 3
PLATFORM = ""


@dataclass(frozen=True)
class Norm:
    """The category's figure for one factor: its prior (rates) or mean (means)."""

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


def _norm(factor: Factor, pairs: list[tuple[float, float]], group: str) -> Norm | None:
    if factor.kind is Kind.RATE:
        prior = beta_prior(pairs, floor=factor.prior_floor)
        return None if prior is None else Norm(value=prior.mean, prior=prior, group=group)
    mean = mean_of_means(pairs, k=factor.shrink_k)
    return None if mean is None else Norm(value=mean, group=group)


def norms_for(figures: dict[int, MerchantFigures]) -> dict[tuple[str, str], Norm]:
    """(group, factor key) → Norm, for every group with enough peers, plus the platform's."""
    norms: dict[tuple[str, str], Norm] = {}
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
        platform = _norm(factor, everyone, PLATFORM)
        if platform is not None:
            norms[(PLATFORM, factor.key)] = platform
        for group, pairs in by_group.items():
            if len(pairs) >= MIN_PEERS:
                found = _norm(factor, pairs, group)
                if found is not None:
                    norms[(group, factor.key)] = found
    return norms


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def evaluate(fig: MerchantFigures, norms: dict[tuple[str, str], Norm]) -> MerchantScore:
    """One merchant's factors (available or not, each with its norm) and its score."""
    rows: dict[str, dict[str, Any]] = {}
    scored: list[Scored] = []
    for factor in FACTORS:
        norm = norms.get((fig.category, factor.key)) or norms.get((PLATFORM, factor.key))
        x, n = fig.pairs.get(factor.key, (0.0, 0.0))
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
    norms = norms_for(figures)
    return {mid: evaluate(fig, norms) for mid, fig in figures.items()}
