"""Reads of orders, always through the actor's scope: out of scope is the same 404 as missing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from anxin.core.actors import Actor
from anxin.core.errors import NotFound
from anxin.core.pagination import Page, keyset_page

from .choices import MerchantStatus
from .models import Delivery, Merchant, Order, OrderLine, Sku


def _with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("merchant", "customer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("sku__category")),
        "tenders",
        Prefetch("deliveries", queryset=Delivery.objects.prefetch_related("lines__line")),
        "lines__confirmations",
    )


def order_get_for(*, actor: Actor, ref: str) -> Order:
    """An order by public id, or by the shop's external id within the actor's merchants."""
    orders = _with_details(Order.objects.for_actor(actor))
    try:
        return orders.get(public_id=uuid.UUID(ref))
    except (ValueError, Order.DoesNotExist):
        pass
    matches = list(orders.filter(external_id=ref)[:2])
    if len(matches) != 1:
        raise NotFound()
    return matches[0]


@dataclass(frozen=True)
class OrderFilters:
    merchant: str | None = None
    status: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    customer_phone_hash: str | None = None


def order_list_for(
    *, actor: Actor, filters: OrderFilters, cursor: str | None, limit: int
) -> Page[Order]:
    """Newest orders first, keyset-paginated, with everything a list row shows prefetched."""
    orders = Order.objects.for_actor(actor)
    conditions = Q()
    if filters.merchant:
        conditions &= Q(merchant__code=filters.merchant)
    if filters.status:
        conditions &= Q(shop_status=filters.status)
    if filters.placed_from:
        conditions &= Q(placed_at__gte=filters.placed_from)
    if filters.placed_to:
        conditions &= Q(placed_at__lt=filters.placed_to)
    if filters.customer_phone_hash:
        conditions &= Q(customer__phone_hash=filters.customer_phone_hash)
    return keyset_page(
        _with_details(orders.filter(conditions)), key="placed_at", cursor=cursor, limit=limit
    )


# --- public look-ups (pages without login) --------------------------------------------------------


def merchant_public_get(*, code: str) -> Merchant:
    """A shop as anyone may see it: by its code, once admitted (an applicant has no public page;
    a shop that left keeps its page, so its record stays readable)."""
    merchant = Merchant.unscoped.filter(code=code).exclude(status=MerchantStatus.APPLYING).first()
    if merchant is None:
        raise NotFound()
    return merchant


def sku_public_get(*, merchant_code: str, code: str) -> Sku:
    """One product of an admitted shop by the shop's code and its SKU code (one query); a product
    taken off sale is still found, so that its reviews stay readable."""
    sku = (
        Sku.objects.filter(merchant__code=merchant_code, code=code)
        .exclude(merchant__status=MerchantStatus.APPLYING)
        .select_related("merchant", "category")
        .first()
    )
    if sku is None:
        raise NotFound()
    return sku
