"""Service targets (服务目标): administrators set the value a metric should reach for the whole
platform, a top-level category or a shop, measured over a window of days; everyone who reads
that scope's figures sees whether the window ending on a given day met it.

A target is stored in its metric's own unit (a share 0..1 for rates, hours, stars, NPS points);
people type and read it in the unit they are shown (per cent for rates): ``stored_value`` and
``display_value`` convert. Which scopes a metric can have follows where its figures come from:
the case rollups know categories and shops, the desk knows shops, the assistant and the
recommendation surveys only the platform.

Attainment is set-based: the targets of one kind of scope and window share one grouped query
per rollup, whatever their number (``window_totals``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anxin.catalog.models import Category, Merchant
from anxin.core.actors import MERCHANT_ROLES, PLATFORM_ROLES, Actor, Role
from anxin.core.audit import audit_record
from anxin.core.errors import Forbidden, NotFound, ValidationFailed

from .choices import TargetScope
from .labels import category_labels, merchant_labels
from .metrics import (
    METRICS,
    Metric,
    Source,
    Totals,
    Unit,
    case_sums,
    case_totals_from,
    delivered_from,
    delivered_sums,
    desk_sums,
    desk_totals_from,
    format_value,
    target_met,
    with_nps,
)
from .models import (
    AssistantDay,
    DeliveredDay,
    DeskDay,
    MerchantDay,
    PlatformDay,
    Target,
)
from .permissions import MERCHANT_VIEWERS, can_manage_targets, can_view_platform

WINDOW_MIN, WINDOW_MAX = 1, 366
DEFAULT_WINDOW = 30
# The scopes a metric can be measured at, by where its figures come from.
SCOPES_BY_SOURCE: dict[Source, frozenset[str]] = {
    Source.CASES: frozenset({TargetScope.PLATFORM, TargetScope.CATEGORY, TargetScope.MERCHANT}),
    Source.DESK: frozenset({TargetScope.PLATFORM, TargetScope.MERCHANT}),
    Source.ASSISTANT: frozenset({TargetScope.PLATFORM}),
    Source.NPS: frozenset({TargetScope.PLATFORM}),
}
# The range a target may take, in the unit people type (per cent for rates).
DISPLAY_RANGE: dict[Unit, tuple[Decimal, Decimal]] = {
    Unit.RATE: (Decimal(0), Decimal(100)),
    Unit.HOURS: (Decimal("0.01"), Decimal(24 * 366)),
    Unit.STARS: (Decimal(1), Decimal(5)),
    Unit.SCORE: (Decimal(-100), Decimal(100)),
    Unit.COUNT: (Decimal(0), Decimal(10**7)),
}
DISPLAY_PLACES = 2
STORED_PLACES = Decimal("0.0001")


# --- units -----------------------------------------------------------------------------------------


def stored_value(metric_key: str, display: Decimal) -> Decimal:
    """A target typed in the unit people read (per cent for rates) in the metric's own unit."""
    m = METRICS.get(metric_key)
    return display / 100 if m is not None and m.unit is Unit.RATE else display


def display_value(metric_key: str, stored: Decimal) -> Decimal:
    """A stored target in the unit people type and read (per cent for rates)."""
    m = METRICS.get(metric_key)
    return Decimal(stored) * 100 if m is not None and m.unit is Unit.RATE else Decimal(stored)


def display_text(metric_key: str, stored: Decimal) -> str:
    """A stored target as typed in a form: "90", "4.5", "48" (no trailing zeros)."""
    return _plain(display_value(metric_key, stored).quantize(Decimal("0.01")))


def unit_hint(m: Metric) -> str:
    """The unit a target of ``m`` is typed in, for a form's label."""
    hints: dict[Unit, Promise] = {
        Unit.RATE: _("per cent"),
        Unit.HOURS: _("hours"),
        Unit.STARS: _("stars, 1 to 5"),
        Unit.SCORE: _("points, −100 to 100"),
        Unit.COUNT: pgettext_lazy("unit", "count"),
    }
    return str(hints[m.unit])


def metric_choices(scope: str | None = None) -> list[tuple[str, str]]:
    """(key, label) of the metrics a target can be set on (for ``scope`` when given): the form
    shows the label, never the key."""
    return [
        (m.key, str(m.label))
        for m in METRICS.values()
        if scope is None or scope in SCOPES_BY_SOURCE[m.source]
    ]


def _range_message(m: Metric, low: Decimal, high: Decimal) -> str:
    values = {"low": _plain(low), "high": _plain(high)}
    if m.unit is Unit.RATE:
        return str(_("Give a percentage from %(low)s to %(high)s.") % values)
    if m.unit is Unit.HOURS:
        return str(_("Give a number of hours from %(low)s to %(high)s.") % values)
    if m.unit is Unit.STARS:
        return str(_("Give a number of stars from %(low)s to %(high)s.") % values)
    return str(_("Give a number from %(low)s to %(high)s.") % values)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- reads -----------------------------------------------------------------------------------------


