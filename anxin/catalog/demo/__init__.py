"""A realistic Chinese e-commerce world for demos and manual testing (``manage.py demo_data``).

Seeding is not a user action: rows are bulk-inserted directly (no per-order audit rows), and one
``demo_data.load`` audit row records what was loaded. The same seed gives the same world.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from anxin.accounts.models import User
from anxin.accounts.services import api_token_create, user_create
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.audit import audit_record

from ..choices import ShopOrderStatus
from ..models import (
    Customer,
    Delivery,
    Merchant,
    Order,
    OrderLine,
    PaymentTender,
    PurchaseConfirmation,
    Sku,
)
from .orders import Batch, batch_write, last_numbers, orders_build, sequences_bump
from .world import Person, people_create, stores_create

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_TOKEN_NAME",
    "DemoResult",
    "demo_load",
    "demo_logins_present",
]

DEMO_PASSWORD = "anxin-demo-2026"  # noqa: S105 - a published demo password, by design
# The name of the demo merchant's integration token (the banner of make run issues a new one).
DEMO_TOKEN_NAME = "演示店铺订单对接"  # noqa: S105 - a name, not a secret
# Seeding is run by an operator from the command line; the audit rows say so.
OPERATOR = Actor(role=Role.ADMIN, platform=True, label="demo_data")
DEMO_LOGINS: list[tuple[Role, str]] = [
    (Role.CONSUMER, "consumer"),
    (Role.MERCHANT_STAFF, "merchant"),
    (Role.MERCHANT_ADMIN, "merchant_admin"),
    (Role.AGENT, "agent"),
    (Role.ARBITRATOR, "arbitrator"),
    (Role.QUALITY_INSPECTOR, "inspector"),
    (Role.ADMIN, "admin"),
]


@dataclass(frozen=True)
class DemoResult:
    counts: dict[str, int]  # rows in the database after the load
    token: str  # shown once
    token_merchant: Merchant
    logins_created: list[str]


def demo_logins_present() -> list[tuple[Role, str]]:
    """The demo logins that exist in this database."""
    names = set(
        User.objects.filter(username__in=[u for _, u in DEMO_LOGINS]).values_list(
            "username", flat=True
        )
    )
    return [(role, username) for role, username in DEMO_LOGINS if username in names]


def _consumer_person(batch: Batch, people: list[Person]) -> Person | None:
    """The person the consumer login becomes: the busiest one with a parcel signed recently, so
    the demo can open a no-reason return straight away."""
    counts = Counter(person.id for person in batch.buyers)
    recent = {
        person.id
        for order, person in zip(batch.orders, batch.buyers, strict=True)
        if order.shop_status == ShopOrderStatus.DELIVERED
    }
    pool = [p for p in people if p.id in recent] or [p for p in people if counts[p.id]]
    return max(pool, key=lambda p: counts[p.id], default=None)


def _logins(
    merchant: Merchant, person: Person | None, merchant_ids: list[int]
) -> tuple[list[str], User]:
    existing = {
        u.username: u for u in User.objects.filter(username__in=[n for _, n in DEMO_LOGINS])
    }
    created = []
    for role, username in DEMO_LOGINS:
        if username in existing:
            continue
        members = [merchant.pk] if role in (Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN) else []
        existing[username] = user_create(
            actor=OPERATOR,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            merchant_ids=members,
            email=f"{username}@demo.anxin.invalid",
        )
        created.append(username)
    consumer = existing["consumer"]
    # The consumer is one person with a record at every shop they bought from: link them all (on
    # a later run, also the records that person got at shops new to them).
    people = set(consumer.customer_records.values_list("external_id", flat=True))
    if not people and person is not None:
        people = {person.id}
    if people:
        Customer.objects.filter(
            merchant_id__in=merchant_ids, external_id__in=people, user__isnull=True
        ).update(user=consumer, updated_at=clock.now())
    return created, existing["merchant_admin"]


@transaction.atomic
def demo_load(*, orders: int, seed: int = 2026) -> DemoResult:
    """Load ~30 merchants with SKUs, ``orders // 3`` people and ``orders`` orders of the last
    90 days (with one customer record per shop and person who bought there), one login per role
    and a merchant API token. Existing demo merchants, customer records and logins are reused, so
    a second run adds orders only. The consumer login is linked to all the records of one
    person, so it sees that person's orders at every shop."""
    rng = random.Random(seed)
    now = clock.now()
    stores = stores_create(rng=rng, now=now)
    people, weights = people_create(rng=rng, count=max(1, orders // 3), seed=seed)
    batch = orders_build(
        rng=rng,
        stores=stores,
        people=people,
        weights=weights,
        count=orders,
        now=now,
        serial_from=Order.objects.count() + 1,
        last_number=last_numbers(now),
    )
    batch_write(batch)
    sequences_bump(batch.last_number)
    first = stores[0].merchant
    created, merchant_admin = _logins(
        first, _consumer_person(batch, people), [s.merchant.pk for s in stores]
    )
    issued = api_token_create(
        actor=OPERATOR, name=DEMO_TOKEN_NAME, merchant_id=first.pk, created_by=merchant_admin
    )
    audit_record(actor=OPERATOR, action="demo_data.load", data={"seed": seed, **batch.counts()})
    counts = {
        "merchants": Merchant.objects.count(),
        "skus": Sku.objects.count(),
        "customers": Customer.objects.count(),
        "orders": Order.objects.count(),
        "order_lines": OrderLine.objects.count(),
        "gift_lines": OrderLine.objects.filter(is_gift=True).count(),
        "tenders": PaymentTender.objects.count(),
        "purchase_confirmations": PurchaseConfirmation.objects.count(),
        "deliveries": Delivery.objects.count(),
    }
    return DemoResult(counts=counts, token=issued.raw, token_merchant=first, logins_created=created)
