"""E-mail to the customer: through the outbox after commit, threaded by its headers.

Every mail carries a stable ``Message-ID`` of our domain (``<TK….random@domain>``), answers the
customer's last Message-ID (``In-Reply-To``/``References``) and the ticket number in the subject, so
a reply threads back into the ticket. Automatic notices say ``Auto-Submitted: auto-replied`` (and ask
Exchange not to answer them), so well-behaved auto-responders never answer them; an agent's reply
is a person's message and does not.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from anxin.notifications.models import OutboxMessage
from anxin.notifications.outbox import Email, outbox_enqueue

from ..choices import AuthorKind
from ..models import Ticket, TicketMessage


def support_address() -> str:
    return str(getattr(settings, "ANXIN_SUPPORT_EMAIL", "") or "")


def mail_domain() -> str:
    """The domain of our Message-IDs: ``ANXIN_MAIL_DOMAIN``, else the support address's domain."""
    domain = str(getattr(settings, "ANXIN_MAIL_DOMAIN", "") or "")
    if not domain and "@" in support_address():
        domain = support_address().rsplit("@", 1)[1]
    return (domain or "anxin.localhost").strip().lower()


def message_id_new(prefix: str) -> str:
    return f"<{prefix}.{secrets.token_hex(8)}@{mail_domain()}>"


def is_our_message_id(message_id: str) -> bool:
    return message_id.lower().endswith(f"@{mail_domain()}>")


def customer_address(ticket: Ticket) -> str:
    if ticket.contact_email:
        return ticket.contact_email
    if ticket.requester_id is not None and ticket.requester is not None:
        return ticket.requester.email or ""
    return ""


def _thread_headers(ticket: Ticket, message_id: str, *, automatic: bool) -> dict[str, str]:
    headers = {"Message-ID": message_id}
    last = (
        TicketMessage.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER)
        .exclude(mail_message_id="")
        .order_by("-created_at", "-pk")
        .values_list("mail_message_id", flat=True)
        .first()
    )
    if last:
        headers["In-Reply-To"] = last
        headers["References"] = last
    if support_address():
        headers["Reply-To"] = support_address()
    if automatic:
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    return headers


def _footer(ticket: Ticket) -> str:
    return _(
        "Ticket %(number)s. Reply to this e-mail to answer; please keep the number in the subject."
    ) % {"number": ticket.number}


def customer_mail_queue(
    *,
    ticket: Ticket,
    subject: str,
    body: str,
    at: datetime,
    message: TicketMessage | None = None,
) -> None:
    """Queue one e-mail to the customer. With ``message`` (an agent's public reply) the text is
    the reply itself and its Message-ID is stored on it; otherwise it is an automatic notice."""
    address = customer_address(ticket)
    if not address:
        return
    agent_reply = message is not None and message.author_kind == AuthorKind.AGENT
    message_id = message_id_new(ticket.number)
    headers = _thread_headers(ticket, message_id, automatic=not agent_reply)
    outbox_enqueue(
        event="ticket.mail",
        at=at,
        merchant_id=ticket.merchant_id,
        emails=[
            Email(
                to=address,
                subject=f"[{ticket.number}] {subject}",
                body=f"{body}\n\n-- \n{_footer(ticket)}\n",
                headers=headers,
                data={"ticket_number": ticket.number},
            )
        ],
    )
    if agent_reply and message is not None and not message.mail_message_id:
        message.mail_message_id = message_id
        message.save(update_fields=["mail_message_id"])


def notice_mail_queue(
    *, address: str, subject: str, body: str, at: datetime, event: str, prefix: str
) -> OutboxMessage:
    """An automatic e-mail that belongs to no ticket yet (the contact form's link)."""
    headers = {"Message-ID": message_id_new(prefix), "Auto-Submitted": "auto-generated"}
    if support_address():
        headers["Reply-To"] = support_address()
    (outbox,) = outbox_enqueue(
        event=event,
        at=at,
        emails=[Email(to=address, subject=subject, body=body, headers=headers)],
    )
    return outbox
