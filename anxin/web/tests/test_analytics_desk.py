"""The supervisor's desk analytics at /console/analytics/desk/: platform staff only, figures
computed by hand, every chart with its table, the CSV export in UTF-8 with a byte-order mark and
numbers as numbers.

The fixture, 5 November 2026 (Asia/Shanghai, the world's frozen day): two web inquiries answered
after 15 min and 45 min (the median read from the histogram: rank 1 of 2 ends the [0, 0.5) bin,
0.5 h; one of two answered within the 30-minute target), one resolved after 5 h (rank 0.5 of the
[4, 8) bin: 6.0 h); one e-mail complaint never answered; the assistant held three conversations
and handed one to a person (containment 66.7 %).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anxin.analytics.desk_refresh import desk_refresh
from anxin.assistant.models import Conversation
from anxin.core import clock
from anxin.tickets.models import Ticket

from .world import NOW

pytestmark = pytest.mark.django_db

URL = "/console/analytics/desk/"
EXPORT = "/console/analytics/desk/export/"
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def world(shared_world: Any) -> Any:
    """This module's tests share one world, built once (see conftest.shared_world), with the
    desk's tickets and conversations of the module docstring rolled up."""
    _numbers = iter(range(1, 100))

    def ticket(channel: str, type: str, responded: float | None, resolved: float | None) -> None:
        made = Ticket.unscoped.create(
            number=f"TKW{next(_numbers):04d}",
            type=type,
            channel=channel,
            subject="Where is my parcel?",
            created_at=NOW,
        )
        Ticket.unscoped.filter(pk=made.pk).update(
            first_response_at=None if responded is None else NOW + timedelta(hours=responded),
            resolved_at=None if resolved is None else NOW + timedelta(hours=resolved),
        )

    ticket("web", "inquiry", 0.25, 5)
    ticket("web", "inquiry", 0.75, None)
    ticket("email", "complaint", None, None)
    for handed_off in (True, False, False):
        talk = Conversation.objects.create(
            user=shared_world.consumer, channel="widget", user_messages=2
        )
        Conversation.objects.filter(pk=talk.pk).update(
            created_at=NOW, handed_off_at=NOW if handed_off else None
        )
    desk_refresh(since=None, now=clock.now())
    return shared_world


def test_the_page_is_mounted_where_the_nav_expects_it() -> None:
    assert reverse("console_analytics_desk:home") == URL
    assert reverse("console_analytics_desk:export") == EXPORT


