"""Who hears about which ticket event, and what they read (in-app, and e-mail to the customer).

Texts are English sources rendered in each recipient's language when written. Placeholders:
``number`` and ``subject``. Customer e-mails go through the outbox after commit and carry the
ticket number in the subject, so a reply threads back into the ticket (``mail/outbound.py``).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.core.actors import Actor
from anxin.notifications.outbox import Subject, notify

from .mail.outbound import customer_mail_queue
from .models import Ticket, TicketMessage

SUBJECT_TYPE = "tickets.ticket"

REQUESTER, ASSIGNEE, SUPERVISOR = "requester", "assignee", "supervisor"

TICKET_MESSAGES: dict[str, tuple[frozenset[str], Promise, Promise]] = {
    "open": (
        frozenset({REQUESTER, ASSIGNEE}),
        _("Ticket %(number)s received"),
        _("We received your request “%(subject)s” (%(number)s) and will answer soon."),
    ),
    "reply_agent": (
        frozenset({REQUESTER}),
        _("New reply on %(number)s"),
        _("Customer service replied to “%(subject)s” (%(number)s)."),
    ),
    "reply_customer": (
        frozenset({ASSIGNEE}),
        _("Customer replied on %(number)s"),
        _("The customer replied to “%(subject)s” (%(number)s)."),
    ),
    "wait_customer": (
        frozenset({REQUESTER}),
        _("We need more information on %(number)s"),
        _("Please reply to “%(subject)s” (%(number)s) so that we can go on."),
    ),
    "resolve": (
        frozenset({REQUESTER}),
        _("Ticket %(number)s resolved"),
        _(
            "“%(subject)s” (%(number)s) is resolved. Please accept the resolution or tell us what is still wrong."
        ),
    ),
    "escalate": (
        frozenset({SUPERVISOR}),
        _("Ticket %(number)s escalated to you"),
        _("“%(subject)s” (%(number)s) was escalated and needs a supervisor."),
    ),
}


def _users(ticket: Ticket, parties: frozenset[str], exclude: int | None) -> list[User]:
    ids: set[int] = set()
    if REQUESTER in parties and ticket.requester_id:
        ids.add(ticket.requester_id)
    if ASSIGNEE in parties and ticket.assignee_id:
        ids.add(ticket.assignee_id)
    if SUPERVISOR in parties and ticket.assignee_id:
        ids.add(ticket.assignee_id)  # escalation hands the ticket to the supervisor
    ids.discard(exclude or 0)
    return list(User.objects.filter(pk__in=ids, is_active=True))


def ticket_notify(
    *,
    ticket: Ticket,
    kind: str,
    at: datetime,
    actor: Actor | None = None,
    message: TicketMessage | None = None,
) -> None:
    """Write the in-app notifications of ``kind`` and queue the customer's e-mail, if any."""
    if kind not in TICKET_MESSAGES:
        return
    parties, title, body = TICKET_MESSAGES[kind]
    values = {"number": ticket.number, "subject": ticket.subject}
    notify(
        recipients=_users(ticket, parties, actor.user_id if actor else None),
        kind=f"ticket.{kind}",
        render=lambda: (str(title) % values, str(body) % values),
        at=at,
        merchant_id=ticket.merchant_id,
        subject=Subject(type=SUBJECT_TYPE, number=ticket.number),
    )
    if REQUESTER in parties:
        with translation.override(ticket.language or settings.LANGUAGE_CODE):
            customer_mail_queue(
                ticket=ticket,
                subject=str(title) % values,
                body=message.body if message is not None else str(body) % values,
                at=at,
                message=message,
            )
