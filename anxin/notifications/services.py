"""Writes on notifications: the inbox, webhook endpoints, redeliveries.

What an event tells whom is decided by the app that emits it (``anxin.cases.notify``,
``anxin.tickets.notify`` …), which writes its rows through the funnel in ``outbox.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed

from .choices import Channel, OutboxStatus
from .delivery import UnsafeUrl, webhook_url_check
from .events import webhook_events
from .models import Notification, OutboxMessage, WebhookEndpoint
from .outbox import outbox_enqueue
from .permissions import can_manage_webhooks

MAX_ENDPOINTS_PER_MERCHANT = 10


# --- the inbox -----------------------------------------------------------------------------------


def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (again: no change)."""
    if notification.recipient_id != actor.user_id:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read, in one statement; how many changed."""
    if actor.user_id is None:
        return 0
    now = clock.now()
    return Notification.objects.filter(recipient_id=actor.user_id, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )


# --- webhook endpoints ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once, at creation


def _clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(webhook_events()))
    if unknown:
        raise ValidationFailed(
            fields={"events": _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    return sorted(set(events))


@transaction.atomic
def webhook_endpoint_create(
    *, actor: Actor, merchant: Merchant, url: str, events: list[str] | None = None
) -> IssuedEndpoint:
    """Register a merchant's endpoint with a new random signing secret (returned once).

    Merchant administrators and merchant-scoped tokens for their own merchant; platform admins.
    """
    if not actor.can_see_merchant(merchant.pk):
        raise NotFound()
    if not can_manage_webhooks(actor, merchant.pk):
        raise Forbidden()
    try:
        webhook_url_check(url)
    except UnsafeUrl as exc:
        raise ValidationFailed(
            fields={"url": _("This URL cannot receive webhooks: %(why)s.") % {"why": exc}}
        ) from exc
    names = _clean_events(events or [])
    Merchant.objects.select_for_update(no_key=True).filter(pk=merchant.pk).exists()
    if WebhookEndpoint.objects.filter(merchant=merchant).count() >= MAX_ENDPOINTS_PER_MERCHANT:
        raise ValidationFailed(
            _("A merchant can have at most %(n)s webhook endpoints.")
            % {"n": MAX_ENDPOINTS_PER_MERCHANT},
            code="webhooks.quota",
        )
    endpoint = WebhookEndpoint.objects.create(merchant=merchant, url=url, events=names)
    audit_record(
        actor=actor,
        action="notifications.webhook_endpoint.create",
        merchant_id=merchant.pk,
        subject_type="notifications.webhookendpoint",
        subject_id=endpoint.pk,
        data={"url": url, "events": names},
    )
    return IssuedEndpoint(endpoint=endpoint, secret=endpoint.secret)


def webhook_redeliver(*, actor: Actor, delivery: OutboxMessage) -> OutboxMessage:
    """Send a finished webhook delivery again, as a new delivery (new id) of the same payload."""
    if delivery.channel != Channel.WEBHOOK or delivery.merchant_id is None:
        raise NotFound()
    if not actor.can_see_merchant(delivery.merchant_id):
        raise NotFound()
    if not can_manage_webhooks(actor, delivery.merchant_id):
        raise Forbidden()
    if delivery.status == OutboxStatus.PENDING:
        raise Conflict(_("This delivery is still being attempted."), code="webhooks.pending")
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.active:
        raise Conflict(
            _("The endpoint of this delivery was removed or deactivated."),
            code="webhooks.endpoint_inactive",
        )
    with transaction.atomic():
        (again,) = outbox_enqueue(
            event=delivery.event,
            at=clock.now(),
            merchant_id=delivery.merchant_id,
            webhook_payload=delivery.payload,
            endpoints=[endpoint],
            redelivery_of=delivery,
        )
        audit_record(
            actor=actor,
            action="notifications.webhook.redeliver",
            merchant_id=delivery.merchant_id,
            subject_type="notifications.outboxmessage",
            subject_id=again.pk,
            data={"of": str(delivery.public_id), "event": delivery.event},
        )
    return again
