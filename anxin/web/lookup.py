"""Look up an order or a consumer (read-only, scoped to the actor).

One box takes an order's external id (the shop's), its UUID or Anxin order number, a case number,
or a phone number. Phones are stored encrypted; they are found through their keyed lookup hash
(``crypto.phone_lookup_hash``), never by decrypting rows.
"""

from __future__ import annotations

import re
import uuid
from contextlib import suppress
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from anxin.cases.models import Case
from anxin.catalog.models import Customer, Order
from anxin.core.actors import Actor
from anxin.core.crypto import mask_phone, normalize_phone, phone_lookup_hash

MAX_QUERY = 64
MAX_RESULTS = 50
PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{7,20}$")


@dataclass(frozen=True)
class OrderMatch:
    order: Order
    masked_phone: str


@dataclass(frozen=True)
class CustomerMatch:
    customer: Customer
    masked_phone: str
    orders: list[OrderMatch]


@dataclass(frozen=True)
class LookupResult:
    query: str
    orders: list[OrderMatch]
    customers: list[CustomerMatch]
    as_phone: bool

    @property
    def empty(self) -> bool:
        return not self.orders and not self.customers


def is_phone(text: str) -> bool:
    return bool(PHONE_LIKE.match(text)) and len(normalize_phone(text)) >= 7


def _cases() -> Prefetch:
    # Only cases of orders the actor already sees (same merchant, same customer) are prefetched.
    return Prefetch("cases", queryset=Case.unscoped.order_by("-created_at", "-pk"))


def lookup(*, actor: Actor, query: str) -> LookupResult:
    text = query.strip()
    conditions = Q(external_id=text) | Q(number__iexact=text)
    with suppress(ValueError):
        conditions |= Q(public_id=uuid.UUID(text))
    conditions |= Q(
        pk__in=Case.objects.for_actor(actor).filter(number__iexact=text).values("order_id")
    )
    found = (
        Order.objects.for_actor(actor)
        .filter(conditions)
        .select_related("merchant", "customer")
        .prefetch_related(_cases())
        .order_by("-placed_at", "-pk")[:MAX_RESULTS]
    )
    orders = [OrderMatch(order=o, masked_phone=mask_phone(o.customer.phone or "")) for o in found]
    matches: list[CustomerMatch] = []
    as_phone = is_phone(text)
    if as_phone:
        customers = (
            Customer.objects.for_actor(actor)
            .filter(phone_hash=phone_lookup_hash(text))
            .select_related("merchant")
            .prefetch_related(
                Prefetch(
                    "orders",
                    queryset=Order.objects.for_actor(actor)
                    .prefetch_related(_cases())
                    .order_by("-placed_at", "-pk"),
                )
            )
            .order_by("merchant__code", "pk")[:MAX_RESULTS]
        )
        for customer in customers:
            masked = mask_phone(customer.phone or "")
            matches.append(
                CustomerMatch(
                    customer=customer,
                    masked_phone=masked,
                    orders=[
                        OrderMatch(order=o, masked_phone=masked) for o in customer.orders.all()
                    ],
                )
            )
    return LookupResult(query=text, orders=orders, customers=matches, as_phone=as_phone)
