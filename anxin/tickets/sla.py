"""SLA clocks: which policy applies, and how a clock starts, pauses, resumes and stops.

Time is counted on the policy's calendar (business hours with Chinese holidays and make-up
workdays by default): ``consumed`` holds what earlier runs used, and each run computes its warning
and breach instants from what is left. Clocks are moved only by ``SLA_WORKFLOW`` as ``system``,
because a clock moves as a consequence of someone's ticket action, never by itself being chosen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from anxin.core import calendars
from anxin.core.actors import SYSTEM
from anxin.core.workflow import StepContext, arm_state_deadlines, transition
from anxin.policies.business_hours import business_calendar

from .choices import SlaMetric, SlaStatus
from .models import SlaClock, SlaPolicy, Ticket, TicketEvent
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


def _plan_run(sla: SlaClock, now: datetime) -> None:
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


def _close_run(sla: SlaClock, now: datetime) -> None:
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
    _plan_run(sla, at)
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


# --- effects of the SLA workflow (same transaction as the clock's status change) ---------------


def effect_warn(step: StepContext) -> None:
    sla: SlaClock = step.subject
    sla.warned_at = step.at
    sla.warn_at = None
    sla.save(update_fields=["warned_at", "warn_at"])


def effect_breach(step: StepContext) -> None:
    from .services import ticket_escalate

    sla: SlaClock = step.subject
    sla.breached_at = step.at
    sla.save(update_fields=["breached_at"])
    # Escalate without waiting for the ticket's lock (an agent may be working on it): if it is
    # busy, SubjectBusy rolls this breach back and the sweeper tries again next round.
    ticket_escalate(
        actor=SYSTEM,
        ticket=sla.ticket_id,
        reason=f"SLA-{sla.metric}",
        skip_locked=True,
    )


def effect_pause(step: StepContext) -> None:
    sla: SlaClock = step.subject
    _close_run(sla, step.at)
    sla.save(update_fields=["consumed", "running_since", "warn_at", "due_at"])


def effect_resume(step: StepContext) -> None:
    sla: SlaClock = step.subject
    _plan_run(sla, step.at)
    sla.save(update_fields=["running_since", "warn_at", "due_at"])


def effect_stop(step: StepContext) -> None:
    sla: SlaClock = step.subject
    if step.to_state == SlaStatus.BREACHED and sla.breached_at is None:
        sla.breached_at = sla.due_at  # met late, before the sweeper fired the breach
    _close_run(sla, step.at)
    sla.stopped_at = step.at
    sla.save(
        update_fields=[
            "consumed",
            "running_since",
            "warn_at",
            "due_at",
            "stopped_at",
            "breached_at",
        ]
    )


def sla_event_record(step: StepContext) -> TicketEvent | None:
    """Warnings and breaches go into the ticket's history; pauses and stops are in the audit log."""
    if step.transition.action not in {"warn", "breach"}:
        return None
    sla: SlaClock = step.subject
    return TicketEvent.objects.create(
        ticket_id=sla.ticket_id,
        action=f"sla_{step.transition.action}",
        actor=step.actor.audit_label(),
        actor_role=str(step.actor.role),
        reason=step.reason,
        data={"metric": sla.metric, "clock": sla.pk},
        created_at=step.at,
    )
