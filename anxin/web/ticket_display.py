"""How tickets read on pages: action and event labels, the history with names, SLA clocks,
the five stages, and which buttons a viewer gets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from anxin.core.actors import Actor
from anxin.tickets.choices import SlaMetric, SlaStatus, Stage, TicketStatus
from anxin.tickets.models import SlaClock, Ticket, TicketEvent
from anxin.tickets.permissions import can_see_internal
from anxin.tickets.workflow import TICKET_WORKFLOW

from .case_display import ROLE_LABELS, usernames_of

ACTION_LABELS: dict[str, Any] = {
    "open": _("Ticket opened"),
    "accept": _("Taken up"),
    "wait_customer": _("Waiting on the customer"),
    "wait_internal": _("Waiting on a team"),
    "customer_replied": _("Customer replied"),
    "resume": _("Back in handling"),
    "resolve": _("Resolved"),
    "accept_resolution": _("Resolution accepted"),
    "reject_resolution": _("Resolution rejected"),
    "close": _("Closed"),
    "reopen": _("Reopened"),
    "merge": _("Merged"),
    "assign": _("Assigned"),
    "transfer": _("Transferred"),
    "escalate": _("Escalated"),
    "tag": _("Tags changed"),
    "verify": _("Verification recorded"),
    "sla_warn": _("SLA at risk"),
    "sla_breach": _("SLA breached"),
}

# Buttons of the workflow's actions, per audience (the engine still checks every one).
BUTTONS: dict[str, Any] = {
    "accept": _("Take up"),
    "wait_customer": _("Ask the customer (pause SLA)"),
    "wait_internal": _("Wait on a team"),
    "resume": _("Resume handling"),
    "resolve": _("Resolve"),
    "close": _("Close"),
    "reopen": _("Reopen"),
    "accept_resolution": _("Accept the resolution"),
    "reject_resolution": _("Not solved — reject the resolution"),
}
STAFF_BUTTONS = ("accept", "wait_customer", "wait_internal", "resume", "resolve", "close", "reopen")

METRIC_LABELS = dict(SlaMetric.choices)
STAGE_ORDER = [s for s, _label in Stage.choices]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    label: str
    who: str
    automatic: bool
    reason: str
    to_status: str


def history(ticket: Ticket, events: list[TicketEvent], viewer: Actor) -> list[HistoryEntry]:
    """Every event with who did it; consumers see roles, not staff names; SLA events and internal
    routing are for the platform only."""
    statuses = dict(TicketStatus.choices)
    internal = can_see_internal(viewer)
    names = usernames_of(events) if internal else {}
    hidden = set() if internal else {"sla_warn", "sla_breach", "assign", "tag", "verify"}
    entries = []
    for event in events:
        if event.action in hidden:
            continue
        automatic = event.actor == "system"
        role = str(ROLE_LABELS.get(event.actor_role, event.actor_role))
        who = (
            role if automatic or not internal else f"{role} · {names.get(event.actor, event.actor)}"
        )
        entries.append(
            HistoryEntry(
                at=event.created_at,
                action=event.action,
                label=str(ACTION_LABELS.get(event.action, event.action)),
                who=who,
                automatic=automatic,
                reason=_reason(event) if internal or not automatic else "",
                to_status=str(statuses.get(event.to_status, "")) if event.to_status else "",
            )
        )
    return entries


def _reason(event: TicketEvent) -> str:
    if event.reason.startswith("SLA-"):
        metric = event.reason[4:]
        return str(_("SLA: %(metric)s") % {"metric": METRIC_LABELS.get(metric, metric)})
    if event.reason == "T-1":
        return str(_("T-1: a resolution nobody answers is accepted after 3 days"))
    return event.reason


@dataclass(frozen=True)
class ClockRow:
    metric: str
    status: str
    status_key: str
    due_at: datetime | None
    stopped_at: datetime | None
    target_minutes: int


def clock_rows(clocks: list[SlaClock]) -> list[ClockRow]:
    labels = dict(SlaStatus.choices)
    return [
        ClockRow(
            metric=str(METRIC_LABELS.get(c.metric, c.metric)),
            status=str(labels.get(c.status, c.status)),
            status_key=c.status,
            due_at=c.due_at,
            stopped_at=c.stopped_at,
            target_minutes=int(c.target.total_seconds() // 60),
        )
        for c in clocks
    ]


def stages(current: str) -> list[tuple[str, str, str]]:
    """(stage, label, state) with state done / current / todo, in order."""
    labels = dict(Stage.choices)
    index = STAGE_ORDER.index(current)
    return [
        (s, str(labels[s]), "done" if i < index else "current" if i == index else "todo")
        for i, s in enumerate(STAGE_ORDER)
    ]


def buttons_for(ticket: Ticket, viewer: Actor, allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    actions = {t.action for t in TICKET_WORKFLOW.available(ticket, viewer)}
    return [(a, str(BUTTONS[a])) for a in allowed if a in actions]


SLA_BADGES: dict[str, Any] = {
    "breached": _("SLA breached"),
    "at_risk": _("SLA at risk"),
    "on_track": _("on track"),
    "paused": _("SLA paused"),
    "none": "—",
}
