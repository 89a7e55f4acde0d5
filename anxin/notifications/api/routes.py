"""/api/v1/notifications and /api/v1/webhooks/{endpoints,deliveries}: parse → one call → render."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.api.idempotency import idempotent

from .. import selectors, services
from ..choices import OutboxStatus
from .schemas import (
    DeliveryOut,
    DeliveryPage,
    EndpointCreatedOut,
    EndpointOut,
    NotificationOut,
    NotificationPage,
)

router = Router(tags=["notifications"], auth=API_AUTH)


class NotificationQuery(Schema):
    unread: bool | None = None
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)


@router.get("/notifications", response=NotificationPage, summary="My notifications (newest first)")
def notification_list(request: HttpRequest, query: Query[NotificationQuery]) -> Any:
    return selectors.notification_list_for(
        actor=actor_of(request), unread=query.unread, cursor=query.cursor, limit=query.limit
    )


@router.post("/notifications/{id}/read", response=NotificationOut, summary="Mark as read")
def notification_read(request: HttpRequest, id: UUID) -> Any:
    actor = actor_of(request)
    found = selectors.notification_get_for(actor=actor, notification_id=id)
    return services.notification_mark_read(actor=actor, notification=found)


@router.get(
    "/webhooks/endpoints",
    response=list[EndpointOut],
    tags=["webhooks"],
    summary="Webhook endpoints of my merchants",
)
def endpoint_list(request: HttpRequest) -> Any:
    return list(selectors.webhook_endpoint_list_for(actor=actor_of(request))[:200])


class EndpointIn(Schema):
    merchant: str | None = Field(
        default=None, max_length=40, description="Merchant code; optional for one-merchant callers"
    )
    url: str = Field(max_length=500)
    events: list[str] = Field(
        default_factory=list, max_length=50, description="Event names; empty means every event"
    )


# Not @idempotent on purpose: its stored response would keep the signing secret in plain text.
@router.post(
    "/webhooks/endpoints",
    response={201: EndpointCreatedOut},
    tags=["webhooks"],
    summary="Register an endpoint (the response shows its signing secret, once)",
)
def endpoint_create(request: HttpRequest, payload: EndpointIn) -> Status[Any]:
    actor = actor_of(request)
    merchant = selectors.merchant_get_for(actor=actor, code=payload.merchant)
    issued = services.webhook_endpoint_create(
        actor=actor, merchant=merchant, url=payload.url, events=payload.events
    )
    return Status(201, issued.endpoint)  # the only response that carries ``secret``


class DeliveryQuery(Schema):
    endpoint: UUID | None = None
    status: OutboxStatus | None = None
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)


@router.get(
    "/webhooks/deliveries",
    response=DeliveryPage,
    tags=["webhooks"],
    summary="The webhook delivery log (newest first)",
)
def delivery_list(request: HttpRequest, query: Query[DeliveryQuery]) -> Any:
    return selectors.webhook_delivery_list_for(
        actor=actor_of(request),
        endpoint_id=query.endpoint,
        status=query.status,
        cursor=query.cursor,
        limit=query.limit,
    )


@router.post(
    "/webhooks/deliveries/{id}/redeliver",
    response={201: DeliveryOut},
    tags=["webhooks"],
    summary="Send a finished delivery again (as a new delivery)",
)
@idempotent(DeliveryOut)
def delivery_redeliver(request: HttpRequest, id: UUID) -> Status[Any]:
    actor = actor_of(request)
    delivery = selectors.webhook_delivery_get_for(actor=actor, delivery_id=id)
    again = services.webhook_redeliver(actor=actor, delivery=delivery)
    return Status(201, selectors.webhook_delivery_get_for(actor=actor, delivery_id=again.public_id))
