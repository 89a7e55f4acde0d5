"""Set-up shared by the cases API tests, built only through the real services.

Two shops (m1, m2), signed-for orders, return addresses, cases driven into known states with
``case_open``/``case_act``, and one HTTP client per role of the isolation matrix (QUALITY.md S1).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from PIL import Image

from anxin.cases.choices import CaseStatus
from anxin.cases.inputs import CaseOpenIn
from anxin.cases.models import (
    Case,
    CaseEvent,
    CaseMessage,
    Evidence,
    InboundEvent,
    LedgerEntry,
    Refund,
)
from anxin.cases.services import case_act, case_open, return_address_create
from anxin.catalog.inputs import DeliveryIn, OrderIn
from anxin.catalog.models import Customer, Merchant, Order
from anxin.catalog.services import delivery_record, order_upsert
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.models import AuditEntry, Deadline, IdempotencyRecord
from conftest import ApiClient

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Placed 1 Nov, shipped 2 Nov, signed for 3 Nov 18:30: the 7-day no-reason window runs 4–10 Nov.
PLACED_AT = "2026-11-01T10:00:00+08:00"
SHIPPED_AT = "2026-11-02T09:00:00+08:00"
SIGNED_AT = "2026-11-03T18:30:00+08:00"
NOW = datetime(2026, 11, 5, 10, 0, tzinfo=SHANGHAI)
NO_REASON_LAST_DAY = "2026-11-10"

# The operator who loads shop data (order intake needs an order writer).
LOADER = Actor(role=Role.ADMIN, platform=True, label="test-loader")

NO_REASON = "no_reason/changed_mind"
DEFECT = "quality/defect"


def order_payload(
    shop: Merchant, external_id: str, buyer: str, *, quantity: int = 5, price: str = "100.00"
) -> dict[str, Any]:
    """One plain line ``L1`` (no gift, no promotion), paid in full by Alipay."""
    paid = f"{int(quantity) * float(price):.2f}"
    return {
        "external_id": external_id,
        "merchant": shop.code,
        "customer": {
            "external_id": buyer,
            "name": "张三",
            "phone": "13812341234",
            "address": "上海市浦东新区世纪大道100号",
        },
        "currency": "CNY",
        "placed_at": PLACED_AT,
        "shipping_fee": "0.00",
        "lines": [
            {
                "external_id": "L1",
                "sku": "TS-01",
                "product_name": "纯棉T恤",
                "category": "apparel-clothing",
                "quantity": quantity,
                "unit_price": price,
                "paid_amount": paid,
            }
        ],
        "tenders": [{"method": "alipay", "amount": paid}],
        "promotions": [],
    }


def signed_order(
    shop: Merchant,
    external_id: str = "E1001",
    buyer: str = "buyer-a",
    *,
    quantity: int = 5,
    payload: dict[str, Any] | None = None,
) -> Order:
    """An order delivered and signed for on 3 Nov (the clock must be at or after that)."""
    data = payload or order_payload(shop, external_id, buyer, quantity=quantity)
    order = order_upsert(actor=LOADER, data=OrderIn.model_validate(data)).order
    parcel = {
        "carrier": "SF",
        "tracking_number": f"SF-{data['external_id']}",
        "shipped_at": SHIPPED_AT,
        "signed_at": SIGNED_AT,
    }
    delivery_record(actor=LOADER, order=order, data=DeliveryIn.model_validate(parcel))
    return order


def warehouse(shop: Merchant) -> Any:
    return return_address_create(
        actor=LOADER,
        merchant_id=shop.pk,
        label="上海仓",
        contact_name="王仓管",
        phone="02155550000",
        address="上海市青浦区华新镇华志路1号",
    )


def consumer_of(order: Order) -> Actor:
    return Actor(role=Role.CONSUMER, user_id=None, customer_ids=frozenset({order.customer_id}))


def shop_actor(shop_id: int) -> Actor:
    return Actor(role=Role.MERCHANT_ADMIN, merchant_ids=frozenset({shop_id}), label="shop")


def open_case(
    order: Order,
    *,
    type: str = "return_refund",
    reason: str = NO_REASON,
    quantity: int = 1,
    line: str = "L1",
) -> Case:
    return case_open(
        actor=consumer_of(order),
        data=CaseOpenIn(
            order=str(order.public_id), line=line, type=type, reason=reason, quantity=quantity
        ),
    )


def act(case: Case, action: str, actor: Actor, **payload: Any) -> Case:
    case_act(actor=actor, case=case, action=action, payload=payload)
    return Case.objects.get(pk=case.pk)


def case_in(order: Order, status: str, *, tracking_number: str = "SF-RET-1") -> Case:
    """A case of ``order`` driven through the real transitions into ``status``."""
    shop = shop_actor(order.merchant_id)
    if status == CaseStatus.REFUNDED:
        case = open_case(order, type="refund_only", reason=DEFECT)
        case = act(case, "approve", shop)
        return act(case, "refund", shop)
    case = open_case(order)
    if status == CaseStatus.MERCHANT_REVIEW:
        return case
    case = act(case, "approve", shop)
    if status == CaseStatus.AWAITING_RETURN_SHIPMENT:
        return case
    case = act(
        case, "ship_return", consumer_of(order), carrier="SF", tracking_number=tracking_number
    )
    if status == CaseStatus.RETURN_IN_TRANSIT:
        return case
    raise ValueError(f"no recipe for {status}")


def png_bytes(
    size: tuple[int, int] = (32, 24), color: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def upload(
    api: ApiClient, path: str, content: bytes, name: str = "photo.jpg", **headers: str
) -> Any:
    """A multipart POST of one file under the form field ``file``."""
    stream = io.BytesIO(content)
    stream.name = name
    return api.client.post(f"/api/v1{path}", {"file": stream}, headers=api._headers(headers))


def post_message(
    api: ApiClient, path: str, body: str = "", photos: tuple[bytes, ...] = (), **fields: str
) -> Any:
    """A multipart POST of a message: ``body``, ``photos`` (files) and any other form fields."""
    streams = []
    for i, content in enumerate(photos):
        stream = io.BytesIO(content)
        stream.name = f"photo-{i}.png"
        streams.append(stream)
    data: dict[str, Any] = {"body": body, **fields}
    if streams:
        data["photos"] = streams
    return api.client.post(f"/api/v1{path}", data, headers=api._headers({}))


def snapshot() -> dict[str, Any]:
    """Everything a denied write must leave exactly as it was."""
    return {
        "cases": sorted(
            Case.objects.values_list("number", "status", "state_version", "quantity", "type")
        ),
        "events": CaseEvent.objects.count(),
        "refunds": sorted(Refund.objects.values_list("pk", "status", "amount")),
        "ledger": LedgerEntry.objects.count(),
        "evidence": Evidence.objects.count(),
        "messages": CaseMessage.unscoped.count(),
        "deadlines": sorted(Deadline.objects.values_list("pk", "state")),
        "audit": AuditEntry.objects.count(),
        "idempotency": IdempotencyRecord.objects.count(),
        "inbound": InboundEvent.objects.count(),
    }


# --- the isolation world --------------------------------------------------------------------------

ROLES = (
    "anonymous",
    "consumer_a",
    "consumer_b",
    "m1_staff",
    "m1_admin",
    "m1_token",
    "m2_staff",
    "m2_token",
    "agent",
    "arbitrator",
    "admin",
    "platform_token",
)


@dataclass
class World:
    m1: Merchant
    m2: Merchant
    order_a: Order  # consumer A's order at m1
    order_a_m2: Order  # consumer A's order at m2 (another customer record, same person)
    order_b: Order  # consumer B's order at m2
    review: Case  # A at m1, merchant_review
    approved: Case  # A at m1, awaiting_return_shipment (has a return address)
    refunded: Case  # A at m1, refunded (has a refund)
    a_at_m2: Case  # A at m2, merchant_review
    foreign: Case  # B at m2, refunded (has a refund)
    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, role: str, lang: str = "en") -> ApiClient:
        if role in self.tokens:
            return ApiClient(token=self.tokens[role], lang=lang)
        client = Client()
        if role in self.users:
            client.force_login(self.users[role])
        elif role != "anonymous":
            raise KeyError(role)
        return ApiClient(client=client, lang=lang)

    def visible_cases(self, role: str) -> set[str]:
        """Case numbers ``role`` may see (the ground truth the lists are checked against)."""
        mine_a = {self.review.number, self.approved.number, self.refunded.number}
        everything = {*mine_a, self.a_at_m2.number, self.foreign.number}
        return {
            "anonymous": set(),
            "consumer_a": {*mine_a, self.a_at_m2.number},
            "consumer_b": {self.foreign.number},
            "m1_staff": mine_a,
            "m1_admin": mine_a,
            "m1_token": mine_a,
            "m2_staff": {self.a_at_m2.number, self.foreign.number},
            "m2_token": {self.a_at_m2.number, self.foreign.number},
            "agent": everything,
            "arbitrator": everything,
            "admin": everything,
            "platform_token": everything,
        }[role]

    def visible_merchants(self, role: str) -> set[str]:
        """Shops whose back-office data (return addresses) ``role`` may see."""
        if role.startswith(("m1_", "m2_")):
            return {role[:2]}
        if role in ("agent", "arbitrator", "admin", "platform_token"):
            return {"m1", "m2"}
        return set()


def world() -> World:
    """Two shops, two consumers, five cases; the clock frozen at ``NOW``."""
    clock.freeze(NOW)
    m1, m2 = f.merchant("m1"), f.merchant("m2")
    warehouse(m1)
    warehouse(m2)
    order_a = signed_order(m1, "E-A1", "buyer-a")
    order_a_m2 = signed_order(m2, "E-A2", "buyer-a")
    order_b = signed_order(m2, "E-B1", "buyer-b")
    users = {
        "consumer_a": f.user("consumer-a", Role.CONSUMER),
        "consumer_b": f.user("consumer-b", Role.CONSUMER),
        "m1_staff": f.user("m1-staff", Role.MERCHANT_STAFF, merchants=[m1]),
        "m1_admin": f.user("m1-admin", Role.MERCHANT_ADMIN, merchants=[m1]),
        "m2_staff": f.user("m2-staff", Role.MERCHANT_STAFF, merchants=[m2]),
        "agent": f.user("agent", Role.AGENT),
        "arbitrator": f.user("arbitrator", Role.ARBITRATOR),
        "admin": f.user("admin", Role.ADMIN),
    }
    Customer.objects.filter(pk__in=[order_a.customer_id, order_a_m2.customer_id]).update(
        user=users["consumer_a"]
    )
    Customer.objects.filter(pk=order_b.customer_id).update(user=users["consumer_b"])
    tokens = {
        "m1_token": f.token_for(m1, "m1-integration"),
        "m2_token": f.token_for(m2, "m2-integration"),
        "platform_token": f.token_for(None, "platform-integration"),
    }
    return World(
        m1=m1,
        m2=m2,
        order_a=order_a,
        order_a_m2=order_a_m2,
        order_b=order_b,
        review=case_in(order_a, CaseStatus.MERCHANT_REVIEW),
        approved=case_in(order_a, CaseStatus.AWAITING_RETURN_SHIPMENT),
        refunded=case_in(order_a, CaseStatus.REFUNDED),
        a_at_m2=case_in(order_a_m2, CaseStatus.MERCHANT_REVIEW),
        foreign=case_in(order_b, CaseStatus.REFUNDED),
        users=users,
        tokens=tokens,
    )
