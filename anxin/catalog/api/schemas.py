"""Response shapes of the orders API (requests use ``anxin.catalog.inputs``)."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from anxin.core.crypto import mask_phone

from ..models import Customer, Delivery, Order, OrderLine


def mask_name(name: str) -> str:
    """张** / J*** — enough for staff to greet, not enough to identify."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


class CustomerOut(Schema):
    external_id: str
    name: str
    phone: str

    @staticmethod
    def resolve_name(obj: Customer) -> str:
        return mask_name(obj.name or "")

    @staticmethod
    def resolve_phone(obj: Customer) -> str:
        return mask_phone(obj.phone) if obj.phone else ""


class LineOut(Schema):
    external_id: str
    sku: str
    product_name: str
    category: str
    quantity: int
    unit_price: Decimal
    paid_amount: Decimal
    is_gift: bool
    gift_value: Decimal
    confirmations: list[str]

    @staticmethod
    def resolve_sku(obj: OrderLine) -> str:
        return obj.sku.code

    @staticmethod
    def resolve_category(obj: OrderLine) -> str:
        return obj.sku.category.code

    @staticmethod
    def resolve_confirmations(obj: OrderLine) -> list[str]:
        return [c.kind for c in obj.confirmations.all()]


class TenderOut(Schema):
    method: str
    amount: Decimal


class DeliveryLineOut(Schema):
    line: str
    quantity: int


class DeliveryOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    carrier: str
    tracking_number: str
    shipped_at: datetime
    signed_at: datetime | None
    lines: list[DeliveryLineOut]

    @staticmethod
    def resolve_lines(obj: Delivery) -> list[dict[str, object]]:
        return [{"line": dl.line.external_id, "quantity": dl.quantity} for dl in obj.lines.all()]


class OrderOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    number: str
    external_id: str
    merchant: str
    customer: CustomerOut
    currency: str
    placed_at: datetime
    status: str = Field(validation_alias="shop_status")
    goods_total: Decimal
    discount_total: Decimal
    shipping_fee: Decimal
    paid_total: Decimal
    lines: list[LineOut]
    tenders: list[TenderOut]
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_merchant(obj: Order) -> str:
        return obj.merchant.code


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None
