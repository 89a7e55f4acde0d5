"""SLA clocks: which policy applies, and how a clock starts, pauses, resumes and stops.

Time is counted on the policy's calendar (business hours with Chinese holidays and make-up
workdays by default): ``consumed`` holds what earlier runs used, and each run computes its warning
and breach instants from what is left (``run_plan``/``run_close``, which the workflow's effects in
``effects.py`` call). Clocks are moved only by ``SLA_WORKFLOW`` as ``system``, because a clock
moves as a consequence of someone's ticket action, never by itself being chosen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from anxin.core import calendars
from anxin.core.actors import SYSTEM
from anxin.core.workflow import arm_state_deadlines, transition
from anxin.policies.business_hours import business_calendar

from .choices import SlaMetric, SlaStatus
from .models import SlaClock, SlaPolicy, Ticket
from .sla_workflow import SLA_WORKFLOW

LIVE = (SlaStatus.RUNNING, SlaStatus.WARNED, SlaStatus.PAUSED)


def sla_policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The most specific active policy row matching the ticket's type, priority and channel."""
    rows = SlaPolicy.objects.filter(
        Q(ticket_type="") | Q(ticket_type=ticket.type),
        Q(priority="") | Q(priority=ticket.priority),
        Q(channel="") | Q(channel=ticket.channel),
        active=True,
    )
    ranked = sorted(rows, key=lambda p: (-p.specificity, p.pk))
    return ranked[0] if ranked else None


def _target(policy: SlaPolicy, metric: str) -> timedelta:
    minutes = {
        SlaMetric.FIRST_RESPONSE: policy.first_response_minutes,
        SlaMetric.NEXT_RESPONSE: policy.next_response_minutes,
        SlaMetric.RESOLUTION: policy.resolution_minutes,
    }[SlaMetric(metric)]
    return timedelta(minutes=minutes)


def elapsed(calendar: str, start: datetime, end: datetime) -> timedelta:
    """Calendar time between two instants (business hours only on the business calendar)."""
    if calendar == "business":
        return business_calendar().between(start, end)
    return max(end - start, timedelta(0))


def run_plan(sla: SlaClock, now: datetime) -> None:
    """Start a run at ``now``: the breach instant is what is left of the target, the warning
    instant what is left before the warning share (unless it was already given)."""
    sla.running_since = now
    left = sla.target - sla.consumed
    sla.due_at = calendars.due_at(sla.calendar, now, max(left, timedelta(0)))
    if sla.warned_at is None:
        warn_left = sla.target * float(sla.warn_share) - sla.consumed
        sla.warn_at = calendars.due_at(sla.calendar, now, max(warn_left, timedelta(0)))
    else:
        sla.warn_at = None


def run_close(sla: SlaClock, now: datetime) -> None:
    """End a run at ``now``: what it used goes into ``consumed``; no warning or breach is due."""
    if sla.running_since is not None:
        sla.consumed += elapsed(sla.calendar, sla.running_since, now)
    sla.running_since = None
    sla.warn_at = None
    sla.due_at = None


def sla_clock_start(*, ticket: Ticket, metric: str, at: datetime) -> SlaClock | None:
    """Start a clock for ``metric`` under the ticket's SLA policy (none without a policy)."""
    policy = ticket.sla_policy
    if policy is None:
        return None
    sla = SlaClock(
        ticket=ticket,
        metric=metric,
        target=_target(policy, metric),
        calendar=policy.calendar,
        warn_share=Decimal(policy.warn_share),
        started_at=at,
    )
    run_plan(sla, at)
    sla.save()
    arm_state_deadlines(SLA_WORKFLOW, sla, at=at)
    return sla


def _live(ticket: Ticket, metrics: list[str] | None = None) -> list[SlaClock]:
    query = SlaClock.objects.filter(ticket=ticket, status__in=LIVE)
    if metrics is not None:
        query = query.filter(metric__in=metrics)
    return list(query.order_by("pk"))


def sla_clocks_move(
    *, ticket: Ticket, action: str, metrics: list[str] | None = None, reason: str = ""
) -> int:
    """Apply ``action`` (pause, resume, meet, cancel) to the ticket's live clocks that allow it."""
    moved = 0
    for sla in _live(ticket, metrics):
        if SLA_WORKFLOW.find(action, sla.status) is None:
            continue
        transition(SLA_WORKFLOW, subject=sla.pk, action=action, actor=SYSTEM, reason=reason)
        moved += 1
    return moved


def sla_has_live(ticket: Ticket, metric: str) -> bool:
    return SlaClock.objects.filter(ticket=ticket, metric=metric, status__in=LIVE).exists()
