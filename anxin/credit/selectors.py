"""Reading merchant credit: the public page (no login, no personal data), the merchant's
workbench with what to improve, and the platform's lists (merchants by tier, sanctions,
appeals, thresholds)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.catalog.choices import MerchantStatus
from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.errors import Forbidden, NotFound

from .choices import ACTIVE_STATUSES, Step, Tier
from .factors import FACTORS, Factor, Unit
from .models import Appeal, CreditSnapshot, CreditThreshold, Sanction
from .permissions import can_read_platform_lists
from .sanctions import reason_text

PUBLIC_STATUSES = (MerchantStatus.ACTIVE, MerchantStatus.WARNED, MerchantStatus.RESTRICTED)
MAX_DAYS = 730


@dataclass(frozen=True)
class FactorView:
    key: str
    label: str
    formula: str
    explanation: str
    unit: str
    higher_is_better: bool
    available: bool
    value: float | None
    smoothed: float | None
    norm: float | None
    weight: float
    sub_score: float | None
    contribution: float | None
    lost_vs_norm: float
    trend: float | None
    volume: int


@dataclass(frozen=True)
class HistoryPoint:
    day: date
    score: Decimal
    tier: str


@dataclass(frozen=True)
class Improvement:
    key: str
    label: str
    points: float
    advice: str


@dataclass
class PublicCredit:
    merchant_code: str
    merchant_name: str
    status: str
    score: Decimal | None
    tier: str | None
    tier_label: str
    day: date | None
    trend: Decimal | None
    category: str
    factors: list[FactorView] = field(default_factory=list)
    history: list[HistoryPoint] = field(default_factory=list)


@dataclass
class MerchantCredit(PublicCredit):
    status_label: str = ""
    improve: list[Improvement] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)


def _shown(factor: Factor, value: float | None) -> str:
    if value is None:
        return "—"
    if factor.unit is Unit.RATE:
        return f"{value * 100:.1f}%"
    if factor.unit is Unit.HOURS:
        return _("%(n)s h") % {"n": f"{value:.1f}"}
    return f"{value:.2f}"


def _explanation(factor: Factor, row: dict[str, Any]) -> str:
    if not row.get("available"):
        return _(
            "No data yet: this factor is left out and the other factors' weights are scaled up."
        )
    direction = _("higher is better") if factor.higher_is_better else _("lower is better")
    return _(
        "%(formula)s: %(value)s over %(volume)s %(volume_label)s (counted as %(smoothed)s after "
        "smoothing toward the category); the category's norm is %(norm)s, %(direction)s."
    ) % {
        "formula": str(factor.formula)[:1].upper() + str(factor.formula)[1:],
        "value": _shown(factor, row.get("value")),
        "volume": int(row.get("n") or 0),
        "volume_label": str(factor.volume_label),
        "smoothed": _shown(factor, row.get("smoothed")),
        "norm": _shown(factor, row.get("norm")),
        "direction": direction,
    }


def factor_views(factors: dict[str, Any]) -> list[FactorView]:
    """The snapshot's factors in their defined order, those with data first."""
    views = []
    for factor in FACTORS:
        row = factors.get(factor.key) or {}
        views.append(
            FactorView(
                key=factor.key,
                label=str(factor.label),
                formula=str(factor.formula),
                explanation=_explanation(factor, row),
                unit=str(factor.unit),
                higher_is_better=factor.higher_is_better,
                available=bool(row.get("available")),
                value=row.get("value"),
                smoothed=row.get("smoothed"),
                norm=row.get("norm"),
                weight=float(row.get("weight") or 0.0),
                sub_score=row.get("sub_score"),
                contribution=row.get("contribution"),
                lost_vs_norm=float(row.get("lost") or 0.0),
                trend=row.get("trend"),
                volume=int(row.get("n") or 0),
            )
        )
    return sorted(views, key=lambda v: not v.available)


def improvements(factors: dict[str, Any], limit: int = 3) -> list[Improvement]:
    """The factors costing most points against being at the category's norm, with advice."""
    rows = [
        (float(row.get("lost") or 0.0), factor)
        for factor in FACTORS
        if (row := factors.get(factor.key) or {}).get("available")
    ]
    rows.sort(key=lambda r: -r[0])
    return [
        Improvement(key=f.key, label=str(f.label), points=round(lost, 2), advice=str(f.advice))
        for lost, f in rows[:limit]
        if lost > 0
    ]


def credit_history(*, merchant_id: int, days: int = 180) -> list[HistoryPoint]:
    """One point per day with a snapshot, oldest first (a chart's series)."""
    days = max(1, min(days, MAX_DAYS))
    since = timezone.localdate() - timedelta(days=days)
    rows = (
        CreditSnapshot.unscoped.filter(merchant_id=merchant_id, day__gt=since)
        .order_by("day")
        .values_list("day", "score", "tier")
    )
    return [HistoryPoint(day=d, score=s, tier=t) for d, s, t in rows]


def _fill(view: PublicCredit, merchant: Merchant, days: int) -> PublicCredit:
    latest = CreditSnapshot.unscoped.filter(merchant_id=merchant.pk).order_by("-day").first()
    if latest is not None:
        view.score, view.tier, view.day = latest.score, latest.tier, latest.day
        view.tier_label = str(Tier(latest.tier).label)
        view.trend, view.category = latest.trend, latest.category
        view.factors = factor_views(latest.factors)
    view.history = credit_history(merchant_id=merchant.pk, days=days)
    return view


