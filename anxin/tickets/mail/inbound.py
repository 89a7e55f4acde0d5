"""Inbound e-mail: every message is kept, then threaded, opened as a ticket, ignored or quarantined.

``mail_receive`` first commits an ``InboundMail`` row with the raw bytes (so nothing is lost even if
processing crashes), deduplicates on Message-ID, then decides in this order:

1. too large → quarantined;
2. structurally broken → quarantined;
3. an automatic message (auto-replies, bounces, lists, our own mail coming back, a flooding
   sender) → ignored, and nothing is ever sent back (no loop);
4. no usable From address, no text and no attachments, undecodable text → quarantined;
5. it answers a ticket (Message-ID of one of its messages in In-Reply-To/References, or "[TK…]" in
   the subject from the ticket's own address) → a reply on that ticket (threaded); a reply to a
   ticket closed past its reopen window opens a new ticket naming the old one;
6. otherwise a new, unverified inquiry (accepted).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor
from anxin.core.audit import audit_record
from anxin.core.crypto import lookup_hash
from anxin.core.errors import Conflict, Forbidden, ValidationFailed
from anxin.core.workflow import GuardFailed

from ..choices import Channel, MailStatus, TicketType
from ..inputs import TicketOpenIn
from ..models import InboundMail, Ticket, TicketAttachment, TicketMessage
from ..permissions import is_staff
from ..services import Contact, ticket_open, ticket_reply
from .outbound import is_our_message_id, support_address
from .parse import (
    Attachment,
    MailProblem,
    ParsedMail,
    header_text,
    mail_parse,
    message_ids,
    parse_headers,
    sender_of,
)

logger = logging.getLogger(__name__)

MAX_TEXT: Final = 10000
MAX_ATTACHMENTS: Final = 10
EXECUTABLE_EXTENSIONS: Final = frozenset(
    [
        "exe",
        "com",
        "bat",
        "cmd",
        "scr",
        "pif",
        "msi",
        "msp",
        "dll",
        "cpl",
        "jar",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "wsh",
        "ps1",
        "psm1",
        "sh",
        "bash",
        "apk",
        "app",
        "dmg",
        "lnk",
        "reg",
        "hta",
        "iso",
    ]
)
AUTOMATIC_SENDERS: Final = frozenset(
    {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply"}
)
BULK_PRECEDENCE: Final = frozenset({"bulk", "junk", "list", "auto_reply"})
TICKET_IN_SUBJECT: Final = re.compile(r"\[(TK[0-9A-Z]{4,30})\]", re.I)
DISCARDED: Final = "[discarded]"  # prefix of the reason of a mail an agent discarded
CJK: Final = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def max_bytes() -> int:
    return int(getattr(settings, "ANXIN_MAIL_MAX_BYTES", 10 * 1024 * 1024))


def max_attachment_bytes() -> int:
    return int(getattr(settings, "ANXIN_MAIL_MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024))


def rate_limit() -> int:
    """More mails than this from one sender within an hour are ignored (a loop or a flood)."""
    return int(getattr(settings, "ANXIN_MAIL_RATE_LIMIT", 20))


def sender_hash(address: str) -> str:
    return lookup_hash(address.strip().lower()) if address else ""


def language_of(text: str) -> str:
    """Rough: a text with a fair share of CJK characters is Chinese."""
    sample = text[:2000]
    cjk = len(CJK.findall(sample))
    letters = sum(1 for ch in sample if ch.isalpha())
    return "zh-hans" if cjk and cjk * 5 >= letters else "en"


# --- the decisions ---------------------------------------------------------------------------------


def automatic_reason(parsed: ParsedMail) -> str:
    """Why this message was sent by a machine (and must not be answered), or ""."""
    message = parsed.message
    auto = header_text(message, "Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"Automatic message (Auto-Submitted: {auto[:60]})."
    for name in ("X-Autoreply", "X-Autorespond"):
        if header_text(message, name):
            return f"Automatic reply ({name})."
    precedence = header_text(message, "Precedence").lower()
    if precedence in BULK_PRECEDENCE:
        return f"Bulk or automatic mail (Precedence: {precedence})."
    suppress = {
        v.strip().lower() for v in header_text(message, "X-Auto-Response-Suppress").split(",")
    }
    if suppress & {"all", "oof"}:
        return "Automatic reply (X-Auto-Response-Suppress)."
    if header_text(message, "Return-Path") == "<>":
        return "Delivery report or bounce (empty Return-Path)."
    if message.get_content_type() == "multipart/report":
        return "Delivery report or bounce (multipart/report)."
    sender = parsed.sender
    if sender and sender.split("@", 1)[0] in AUTOMATIC_SENDERS:
        return f"Automatic sender ({sender.split('@', 1)[0]})."
    if sender and support_address() and sender == support_address().lower():
        return "Our own support address wrote; not answered."
    if parsed.message_id and is_our_message_id(parsed.message_id):
        return "Our own outgoing message came back."
    return ""


def _flooding(row: InboundMail) -> str:
    if not row.sender_hash:
        return ""
    since = row.received_at - timedelta(hours=1)
    count = (
        InboundMail.objects.filter(sender_hash=row.sender_hash, received_at__gte=since)
        .exclude(pk=row.pk)
        .count()
    )
    if count >= rate_limit():
        return f"More than {rate_limit()} mails from this sender within an hour."
    return ""


def _content_problem(parsed: ParsedMail) -> str:
    if not parsed.sender:
        return "No usable From address."
    if not parsed.full_text.strip() and not parsed.attachments:
        return "The message has no text and no attachments."
    return ""


def _requester_email(ticket: Ticket) -> str:
    if ticket.requester_id is None or ticket.requester is None:
        return ""
    return (ticket.requester.email or "").strip().lower()


def _from_owner(ticket: Ticket, parsed: ParsedMail) -> bool:
    return ticket.contact_email_hash == sender_hash(parsed.sender) or (
        _requester_email(ticket) == parsed.sender
    )


def ticket_for(parsed: ParsedMail) -> Ticket | None:
    """The ticket this mail answers: one of its messages' Message-IDs, else the number in one of
    our Message-IDs or in the subject — those two only when the sender is the ticket's own."""
    ids = parsed.thread_ids
    ticket: Ticket | None = None
    if ids:
        found = (
            TicketMessage.objects.filter(mail_message_id__in=ids)
            .select_related("ticket")
            .order_by("-created_at", "-pk")
            .first()
        )
        if found is not None:
            ticket = found.ticket
    if ticket is None:
        numbers = [mid[1:].split(".", 1)[0] for mid in ids if is_our_message_id(mid)]
        numbers += [m.upper() for m in TICKET_IN_SUBJECT.findall(parsed.subject)]
        for number in numbers:
            candidate = Ticket.unscoped.filter(number=number.upper()).first()
            if candidate is not None and _from_owner(candidate, parsed):
                ticket = candidate
                break
    seen = 0
    while ticket is not None and ticket.merged_into_id is not None and seen < 5:
        ticket = Ticket.unscoped.filter(pk=ticket.merged_into_id).first()
        seen += 1
    return ticket


