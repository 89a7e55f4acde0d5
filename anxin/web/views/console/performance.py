"""Console: agent and team performance with charts, and the revisit (回访) task list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from anxin.core import clock
from anxin.core.errors import DomainError, ValidationFailed
from anxin.tickets.followup import revisit_complete
from anxin.tickets.models import RevisitTask
from anxin.tickets.selectors import revisits_due_for
from anxin.tickets.stats import Performance
from anxin.tickets.stats import performance as compute

from ..common import PLATFORM_STAFF, actor, audience, flash_error
from .home import page

PERIODS = {"7": 7, "30": 30, "90": 90}
BRAND, SECOND, THIRD = "#1d6b57", "#c2410c", "#6d28d9"


def _chart(rows: list[Performance]) -> dict[str, Any]:
    """Median first response and resolution per agent (hours), grouped bars."""

    def hours(value: float | None) -> float | None:
        return round(value / 60, 1) if value is not None else None

    return {
        "animation": False,
        "aria": {"enabled": True},
        "color": [BRAND, SECOND],
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 8, "right": 16, "top": 16, "bottom": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": [r.label for r in rows]},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": str(_("First response (median)")),
                "type": "bar",
                "barMaxWidth": 18,
                "data": [hours(r.first_response_median) for r in rows],
            },
            {
                "name": str(_("Resolution (median)")),
                "type": "bar",
                "barMaxWidth": 18,
                "data": [hours(r.resolution_median) for r in rows],
            },
        ],
    }


def _sla_chart(rows: list[Performance]) -> dict[str, Any]:
    return {
        "animation": False,
        "aria": {"enabled": True},
        "color": [THIRD],
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 16, "top": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [r.label for r in rows]},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "name": str(_("SLA attainment")),
                "type": "bar",
                "barMaxWidth": 18,
                "data": [r.sla_attainment for r in rows],
                "label": {"show": True, "position": "top"},
            }
        ],
    }


@audience(PLATFORM_STAFF)
def performance(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("days", "30")
    status = 200
    if period not in PERIODS:
        messages.error(request, _("Choose 7, 30 or 90 days."))
        period, status = "30", 400
    until = clock.now()
    since = until - timedelta(days=PERIODS[period])
    zh = (translation.get_language() or "").startswith("zh")
    agents, teams = compute(since=since, until=until, zh=zh)
    return page(
        request,
        "web/tickets/console_performance.html",
        {
            "agents": agents,
            "teams": teams,
            "period": period,
            "periods": list(PERIODS),
            "chart_times": _chart(agents),
            "chart_sla": _sla_chart(agents),
        },
        nav="performance",
        status=status,
    )


@audience(PLATFORM_STAFF)
def revisits(request: HttpRequest) -> HttpResponse:
    tasks = list(revisits_due_for(actor=actor(request), within=timedelta(days=30))[:200])
    return page(
        request,
        "web/tickets/console_revisits.html",
        {"tasks": tasks, "now": clock.now()},
        nav="revisits",
    )


@audience(PLATFORM_STAFF)
@require_POST
def revisit_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(RevisitTask, pk=pk)
    outcome = request.POST.get("outcome", "").strip()
    try:
        if not outcome or len(outcome) > 2000:
            raise ValidationFailed(
                fields={
                    "outcome": str(_("Write what the customer said (at most 2,000 characters)."))
                }
            )
        revisit_complete(actor=actor(request), task=task, outcome=outcome)
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Revisit recorded."))
    return redirect(reverse("console_tickets:revisits"))
