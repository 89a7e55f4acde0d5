"""The cases behind a number of the dashboards: the page's filters plus the clicked cell (a day,
a reason, a category, a shop, a SKU), newest first, 50 a page, each case linking to its page in
the console or the shop's workbench. A shop's list holds only its own cases (the filters are held
to its shop as on its dashboard).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from anxin.analytics import queries
from anxin.analytics.queries import Filters
from anxin.core.actors import Actor
from anxin.core.errors import Forbidden, ValidationFailed

from ..common import MERCHANTS, PLATFORM_STAFF, actor, audience
from . import merchant, platform
from .filters import filter_words, read_filters
from .tables import Links, Table, cases_table

PAGE_SIZE = 50
EXPORT_PAGE = queries.PAGE_MAX
MAX_EXPORT = 10_000  # cases in one export; the note says when a list was cut


def console_case_url(row: Any) -> str:
    return reverse("console:case", args=[row.number])


def merchant_case_url(row: Any) -> str:
    return reverse("merchant:case", args=[row.number])


def all_cases(viewer: Actor, filters: Filters) -> tuple[list[Any], bool]:
    """Up to ``MAX_EXPORT`` cases of the filters, page after page; and whether more were left."""
    rows: list[Any] = []
    cursor: str | None = None
    while len(rows) < MAX_EXPORT:
        page = queries.drilldown(actor=viewer, filters=filters, cursor=cursor, limit=EXPORT_PAGE)
        rows += page.rows
        cursor = page.next_cursor
        if not cursor:
            return rows[:MAX_EXPORT], False
    return rows[:MAX_EXPORT], True


def _export(viewer: Actor, filters: Filters, url: Any, *, shops: bool) -> Table:
    rows, cut = all_cases(viewer, filters)
    table = cases_table(rows, url, shops=shops)
    if cut:
        table.note = _(
            "Only the newest %(n)s cases are exported; narrow the filters for the rest."
        ) % {"n": MAX_EXPORT}
    return table


def platform_cases_export(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    return _export(viewer, filters, console_case_url, shops=True)


def merchant_cases_export(viewer: Actor, filters: Filters, links: Links, data: Any) -> Table:
    return _export(viewer, filters, merchant_case_url, shops=False)


def _page(
    request: HttpRequest,
    *,
    template: str,
    viewer: Actor,
    bar: Any,
    links: Links | None,
    case_url: Any,
    shops: bool,
    home: str,
    extra: dict[str, Any],
) -> HttpResponse:
    context: dict[str, Any] = {"nav": "analytics", "bar": bar, "home": home, **extra}
    if bar.filters is None:
        return render(request, template, context, status=422)
    cursor = str(request.GET.get("cursor", "")).strip() or None
    try:
        page = queries.drilldown(actor=viewer, filters=bar.filters, cursor=cursor, limit=PAGE_SIZE)
    except ValidationFailed as error:
        bar.errors = {k: str(v) for k, v in error.fields.items()}
        return render(request, template, context, status=422)
    assert links is not None
    table = cases_table(page.rows, case_url, shops=shops)
    links.exportable(table)
    context.update(
        {
            "links": links,
            "words": filter_words(bar.filters, shops=shops),
            "table": table,
            "next": links.page(links.drilldown, cursor=page.next_cursor)
            if page.next_cursor
            else "",
            "first": links.page(links.drilldown) if cursor else "",
            "back": links.page(home),
        }
    )
    return render(request, template, context)


@audience(PLATFORM_STAFF)
def platform_drilldown(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    base = reverse("console_analytics:drilldown")
    try:
        bar = read_filters(request.GET, viewer=viewer, base=base)
    except Forbidden as error:
        raise PermissionDenied from error
    return _page(
        request,
        template="web/analytics/drilldown_platform.html",
        viewer=viewer,
        bar=bar,
        links=platform.links_for(bar.filters) if bar.filters else None,
        case_url=console_case_url,
        shops=True,
        home=reverse("console_analytics:home"),
        extra={},
    )


@audience(MERCHANTS)
def merchant_drilldown(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    shop = merchant.shop_of(request)
    base = reverse("merchant_analytics:drilldown")
    bar = read_filters(request.GET, viewer=viewer, base=base, shop_id=shop.pk)
    return _page(
        request,
        template="web/analytics/drilldown_merchant.html",
        viewer=viewer,
        bar=bar,
        links=merchant.links_for(bar.filters, shop, request) if bar.filters else None,
        case_url=merchant_case_url,
        shops=False,
        home=reverse("merchant_analytics:home"),
        extra={"shop": shop},
    )