def target_list_for(
    *, actor: Actor, scope: str | None = None, merchant_id: int | None = None
) -> QuerySet[Target]:
    """The targets the actor may read: the platform's staff every target; a shop's people the
    targets of their own shops only (another shop's: Forbidden); anyone else nothing."""
    rows = Target.objects.select_related("category", "merchant", "owner")
    if can_view_platform(actor):
        pass
    elif actor.role in MERCHANT_VIEWERS or (actor.role is Role.INTEGRATOR and actor.merchant_ids):
        if merchant_id is not None and merchant_id not in actor.merchant_ids:
            raise Forbidden()
        if scope not in (None, TargetScope.MERCHANT):
            return rows.none()
        rows = rows.filter(scope=TargetScope.MERCHANT, merchant_id__in=actor.merchant_ids)
    else:
        raise Forbidden()
    if scope is not None:
        rows = rows.filter(scope=scope)
    if merchant_id is not None:
        rows = rows.filter(merchant_id=merchant_id)
    return rows.order_by("scope", "category_id", "merchant_id", "metric", "pk")


def target_get_for(*, actor: Actor, target_id: int) -> Target:
    """One target the actor may read (missing and out of scope alike: NotFound)."""
    try:
        found = target_list_for(actor=actor).filter(pk=target_id).first()
    except Forbidden as error:
        raise NotFound() from error
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class Attainment:
    """How a target fared over its window ending on ``end``."""

    target_id: int
    metric: str
    label: str
    unit: str
    scope: str
    scope_label: str
    category_id: int | None
    merchant_id: int | None
    window_days: int
    start: date
    end: date
    target: float
    actual: float | None
    met: bool | None
    higher_is_better: bool
    target_display: str
    actual_display: str
    direction: str


ScopeKey = tuple[str, int | None, int | None]  # (scope, category_id, merchant_id)


def scope_key(target: Target) -> ScopeKey:
    return (target.scope, target.category_id, target.merchant_id)


def _case_grouped(
    model: Any, group: str | None, ids: Collection[int], start: date, end: date
) -> dict[int | None, dict[str, Any]]:
    rows = model.objects.filter(day__gte=start, day__lte=end)
    if group is None:
        return {None: rows.aggregate(**case_sums())}
    grouped = rows.filter(**{f"{group}__in": list(ids)}).values(group).annotate(**case_sums())
    return {row[group]: row for row in grouped}


def _delivered_grouped(
    group: str | None, ids: Collection[int], start: date, end: date
) -> dict[int | None, tuple[int, int]]:
    rows = DeliveredDay.objects.filter(day__gte=start, day__lte=end)
    if group is None:
        return {None: delivered_from(rows.aggregate(**delivered_sums()))}
    grouped = rows.filter(**{f"{group}__in": list(ids)}).values(group).annotate(**delivered_sums())
    return {row[group]: delivered_from(row) for row in grouped}


def _desk_grouped(
    group: str | None, ids: Collection[int], start: date, end: date
) -> dict[int | None, dict[str, Any]]:
    rows = DeskDay.objects.filter(day__gte=start, day__lte=end)
    if group is None:
        return {None: rows.aggregate(**desk_sums())}
    grouped = rows.filter(**{f"{group}__in": list(ids)}).values(group).annotate(**desk_sums())
    return {row[group]: row for row in grouped}


def window_totals(
    keys: Iterable[ScopeKey], *, start: date, end: date, sources: Collection[Source]
) -> dict[ScopeKey, Totals]:
    """The totals of every scope in ``keys`` over local days ``start``…``end``: one grouped
    query per kind of scope and rollup (cases, deliveries, desk), not one per target."""
    wanted: dict[str, set[int | None]] = defaultdict(set)
    for scope, category_id, merchant_id in keys:
        wanted[scope].add(category_id if scope == TargetScope.CATEGORY else merchant_id)
    found: dict[ScopeKey, Totals] = {}
    grains = {
        TargetScope.PLATFORM: (PlatformDay, None),
        TargetScope.CATEGORY: (PlatformDay, "category_id"),
        TargetScope.MERCHANT: (MerchantDay, "merchant_id"),
    }
    for scope, members in wanted.items():
        model, group = grains[TargetScope(scope)]
        ids = {i for i in members if i is not None}
        cases = _case_grouped(model, group, ids, start, end) if Source.CASES in sources else {}
        delivered = _delivered_grouped(group, ids, start, end) if Source.CASES in sources else {}
        desk: dict[int | None, dict[str, Any]] = {}
        if Source.DESK in sources and scope != TargetScope.CATEGORY:
            desk = _desk_grouped(group, ids, start, end)
        for member in members:
            orders, units = delivered.get(member, (0, 0))
            totals = case_totals_from(cases.get(member) or {}, orders=orders, units=units)
            if member in desk:
                totals = desk_totals_from(desk[member], base=totals)
            key: ScopeKey = (
                scope,
                member if scope == TargetScope.CATEGORY else None,
                member if scope == TargetScope.MERCHANT else None,
            )
            found[key] = totals
    platform: ScopeKey = (TargetScope.PLATFORM, None, None)
    if platform in found:
        if Source.ASSISTANT in sources:
            row = AssistantDay.objects.filter(day__gte=start, day__lte=end).aggregate(
                conversations=Sum("conversations"), handed_off=Sum("handed_off")
            )
            found[platform] = replace(
                found[platform],
                conversations=int(row["conversations"] or 0),
                handed_off=int(row["handed_off"] or 0),
            )
        if Source.NPS in sources:
            found[platform] = with_nps(found[platform], start=start, end=end)
    return found