@pytest.mark.parametrize("who", ["agent", "admin"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_platform_staff_read_the_desk(world: Any, as_user: Any, who: str, language: str) -> None:
    response = as_user(getattr(world, who), language).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'lang="{language}"' in html
    assert " style=" not in html  # classes, never inline styles
    assert f'href="{URL}" aria-current="page"' in html  # its own nav item is the current one
    for chart in ("desk-trend-data", "desk-rates-data", "desk-channel-data"):
        assert f'id="{chart}"' in html  # the chart's option …
    assert html.count('class="chart-data"') >= 3  # … and the same figures as a table
    for table in ("kpis", "trend", "rates", "channel", "type", "priority", "backlog"):
        assert f'data-table="{table}"' in html, table


def test_tiles_show_the_hand_computed_figures(world: Any, as_user: Any) -> None:
    response = as_user(world.agent, "en").get(URL)
    tiles = response.context["tiles"]
    values = {tile.label: tile.value for tile in tiles}
    assert values["Tickets"] == "3"
    # 0.25 h and 0.75 h in bins [0, .5) and [.5, 1): the median's rank 1 ends the first bin
    assert values["Ticket first response (median)"] == "0.5 h"
    assert values["Ticket resolution time (median)"] == "6.0 h"  # 5 h: rank 0.5 in [4, 8)
    assert values["Solved by the assistant"] == "66.7 %"
    assert values["Reopened tickets"] == "0.0 %"
    assert values["Tickets within their service targets"] == "–"  # no SLA clock decided
    response_tile = next(t for t in tiles if t.label == "Ticket first response (median)")
    assert response_tile.target is not None
    assert "30 minutes" in response_tile.target.text
    assert "50.0 %" in response_tile.target.text  # one answer of two within 30 minutes
    assert response_tile.target.verdict == "met"


def test_filters_narrow_the_tickets(world: Any, as_user: Any) -> None:
    response = as_user(world.agent, "en").get(URL, {"channel": "email"})
    assert response.status_code == 200
    values = {tile.label: tile.value for tile in response.context["tiles"]}
    assert values["Tickets"] == "1"
    assert values["Ticket first response (median)"] == "–"


def test_bad_filters_are_refused_with_the_field_at_fault(world: Any, as_user: Any) -> None:
    response = as_user(world.agent, "en").get(URL, {"start": "2026-13-01", "channel": "fax"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="start-error"' in html
    assert 'id="channel-error"' in html
    assert "Enter a date as YYYY-MM-DD." in html


@pytest.mark.parametrize("who", ["consumer", "merchant", "merchant_admin", "other_merchant"])
def test_others_are_refused(world: Any, as_user: Any, who: str) -> None:
    client = as_user(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT, {"table": "trend"}).status_code == 403


def test_anonymous_is_sent_to_sign_in(world: Any, client: Any) -> None:
    for url in (URL, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_csv_export_has_a_bom_and_plain_numbers(world: Any, as_user: Any) -> None:
    start = (NOW - timedelta(days=1)).date().isoformat()
    end = NOW.date().isoformat()
    response = as_user(world.agent, "zh-hans").get(
        EXPORT, {"table": "trend", "format": "csv", "start": start, "end": end}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"desk-trend-{start.replace('-', '')}" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(BOM)
    lines = raw[len(BOM) :].decode("utf-8").splitlines()
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    assert len(rows) == 3  # the header and two days
    day = rows[2]
    assert day[0] == end
    assert day[3] == "3"  # tickets
    assert day[4] == "0.5"  # first response median, hours
    assert '"' not in lines[2]  # numbers are never quoted
    assert rows[1][3] == "0"
    assert rows[1][4] == ""  # no figure: an empty cell, never a dash
    rates = as_user(world.agent, "en").get(
        EXPORT, {"table": "rates", "format": "csv", "start": end, "end": end}
    )
    header, row = list(csv.reader(io.StringIO(rates.content.decode("utf-8-sig"))))
    assert header[-1] == "Solved by the assistant (%)"
    assert row[-2:] == ["3", "66.6667"]  # conversations; containment as a percentage number


def test_xlsx_export_writes_numbers_as_numbers(world: Any, as_user: Any) -> None:
    response = as_user(world.agent, "en").get(EXPORT, {"table": "channel", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Channel", "Tickets", "Share of tickets")
    assert rows[1][:3] == ("web form", 2, pytest.approx(2 / 3))


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"table": "nope"}, 400, "table"),
        ({"table": "trend", "format": "pdf"}, 400, "format"),
        ({"table": "trend", "end": "2026-02-30"}, 422, "end"),
    ],
)
def test_bad_exports_are_refused(
    world: Any, as_user: Any, params: dict[str, str], status: int, field: str
) -> None:
    response = as_user(world.agent, "en").get(EXPORT, params)
    assert response.status_code == status
    assert f'data-field="{field}"' in response.content.decode()


def test_a_quiet_period_says_so_instead_of_drawing_empty_charts(world: Any, as_user: Any) -> None:
    response = as_user(world.agent, "en").get(URL, {"start": "2026-01-01", "end": "2026-01-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No tickets in these filters." in html
    assert 'data-chart="desk-trend-data"' not in html
    assert 'data-table="trend"' in html  # the days are still listed, with zeros


def test_the_page_costs_a_fixed_number_of_queries(
    world: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    client = as_user(world.agent, "en")
    client.get(URL)  # the session and the user are read once
    with django_assert_max_num_queries(22):
        assert client.get(URL, {"start": "2025-11-06", "end": "2026-11-05"}).status_code == 200
