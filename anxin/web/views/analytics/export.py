"""CSV and XLSX exports of every analytics table (``?table=…&format=csv|xlsx`` plus the page's
filters), for the platform's dashboard and a shop's own.

CSV: UTF-8 with a byte-order mark (Excel then reads Chinese correctly), comma-separated, numbers
as plain numbers ("." decimal point, no thousands separator; a rate as a percentage number, its
header saying "%"), the header row in the reader's language, text that a spreadsheet would run as
a formula defused (``merchant.export.safe_cell``). XLSX (openpyxl): numbers are numeric cells, a
rate is the share itself formatted as a percentage, dates are dates.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from anxin.analytics.queries import Filters
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import Forbidden

from ..common import MERCHANTS, PLATFORM_STAFF, actor, audience
from ..merchant.export import BOM, safe_cell
from . import drilldown, merchant, platform
from .filters import filter_words, read_filters
from .tables import Cell, Column, Kind, Links, Table

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_FORMATS: dict[Kind, str] = {
    Kind.COUNT: "0",
    Kind.RATE: "0.00%",
    Kind.HOURS: "0.0",
    Kind.NUMBER: "0.####",
    Kind.MONEY: "0.00",
    Kind.DATE: "yyyy-mm-dd",
}
PLACES: dict[Kind, int] = {Kind.RATE: 4, Kind.HOURS: 2, Kind.NUMBER: 4}
SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def plain(value: float, places: int) -> str:
    """A number as a spreadsheet reads it anywhere: 4.23, 12, -0.5 (never 1e-05 or 1,234)."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _kind(cell: Cell, column: Column) -> Kind:
    return cell.kind or column.kind


def csv_value(cell: Cell, column: Column) -> str:
    kind, value = _kind(cell, column), cell.value
    if kind is Kind.TEXT:
        return safe_cell(cell.text)
    if value is None or value == "":
        return ""
    if kind is Kind.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind is Kind.COUNT:
        return str(int(value))
    if kind is Kind.MONEY:
        return f"{Decimal(value):.2f}"
    if kind is Kind.RATE:
        return plain(float(value) * 100, PLACES[kind])
    return plain(float(value), PLACES.get(kind, 4))


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c.export_label) for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [csv_value(cell, col) for cell, col in zip(row, table.columns, strict=True)]
        )
    return out.getvalue().encode("utf-8")


def xlsx_value(cell: Cell, column: Column) -> tuple[Any, str | None]:
    """(value, number format) of a spreadsheet cell."""
    kind, value = _kind(cell, column), cell.value
    if kind is Kind.TEXT:
        return safe_cell(cell.text) or None, None
    if value is None or value == "":
        return None, None
    if kind is Kind.COUNT:
        return int(value), XLSX_FORMATS[kind]
    if kind is Kind.MONEY:
        return Decimal(value), XLSX_FORMATS[kind]
    if kind is Kind.DATE:
        return value, XLSX_FORMATS[kind]
    return float(value), XLSX_FORMATS[kind]


def sheet_title(text: str) -> str:
    return SHEET_UNSAFE.sub(" ", text)[:31] or "Sheet"


def table_xlsx(table: Table, about: list[tuple[str, str]]) -> bytes:
    """The table on the first sheet (headers in row 1), what it covers on the second."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(table.title)
    bold = Font(bold=True)
    for j, column in enumerate(table.columns, start=1):
        head = sheet.cell(row=1, column=j, value=safe_cell(column.label))
        head.font = bold
        sheet.column_dimensions[head.column_letter].width = max(10, min(40, len(column.label) + 4))
    for i, row in enumerate(table.rows, start=2):
        for j, (item, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            value, number_format = xlsx_value(item, column)
            target = sheet.cell(row=i, column=j, value=value)
            if number_format:
                target.number_format = number_format
    sheet.freeze_panes = "A2"
    info = book.create_sheet(sheet_title(_("About this export")))
    for i, (what, which) in enumerate(about, start=1):
        info.cell(row=i, column=1, value=safe_cell(what)).font = bold
        info.cell(row=i, column=2, value=safe_cell(which))
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def about(table: Table, filters: Filters, *, shops: bool) -> list[tuple[str, str]]:
    made = timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")
    rows = [(_("Table"), table.title), *filter_words(filters, shops=shops)]
    rows.append((_("Exported at"), made))
    if table.note:
        rows.append((_("Note"), table.note))
    return rows


def filename(table: Table, filters: Filters, fmt: str, *, prefix: str = "anxin") -> str:
    period = f"{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    return f"{prefix}-{table.key}-{period}.{fmt}"


def export_response(
    table: Table, filters: Filters, fmt: str, *, shops: bool, prefix: str = "anxin"
) -> HttpResponse:
    if fmt == "xlsx":
        body = table_xlsx(table, about(table, filters, shops=shops))
        response = HttpResponse(body, content_type=XLSX_TYPE)
    else:
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    name = filename(table, filters, fmt, prefix=prefix)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the views -------------------------------------------------------------------------------------

Builder = Callable[[Actor, Filters, Links, Any], Table]


def _refused(
    request: HttpRequest, audience_name: str, errors: Mapping[str, str], status: int
) -> HttpResponse:
    """The export refused, with the fields at fault (400: ?table=/?format=, 422: a filter)."""
    layout, home = {
        "console": ("web/console/layout.html", "console_analytics:home"),
        "merchant": ("web/merchant/layout.html", "merchant_analytics:home"),
    }[audience_name]
    context = {"layout": layout, "errors": dict(errors), "back": reverse(home), "nav": "analytics"}
    return render(request, "web/analytics/refused.html", context, status=status)


def _choice(request: HttpRequest, tables: Mapping[str, Any]) -> dict[str, str]:
    """The fields at fault among ?table= and ?format=."""
    errors = {}
    if request.GET.get("table", "") not in tables:
        errors["table"] = _("Choose one of the tables of the page.")
    if request.GET.get("format", "csv") not in FORMATS:
        errors["format"] = _("Choose CSV or XLSX.")
    return errors


@audience(PLATFORM_STAFF)
def platform_export(request: HttpRequest) -> HttpResponse:
    tables: dict[str, Builder] = {**platform.TABLES, "cases": drilldown.platform_cases_export}
    errors = _choice(request, tables)
    if errors:
        return _refused(request, "console", errors, 400)
    viewer = actor(request)
    try:
        bar = read_filters(request.GET, viewer=viewer, base="")
    except Forbidden as error:
        raise PermissionDenied from error
    if bar.filters is None:
        return _refused(request, "console", bar.errors, 422)
    links = platform.links_for(bar.filters)
    table = tables[request.GET["table"]](viewer, bar.filters, links, request.GET)
    return export_response(table, bar.filters, request.GET.get("format", "csv"), shops=True)


@audience(MERCHANTS)
def merchant_export(request: HttpRequest) -> HttpResponse:
    tables: dict[str, Builder] = {**merchant.TABLES, "cases": drilldown.merchant_cases_export}
    errors = _choice(request, tables)
    if errors:
        return _refused(request, "merchant", errors, 400)
    viewer = actor(request)
    shop = merchant.shop_of(request)
    bar = read_filters(request.GET, viewer=viewer, base="", shop_id=shop.pk)
    if bar.filters is None:
        return _refused(request, "merchant", bar.errors, 422)
    links = merchant.links_for(bar.filters, shop, request)
    table = tables[request.GET["table"]](viewer, bar.filters, links, request.GET)
    return export_response(
        table, bar.filters, request.GET.get("format", "csv"), shops=False, prefix=shop.code
    )