def window_of(target: Target, end: date) -> tuple[date, date]:
    """The local days a target is measured over when its window ends on ``end``."""
    return end - timedelta(days=target.window_days - 1), end


def attainments(targets: Iterable[Target], *, end: date) -> list[Attainment]:
    """Unscoped: the attainment of each target over its window ending on ``end`` (callers have
    checked the actor). One set of grouped queries per distinct window length."""
    targets = list(targets)
    by_window: dict[int, list[Target]] = defaultdict(list)
    for t in targets:
        by_window[t.window_days].append(t)
    totals: dict[tuple[int, ScopeKey], Totals] = {}
    for window, members in by_window.items():
        start, _end = window_of(members[0], end)
        sources = {METRICS[t.metric].source for t in members if t.metric in METRICS}
        for key, value in window_totals(
            {scope_key(t) for t in members}, start=start, end=end, sources=sources
        ).items():
            totals[(window, key)] = value
    categories = category_labels(t.category_id for t in targets)
    shops = merchant_labels(t.merchant_id for t in targets)
    result = []
    for t in targets:
        m = METRICS.get(t.metric)
        if m is None:
            continue  # a metric retired since the target was set: nothing to measure
        start, _end = window_of(t, end)
        actual = totals[(t.window_days, scope_key(t))].metric(t.metric)
        result.append(
            Attainment(
                target_id=t.pk,
                metric=t.metric,
                label=str(m.label),
                unit=str(m.unit),
                scope=t.scope,
                scope_label=scope_label(t, categories=categories, shops=shops),
                category_id=t.category_id,
                merchant_id=t.merchant_id,
                window_days=t.window_days,
                start=start,
                end=end,
                target=float(t.value),
                actual=actual,
                met=target_met(m, actual, t.value),
                higher_is_better=m.higher_is_better,
                target_display=format_value(m, t.value),
                actual_display=format_value(m, actual),
                direction="≥" if m.higher_is_better else "≤",
            )
        )
    return result


def scope_label(
    target: Target, *, categories: dict[int, str] | None = None, shops: dict[int, str] | None = None
) -> str:
    """ "Whole platform", the category's or the shop's name, in the active language."""
    if target.scope == TargetScope.CATEGORY and target.category_id is not None:
        names = categories if categories is not None else category_labels([target.category_id])
        return names.get(target.category_id, str(TargetScope.CATEGORY.label))
    if target.scope == TargetScope.MERCHANT and target.merchant_id is not None:
        names = shops if shops is not None else merchant_labels([target.merchant_id])
        return names.get(target.merchant_id, str(TargetScope.MERCHANT.label))
    return str(TargetScope.PLATFORM.label)


def attainment_for(
    *,
    actor: Actor,
    scope: str | None = None,
    merchant_id: int | None = None,
    category_id: int | None = None,
    end: date,
) -> list[Attainment]:
    """The active targets the actor may read, each measured over its window ending on ``end``
    (``scope``/``merchant_id``/``category_id`` narrow them; a shop's people read only their own
    shops' targets, another shop's is Forbidden)."""
    if scope is not None and scope not in TargetScope.values:
        raise ValidationFailed(fields={"scope": _("Choose the platform, a category or a shop.")})
    rows = target_list_for(actor=actor, scope=scope, merchant_id=merchant_id).filter(active=True)
    if category_id is not None:
        rows = rows.filter(category_id=category_id)
    return attainments(rows, end=end)


# --- writes ----------------------------------------------------------------------------------------


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _check_value(m: Metric, raw: object, errors: dict[str, str | Promise]) -> Decimal | None:
    stored = _decimal(raw)
    if stored is None:
        errors["value"] = _("Enter a number.")
        return None
    display = display_value(m.key, stored)
    low, high = DISPLAY_RANGE[m.unit]
    if not low <= display <= high:
        errors["value"] = _range_message(m, low, high)
        return None
    if display != display.quantize(Decimal(1).scaleb(-DISPLAY_PLACES)):
        errors["value"] = _("At most %(n)s decimal places.") % {"n": DISPLAY_PLACES}
        return None
    return stored.quantize(STORED_PLACES)