def public_credit(*, code: str, days: int = 180) -> PublicCredit:
    """The public merchant credit (no login): the score, tier, each factor explained, history.
    Figures only — no customer, case or person is named."""
    merchant = Merchant.unscoped.filter(code=code, status__in=PUBLIC_STATUSES).first()
    if merchant is None:
        raise NotFound()
    view = PublicCredit(
        merchant_code=merchant.code,
        merchant_name=merchant.name,
        status=merchant.status,
        score=None,
        tier=None,
        tier_label=_("Not rated yet"),
        day=None,
        trend=None,
        category="",
    )
    return _fill(view, merchant, days)


def merchant_credit(*, actor: Actor, merchant_id: int, days: int = 180) -> MerchantCredit:
    """The shop's own credit: the public view plus what to improve and its sanctions."""
    if not actor.can_see_merchant(merchant_id):
        raise NotFound()
    merchant = Merchant.objects.for_actor(actor).filter(pk=merchant_id).first()
    if merchant is None:
        raise NotFound()
    view = MerchantCredit(
        merchant_code=merchant.code,
        merchant_name=merchant.name,
        status=merchant.status,
        status_label=str(MerchantStatus(merchant.status).label),
        score=None,
        tier=None,
        tier_label=_("Not rated yet"),
        day=None,
        trend=None,
        category="",
    )
    _fill(view, merchant, days)
    latest = CreditSnapshot.unscoped.filter(merchant_id=merchant.pk).order_by("-day").first()
    if latest is not None:
        view.improve = improvements(latest.factors)
    view.sanctions = list(sanctions_for(actor=actor, merchant_id=merchant.pk)[:50])
    return view


def sanction_reason(sanction: Sanction) -> str:
    """Why the step was taken, in the reader's language."""
    data = sanction.data or {}
    if "below" not in data:
        return sanction.reason
    return reason_text(
        step=sanction.step,
        score=sanction.score,
        below=Decimal(data["below"]),
        days=int(data.get("days", 1)),
        factors=sanction.factors,
    )


def sanctions_for(
    *,
    actor: Actor,
    merchant_id: int | None = None,
    status: str | None = None,
    step: str | None = None,
) -> QuerySet[Sanction]:
    rows = Sanction.objects.for_actor(actor).select_related("merchant")
    if merchant_id is not None:
        rows = rows.filter(merchant_id=merchant_id)
    if status:
        rows = rows.filter(status=status)
    if step:
        rows = rows.filter(step=step)
    appeal = Appeal.unscoped.filter(sanction_id=OuterRef("pk"))
    return rows.annotate(appeal_public_id=Subquery(appeal.values("public_id")[:1])).order_by(
        "-created_at", "-pk"
    )


def _uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def sanction_get_for(*, actor: Actor, public_id: Any) -> Sanction:
    found = sanctions_for(actor=actor).filter(public_id=_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def appeal_of(sanction: Sanction) -> Appeal | None:
    return Appeal.unscoped.filter(sanction_id=sanction.pk).first()


def appeals_for(*, actor: Actor, open_only: bool = True) -> QuerySet[Appeal]:
    """Appeals the actor may read (platform: every shop's; a shop: its own), oldest open first."""
    rows = Appeal.objects.for_actor(actor).select_related("sanction", "merchant")
    if open_only:
        rows = rows.filter(decision="")
    return rows.order_by("created_at", "pk")


def appeal_get_for(*, actor: Actor, public_id: Any) -> Appeal:
    found = appeals_for(actor=actor, open_only=False).filter(public_id=_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class TierRow:
    merchant_id: int
    code: str
    name: str
    status: str
    score: Decimal
    tier: str
    day: date
    trend: Decimal | None
    open_sanctions: int


def _latest_snapshots() -> QuerySet[CreditSnapshot]:
    newest = CreditSnapshot.unscoped.filter(merchant_id=OuterRef("merchant_id")).order_by("-day")
    return CreditSnapshot.unscoped.filter(day=Subquery(newest.values("day")[:1]))


def merchants_by_tier(*, actor: Actor, tier: str | None = None) -> list[TierRow]:
    """Every shop's latest score, worst first (platform staff)."""
    if not can_read_platform_lists(actor):
        raise Forbidden()
    rows = _latest_snapshots().select_related("merchant")
    if tier:
        rows = rows.filter(tier=tier)
    open_counts = dict(
        Sanction.unscoped.filter(status__in=list(ACTIVE_STATUSES))
        .values("merchant_id")
        .annotate(n=Count("pk"))
        .values_list("merchant_id", "n")
    )
    return [
        TierRow(
            merchant_id=s.merchant_id,
            code=s.merchant.code,
            name=s.merchant.name,
            status=s.merchant.status,
            score=s.score,
            tier=s.tier,
            day=s.day,
            trend=s.trend,
            open_sanctions=open_counts.get(s.merchant_id, 0),
        )
        for s in rows.order_by("score", "merchant__code")
    ]


def tier_counts(*, actor: Actor) -> dict[str, int]:
    """How many shops are in each tier today (their latest snapshot), every tier listed."""
    if not can_read_platform_lists(actor):
        raise Forbidden()
    found = dict(
        _latest_snapshots()
        .filter(merchant__status__in=PUBLIC_STATUSES)
        .values("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
    return {tier: found.get(tier, 0) for tier in Tier.values}


def thresholds_list(*, actor: Actor) -> list[CreditThreshold]:
    if not can_read_platform_lists(actor):
        raise Forbidden()
    order = {step: i for i, step in enumerate(Step)}
    return sorted(CreditThreshold.objects.all(), key=lambda t: order[Step(t.step)])
