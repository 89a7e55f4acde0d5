"""The figures of a whole period (``totals``), of each of its days or weeks (``trend``) and a
shop's figures beside its category's (``compare_to_category``). Each is two or three aggregate
queries over the rollups, whatever the number of cases."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from anxin.core.actors import Actor
from anxin.core.errors import ValidationFailed

from ..metrics import (
    CASE_METRICS,
    METRICS,
    Totals,
    Unit,
    case_sums,
    case_totals_from,
    delivered_from,
    delivered_sums,
)
from ..models import DeliveredDay, MerchantDay
from .filters import Filters, scoped
from .sources import case_model, case_q, delivered_model, delivered_q


def _totals(filters: Filters, *, categories: Collection[int] | None = None) -> Totals:
    """Unscoped: the totals of ``filters`` (callers have checked the actor)."""
    cases = case_model(filters).objects.filter(case_q(filters, categories=categories))
    row = cases.aggregate(**case_sums())
    deliveries = delivered_model(filters).objects.filter(
        delivered_q(filters, categories=categories)
    )
    orders, units = delivered_from(deliveries.aggregate(**delivered_sums()))
    return case_totals_from(row, orders=orders, units=units)


def totals(*, actor: Actor, filters: Filters) -> Totals:
    """The summed measures of the cases opened in the period under the filters, with the orders
    and units delivered in it (the denominator: see ``sources``). ``.metric(key)`` reads any
    case metric from it."""
    return _totals(scoped(actor, filters))


@dataclass(frozen=True)
class Point:
    """One day (or ISO week, clipped to the period) of a trend."""

    start: date
    end: date
    label: str
    totals: Totals
    values: dict[str, float | None]


def periods(filters: Filters) -> list[tuple[date, date]]:
    """The days of the period, or its ISO weeks (Monday–Sunday, clipped to the period) when it
    is longer than ``WEEKLY_AFTER_DAYS``."""
    if not filters.weekly:
        return [(filters.start + timedelta(days=i),) * 2 for i in range(filters.days)]
    spans: list[tuple[date, date]] = []
    day = filters.start
    while day <= filters.end:
        sunday = day + timedelta(days=6 - day.weekday())
        spans.append((day, min(sunday, filters.end)))
        day = sunday + timedelta(days=1)
    return spans


def _label(start: date, end: date, weekly: bool) -> str:
    if not weekly:
        return start.isoformat()
    year, week, _day = start.isocalendar()
    return pgettext("ISO week", "%(year)s week %(week)s") % {"year": year, "week": week}


def trend(*, actor: Actor, filters: Filters, keys: Sequence[str]) -> list[Point]:
    """The metrics ``keys`` (case metrics) for every day of the period, or every ISO week when
    it spans more than 92 days; days without cases are there with empty totals."""
    filters = scoped(actor, filters)
    unknown = [k for k in keys if k not in CASE_METRICS]
    if unknown:
        raise ValidationFailed(fields={"keys": _("Choose figures offered in the list.")})
    spans = periods(filters)
    index: dict[date, int] = {}
    for i, (start, end) in enumerate(spans):
        for n in range((end - start).days + 1):
            index[start + timedelta(days=n)] = i
    buckets = [Totals() for _span in spans]
    rows = (
        case_model(filters)
        .objects.filter(case_q(filters))
        .values("day")
        .annotate(**case_sums())
        .order_by()
    )
    for row in rows:
        i = index[row["day"]]
        buckets[i] = buckets[i] + case_totals_from(row)
    deliveries = (
        delivered_model(filters)
        .objects.filter(delivered_q(filters))
        .values("day")
        .annotate(**delivered_sums())
        .order_by()
    )
    for row in deliveries:
        i = index[row["day"]]
        orders, units = delivered_from(row)
        buckets[i].orders += orders
        buckets[i].units += units
    return [
        Point(
            start=start,
            end=end,
            label=_label(start, end, filters.weekly),
            totals=t,
            values=t.values(keys),
        )
        for (start, end), t in zip(spans, buckets, strict=True)
    ]


@dataclass(frozen=True)
class Comparison:
    """A shop's value of a metric beside its category's (all shops in the same categories)."""

    key: str
    label: Promise
    unit: Unit
    own: float | None
    peers: float | None
    better: bool | None  # None: equal, or either side without a value


def _better(key: str, own: float | None, peers: float | None) -> bool | None:
    if own is None or peers is None or own == peers:
        return None
    return own > peers if METRICS[key].higher_is_better else own < peers


def shop_categories(filters: Filters) -> list[int]:
    """The categories a shop had requests or deliveries in during the period (or the category
    filter): what "its category" means for a shop selling in several."""
    if filters.category_id is not None:
        return [filters.category_id]
    assert filters.merchant_id is not None
    window = {
        "day__gte": filters.start,
        "day__lte": filters.end,
        "merchant_id": filters.merchant_id,
    }
    with_cases = MerchantDay.objects.filter(**window).values_list("category_id", flat=True)
    delivered = DeliveredDay.objects.filter(**window).values_list("category_id", flat=True)
    return sorted(set(with_cases.distinct()) | set(delivered.distinct()))


# A shop is shown a category's figures only when they rest on at least this many other shops:
# with one or two, "the category minus my shop" would be a competitor's own figures (the public
# report hides a category of fewer than three shops for the same reason).
MIN_PEER_SHOPS = 3


def other_shops(filters: Filters, categories: Collection[int] | None = None) -> int:
    """How many shops other than ``filters.merchant_id`` delivered in the categories (all when
    None) over the period. Counted on the narrow deliveries table: a shop with requests but no
    delivery in the period is not counted, which can only hide a comparison, never show one."""
    rows = DeliveredDay.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if categories is not None:
        rows = rows.filter(category_id__in=list(categories))
    return (
        rows.exclude(merchant_id=filters.merchant_id or 0).values("merchant_id").distinct().count()
    )


def other_shops_by_category(filters: Filters) -> tuple[int, dict[int, int]]:
    """Shops other than ``filters.merchant_id`` with deliveries over the period: how many in all,
    and how many in each category (one grouped query)."""
    rows = (
        DeliveredDay.objects.filter(day__gte=filters.start, day__lte=filters.end)
        .exclude(merchant_id=filters.merchant_id or 0)
        .values_list("category_id", "merchant_id")
        .distinct()
    )
    per_category: dict[int, set[int]] = {}
    merchants: set[int] = set()
    for category, merchant in rows:
        per_category.setdefault(category, set()).add(merchant)
        merchants.add(merchant)
    return len(merchants), {c: len(ms) for c, ms in per_category.items()}


def compare_to_category(
    *, actor: Actor, filters: Filters, keys: Sequence[str] = CASE_METRICS
) -> list[Comparison]:
    """A shop's case metrics beside those of all shops in its categories over the same filters
    (the shop included, as in a category average). Needs a shop: a shop's people get theirs.
    The category's side is empty (None) when fewer than ``MIN_PEER_SHOPS`` other shops share it."""
    filters = scoped(actor, filters)
    if filters.merchant_id is None:
        raise ValidationFailed(fields={"merchant": _("Choose a shop.")})
    own = _totals(filters)
    categories = shop_categories(filters)
    peers_filters = filters.replace(merchant_id=None, sku_id=None)
    shared = categories and other_shops(filters, categories) >= MIN_PEER_SHOPS
    peers = _totals(peers_filters, categories=categories) if shared else Totals()
    out = []
    for key in keys:
        m = METRICS[key]
        a, b = own.metric(key), peers.metric(key)
        out.append(
            Comparison(
                key=key, label=m.label, unit=m.unit, own=a, peers=b, better=_better(key, a, b)
            )
        )
    return out


__all__ = [
    "MIN_PEER_SHOPS",
    "Comparison",
    "Point",
    "compare_to_category",
    "other_shops",
    "other_shops_by_category",
    "periods",
    "shop_categories",
    "totals",
    "trend",
]
