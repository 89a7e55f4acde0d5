"""A shop's own analytics at /shop/analytics/ (its staff): its rates next to its category's, its
key figures and targets, the trend, the reasons of its cases and the products (SKUs) to fix first.
Only its own figures: the shop comes from the signed-in user's shops (``?shop=`` picks one of
them), and any ``?merchant=`` in the address is replaced by it. One column on a phone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from anxin.analytics import hotspots, metrics, queries
from anxin.analytics.queries import Filters
from anxin.catalog.models import Merchant
from anxin.core.actors import Actor

from ..common import MERCHANTS, actor, audience
from ..merchant.reviews import shop_for, shops_of
from . import charts
from .filters import read_filters
from .kpis import attainments, kpi_tiles
from .tables import (
    Links,
    Table,
    compare_table,
    hotspots_table,
    kpi_table,
    reasons_table,
    trend_table,
)

TREND_KEYS = ("after_sales_rate",)
REASONS_SHOWN = 10
SKUS_SHOWN = 10


def shop_of(request: HttpRequest) -> Merchant:
    """The signed-in user's shop this page is about (``?shop=<code>``; NotFound for another's)."""
    return shop_for(actor(request), str(request.GET.get("shop", "")).strip())


def links_for(filters: Filters, shop: Merchant, request: HttpRequest) -> Links:
    several = len(shops_of(actor(request))) > 1
    return Links(
        filters=filters,
        drilldown=reverse("merchant_analytics:drilldown"),
        export=reverse("merchant_analytics:export"),
        extra={"shop": shop.code} if several else {},
    )


# --- the tables, one function each: the page and the export call the same ------------------------


def _kpis(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    totals = queries.totals(actor=viewer, filters=filters)
    targets = attainments(
        viewer=viewer, end=filters.end, scope="merchant", merchant_id=filters.merchant_id
    )
    return kpi_table(totals, links, targets=targets)


def _compare(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    return compare_table(queries.compare_to_category(actor=viewer, filters=filters))


def _trend(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    return trend_table(queries.trend(actor=viewer, filters=filters, keys=TREND_KEYS), links)


def _reasons(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    return reasons_table(queries.breakdown(actor=viewer, filters=filters, by="reason"), links)


def _skus(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    spots = hotspots.hotspots(actor=viewer, filters=filters, by="sku", limit=SKUS_SHOWN)
    return hotspots_table(spots, links, by="sku", key="skus")


TableBuilder = Callable[[Actor, Filters, Links, Any], Table]
TABLES: dict[str, TableBuilder] = {
    "kpis": _kpis,
    "compare": _compare,
    "trend": _trend,
    "reasons": _reasons,
    "skus": _skus,
}


# --- the page --------------------------------------------------------------------------------------


def dashboard_context(
    viewer: Actor, filters: Filters, shop: Merchant, request: HttpRequest
) -> dict[str, Any]:
    links = links_for(filters, shop, request)
    totals = queries.totals(actor=viewer, filters=filters)
    targets = attainments(
        viewer=viewer, end=filters.end, scope="merchant", merchant_id=filters.merchant_id
    )
    comparisons = queries.compare_to_category(actor=viewer, filters=filters)
    # the chart draws the shares of cases that went wrong (lower is better); the table has all
    rates = [
        c
        for c in comparisons
        if str(c.unit) == metrics.Unit.RATE
        and not metrics.metric(c.key).higher_is_better
        and (c.own or c.peers)  # a row of two zeros says nothing a chart should draw
    ]
    points = queries.trend(actor=viewer, filters=filters, keys=TREND_KEYS)
    reasons = queries.breakdown(actor=viewer, filters=filters, by="reason")
    shown = reasons[:REASONS_SHOWN]
    skus = hotspots.hotspots(actor=viewer, filters=filters, by="sku", limit=SKUS_SHOWN)
    tables = {
        "kpi_table": kpi_table(totals, links, targets=targets),
        "compare": compare_table(comparisons),
        "trend": trend_table(points, links),
        "reasons": reasons_table(reasons, links),
        "skus": hotspots_table(skus, links, by="sku", key="skus"),
    }
    links.exportable(*tables.values())
    return tables | {
        "links": links,
        "tiles": kpi_tiles(totals, links, targets=targets),
        "targets": targets,
        "compare_chart": charts.compare_chart(
            [str(c.label) for c in rates],
            [c.own for c in rates],
            [c.peers for c in rates],
            own_name=_("Your shop"),
            peers_name=_("Your category"),
        )
        if rates
        else None,
        "trend_chart": charts.trend_chart(
            [p.label for p in points],
            [p.totals.cases for p in points],
            [p.values.get("after_sales_rate") for p in points],
            count_name=_("Cases"),
            rate_name=_("After-sales rate"),
        ),
        "reasons_chart": charts.bar_chart(
            [r.label for r in shown], [r.cases for r in shown], name=_("Cases")
        ),
    }


@audience(MERCHANTS)
def home(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    shop = shop_of(request)
    shops = shops_of(viewer)
    base = reverse("merchant_analytics:home")
    hidden = {"shop": shop.code} if len(shops) > 1 else {}
    bar = read_filters(request.GET, viewer=viewer, base=base, shop_id=shop.pk, hidden=hidden)
    context: dict[str, Any] = {
        "nav": "analytics",
        "bar": bar,
        "form_action": base,
        "shop": shop,
        "shops": shops,
    }
    if bar.filters is None:
        return render(request, "web/analytics/merchant.html", context, status=422)
    context.update(dashboard_context(viewer, bar.filters, shop, request))
    return render(request, "web/analytics/merchant.html", context)