# --- writing -----------------------------------------------------------------------------------------


def _is_executable(attachment: Attachment) -> bool:
    extension = attachment.name.rsplit(".", 1)[-1].lower() if "." in attachment.name else ""
    head = attachment.content[:4]
    return (
        extension in EXECUTABLE_EXTENSIONS
        or head[:2] == b"MZ"
        or head == b"\x7fELF"
        or attachment.content_type
        in {"application/x-msdownload", "application/x-executable", "application/x-sh"}
    )


def _attach(message: TicketMessage, attachments: list[Attachment]) -> list[str]:
    """Store the acceptable attachments; return notes on those refused."""
    refused: list[str] = []
    stored = 0
    for item in attachments:
        if _is_executable(item):
            refused.append(f"{item.name} (executable)")
        elif not item.content or len(item.content) > max_attachment_bytes():
            refused.append(f"{item.name} (size {len(item.content)} bytes)")
        elif stored >= MAX_ATTACHMENTS:
            refused.append(f"{item.name} (more than {MAX_ATTACHMENTS} files)")
        else:
            digest = hashlib.sha256(item.content).hexdigest()
            extension = item.name.rsplit(".", 1)[-1].lower()[:10] if "." in item.name else "bin"
            row = TicketAttachment(
                message=message,
                name=item.name,
                content_type=item.content_type[:100],
                size=len(item.content),
                sha256=digest,
            )
            row.file.save(f"{digest}.{extension}", ContentFile(item.content), save=False)
            row.save()
            stored += 1
    return refused


