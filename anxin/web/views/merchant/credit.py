"""The merchant's credit at /shop/credit/: the score and its tier, each factor in words a shop owner
reads (its figure, similar shops' figure, its weight, its trend), what to improve first, the score's
history as a chart drawn here as SVG (no script), and the steps the credit ladder took against the
shop (warning, restriction, deposit increase, exit proposal) with the one appeal each allows.

Reads come from ``anxin.credit.selectors``; the appeal goes to ``credit.services.appeal_file``
(POST/redirect/GET; a refused appeal re-renders the page with the field at fault, 422).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxin.catalog.models import Merchant
from anxin.core.errors import DomainError
from anxin.credit.choices import ACTIVE_STATUSES, APPEALABLE, SanctionStatus, Step, Tier
from anxin.credit.factors import FACTORS
from anxin.credit.models import Sanction
from anxin.credit.permissions import can_appeal
from anxin.credit.selectors import (
    appeal_of,
    merchant_credit,
    sanction_get_for,
    sanction_reason,
)
from anxin.credit.services import appeal_file

from ..common import MERCHANTS, actor, audience, flash_error
from .reviews import shop_for, shops_of

HISTORY_DAYS = 180
MAX_STATEMENT = 2000

# Badge classes (anxin.css) for each tier: green, blue, grey, amber, red.
TIER_TONES: dict[str, str] = {
    Tier.EXCELLENT: "status-completed",
    Tier.GOOD: "status-received",
    Tier.FAIR: "",
    Tier.WARNING: "status-merchant_review",
    Tier.POOR: "status-rejected",
}
SANCTION_TONES: dict[str, str] = {
    SanctionStatus.PROPOSED: "status-merchant_review",
    SanctionStatus.IN_FORCE: "status-rejected",
    SanctionStatus.APPEALED: "status-received",
    SanctionStatus.UPHELD: "status-rejected",
    SanctionStatus.OVERTURNED: "status-completed",
    SanctionStatus.LIFTED: "status-completed",
    SanctionStatus.DISMISSED: "status-completed",
    SanctionStatus.CONFIRMED: "status-rejected",
}
# What each step does to the shop, said to its owner.
STEP_EFFECTS: dict[str, Any] = {
    Step.WARN: gettext_lazy(
        "A warning on your shop's record. Nothing is blocked yet; if the score stays low, the "
        "next step restricts the shop."
    ),
    Step.RESTRICT: gettext_lazy(
        "New orders are refused, your settlement is held, and after-sales requests must be "
        "answered within 24 hours."
    ),
    Step.DEPOSIT_INCREASE: gettext_lazy("The deposit your shop must keep with the platform rises."),
    Step.EXIT: gettext_lazy(
        "The platform has been asked to remove your shop. An administrator decides, with a "
        "reason; a score alone never removes a shop."
    ),
}
# Tier bands of the chart, lowest first: (floor, ceiling, fill).
BANDS = (
    (0, 40, "#fde8e8"),
    (40, 60, "#fff4d6"),
    (60, 70, "#f1f3f5"),
    (70, 85, "#e3eefc"),
    (85, 100, "#dcf5e8"),
)
# Below this change a factor is "steady", per unit.
STEADY = {"rate": 0.001, "hours": 0.5, "stars": 0.05}


# --- figures in words ----------------------------------------------------------------------------


def figure(value: float | None, unit: str) -> str:
    """A factor's figure as a shop owner reads it: 3.2 %, 18.5 h, 4.6 ★."""
    if value is None:
        return "—"
    if unit == "rate":
        return f"{value * 100:.1f} %"
    if unit == "hours":
        return _("%(hours)s h") % {"hours": f"{value:.1f}"}
    return f"{value:.2f} ★"


def trend_words(trend: float | None, unit: str, higher_is_better: bool) -> tuple[str, str]:
    """(words, tone) for a factor's change over 30 days; the tone is "good", "bad" or ""."""
    if trend is None:
        return _("Not enough history yet"), ""
    if abs(trend) < STEADY.get(unit, 0.0):
        return _("Steady over 30 days"), ""
    better = (trend > 0) == higher_is_better
    change = figure(abs(trend), unit)
    if unit == "rate":  # a change of a share is said in percentage points
        change = _("%(n)s percentage points") % {"n": f"{abs(trend) * 100:.1f}"}
    if better:
        return _("Improving: %(change)s better than 30 days ago") % {"change": change}, "good"
    return _("Getting worse: %(change)s worse than 30 days ago") % {"change": change}, "bad"


