"""Service targets (服务目标) for administrators at /manage/targets/: every target with how it fared
over its window to yesterday (met or missed, in the direction its metric is better), and one form
to set a target — metric by its name, the platform, a category or a shop, the value in the unit
people read (per cent for rates, hours, stars), the window and who hears when it is missed.

Reads and writes through ``anxin.analytics.targets``; a refused form re-renders the page with
the field at fault (422).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.analytics.choices import TargetScope
from anxin.analytics.labels import category_choices
from anxin.analytics.metrics import METRICS
from anxin.analytics.models import Target
from anxin.analytics.targets import (
    DEFAULT_WINDOW,
    DISPLAY_PLACES,
    attainments,
    display_text,
    stored_value,
    target_delete,
    target_get_for,
    target_list_for,
    target_set,
    unit_hint,
)
from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.errors import DomainError

from ..common import ADMINS, actor, audience
from .common import INVALID, page, refused

FIELDS = ("metric", "scope", "category", "merchant", "value", "window_days", "owner")
STAFF_ROLES = (Role.AGENT, Role.ARBITRATOR, Role.QUALITY_INSPECTOR, Role.ADMIN)


def _metric_choices() -> list[tuple[str, str]]:
    """Each metric by its name and the unit its target is typed in (never its key)."""
    return [(m.key, f"{m.label} · {unit_hint(m)}") for m in METRICS.values()]


def _owner_choices() -> list[tuple[int, str]]:
    users = get_user_model().objects.filter(is_active=True, role__in=STAFF_ROLES)
    return [(u.pk, u.get_full_name() or u.username) for u in users.order_by("username")]


def _merchant_choices() -> list[tuple[int, str]]:
    return [
        (pk, f"{code} · {name}")
        for pk, code, name in Merchant.unscoped.order_by("code").values_list("pk", "code", "name")
    ]


def _values_of(target: Target) -> dict[str, str]:
    return {
        "metric": target.metric,
        "scope": target.scope,
        "category": str(target.category_id or ""),
        "merchant": str(target.merchant_id or ""),
        "value": display_text(target.metric, target.value),
        "window_days": str(target.window_days),
        "owner": str(target.owner_id or ""),
        "active": "on" if target.active else "",
    }


def _stored(metric: str, raw: str) -> Decimal | str:
    """The typed value in the metric's own unit; text that is not a number goes to the service
    as it is, which names the field."""
    try:
        display = Decimal(raw)
    except InvalidOperation:
        return raw
    return stored_value(metric, display) if display.is_finite() else raw


def _render(
    request: HttpRequest,
    *,
    values: dict[str, str],
    errors: dict[str, str],
    editing: Target | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = actor(request)
    targets = list(target_list_for(actor=viewer))
    end = clock.localnow().date() - timedelta(days=1)
    measured = {a.target_id: a for a in attainments(targets, end=end)}
    rows = [
        {
            "target": t,
            "attainment": measured.get(t.pk),
            "owner": (t.owner.get_full_name() or t.owner.username) if t.owner else "",
        }
        for t in targets
    ]
    context = {
        "rows": rows,
        "end": end,
        "values": values,
        "errors": errors,
        "form_error": " ".join(text for name, text in errors.items() if name not in FIELDS),
        "editing": editing,
        "metric_choices": _metric_choices(),
        "scope_choices": TargetScope.choices,
        "category_choices": category_choices(),
        "merchant_choices": _merchant_choices(),
        "owner_choices": _owner_choices(),
        "value_step": f"{Decimal(1).scaleb(-DISPLAY_PLACES)}",
    }
    return page(request, "web/manage/targets.html", context, nav="targets", status=status)


@audience(ADMINS)
def target_list(request: HttpRequest) -> HttpResponse:
    editing = None
    values = {"scope": TargetScope.PLATFORM, "window_days": str(DEFAULT_WINDOW), "active": "on"}
    edit = request.GET.get("edit", "")
    if edit.isdigit():
        editing = target_get_for(actor=actor(request), target_id=int(edit))
        values = _values_of(editing)
    return _render(request, values=values, errors={}, editing=editing)


@require_POST
@audience(ADMINS)
def target_save(request: HttpRequest) -> HttpResponse:
    values = {name: request.POST.get(name, "").strip() for name in FIELDS}
    values["active"] = "on" if request.POST.get("active") in {"on", "1", "true"} else ""
    try:
        target_set(
            actor=actor(request),
            metric=values["metric"],
            scope=values["scope"],
            value=_stored(values["metric"], values["value"]),
            window_days=values["window_days"],
            category_id=values["category"] or None,
            merchant_id=values["merchant"] or None,
            owner_id=values["owner"] or None,
            active=bool(values["active"]),
        )
    except DomainError as error:
        return _render(request, values=values, errors=refused(request, error), status=INVALID)
    messages.success(request, _("Target saved."))
    return redirect("manage_targets:list")


@require_POST
@audience(ADMINS)
def target_remove(request: HttpRequest, pk: int) -> HttpResponse:
    target_delete(actor=actor(request), target_id=pk)
    messages.success(request, _("Target deleted."))
    return redirect("manage_targets:list")