def _body(parsed: ParsedMail) -> str:
    text = parsed.text.strip()
    if not text:
        names = ", ".join(a.name for a in parsed.attachments)
        text = _("(attachments only: %(names)s)") % {"names": names}
    return text[:MAX_TEXT]


def _open(parsed: ParsedMail, *, follow_up_of: Ticket | None = None) -> TicketMessage:
    body = _body(parsed)
    language = language_of(f"{parsed.subject}\n{body}")
    subject = parsed.subject.strip()[:200]
    with translation.override(language):
        if not subject:
            subject = _("(no subject)")
        if follow_up_of is not None:
            note = _("Follow-up to the closed ticket %(number)s.") % {"number": follow_up_of.number}
            body = f"{note}\n\n{body}"[:MAX_TEXT]
    ticket = ticket_open(
        actor=SYSTEM,
        data=TicketOpenIn(type=TicketType.INQUIRY, subject=subject, body=body, language=language),
        channel=Channel.EMAIL,
        contact=Contact(name=parsed.sender_name, email=parsed.sender),
        verified=False,
        mail_message_id=parsed.message_id,
    )
    first = ticket.messages.order_by("pk").first()
    assert first is not None
    return first


def _reply(ticket: Ticket, parsed: ParsedMail) -> TicketMessage | None:
    """A reply on ``ticket``; None when it is closed for good (a new ticket is due)."""
    try:
        with transaction.atomic():
            return ticket_reply(
                actor=SYSTEM,
                ticket=ticket,
                body=_body(parsed),
                channel=Channel.EMAIL,
                mail_message_id=parsed.message_id,
                author_label=parsed.sender_name or parsed.sender,
                from_customer=True,
            )
    except GuardFailed:
        return None


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str = ""
    message: TicketMessage | None = None


def _process(row: InboundMail, raw: bytes, *, lenient: bool, force_new: bool) -> Outcome:
    if len(raw) > max_bytes() and not lenient:
        return Outcome(MailStatus.QUARANTINED, f"The message is larger than {max_bytes()} bytes.")
    try:
        parsed = mail_parse(raw, lenient=lenient)
    except MailProblem as problem:
        return Outcome(MailStatus.QUARANTINED, problem.reason)
    if not lenient:
        reason = automatic_reason(parsed) or _flooding(row)
        if reason:
            return Outcome(MailStatus.IGNORED, reason)
        unusable = _content_problem(parsed)
        if unusable:
            return Outcome(MailStatus.QUARANTINED, unusable)
    ticket = None if force_new else ticket_for(parsed)
    message = _reply(ticket, parsed) if ticket is not None else None
    if message is not None:
        status = MailStatus.THREADED
    else:
        message = _open(parsed, follow_up_of=ticket)
        status = MailStatus.ACCEPTED
    refused = _attach(message, parsed.attachments)
    note = f"Attachments refused: {', '.join(refused)}." if refused else ""
    return Outcome(status, note[:300], message)


def _finish(row: InboundMail, outcome: Outcome) -> InboundMail:
    row.status = outcome.status
    row.reason = outcome.reason[:300]
    row.message = outcome.message
    row.ticket_id = outcome.message.ticket_id if outcome.message is not None else row.ticket_id
    row.save(update_fields=["status", "reason", "message", "ticket"])
    audit_record(
        actor=SYSTEM,
        action=f"tickets.mail.{outcome.status}",
        subject_type="tickets.inboundmail",
        subject_id=row.pk,
        data={"reason": row.reason, "ticket": row.ticket_id},
    )
    return row


def _run(row: InboundMail, raw: bytes, *, lenient: bool = False, force_new: bool = False) -> None:
    """Process in a savepoint; a crash leaves the row quarantined with the error, never lost."""
    try:
        with transaction.atomic():
            _finish(row, _process(row, raw, lenient=lenient, force_new=force_new))
    except Exception as error:  # any failure of any part: keep the mail, say why
        logger.exception("inbound mail %s could not be processed", row.pk)
        row.refresh_from_db(fields=["status", "reason", "ticket", "message"])
        row.status = MailStatus.QUARANTINED
        row.reason = f"Processing failed: {type(error).__name__}: {error}"[:300]
        row.save(update_fields=["status", "reason"])


