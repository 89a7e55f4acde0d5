"""The e-mail channel's pages: the anonymous contact form and the console's inbound mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

TOKEN = "page-test-token-0123456789abcdefghijklmnop"


def _quarantined(world: Any) -> Any:
    from anxin.tickets.mail.inbound import mail_receive
    from anxin.tickets.models import InboundMail

    found = InboundMail.objects.filter(mail_message_id="<page-test@example.com>").first()
    if found is not None:
        return found
    raw = (
        "Subject: =?utf-8?b?5oiR55qE5YyF6KO5?=\r\n"
        "Message-ID: <page-test@example.com>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "包裹还没到，请帮忙查一下。\r\n"
    ).encode()
    return mail_receive(raw=raw, source="webhook")


def _waiting(world: Any) -> str:
    from datetime import timedelta

    from anxin.core import clock
    from anxin.core.crypto import lookup_hash
    from anxin.tickets.contact import token_hash
    from anxin.tickets.models import ContactRequest

    ContactRequest.objects.get_or_create(
        token_hash=token_hash(TOKEN),
        defaults={
            "email": "visitor@example.com",
            "email_hash": lookup_hash("visitor@example.com"),
            "type": "inquiry",
            "subject": "发票问题",
            "body": "请问怎么开发票？",
            "expires_at": clock.now() + timedelta(hours=24),
        },
    )
    return reverse("contact:confirm", args=[TOKEN])


PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("contact-form", "", lambda world: reverse("contact:form")),
    ("contact-sent", "", lambda world: reverse("contact:sent")),
    ("contact-confirm", "", _waiting),
    ("console-mail", "agent", lambda world: reverse("console_mail:list")),
    (
        "console-mail-detail",
        "agent",
        lambda w: reverse("console_mail:detail", args=[_quarantined(w).pk]),
    ),
]
