"""The anonymous contact form: a request waits until its sender proves the address is theirs.

``contact_request_create`` stores the request (address and name encrypted) with the SHA-256 of a
random token and e-mails the link ``/contact/confirm/<token>/``; only the token's owner can turn
it into a ticket, once, within 24 hours (``contact_request_confirm``). The ticket stays
*unverified*: a working mailbox proves the address, not who the customer is or that the order is
theirs. At most five requests per address wait at any time within an hour.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Annotated, Final

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict, EmailStr, StringConstraints

from anxin.core import clock
from anxin.core.actors import SYSTEM
from anxin.core.audit import audit_record
from anxin.core.crypto import lookup_hash
from anxin.core.errors import Conflict, CoreErrorCode, DomainError, NotFound

from .choices import Channel, Priority, TicketType
from .inputs import Name, Ref, Subject, TicketOpenIn
from .mail.outbound import notice_mail_queue
from .models import ContactRequest, Ticket
from .services import Contact, ticket_open

CONFIRM_PATH: Final = "/contact/confirm/{token}/"
LINK_LIFETIME: Final = timedelta(hours=24)
PENDING_PER_HOUR: Final = 5

Message = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: TicketType = TicketType.INQUIRY
    subject: Subject
    body: Message
    email: EmailStr
    name: Name = ""
    order: Ref = ""


class ContactTooMany(DomainError):
    status = 429
    default_code = CoreErrorCode.RATE_LIMITED
    default_message = gettext_lazy(
        "Too many requests are waiting for this address. Please confirm the e-mails we sent, "
        "or try again in an hour."
    )


class ContactLinkExpired(DomainError):
    status = 410
    default_code = "contact.link_expired"
    default_message = gettext_lazy(
        "This confirmation link has expired. Please send your request again."
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _site_url(base_url: str) -> str:
    return (str(getattr(settings, "ANXIN_SITE_URL", "") or "") or base_url).rstrip("/")


@transaction.atomic
def contact_request_create(*, data: ContactIn, language: str, base_url: str = "") -> ContactRequest:
    """Store an anonymous request and e-mail its confirmation link (after commit)."""
    now = clock.now()
    email = str(data.email).strip()
    email_hash = lookup_hash(email.lower())
    waiting = ContactRequest.objects.filter(
        email_hash=email_hash,
        ticket__isnull=True,
        created_at__gte=now - timedelta(hours=1),
        expires_at__gt=now,
    ).count()
    if waiting >= PENDING_PER_HOUR:
        raise ContactTooMany()
    token = secrets.token_urlsafe(32)
    language = language if language in {"zh-hans", "en"} else "zh-hans"
    request = ContactRequest.objects.create(
        email=email,
        email_hash=email_hash,
        name=data.name,
        type=data.type,
        subject=data.subject,
        body=data.body,
        order_ref=data.order,
        language=language,
        token_hash=token_hash(token),
        expires_at=now + LINK_LIFETIME,
    )
    link = _site_url(base_url) + CONFIRM_PATH.format(token=token)
    with translation.override(language):
        subject = _("Please confirm your request “%(subject)s”") % {"subject": data.subject}
        body = _(
            "We received a request from this address on the Anxin contact form.\n\n"
            "To send it to our service desk, open this link within 24 hours:\n%(link)s\n\n"
            "If you did not write to us, ignore this e-mail; nothing will be sent."
        ) % {"link": link}
    notice_mail_queue(
        address=email,
        subject=subject,
        body=body,
        at=now,
        event="contact.confirm",
        prefix=f"contact-{request.public_id.hex[:12]}",
    )
    audit_record(
        actor="anonymous",
        action="tickets.contact.create",
        subject_type="tickets.contactrequest",
        subject_id=request.pk,
        data={"type": data.type, "language": language},
    )
    return request


def _check(request: ContactRequest | None) -> ContactRequest:
    if request is None:
        raise NotFound(gettext_lazy("This confirmation link is not valid."))
    if request.ticket_id is not None:
        raise Conflict(gettext_lazy("This request was already confirmed."))
    if clock.now() >= request.expires_at:
        raise ContactLinkExpired()
    return request


def contact_request_peek(*, token: str) -> ContactRequest:
    """The waiting request of a link (for the confirmation page), or the error the link gets."""
    return _check(ContactRequest.objects.filter(token_hash=token_hash(token or "")).first())


@transaction.atomic
def contact_request_confirm(*, token: str) -> Ticket:
    """Open the ticket of a request whose link was followed: once, and only before it expires."""
    request = _check(
        ContactRequest.objects.select_for_update()
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    ticket = ticket_open(
        actor=SYSTEM,
        data=TicketOpenIn(
            type=TicketType(request.type),
            priority=Priority(request.priority),
            subject=request.subject,
            body=request.body,
            order=request.order_ref,
            language=request.language,
        ),
        channel=Channel.WEB,
        contact=Contact(name=request.name, email=request.email),
        verified=False,
    )
    request.ticket = ticket
    request.save(update_fields=["ticket", "updated_at"])
    audit_record(
        actor="anonymous",
        action="tickets.contact.confirm",
        subject_type="tickets.contactrequest",
        subject_id=request.pk,
        data={"ticket": ticket.number},
    )
    return ticket
