"""Figures split by one dimension (``breakdown``), the category × reason heat map and the shops'
league table. Each returns groups, computed by a few GROUP BY queries over the rollups."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _

from anxin.core.actors import Actor
from anxin.core.errors import ValidationFailed

from .. import labels
from ..metrics import (
    CASE_METRICS,
    PREFIX,
    Totals,
    case_count_sums,
    case_sums,
    case_totals_from,
    delivered_from,
    delivered_sums,
)
from ..permissions import require_platform
from .filters import Filters, scoped
from .sources import case_model, case_q, delivered_model, delivered_q

# Grouping -> the rollup column it groups by.
BREAKDOWNS: dict[str, str] = {
    "reason": "reason_id",
    "type": "type",
    "channel": "channel",
    "category": "category_id",
    "merchant": "merchant_id",
    "sku": "sku_id",
}
# Groupings whose deliveries are known per group (a rate of their own); the others' rates are
# over all the orders delivered under the filters (see ``sources``).
OWN_DENOMINATOR = frozenset({"category", "merchant", "sku"})
LEAGUE_MIN_ORDERS = 30  # a shop needs this many orders delivered in the period to be ranked
HEATMAP_REASONS = 12  # reasons shown as columns; the rest make one "other reasons" column

_LABELS: dict[str, Callable[[Iterable[Any]], dict[Any, str]]] = {
    "reason": labels.reason_labels,
    "category": labels.category_labels,
    "merchant": labels.merchant_labels,
    "sku": labels.sku_labels,
    "type": lambda codes: {c: labels.type_label(c) for c in codes},
    "channel": lambda codes: {c: labels.channel_label(c) for c in codes},
}


@dataclass(frozen=True)
class Row:
    """One group: its requests, their share of all requests under the filters, the orders
    delivered it is measured against and every case metric."""

    key: int | str
    label: str
    cases: int
    share: float | None  # cases ÷ all cases under the filters (the reason mix)
    orders: int | None  # orders delivered: the group's own, or all under the filters
    rate: float | None  # after-sales rate: cases ÷ orders
    totals: Totals
    values: dict[str, float | None]
    category_id: int | None = None  # a SKU's category
    merchant_id: int | None = None  # a SKU's shop


def _row(
    by: str,
    key: Any,
    label: str,
    t: Totals,
    total_cases: int,
    *,
    category_id: int | None = None,
    merchant_id: int | None = None,
) -> Row:
    return Row(
        key=key,
        label=label,
        cases=t.cases,
        share=t.cases / total_cases if total_cases else None,
        orders=t.orders,
        rate=t.metric("after_sales_rate"),
        totals=t,
        values=t.values(CASE_METRICS),
        category_id=category_id,
        merchant_id=merchant_id,
    )


def breakdown(*, actor: Actor, filters: Filters, by: str, limit: int | None = None) -> list[Row]:
    """The figures of each group of ``by`` (reason, type, channel, category, merchant, sku),
    most requests first. ``share`` is a group's part of all requests (the reason mix); rates of
    categories, shops and SKUs are over their own deliveries, those of reasons, types and
    channels over all deliveries under the filters (so they add up to the after-sales rate).
    Categories with deliveries but no request are listed too (rate 0); shops and SKUs only
    with requests. ``limit`` keeps the largest groups (counted in SQL)."""
    if by not in BREAKDOWNS:
        raise ValidationFailed(fields={"by": _("Choose one of the groupings offered.")})
    filters = scoped(actor, filters)
    column = BREAKDOWNS[by]
    cases = case_model(filters, by).objects.filter(case_q(filters))
    extra: dict[str, Any] = {}
    if by == "sku":
        extra = {"g_category": Max("category_id"), "g_merchant": Max("merchant_id")}
    groups = (
        cases.values(column).annotate(**case_sums(), **extra).order_by(f"-{PREFIX}cases", column)
    )
    if limit is not None:
        groups = groups[:limit]
        total_cases = int(cases.aggregate(**case_count_sums())[PREFIX + "cases"] or 0)
        rows = list(groups)
    else:
        rows = list(groups)
        total_cases = sum(int(r[PREFIX + "cases"] or 0) for r in rows)

    found: dict[Any, dict[str, Any]] = {r[column]: r for r in rows}
    deliveries = delivered_model(filters, by).objects.filter(delivered_q(filters))
    delivered: dict[Any, tuple[int, int]] = {}
    all_orders: tuple[int, int] = (0, 0)
    if by in OWN_DENOMINATOR:
        if by != "category" and limit is not None:
            deliveries = deliveries.filter(**{f"{column}__in": list(found)})
        per_group = deliveries.values(column).annotate(**delivered_sums()).order_by()
        delivered = {r[column]: delivered_from(r) for r in per_group}
        if by == "category":
            for key in delivered:
                found.setdefault(key, {column: key})
    else:
        all_orders = delivered_from(deliveries.aggregate(**delivered_sums()))

    names = _LABELS[by](found)
    out = []
    for key, row in found.items():
        orders, units = delivered.get(key, (0, 0)) if by in OWN_DENOMINATOR else all_orders
        t = case_totals_from(row, orders=orders, units=units)
        out.append(
            _row(
                by,
                key,
                names.get(key, str(key)),
                t,
                total_cases,
                category_id=row.get("g_category"),
                merchant_id=row.get("g_merchant"),
            )
        )
    out.sort(key=lambda r: (-r.cases, -(r.orders or 0), str(r.key)))
    return out


@dataclass(frozen=True)
class HeatMap:
    """Requests per category (rows) and reason (columns). ``rates[i][j]``: the cell's requests
    ÷ the category's orders delivered; ``shares[i][j]``: ÷ the category's requests. The last
    column is "other reasons" (id ``labels.OTHER``) when there are more than shown."""

    categories: list[tuple[int, str]]
    reasons: list[tuple[int, str]]
    counts: list[list[int]]
    rates: list[list[float | None]]
    shares: list[list[float | None]]
    category_cases: list[int]
    category_orders: list[int]
    max_count: int


def heatmap(*, actor: Actor, filters: Filters, max_reasons: int = HEATMAP_REASONS) -> HeatMap:
    """The category × reason heat map of the requests under the filters (two queries, and the
    labels)."""
    filters = scoped(actor, filters)
    cells = (
        case_model(filters)
        .objects.filter(case_q(filters))
        .values("category_id", "reason_id")
        .annotate(n=Sum("cases"))
        .order_by()
    )
    counts: dict[tuple[int, int], int] = {}
    by_reason: dict[int, int] = {}
    by_category: dict[int, int] = {}
    for cell in cells:
        n = int(cell["n"] or 0)
        c, r = cell["category_id"], cell["reason_id"]
        counts[(c, r)] = counts.get((c, r), 0) + n
        by_reason[r] = by_reason.get(r, 0) + n
        by_category[c] = by_category.get(c, 0) + n
    deliveries = (
        delivered_model(filters)
        .objects.filter(delivered_q(filters))
        .values("category_id")
        .annotate(o=Sum("orders"))
        .order_by()
    )
    orders = {d["category_id"]: int(d["o"] or 0) for d in deliveries}
    for c in orders:
        by_category.setdefault(c, 0)

    reasons = sorted(by_reason, key=lambda r: (-by_reason[r], r))
    shown = reasons[:max_reasons]
    rest = set(reasons[max_reasons:])
    columns = shown + ([labels.OTHER] if rest else [])
    category_ids = sorted(by_category, key=lambda c: (-by_category[c], c))
    reason_names = labels.reason_labels(shown)
    category_names = labels.category_labels(category_ids)

    grid: list[list[int]] = []
    for c in category_ids:
        line = [counts.get((c, r), 0) for r in shown]
        if rest:
            line.append(sum(counts.get((c, r), 0) for r in rest))
        grid.append(line)
    rates = [
        [n / orders[c] if orders.get(c) else None for n in line]
        for c, line in zip(category_ids, grid, strict=True)
    ]
    shares = [
        [n / by_category[c] if by_category[c] else None for n in line]
        for c, line in zip(category_ids, grid, strict=True)
    ]
    return HeatMap(
        categories=[(c, category_names[c]) for c in category_ids],
        reasons=[(r, reason_names[r]) for r in columns],
        counts=grid,
        rates=rates,
        shares=shares,
        category_cases=[by_category[c] for c in category_ids],
        category_orders=[orders.get(c, 0) for c in category_ids],
        max_count=max((n for line in grid for n in line), default=0),
    )


def league(
    *,
    actor: Actor,
    filters: Filters,
    limit: int | None = 50,
    min_orders: int = LEAGUE_MIN_ORDERS,
) -> list[Row]:
    """The shops with at least ``min_orders`` orders delivered in the period, highest
    after-sales rate first (then most requests): the platform's view only. Each row carries
    every case metric (refund median, dispute rate, satisfaction…)."""
    require_platform(actor)
    filters = scoped(actor, filters).replace(merchant_id=None, sku_id=None)
    ranked = (
        delivered_model(filters, "merchant")
        .objects.filter(delivered_q(filters))
        .values("merchant_id")
        .annotate(**delivered_sums())
        .filter(**{f"{PREFIX}orders__gte": max(min_orders, 1)})
        .order_by()
    )
    delivered = {r["merchant_id"]: delivered_from(r) for r in ranked}
    if not delivered:
        return []
    groups = (
        case_model(filters, "merchant")
        .objects.filter(case_q(filters))
        .values("merchant_id")
        .annotate(**case_sums())
        .order_by()
    )
    sums = {g["merchant_id"]: g for g in groups}
    total_cases = sum(int(g[PREFIX + "cases"] or 0) for g in sums.values())  # all shops'
    rows = []
    for merchant_id, (orders, units) in delivered.items():
        t = case_totals_from(sums.get(merchant_id, {}), orders=orders, units=units)
        rows.append((merchant_id, t))
    rows.sort(key=lambda mt: (-(mt[1].metric("after_sales_rate") or 0), -mt[1].cases, mt[0]))
    if limit is not None:
        rows = rows[:limit]
    names = labels.merchant_labels(m for m, _t in rows)
    return [_row("merchant", m, names[m], t, total_cases) for m, t in rows]
