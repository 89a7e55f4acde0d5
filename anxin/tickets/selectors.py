"""Reads on tickets, scoped to the actor: lists with their SLA state, one ticket, its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import NotFound

from .choices import OPEN_STATUSES, SlaStatus, Stage, TicketStatus
from .models import RevisitTask, SlaClock, Ticket, TicketEvent, TicketMessage
from .permissions import can_plan_revisits, can_see_internal

LIVE = (SlaStatus.RUNNING, SlaStatus.WARNED)


def _clocks() -> QuerySet[SlaClock]:
    return SlaClock.objects.filter(ticket=OuterRef("pk"))


def _breached() -> Exists:
    return Exists(_clocks().filter(status=SlaStatus.BREACHED, stopped_at__isnull=True))


def _warned() -> Exists:
    return Exists(_clocks().filter(status=SlaStatus.WARNED))


def with_sla(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate each ticket with its nearest SLA breach time and whether a clock breached or is
    at risk: one query for a whole list."""
    return tickets.annotate(
        sla_due=Subquery(_clocks().filter(status__in=LIVE).order_by("due_at").values("due_at")[:1]),
        sla_breached=_breached(),
        sla_warned=_warned(),
        sla_paused=Exists(_clocks().filter(status=SlaStatus.PAUSED)),
    )


def sla_state(ticket: Ticket) -> str:
    """One word for a list row: breached, at_risk, paused, on_track, or none."""
    if getattr(ticket, "sla_breached", False):
        return "breached"
    if getattr(ticket, "sla_warned", False):
        return "at_risk"
    if getattr(ticket, "sla_due", None) is not None:
        return "on_track"
    if getattr(ticket, "sla_paused", False):
        return "paused"
    return "none"


@dataclass(frozen=True)
class TicketFilters:
    status: str = ""  # a status, or "open" for every open status
    type: str = ""
    priority: str = ""
    channel: str = ""
    team: str = ""
    assignee: int | None = None
    mine: bool = False
    unassigned: bool = False
    escalated: bool = False
    sla: str = ""  # breached, at_risk
    q: str = ""


def ticket_list_for(*, actor: Actor, filters: TicketFilters) -> QuerySet[Ticket]:
    """Tickets the actor may see, nearest SLA first, then newest."""
    tickets: QuerySet[Ticket] = Ticket.objects.for_actor(actor).select_related(
        "team", "assignee", "merchant", "order"
    )
    conditions = Q()
    if filters.status == "open":
        conditions &= Q(status__in=OPEN_STATUSES)
    elif filters.status:
        conditions &= Q(status=filters.status)
    for name in ("type", "priority", "channel"):
        value = getattr(filters, name)
        if value:
            conditions &= Q(**{name: value})
    if filters.team:
        conditions &= Q(team__code=filters.team)
    if filters.mine and actor.user_id is not None:
        conditions &= Q(assignee_id=actor.user_id)
    elif filters.assignee is not None:
        conditions &= Q(assignee_id=filters.assignee)
    if filters.unassigned:
        conditions &= Q(assignee__isnull=True)
    if filters.escalated:
        conditions &= Q(escalation_level__gt=0)
    if filters.q:
        conditions &= Q(number__iexact=filters.q) | Q(subject__icontains=filters.q)
    tickets = with_sla(tickets.filter(conditions))
    if filters.sla == "breached":
        tickets = tickets.filter(_breached())
    elif filters.sla == "at_risk":
        tickets = tickets.filter(_warned())
    return tickets.order_by(F("sla_due").asc(nulls_last=True), "-created_at")


def ticket_get_for(*, actor: Actor, number: str) -> Ticket:
    """One ticket by number, or NotFound when missing or out of the actor's scope."""
    ticket = (
        with_sla(Ticket.objects.for_actor(actor))
        .select_related("team", "assignee", "merchant", "order", "case", "requester", "merged_into")
        .prefetch_related("tags")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise NotFound()
    return ticket


def ticket_messages_for(*, actor: Actor, ticket: Ticket) -> QuerySet[TicketMessage]:
    """The conversation; internal notes only for platform staff."""
    messages = ticket.messages.select_related("author").prefetch_related("attachments")
    if not can_see_internal(actor):
        messages = messages.filter(visibility="public")
    return messages.order_by("created_at", "pk")


def ticket_events_for(*, actor: Actor, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.order_by("created_at", "pk")


def ticket_clocks(ticket: Ticket) -> list[SlaClock]:
    return list(ticket.sla_clocks.order_by("started_at", "pk"))


def ticket_stage(ticket: Ticket) -> str:
    """Where the ticket is in the five stages from intake to archive."""
    if ticket.status == TicketStatus.NEW:
        return Stage.RECEPTION
    if ticket.status in OPEN_STATUSES:
        return Stage.HANDLING
    if ticket.status == TicketStatus.RESOLVED:
        return Stage.REVIEW
    open_revisit = RevisitTask.objects.filter(ticket=ticket, status="open").exists()
    return Stage.FOLLOW_UP if open_revisit else Stage.ARCHIVE


def revisits_due_for(
    *, actor: Actor, within: timedelta = timedelta(days=7)
) -> QuerySet[RevisitTask]:
    """Open revisit tasks due soon (platform staff only)."""
    if not can_plan_revisits(actor):
        return RevisitTask.objects.none()
    return (
        RevisitTask.objects.filter(status="open", due_at__lte=clock.now() + within)
        .select_related("rule", "ticket", "case")
        .order_by("due_at", "pk")
    )


def desk_counts(*, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """The console's tiles: open, unassigned, mine, at risk, breached, escalated."""
    tickets = with_sla(Ticket.objects.for_actor(actor).filter(status__in=OPEN_STATUSES))
    return {
        "open": tickets.count(),
        "unassigned": tickets.filter(assignee__isnull=True).count(),
        "mine": tickets.filter(assignee_id=actor.user_id).count() if actor.user_id else 0,
        "at_risk": tickets.filter(_warned()).count(),
        "breached": tickets.filter(_breached()).count(),
        "escalated": tickets.filter(escalation_level__gt=0).count(),
    }
