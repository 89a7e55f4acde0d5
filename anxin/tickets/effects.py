"""What each ticket transition does besides changing the status (same transaction).

Called by ``TICKET_WORKFLOW``: clocks pause while the customer is asked for something, a
resolution meets the clocks, a rejected resolution reopens *and* escalates, closing issues the
satisfaction survey and the revisit tasks whose rules apply.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anxin.core.errors import ValidationFailed
from anxin.core.workflow import StepContext
from anxin.feedback.hooks import survey_after_close

from . import sla
from .choices import SlaMetric
from .models import Ticket, TicketMessage
from .quality import ticket_survey_subject


def effect_wait_customer(step: StepContext) -> None:
    sla.sla_clocks_move(ticket=step.subject, action="pause", reason="waiting on the customer")


def effect_customer_replied(step: StepContext) -> None:
    sla.sla_clocks_move(ticket=step.subject, action="resume", reason="the customer replied")


def effect_resolve(step: StepContext) -> None:
    ticket: Ticket = step.subject
    ticket.resolved_at = step.at
    ticket.save(update_fields=["resolved_at"])
    sla.sla_clocks_move(ticket=ticket, action="meet", reason="resolved")


def _closed(step: StepContext) -> None:
    from .followup import revisits_for_ticket

    ticket: Ticket = step.subject
    ticket.closed_at = step.at
    ticket.save(update_fields=["closed_at"])
    sla.sla_clocks_move(ticket=ticket, action="cancel", reason="closed")
    revisits_for_ticket(ticket=ticket, at=step.at)
    subject = ticket_survey_subject(ticket)
    if subject is not None:  # a merged ticket's survey is its survivor's
        survey_after_close(subject=subject, at=step.at)


def effect_accept_resolution(step: StepContext) -> None:
    _closed(step)


def effect_close(step: StepContext) -> None:
    _closed(step)


def _restart_resolution(ticket: Ticket, step: StepContext) -> None:
    ticket.resolved_at = None
    ticket.closed_at = None
    sla.sla_clocks_move(ticket=ticket, action="cancel", metrics=[SlaMetric.RESOLUTION])
    sla.sla_clock_start(ticket=ticket, metric=SlaMetric.RESOLUTION, at=step.at)


def effect_reject_resolution(step: StepContext) -> None:
    """Review and feedback: the customer says no; the ticket reopens and goes up a level."""
    from .services import escalate_on_behalf

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
