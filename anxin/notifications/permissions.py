"""Who sees which notifications, webhook endpoints and deliveries: the scoped base querysets."""

from __future__ import annotations

from django.db.models import QuerySet

from anxin.core.actors import Actor, Role

from .choices import Channel
from .models import Notification, OutboxMessage, WebhookEndpoint

# Workflow roles that may register endpoints and redeliver: a merchant's administrators (and its
# merchant-scoped tokens, which act as one), and platform administrators (and platform tokens).
WEBHOOK_MANAGERS = frozenset({Role.MERCHANT_ADMIN, Role.ADMIN})


def notifications_visible_to(actor: Actor) -> QuerySet[Notification]:
    """A person's own inbox, nobody else's — not even platform staff (tokens have none)."""
    if actor.user_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=actor.user_id)


def endpoints_visible_to(actor: Actor) -> QuerySet[WebhookEndpoint]:
    """Platform staff see every endpoint; merchant users and tokens their merchants'."""
    endpoints = WebhookEndpoint.objects.all()
    if actor.platform:
        return endpoints
    if actor.merchant_ids:
        return endpoints.filter(merchant_id__in=actor.merchant_ids)
    return endpoints.none()


def deliveries_visible_to(actor: Actor) -> QuerySet[OutboxMessage]:
    """Webhook deliveries of the actor's merchants (e-mails carry people's addresses: not shown)."""
    deliveries = OutboxMessage.objects.filter(channel=Channel.WEBHOOK)
    if actor.platform:
        return deliveries
    if actor.merchant_ids:
        return deliveries.filter(merchant_id__in=actor.merchant_ids)
    return deliveries.none()


def can_manage_webhooks(actor: Actor, merchant_id: int) -> bool:
    return actor.workflow_role in WEBHOOK_MANAGERS and actor.can_see_merchant(merchant_id)
