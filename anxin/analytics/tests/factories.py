"""A small after-sales world for analytics tests, written as rows with explicit times (no
services, no deadlines, no notifications: history, not live work).

    w = world()                                    # shops m1, m2; SKUs m1:TS m1:PH m2:BK
    order = delivered(w, "m1", [("TS", 2), ("PH", 1)], signed_at=local("2026-11-09", 23, 50))
    case = opened(order, at=local("2026-11-10", 10))          # + its "open" history row
    merchant_message(case, at=local("2026-11-10", 10, 30))
    approve(case, at=local("2026-11-10", 12))                 # by the merchant (role="system": deadline)
    refund(case, at=local("2026-11-12", 10), amount="60.00")  # succeeded, settled then
    act(case, "refund", "refunded", at=...)                   # any history row
    dispute(case, at=..., intervened_at=...); survey(case, at=..., score=5)

then ``analytics_rebuild(now=...)`` (or ``case_facts_build`` + ``rollup_days`` +
``delivered_days``) and read the rollups. SKU categories: TS apparel-clothing (top level
"apparel"), PH digital-phones ("digital"), BK books (a top-level category itself).
``local`` makes an aware Asia/Shanghai time. The times given are the rows' own; ``updated_at``
follows the real (or time-machine) clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from anxin.cases.models import Case, CaseEvent, CaseMessage, Refund, RefundStatus
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
from anxin.disputes.models import Dispute
from anxin.feedback.choices import SubjectType
from anxin.feedback.models import Survey
from anxin.policies.models import Reason

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRICE = Decimal("100.00")
SKUS: dict[str, tuple[str, tuple[str, ...]]] = {
    # code: (category, the shops that sell it)
    "TS": ("apparel-clothing", ("m1",)),
    "PH": ("digital-phones", ("m1",)),
    "BK": ("books", ("m2",)),
}
NO_REASON = "no_reason/changed_mind"
DEFECT = "quality/defect"
MERCHANT = "merchant_admin"
SYSTEM = "system"
CONSUMER = "consumer"
APPROVED = {"refund_only": "refund_pending"}  # otherwise awaiting_return_shipment


def local(day: date | str, hour: int = 10, minute: int = 0) -> datetime:
    """An aware Asia/Shanghai time on ``day`` (a date or "YYYY-MM-DD")."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(d, time(hour, minute), tzinfo=SHANGHAI)


@dataclass
class World:
    shops: dict[str, Merchant]
    skus: dict[str, Sku]  # "m1:TS"
    buyers: dict[str, Customer]  # by shop code
    categories: dict[str, Category] = field(default_factory=dict)  # top level, by code

    def top(self, sku: str) -> int:
        """The top-level category id a SKU ("m1:TS") counts under."""
        category = self.skus[sku].category
        return category.parent_id or category.pk


def world(shops: Sequence[str] = ("m1", "m2")) -> World:
    """Shops with their SKUs (``SKUS``) and one buyer each."""
    made = {
        code: Merchant.objects.create(code=code, name=f"Shop {code}", status="active")
        for code in shops
    }
    skus: dict[str, Sku] = {}
    for code, (category, sellers) in SKUS.items():
        for shop in sellers:
            if shop in made:
                skus[f"{shop}:{code}"] = Sku.objects.create(
                    merchant=made[shop],
                    code=code,
                    name=f"Item {code}",
                    category=Category.objects.select_related("parent").get(code=category),
                )
    buyers = {
        code: Customer.objects.create(merchant=shop, external_id=f"buyer-{code}")
        for code, shop in made.items()
    }
    tops = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
    return World(shops=made, skus=skus, buyers=buyers, categories=tops)


def delivered(
    w: World,
    shop: str,
    lines: Sequence[tuple[str, int]] = (("TS", 1),),
    *,
    signed_at: datetime | None,
    parcels: int = 1,
) -> Order:
    """An order of ``lines`` (SKU code, quantity) at ``shop``, placed two days before it was
    signed for at ``signed_at`` (None: shipped, not signed). ``parcels`` > 1 splits each line's
    units over that many parcels signed at the same time."""
    at = signed_at or local("2026-11-01")
    n = Order.unscoped.count() + 1
    total = PRICE * sum(q for _, q in lines)
    order = Order.unscoped.create(
        number=f"OT{n:08d}",
        merchant=w.shops[shop],
        external_id=f"T{n}",
        customer=w.buyers[shop],
        placed_at=at - timedelta(days=2),
        goods_total=total,
        paid_total=total,
        shop_status="delivered" if signed_at else "shipped",
    )
    made = [
        OrderLine.objects.create(
            order=order,
            external_id=f"L{i + 1}",
            sku=w.skus[f"{shop}:{code}"],
            product_name=f"Item {code}",
            quantity=quantity,
            unit_price=PRICE,
            paid_amount=PRICE * quantity,
        )
        for i, (code, quantity) in enumerate(lines)
    ]
    PaymentTender.objects.create(order=order, method="alipay", amount=total)
    for p in range(parcels):
        parcel = Delivery.objects.create(
            order=order,
            carrier="SF",
            tracking_number=f"SF{n}-{p}",
            shipped_at=at - timedelta(days=1),
            signed_at=signed_at,
        )
        for line in made:
            share = line.quantity // parcels + (1 if p < line.quantity % parcels else 0)
            if share:
                DeliveryLine.objects.create(delivery=parcel, line=line, quantity=share)
    return order


