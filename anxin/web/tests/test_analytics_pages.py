"""The analytics pages: the platform's dashboard and drill-down (platform staff only), a shop's
own dashboard and drill-down (its staff, its own figures only), with figures computed by hand.

The sales world (``sales``), November 2026, Asia/Shanghai:
- shop m1 delivers 4 orders (TS ×2 on the 9th, PH on the 9th and the 10th); two requests:
  c1 on a TS, "changed my mind", opened the 10th 10:00, refunded the 12th 10:00 (48 h);
  c2 on a PH, "defect", opened the 11th 09:00;
- shop m2 delivers 3 books (the 9th, the 10th ×2); one request d1, "defect", opened the 10th.
Platform: 3 requests on 7 orders (after-sales rate 42.9 %); m1 2 on 4 (50.0 %); m2 1 on 3.
The median time to refund is read from the histogram: one refund in the 48–72 h bin → 60.0 h.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from anxin.analytics.models import Target
from anxin.analytics.refresh import analytics_rebuild
from anxin.analytics.tests import factories as af
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role

from .conftest import signed_in

pytestmark = pytest.mark.django_db

NOW = af.local("2026-11-20", 10)
PERIOD = {"start": "2026-11-01", "end": "2026-11-20"}


@dataclass
class Sales:
    world: Any
    m1: Any
    m2: Any
    c1: Any
    c2: Any
    d1: Any
    users: dict[str, Any]

    def client(self, who: str, language: str = "en") -> Client:
        if who == "anonymous":
            return Client()
        return signed_in(self.users[who], language)


def build_sales() -> Sales:
    """The sales world of the module docstring, rolled up."""
    clock.freeze(NOW)
    w = af.world()
    m1, m2 = w.shops["m1"], w.shops["m2"]
    ts1 = af.delivered(w, "m1", [("TS", 1)], signed_at=af.local("2026-11-09", 15))
    af.delivered(w, "m1", [("TS", 1)], signed_at=af.local("2026-11-09", 16))
    ph1 = af.delivered(w, "m1", [("PH", 1)], signed_at=af.local("2026-11-09", 17))
    af.delivered(w, "m1", [("PH", 1)], signed_at=af.local("2026-11-10", 9))
    bk1 = af.delivered(w, "m2", [("BK", 1)], signed_at=af.local("2026-11-09", 15))
    af.delivered(w, "m2", [("BK", 1)], signed_at=af.local("2026-11-10", 15))
    af.delivered(w, "m2", [("BK", 1)], signed_at=af.local("2026-11-10", 16))
    c1 = af.opened(ts1, at=af.local("2026-11-10", 10), reason=af.NO_REASON)
    af.approve(c1, at=af.local("2026-11-10", 12))
    af.refund(c1, at=af.local("2026-11-12", 10), amount="100.00")
    c2 = af.opened(ph1, at=af.local("2026-11-11", 9), reason=af.DEFECT, type="refund_only")
    d1 = af.opened(bk1, at=af.local("2026-11-10", 11), reason=af.DEFECT)
    analytics_rebuild(now=NOW)
    users = {
        "consumer": f.user("consumer", Role.CONSUMER),
        "merchant": f.user("merchant", Role.MERCHANT_STAFF, [m1]),
        "merchant_admin": f.user("merchant_admin", Role.MERCHANT_ADMIN, [m1]),
        "other_merchant": f.user("other_merchant", Role.MERCHANT_ADMIN, [m2]),
        "agent": f.user("agent", Role.AGENT),
        "admin": f.user("admin", Role.ADMIN),
    }
    return Sales(w, m1, m2, c1, c2, d1, users)


@pytest.fixture
def sales(db: Any) -> Iterator[Sales]:
    built = build_sales()
    yield built
    clock.unfreeze()


def body(response: Any) -> str:
    return response.content.decode()


# --- who may open which page ----------------------------------------------------------------------

PLATFORM_PAGES = ("/console/analytics/", "/console/analytics/cases/")
MERCHANT_PAGES = ("/shop/analytics/", "/shop/analytics/cases/")


@pytest.mark.parametrize("who", ["agent", "admin"])
def test_platform_staff_open_the_platform_pages(sales: Sales, who: str) -> None:
    for url in PLATFORM_PAGES:
        response = sales.client(who).get(url, PERIOD)
        assert response.status_code == 200, url
        assert " style=" not in body(response)  # classes, never inline styles


@pytest.mark.parametrize("who", ["consumer", "merchant", "other_merchant"])
def test_others_are_refused_the_platform_pages(sales: Sales, who: str) -> None:
    for url in (*PLATFORM_PAGES, "/console/analytics/export/"):
        assert sales.client(who).get(url, PERIOD).status_code == 403, url


@pytest.mark.parametrize("who", ["consumer", "agent", "admin"])
def test_only_a_shop_opens_the_shop_pages(sales: Sales, who: str) -> None:
    for url in (*MERCHANT_PAGES, "/shop/analytics/export/"):
        assert sales.client(who).get(url, PERIOD).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(sales: Sales) -> None:
    for url in (*PLATFORM_PAGES, *MERCHANT_PAGES):
        response = sales.client("anonymous").get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


# --- the platform's dashboard ---------------------------------------------------------------------


def test_the_platform_dashboard_shows_the_hand_computed_figures(sales: Sales) -> None:
    # when
    response = sales.client("agent").get("/console/analytics/", PERIOD)
    # then: 3 requests, 7 orders, 3 / 7 = 42.9 %, one refund after 48 h → 60.0 h
    tiles = [(t.label, t.value) for t in response.context["tiles"]]
    assert ("Cases", "3") in tiles
    assert ("Delivered orders", "7") in tiles
    values = dict(tiles)
    assert values["After-sales rate"] == "42.9 %"
    assert values["Time to refund (median)"] == "60.0 h"
    # the reason mix: defect 2 (66.7 %), changed my mind 1 (33.3 %)
    reasons = response.context["reasons"]
    assert [(r[1].value, r[2].text) for r in reasons.rows] == [(2, "66.7 %"), (1, "33.3 %")]
    # every chart is drawn from a JSON block and has its table
    html = body(response)
    for chart in ("an-trend", "an-reasons", "an-heatmap"):
        assert f'data-chart="{chart}-data"' in html and f'id="{chart}-data"' in html
    assert html.count('<details class="chart-data">') >= 3
    assert "vendor/echarts.min.js" in html


def test_the_heat_map_counts_categories_by_reason_and_links_each_cell(sales: Sales) -> None:
    # when
    response = sales.client("agent").get("/console/analytics/", PERIOD)
    # then: apparel has one "changed my mind", electronics and books one "defect" each
    heat = response.context["heatmap"]
    reasons = [c.label for c in heat.columns[1:-1]]
    defect = 1 + reasons.index(sales.c2.reason.name_en)
    mind = 1 + reasons.index(sales.c1.reason.name_en)
    rows = {row[0].text: row for row in heat.rows}
    apparel, digital = rows["Apparel"], rows["Electronics"]
    assert (apparel[mind].value, apparel[defect].value, apparel[-1].value) == (1, 0, 1)
    assert (digital[mind].value, digital[defect].value, digital[-1].value) == (0, 1, 1)
    # a cell links to the cases of its category and reason; an empty one links nowhere
    top = sales.world.top("m1:PH")
    assert f"category={top}" in digital[defect].href
    assert f"reason={sales.c2.reason_id}" in digital[defect].href
    assert apparel[defect].href == ""


def test_hotspots_say_their_significance_in_words(sales: Sales) -> None:
    response = sales.client("agent").get("/console/analytics/", {**PERIOD, "by": "merchant"})
    table = response.context["hotspots"]
    words = {row[0].text: row[6].text for row in table.rows}
    assert set(words) == {"Shop m1", "Shop m2"}
    # 7 orders are far too few for a test: said so, not a bare p-value
    assert set(words.values()) == {"too few orders to test"}
    assert response.context["hotspot_by"] == "merchant"


def test_a_refused_filter_is_shown_with_its_field_and_no_figures(sales: Sales) -> None:
    response = sales.client("agent").get(
        "/console/analytics/", {"start": "2026-11-20", "end": "2026-11-01"}
    )
    assert response.status_code == 422
    assert "end" in response.context["bar"].errors
    assert 'aria-invalid="true"' in body(response)
    assert "tiles" not in response.context


def test_the_platform_filters_narrow_every_figure(sales: Sales) -> None:
    response = sales.client("admin").get("/console/analytics/", {**PERIOD, "merchant": sales.m2.pk})
    values = {t.label: t.value for t in response.context["tiles"]}
    assert values["Cases"] == "1" and values["Delivered orders"] == "3"
    assert values["After-sales rate"] == "33.3 %"


def test_the_case_count_links_to_its_cases(sales: Sales) -> None:
    # given the dashboard's link behind the count of cases of the 10th
    response = sales.client("agent").get("/console/analytics/", PERIOD)
    tenth = next(r for r in response.context["trend"].rows if r[1].value.day == 10)
    assert tenth[3].value == 2
    # when following it
    listing = sales.client("agent").get(tenth[3].href)
    # then the two cases of that day, each linking to its console page
    html = body(listing)
    assert listing.status_code == 200
    numbers = [row[0].text for row in listing.context["table"].rows]
    assert sorted(numbers) == sorted([sales.c1.number, sales.d1.number])
    assert f'href="/console/cases/{sales.c1.number}/"' in html


def test_the_drilldown_narrows_to_a_clicked_reason(sales: Sales) -> None:
    reason = sales.c2.reason_id
    response = sales.client("agent").get("/console/analytics/cases/", {**PERIOD, "reason": reason})
    numbers = {row[0].text for row in response.context["table"].rows}
    assert numbers == {sales.c2.number, sales.d1.number}
    assert ("Reason", sales.c2.reason.name_en) in response.context["words"]


# --- a shop's own dashboard -----------------------------------------------------------------------


def test_a_shop_sees_its_own_figures_and_its_category(sales: Sales) -> None:
    response = sales.client("merchant").get("/shop/analytics/", PERIOD)
    assert response.status_code == 200
    values = {t.label: t.value for t in response.context["tiles"]}
    assert values["Cases"] == "2" and values["Delivered orders"] == "4"
    assert values["After-sales rate"] == "50.0 %"
    html = body(response)
    assert "Shop m2" not in html and sales.d1.number not in html
    assert " style=" not in html
    compare = response.context["compare"]
    assert compare.rows and compare.columns[1].label == "Your shop"


def test_a_shop_cannot_read_another_shop_by_naming_it(sales: Sales) -> None:
    # when m1's staff ask for m2's figures in the address
    response = sales.client("merchant").get("/shop/analytics/", {**PERIOD, "merchant": sales.m2.pk})
    # then the page still shows m1's own: 2 cases on 4 orders
    assert response.status_code == 200
    values = {t.label: t.value for t in response.context["tiles"]}
    assert values["Cases"] == "2" and values["Delivered orders"] == "4"
    assert response.context["bar"].filters.merchant_id == sales.m1.pk
    # and asking for another shop by its code is not found
    assert sales.client("merchant").get("/shop/analytics/", {"shop": "m2"}).status_code == 404


def test_a_shops_drilldown_lists_only_its_own_cases(sales: Sales) -> None:
    for params in (PERIOD, {**PERIOD, "merchant": sales.m2.pk}):
        response = sales.client("merchant").get("/shop/analytics/cases/", params)
        numbers = {row[0].text for row in response.context["table"].rows}
        assert numbers == {sales.c1.number, sales.c2.number}
        assert f'href="/shop/cases/{sales.c1.number}/"' in body(response)
    other = sales.client("other_merchant").get("/shop/analytics/cases/", PERIOD)
    assert {row[0].text for row in other.context["table"].rows} == {sales.d1.number}


def test_the_shop_page_reads_in_chinese(sales: Sales) -> None:
    response = sales.client("merchant", "zh-hans").get("/shop/analytics/", PERIOD)
    assert response.status_code == 200
    html = body(response)
    assert 'lang="zh-hans"' in html
    values = {t.label: t.value for t in response.context["tiles"]}
    assert "50.0%" in values.values()  # Chinese sets the per cent sign without a space


# --- service targets on the tiles -----------------------------------------------------------------


def test_the_tiles_say_whether_each_target_was_met(sales: Sales) -> None:
    # given a platform target of at most 30 % after-sales requests, and one of m2's own
    Target.objects.create(
        metric="after_sales_rate", scope="platform", value=Decimal("0.30"), window_days=30
    )
    Target.objects.create(
        metric="after_sales_rate",
        scope="merchant",
        merchant=sales.m2,
        value=Decimal("0.40"),
        window_days=30,
    )
    # when
    platform = sales.client("agent").get("/console/analytics/", PERIOD)
    shop = sales.client("other_merchant").get("/shop/analytics/", PERIOD)
    mine = sales.client("merchant").get("/shop/analytics/", PERIOD)
    # then: the platform's 30 days up to the 20th hold 3 requests on 7 orders: 42.9 % > 30 %
    note = next(t for t in platform.context["tiles"] if t.label == "After-sales rate").target
    assert note is not None and note.verdict == "missed" and note.tone == "bad"
    assert "42.9 %" in note.text and "30.0 %" in note.text
    # m2: 1 on 3, 33.3 % ≤ 40 %: met; m1 has no target, and never sees m2's
    shop_note = next(t for t in shop.context["tiles"] if t.label == "After-sales rate").target
    assert shop_note is not None and shop_note.verdict == "met"
    assert all(t.target is None for t in mine.context["tiles"])
    assert mine.context["targets"] == []


def test_a_member_of_two_shops_picks_one_and_its_links_keep_it(sales: Sales) -> None:
    both = f.user("both", Role.MERCHANT_ADMIN, [sales.m1, sales.m2])
    client = signed_in(both)
    # by default the first shop (by code), then the one picked
    first = client.get("/shop/analytics/", PERIOD)
    picked = client.get("/shop/analytics/", {**PERIOD, "shop": "m2"})
    assert first.context["shop"] == sales.m1 and picked.context["shop"] == sales.m2
    values = {t.label: t.value for t in picked.context["tiles"]}
    assert values["Cases"] == "1" and values["Delivered orders"] == "3"
    # the drill-down and export links say which shop
    cases_link = next(t.href for t in picked.context["tiles"] if t.label == "Cases")
    assert "shop=m2" in cases_link and "shop=m2" in picked.context["reasons"].csv_url
    listing = client.get(cases_link)
    assert {row[0].text for row in listing.context["table"].rows} == {sales.d1.number}


def test_an_empty_period_and_a_long_one_still_render(sales: Sales) -> None:
    # a month without requests: no chart is drawn from nothing, the tables say so
    empty = sales.client("agent").get(
        "/console/analytics/", {"start": "2026-09-01", "end": "2026-09-30"}
    )
    assert empty.status_code == 200
    assert 'data-chart="an-heatmap-data"' not in body(empty)
    assert "No cases in these filters." in body(empty)
    # a year: the trend goes by week, each week's count linking to its week
    year = sales.client("agent").get(
        "/console/analytics/", {"start": "2025-11-21", "end": "2026-11-20"}
    )
    rows = year.context["trend"].rows
    assert 52 <= len(rows) <= 54
    week = next(r for r in rows if r[3].value)
    assert week[3].value == 3 and (week[2].value - week[1].value).days <= 6
    assert f"start={week[1].value.isoformat()}" in week[3].href
