"""The one funnel for side effects: in-app notifications and the outbox of e-mails and webhooks.

``notify`` and ``outbox_enqueue`` only write rows, in the caller's transaction, so the messages
commit with the change they report or not at all. Both register one after-commit kick per
transaction, however many rows they write: it hands the rows to the deliverer (a Celery worker in
production, the embedded loop in ``make run``), never to the thread that served the request.

The apps that emit events own their texts, audiences and payloads (``anxin.cases.notify``,
``anxin.tickets.notify`` …); this module knows none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils import translation

from anxin.accounts.models import User
from anxin.core.dispatch import on_commit_once

from .choices import Channel
from .models import Notification, OutboxMessage, WebhookEndpoint
from .tasks import outbox_deliver_soon

TITLE_MAX = 200  # Notification.title


@dataclass(frozen=True)
class Subject:
    """What a notification is about, as plain values: notifications outlive their subjects."""

    type: str  # the model's label, e.g. "cases.case"
    number: str
    public_id: UUID | None = None


@dataclass(frozen=True)
class Email:
    """One e-mail to queue; ``data`` are extra facts kept in the payload (e.g. a ticket number)."""

    to: str
    subject: str
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"subject": self.subject, "body": self.body, **self.data}
        if self.headers:
            payload["headers"] = dict(self.headers)
        return payload


def outbox_enqueue(
    *,
    event: str,
    at: datetime,
    merchant_id: int | None = None,
    emails: Iterable[Email] = (),
    webhook_payload: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    endpoints: Iterable[WebhookEndpoint] | None = None,
    redelivery_of: OutboxMessage | None = None,
) -> list[OutboxMessage]:
    """Write the outbox rows of one event, to be delivered after the commit: one per e-mail, and
    with ``webhook_payload`` one per active endpoint of ``merchant_id`` subscribed to ``event``
    (or per endpoint of ``endpoints``). A callable payload is only built when an endpoint wants it."""
    rows = [
        OutboxMessage(
            channel=Channel.EMAIL,
            merchant_id=merchant_id,
            recipient_email=email.to,
            event=event,
            payload=email.payload(),
            next_attempt_at=at,
            created_at=at,
        )
        for email in emails
    ]
    if webhook_payload is not None:
        if endpoints is None and merchant_id is not None:
            subscribed = WebhookEndpoint.objects.filter(merchant_id=merchant_id, active=True)
            endpoints = [e for e in subscribed if e.wants(event)]
        targets = list(endpoints or [])
        if targets:
            payload = dict(webhook_payload() if callable(webhook_payload) else webhook_payload)
            rows.extend(
                OutboxMessage(
                    channel=Channel.WEBHOOK,
                    merchant_id=merchant_id,
                    endpoint=endpoint,
                    event=event,
                    payload=payload,
                    next_attempt_at=at,
                    created_at=at,
                    redelivery_of=redelivery_of,
                )
                for endpoint in targets
            )
    if not rows:
        return []
    created = OutboxMessage.objects.bulk_create(rows)
    on_commit_once(outbox_deliver_soon)
    return created


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    render: Callable[[], tuple[str, str]],
    at: datetime,
    merchant_id: int | None = None,
    subject: Subject | None = None,
    email_event: str = "",
    email_data: Mapping[str, Any] | None = None,
    language: str = "",
) -> list[Notification]:
    """Write one in-app notification per recipient, its ``(title, body)`` rendered in the
    recipient's language (or in ``language`` for all); with ``email_event``, also queue the same
    text by e-mail to every recipient with an address (``email_data`` joins their payloads)."""
    notes: list[Notification] = []
    emails: list[Email] = []
    for user in recipients:
        with translation.override(language or user.language or settings.LANGUAGE_CODE):
            title, body = render()
        title = title[:TITLE_MAX]
        notes.append(
            Notification(
                recipient=user,
                merchant_id=merchant_id,
                subject_type=subject.type if subject else "",
                subject_number=subject.number if subject else "",
                subject_public_id=subject.public_id if subject else None,
                kind=kind,
                title=title,
                body=body,
                created_at=at,
            )
        )
        if email_event and user.email:
            emails.append(Email(to=user.email, subject=title, body=body, data=email_data or {}))
    created = Notification.objects.bulk_create(notes) if notes else []
    if emails:
        outbox_enqueue(event=email_event, at=at, merchant_id=merchant_id, emails=emails)
    return created