def comparison(smoothed: float | None, norm: float | None, higher_is_better: bool) -> str:
    if smoothed is None or norm is None:
        return ""
    if abs(smoothed - norm) <= abs(norm) * 0.02:
        return _("About the same as similar shops")
    if (smoothed > norm) == higher_is_better:
        return _("Better than similar shops")
    return _("Worse than similar shops")


VOLUME_LABELS = {f.key: f.volume_label for f in FACTORS}


@dataclass(frozen=True)
class FactorRow:
    key: str
    label: str
    explanation: str
    available: bool
    value: str
    norm: str
    counted: str  # the smoothed figure the score uses
    smoothed_differs: bool
    comparison: str
    weight: str
    points: str
    lost: float
    trend: str
    trend_tone: str
    volume: str


def factor_row(view: Any) -> FactorRow:
    trend, tone = trend_words(view.trend, view.unit, view.higher_is_better)
    volume_label = VOLUME_LABELS.get(view.key, "")
    counted_differs = (
        view.value is not None
        and view.smoothed is not None
        and figure(view.value, view.unit) != figure(view.smoothed, view.unit)
    )
    return FactorRow(
        key=view.key,
        label=str(view.label),
        explanation=str(view.explanation),
        available=view.available,
        value=figure(view.value, view.unit),
        norm=figure(view.norm, view.unit),
        counted=figure(view.smoothed, view.unit),
        smoothed_differs=counted_differs,
        comparison=comparison(view.smoothed, view.norm, view.higher_is_better),
        weight=f"{view.weight:.1f}".removesuffix(".0") + " %",
        points=f"{view.contribution:.1f}" if view.contribution is not None else "—",
        lost=float(view.lost_vs_norm or 0),
        trend=trend,
        trend_tone=tone,
        volume=f"{view.volume} {volume_label}".strip() if view.available else "",
    )


# --- the history chart ---------------------------------------------------------------------------

CHART_W, CHART_H = 480, 220
PAD_L, PAD_R, PAD_T, PAD_B = 34, 10, 10, 30


