"""Quality test data, built only through the real services: weekly deliveries of a SKU (one order
line of ``units`` units signed for on the Tuesday of each week) and the after-sales requests that
return ``returns`` of them for a reason, each opened the day after delivery."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_open
from anxin.cases.tests.builders import LOADER, SHANGHAI, consumer_of
from anxin.catalog.inputs import DeliveryIn, OrderIn
from anxin.catalog.models import Merchant, Order
from anxin.catalog.services import delivery_record, order_upsert
from anxin.core import clock

START = date(2026, 8, 3)  # a Monday: week 0 of the simulated history
DEFECT = "quality/defect"
NOT_AS_DESCRIBED = "quality/not_as_described"


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def order_payload(
    shop: Merchant, external_id: str, *, sku: str, units: int, placed: datetime,
    category: str = "apparel-clothing", buyer: str = "buyer-q",
) -> dict[str, Any]:  # fmt: skip
    paid = f"{units * 50:.2f}"
    return {
        "external_id": external_id,
        "merchant": shop.code,
        "customer": {"external_id": buyer, "name": "李四", "phone": "13900001234",
                     "address": "北京市朝阳区建国路1号"},
        "currency": "CNY",
        "placed_at": placed.isoformat(),
        "shipping_fee": "0.00",
        "lines": [{"external_id": "L1", "sku": sku, "product_name": f"商品 {sku}",
                   "category": category, "quantity": units, "unit_price": "50.00",
                   "paid_amount": paid}],
        "tenders": [{"method": "alipay", "amount": paid}],
        "promotions": [],
    }  # fmt: skip


def week_delivered(
    shop: Merchant,
    *,
    sku: str,
    week: int,
    units: int,
    returns: int = 0,
    reason: str = DEFECT,
    description: str = "",
) -> Order:
    """Week ``week`` of ``sku``: ``units`` signed for on its Tuesday, ``returns`` of them returned
    in one request opened on the Wednesday. Leaves the clock frozen on that Wednesday."""
    monday = START + timedelta(weeks=week)
    placed, signed = at(monday), at(monday + timedelta(days=1), 18)
    clock.freeze(signed)
    data = order_payload(shop, f"{sku}-W{week}", sku=sku, units=units, placed=placed)
    order = order_upsert(actor=LOADER, data=OrderIn.model_validate(data)).order
    parcel = {"carrier": "SF", "tracking_number": f"SF-{sku}-{week}",
              "shipped_at": at(monday, 16).isoformat(), "signed_at": signed.isoformat()}  # fmt: skip
    delivery_record(actor=LOADER, order=order, data=DeliveryIn.model_validate(parcel))
    clock.freeze(at(monday + timedelta(days=2)))
    if returns:
        case_open(
            actor=consumer_of(order),
            data=CaseOpenIn(order=str(order.public_id), line="L1", type="return_refund",
                            reason=reason, quantity=returns, description=description),
        )  # fmt: skip
    return order


def day_of(week: int, weekday: int = 2) -> date:
    return START + timedelta(weeks=week, days=weekday)


def freeze_on(day: date, hour: int = 23) -> None:
    clock.freeze(timezone.make_aware(datetime.combine(day, time(hour, 30)), SHANGHAI))
