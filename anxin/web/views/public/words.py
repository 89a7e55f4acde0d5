"""The credit score in a shopper's words: what each factor measured for this shop, what is usual in
its category, how much it counts, where it is heading — never a rule id or an internal key.

The credit app gives the figures (``credit.selectors.public_credit``); this module only phrases them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxin.credit.choices import TIER_FLOORS, Tier
from anxin.credit.factors import FACTORS

# How far from the norm (relative for rates and hours, absolute for stars) is still "about the same".
SAME_RATIO = 0.10
SAME_STARS = 0.1
# ...and below these absolute differences too: 0.00 % against 0.01 % is not "better".
SAME_RATE = 0.0005  # 0.05 percentage points
SAME_HOURS = 1.0
# A shop with fewer than this many behind a figure is told that the category weighs in.
FEW = 30

VOLUME_LABELS = {factor.key: factor.volume_label for factor in FACTORS}

TIER_MEANING: dict[str, Any] = {
    Tier.EXCELLENT: gettext_lazy("Handles after-sales much better than most shops of its kind."),
    Tier.GOOD: gettext_lazy("Handles after-sales as well as or better than a typical shop."),
    Tier.FAIR: gettext_lazy("A little below a typical shop in some respects."),
    Tier.WARNING: gettext_lazy(
        "Clearly below a typical shop; the platform has asked it to improve."
    ),
    Tier.POOR: gettext_lazy("Far below a typical shop; the platform watches it closely."),
}


@dataclass(frozen=True)
class TierRow:
    tier: str
    label: str
    floor: int
    meaning: str
    current: bool


@dataclass(frozen=True)
class FactorLine:
    """One factor as the page says it."""

    label: str
    explanation: str
    mine: str  # this shop's figure as counted, e.g. "2.1%"
    measured: str  # the raw figure when the category pulled it noticeably ("" otherwise)
    norm: str
    verdict: str
    tone: str  # "better" | "same" | "worse"
    weight: str  # "10%"
    points: str  # "8.2"
    points_max: str  # "10"
    share: int  # 0–100: how much of its points the factor earns (the bar's width)
    trend: str
    trend_tone: str  # "up" | "down" | "flat" | ""
    volume: str


def number(value: float, digits: int = 1) -> str:
    return formats.number_format(round(value, digits), digits, use_l10n=True)


def figure(value: float | None, unit: str) -> str:
    """A factor's value in its unit: a share as a percentage, hours, stars out of 5."""
    if value is None:
        return "–"
    if unit == "rate":
        pct = value * 100
        return f"{number(pct, 2 if 0 < pct < 1 else 1)}%"
    if unit == "hours":
        return _("%(n)s h") % {"n": number(value)}
    return _("%(n)s / 5") % {"n": number(value)}


def compare(mine: float, norm: float, unit: str, higher_is_better: bool) -> str:
    """ "better", "same" or "worse" than the norm, from the shopper's side."""
    gap = abs(mine - norm)
    if unit == "stars":
        same = gap <= SAME_STARS
    else:
        floor = SAME_RATE if unit == "rate" else SAME_HOURS
        same = gap <= max(SAME_RATIO * abs(norm), floor)
    if same:
        return "same"
    return "better" if (mine > norm) == higher_is_better else "worse"


def _trend(view: Any) -> tuple[str, str]:
    change = getattr(view, "trend", None)
    if change is None or view.smoothed is None:
        return _("Not enough history yet"), ""
    base = view.smoothed - change
    if compare(view.smoothed, base, view.unit, view.higher_is_better) == "same":
        return _("Steady over the last 30 days"), "flat"
    if (change > 0) == view.higher_is_better:
        return _("Getting better over the last 30 days"), "up"
    return _("Getting worse over the last 30 days"), "down"


VERDICTS = {
    "better": gettext_lazy("Better than similar shops"),
    "same": gettext_lazy("About the same as similar shops"),
    "worse": gettext_lazy("Worse than similar shops"),
}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def factor_line(view: Any) -> FactorLine:
    """Phrase one available factor (a ``credit`` FactorView)."""
    unit = view.unit
    mine = view.smoothed if view.smoothed is not None else view.value
    tone = "same"
    if mine is not None and view.norm is not None:
        tone = compare(mine, view.norm, unit, view.higher_is_better)
    measured = ""
    if (
        view.value is not None
        and view.smoothed is not None
        and view.volume < FEW
        and figure(view.value, unit) != figure(view.smoothed, unit)
    ):
        measured = figure(view.value, unit)
    trend, trend_tone = _trend(view)
    volume_label = VOLUME_LABELS.get(view.key, "")
    volume = (
        _("Based on %(n)s %(what)s") % {"n": view.volume, "what": volume_label}
        if volume_label
        else _("Based on %(n)s") % {"n": view.volume}
    )
    points = view.contribution or 0.0
    weight = view.weight or 0.0
    return FactorLine(
        label=str(view.label),
        explanation=_capital(str(view.formula)),
        mine=figure(mine, unit),
        measured=measured,
        norm=figure(view.norm, unit),
        verdict=str(VERDICTS[tone]),
        tone=tone,
        weight=f"{number(weight, 0)}%",
        points=number(points),
        points_max=number(weight, 0),
        share=max(0, min(100, round(points / weight * 100))) if weight else 0,
        trend=trend,
        trend_tone=trend_tone,
        volume=volume,
    )


def tier_rows(current: str | None) -> list[TierRow]:
    """The tiers from the top, with the score each starts at and what it means."""
    return [
        TierRow(
            tier=str(tier),
            label=str(tier.label),
            floor=int(floor),
            meaning=str(TIER_MEANING[tier]),
            current=tier == current,
        )
        for tier, floor in TIER_FLOORS
    ]


def score_trend(trend: Any) -> tuple[str, str]:
    """The score's change over 30 days, in words."""
    if trend is None:
        return "", ""
    change = float(trend)
    if abs(change) < 0.5:
        return _("About the same as 30 days ago"), "flat"
    if change > 0:
        return _("Up %(n)s points in 30 days") % {"n": number(change)}, "up"
    return _("Down %(n)s points in 30 days") % {"n": number(-change)}, "down"