def _y(score: float) -> float:
    return PAD_T + (100 - score) / 100 * (CHART_H - PAD_T - PAD_B)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def history_svg(points: list[Any], *, label: str) -> SafeString:
    """The score over time as an inline SVG line over the tier bands: drawn on the server, so the
    page needs no script and the CSP allows it. ``points`` are HistoryPoints, oldest first."""
    inner_w = CHART_W - PAD_L - PAD_R
    parts: list[SafeString] = []
    for floor, ceiling, fill in BANDS:
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                PAD_L,
                _n(_y(ceiling)),
                inner_w,
                _n(_y(floor) - _y(ceiling)),
                fill,
            )
        )
    for tick in (0, 40, 60, 70, 85, 100):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="14" fill="#52606d">{}</text>',
                PAD_L - 6,
                _n(_y(tick) + 4),
                tick,
            )
        )
    if points:
        first, last = points[0].day, points[-1].day
        span = max((last - first).days, 1)

        def x(day: date) -> float:
            return (
                PAD_L + (day - first).days / span * inner_w if len(points) > 1 else PAD_L + inner_w
            )

        coords = " ".join(f"{x(p.day):.1f},{_y(float(p.score)):.1f}" for p in points)
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="#0b7a75" stroke-width="2.5" '
                'stroke-linejoin="round"/>',
                coords,
            )
        )
        end = points[-1]
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4.5" fill="#0b7a75"/>',
                _n(x(end.day)),
                _n(_y(float(end.score))),
            )
        )
        baseline = CHART_H - 8
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="14" fill="#52606d">{}</text>',
                PAD_L,
                baseline,
                _short(first),
            )
        )
        if len(points) > 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="end" font-size="14" fill="#52606d">{}</text>',
                    CHART_W - PAD_R,
                    baseline,
                    _short(last),
                )
            )
    return format_html(
        '<svg class="credit-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMidYMid meet">'
        "<title>{}</title>{}</svg>",
        CHART_W,
        CHART_H,
        label,
        label,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


def chart_table(points: list[Any]) -> list[Any]:
    """The chart's figures for readers without the picture: one point a week and the last."""
    if not points:
        return []
    weekly = points[::7]
    if weekly[-1] is not points[-1]:
        weekly.append(points[-1])
    return list(reversed(weekly))


# --- sanctions and the appeal --------------------------------------------------------------------


class AppealForm(forms.Form):
    statement = forms.CharField(
        label=gettext_lazy("Your statement"),
        max_length=MAX_STATEMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(label=gettext_lazy("A supporting file (optional)"), required=False)


@dataclass(frozen=True)
class SanctionRow:
    sanction: Sanction
    step_label: str
    status_label: str
    tone: str
    effect: str
    reason: str
    appeal: Any  # the Appeal, or None
    appealable: bool
    failed: bool = False  # its appeal form was refused (shown open, with its errors)


def sanction_row(sanction: Sanction, failed: str = "") -> SanctionRow:
    appeal = appeal_of(sanction)
    effect = str(STEP_EFFECTS.get(sanction.step, ""))
    data = sanction.data or {}
    if sanction.step == Step.DEPOSIT_INCREASE and data.get("to"):
        effect = _(
            "The deposit your shop must keep with the platform rises from %(before)s to %(after)s."
        ) % {"before": data.get("from", "—"), "after": data.get("to")}
    return SanctionRow(
        sanction=sanction,
        step_label=str(dict(Step.choices).get(sanction.step, sanction.step)),
        status_label=str(dict(SanctionStatus.choices).get(sanction.status, sanction.status)),
        tone=SANCTION_TONES.get(sanction.status, ""),
        effect=effect,
        reason=sanction_reason(sanction),
        appeal=appeal,
        appealable=appeal is None and sanction.status in APPEALABLE,
        failed=str(sanction.public_id) == failed,
    )


# --- the page ------------------------------------------------------------------------------------


def credit_context(
    request: HttpRequest,
    shop: Merchant,
    *,
    form: AppealForm | None = None,
    failed: str = "",
) -> dict[str, Any]:
    viewer = actor(request)
    credit = merchant_credit(actor=viewer, merchant_id=shop.pk, days=HISTORY_DAYS)
    rows = [factor_row(f) for f in credit.factors]
    sanctions = [sanction_row(s, failed) for s in credit.sanctions]
    history = list(credit.history)
    chart_label = _("Credit score over the last %(days)s days") % {"days": HISTORY_DAYS}
    return {
        "nav": "credit",
        "shop": shop,
        "shops": shops_of(viewer),
        "credit": credit,
        "tier_tone": TIER_TONES.get(credit.tier or "", ""),
        "trend": credit.trend,
        "factors": [r for r in rows if r.available],
        "missing": [r for r in rows if not r.available],
        "improve": credit.improve,
        "chart": history_svg(history, label=chart_label) if history else "",
        "chart_label": chart_label,
        "chart_rows": chart_table(history),
        "tiers": [(t.value, t.label) for t in Tier],
        "tier_scale": [
            (t.value, t.label, TIER_TONES.get(t, ""), span)
            for t, span in zip(Tier, ("85–100", "70–85", "60–70", "40–60", "0–40"), strict=True)
        ],
        "sanctions": sanctions,
        "in_force": [r for r in sanctions if r.sanction.status in ACTIVE_STATUSES],
        "form": form or AppealForm(),
        "can_appeal": can_appeal(viewer, shop.pk),
        "failed": failed,
    }


@audience(MERCHANTS)
def credit_page(request: HttpRequest) -> HttpResponse:
    shop = shop_for(actor(request), request.GET.get("shop", "").strip())
    return render(request, "web/merchant/credit/page.html", credit_context(request, shop))


def _credit_url(shop: Merchant, request: HttpRequest) -> str:
    url = reverse("merchant_reputation:credit")
    if len(shops_of(actor(request))) > 1:
        url += f"?shop={shop.code}"
    return url


@audience(MERCHANTS)
def appeal_post(request: HttpRequest, public_id: str) -> HttpResponse:
    """File the one appeal of a sanction: a statement and, if the merchant has one, a file."""
    if request.method != "POST":
        return redirect("merchant_reputation:credit")
    viewer = actor(request)
    sanction = sanction_get_for(actor=viewer, public_id=public_id)
    shop = sanction.merchant
    form = AppealForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            appeal_file(
                actor=viewer,
                sanction=sanction,
                statement=form.cleaned_data["statement"].strip(),
                file=form.cleaned_data["file"],
            )
        except DomainError as error:
            fields = flash_error(request, error)
            for name, text in fields.items():
                form.add_error(name if name in form.fields else None, text)
            if not fields:
                status = error.status
        else:
            messages.success(
                request, _("Your appeal was sent. An administrator decides it and tells you why.")
            )
            return redirect(_credit_url(shop, request))
    context = credit_context(request, shop, form=form, failed=str(sanction.public_id))
    return render(request, "web/merchant/credit/page.html", context, status=status)
