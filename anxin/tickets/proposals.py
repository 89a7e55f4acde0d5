"""The desk's side of proposing a ticket for the knowledge base.

Knowledge sits above tickets (docs/decisions/0013-layers.md): it asks this service to flag the
ticket and takes back what an article draft starts from, instead of writing ticket rows itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from anxin.core.errors import Conflict

from .choices import AuthorKind, TicketStatus, Visibility
from .models import Ticket, TicketMessage


@dataclass(frozen=True)
class Proposal:
    """What an article draft is made of: the ticket's subject and its last public agent reply."""

    ticket_id: int
    number: str
    merchant_id: int | None
    language: str
    subject: str
    reply: str


@transaction.atomic
def ticket_kb_propose(*, ticket: Ticket) -> Proposal:
    """Flag a resolved or closed ticket as proposed for the knowledge base, once (Conflict for a
    second proposal or a ticket still being worked on)."""
    if ticket.status not in {TicketStatus.RESOLVED, TicketStatus.CLOSED}:
        raise Conflict(_("Only a resolved or closed ticket can become an article."))
    # The conditional update is the lock: of two concurrent proposals only one flips the flag.
    if not Ticket.objects.filter(pk=ticket.pk, kb_proposed=False).update(kb_proposed=True):
        raise Conflict(_("This ticket was already proposed for the knowledge base."))
    ticket.kb_proposed = True
    reply = (
        TicketMessage.objects.filter(
            ticket_id=ticket.pk, visibility=Visibility.PUBLIC, author_kind=AuthorKind.AGENT
        )
        .order_by("-created_at", "-pk")
        .values_list("body", flat=True)
        .first()
    )
    return Proposal(
        ticket_id=ticket.pk,
        number=ticket.number,
        merchant_id=ticket.merchant_id,
        language=str(ticket.language),
        subject=ticket.subject,
        reply=reply or "",
    )
