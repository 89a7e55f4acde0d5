"""Administration of the service desk at /manage/desk/: SLA policy rows, teams and their
supervisors, revisit rules. One form per row; a refused form re-renders with its messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from anxin.core.actors import Role
from anxin.core.errors import DomainError
from anxin.core.validation import whole_number
from anxin.tickets.choices import AssignmentMode, Channel, Priority, TicketType
from anxin.tickets.desk_settings import revisit_rule_update, sla_policy_save, team_update
from anxin.tickets.models import RevisitRule, SlaPolicy, Team

from ..common import ADMINS, actor, audience
from .common import INVALID, page, refused

SLA_FIELDS = (
    "name",
    "ticket_type",
    "priority",
    "channel",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "calendar",
    "warn_share",
)


def _context(errors: dict[str, Any] | None = None, failed: str = "") -> dict[str, Any]:
    people = (
        get_user_model()
        .objects.filter(role__in=[Role.AGENT, Role.ARBITRATOR], is_active=True)
        .order_by("username")
    )
    return {
        "policies": list(
            SlaPolicy.objects.order_by("-active", "ticket_type", "priority", "channel", "pk")
        ),
        "teams": list(Team.objects.select_related("supervisor").order_by("code")),
        "rules": list(RevisitRule.objects.order_by("pk")),
        "people": list(people.values_list("pk", "username")),
        "types": TicketType.choices,
        "priorities": Priority.choices,
        "channels": Channel.choices,
        "modes": AssignmentMode.choices,
        "errors": errors or {},
        "failed": failed,
    }


@audience(ADMINS)
def desk(request: HttpRequest) -> HttpResponse:
    return page(request, "web/manage/desk.html", _context(), nav="desk")


def _sla_data(request: HttpRequest) -> dict[str, object]:
    data: dict[str, object] = {name: request.POST.get(name, "").strip() for name in SLA_FIELDS}
    for name in ("ticket_type", "priority", "channel"):
        data[name] = data[name] or None
    data["active"] = request.POST.get("active") == "on"
    return data


@audience(ADMINS)
@require_POST
def sla_save(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is not None:
        get_object_or_404(SlaPolicy, pk=pk)
    try:
        sla_policy_save(actor=actor(request), data=_sla_data(request), pk=pk)
    except DomainError as error:
        errors = refused(request, error)
        context = _context(errors, failed=f"sla-{pk or 'new'}")
        return page(request, "web/manage/desk.html", context, nav="desk", status=INVALID)
    messages.success(request, _("SLA policy saved. Running clocks keep their targets."))
    return redirect(reverse("manage:desk"))


@audience(ADMINS)
@require_POST
def team_save(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    raw = request.POST.get("supervisor", "")
    data = {
        "supervisor": whole_number(raw),
        "assignment_mode": request.POST.get("assignment_mode", ""),
        "first_line": request.POST.get("first_line") == "on",
    }
    try:
        team_update(actor=actor(request), team=team, data=data)
    except DomainError as error:
        errors = refused(request, error)
        return page(
            request,
            "web/manage/desk.html",
            _context(errors, f"team-{pk}"),
            nav="desk",
            status=INVALID,
        )
    messages.success(request, _("Team saved."))
    return redirect(reverse("manage:desk"))


@audience(ADMINS)
@require_POST
def rule_save(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RevisitRule, pk=pk)
    raw = request.POST.get("delay_days", "").strip()
    data = {"delay_days": raw, "active": request.POST.get("active") == "on"}
    try:
        revisit_rule_update(actor=actor(request), rule=rule, data=data)
    except DomainError as error:
        errors = refused(request, error)
        return page(
            request,
            "web/manage/desk.html",
            _context(errors, f"rule-{pk}"),
            nav="desk",
            status=INVALID,
        )
    messages.success(request, _("Revisit rule saved."))
    return redirect(reverse("manage:desk"))
