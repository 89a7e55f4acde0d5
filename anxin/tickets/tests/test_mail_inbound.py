"""Inbound e-mail: real RFC 5322 bytes in, a ticket, a reply, an ignored or a quarantined row out."""

from __future__ import annotations

import base64
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest

from anxin.core import clock
from anxin.notifications.models import OutboxMessage
from anxin.tickets.choices import Channel, MailStatus, TicketStatus, Verification
from anxin.tickets.mail.inbound import mail_receive
from anxin.tickets.mail.parse import html_to_text, strip_quoted
from anxin.tickets.models import InboundMail, Ticket, TicketAttachment, TicketMessage
from anxin.tickets.services import ticket_act, ticket_reply

from .desk import Desk


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


CUSTOMER = "li.lei@example.com"


def mail(
    *,
    sender: str = f"Li Lei <{CUSTOMER}>",
    subject: str = "Where is my parcel?",
    body: str = "No news since Monday.",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> bytes:
    """A well-formed message, as a mail client would write it."""
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = "support@anxin.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, content_type, content in attachments or []:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def outbox_count() -> int:
    return OutboxMessage.objects.count()


# --- new tickets ------------------------------------------------------------------------------------


def test_a_new_mail_opens_an_unverified_inquiry_by_email(desk: Any) -> None:
    # given
    raw = mail(message_id="<first@example.com>")
    # when
    row = mail_receive(raw=raw, source="maildir")
    # then
    assert (row.status, row.reason) == (MailStatus.ACCEPTED, "")
    ticket = row.ticket
    assert ticket is not None and row.message is not None
    assert (ticket.channel, ticket.type, ticket.language) == (Channel.EMAIL, "inquiry", "en")
    assert ticket.verification == Verification.UNVERIFIED
    assert ticket.contact_email == CUSTOMER and ticket.contact_name == "Li Lei"
    assert row.message.body == "No news since Monday."
    assert row.message.mail_message_id == "<first@example.com>"
    assert bytes(row.raw) == raw
    # and the customer gets the automatic notice, marked as such
    notice = OutboxMessage.objects.get(recipient_email=CUSTOMER)
    assert notice.payload["headers"]["Auto-Submitted"] == "auto-replied"
    assert notice.payload["headers"]["In-Reply-To"] == "<first@example.com>"
    assert notice.payload["subject"].startswith(f"[{ticket.number}]")


@pytest.mark.db  # a partial unique constraint (also runs on PostgreSQL)
def test_the_same_message_id_twice_is_one_row_and_one_ticket(desk: Any) -> None:
    # given
    raw = mail(message_id="<twice@example.com>")
    first = mail_receive(raw=raw, source="imap")
    # when
    again = mail_receive(raw=raw, source="maildir")
    # then
    assert again.pk == first.pk
    assert InboundMail.objects.count() == 1 and Ticket.objects.filter(channel="email").count() == 1


def test_a_gb2312_chinese_mail_is_read_and_opens_a_chinese_ticket(desk: Any) -> None:
    # given a literal message as a Chinese client writes it (GB2312 header and body, base64)
    body = "你好，我的订单E1001还没有发货，请帮忙查一下。\n谢谢！"
    raw = (
        b"Return-Path: <wang@example.cn>\r\n"
        b"From: =?GB2312?B?"
        + base64.b64encode("王芳".encode("gb2312"))
        + b"?= <wang@example.cn>\r\n"
        b"To: support@anxin.example\r\n"
        b"Subject: =?GB2312?B?" + base64.b64encode("订单没有发货".encode("gb2312")) + b"?=\r\n"
        b"Message-ID: <gb2312-1@example.cn>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: text/plain; charset="gb2312"\r\n'
        b"Content-Transfer-Encoding: base64\r\n"
        b"\r\n" + base64.encodebytes(body.encode("gbk")) + b"\r\n"
    )
    # when
    row = mail_receive(raw=raw, source="maildir")
    # then
    assert row.status == MailStatus.ACCEPTED
    assert row.ticket is not None
    assert (row.ticket.subject, row.ticket.language) == ("订单没有发货", "zh-hans")
    assert row.ticket.contact_name == "王芳"
    assert row.message is not None and row.message.body == body


def test_a_quoted_printable_utf8_html_only_mail_becomes_safe_text(desk: Any) -> None:
    # given an HTML-only message in quoted-printable UTF-8, with a script
    raw = (
        b"From: zhang@example.com\r\n"
        b"Subject: =?utf-8?q?=E9=80=80=E6=AC=BE?=\r\n"
        b"Message-ID: <qp-1@example.com>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n"
        b"<html><head><style>p{color:red}</style></head><body><p>=E6=88=91=E8=A6=81=E9=80=80=\r\n"
        b"=E6=AC=BE</p><script>alert(1)</script><p>&lt;b&gt;bold&lt;/b&gt;</p></body></html>\r\n"
    )
    # when
    row = mail_receive(raw=raw, source="webhook")
    # then
    assert row.status == MailStatus.ACCEPTED and row.message is not None
    assert row.message.body == "我要退款\n\n<b>bold</b>"
    assert row.ticket is not None and row.ticket.subject == "退款"


def test_quoted_history_is_stripped_but_a_quote_only_mail_keeps_its_text() -> None:
    assert strip_quoted("Thanks!\n\nOn Mon, 2 Nov 2026 Anxin <s@a.cn> wrote:\n> old") == "Thanks!"
    assert strip_quoted("好的\n\n在 2026年11月2日 周一 10:00，客服 写道：\n> 旧的") == "好的"
    assert strip_quoted("Yes\n-----Original Message-----\nFrom: x\nold") == "Yes"
    assert strip_quoted("OK\n\nFrom: support@anxin\nSent: Monday\nSubject: x") == "OK"
    assert strip_quoted("> only a quote") == ""
    assert html_to_text("<p>a</p><script>x()</script><br>b &amp; c") == "a\n\nb & c"


def test_attachments_are_stored_and_executables_refused(desk: Any, settings: Any, tmp_path: Any):
    # given
    settings.MEDIA_ROOT = str(tmp_path)
    raw = mail(
        attachments=[
            ("photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 a photo"),
            ("invoice.exe", "application/octet-stream", b"MZ\x90\x00 evil"),
            ("renamed.pdf", "application/pdf", b"MZ\x90\x00 evil too"),
        ]
    )
    # when
    row = mail_receive(raw=raw, source="maildir")
    # then
    assert row.status == MailStatus.ACCEPTED
    stored = list(TicketAttachment.objects.values_list("name", "size"))
    assert stored == [("photo.jpg", 12)]
    assert "invoice.exe (executable)" in row.reason and "renamed.pdf" in row.reason


# --- threading --------------------------------------------------------------------------------------


def test_a_reply_threads_by_in_reply_to_of_our_agent_reply(desk: Any) -> None:
    # given a mail ticket the agent answered (our reply carries a Message-ID of ours)
    first = mail_receive(raw=mail(), source="maildir")
    ticket = first.ticket
    assert ticket is not None
    answer = ticket_reply(actor=desk.actor(desk.world.agent), ticket=ticket, body="On its way.")
    answer.refresh_from_db()
    assert answer.mail_message_id.startswith(f"<{ticket.number}.")
    # when the customer answers it, from another address even
    raw = mail(
        sender="other@example.org",
        subject="Re: something else",
        body="Thanks!\n\nOn Tue, Customer service wrote:\n> On its way.",
        headers={"In-Reply-To": answer.mail_message_id, "References": answer.mail_message_id},
    )
    row = mail_receive(raw=raw, source="maildir")
    # then
    assert (row.status, row.ticket_id) == (MailStatus.THREADED, ticket.pk)
    assert row.message is not None and row.message.body == "Thanks!"
    assert row.message.author_kind == "customer" and row.message.channel == "email"
    assert Ticket.objects.count() == 1


def test_a_reply_threads_by_the_ticket_number_in_the_subject_from_the_same_sender(desk: Any):
    # given
    ticket = mail_receive(raw=mail(), source="maildir").ticket
    assert ticket is not None
    # when
    row = mail_receive(
        raw=mail(subject=f"Re: [{ticket.number}] Where is my parcel?", body="Any news?"),
        source="maildir",
    )
    # then
    assert (row.status, row.ticket_id) == (MailStatus.THREADED, ticket.pk)


def test_a_ticket_number_from_a_stranger_opens_a_new_ticket(desk: Any) -> None:
    # given
    ticket = mail_receive(raw=mail(), source="maildir").ticket
    assert ticket is not None
    # when someone else names the number
    row = mail_receive(
        raw=mail(sender="mallory@example.net", subject=f"[{ticket.number}] let me in"),
        source="maildir",
    )
    # then nothing is added to the first ticket
    assert row.status == MailStatus.ACCEPTED and row.ticket_id != ticket.pk
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1


def test_a_reply_to_a_ticket_closed_long_ago_opens_a_new_one_naming_it(desk: Any) -> None:
    # given a mail ticket, resolved and closed more than the reopen window ago
    ticket = mail_receive(raw=mail(), source="maildir").ticket
    assert ticket is not None
    agent = desk.actor(desk.world.agent)
    ticket_act(actor=agent, ticket=ticket, action="resolve")
    ticket_act(actor=agent, ticket=ticket, action="close")
    clock.freeze(clock.now() + timedelta(days=30))
    # when
    row = mail_receive(raw=mail(subject=f"Re: [{ticket.number}] again"), source="maildir")
    # then
    assert row.status == MailStatus.ACCEPTED and row.ticket_id != ticket.pk
    assert row.message is not None and ticket.number in row.message.body
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED


# --- automatic mail ---------------------------------------------------------------------------------

AUTOMATIC = [
    ({"Auto-Submitted": "auto-replied"}, "Auto-Submitted"),
    ({"X-Autoreply": "yes", "Subject": "Out of office"}, "X-Autoreply"),
    ({"X-Autorespond": "yes"}, "X-Autorespond"),
    ({"Precedence": "bulk"}, "Precedence"),
    ({"Precedence": "auto_reply"}, "Precedence"),
    ({"X-Auto-Response-Suppress": "OOF"}, "X-Auto-Response-Suppress"),
    ({"Return-Path": "<>"}, "Return-Path"),
]


@pytest.mark.parametrize(("headers", "why"), AUTOMATIC, ids=[a[1] for a in AUTOMATIC])
def test_automatic_mail_is_ignored_and_never_answered(desk: Any, headers: Any, why: str) -> None:
    # given
    subject = headers.pop("Subject", "Automatic reply")
    # when
    row = mail_receive(raw=mail(subject=subject, headers=headers), source="maildir")
    # then
    assert row.status == MailStatus.IGNORED and why in row.reason
    assert row.ticket is None and outbox_count() == 0


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.com", "noreply@shop.example"])
def test_mail_from_robots_is_ignored(desk: Any, sender: str) -> None:
    row = mail_receive(raw=mail(sender=sender), source="maildir")
    assert row.status == MailStatus.IGNORED and outbox_count() == 0


def test_auto_submitted_no_is_a_person(desk: Any) -> None:
    row = mail_receive(raw=mail(headers={"Auto-Submitted": "no"}), source="maildir")
    assert row.status == MailStatus.ACCEPTED


def test_our_own_mail_coming_back_is_ignored(desk: Any, settings: Any) -> None:
    settings.ANXIN_MAIL_DOMAIN = "anxin.example"
    row = mail_receive(raw=mail(message_id="<TK1.abc@anxin.example>"), source="maildir")
    assert row.status == MailStatus.IGNORED and "own" in row.reason


def test_a_flooding_sender_is_ignored_after_the_limit(desk: Any, settings: Any) -> None:
    # given a sender who already sent the limit within the hour
    settings.ANXIN_MAIL_RATE_LIMIT = 3
    for n in range(3):
        mail_receive(raw=mail(subject=f"Mail {n}"), source="maildir")
    before = outbox_count()
    # when
    row = mail_receive(raw=mail(subject="Mail 4"), source="maildir")
    # then
    assert row.status == MailStatus.IGNORED and "within an hour" in row.reason
    assert outbox_count() == before


# --- malformed mail ---------------------------------------------------------------------------------


def _quarantined(raw: bytes) -> InboundMail:
    row = mail_receive(raw=raw, source="maildir")
    assert row.status == MailStatus.QUARANTINED, row.reason
    assert bytes(InboundMail.objects.get(pk=row.pk).raw) == raw
    assert row.ticket is None and outbox_count() == 0
    return row


def test_a_mail_without_from_is_quarantined(desk: Any) -> None:
    assert _quarantined(mail(sender="")).reason == "No usable From address."


def test_garbage_bytes_are_quarantined(desk: Any) -> None:
    row = _quarantined(b"\x00\xff\xfe\x89PNG\r\n\x1a\n\x00garbage without headers")
    assert "structure is broken" in row.reason


def test_a_mail_without_text_or_attachments_is_quarantined(desk: Any) -> None:
    row = _quarantined(mail(body="\n\n"))
    assert row.reason == "The message has no text and no attachments."


def test_an_oversized_mail_is_quarantined(desk: Any, settings: Any) -> None:
    settings.ANXIN_MAIL_MAX_BYTES = 2000
    row = _quarantined(mail(body="x" * 3000))
    assert row.reason == "The message is larger than 2000 bytes."


def test_an_unknown_charset_is_quarantined(desk: Any) -> None:
    raw = (
        b"From: a@example.com\r\nSubject: hi\r\nMessage-ID: <cs@example.com>\r\n"
        b"Content-Type: text/plain; charset=x-klingon\r\n\r\n\xe4\xbd\xa0\r\n"
    )
    assert "unknown character set (x-klingon)" in _quarantined(raw).reason


def test_bytes_that_do_not_decode_in_their_charset_are_quarantined(desk: Any) -> None:
    raw = (
        b"From: a@example.com\r\nSubject: hi\r\nMessage-ID: <cs2@example.com>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        b"\r\n\xff\xfe\xfd not utf-8\r\n"
    )
    assert _quarantined(raw).reason == "The text cannot be decoded as utf-8."


def test_a_crash_while_processing_quarantines_the_mail(desk: Any, settings: Any) -> None:
    # given a setting that makes processing fail after the row was kept
    settings.ANXIN_MAIL_RATE_LIMIT = "not a number"
    raw = mail()
    # when
    row = mail_receive(raw=raw, source="maildir")
    # then
    assert row.status == MailStatus.QUARANTINED and row.reason.startswith("Processing failed")
    assert bytes(InboundMail.objects.get(pk=row.pk).raw) == raw
