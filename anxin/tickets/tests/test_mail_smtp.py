"""The whole e-mail round trip through a real SMTP server (aiosmtpd) and real Maildirs.

Mail to the support address lands in the desk's Maildir (read by ``fetch_mail --maildir``); mail to
anyone else lands in the customer's Maildir, where the test reads what we sent.
"""

from __future__ import annotations

import mailbox
import smtplib
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from anxin.notifications.delivery import outbox_deliver
from anxin.notifications.models import OutboxMessage
from anxin.tickets.choices import MailStatus
from anxin.tickets.models import InboundMail, Ticket, TicketMessage
from anxin.tickets.services import ticket_reply

from .desk import Desk


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


SUPPORT = "support@anxin.example"
CUSTOMER = "li.lei@example.com"


class MaildirRouter:
    """An SMTP handler writing each message into the Maildir of its recipient."""

    def __init__(self, desk_box: Path, customer_box: Path) -> None:
        self.desk = mailbox.Maildir(desk_box, create=True)
        self.customer = mailbox.Maildir(customer_box, create=True)
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        box = self.desk if SUPPORT in envelope.rcpt_tos else self.customer
        box.add(envelope.original_content or envelope.content)
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(tmp_path: Path, settings: Any) -> Iterator[tuple[MaildirRouter, Path, Path]]:
    desk_box, customer_box = tmp_path / "desk", tmp_path / "customer"
    router = MaildirRouter(desk_box, customer_box)
    controller = Controller(router, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.DEFAULT_FROM_EMAIL = SUPPORT
    settings.ANXIN_SUPPORT_EMAIL = SUPPORT
    settings.ANXIN_MAIL_DOMAIN = "anxin.example"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    try:
        yield router, desk_box, customer_box
    finally:
        controller.stop()


def send(port: int, message: EmailMessage) -> None:
    """The customer's mail client sends through SMTP."""
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(message)


def customer_mail(subject: str, body: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Li Lei <{CUSTOMER}>"
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.com")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def inbox(path: Path) -> list[Any]:
    box = mailbox.Maildir(path, create=False)
    return [message_from_bytes(box.get_bytes(k), policy=policy.default) for k in sorted(box.keys())]


def fetch(path: Path) -> None:
    call_command("fetch_mail", maildir=str(path))


def test_mail_round_trip_through_smtp_and_maildir(desk: Any, smtp: Any, settings: Any) -> None:
    _router, desk_box, customer_box = smtp
    port = settings.EMAIL_PORT
    # given the customer writes to support
    send(port, customer_mail("Where is my parcel?", "No news since Monday."))
    # when the desk fetches its Maildir
    fetch(desk_box)
    # then a ticket is open and the automatic notice went out, marked automatic
    ticket = Ticket.objects.get(channel="email")
    assert outbox_deliver()["sent"] == 1
    (notice,) = inbox(customer_box)
    assert notice["Auto-Submitted"] == "auto-replied"
    assert notice["Subject"].startswith(f"[{ticket.number}]")
    assert str(notice["Message-ID"]).endswith("@anxin.example>")
    assert notice["Reply-To"] == SUPPORT

    # when an agent replies
    agent = desk.actor(desk.world.agent)
    answer = ticket_reply(actor=agent, ticket=ticket, body="It left the warehouse today.")
    assert outbox_deliver()["sent"] == 1
    answer.refresh_from_db()
    (reply,) = [m for m in inbox(customer_box) if m["Message-ID"] != notice["Message-ID"]]
    # then the reply is a person's message, threaded, with the ticket number in the footer
    assert reply["Auto-Submitted"] is None
    assert reply["Message-ID"] == answer.mail_message_id
    first = TicketMessage.objects.filter(ticket=ticket).order_by("pk").first()
    assert first is not None and reply["In-Reply-To"] == first.mail_message_id
    text = reply.get_content()
    assert "It left the warehouse today." in text and ticket.number in text.split("-- ")[-1]

    # when the customer answers our reply (their client sets In-Reply-To), through SMTP
    send(
        port,
        customer_mail(
            "Re: something",
            "Thank you!\n\nOn Thu, Customer service wrote:\n> It left the warehouse today.",
            In_Reply_To=str(reply["Message-ID"]),
            References=str(reply["Message-ID"]),
        ),
    )
    fetch(desk_box)
    # then it is a reply on the same ticket
    assert Ticket.objects.count() == 1
    last = TicketMessage.objects.filter(ticket=ticket).order_by("pk").last()
    assert last is not None and (last.body, last.author_kind) == ("Thank you!", "customer")
    assert InboundMail.objects.filter(status=MailStatus.THREADED).count() == 1

    # and fetching again processes nothing twice; everything sits in cur/ seen
    fetch(desk_box)
    assert InboundMail.objects.count() == 2 and Ticket.objects.count() == 1
    assert not list((desk_box / "new").iterdir())
    assert all(p.name.endswith(":2,S") for p in (desk_box / "cur").iterdir())


def test_a_bounce_loop_stops_after_one_round(desk: Any, smtp: Any, settings: Any) -> None:
    router, desk_box, customer_box = smtp
    port = settings.EMAIL_PORT
    # given the customer wrote and got our automatic notice
    send(port, customer_mail("Invoice", "Please send an invoice."))
    fetch(desk_box)
    assert outbox_deliver()["sent"] == 1
    (notice,) = inbox(customer_box)
    # when their out-of-office answers our notice (a careless one: a new subject, X-Autoreply)
    send(
        port,
        customer_mail(
            "Out of office",
            "I am away until Monday.",
            X_Autoreply="yes",
            In_Reply_To=str(notice["Message-ID"]),
        ),
    )
    # and a proper one, with Auto-Submitted
    send(port, customer_mail("Automatic reply", "Away.", Auto_Submitted="auto-replied"))
    fetch(desk_box)
    # then both are ignored, nothing is queued and the SMTP server receives nothing more
    assert list(InboundMail.objects.values_list("status", flat=True).order_by("pk")) == [
        MailStatus.ACCEPTED,
        MailStatus.IGNORED,
        MailStatus.IGNORED,
    ]
    assert OutboxMessage.objects.count() == 1
    received = router.received
    assert outbox_deliver()["claimed"] == 0
    assert router.received == received and len(inbox(customer_box)) == 1


def test_a_message_that_breaks_processing_is_quarantined_not_skipped(
    desk: Any, smtp: Any, settings: Any
) -> None:
    _router, desk_box, _customer_box = smtp
    # given a garbage file in the Maildir
    box = mailbox.Maildir(desk_box, create=False)
    box.add(b"\x00\x01 not a mail at all")
    # when
    fetch(desk_box)
    fetch(desk_box)
    # then it is kept, quarantined, once
    (row,) = InboundMail.objects.all()
    assert row.status == MailStatus.QUARANTINED and bytes(row.raw) == b"\x00\x01 not a mail at all"
