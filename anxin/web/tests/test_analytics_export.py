"""The CSV and XLSX exports of the analytics tables, on the sales world of
``test_analytics_pages`` (3 requests on 7 delivered orders; m1: 2 on 4).

CSV must open in Excel with the right encoding (UTF-8 with a byte-order mark) and give numbers
as numbers (plain, "." decimal point, no thousands separator, a rate as a percentage number with
"%" in its header); XLSX cells holding figures are numeric.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook

from anxin.core import clock

from ..views.analytics.export import csv_value, plain
from ..views.analytics.tables import Cell, Column, Kind
from .test_analytics_pages import PERIOD, Sales, build_sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(db: Any) -> Iterator[Sales]:
    yield build_sales()
    clock.unfreeze()


def rows_of(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_a_csv_starts_with_the_bom_and_holds_plain_numbers(sales: Sales) -> None:
    # when
    response = sales.client("agent").get(
        "/console/analytics/export/", {**PERIOD, "table": "reasons", "format": "csv"}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="anxin-reasons-20261101-20261120.csv"' in response["Content-Disposition"]
    head, *rows = rows_of(response)
    assert head == ["Reason", "Cases", "Share of cases (%)", "Time to refund (median) (hours)"]
    # defect: 2 of 3 cases, no refund; changed my mind: 1 of 3, refunded after 60.0 h (histogram)
    assert [(int(r[1]), float(r[2])) for r in rows] == [(2, 66.6667), (1, 33.3333)]
    assert rows[0][3] == "" and float(rows[1][3]) == 60.0


def test_the_key_figures_export_says_each_unit(sales: Sales) -> None:
    response = sales.client("agent").get(
        "/console/analytics/export/", {**PERIOD, "table": "kpis", "format": "csv"}
    )
    head, *rows = rows_of(response)
    assert head[:3] == ["Figure", "Value", "Unit"]
    by_name = {r[0]: r for r in rows}
    assert int(by_name["Cases"][1]) == 3 and int(by_name["Delivered orders"][1]) == 7
    rate = by_name["After-sales rate"]
    assert (float(rate[1]), rate[2]) == (42.8571, "%")  # 3 / 7 as a percentage number
    median = by_name["Time to refund (median)"]
    assert (float(median[1]), median[2]) == (60.0, "hours")


def test_a_chinese_csv_is_utf8_with_its_bom(sales: Sales) -> None:
    response = sales.client("agent", "zh-hans").get(
        "/console/analytics/export/", {**PERIOD, "table": "heatmap", "format": "csv"}
    )
    _head, *rows = rows_of(response)
    names = {r[0] for r in rows}
    assert {"服饰", "数码", "图书"} <= names  # the categories' Chinese names survive the round trip
    assert all(float(v) >= 0 for r in rows for v in r[1:] if v)


def test_an_xlsx_holds_numeric_cells_and_a_percentage_format(sales: Sales) -> None:
    # when
    response = sales.client("agent").get(
        "/console/analytics/export/", {**PERIOD, "table": "trend", "format": "xlsx"}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="anxin-trend-20261101-20261120.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    head = [c.value for c in sheet[1]]
    assert head == ["Period", "From", "To", "Cases", "Delivered orders", "After-sales rate"]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 20  # one row a day, 1–20 November
    tenth = rows[9]
    # the 10th: 2 requests (c1, d1) on 3 orders signed that day
    assert (tenth[3].value, tenth[4].value) == (2, 3)
    assert tenth[3].data_type == "n" and tenth[4].data_type == "n"
    assert tenth[5].data_type == "n" and tenth[5].value == pytest.approx(2 / 3)
    assert tenth[5].number_format == "0.00%"
    assert tenth[1].is_date


def test_a_shops_export_holds_only_its_own_figures(sales: Sales) -> None:
    # when m1's staff export, naming m2 in the address
    params = {**PERIOD, "merchant": sales.m2.pk, "format": "csv"}
    kpis = sales.client("merchant").get("/shop/analytics/export/", {**params, "table": "kpis"})
    cases = sales.client("merchant").get("/shop/analytics/export/", {**params, "table": "cases"})
    # then m1's: 2 requests on 4 orders, its two cases
    by_name = {r[0]: r for r in rows_of(kpis)[1:]}
    assert int(by_name["Cases"][1]) == 2 and int(by_name["Delivered orders"][1]) == 4
    numbers = {r[0] for r in rows_of(cases)[1:]}
    assert numbers == {sales.c1.number, sales.c2.number}
    assert 'filename="m1-cases-20261101-20261120.csv"' in cases["Content-Disposition"]


def test_the_cases_export_follows_the_clicked_cell(sales: Sales) -> None:
    params = {**PERIOD, "reason": sales.c2.reason_id, "table": "cases", "format": "xlsx"}
    response = sales.client("admin").get("/console/analytics/export/", params)
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    numbers = {row[0].value for row in sheet.iter_rows(min_row=2)}
    assert numbers == {sales.c2.number, sales.d1.number}


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"table": "nope", "format": "csv"}, 400, "table"),
        ({"table": "trend", "format": "pdf"}, 400, "format"),
        ({"table": "trend", "format": "csv", "start": "1 Nov"}, 422, "start"),
        ({"table": "trend", "format": "csv", "category": "x"}, 422, "category"),
    ],
)
def test_a_refused_export_names_its_field(
    sales: Sales, params: dict[str, str], status: int, field: str
) -> None:
    response = sales.client("agent").get("/console/analytics/export/", params)
    assert response.status_code == status
    assert f'data-field="{field}"' in response.content.decode()


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (0.0423, Kind.RATE, "4.23"),
        (1 / 3, Kind.RATE, "33.3333"),
        (0.000001, Kind.RATE, "0.0001"),
        (1234567, Kind.COUNT, "1234567"),
        (31.456, Kind.HOURS, "31.46"),
        (None, Kind.HOURS, ""),
        (-0.00001, Kind.NUMBER, "0"),
    ],
)
def test_numbers_are_written_plain(value: Any, kind: Kind, expected: str) -> None:
    assert csv_value(Cell(value, "shown"), Column("x", kind)) == expected


def test_text_a_spreadsheet_would_run_is_defused() -> None:
    assert csv_value(Cell("=HYPERLINK(1)", "=HYPERLINK(1)"), Column("x")) == "'=HYPERLINK(1)"
    assert plain(12.0, 2) == "12"


def test_a_shops_refused_export_names_its_field(sales: Sales) -> None:
    response = sales.client("merchant").get(
        "/shop/analytics/export/", {"table": "league", "format": "csv"}
    )
    assert response.status_code == 400  # the league is the platform's, not a shop's table
    assert 'data-field="table"' in response.content.decode()
