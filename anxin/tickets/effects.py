"""What each ticket and SLA-clock transition does besides changing the status (same transaction),
and the registration of ``TICKET_WORKFLOW`` and ``SLA_WORKFLOW`` with those effects.

Tickets: clocks pause while the customer is asked for something, a resolution meets the clocks, a
rejected resolution reopens *and* escalates, closing issues the satisfaction survey and the revisit
tasks whose rules apply. Clocks: a warning or a breach is stamped (a breach escalates the ticket),
a pause banks the time used, a resume plans a new run, a stop ends the clock.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from anxin.core.actors import SYSTEM
from anxin.core.errors import ValidationFailed
from anxin.core.workflow import History, StepContext, register
from anxin.feedback.hooks import survey_after_close

from . import sla
from .choices import SlaMetric, SlaStatus
from .followup import revisits_for_ticket
from .models import SlaClock, Ticket, TicketMessage
from .quality import ticket_survey_subject
from .services import escalate_on_behalf, ticket_escalate
from .sla_workflow import SLA_WORKFLOW
from .workflow import TICKET_WORKFLOW

# --- the ticket machine ----------------------------------------------------------------------------


def effect_wait_customer(step: StepContext) -> None:
    sla.sla_clocks_move(ticket=step.subject, action="pause", reason="waiting on the customer")


def effect_customer_replied(step: StepContext) -> None:
    sla.sla_clocks_move(ticket=step.subject, action="resume", reason="the customer replied")


def effect_resolve(step: StepContext) -> None:
    ticket: Ticket = step.subject
    ticket.resolved_at = step.at
    ticket.save(update_fields=["resolved_at"])
    sla.sla_clocks_move(ticket=ticket, action="meet", reason="resolved")


def effect_closed(step: StepContext) -> None:
    """Accepting a resolution and closing end the ticket alike: clocks stop, revisits and the
    survey are due."""
    ticket: Ticket = step.subject
    ticket.closed_at = step.at
    ticket.save(update_fields=["closed_at"])
    sla.sla_clocks_move(ticket=ticket, action="cancel", reason="closed")
    revisits_for_ticket(ticket=ticket, at=step.at)
    subject = ticket_survey_subject(ticket)
    if subject is not None:  # a merged ticket's survey is its survivor's
        survey_after_close(subject=subject, at=step.at)


def _restart_resolution(ticket: Ticket, step: StepContext) -> None:
    ticket.resolved_at = None
    ticket.closed_at = None
    sla.sla_clocks_move(ticket=ticket, action="cancel", metrics=[SlaMetric.RESOLUTION])
    sla.sla_clock_start(ticket=ticket, metric=SlaMetric.RESOLUTION, at=step.at)


def effect_reject_resolution(step: StepContext) -> None:
    """Review and feedback: the customer says no; the ticket reopens and goes up a level."""
    if not step.reason.strip():
        raise ValidationFailed(fields={"reason": str(_("Tell us what is still wrong."))})
    ticket: Ticket = step.subject
    ticket.resolution_rejections += 1
    _restart_resolution(ticket, step)
    ticket.save(update_fields=["resolution_rejections", "resolved_at", "closed_at"])
    escalate_on_behalf(actor=step.actor, ticket=ticket.pk, reason=step.reason)


def effect_reopen(step: StepContext) -> None:
    ticket: Ticket = step.subject
    ticket.reopen_count += 1
    _restart_resolution(ticket, step)
    ticket.save(update_fields=["reopen_count", "resolved_at", "closed_at"])


def effect_merge(step: StepContext) -> None:
    ticket: Ticket = step.subject
    into_id = step.data["into_id"]
    ticket.merged_into_id = into_id
    ticket.closed_at = step.at
    ticket.save(update_fields=["merged_into", "closed_at"])
    sla.sla_clocks_move(ticket=ticket, action="cancel", reason="merged")
    TicketMessage.objects.create(
        ticket_id=into_id,
        visibility="internal",
        author_kind="system",
        channel=ticket.channel,
        body=f"{ticket.number}: {ticket.subject}",
        created_at=step.at,
    )


def ticket_event_data(step: StepContext) -> dict[str, Any]:
    """What a ticket's history row keeps of the transition's data (never a customer's text)."""
    return {k: v for k, v in step.data.items() if k in {"auto", "kind", "into"}}


register(
    TICKET_WORKFLOW,
    # The engine writes the audit row; this is the ticket's own history.
    history=History("tickets.ticketevent", subject_field="ticket", data=ticket_event_data),
    effects={
        "wait_customer": effect_wait_customer,
        "customer_replied": effect_customer_replied,
        "resolve": effect_resolve,
        "accept_resolution": effect_closed,
        "reject_resolution": effect_reject_resolution,
        "close": effect_closed,
        "reopen": effect_reopen,
        "merge": effect_merge,
    },
)


# --- the SLA clock machine -------------------------------------------------------------------------


def effect_warn(step: StepContext) -> None:
    clock: SlaClock = step.subject
    clock.warned_at = step.at
    clock.warn_at = None
    clock.save(update_fields=["warned_at", "warn_at"])


def effect_breach(step: StepContext) -> None:
    clock: SlaClock = step.subject
    clock.breached_at = step.at
    clock.save(update_fields=["breached_at"])
    # Escalate without waiting for the ticket's lock (an agent may be working on it): if it is
    # busy, SubjectBusy rolls this breach back and the sweeper tries again next round.
    ticket_escalate(
        actor=SYSTEM,
        ticket=clock.ticket_id,
        reason=f"SLA-{clock.metric}",
        skip_locked=True,
    )


def effect_pause(step: StepContext) -> None:
    clock: SlaClock = step.subject
    sla.run_close(clock, step.at)
    clock.save(update_fields=["consumed", "running_since", "warn_at", "due_at"])


def effect_resume(step: StepContext) -> None:
    clock: SlaClock = step.subject
    sla.run_plan(clock, step.at)
    clock.save(update_fields=["running_since", "warn_at", "due_at"])


def effect_stop(step: StepContext) -> None:
    clock: SlaClock = step.subject
    if step.to_state == SlaStatus.BREACHED and clock.breached_at is None:
        clock.breached_at = clock.due_at  # met late, before the sweeper fired the breach
    sla.run_close(clock, step.at)
    clock.stopped_at = step.at
    clock.save(
        update_fields=[
            "consumed",
            "running_since",
            "warn_at",
            "due_at",
            "stopped_at",
            "breached_at",
        ]
    )


def sla_event_data(step: StepContext) -> dict[str, Any]:
    return {"metric": step.subject.metric, "clock": step.subject.pk}


register(
    SLA_WORKFLOW,
    # Warnings and breaches go into the ticket's history; pauses and stops are in the audit log.
    history=History(
        "tickets.ticketevent",
        subject_field="ticket_id",
        of_subject=lambda clock: clock.ticket_id,
        action_prefix="sla_",
        actions=frozenset({"warn", "breach"}),
        states=False,
        data=sla_event_data,
    ),
    effects={
        "warn": effect_warn,
        "breach": effect_breach,
        "pause": effect_pause,
        "resume": effect_resume,
        "meet": effect_stop,
        "cancel": effect_stop,
    },
)
