"""Case facts, their daily rollups and the deliveries, checked against figures worked out by hand
on a tiny world (times are Asia/Shanghai)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anxin.analytics.bins import NBINS
from anxin.analytics.delivered import delivered_days
from anxin.analytics.facts import case_facts_build
from anxin.analytics.models import (
    CaseDay,
    CaseFact,
    DeliveredDay,
    DeliveredSkuDay,
    MerchantDay,
    PlatformDay,
)
from anxin.analytics.rollup import rollup_days
from anxin.analytics.tests import factories as f
from anxin.policies.models import Reason

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # aggregate SQL: runs on PostgreSQL too

NOW = f.local("2026-11-20", 12)
NOV10, NOV11 = date(2026, 11, 10), date(2026, 11, 11)


@pytest.fixture
def w() -> f.World:
    return f.world()


@pytest.fixture
def cases(w: f.World) -> dict[str, int]:
    """Five cases over 10–11 Nov:

    a  m1 TS, 10 Nov 10:00: merchant message 10:30, merchant approves 12:00, refunded (history)
       11 Nov 09:00 = 23 h, paid in two parts 12 Nov 10:00 (60.00, 48 h) and 13 Nov 10:00
       (40.00); a pending and a failed refund too (not paid); survey 5
    e  m1 TS, 10 Nov 14:00: merchant approves 14:20, refunded 20:00 (6 h), 50.00 paid 20:00; survey 4
    b  m1 PH, 10 Nov 23:30: the review deadline approves 12 Nov 23:30 (48 h); disputed, the
       platform stepped in; survey 2
    c  m2 BK, 11 Nov 00:10 (10 Nov 16:10 UTC): nothing after the opening
    d  m2 BK, 11 Nov 09:00: the consumer withdraws 11:00 (closed, 2 h); disputed, no
       intervention; a merchant-side message from the platform does not count as a response
    """
    o1 = f.delivered(w, "m1", [("TS", 3), ("PH", 1)], signed_at=f.local("2026-11-08", 18))
    o2 = f.delivered(w, "m2", [("BK", 2)], signed_at=f.local("2026-11-08", 18))
    a = f.opened(o1, at=f.local(NOV10, 10))
    f.merchant_message(a, at=f.local(NOV10, 10, 30))
    f.approve(a, at=f.local(NOV10, 12))
    f.act(a, "refund", "refunded", at=f.local(NOV11, 9))
    f.refund(a, at=f.local("2026-11-12", 10), amount="60.00")
    f.refund(a, at=f.local("2026-11-13", 10), amount="40.00")
    f.refund(a, at=f.local("2026-11-11", 10), amount="5.00", status="pending")
    f.refund(a, at=f.local("2026-11-10", 13), amount="7.00", status="failed")
    f.survey(a, at=f.local("2026-11-14", 10), score=5)

    e = f.opened(o1, at=f.local(NOV10, 14))
    f.approve(e, at=f.local(NOV10, 14, 20))
    f.act(e, "refund", "refunded", at=f.local(NOV10, 20))
    f.refund(e, at=f.local(NOV10, 20), amount="50.00")
    f.survey(e, at=f.local("2026-11-12", 10), score=4)

    b = f.opened(o1, at=f.local(NOV10, 23, 30), line=1)
    f.approve(b, at=f.local("2026-11-12", 23, 30), role=f.SYSTEM)
    f.dispute(b, at=f.local("2026-11-13", 10), intervened_at=f.local("2026-11-14", 10))
    f.survey(b, at=f.local("2026-11-16", 10), score=2)

    c = f.opened(o2, at=f.local(NOV11, 0, 10))

    d = f.opened(o2, at=f.local(NOV11, 9))
    f.act(d, "withdraw", "closed", at=f.local(NOV11, 11), role=f.CONSUMER)
    f.merchant_message(d, at=f.local(NOV11, 10), party="platform")
    f.dispute(d, at=f.local(NOV11, 10))
    return {"a": a.pk, "b": b.pk, "c": c.pk, "d": d.pk, "e": e.pk}


def facts_by_name(cases: dict[str, int]) -> dict[str, CaseFact]:
    by_pk = CaseFact.objects.in_bulk()
    return {name: by_pk[pk] for name, pk in cases.items()}


def test_durations_and_outcomes_from_the_opening(w: f.World, cases: dict[str, int]) -> None:
    assert case_facts_build(None, now=NOW) == 5
    got = facts_by_name(cases)
    a = got["a"]
    assert a.response_hours == pytest.approx(0.5)  # the message came before the approval
    assert a.approve_hours == pytest.approx(2.0)
    assert a.close_hours == pytest.approx(23.0)  # 10 Nov 10:00 → 11 Nov 09:00
    assert a.refund_hours == pytest.approx(48.0)  # the first part paid
    assert (a.refund_amount, a.refund_parts) == (Decimal("100.00"), 2)  # both parts, no others
    assert (a.answered_by, a.auto_acted, a.disputed, a.intervened, a.csat) == (
        "merchant",
        False,
        False,
        False,
        5,
    )
    assert (a.merchant_id, a.sku_id, a.category_id) == (
        w.shops["m1"].pk,
        w.skus["m1:TS"].pk,
        w.categories["apparel"].pk,
    )
    assert (a.type, a.channel, a.status) == ("return_refund", "web", "refunded")
    assert a.reason_id == Reason.objects.get(code=f.NO_REASON).pk
    assert a.updated_at == NOW

    b = got["b"]
    assert b.response_hours is None  # the deadline is not the merchant
    assert b.approve_hours == pytest.approx(48.0)
    assert (b.answered_by, b.auto_acted, b.disputed, b.intervened, b.csat) == (
        "system",
        True,
        True,
        True,
        2,
    )
    assert b.category_id == w.categories["digital"].pk

    c = got["c"]
    assert (c.response_hours, c.approve_hours, c.refund_hours, c.close_hours) == (None,) * 4
    assert (c.answered_by, c.auto_acted, c.disputed, c.csat, c.refund_parts) == (
        "",
        False,
        False,
        None,
        0,
    )
    assert c.refund_amount == Decimal("0.00")
    assert c.category_id == w.categories["books"].pk  # a top-level category counts as itself

    d = got["d"]
    assert d.close_hours == pytest.approx(2.0)
    assert d.response_hours is None  # the platform's message is not the merchant's
    assert (d.answered_by, d.disputed, d.intervened) == ("", True, False)  # a withdrawal


def test_the_day_is_the_local_day_of_the_opening(cases: dict[str, int]) -> None:
    case_facts_build(None, now=NOW)
    got = facts_by_name(cases)
    assert got["b"].day == NOV10  # 23:30 on 10 Nov in Shanghai
    assert got["c"].day == NOV11  # 00:10 on 11 Nov in Shanghai, still 10 Nov in UTC
    assert got["c"].opened_at.astimezone(f.SHANGHAI).hour == 0


def test_rebuilding_some_facts_replaces_them_and_leaves_the_others(cases: dict[str, int]) -> None:
    case_facts_build(None, now=NOW)
    later = f.local("2026-11-21", 12)
    CaseFact.objects.filter(pk=cases["c"]).update(csat=1)  # stale
    assert case_facts_build([cases["a"], cases["c"]], now=later) == 2
    got = facts_by_name(cases)
    assert got["c"].csat is None and got["c"].updated_at == later
    assert got["b"].updated_at == NOW
    assert CaseFact.objects.count() == 5


def test_facts_are_a_fixed_number_of_queries_whatever_the_number_of_cases(
    w: f.World, cases: dict[str, int]
) -> None:
    with CaptureQueriesContext(connection) as few:
        case_facts_build(None, now=NOW)
    order = f.delivered(w, "m2", [("BK", 9)], signed_at=f.local("2026-11-08", 18))
    for hour in range(9):
        case = f.opened(order, at=f.local(NOV11, 12 + hour))
        f.approve(case, at=f.local(NOV11, 12 + hour, 30))
        f.refund(case, at=f.local(NOV11, 23), amount="10.00")
    with CaptureQueriesContext(connection) as more:
        case_facts_build(None, now=NOW)
    assert len(more.captured_queries) == len(few.captured_queries) < 16


def _bins(row: object, measure: str) -> dict[int, int]:
    return {
        i: getattr(row, f"{measure}_b{i}") for i in range(NBINS) if getattr(row, f"{measure}_b{i}")
    }


def test_rollups_add_up_the_facts_of_a_day_with_their_histograms(
    w: f.World, cases: dict[str, int]
) -> None:
    case_facts_build(None, now=NOW)
    written = rollup_days([NOV10, NOV11])
    # 10 Nov: (apparel: a, e) and (digital: b); 11 Nov: (books: c, d) — at every grain
    assert PlatformDay.objects.count() == MerchantDay.objects.count() == CaseDay.objects.count()
    assert written == 3 * 3
    row = PlatformDay.objects.get(day=NOV10, category_id=w.categories["apparel"].pk)
    assert (row.type, row.channel) == ("return_refund", "web")
    assert (row.cases, row.refunded, row.refund_amount) == (2, 2, Decimal("150.00"))
    assert (row.responded, row.approved, row.closed) == (2, 2, 2)
    assert row.response_hours == pytest.approx(0.5 + 1 / 3)
    assert row.approve_hours == pytest.approx(2 + 1 / 3)
    assert row.refund_hours == pytest.approx(48 + 6)
    assert row.close_hours == pytest.approx(23 + 6)
    assert (row.answered, row.answered_in_time, row.auto_acted) == (2, 2, 0)
    assert (row.disputed, row.intervened) == (0, 0)
    assert (row.csat_n, row.csat_sum, row.csat_low, row.csat_high) == (2, 9, 0, 2)
    # bins: [0, .5) [.5, 1) [1, 2) [2, 4) [4, 8) [8, 12) [12, 24) [24, 36) [36, 48) [48, 72) …
    assert _bins(row, "response") == {0: 1, 1: 1}  # 20 min, 30 min
    assert _bins(row, "approve") == {0: 1, 3: 1}  # 20 min, 2 h
    assert _bins(row, "refund") == {4: 1, 9: 1}  # 6 h, 48 h
    assert _bins(row, "close") == {4: 1, 6: 1}  # 6 h, 23 h

    digital = MerchantDay.objects.get(day=NOV10, category_id=w.categories["digital"].pk)
    assert digital.merchant_id == w.shops["m1"].pk
    assert (digital.cases, digital.responded, digital.approved, digital.approve_hours) == (
        1,
        0,
        1,
        48.0,
    )
    assert (digital.answered, digital.answered_in_time, digital.auto_acted) == (1, 0, 1)
    assert (digital.disputed, digital.intervened, digital.csat_low, digital.csat_high) == (
        1,
        1,
        1,
        0,
    )
    assert _bins(digital, "approve") == {9: 1}  # 48 h opens the [48, 72) bin
    assert _bins(digital, "response") == {}

    books = CaseDay.objects.get(day=NOV11)
    assert (books.sku_id, books.merchant_id) == (w.skus["m2:BK"].pk, w.shops["m2"].pk)
    assert (books.cases, books.closed, books.close_hours, books.answered) == (2, 1, 2.0, 0)
    assert (books.disputed, books.intervened, books.csat_n, books.refund_amount) == (
        1,
        0,
        0,
        Decimal("0.00"),
    )
    assert _bins(books, "close") == {3: 1}


def test_a_day_rolled_up_again_replaces_its_rows_and_keeps_the_other_days(
    cases: dict[str, int],
) -> None:
    case_facts_build(None, now=NOW)
    rollup_days([NOV10, NOV11])
    CaseFact.objects.filter(pk=cases["d"]).delete()
    rollup_days([NOV11])
    assert PlatformDay.objects.get(day=NOV11).cases == 1
    assert PlatformDay.objects.filter(day=NOV10).count() == 2
    CaseFact.objects.filter(day=NOV11).delete()
    rollup_days([NOV11])  # a day without cases has no rows
    assert not PlatformDay.objects.filter(day=NOV11).exists()
    assert not CaseDay.objects.filter(day=NOV11).exists()


def test_delivered_orders_lines_and_units_per_local_day(w: f.World) -> None:
    # 9 Nov 23:50: one order of two lines (apparel × 2, digital × 1)
    f.delivered(w, "m1", [("TS", 2), ("PH", 1)], signed_at=f.local("2026-11-09", 23, 50))
    # 10 Nov 00:20 (9 Nov in UTC): 3 TS; 10 Nov 15:00: 2 TS in two parcels (one order, once)
    f.delivered(w, "m1", [("TS", 3)], signed_at=f.local(NOV10, 0, 20))
    f.delivered(w, "m1", [("TS", 2)], signed_at=f.local(NOV10, 15), parcels=2)
    f.delivered(w, "m2", [("BK", 1)], signed_at=None)  # on its way: not delivered
    DeliveredDay.objects.create(day=NOV11, merchant_id=1, category_id=1, orders=9)  # stale
    m1 = w.shops["m1"].pk
    apparel, digital = w.categories["apparel"].pk, w.categories["digital"].pk

    assert delivered_days([date(2026, 11, 9), NOV10, NOV11]) == 3 + 3
    rows = {
        (r.day, r.merchant_id, r.category_id): (r.orders, r.lines, r.units)
        for r in DeliveredDay.objects.all()
    }
    assert rows == {
        (date(2026, 11, 9), m1, apparel): (1, 1, 2),
        (date(2026, 11, 9), m1, digital): (1, 1, 1),
        (NOV10, m1, apparel): (2, 2, 5),
    }  # 11 Nov: no orders, no rows (the stale one is gone)
    sku_rows = {
        (r.day, r.sku_id): (r.orders, r.lines, r.units) for r in DeliveredSkuDay.objects.all()
    }
    assert sku_rows == {
        (date(2026, 11, 9), w.skus["m1:TS"].pk): (1, 1, 2),
        (date(2026, 11, 9), w.skus["m1:PH"].pk): (1, 1, 1),
        (NOV10, w.skus["m1:TS"].pk): (2, 2, 5),
    }
    # one day again: the other days stay
    assert delivered_days([NOV10]) == 2
    assert DeliveredDay.objects.count() == 3
