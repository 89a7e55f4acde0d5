"""The platform's analytics dashboard at /console/analytics/ (platform staff): key figures with
their targets, cases and the after-sales rate over time, the reason mix, the category × reason
heat map, hotspots ranked by cases above expected, and the shops' league table. Every chart has
its table, every table its CSV/XLSX export, every count of cases its drill-down list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from anxin.analytics import hotspots, queries
from anxin.analytics.queries import Filters
from anxin.core.actors import Actor
from anxin.core.errors import Forbidden

from ..common import PLATFORM_STAFF, actor, audience
from . import charts
from .filters import read_filters
from .kpis import attainments, kpi_tiles
from .tables import (
    HOTSPOT_DIMENSIONS,
    Links,
    Table,
    heatmap_table,
    hotspot_heads,
    hotspots_table,
    kpi_table,
    league_table,
    reasons_table,
    trend_table,
)

TREND_KEYS = ("after_sales_rate",)
REASONS_SHOWN = 12
HOTSPOTS_SHOWN = 20
LEAGUE_SHOWN = 50


def links_for(filters: Filters) -> Links:
    return Links(
        filters=filters,
        drilldown=reverse("console_analytics:drilldown"),
        export=reverse("console_analytics:export"),
    )


def hotspot_dimension(data: Any) -> str:
    by = str(data.get("by", "")).strip()
    return by if by in HOTSPOT_DIMENSIONS else "category"


# --- the tables, one function each: the page and the export call the same ------------------------


def _kpis(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    totals = queries.totals(actor=viewer, filters=filters)
    targets = attainments(viewer=viewer, end=filters.end, scope="platform")
    return kpi_table(totals, links, targets=targets)


def _trend(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    return trend_table(queries.trend(actor=viewer, filters=filters, keys=TREND_KEYS), links)


def _reasons(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    return reasons_table(queries.breakdown(actor=viewer, filters=filters, by="reason"), links)


def _heatmap(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    return heatmap_table(queries.heatmap(actor=viewer, filters=filters), links)


def _hotspots(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    by = hotspot_dimension(data)
    spots = hotspots.hotspots(actor=viewer, filters=filters, by=by, limit=HOTSPOTS_SHOWN)
    return hotspots_table(spots, links, by=by)


def _league(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    return league_table(queries.league(actor=viewer, filters=filters, limit=LEAGUE_SHOWN), links)


TableBuilder = Callable[[Actor, Filters, Links, Any], Table]
TABLES: dict[str, TableBuilder] = {
    "kpis": _kpis,
    "trend": _trend,
    "reasons": _reasons,
    "heatmap": _heatmap,
    "hotspots": _hotspots,
    "league": _league,
}


# --- the page --------------------------------------------------------------------------------------


def dashboard_context(viewer: Actor, filters: Filters, data: Any) -> dict[str, Any]:
    """Every figure of the page, each query asked once for its chart and its table."""
    links = links_for(filters)
    by = hotspot_dimension(data)
    totals = queries.totals(actor=viewer, filters=filters)
    targets = attainments(viewer=viewer, end=filters.end, scope="platform")
    points = queries.trend(actor=viewer, filters=filters, keys=TREND_KEYS)
    reasons = queries.breakdown(actor=viewer, filters=filters, by="reason")
    heat = queries.heatmap(actor=viewer, filters=filters)
    spots = hotspots.hotspots(actor=viewer, filters=filters, by=by, limit=HOTSPOTS_SHOWN)
    league = queries.league(actor=viewer, filters=filters, limit=LEAGUE_SHOWN)
    shown_reasons = reasons[:REASONS_SHOWN]
    tables = {
        "kpi_table": kpi_table(totals, links, targets=targets),
        "trend": trend_table(points, links),
        "reasons": reasons_table(reasons, links),
        "heatmap": heatmap_table(heat, links),
        "hotspots": hotspots_table(spots, links, by=by),
        "league": league_table(league, links),
    }
    links.exportable(*tables.values(), by=by)
    return tables | {
        "links": links,
        "tiles": kpi_tiles(totals, links, targets=targets),
        "targets": targets,
        "trend_chart": charts.trend_chart(
            [p.label for p in points],
            [p.totals.cases for p in points],
            [p.values.get("after_sales_rate") for p in points],
            count_name=_("Cases"),
            rate_name=_("After-sales rate"),
        ),
        "reasons_chart": charts.bar_chart(
            [r.label for r in shown_reasons],
            [r.cases for r in shown_reasons],
            name=_("Cases"),
        ),
        "heatmap_chart": charts.heatmap_chart(
            [label for _id, label in heat.categories],
            [label for _id, label in heat.reasons],
            heat.counts,
            name=_("Cases"),
        ),
        "heatmap_rows": len(heat.categories),
        "hotspot_by": by,
        "hotspot_tabs": [
            (dim, label, links.page(reverse("console_analytics:home"), by=dim) + "#hotspots")
            for dim, label in hotspot_heads().items()
        ],
    }


@audience(PLATFORM_STAFF)
def home(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    base = reverse("console_analytics:home")
    by = hotspot_dimension(request.GET)
    try:
        bar = read_filters(request.GET, viewer=viewer, base=base, hidden={"by": by})
    except Forbidden as error:
        raise PermissionDenied from error
    context: dict[str, Any] = {"nav": "analytics", "bar": bar, "form_action": base}
    if bar.filters is None:
        return render(request, "web/analytics/platform.html", context, status=422)
    context.update(dashboard_context(viewer, bar.filters, request.GET))
    return render(request, "web/analytics/platform.html", context)