def opened(
    order: Order,
    *,
    at: datetime,
    line: int = 0,
    type: str = "return_refund",
    reason: str = NO_REASON,
    channel: str = "web",
    quantity: int = 1,
) -> Case:
    """A request for the ``line``-th line of ``order`` opened at ``at``, with its history row."""
    order_line = list(order.lines.order_by("pk"))[line]
    n = Case.unscoped.count() + 1
    case = Case.unscoped.create(
        number=f"AT{n:08d}",
        type=type,
        status="merchant_review",
        merchant_id=order.merchant_id,
        customer_id=order.customer_id,
        order=order,
        line=order_line,
        quantity=quantity,
        channel=channel,
        reason=Reason.objects.get(code=reason),
        refund_amount=PRICE * quantity,
        freight_payer="consumer",
        created_at=at,
        moved_at=at,
    )
    CaseEvent.objects.create(
        case=case,
        action="open",
        from_status="",
        to_status="merchant_review",
        actor="consumer:1",
        actor_role=CONSUMER,
        created_at=at,
    )
    return case


def act(
    case: Case, action: str, to_status: str, *, at: datetime, role: str = MERCHANT
) -> CaseEvent:
    """A history row moving the case from its current status to ``to_status``."""
    case.refresh_from_db(fields=["status"])
    event = CaseEvent.objects.create(
        case=case,
        action=action,
        from_status=case.status,
        to_status=to_status,
        actor="system" if role == SYSTEM else f"{role}:1",
        actor_role=role,
        created_at=at,
    )
    case.status, case.moved_at = to_status, at
    case.save(update_fields=["status", "moved_at", "updated_at"])
    return event


def approve(case: Case, *, at: datetime, role: str = MERCHANT) -> CaseEvent:
    """Approval by the merchant (or by the review deadline: ``role="system"``)."""
    return act(
        case, "approve", APPROVED.get(case.type, "awaiting_return_shipment"), at=at, role=role
    )


def merchant_message(case: Case, *, at: datetime, party: str = "merchant") -> CaseMessage:
    role = {"merchant": MERCHANT, "consumer": CONSUMER}.get(party, "agent")
    return CaseMessage.unscoped.create(
        case=case, author=f"{role}:1", author_role=role, party=party, body="…", created_at=at
    )


def refund(
    case: Case,
    *,
    at: datetime,
    amount: Decimal | str,
    status: str = RefundStatus.SUCCEEDED,
    kind: str = "refund",
) -> Refund:
    """A refund of the case issued at ``at`` and, when succeeded, settled then too."""
    n = Refund.unscoped.count() + 1
    return Refund.unscoped.create(
        key=f"test:{case.pk}:{n}",
        case=case,
        line_id=case.line_id,
        merchant_id=case.merchant_id,
        kind=kind,
        amount=Decimal(amount),
        currency="CNY",
        status=status,
        settled_at=at if status == RefundStatus.SUCCEEDED else None,
        created_at=at,
    )


def dispute(case: Case, *, at: datetime, intervened_at: datetime | None = None) -> Dispute:
    return Dispute.unscoped.create(
        number=f"DT{case.pk:08d}",
        case=case,
        merchant_id=case.merchant_id,
        customer_id=case.customer_id,
        claim="full_refund",
        claim_amount=case.refund_amount,
        statement="…",
        opened_at=at,
        intervened_at=intervened_at,
        created_at=at,
    )


def intervene(d: Dispute, *, at: datetime) -> Dispute:
    """The platform steps into the dispute at ``at``."""
    d.intervened_at = at
    d.save(update_fields=["intervened_at", "updated_at"])
    return d


def survey(case: Case, *, at: datetime, score: int | None) -> Survey:
    """The case's satisfaction survey, answered at ``at`` with ``score`` (None: unanswered)."""
    return Survey.unscoped.create(
        subject_type=SubjectType.CASE,
        subject_id=case.pk,
        subject_number=case.number,
        merchant_id=case.merchant_id,
        sent_at=at - timedelta(hours=1),
        expires_at=at + timedelta(days=30),
        answered_at=at if score is not None else None,
        score=score,
        created_at=at - timedelta(hours=1),
    )
