"""Synthetic after-sales history written with bulk_create, for the credit benchmark, the tests'
peer shops and the demo: per merchant, delivered order lines, requests (one per line), their
review step, refunds, disputes and satisfaction surveys, spread over the last 80 days, drawn
from a ``Profile`` (what an ordinary or a bad shop looks like). Rows only — no services, no
deadlines, no notifications: history, not live work. Deterministic for a given seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from anxin.cases.models import Case, CaseEvent, Refund
from anxin.cases.models.ledger import RefundStatus
from anxin.catalog.models import (
    Category,
    Customer,
    Delivery,
    DeliveryLine,
    Merchant,
    Order,
    OrderLine,
    Sku,
)
from anxin.core import clock
from anxin.disputes.choices import DisputeStatus, Level, Outcome
from anxin.disputes.models import Dispute
from anxin.feedback.choices import SubjectType
from anxin.feedback.models import Survey
from anxin.policies.models import Reason

BATCH = 5000
PRICE = Decimal("50.00")


@dataclass(frozen=True)
class Profile:
    """How a shop behaves; the defaults are an ordinary apparel shop."""

    return_rate: float = 0.05  # requests per delivered unit
    not_as_described: float = 0.15  # share of requests giving "not as described" as the reason
    answered: float = 0.95  # share of reviews the merchant answered before the deadline
    refunded: float = 0.6  # share of requests refunded
    refund_hours: float = 48.0  # mean hours from request to refund
    dispute_rate: float = 0.05  # disputes per request
    intervened: float = 0.5  # share of disputes the platform stepped in on
    ruled: float = 0.4  # share of disputes the platform decided
    loss: float = 0.3  # share of decided disputes decided for the consumer
    csat: float = 4.2  # mean survey score
    surveyed: float = 0.3  # share of requests with an answered survey


ORDINARY = Profile()


def _bulk(model: Any, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH) if rows else []


def synthetic_shop(
    *,
    code: str,
    cases: int,
    profile: Profile = ORDINARY,
    category: str = "apparel-clothing",
    seed: int = 0,
    now: datetime | None = None,
    status: str = "active",
    merchant: Merchant | None = None,
    first: int = 0,
) -> Merchant:
    """One merchant (created unless given) with ``cases`` requests of its ``profile``."""
    rng = random.Random(f"{code}:{seed}")
    now = now or clock.now()
    shop = merchant or Merchant.objects.create(code=code, name=f"Shop {code}", status=status)
    sku = Sku.objects.create(
        merchant=shop,
        code=f"SY-{code}"[:64],
        name="Synthetic item",
        category=Category.objects.get(code=category),
    )
    buyer = Customer.objects.create(merchant=shop, external_id=f"sy-{code}"[:64])
    reasons = Reason.objects.in_bulk(
        ["no_reason/changed_mind", "quality/not_as_described"], field_name="code"
    )
    quantity = max(1, round(1 / max(profile.return_rate, 1e-3)))
    times = [now - timedelta(days=rng.uniform(2, 80)) for _ in range(cases)]
    prefix = f"Y{shop.pk:05d}"
    orders = _bulk(
        Order,
        [
            Order(
                number=f"{prefix}{first + i:08d}",
                merchant=shop,
                external_id=f"sy{first + i}",
                customer=buyer,
                placed_at=at - timedelta(days=3),
                shop_status="completed",
                goods_total=PRICE * quantity,
                paid_total=PRICE * quantity,
            )
            for i, at in enumerate(times)
        ],
    )
    lines = _bulk(
        OrderLine,
        [
            OrderLine(
                order=o,
                external_id="L1",
                sku=sku,
                product_name=sku.name,
                quantity=quantity,
                unit_price=PRICE,
                paid_amount=PRICE * quantity,
            )
            for o in orders
        ],
    )
    parcels = _bulk(
        Delivery,
        [
            Delivery(
                order=o,
                carrier="SF",
                tracking_number=f"SF{o.number}",
                shipped_at=at - timedelta(days=2),
                signed_at=at - timedelta(days=1),
            )
            for o, at in zip(orders, times, strict=True)
        ],
    )
    _bulk(
        DeliveryLine,
        [
            DeliveryLine(delivery=p, line=ln, quantity=quantity)
            for p, ln in zip(parcels, lines, strict=True)
        ],
    )
    made = _bulk(
        Case,
        [
            Case(
                number=f"{prefix}{first + i:08d}",
                type="return_refund",
                status="refunded",
                merchant=shop,
                customer=buyer,
                order=o,
                line=ln,
                quantity=1,
                reason=reasons[
                    "quality/not_as_described"
                    if rng.random() < profile.not_as_described
                    else "no_reason/changed_mind"
                ],
                refund_amount=PRICE,
                freight_payer="consumer",
                created_at=at,
                moved_at=at,
            )
            for i, (o, ln, at) in enumerate(zip(orders, lines, times, strict=True))
        ],
    )
    events, refunds, disputes, surveys = [], [], [], []
    for case, ln, at in zip(made, lines, times, strict=True):
        by_merchant = rng.random() < profile.answered
        events.append(
            CaseEvent(
                case=case,
                action="approve",
                from_status="merchant_review",
                to_status="awaiting_return_shipment",
                actor="user:0" if by_merchant else "system",
                actor_role="merchant_admin" if by_merchant else "system",
                created_at=at + timedelta(hours=rng.uniform(1, 40)),
            )
        )
        if rng.random() < profile.refunded:
            hours = rng.expovariate(1 / profile.refund_hours)
            refunds.append(
                Refund(
                    key=f"sy-{case.number}",
                    case=case,
                    line=ln,
                    merchant=shop,
                    amount=PRICE,
                    currency="CNY",
                    status=RefundStatus.SUCCEEDED,
                    settled_at=min(at + timedelta(hours=hours), now - timedelta(minutes=1)),
                )
            )
        if rng.random() < profile.dispute_rate:
            ruled = rng.random() < profile.ruled
            lost = ruled and rng.random() < profile.loss
            disputes.append(
                Dispute(
                    number=f"D{case.number}"[:20],
                    case=case,
                    merchant=shop,
                    customer=buyer,
                    claim="full_refund",
                    claim_amount=PRICE,
                    statement="synthetic",
                    status=DisputeStatus.FINAL if ruled else DisputeStatus.SETTLED,
                    level=Level.ARBITRATION if ruled else Level.NEGOTIATION,
                    opened_at=at + timedelta(days=1),
                    intervened_at=at + timedelta(days=2)
                    if ruled or rng.random() < profile.intervened
                    else None,
                    ruled_at=at + timedelta(days=3) if ruled else None,
                    outcome=(Outcome.CONSUMER if lost else Outcome.MERCHANT)
                    if ruled
                    else Outcome.SETTLED,
                    merchant_at_fault=lost,
                    resolved_at=at + timedelta(days=4),
                )
            )
        if rng.random() < profile.surveyed:
            score = min(5, max(1, round(rng.gauss(profile.csat, 0.8))))
            surveys.append(
                Survey(
                    subject_type=SubjectType.CASE,
                    subject_id=case.pk,
                    subject_number=case.number,
                    merchant=shop,
                    sent_at=at + timedelta(days=3),
                    expires_at=at + timedelta(days=33),
                    answered_at=min(at + timedelta(days=4), now - timedelta(minutes=1)),
                    score=score,
                )
            )
    _bulk(CaseEvent, events)
    _bulk(Refund, refunds)
    _bulk(Dispute, disputes)
    _bulk(Survey, surveys)
    return shop
