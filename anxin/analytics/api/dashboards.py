"""/api/v1/analytics/summary, /breakdown and /hotspots: the figures of the dashboards for a
period and filters. Platform staff and platform tokens read any shop; a shop's people and its
tokens read only their own (their shop is filled in; naming another is 403). Anyone else: 403.

Filters, as on the pages: ``start`` and ``end`` (YYYY-MM-DD, local Asia/Shanghai days, inclusive;
the last 30 days by default), ``category``, ``merchant``, ``reason``, ``sku`` (ids), ``type`` and
``channel`` (codes). A refused filter is 422 with the parameter at fault. Rates are shares 0..1,
durations hours, satisfaction 1..5 stars; ``null`` when there is nothing to divide by.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.errors import ValidationFailed

from .. import hotspots as hotspot_queries
from .. import queries
from ..metrics import CASE_METRICS, Totals, format_value, metric
from ..permissions import require_any
from ..queries import Filters

router = Router(tags=["analytics: dashboards"], auth=API_AUTH)

Param = Annotated[str, StringConstraints(max_length=40, pattern=r"^[^\x00]*$")]
BREAKDOWN_LIMIT = 500


class FiltersQuery(Schema):
    start: Param | None = None
    end: Param | None = None
    category: Param | None = None
    merchant: Param | None = None
    type: Param | None = None
    channel: Param | None = None
    reason: Param | None = None
    sku: Param | None = None


class BreakdownQuery(FiltersQuery):
    by: Param | None = None  # checked after the role: see ``_grouping``
    limit: int = Field(50, ge=1, le=BREAKDOWN_LIMIT)


class HotspotQuery(FiltersQuery):
    by: Param | None = None
    limit: int = Field(20, ge=1, le=100)


class FiltersOut(Schema):
    start: date
    end: date
    category: int | None
    merchant: int | None
    type: str | None
    channel: str | None
    reason: int | None
    sku: int | None


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    value: float | None
    display: str


class SummaryOut(Schema):
    filters: FiltersOut
    cases: int
    delivered_orders: int
    delivered_units: int
    refunded_cases: int
    refunded_amount: str  # a decimal, CNY
    metrics: list[MetricOut]


class BreakdownRowOut(Schema):
    key: int | str
    label: str
    cases: int
    share: float | None
    delivered_orders: int | None
    after_sales_rate: float | None
    category: int | None
    merchant: int | None
    metrics: list[MetricOut]


class BreakdownOut(Schema):
    filters: FiltersOut
    by: str
    rows: list[BreakdownRowOut]


class HotspotOut(Schema):
    key: int
    label: str
    observed: int
    delivered_orders: int
    expected: float
    excess: float
    ratio: float | None
    p_value: float | None
    q_value: float | None
    tested: bool
    significant: bool
    baseline_rate: float | None
    category: int | None
    merchant: int | None


class HotspotsOut(Schema):
    filters: FiltersOut
    by: str
    rows: list[HotspotOut]


FILTER_PARAMS = tuple(FiltersQuery.model_fields)


def _filters(request: HttpRequest, query: FiltersQuery) -> tuple[Any, Filters]:
    """The actor (403 for anyone without dashboards, before a parameter is read) and the
    checked, scoped filters."""
    viewer = actor_of(request)
    require_any(viewer)
    data = {k: v for k, v in query.model_dump(include=set(FILTER_PARAMS)).items() if v}
    return viewer, queries.filters_from(data, actor=viewer)


def _grouping(by: str | None, offered: tuple[str, ...]) -> str:
    if by not in offered:
        raise ValidationFailed(
            fields={"by": _("Choose one of: %(offered)s.") % {"offered": ", ".join(offered)}}
        )
    return str(by)


def _filters_out(f: Filters) -> dict[str, Any]:
    return {
        "start": f.start,
        "end": f.end,
        "category": f.category_id,
        "merchant": f.merchant_id,
        "type": f.type,
        "channel": f.channel,
        "reason": f.reason_id,
        "sku": f.sku_id,
    }


def _metrics(values: dict[str, float | None] | Totals) -> list[dict[str, Any]]:
    read = values.metric if isinstance(values, Totals) else values.get
    return [
        {
            "key": key,
            "label": str(metric(key).label),
            "unit": str(metric(key).unit),
            "value": read(key),
            "display": format_value(key, read(key)),
        }
        for key in CASE_METRICS
    ]


@router.get(
    "/analytics/summary",
    response=SummaryOut,
    summary="Cases, deliveries and every case metric of a period (a shop: its own)",
)
def summary(request: HttpRequest, query: Query[FiltersQuery]) -> Any:
    viewer, filters = _filters(request, query)
    t = queries.totals(actor=viewer, filters=filters)
    return {
        "filters": _filters_out(filters),
        "cases": t.cases,
        "delivered_orders": t.orders,
        "delivered_units": t.units,
        "refunded_cases": t.refunded,
        "refunded_amount": f"{t.refund_amount:.2f}",
        "metrics": _metrics(t),
    }


@router.get(
    "/analytics/breakdown",
    response=BreakdownOut,
    summary="Cases split by reason, type, channel, category, shop or SKU, largest first",
)
def breakdown(request: HttpRequest, query: Query[BreakdownQuery]) -> Any:
    viewer, filters = _filters(request, query)
    by = _grouping(query.by, tuple(queries.BREAKDOWNS))
    rows = queries.breakdown(actor=viewer, filters=filters, by=by, limit=query.limit)
    return {
        "filters": _filters_out(filters),
        "by": by,
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "cases": row.cases,
                "share": row.share,
                "delivered_orders": row.orders,
                "after_sales_rate": row.rate,
                "category": row.category_id,
                "merchant": row.merchant_id,
                "metrics": _metrics(row.values),
            }
            for row in rows
        ],
    }


@router.get(
    "/analytics/hotspots",
    response=HotspotsOut,
    summary="Groups with more cases than their delivered orders lead to expect, and the test",
)
def hotspots(request: HttpRequest, query: Query[HotspotQuery]) -> Any:
    viewer, filters = _filters(request, query)
    by = _grouping(query.by, tuple(hotspot_queries.GROUPINGS))
    spots = hotspot_queries.hotspots(actor=viewer, filters=filters, by=by, limit=query.limit)
    return {
        "filters": _filters_out(filters),
        "by": by,
        "rows": [
            {
                "key": s.key,
                "label": s.label,
                "observed": s.observed,
                "delivered_orders": s.delivered,
                "expected": s.expected,
                "excess": s.excess,
                "ratio": s.ratio,
                "p_value": s.p_value,
                "q_value": s.q_value,
                "tested": s.tested,
                "significant": s.significant,
                "baseline_rate": s.baseline,
                "category": s.category_id,
                "merchant": s.merchant_id,
            }
            for s in spots
        ],
    }
