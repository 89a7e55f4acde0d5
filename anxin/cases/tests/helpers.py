"""Shared set-up for case tests: a delivered order, a return address, a consumer actor."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_open, return_address_create
from anxin.catalog.inputs import DeliveryIn, OrderIn
from anxin.catalog.services import delivery_record, order_upsert
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Actor, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = Actor(role=Role.ADMIN, platform=True, user_id=1, label="admin")
SIGNED = datetime(2026, 11, 3, 18, 30, tzinfo=SHANGHAI)
NOW = datetime(2026, 11, 5, 10, 0, tzinfo=SHANGHAI)


def delivered_order(
    merchant: Any, external_id: str = "E1001", signed: bool = True, **changes: Any
) -> Any:
    payload = f.order_payload(external_id=external_id, merchant=merchant.code, **changes)
    order = order_upsert(actor=ADMIN, data=OrderIn.model_validate(payload)).order
    parcel: dict[str, Any] = {
        "carrier": "SF",
        "tracking_number": f"SF-{external_id}",
        "shipped_at": "2026-11-02T09:00:00+08:00",
    }
    if signed:
        parcel["signed_at"] = SIGNED.isoformat()
    delivery_record(actor=ADMIN, order=order, data=DeliveryIn.model_validate(parcel))
    return order


def consumer_of(order: Any, user_id: int = 900) -> Actor:
    return Actor(role=Role.CONSUMER, user_id=user_id, customer_ids=frozenset({order.customer_id}))


def merchant_actor(merchant: Any) -> Actor:
    return Actor(role=Role.MERCHANT_ADMIN, user_id=800, merchant_ids=frozenset({merchant.pk}))


def warehouse(merchant: Any) -> Any:
    return return_address_create(
        actor=ADMIN,
        merchant_id=merchant.pk,
        label="上海仓",
        contact_name="王仓管",
        phone="02155550000",
        address="上海市青浦区华新镇华志路1号 安心退货仓",
    )


def open_case(
    order: Any,
    *,
    type: str = "return_refund",
    reason: str = "no_reason/changed_mind",
    line: str = "L1",
    quantity: int = 1,
) -> Any:
    clock.freeze(NOW)
    return case_open(
        actor=consumer_of(order),
        data=CaseOpenIn(
            order=order.external_id, line=line, type=type, reason=reason, quantity=quantity
        ),
    )


def quick_case(*, case_type: str, reason_code: str, status: str) -> tuple[Any, Any, Any]:
    """A case in ``status`` built straight from rows (no services): for large matrices."""
    from decimal import Decimal

    from anxin.cases.models import Case
    from anxin.catalog.models import (
        Category,
        Customer,
        Delivery,
        DeliveryLine,
        Merchant,
        Order,
        OrderLine,
        PaymentTender,
        Sku,
    )
    from anxin.policies.models import Reason
    from anxin.policies.resolve import policy_resolve

    clock.freeze(NOW)
    shop = Merchant.objects.create(code="m1", name="Shop m1", status="active")
    category = Category.objects.get(code="apparel-clothing")
    sku = Sku.objects.create(merchant=shop, code="TS", name="T恤", category=category)
    customer = Customer.objects.create(
        merchant=shop, external_id="b1", name="张三", phone="13800000000"
    )
    order = Order.objects.create(
        number="OD1",
        merchant=shop,
        external_id="E1",
        customer=customer,
        placed_at=SIGNED,
        goods_total=Decimal("198.00"),
        paid_total=Decimal("180.00"),
        shop_status="delivered",
    )
    line = OrderLine.objects.create(
        order=order,
        external_id="L1",
        sku=sku,
        product_name="T恤",
        quantity=2,
        unit_price=Decimal("99.00"),
        paid_amount=Decimal("180.00"),
    )
    PaymentTender.objects.create(order=order, method="alipay", amount=Decimal("180.00"))
    parcel = Delivery.objects.create(
        order=order, carrier="SF", tracking_number="SF1", shipped_at=SIGNED, signed_at=SIGNED
    )
    DeliveryLine.objects.create(delivery=parcel, line=line, quantity=2)
    case = Case.objects.create(
        number="AS1",
        type=case_type,
        status=status,
        merchant=shop,
        customer=customer,
        order=order,
        line=line,
        quantity=1,
        reason=Reason.objects.get(code=reason_code),
        refund_amount=Decimal("90.00"),
        freight_payer="consumer",
        policy=policy_resolve(merchant_id=shop.pk, category=category).snapshot(),
    )
    return shop, order, case