def mail_receive(*, raw: bytes, source: str) -> InboundMail:
    """Keep one inbound message and act on it (see the module docstring). The same Message-ID
    received again returns the first row and does nothing more."""
    raw = bytes(raw)
    try:
        headers = parse_headers(raw)
        message_id = (message_ids(header_text(headers, "Message-ID")) or [""])[0]
        sender, _name = sender_of(headers)
        subject = header_text(headers, "Subject")[:255]
    except Exception:  # even the headers are unreadable: keep the bytes, quarantine below
        message_id, sender, subject = "", "", ""
    message_id = message_id[:255]
    if message_id:
        found = InboundMail.objects.filter(mail_message_id=message_id).first()
        if found is not None:
            return found
    try:
        with transaction.atomic():
            row = InboundMail.objects.create(
                source=source[:16],
                mail_message_id=message_id,
                sender_hash=sender_hash(sender),
                subject=subject,
                raw=raw,
                status=MailStatus.QUARANTINED,
                reason="Received; processing did not finish.",
                received_at=clock.now(),
            )
    except IntegrityError:
        # another fetcher stored the same Message-ID a moment ago: that row is the one
        if not message_id:
            raise
        return InboundMail.objects.get(mail_message_id=message_id)
    _run(row, raw)
    return row


# --- the console's actions ---------------------------------------------------------------------------


def _require_staff(actor: Actor) -> None:
    if not is_staff(actor):
        raise Forbidden()


def mail_release(*, actor: Actor, mail: InboundMail, address: str = "") -> InboundMail:
    """An agent releases a quarantined mail as a new ticket, despite its defects; a mail without a
    usable sender needs the address the agent found for it."""
    _require_staff(actor)
    with transaction.atomic():
        row = InboundMail.objects.select_for_update().get(pk=mail.pk)
        if row.status != MailStatus.QUARANTINED:
            raise Conflict(_("Only quarantined mails can be released."))
        raw = bytes(row.raw)
        given = address.strip().lower()
        if given:
            try:
                validate_email(given)
            except ValidationError as error:
                raise ValidationFailed(
                    fields={"address": _("Enter a valid e-mail address.")}
                ) from error
            raw = _with_sender(raw, given)
        else:
            sender, _name = sender_of(parse_headers(raw))
            if not sender:
                raise ValidationFailed(
                    fields={"address": _("This mail has no usable sender; enter an address.")}
                )
        audit_record(
            actor=actor,
            action="tickets.mail.release",
            subject_type="tickets.inboundmail",
            subject_id=row.pk,
            data={"reason": row.reason, "address_given": bool(given)},
        )
    _run(row, raw, lenient=True, force_new=True)
    row.refresh_from_db()
    if row.status == MailStatus.QUARANTINED:
        raise ValidationFailed(fields={"address": row.reason})
    return row


def _with_sender(raw: bytes, address: str) -> bytes:
    """The message with its From replaced by ``address`` (the stored raw row stays as received)."""
    message = parse_headers(raw)
    del message["From"]
    message["From"] = address
    try:
        return message.as_bytes()
    except Exception:  # a message too broken to serialize: a minimal one with its text
        fresh = EmailMessage()
        fresh["From"] = address
        fresh["Subject"] = header_text(message, "Subject") or "(no subject)"
        fresh.set_content(raw.decode("utf-8", errors="replace"))
        return fresh.as_bytes()


def mail_discard(*, actor: Actor, mail: InboundMail, note: str = "") -> InboundMail:
    """An agent looked at a quarantined or ignored mail and decided it needs nothing; the status
    stays (the record of what came in), a note says who discarded it."""
    _require_staff(actor)
    with transaction.atomic():
        row = InboundMail.objects.select_for_update().get(pk=mail.pk)
        if row.status not in {MailStatus.QUARANTINED, MailStatus.IGNORED}:
            raise Conflict(_("Only quarantined or ignored mails can be discarded."))
        if row.reason.startswith(DISCARDED):
            raise Conflict(_("This mail was already discarded."))
        head = " ".join(filter(None, [DISCARDED, note.strip()[:80]]))
        row.reason = f"{head} — {row.reason}"[:300]
        row.save(update_fields=["reason"])
        audit_record(
            actor=actor,
            action="tickets.mail.discard",
            subject_type="tickets.inboundmail",
            subject_id=row.pk,
            data={"note": note[:200]},
        )
    return row


def is_discarded(mail: InboundMail) -> bool:
    return mail.reason.startswith(DISCARDED)
