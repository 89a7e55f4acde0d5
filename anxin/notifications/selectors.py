"""Reads of notifications, webhook endpoints and deliveries, scoped to the actor (out of scope = 404)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.errors import NotFound, ValidationFailed
from anxin.core.pagination import Page, keyset_page

from .choices import OutboxStatus
from .models import Notification, OutboxMessage, WebhookEndpoint


def _uuid(value: str | uuid.UUID) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def notification_list_for(
    *, actor: Actor, unread: bool | None = None, cursor: str | None = None, limit: int = 50
) -> Page[Notification]:
    """The actor's own notifications, newest first (``unread`` True/False filters on read_at)."""
    query = Notification.objects.for_actor(actor)
    if unread is not None:
        query = query.filter(read_at__isnull=unread)
    return keyset_page(query, key="created_at", cursor=cursor, limit=limit)


def notification_get_for(*, actor: Actor, notification_id: str | uuid.UUID) -> Notification:
    found = Notification.objects.for_actor(actor).filter(public_id=_uuid(notification_id)).first()
    if found is None:
        raise NotFound()
    return found


def merchant_get_for(*, actor: Actor, code: str | None) -> Merchant:
    """A merchant the actor acts for, by code (anyone else's is "not found"); without a code,
    the one merchant a merchant user or token acts for."""
    if code is None:
        if len(actor.merchant_ids) != 1:
            raise ValidationFailed(fields={"merchant": _("Name the merchant.")})
        return Merchant.objects.for_actor(actor).get(pk=next(iter(actor.merchant_ids)))
    found = Merchant.objects.for_actor(actor).filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def webhook_endpoint_list_for(*, actor: Actor) -> QuerySet[WebhookEndpoint]:
    return (
        WebhookEndpoint.objects.for_actor(actor)
        .select_related("merchant")
        .order_by("merchant_id", "created_at")
    )


def webhook_endpoint_get_for(*, actor: Actor, endpoint_id: str | uuid.UUID) -> WebhookEndpoint:
    found = (
        WebhookEndpoint.objects.for_actor(actor)
        .select_related("merchant")
        .filter(public_id=_uuid(endpoint_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def webhook_delivery_list_for(
    *,
    actor: Actor,
    endpoint_id: str | uuid.UUID | None = None,
    status: OutboxStatus | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[OutboxMessage]:
    """The delivery log, newest first; naming an endpoint out of scope is a 404."""
    query = OutboxMessage.objects.for_actor(actor).select_related("endpoint", "redelivery_of")
    if endpoint_id is not None:
        endpoint = webhook_endpoint_get_for(actor=actor, endpoint_id=endpoint_id)
        query = query.filter(endpoint=endpoint)
    if status is not None:
        query = query.filter(status=status)
    return keyset_page(query, key="created_at", cursor=cursor, limit=limit)


def webhook_delivery_get_for(*, actor: Actor, delivery_id: str | uuid.UUID) -> OutboxMessage:
    found = (
        OutboxMessage.objects.for_actor(actor)
        .select_related("endpoint", "redelivery_of")
        .filter(public_id=_uuid(delivery_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found
