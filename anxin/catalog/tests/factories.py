"""Test data builders for merchants, tokens, users and order payloads."""

from __future__ import annotations

import copy
from typing import Any

from anxin.accounts.services import api_token_create, user_create
from anxin.catalog.models import Merchant
from anxin.catalog.services import merchant_create
from anxin.core.actors import SYSTEM, Role

PASSWORD = "correct-horse-battery-9"


def merchant(code: str = "m1", status: str = "active", **kw: Any) -> Merchant:
    return merchant_create(actor=SYSTEM, code=code, name=f"Shop {code}", status=status, **kw)


def token_for(merchant_obj: Merchant | None, name: str = "integration") -> str:
    return api_token_create(
        actor=SYSTEM, name=name, merchant_id=merchant_obj.pk if merchant_obj else None
    ).raw


def user(username: str, role: Role, merchants: list[Merchant] | None = None) -> Any:
    return user_create(
        actor=SYSTEM,
        username=username,
        password=PASSWORD,
        role=role,
        merchant_ids=[m.pk for m in merchants or []],
    )


ORDER: dict[str, Any] = {
    "external_id": "E1001",
    "customer": {
        "external_id": "buyer-1",
        "name": "张三",
        "phone": "13812341234",
        "address": "上海市浦东新区世纪大道100号",
    },
    "currency": "CNY",
    "placed_at": "2026-11-01T10:00:00+08:00",
    "shipping_fee": "10.00",
    "lines": [
        {
            "external_id": "L1",
            "sku": "TS-01",
            "product_name": "纯棉T恤",
            "category": "apparel-clothing",
            "quantity": 2,
            "unit_price": "99.00",
            "paid_amount": "170.00",
        },
        {
            "external_id": "L2",
            "sku": "SK-01",
            "product_name": "赠品袜子",
            "category": "apparel-underwear",
            "quantity": 1,
            "unit_price": "0.00",
            "paid_amount": "0.00",
            "is_gift": True,
            "gift_value": "9.90",
            "gift_for": "L1",
        },
    ],
    "tenders": [{"method": "alipay", "amount": "150.00"}, {"method": "coupon", "amount": "30.00"}],
    "promotions": [
        {"kind": "threshold", "threshold": "150.00", "reduction": "28.00", "lines": ["L1"]}
    ],
}


def order_payload(**changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(ORDER)
    payload.update(changes)
    return payload
