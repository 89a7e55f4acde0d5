"""The public transparency report (运营数据公示, /transparency/, no login): the latest month with the
archive of every month published, each month at a stable address (/transparency/2026-11/) with
its CSV (UTF-8 with BOM for Excel, numbers as numbers, hidden cells empty with a note) and its
PDF, in the reader's language. Every figure is the report's frozen one (analytics.transparency)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from anxin.analytics.models import TransparencyReport
from anxin.analytics.transparency import (
    TableRow,
    column_label,
    column_unit,
    hidden_note,
    month_parse,
    report_get_public,
    report_latest_public,
    report_list_public,
    report_rows,
    tier_rows,
)
from anxin.analytics.transparency_pdf import transparency_pdf
from anxin.core.errors import NotFound, ValidationFailed

from ..dashboard import BRAND

CHART_COLUMN = "after_sales_rate"


def _zh() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


def _report(month: str) -> TransparencyReport:
    try:
        return report_get_public(month_parse(month))
    except (NotFound, ValidationFailed) as error:
        raise Http404(_("No report has been published for this month.")) from error


def _chart(rows: list[TableRow], columns: list[str]) -> dict[str, Any] | None:
    """A bar per category of its after-sales rate (hidden ones left out), as an ECharts option."""
    if CHART_COLUMN not in columns:
        return None
    at = columns.index(CHART_COLUMN)
    shown = [(r.name, r.cells[at].number) for r in rows[1:] if r.cells[at].number is not None]
    if not shown:
        return None
    return {
        "color": [BRAND],
        "grid": {"left": 8, "right": 16, "top": 16, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "value", "name": "%"},
        "yAxis": {"type": "category", "data": [name for name, _n in shown], "inverse": True},
        "series": [
            {
                "type": "bar",
                "name": column_label(CHART_COLUMN),
                "data": [n for _x, n in shown],
                "barMaxWidth": 28,
            }
        ],
    }


def _context(report: TransparencyReport) -> dict[str, Any]:
    data = report.data
    columns = list(data.get("columns", []))
    rows = report_rows(data, zh=_zh())
    month = report.month.strftime("%Y-%m")
    return {
        "report": report,
        "month": month,
        "data": data,
        "headers": [column_label(key) for key in columns],
        "rows": rows,
        "tiers": tier_rows(data),
        "note": hidden_note(data),
        "chart": _chart(rows, columns),
        "chart_label": column_label(CHART_COLUMN),
        "nav": "transparency",
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    latest = report_latest_public()
    context = _context(latest) if latest is not None else {"nav": "transparency"}
    context["archive"] = list(report_list_public().only("month", "published_at"))
    return render(request, "web/public/transparency.html", context)


@require_safe
def month(request: HttpRequest, month: str) -> HttpResponse:
    report = _report(month)
    context = _context(report)
    context["archive"] = list(report_list_public().only("month", "published_at"))
    return render(request, "web/public/transparency_month.html", context)


@require_safe
def month_csv(request: HttpRequest, month: str) -> HttpResponse:
    report = _report(month)
    data = report.data
    columns = list(data.get("columns", []))
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark Excel needs to read UTF-8
    writer = csv.writer(out)
    headers = [_("Category code"), _("Category")]
    for key in columns:
        unit = column_unit(key)
        headers.append(f"{column_label(key)} ({unit})" if unit else column_label(key))
    headers += [_("Quality notices"), _("Note")]
    writer.writerow(headers)
    for row in report_rows(data, zh=_zh()):
        hidden = [column_label(cell.key) for cell in row.cells if cell.hidden]
        note = _("Hidden: %(columns)s") % {"columns": ", ".join(hidden)} if hidden else ""
        writer.writerow(
            [row.code, row.name]
            + ["" if cell.number is None else cell.number for cell in row.cells]
            + [row.notices or 0, note]
        )
    writer.writerow([])
    writer.writerow([_("Tier"), pgettext("transparency", "Shops")])
    for label, _text, count in tier_rows(data):
        writer.writerow([label, "" if count is None else count])
    writer.writerow([])
    writer.writerow([_("Note"), hidden_note(data)])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"anxin-transparency-{report.month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def month_pdf(request: HttpRequest, month: str) -> HttpResponse:
    report = _report(month)
    language = "zh-hans" if _zh() else "en"
    response = HttpResponse(
        transparency_pdf(report, language=language), content_type="application/pdf"
    )
    name = f"anxin-transparency-{report.month:%Y-%m}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
