"""The monthly transparency report: figures computed by hand from rollup rows written here,
suppression of small cells (fewer than K requests, too few shops, small tiers) with
complementary suppression, and the frozen report that keeps its figures after the data change."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from anxin.analytics import transparency
from anxin.analytics.models import DeliveredDay, MerchantDay, PlatformDay, TransparencyReport
from anxin.analytics.tasks_targets import transparency_publish_task
from anxin.analytics.transparency import (
    suppress,
    transparency_build,
    transparency_publish,
)
from anxin.catalog.models import Category
from anxin.core import clock
from anxin.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

OCT = date(2026, 10, 1)
AFTER = datetime(2026, 11, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TIERS = {"excellent": 12, "good": 30, "fair": 6, "warning": 5, "poor": 7}


@pytest.fixture(autouse=True)
def _tiers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transparency, "tier_counts", lambda actor: dict(TIERS))


def _category(code: str) -> Category:
    return Category.objects.create(code=code, name_zh=f"{code}类", name_en=f"Cat {code}")


def _month_rows(
    category: Category,
    *,
    cases: int,
    orders: int,
    shops: int = 3,
    shop_cases: list[int] | None = None,
    refunded: int = 0,
    refund_bin: int = 7,
    disputed: int = 0,
    intervened: int = 0,
    csat_n: int = 0,
    csat_sum: int = 0,
    csat_high: int = 0,
    day: date = date(2026, 10, 5),
) -> None:
    """One platform row, one delivery row and ``shops`` shop rows for the category (with
    ``shop_cases`` requests each, one by default)."""
    PlatformDay.objects.create(
        day=day,
        category_id=category.pk,
        type="return_refund",
        reason_id=1,
        channel="web",
        cases=cases,
        refunded=refunded,
        disputed=disputed,
        intervened=intervened,
        csat_n=csat_n,
        csat_sum=csat_sum,
        csat_high=csat_high,
        **{f"refund_b{refund_bin}": refunded},
    )
    DeliveredDay.objects.create(day=day, merchant_id=1, category_id=category.pk, orders=orders)
    for shop, n in enumerate(shop_cases or [1] * shops):
        MerchantDay.objects.create(
            day=day,
            merchant_id=100 + shop,
            category_id=category.pk,
            type="return_refund",
            reason_id=1,
            channel="web",
            cases=n,
        )


def _world() -> tuple[Category, Category]:
    a, b = _category("tx-a"), _category("tx-b")
    # A: 40 requests over 1,000 orders; 20 refunds all 24–36 h; 4 disputes, 2 interventions;
    # 20 answers summing 90 stars, 16 of them 4–5 stars.
    _month_rows(a, cases=40, orders=1000, refunded=20, refund_bin=7, disputed=4, intervened=2,
                csat_n=20, csat_sum=90, csat_high=16)  # fmt: skip
    # B: 25 over 500; 12 refunds all 36–48 h; 5 disputes, 1 intervention; 12 answers, 48 stars, 10 high.
    _month_rows(b, cases=25, orders=500, refunded=12, refund_bin=8, disputed=5, intervened=1,
                csat_n=12, csat_sum=48, csat_high=10)  # fmt: skip
    return a, b


def _row(data: dict[str, Any], category: Category) -> dict[str, Any]:
    return next(r for r in data["categories"] if r["id"] == category.pk)


def _values(cells: dict[str, Any]) -> dict[str, Any]:
    return {key: cell["value"] for key, cell in cells.items()}


def test_the_months_figures_by_hand() -> None:
    # given two categories of the month and a row of the next month (not counted)
    a, b = _world()
    _month_rows(a, cases=99, orders=99, day=date(2026, 11, 1))

    # when
    data = transparency_build(OCT)

    # then A: 40/1000 = 4 %; refund median 24 + 12 × 10/20 = 30 h; 4/40, 2/40; 90/20 = 4.5; 16/20
    assert data["month"] == "2026-10"
    assert _values(_row(data, a)["cells"]) == {
        "cases": 40,
        "after_sales_rate": 0.04,
        "refund_median": 30.0,
        "dispute_rate": 0.1,
        "intervention_rate": 0.05,
        "csat": 4.5,
        "csat_satisfied": 0.8,
    }
    # B: 25/500 = 5 %; 36 + 12 × 6/12 = 42 h; 5/25; 1/25; 48/12 = 4; 10/12 = 0.8333
    assert _values(_row(data, b)["cells"]) == {
        "cases": 25,
        "after_sales_rate": 0.05,
        "refund_median": 42.0,
        "dispute_rate": 0.2,
        "intervention_rate": 0.04,
        "csat": 4.0,
        "csat_satisfied": 0.8333,
    }
    # the platform: 65/1500 = 0.0433; median of 32 refunds: rank 16 in the first bin (20),
    # 24 + 12 × 16/20 = 33.6 h; 9/65 = 0.1385; 3/65 = 0.0462; 138/32 = 4.3125; 26/32 = 0.8125
    assert _values(data["platform"]) == {
        "cases": 65,
        "after_sales_rate": 0.0433,
        "refund_median": 33.6,
        "dispute_rate": 0.1385,
        "intervention_rate": 0.0462,
        "csat": 4.31,
        "csat_satisfied": 0.8125,
    }
    assert data["platform"]["csat"]["n"] == 32
    assert not any(c["suppressed"] for c in data["platform"].values())


def test_a_small_category_is_suppressed_with_the_next_smallest() -> None:
    # given a third category with 4 requests (2 refunds, 2 answers)
    a, b = _world()
    c = _category("tx-c")
    _month_rows(c, cases=4, orders=100, refunded=2, csat_n=2, csat_sum=2, csat_high=0)

    # when
    data = transparency_build(OCT)

    # then C is hidden in every column, and B (the next smallest) with it, so that the total
    # minus A does not give C back; A and the platform stay
    for key in data["columns"]:
        assert _row(data, c)["cells"][key] == {"value": None, "n": None, "suppressed": True}
        assert _row(data, b)["cells"][key]["suppressed"] is True
        assert _row(data, a)["cells"][key]["suppressed"] is False
        assert data["platform"][key]["suppressed"] is False
    assert data["platform"]["cases"]["value"] == 69
    assert _row(data, a)["cells"]["cases"]["value"] == 40


def test_a_category_of_two_shops_is_hidden_whatever_its_size() -> None:
    # given a category with 30 requests from only two shops
    a, b = _world()
    d = _category("tx-d")
    _month_rows(d, cases=30, orders=300, shops=2, refunded=10, csat_n=10, csat_sum=40, csat_high=8)

    # when
    data = transparency_build(OCT)

    # then D is hidden, and the smallest other category (B: 25 requests) with it
    assert _row(data, d)["cells"]["cases"]["suppressed"] is True
    assert _row(data, d)["cells"]["csat"]["suppressed"] is True
    assert _row(data, b)["cells"]["cases"]["suppressed"] is True
    assert _row(data, a)["cells"]["cases"]["value"] == 40
    assert data["platform"]["cases"]["value"] == 95


def test_a_category_mostly_of_one_shop_is_hidden() -> None:
    # given a category of 50 requests, 45 of them (90 %) at one of its three shops
    a, b = _world()
    e = _category("tx-e")
    _month_rows(e, cases=50, orders=500, shop_cases=[45, 3, 2], refunded=20, csat_n=20)

    # when
    data = transparency_build(OCT)

    # then it is hidden whole, B (the smallest other) with it; A, with three equal shops, stays
    assert all(c["suppressed"] for c in _row(data, e)["cells"].values())
    assert _row(data, b)["cells"]["cases"]["suppressed"] is True
    assert _row(data, a)["cells"]["cases"]["value"] == 40


def test_complementary_suppression_rules() -> None:
    # one small cell: hide the smallest other with it
    assert suppress({"a": 50, "b": 12, "c": 3}, threshold=10, hidden={"c"}) == ({"b", "c"}, False)
    # two small cells adding up to less than the threshold: keep hiding
    assert suppress({"a": 50, "b": 30, "c": 3, "d": 2}, threshold=10, hidden={"c", "d"}) == (
        {"b", "c", "d"},
        False,
    )
    # two small cells together large enough: nothing more
    assert suppress({"a": 50, "c": 6, "d": 5}, threshold=10, hidden={"c", "d"}) == (
        {"c", "d"},
        False,
    )
    # nothing left to hide with it: the total goes too
    assert suppress({"a": 3, "b": 0}, threshold=10, hidden={"a"}) == ({"a"}, True)
    # nothing small: nothing hidden
    assert suppress({"a": 50}, threshold=10, hidden=set()) == (set(), False)


def test_tiers_under_five_shops_are_hidden_with_the_next_smallest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given 3 fair shops (too few), 7 poor, none in warning
    counts = {"excellent": 12, "good": 30, "fair": 3, "warning": 0, "poor": 7}
    monkeypatch.setattr(transparency, "tier_counts", lambda actor: counts)

    # when
    tiers = transparency_build(OCT)["tiers"]

    # then fair is hidden, poor with it (3 + 7 ≥ 5); an empty tier gives nobody away
    shown = {row["tier"]: row["count"] for row in tiers["rows"]}
    assert shown == {"excellent": 12, "good": 30, "fair": None, "warning": 0, "poor": None}
    assert tiers["total"] == {"count": 52, "suppressed": False}


def test_a_single_small_tier_hides_the_total(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        transparency,
        "tier_counts",
        lambda actor: {"excellent": 3, "good": 0, "fair": 0, "warning": 0, "poor": 0},
    )
    tiers = transparency_build(OCT)["tiers"]
    assert tiers["rows"][0] == {"tier": "excellent", "count": None, "suppressed": True}
    assert tiers["total"] == {"count": None, "suppressed": True}


def test_published_figures_stay_frozen_and_publishing_again_changes_nothing() -> None:
    # given October published
    a, _b = _world()
    report, created = transparency_publish(OCT, now=AFTER)
    assert created and report.data["platform"]["cases"]["value"] == 65

    # when late data arrive and the month is published again
    _month_rows(a, cases=100, orders=10, day=date(2026, 10, 20))
    again, created_again = transparency_publish(OCT, now=AFTER)

    # then the report is the same, with the same figures
    assert (again.pk, created_again) == (report.pk, False)
    assert TransparencyReport.objects.get(month=OCT).data["platform"]["cases"]["value"] == 65
    # forced, it is rebuilt
    forced, rebuilt = transparency_publish(OCT, now=AFTER, force=True)
    assert rebuilt and forced.data["platform"]["cases"]["value"] == 165


def test_a_month_not_ended_cannot_be_published() -> None:
    with pytest.raises(ValidationFailed) as error:
        transparency_publish(date(2026, 11, 1), now=AFTER)
    assert "month" in error.value.fields
    assert not TransparencyReport.objects.exists()


@pytest.fixture
def frozen() -> Iterator[None]:
    clock.freeze(AFTER)
    yield
    clock.unfreeze()


def test_the_command_publishes_a_month_once(frozen: None) -> None:
    # given October's rows
    _world()
    out = io.StringIO()

    # when the command runs twice, then with --force
    call_command("transparency_publish", "--month", "2026-10", stdout=out)
    call_command("transparency_publish", "--month", "2026-10", stdout=out)

    # then one report, published once
    assert TransparencyReport.objects.get().month == OCT
    assert out.getvalue().splitlines() == [
        "2026-10: published",
        "2026-10: already published (use --force to rebuild)",
    ]
    with pytest.raises(CommandError):
        call_command("transparency_publish", "--month", "2026-13", stdout=out)
    with pytest.raises(CommandError):
        call_command("transparency_publish", "--month", "2026-11", stdout=out)  # not ended


def test_the_monthly_task_publishes_last_month(frozen: None) -> None:
    _world()
    assert transparency_publish_task() == "2026-10 published"
    assert transparency_publish_task() == "2026-10 already published"
