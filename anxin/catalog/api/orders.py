"""Order intake and reads: POST/GET /api/v1/orders, POST /api/v1/orders/{ref}/deliveries."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.api.idempotency import idempotent
from anxin.core.crypto import phone_lookup_hash

from .. import selectors, services
from ..choices import ShopOrderStatus
from ..inputs import DeliveryIn, OrderIn
from .schemas import DeliveryOut, OrderOut, OrderPage

router = Router(tags=["orders"], auth=API_AUTH)


class OrderListQuery(Schema):
    merchant: str | None = None
    status: ShopOrderStatus | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    phone: str | None = Field(default=None, max_length=32)
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)


@router.post(
    "/orders", response={200: OrderOut, 201: OrderOut}, summary="Create or update an order"
)
@idempotent(OrderOut)
def order_upsert(request: HttpRequest, payload: OrderIn) -> Status[object]:
    """Upsert by the shop's external id: 201 when created, 200 when updated or unchanged."""
    result = services.order_upsert(actor=actor_of(request), data=payload)
    order = selectors.order_get_for(actor=actor_of(request), ref=str(result.order.public_id))
    return Status(201 if result.created else 200, order)


@router.get("/orders", response=OrderPage, summary="List orders (newest first)")
def order_list(request: HttpRequest, query: Query[OrderListQuery]) -> object:
    filters = selectors.OrderFilters(
        merchant=query.merchant,
        status=query.status,
        placed_from=query.placed_from,
        placed_to=query.placed_to,
        customer_phone_hash=phone_lookup_hash(query.phone) if query.phone else None,
    )
    return selectors.order_list_for(
        actor=actor_of(request), filters=filters, cursor=query.cursor, limit=query.limit
    )


@router.get("/orders/{ref}", response=OrderOut, summary="Get an order by id or external id")
def order_get(request: HttpRequest, ref: str) -> object:
    return selectors.order_get_for(actor=actor_of(request), ref=ref)


@router.post(
    "/orders/{ref}/deliveries",
    response={200: DeliveryOut, 201: DeliveryOut},
    summary="Record or update a parcel of an order",
)
@idempotent(DeliveryOut)
def delivery_record(request: HttpRequest, ref: str, payload: DeliveryIn) -> Status[object]:
    actor = actor_of(request)
    order = selectors.order_get_for(actor=actor, ref=ref)
    result = services.delivery_record(actor=actor, order=order, data=payload)
    return Status(201 if result.created else 200, result.delivery)
