"""Service targets: who may set them, the checks on what is set (each field at fault named), the
attainment over a window in both directions of "better", who may read which targets, and the
daily check that raises one alert per missed target and day and tells its owner."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from anxin.accounts.services import actor_for_user
from anxin.analytics.alerts import targets_check
from anxin.analytics.models import DeliveredDay, MerchantDay, PlatformDay, Target, TargetAlert
from anxin.analytics.targets import (
    attainment_for,
    display_text,
    stored_value,
    target_delete,
    target_list_for,
    target_set,
)
from anxin.catalog.models import Category
from anxin.catalog.tests import factories as f
from anxin.core.actors import SYSTEM, Role
from anxin.core.errors import Forbidden, NotFound, ValidationFailed
from anxin.notifications.models import Notification

pytestmark = pytest.mark.django_db

END = date(2026, 10, 31)


@pytest.fixture
def w() -> dict[str, Any]:
    m1, m2 = f.merchant("m1"), f.merchant("m2")
    return {
        "m1": m1,
        "m2": m2,
        "admin": f.user("admin", Role.ADMIN),
        "agent": f.user("agent", Role.AGENT),
        "m1_admin": f.user("m1_admin", Role.MERCHANT_ADMIN, [m1]),
        "m1_staff": f.user("m1_staff", Role.MERCHANT_STAFF, [m1]),
        "m2_admin": f.user("m2_admin", Role.MERCHANT_ADMIN, [m2]),
        "category": Category.objects.create(code="tg-top", name_zh="目标类", name_en="Targeted"),
    }


def _a(user: Any) -> Any:
    return actor_for_user(user)


def _cases(day: date, *, category_id: int, merchant_id: int | None = None, **measures: int) -> None:
    """A case rollup row of the platform (and of a shop when ``merchant_id`` is given)."""
    dims = {"day": day, "category_id": category_id, "type": "return_refund", "reason_id": 1}
    PlatformDay.objects.create(**dims, channel="web", **measures)
    if merchant_id is not None:
        MerchantDay.objects.create(**dims, channel="web", merchant_id=merchant_id, **measures)


def _orders(day: date, *, category_id: int, merchant_id: int, orders: int) -> None:
    DeliveredDay.objects.create(
        day=day, merchant_id=merchant_id, category_id=category_id, orders=orders
    )


def _set(w: dict[str, Any], **fields: Any) -> Target:
    return target_set(actor=_a(w["admin"]), **fields)


# --- setting targets --------------------------------------------------------------------------------


def test_an_administrator_sets_a_rate_typed_in_per_cent_and_setting_it_again_replaces_it(
    w: dict[str, Any],
) -> None:
    # when 90 % satisfied consumers is set, then 92.5 %
    first = _set(
        w,
        metric="csat_satisfied",
        scope="platform",
        value=stored_value("csat_satisfied", Decimal("90")),
    )
    second = _set(w, metric="csat_satisfied", scope="platform", value=stored_value("csat_satisfied", Decimal("92.5")), window_days=7)  # fmt: skip

    # then one target, stored as a share, shown again in per cent
    assert first.pk == second.pk and Target.objects.count() == 1
    second.refresh_from_db()
    assert (second.value, second.window_days) == (Decimal("0.9250"), 7)
    assert display_text("csat_satisfied", second.value) == "92.5"
    assert second.set_by == f"user:{w['admin'].pk}"


@pytest.mark.parametrize(
    ("fields", "at_fault"),
    [
        ({"metric": "no_such_metric", "scope": "platform", "value": "1"}, "metric"),
        ({"metric": "after_sales_rate", "scope": "platform", "value": "1.5"}, "value"),
        ({"metric": "after_sales_rate", "scope": "platform", "value": "abc"}, "value"),
        ({"metric": "after_sales_rate", "scope": "platform", "value": "0.00001"}, "value"),
        ({"metric": "csat", "scope": "platform", "value": "6"}, "value"),
        ({"metric": "refund_median", "scope": "platform", "value": "0"}, "value"),
        ({"metric": "refund_median", "scope": "galaxy", "value": "48"}, "scope"),
        ({"metric": "refund_median", "scope": "category", "value": "48"}, "category"),
        ({"metric": "refund_median", "scope": "merchant", "value": "48", "merchant_id": 999999}, "merchant"),
        ({"metric": "nps", "scope": "merchant", "value": "10"}, "scope"),
        ({"metric": "ticket_response_median", "scope": "category", "value": "4"}, "scope"),
        ({"metric": "refund_median", "scope": "platform", "value": "48", "window_days": 0}, "window_days"),
        ({"metric": "refund_median", "scope": "platform", "value": "48", "window_days": "x"}, "window_days"),
    ],
)  # fmt: skip
def test_a_bad_target_names_the_field_at_fault_and_writes_nothing(
    w: dict[str, Any], fields: dict[str, Any], at_fault: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        _set(w, **fields)
    assert at_fault in error.value.fields
    assert str(error.value.fields[at_fault])
    assert not Target.objects.exists()


def test_the_owner_must_be_platform_staff_or_of_the_shop(w: dict[str, Any]) -> None:
    # a shop's administrator may own their shop's target, not another shop's
    shop = {"metric": "refund_median", "scope": "merchant", "value": "48"}
    ok = _set(w, **shop, merchant_id=w["m1"].pk, owner_id=w["m1_admin"].pk)
    assert ok.owner_id == w["m1_admin"].pk
    with pytest.raises(ValidationFailed) as error:
        _set(w, **shop, merchant_id=w["m2"].pk, owner_id=w["m1_admin"].pk)
    assert "owner" in error.value.fields


@pytest.mark.parametrize("who", ["agent", "m1_admin", "m1_staff"])
def test_only_administrators_set_or_delete_targets(w: dict[str, Any], who: str) -> None:
    # given a target set by the administrator
    target = _set(w, metric="refund_median", scope="merchant", value="48", merchant_id=w["m1"].pk)

    # then nobody else may set or delete one; nothing changed
    with pytest.raises(Forbidden):
        target_set(actor=_a(w[who]), metric="refund_median", scope="merchant", value="24",
                   merchant_id=w["m1"].pk)  # fmt: skip
    with pytest.raises(Forbidden):
        target_delete(actor=_a(w[who]), target_id=target.pk)
    target.refresh_from_db()
    assert target.value == Decimal("48")


def test_an_administrator_deletes_a_target(w: dict[str, Any]) -> None:
    target = _set(w, metric="refund_median", scope="platform", value="48")
    target_delete(actor=_a(w["admin"]), target_id=target.pk)
    assert not Target.objects.exists()
    with pytest.raises(NotFound):
        target_delete(actor=_a(w["admin"]), target_id=target.pk)


# --- reading --------------------------------------------------------------------------------------


def test_a_shop_reads_only_its_own_targets(w: dict[str, Any]) -> None:
    # given a target for each shop and one for the platform
    own = _set(w, metric="refund_median", scope="merchant", value="48", merchant_id=w["m1"].pk)
    _set(w, metric="refund_median", scope="merchant", value="24", merchant_id=w["m2"].pk)
    _set(w, metric="refund_median", scope="platform", value="36")

    # then m1's people see m1's target only, and asking for m2's is refused
    for who in ("m1_admin", "m1_staff"):
        assert [t.pk for t in target_list_for(actor=_a(w[who]))] == [own.pk]
        with pytest.raises(Forbidden):
            target_list_for(actor=_a(w[who]), merchant_id=w["m2"].pk)
        with pytest.raises(Forbidden):
            attainment_for(actor=_a(w[who]), scope="merchant", merchant_id=w["m2"].pk, end=END)
    assert [a.target_id for a in attainment_for(actor=_a(w["m1_admin"]), end=END)] == [own.pk]
    # the platform's staff read all three
    assert target_list_for(actor=_a(w["agent"])).count() == 3


def test_a_consumer_reads_no_targets(w: dict[str, Any]) -> None:
    consumer = f.user("buyer", Role.CONSUMER)
    with pytest.raises(Forbidden):
        target_list_for(actor=_a(consumer))


# --- attainment -------------------------------------------------------------------------------------


def test_attainment_lower_is_better_met_and_missed(w: dict[str, Any]) -> None:
    # given 40 requests over 1,000 orders in the 30 days to END (4 %), and a day before the window
    cat = w["category"].pk
    _cases(date(2026, 10, 10), category_id=cat, cases=40)
    _orders(date(2026, 10, 12), category_id=cat, merchant_id=w["m1"].pk, orders=1000)
    _cases(date(2026, 10, 1), category_id=cat, cases=500)  # outside: the window starts on 10-02
    loose = _set(w, metric="after_sales_rate", scope="platform", value="0.05")
    tight = _set(w, metric="after_sales_rate", scope="category", category_id=cat, value="0.03")

    # when
    rows = {a.target_id: a for a in attainment_for(actor=_a(w["agent"]), end=END)}

    # then 4 % ≤ 5 % is met, 4 % ≤ 3 % is missed (lower is better)
    assert rows[loose.pk].actual == pytest.approx(0.04)
    assert (rows[loose.pk].met, rows[tight.pk].met) == (True, False)
    assert rows[loose.pk].start == date(2026, 10, 2)
    assert rows[tight.pk].direction == "≤" and not rows[tight.pk].higher_is_better
    assert rows[tight.pk].scope_label == "目标类" or rows[tight.pk].scope_label == "Targeted"


def test_attainment_higher_is_better_met_and_missed_and_no_data(w: dict[str, Any]) -> None:
    # given m1's 20 answers, 16 of them 4–5 stars (80 %); m2 has none
    cat = w["category"].pk
    _cases(END, category_id=cat, merchant_id=w["m1"].pk, cases=20, csat_n=20, csat_high=16)
    met = _set(w, metric="csat_satisfied", scope="merchant", merchant_id=w["m1"].pk, value="0.75")
    missed = _set(w, metric="csat_satisfied", scope="platform", value="0.9")
    empty = _set(w, metric="csat_satisfied", scope="merchant", merchant_id=w["m2"].pk, value="0.9")

    # when
    rows = {a.target_id: a for a in attainment_for(actor=SYSTEM, end=END)}

    # then 80 % ≥ 75 % met, 80 % ≥ 90 % missed, and no answers is no verdict
    assert (rows[met.pk].met, rows[missed.pk].met, rows[empty.pk].met) == (True, False, None)
    assert rows[missed.pk].actual == pytest.approx(0.8)
    assert rows[empty.pk].actual is None and rows[empty.pk].actual_display == "–"


def test_attainment_reads_all_targets_in_a_constant_number_of_queries(
    w: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    # given ten shops' targets and a platform one, same window
    shops = [f.merchant(f"q{n}") for n in range(10)]
    for shop in shops:
        _set(w, metric="refund_median", scope="merchant", merchant_id=shop.pk, value="48")
    _set(w, metric="refund_median", scope="platform", value="48")
    # then: targets, 2 scopes × (cases + deliveries), category and shop names — not one per shop
    with django_assert_max_num_queries(8):
        assert len(attainment_for(actor=SYSTEM, end=END)) == 11


# --- alerts ---------------------------------------------------------------------------------------


def test_a_missed_target_raises_one_alert_a_day_and_tells_its_owner(w: dict[str, Any]) -> None:
    # given 4 % after-sales against a target of 3 %, owned by the agent; and a met target
    cat = w["category"].pk
    _cases(END, category_id=cat, cases=40)
    _orders(END, category_id=cat, merchant_id=w["m1"].pk, orders=1000)
    missed = _set(
        w, metric="after_sales_rate", scope="platform", value="0.03", owner_id=w["agent"].pk
    )
    _set(w, metric="after_sales_rate", scope="category", category_id=cat, value="0.05")

    # when the check runs twice for the same day
    first = targets_check(day=END)
    second = targets_check(day=END)

    # then one alert with the figures, and one notification to the owner only
    assert (first, second) == (1, 0)
    alert = TargetAlert.objects.get()
    assert (alert.target_id, alert.period_end) == (missed.pk, END)
    assert (alert.actual, alert.expected) == (Decimal("0.0400"), Decimal("0.0300"))
    notes = Notification.objects.filter(kind="target_missed")
    assert [n.recipient_id for n in notes] == [w["agent"].pk]
    assert "4.0" in notes[0].body and "3.0" in notes[0].body
    # the next day is another alert
    assert targets_check(day=date(2026, 11, 1)) == 1


def test_a_shops_missed_target_without_owner_goes_to_the_shops_administrators(
    w: dict[str, Any],
) -> None:
    # given m1's median time to refund of 30 h against 24 h
    cat = w["category"].pk
    _cases(END, category_id=cat, merchant_id=w["m1"].pk, cases=10, refunded=10, refund_b7=10)
    _set(w, metric="refund_median", scope="merchant", merchant_id=w["m1"].pk, value="24")

    # when
    assert targets_check(day=END) == 1

    # then m1's administrator hears it (not its staff, not m2, not the platform)
    notes = Notification.objects.filter(kind="target_missed")
    assert [n.recipient_id for n in notes] == [w["m1_admin"].pk]
    assert notes[0].merchant_id == w["m1"].pk


def test_a_platform_target_without_owner_goes_to_the_platforms_administrators(
    w: dict[str, Any],
) -> None:
    cat = w["category"].pk
    _cases(END, category_id=cat, cases=20, csat_n=20, csat_sum=60)
    _set(w, metric="csat", scope="platform", value="4.5")
    assert targets_check(day=END) == 1
    notes = Notification.objects.filter(kind="target_missed")
    assert [n.recipient_id for n in notes] == [w["admin"].pk]


def test_the_command_checks_the_day_it_is_given(w: dict[str, Any]) -> None:
    cat = w["category"].pk
    _cases(END, category_id=cat, cases=20, csat_n=20, csat_sum=60)
    _set(w, metric="csat", scope="platform", value="4.5")
    out = io.StringIO()
    call_command("targets_check", "--day", "2026-10-31", stdout=out)
    call_command("targets_check", "--day", "2026-10-31", stdout=out)
    assert out.getvalue().splitlines() == ["1 alert(s) raised", "0 alert(s) raised"]
    with pytest.raises(CommandError):
        call_command("targets_check", "--day", "31/10/2026", stdout=out)
