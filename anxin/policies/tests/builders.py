"""Builders for eligibility tests: orders and parcels made through the real intake services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from anxin.catalog.inputs import DeliveryIn, OrderIn
from anxin.catalog.models import Merchant, Order
from anxin.catalog.services import delivery_record, order_upsert
from anxin.core import clock
from anxin.core.actors import Actor, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = Actor(role=Role.ADMIN, platform=True, user_id=1)
# Intake refuses timestamps in the future: build with the clock after every fact of the tables.
BUILD_CLOCK = datetime(2027, 12, 31, 12, 0, tzinfo=SHANGHAI)


def sh(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """An aware Asia/Shanghai wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def line(
    external_id: str = "L1",
    *,
    category: str = "apparel-clothing",
    quantity: int = 1,
    unit_price: str = "100.00",
    paid: str | None = None,
    confirmations: Sequence[str] = (),
    gift_value: str | None = None,
    gift_for: str | None = None,
) -> dict[str, Any]:
    """One order line payload; ``paid`` defaults to list price × quantity; a ``gift_value``
    makes it a gift line (paid 0) for the line ``gift_for``."""
    is_gift = gift_value is not None
    if paid is None:
        paid = "0.00" if is_gift else str(Decimal(unit_price) * quantity)
    data: dict[str, Any] = {
        "external_id": external_id,
        "sku": f"SKU-{external_id}-{category}",
        "product_name": f"商品 {external_id}",
        "category": category,
        "quantity": quantity,
        "unit_price": unit_price,
        "paid_amount": paid,
        "confirmations": list(confirmations),
    }
    if is_gift:
        data.update(is_gift=True, gift_value=gift_value, gift_for=gift_for)
    return data


def order_build(
    merchant: Merchant,
    *,
    lines: Sequence[dict[str, Any]],
    placed_at: datetime,
    shipping_fee: str = "0.00",
    tenders: Sequence[tuple[str, str]] | None = None,
    promotions: Sequence[dict[str, Any]] = (),
    external_id: str = "E1",
) -> Order:
    """Create the order through ``order_upsert``; one Alipay tender for everything by default."""
    if tenders is None:
        due = sum((Decimal(ln["paid_amount"]) for ln in lines), Decimal(0)) + Decimal(shipping_fee)
        tenders = [("alipay", str(due))]
    payload = {
        "external_id": external_id,
        "merchant": merchant.code,
        "customer": {"external_id": "buyer-1", "name": "张三", "phone": "13812341234"},
        "currency": "CNY",
        "placed_at": placed_at.isoformat(),
        "shipping_fee": shipping_fee,
        "lines": list(lines),
        "tenders": [{"method": m, "amount": a} for m, a in tenders],
        "promotions": list(promotions),
    }
    with clock.frozen(BUILD_CLOCK):
        return order_upsert(actor=ADMIN, data=OrderIn.model_validate(payload)).order


def deliver(
    order: Order, *, shipped_at: datetime, signed_at: datetime | None = None, tracking: str = "SF1"
) -> None:
    """Record one parcel with every line in full, signed for at ``signed_at`` (or in transit)."""
    parcel: dict[str, Any] = {
        "carrier": "SF",
        "tracking_number": tracking,
        "shipped_at": shipped_at.isoformat(),
    }
    if signed_at is not None:
        parcel["signed_at"] = signed_at.isoformat()
    with clock.frozen(BUILD_CLOCK):
        delivery_record(actor=ADMIN, order=order, data=DeliveryIn.model_validate(parcel))


def timeline(signed_at: datetime) -> tuple[datetime, datetime]:
    """(placed_at, shipped_at) a few days before signing."""
    return signed_at - timedelta(days=3), signed_at - timedelta(days=1)
