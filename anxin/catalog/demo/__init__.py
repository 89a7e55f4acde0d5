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
from anxin.core.actors import SYSTEM, Role
from anxin.core.audit import audit_record

from ..choices import ShopOrderStatus
from ..models import Customer, Merchant, Order
from .orders import Batch, batch_write, last_numbers, orders_build, sequences_bump
from .world import customers_create, stores_create

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DemoResult", "demo_load", "demo_logins_present"]

DEMO_PASSWORD = "anxin-demo-2026"  # noqa: S105 - a published demo password, by design
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
    counts: dict[str, int]
    token: str  # shown once
    token_merchant: Merchant
    logins_created: list[str]


def demo_logins_present() -> list[tuple[Role, str]]:
    """The demo logins that exist in this database."""
    names = set(User.objects.filter(username__in=[u for _, u in DEMO_LOGINS]).values_list(
        "username", flat=True))  # fmt: skip
    return [(role, username) for role, username in DEMO_LOGINS if username in names]


def _consumer_customer(batch: Batch, customers: list[Customer]) -> Customer:
    """The customer the consumer login becomes: the busiest one with a parcel signed recently,
    so the demo can open a no-reason return straight away."""
    counts = Counter(order.customer.pk for order in batch.orders)
    recent = {o.customer.pk for o in batch.orders if o.shop_status == ShopOrderStatus.DELIVERED}
    pool = [c for c in customers if c.pk in recent] or [c for c in customers if counts[c.pk]]
    return max(pool or customers, key=lambda c: counts[c.pk])


def _logins(merchant: Merchant, customer: Customer) -> tuple[list[str], User]:
    existing = {u.username: u for u in User.objects.filter(username__in=[n for _, n in DEMO_LOGINS])}
    created = []
    for role, username in DEMO_LOGINS:
        if username in existing:
            continue
        merchant_ids = [merchant.pk] if role in (Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN) else []
        existing[username] = user_create(
            username=username, password=DEMO_PASSWORD, role=role, merchant_ids=merchant_ids,
            email=f"{username}@demo.anxin.invalid",
        )  # fmt: skip
        created.append(username)
    consumer = existing["consumer"]
    if not Customer.objects.filter(user=consumer).exists() and customer.user_id is None:
        customer.user = consumer
        customer.save(update_fields=["user", "updated_at"])
    return created, existing["merchant_admin"]


@transaction.atomic
def demo_load(*, orders: int, seed: int = 2026) -> DemoResult:
    """Load ~30 merchants with SKUs, ``orders // 3`` customers and ``orders`` orders of the last
    90 days, one login per role and a merchant API token. Existing demo merchants, customers
    and logins are reused, so a second run adds orders only."""
    rng = random.Random(seed)
    now = clock.now()
    stores = stores_create(rng=rng, now=now)
    customers, weights = customers_create(rng=rng, count=max(1, orders // 3), seed=seed)
    batch = orders_build(
        rng=rng, stores=stores, customers=customers, weights=weights, count=orders, now=now,
        serial_from=Order.objects.count() + 1, last_number=last_numbers(now),
    )  # fmt: skip
    batch_write(batch)
    sequences_bump(batch.last_number)
    first = stores[0].merchant
    created, merchant_admin = _logins(first, _consumer_customer(batch, customers))
    issued = api_token_create(
        actor=SYSTEM, name="演示店铺订单对接", merchant_id=first.pk, created_by=merchant_admin
    )
    counts = {
        "merchants": len(stores),
        "skus": sum(len(s.items) + (s.gift is not None) for s in stores),
        "customers": len(customers),
        **batch.counts(),
    }
    audit_record(actor=SYSTEM, action="demo_data.load", data={"seed": seed, **counts})
    return DemoResult(counts=counts, token=issued.raw, token_merchant=first, logins_created=created)
