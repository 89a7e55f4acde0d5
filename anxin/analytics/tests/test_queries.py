"""The dashboards' queries over rollup rows written by hand (so they do not depend on how the
rollups are built): totals, trends per day and per ISO week, breakdowns and the reason mix, the
heat map, the league table, a shop beside its category, the filters and the actor's scope; and
one end-to-end pass from raw cases through ``analytics_rebuild``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anxin.analytics import queries
from anxin.analytics.bins import bin_fields
from anxin.analytics.models import (
    CaseDay,
    CaseFact,
    DeliveredDay,
    DeliveredSkuDay,
    MerchantDay,
    PlatformDay,
)
from anxin.analytics.queries import Filters, filters_from
from anxin.catalog.models import Category
from anxin.core.actors import Actor, Role
from anxin.core.errors import Forbidden, ValidationFailed
from anxin.policies.models import Reason

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # aggregate SQL: runs on PostgreSQL too

D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)  # a Sunday, Monday, Tuesday
M1, M2 = 11, 12
S1, S2, S3 = 1001, 2001, 2002
AGENT = Actor(role=Role.AGENT, user_id=1, platform=True)
SHOP1 = Actor(role=Role.MERCHANT_ADMIN, user_id=2, merchant_ids=frozenset({M1}))
MEASURES = {
    "cases", "refunded", "refund_amount", "responded", "response_hours", "approved",
    "approve_hours", "refund_hours", "closed", "close_hours", "answered", "answered_in_time",
    "auto_acted", "disputed", "intervened", "csat_n", "csat_sum", "csat_low", "csat_high",
}  # fmt: skip


def cell(
    day: date,
    merchant: int,
    category: int,
    sku: int,
    type: str,
    reason: int,
    channel: str,
    *,
    bins: dict[str, dict[int, int]] | None = None,
    **measures: Any,
) -> None:
    """One group of requests, written at all three grains so they stay consistent."""
    assert set(measures) <= MEASURES
    values = dict(measures)
    for measure, counts in (bins or {}).items():
        names = bin_fields(measure)
        for i, n in counts.items():
            values[names[i]] = n
    dims = {"day": day, "category_id": category, "type": type, "reason_id": reason,
            "channel": channel}  # fmt: skip
    PlatformDay.objects.create(**dims, **values)
    MerchantDay.objects.create(**dims, merchant_id=merchant, **values)
    CaseDay.objects.create(**dims, merchant_id=merchant, sku_id=sku, **values)


def deliver(day: date, merchant: int, category: int, sku: int, orders: int) -> None:
    """Orders signed for on ``day`` (one unit each), at both grains."""
    dims = {"day": day, "merchant_id": merchant, "category_id": category}
    DeliveredDay.objects.create(**dims, orders=orders, lines=orders, units=orders)
    DeliveredSkuDay.objects.create(**dims, sku_id=sku, orders=orders, lines=orders, units=orders)


@pytest.fixture
def ids() -> dict[str, int]:
    return {
        "C1": Category.objects.get(code="apparel").pk,
        "C2": Category.objects.get(code="books").pk,
        "R1": Reason.objects.get(code="no_reason/changed_mind").pk,
        "R2": Reason.objects.get(code="quality/defect").pk,
    }


@pytest.fixture
def tiny(ids: dict[str, int]) -> dict[str, int]:
    """Shop 11 sells apparel (SKU 1001), shop 12 books (2001) and apparel (2002).

    deliveries: D1 11/apparel 100, D2 11/apparel 100, D1 12/books 300, D1 12/apparel 100 = 600
    requests:   D1 11/apparel return, no reason, web: 10 (6 refunded within 24–36 h, 2 disputed,
                   1 intervention, 4 surveys 18 stars, 3 of them 4–5 stars)
                D2 11/apparel exchange, defect, app: 5 (5 answered, 4 in time)
                D1 12/books return, no reason, web: 3 (3 refunded within 4–8 h)
    """
    c1, c2, r1, r2 = ids["C1"], ids["C2"], ids["R1"], ids["R2"]
    deliver(D1, M1, c1, S1, 100)
    deliver(D2, M1, c1, S1, 100)
    deliver(D1, M2, c2, S2, 300)
    deliver(D1, M2, c1, S3, 100)
    cell(D1, M1, c1, S1, "return_refund", r1, "web", cases=10, refunded=6, disputed=2,
         intervened=1, csat_n=4, csat_sum=18, csat_high=3, refund_amount=Decimal("600.00"),
         bins={"refund": {7: 6}})  # fmt: skip
    cell(D2, M1, c1, S1, "exchange", r2, "app", cases=5, answered=5, answered_in_time=4)
    cell(D1, M2, c2, S2, "return_refund", r1, "web", cases=3, refunded=3, bins={"refund": {4: 3}})
    return ids


def period(start: date = D1, end: date = D3, **kw: Any) -> Filters:
    return Filters(start=start, end=end, **kw)


def test_platform_totals_by_hand(tiny) -> None:
    t = queries.totals(actor=AGENT, filters=period())
    assert (t.cases, t.orders, t.refunded, t.exchanges) == (18, 600, 9, 5)
    assert t.metric("after_sales_rate") == pytest.approx(18 / 600)  # 3 %
    assert t.metric("refund_rate") == pytest.approx(9 / 600)
    assert t.metric("exchange_rate") == pytest.approx(5 / 600)
    assert t.metric("dispute_rate") == pytest.approx(2 / 18)
    assert t.metric("deadline_attainment") == pytest.approx(0.8)
    assert t.metric("csat") == pytest.approx(4.5)
    # refunds: 3 in [4, 8) h and 6 in [24, 36) h; median rank 4.5 → 24 + 12 × 1.5/6 = 27 h,
    # p90 rank 8.1 → 24 + 12 × 5.1/6 = 34.2 h
    assert t.metric("refund_median") == pytest.approx(27.0)
    assert t.metric("refund_p90") == pytest.approx(34.2)
    assert t.refund_amount == Decimal("600.00")


def test_filters_pick_the_rollup_and_keep_type_reason_channel_off_the_denominator(tiny) -> None:
    c1 = tiny["C1"]
    shop = queries.totals(actor=AGENT, filters=period(merchant_id=M1))
    assert (shop.cases, shop.orders) == (15, 200)
    apparel = queries.totals(actor=AGENT, filters=period(category_id=c1))
    assert (apparel.cases, apparel.orders) == (15, 300)  # both shops' apparel deliveries
    exchanges = queries.totals(actor=AGENT, filters=period(type="exchange"))
    assert (exchanges.cases, exchanges.orders) == (5, 600)  # all orders delivered
    web = queries.totals(actor=AGENT, filters=period(channel="web", reason_id=tiny["R1"]))
    assert (web.cases, web.orders) == (13, 600)
    sku = queries.totals(actor=AGENT, filters=period(sku_id=S1))
    assert (sku.cases, sku.orders) == (15, 200)
    assert queries.totals(actor=AGENT, filters=period(sku_id=S3)).metric(
        "after_sales_rate"
    ) == pytest.approx(0.0)


def test_an_empty_period_has_no_rates(tiny) -> None:
    t = queries.totals(actor=AGENT, filters=period(date(2025, 1, 1), date(2025, 1, 31)))
    assert (t.cases, t.orders) == (0, 0)
    assert t.metric("after_sales_rate") is None and t.metric("refund_median") is None
    assert queries.breakdown(actor=AGENT, filters=period(date(2025, 1, 1), date(2025, 1, 3)),
                             by="reason") == []  # fmt: skip


def test_trend_per_day_fills_days_without_data(tiny) -> None:
    points = queries.trend(actor=AGENT, filters=period(), keys=["after_sales_rate", "refund_rate"])
    assert [(p.start, p.totals.cases, p.totals.orders) for p in points] == [
        (D1, 13, 500),
        (D2, 5, 100),
        (D3, 0, 0),
    ]
    assert points[0].values["after_sales_rate"] == pytest.approx(13 / 500)
    assert points[1].values["refund_rate"] == pytest.approx(0.0)
    assert points[2].values == {"after_sales_rate": None, "refund_rate": None}  # no orders


def test_trend_over_more_than_92_days_is_per_iso_week(tiny) -> None:
    f = period(date(2026, 2, 4), date(2026, 5, 20))  # a Wednesday … a Wednesday: 106 days
    assert f.weekly
    points = queries.trend(actor=AGENT, filters=f, keys=["after_sales_rate"])
    assert points[0].start == date(2026, 2, 4) and points[0].end == date(2026, 2, 8)  # clipped
    assert points[-1].start == date(2026, 5, 18) and points[-1].end == date(2026, 5, 20)
    assert all(p.start.weekday() == 0 for p in points[1:])
    assert sum((p.end - p.start).days + 1 for p in points) == 106
    # 1 March is a Sunday: the week of 23 Feb; 2 March opens the next week
    by_start = {p.start: p for p in points}
    assert by_start[date(2026, 2, 23)].totals.cases == 13
    assert by_start[date(2026, 2, 23)].values["after_sales_rate"] == pytest.approx(13 / 500)
    assert by_start[date(2026, 3, 2)].totals.cases == 5
    assert "9" in by_start[date(2026, 2, 23)].label  # ISO week 9 of 2026


def test_breakdown_by_reason_is_the_reason_mix(tiny) -> None:
    rows = queries.breakdown(actor=AGENT, filters=period(), by="reason")
    assert [(r.key, r.cases) for r in rows] == [(tiny["R1"], 13), (tiny["R2"], 5)]
    assert rows[0].share == pytest.approx(13 / 18) and rows[1].share == pytest.approx(5 / 18)
    assert rows[0].orders == 600  # a reason's rate is over all deliveries
    assert sum(r.rate or 0 for r in rows) == pytest.approx(18 / 600)
    assert rows[0].label and rows[0].label != str(tiny["R1"])


def test_breakdown_by_category_includes_categories_without_requests(tiny, ids) -> None:
    other = Category.objects.get(code="digital").pk
    deliver(D2, M2, other, 3001, 50)
    rows = queries.breakdown(actor=AGENT, filters=period(), by="category")
    got = {r.key: (r.cases, r.orders, r.rate) for r in rows}
    assert got[ids["C1"]] == (15, 300, pytest.approx(0.05))
    assert got[ids["C2"]] == (3, 300, pytest.approx(0.01))
    assert got[other] == (0, 50, 0.0)
    assert rows[0].key == ids["C1"]  # most requests first


def test_breakdown_by_sku_and_merchant_have_their_own_denominators(tiny) -> None:
    skus = queries.breakdown(actor=AGENT, filters=period(), by="sku", limit=10)
    assert [(r.key, r.cases, r.orders, r.merchant_id) for r in skus] == [
        (S1, 15, 200, M1),
        (S2, 3, 300, M2),
    ]
    assert skus[0].category_id == tiny["C1"]
    assert skus[0].share == pytest.approx(15 / 18)
    shops = queries.breakdown(actor=AGENT, filters=period(), by="merchant")
    assert [(r.key, r.cases, r.orders) for r in shops] == [(M1, 15, 200), (M2, 3, 400)]
    assert shops[0].values["refund_median"] == pytest.approx(30.0)  # 24 + 12 × 3/6
    with pytest.raises(ValidationFailed) as err:
        queries.breakdown(actor=AGENT, filters=period(), by="colour")
    assert "by" in err.value.fields


def test_heatmap_counts_rates_and_shares(tiny) -> None:
    hm = queries.heatmap(actor=AGENT, filters=period())
    assert [c for c, _label in hm.categories] == [tiny["C1"], tiny["C2"]]
    assert [r for r, _label in hm.reasons] == [tiny["R1"], tiny["R2"]]
    assert hm.counts == [[10, 5], [3, 0]]
    assert hm.rates[0] == [pytest.approx(10 / 300), pytest.approx(5 / 300)]
    assert hm.shares[1] == [1.0, 0.0]
    assert hm.category_orders == [300, 300] and hm.max_count == 10
    small = queries.heatmap(actor=AGENT, filters=period(), max_reasons=1)
    assert small.reasons[-1][0] == 0 and small.counts == [[10, 5], [3, 0]]  # "other reasons"


def test_league_ranks_shops_with_enough_orders_by_after_sales_rate(tiny) -> None:
    rows = queries.league(actor=AGENT, filters=period())
    assert [(r.key, r.cases, r.orders) for r in rows] == [(M1, 15, 200), (M2, 3, 400)]
    assert rows[0].rate == pytest.approx(0.075) and rows[1].rate == pytest.approx(0.0075)
    assert rows[0].values["dispute_rate"] == pytest.approx(2 / 15)
    assert rows[0].label  # the shop's name (or its number when the shop is unknown)
    assert [r.key for r in queries.league(actor=AGENT, filters=period(), min_orders=250)] == [M2]
    with pytest.raises(Forbidden):
        queries.league(actor=SHOP1, filters=period())


def test_a_shop_beside_its_category(tiny) -> None:
    rows = {c.key: c for c in queries.compare_to_category(actor=SHOP1, filters=period())}
    # apparel is shared with one other shop only: its figures would be shop 12's, so none shown
    assert rows["after_sales_rate"].own == pytest.approx(0.075)
    assert rows["after_sales_rate"].peers is None and rows["after_sales_rate"].better is None
    # two more apparel shops (100 orders each, no request): three other shops share apparel
    deliver(D2, 13, tiny["C1"], 3001, 100)
    deliver(D2, 14, tiny["C1"], 4001, 100)
    rows = {c.key: c for c in queries.compare_to_category(actor=SHOP1, filters=period())}
    # shop 11: 15 requests / 200 orders; apparel (all four shops): 15 / 500
    assert rows["after_sales_rate"].own == pytest.approx(0.075)
    assert rows["after_sales_rate"].peers == pytest.approx(0.03)
    assert rows["after_sales_rate"].better is False
    assert rows["deadline_attainment"].own == pytest.approx(0.8)


def test_a_shop_sees_only_its_own_figures(tiny) -> None:
    forced = filters_from({"start": "2026-03-01", "end": "2026-03-03"}, actor=SHOP1)
    assert forced.merchant_id == M1
    assert queries.totals(actor=SHOP1, filters=period()).cases == 15  # forced to shop 11
    with pytest.raises(Forbidden):
        filters_from({"merchant": str(M2)}, actor=SHOP1)
    with pytest.raises(Forbidden):
        queries.totals(actor=SHOP1, filters=period(merchant_id=M2))
    only = queries.breakdown(actor=SHOP1, filters=period(), by="merchant")
    assert [r.key for r in only] == [M1]
    with pytest.raises(Forbidden):
        queries.totals(actor=Actor(role=Role.CONSUMER, user_id=9), filters=period())


def test_filters_from_defaults_and_errors() -> None:
    today = date(2026, 3, 31)
    f = filters_from({}, actor=AGENT, today=today)
    assert (f.start, f.end, f.days) == (date(2026, 3, 2), today, 30)
    f = filters_from({"start": "2026-01-01", "end": "2026-01-31", "category": "3",
                      "type": "exchange", "channel": "app", "reason": "", "merchant": "7"},
                     actor=AGENT, today=today)  # fmt: skip
    assert (f.category_id, f.type, f.channel, f.reason_id, f.merchant_id) == (
        3, "exchange", "app", None, 7,
    )  # fmt: skip
    assert filters_from(f.as_query(), actor=AGENT) == f
    cases = [
        ({"start": "2026-13-01"}, "start"),
        ({"start": "1 March"}, "start"),
        ({"start": "2026-03-05", "end": "2026-03-01"}, "end"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "start"),
        ({"category": "apparel"}, "category"),
        ({"merchant": "-1"}, "merchant"),
        ({"type": "swap"}, "type"),
        ({"channel": "fax"}, "channel"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationFailed) as err:
            filters_from(data, actor=AGENT, today=today)
        assert field in err.value.fields, (data, err.value.fields)
        assert str(err.value.fields[field])


def _facts(n: int, ids: dict[str, int]) -> list[int]:
    """``n`` cases (with their facts) opened in the tiny world; the 2nd and 3rd at one moment."""
    from anxin.analytics.tests.factories import delivered, local, opened, world

    w = world()
    order = delivered(w, "m1", [("TS", 5)], signed_at=local("2026-03-01", 8))
    made = []
    for i in range(n):
        at = local("2026-03-01", 10 + (i if i not in (1, 2) else 1))
        case = opened(order, at=at)
        CaseFact.objects.create(
            case=case, merchant_id=case.merchant_id, category_id=w.top("m1:TS"),
            sku_id=w.skus["m1:TS"].pk, type="return_refund", reason_id=ids["R1"], channel="web",
            opened_at=at, day=at.date(), status="merchant_review", updated_at=at,
            refund_hours=2.5 if i == 0 else None,
        )  # fmt: skip
        made.append(case.pk)
    return made


def test_drilldown_pages_by_keyset_in_a_constant_number_of_queries(ids) -> None:
    made = _facts(5, ids)
    f = period(D1, D1)
    with CaptureQueriesContext(connection) as small:
        first = queries.drilldown(actor=AGENT, filters=f, limit=2)
    # newest first; the two opened at the same moment by case id, descending
    expected = [made[4], made[3], made[2], made[1], made[0]]
    assert [r.case_id for r in first.rows] == expected[:2]
    second = queries.drilldown(actor=AGENT, filters=f, cursor=first.next_cursor, limit=2)
    assert [r.case_id for r in second.rows] == expected[2:4]
    third = queries.drilldown(actor=AGENT, filters=f, cursor=second.next_cursor, limit=2)
    assert [r.case_id for r in third.rows] == expected[4:] and third.next_cursor is None
    with CaptureQueriesContext(connection) as large:
        everything = queries.drilldown(actor=AGENT, filters=f, limit=50)
    assert len(large.captured_queries) == len(small.captured_queries)
    row = everything.rows[-1]
    assert row.number.startswith("AT") and len(row.public_id) == 36
    assert row.refund_hours == 2.5 and row.reason_label and row.status_label
    assert queries.drilldown(actor=AGENT, filters=f, day=D2).rows == []
    shop = Actor(role=Role.MERCHANT_STAFF, merchant_ids=frozenset({row.merchant_id}))
    assert len(queries.drilldown(actor=shop, filters=f).rows) == 5
    stranger = Actor(role=Role.MERCHANT_STAFF, merchant_ids=frozenset({row.merchant_id + 99}))
    assert queries.drilldown(actor=stranger, filters=f).rows == []  # forced to its own shop
    with pytest.raises(ValidationFailed) as err:
        queries.drilldown(actor=AGENT, filters=f, cursor="not-a-cursor")
    assert "cursor" in err.value.fields


def test_end_to_end_from_raw_cases_through_the_rebuild() -> None:
    """Two orders delivered, one request refunded in two parts 30 h and 50 h after it opened
    just before midnight (its day is the local day of opening), one unrefunded request."""
    from anxin.analytics.refresh import analytics_rebuild
    from anxin.analytics.tests.factories import delivered, local, opened, refund, world

    w = world()
    first = delivered(w, "m1", [("TS", 1)], signed_at=local("2026-03-01", 9))
    second = delivered(w, "m1", [("TS", 1)], signed_at=local("2026-03-01", 11))
    late = opened(first, at=local("2026-03-01", 23, 30))  # 15:30 UTC: still 1 March locally
    refund(late, at=local("2026-03-03", 5, 30), amount="40.00")  # 30 h later
    refund(late, at=local("2026-03-04", 1, 30), amount="60.00")  # the second part
    opened(second, at=local("2026-03-02", 10))
    analytics_rebuild(now=local("2026-03-05", 12))

    t = queries.totals(actor=AGENT, filters=period(D1, D2))
    assert (t.cases, t.orders, t.refunded) == (2, 2, 1)
    assert t.metric("after_sales_rate") == pytest.approx(1.0)
    assert t.refund_amount == Decimal("100.00")
    # the first refund paid, 30 h after opening: bin [24, 36), the only one → 24 + 12 × 0.5
    assert t.metric("refund_median") == pytest.approx(30.0)
    day1 = queries.totals(actor=AGENT, filters=period(D1, D1))
    assert (day1.cases, day1.orders) == (1, 2)


def test_each_query_is_a_handful_of_aggregates_whatever_the_rows(tiny) -> None:
    f = period()
    counts = {}
    for name, call in {
        "totals": lambda: queries.totals(actor=AGENT, filters=f),
        "trend": lambda: queries.trend(actor=AGENT, filters=f, keys=["after_sales_rate"]),
        "reasons": lambda: queries.breakdown(actor=AGENT, filters=f, by="reason"),
        "skus": lambda: queries.breakdown(actor=AGENT, filters=f, by="sku", limit=5),
        "heatmap": lambda: queries.heatmap(actor=AGENT, filters=f),
        "league": lambda: queries.league(actor=AGENT, filters=f),
    }.items():
        with CaptureQueriesContext(connection) as ctx:
            call()
        counts[name] = len(ctx.captured_queries)
    # totals/trend: cases + deliveries; breakdowns: + the total (limit) and one label query;
    # heat map: + labels of reasons and categories; league: deliveries, cases, shop names
    assert counts == {"totals": 2, "trend": 2, "reasons": 3, "skus": 4, "heatmap": 4, "league": 3}


def test_labels_follow_the_readers_language(tiny) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        zh = queries.breakdown(actor=AGENT, filters=period(), by="category")[0].label
        kind = queries.breakdown(actor=AGENT, filters=period(), by="type")[0].label
    with translation.override("en"):
        en = queries.breakdown(actor=AGENT, filters=period(), by="category")[0].label
    apparel = Category.objects.get(pk=tiny["C1"])
    assert (zh, en) == (apparel.name_zh, apparel.name_en)
    assert kind and kind != "return_refund"