def _check_owner(
    owner_id: object, scope: str, merchant_id: int | None, errors: dict[str, str | Promise]
) -> int | None:
    if owner_id in (None, ""):
        return None
    pk = _whole(owner_id)
    user = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None
    allowed = user is not None and (
        user.role in {str(r) for r in PLATFORM_ROLES}
        or (
            scope == TargetScope.MERCHANT
            and user.role in {str(r) for r in MERCHANT_ROLES}
            and merchant_id is not None
            and user.memberships.filter(merchant_id=merchant_id).exists()
        )
    )
    if not allowed:
        errors["owner"] = _(
            "Choose a platform staff member, or someone of the shop the target is for."
        )
        return None
    return pk


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    metric: str,
    scope: str,
    value: Decimal | float | str,
    window_days: int | str = DEFAULT_WINDOW,
    category_id: int | str | None = None,
    merchant_id: int | str | None = None,
    owner_id: int | str | None = None,
    active: bool = True,
) -> Target:
    """Set the target of ``metric`` for a scope (administrators only): a new one, or the one
    already set for the same metric and scope replaced. ``value`` is in the metric's own unit
    (a share 0..1 for rates: ``stored_value`` converts a percentage). Every field at fault is
    named (ValidationFailed); nothing is written then."""
    if not can_manage_targets(actor):
        raise Forbidden()
    errors: dict[str, str | Promise] = {}
    m = METRICS.get(metric or "")
    if m is None:
        errors["metric"] = _("Choose a metric from the list.")
    if scope not in TargetScope.values:
        errors["scope"] = _("Choose the platform, a category or a shop.")
    elif m is not None and scope not in SCOPES_BY_SOURCE[m.source]:
        errors["scope"] = (
            _("This metric is only measured for the whole platform.")
            if SCOPES_BY_SOURCE[m.source] == {TargetScope.PLATFORM}
            else _("This metric is measured for the platform and for shops, not for categories.")
        )
    category = merchant = None
    if scope == TargetScope.CATEGORY:
        cat_pk = _whole(category_id)
        category = (
            Category.objects.filter(pk=cat_pk, parent__isnull=True).first() if cat_pk else None
        )
        if category is None:
            errors["category"] = _("Choose a top-level category.")
    if scope == TargetScope.MERCHANT:
        shop_pk = _whole(merchant_id)
        merchant = Merchant.unscoped.filter(pk=shop_pk).first() if shop_pk else None
        if merchant is None:
            errors["merchant"] = _("Choose a shop.")
    window = _whole(window_days)
    if window is None or not WINDOW_MIN <= window <= WINDOW_MAX:
        errors["window_days"] = _("Give a number of days from %(low)s to %(high)s.") % {
            "low": WINDOW_MIN,
            "high": WINDOW_MAX,
        }
    stored = _check_value(m, value, errors) if m is not None else None
    owner = _check_owner(owner_id, scope, merchant.pk if merchant else None, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    assert m is not None and stored is not None and window is not None
    lookup = {
        "metric": m.key,
        "scope": scope,
        "category": category,
        "merchant": merchant,
    }
    existing = Target.objects.select_for_update().filter(**lookup).first()
    target = existing or Target(**lookup)
    target.value = stored
    target.window_days = window
    target.owner_id = owner
    target.active = bool(active)
    target.set_by = actor.audit_label()
    target.save()
    audit_record(
        actor=actor,
        action="analytics.target.set",
        merchant_id=merchant.pk if merchant else None,
        subject_type="analytics.target",
        subject_id=target.pk,
        data={
            "metric": m.key,
            "scope": scope,
            "category": category.pk if category else None,
            "merchant": merchant.pk if merchant else None,
            "value": str(stored),
            "window_days": window,
            "owner": owner,
            "active": target.active,
            "replaced": existing is not None,
        },
    )
    return target


@transaction.atomic
def target_delete(*, actor: Actor, target_id: int) -> None:
    """Remove a target and its alerts (administrators only; a missing one is NotFound)."""
    if not can_manage_targets(actor):
        raise Forbidden()
    target = Target.objects.select_for_update().filter(pk=target_id).first()
    if target is None:
        raise NotFound()
    data = {"metric": target.metric, "scope": target.scope, "value": str(target.value)}
    merchant_id = target.merchant_id
    target.delete()
    audit_record(
        actor=actor,
        action="analytics.target.delete",
        merchant_id=merchant_id,
        subject_type="analytics.target",
        subject_id=target_id,
        data=data,
    )
