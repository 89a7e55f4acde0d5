"""Which rollup answers a query, and the conditions the filters put on it.

- cases: ``PlatformDay`` when neither a shop nor SKUs are involved, ``MerchantDay`` for a shop
  filter or a grouping by shop, ``CaseDay`` for a SKU filter or a grouping by SKU;
- the denominator (orders delivered): ``DeliveredDay``, or ``DeliveredSkuDay`` for SKUs.

The category, shop and SKU filters apply to deliveries too; the type, channel and reason filters
do not (an order is not delivered "for" a reason): a rate under a reason filter is that reason's
requests over all the orders delivered, so the reasons' rates add up to the after-sales rate.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Q

from ..models import CaseDay, DeliveredDay, DeliveredSkuDay, MerchantDay, PlatformDay
from .filters import Filters

CaseRollup = type[PlatformDay] | type[MerchantDay] | type[CaseDay]
DeliveredRollup = type[DeliveredDay] | type[DeliveredSkuDay]


def case_model(filters: Filters, by: str | None = None) -> Any:
    """The coarsest case rollup that can answer ``filters`` grouped ``by``."""
    if by == "sku" or filters.sku_id is not None:
        return CaseDay
    if by == "merchant" or filters.merchant_id is not None:
        return MerchantDay
    return PlatformDay


def delivered_model(filters: Filters, by: str | None = None) -> Any:
    if by == "sku" or filters.sku_id is not None:
        return DeliveredSkuDay
    return DeliveredDay


def case_q(filters: Filters, *, categories: Collection[int] | None = None) -> Q:
    """The conditions on a case rollup (or on CaseFact, which has the same columns)."""
    q = Q(day__gte=filters.start, day__lte=filters.end)
    if filters.category_id is not None:
        q &= Q(category_id=filters.category_id)
    if categories is not None:
        q &= Q(category_id__in=list(categories))
    if filters.merchant_id is not None:
        q &= Q(merchant_id=filters.merchant_id)
    if filters.sku_id is not None:
        q &= Q(sku_id=filters.sku_id)
    if filters.type:
        q &= Q(type=filters.type)
    if filters.channel:
        q &= Q(channel=filters.channel)
    if filters.reason_id is not None:
        q &= Q(reason_id=filters.reason_id)
    return q


def delivered_q(filters: Filters, *, categories: Collection[int] | None = None) -> Q:
    """The conditions on deliveries: period, category, shop and SKU only."""
    q = Q(day__gte=filters.start, day__lte=filters.end)
    if filters.category_id is not None:
        q &= Q(category_id=filters.category_id)
    if categories is not None:
        q &= Q(category_id__in=list(categories))
    if filters.merchant_id is not None:
        q &= Q(merchant_id=filters.merchant_id)
    if filters.sku_id is not None:
        q &= Q(sku_id=filters.sku_id)
    return q
