"""CSV export of the filtered queue, streamed row by row.

UTF-8 with a byte-order mark so Excel opens Chinese text correctly; money as plain decimals;
times as ISO 8601 in Asia/Shanghai. Cells a spreadsheet would run as a formula (starting with
= + - @, or a tab/carriage return) get a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.queues import case_queue_for
from anxin.core import clock

from ..common import MERCHANTS, actor, audience
from .queue import queue_filters, queue_row

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns the line (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: Any) -> str:
    """Text for a CSV cell that no spreadsheet will evaluate as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def local_iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat() if moment else ""


def header() -> list[str]:
    return [
        _("Case"),
        _("Status"),
        _("Type"),
        _("Reason"),
        _("Product"),
        _("SKU"),
        _("Quantity"),
        _("Refund amount"),
        _("Currency"),
        _("Order"),
        _("Shop order id"),
        _("Opened at"),
        _("Next deadline"),
        _("Overdue"),
    ]


def _rows(cases: Any, language: str) -> Iterator[list[str]]:
    with translation.override(language):
        statuses = dict(CaseStatus.choices)
        types = dict(CaseType.choices)
        now = clock.now()
        yes, no = _("yes"), _("no")
        for case in cases.iterator(chunk_size=500):
            row = queue_row(case, now)  # the page's reading of the row (reason, overdue)
            yield [
                safe_cell(case.number),
                safe_cell(statuses.get(case.status, case.status)),
                safe_cell(types.get(case.type, case.type)),
                safe_cell(row.reason),
                safe_cell(case.line.product_name),
                safe_cell(case.line.sku.code),
                str(case.quantity),
                f"{case.refund_amount:.2f}",  # a number: never quoted, even if negative
                safe_cell(case.currency),
                safe_cell(case.order.number),
                safe_cell(case.order.external_id),
                local_iso(case.created_at),
                local_iso(row.due_at),
                (yes if row.overdue else no),
            ]


@audience(MERCHANTS)  # type: ignore[type-var]  # a streamed response, not an HttpResponse
def queue_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, filters = queue_filters(request.GET)
    cases = case_queue_for(actor=actor(request), filters=filters)
    language = translation.get_language() or "zh-hans"
    writer = csv.writer(_Echo())
    head = [safe_cell(h) for h in header()]  # now, while the request's language is active

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow(head)
        for row in _rows(cases, language):
            yield writer.writerow(row)

    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="anxin-queue-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
