"""Policy, reason, calendar and category writes: the law's floors and ceilings, "a merchant may only
be more generous", permissions, audit rows — and that refused input saves nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from anxin.catalog.models import Category
from anxin.catalog.tests import factories as f
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import Forbidden, NotFound, ValidationFailed
from anxin.core.models import AuditEntry
from anxin.policies.models import POLICY_FIELDS, CalendarDay, Policy, Reason
from anxin.policies.resolve import policy_resolve
from anxin.policies.services import (
    calendar_day_clear,
    calendar_day_set,
    category_flags_set,
    platform_values,
    policy_save,
    reason_create,
    reason_update,
)

pytestmark = pytest.mark.django_db
ADMIN = Actor(role=Role.ADMIN, platform=True, user_id=1, label="admin")


def merchant_admin(shop) -> Actor:
    return Actor(role=Role.MERCHANT_ADMIN, user_id=2, merchant_ids=frozenset({shop.pk}))


def merchant_staff(shop) -> Actor:
    return Actor(role=Role.MERCHANT_STAFF, user_id=3, merchant_ids=frozenset({shop.pk}))


def platform_payload(**changes):
    row = Policy.objects.get(scope="platform")
    names = [*POLICY_FIELDS, "intact_conditions_zh", "intact_conditions_en"]
    data = {name: getattr(row, name) for name in names}
    data.update(scope="platform", **changes)
    return data


def refused(call, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        call(**kwargs)
    return {k: str(v) for k, v in caught.value.fields.items()}


# --- the law ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("no_reason_days", 6, "at least 7 days"),
        ("quality_return_days", 3, "at least 7 days"),
        ("exchange_days", 14, "at least 15 days"),
        ("merchant_review_hours", 361, "at most 360 hours"),
        ("refund_hours", 400, "at most 360 hours"),
    ],
)
def test_platform_row_cannot_cross_the_law(field, value, words):
    before = Policy.objects.get(scope="platform")
    errors = refused(policy_save, actor=ADMIN, data=platform_payload(**{field: value}))
    assert words in errors[field]
    assert Policy.objects.get(scope="platform").__dict__[field] == before.__dict__[field]


def test_category_row_cannot_cross_the_law_either():
    errors = refused(
        policy_save,
        actor=ADMIN,
        data={"scope": "category", "category": "books", "no_reason_days": 5},
    )
    assert "at least 7 days" in errors["no_reason_days"]
    assert not Policy.objects.filter(category__code="books").exists()


def test_platform_row_needs_every_value():
    errors = refused(policy_save, actor=ADMIN, data=platform_payload(repair_days=None))
    assert "repair_days" in errors


def test_out_of_range_and_malformed_values_are_field_errors():
    errors = refused(
        policy_save,
        actor=ADMIN,
        data=platform_payload(restocking_fee_percent="101", completion_days="abc"),
    )
    assert set(errors) == {"restocking_fee_percent", "completion_days"}


def test_admin_updates_the_platform_row_and_it_is_audited():
    row = policy_save(actor=ADMIN, data=platform_payload(merchant_review_hours=72))
    assert row.merchant_review_hours == 72
    entry = AuditEntry.objects.filter(action="policies.policy.update").latest("id")
    assert entry.data["changes"]["merchant_review_hours"] == [48, 72]
    assert policy_resolve(merchant_id=None, category=None)["merchant_review_hours"] == 72


def test_category_row_may_tighten_or_loosen_within_the_law():
    row = policy_save(
        actor=ADMIN,
        data={"scope": "category", "category": "books", "repair_days": 0, "exchange_days": 30},
    )
    assert (row.code, row.repair_days, row.exchange_days) == ("P-cat-books", 0, 30)
    assert AuditEntry.objects.filter(action="policies.policy.create").exists()


def test_adding_a_row_that_exists_is_refused():
    errors = refused(
        policy_save,
        actor=ADMIN,
        data={"scope": "category", "category": "digital", "repair_days": 400},
        expect_new=True,
    )
    assert "already has its own row" in errors["category"]
    assert Policy.objects.get(code="P-cat-digital").repair_days == 365


def test_scope_must_match_its_target():
    assert "category" in refused(policy_save, actor=ADMIN, data={"scope": "category"})
    assert "category" in refused(
        policy_save, actor=ADMIN, data={"scope": "category", "category": "nope"}
    )
    assert "merchant" in refused(
        policy_save, actor=ADMIN, data={"scope": "platform", "merchant": "m1"}
    )


# --- merchants: only more generous --------------------------------------------------------------


def test_merchant_may_be_more_generous():
    shop = f.merchant("m1")
    row = policy_save(
        actor=merchant_admin(shop),
        data={
            "scope": "merchant",
            "merchant": "m1",
            "no_reason_days": 30,
            "merchant_review_hours": 24,
            "restocking_fee_percent": "0",
        },
    )
    assert row.code == "P-m-m1"
    resolved = policy_resolve(merchant_id=shop.pk, category=Category.objects.get(code="books"))
    assert resolved["no_reason_days"] == 30
    assert resolved["merchant_review_hours"] == 24
    assert AuditEntry.objects.filter(action="policies.policy.create", tenant=f"m{shop.pk}").exists()


@pytest.mark.parametrize(
    ("field", "value", "inherited"),
    [
        ("return_ship_days", 3, "7 days"),  # less time to ship the return back: stricter
        ("merchant_review_hours", 72, "48 hours"),  # a longer review is not kinder
        ("receipt_confirm_days", 10, "7 days"),
        ("refund_hours", 200, "168 hours"),
        ("completion_days", 5, "10 days"),
        ("restocking_fee_percent", "5", "0%"),
        ("repair_days", 30, "90 days"),
    ],
)
def test_merchant_may_not_be_stricter_than_the_platform(field, value, inherited):
    shop = f.merchant("m1")
    errors = refused(
        policy_save,
        actor=merchant_admin(shop),
        data={"scope": "merchant", "merchant": "m1", field: value},
    )
    assert f"Stricter than the platform's {inherited}" in errors[field]
    more = "or more" if POLICY_FIELDS[field] == "up" else "or less"
    assert f"{inherited} {more}" in errors[field]
    assert not Policy.objects.filter(merchant=shop).exists()


def test_merchant_may_not_go_below_the_law_even_in_the_kind_direction():
    f.merchant("m1")
    errors = refused(
        policy_save,
        actor=ADMIN,
        data={"scope": "merchant", "merchant": "m1", "no_reason_days": 6},
    )
    assert "at least 7 days" in errors["no_reason_days"]


def test_platform_admin_is_held_to_the_same_rule_for_a_merchant_row():
    shop = f.merchant("m1")
    errors = refused(
        policy_save,
        actor=ADMIN,
        data={"scope": "merchant", "merchant": shop.code, "exchange_days": 15, "repair_days": 10},
    )
    assert set(errors) == {"repair_days"}


def test_merchant_baseline_is_the_platform_row_after_legal_clamps():
    Policy.objects.filter(scope="platform").update(no_reason_days=5)  # a broken row
    assert platform_values()["no_reason_days"] == 7
    shop = f.merchant("m1")
    row = policy_save(
        actor=merchant_admin(shop),
        data={"scope": "merchant", "merchant": "m1", "no_reason_days": 7},
    )
    assert row.no_reason_days == 7


def test_merchant_cannot_write_intact_conditions_but_keeps_the_platforms():
    shop = f.merchant("m1")
    policy_save(
        actor=ADMIN,
        data={"scope": "merchant", "merchant": "m1", "intact_conditions_en": "Any state."},
    )
    errors = refused(
        policy_save,
        actor=merchant_admin(shop),
        data={"scope": "merchant", "merchant": "m1", "intact_conditions_en": "Sealed only."},
    )
    assert "intact_conditions_en" in errors
    # A merchant's save without the text leaves the platform's text in place.
    row = policy_save(
        actor=merchant_admin(shop),
        data={"scope": "merchant", "merchant": "m1", "no_reason_days": 10},
    )
    assert row.intact_conditions_en == "Any state."


def test_merchant_staff_and_other_merchants_are_refused():
    shop, other = f.merchant("m1"), f.merchant("m2")
    with pytest.raises(Forbidden):
        policy_save(
            actor=merchant_staff(shop),
            data={"scope": "merchant", "merchant": "m1", "no_reason_days": 10},
        )
    errors = refused(
        policy_save,
        actor=merchant_admin(other),
        data={"scope": "merchant", "merchant": "m1", "no_reason_days": 10},
    )
    assert errors == {"merchant": "Unknown merchant."}
    with pytest.raises(Forbidden):
        policy_save(actor=merchant_admin(shop), data=platform_payload(no_reason_days=10))
    assert not Policy.objects.filter(merchant__isnull=False).exists()


def test_saving_unchanged_values_writes_no_audit_row():
    policy_save(actor=ADMIN, data=platform_payload())
    assert not AuditEntry.objects.filter(action="policies.policy.update").exists()


# --- reasons ----------------------------------------------------------------------------------


def reason(**changes):
    data = {
        "code": "quality/scratched",
        "parent": "quality",
        "name_zh": "划痕",
        "name_en": "Scratched",
        "fault": "merchant",
        "is_quality": True,
        "selectable": True,
    }
    data.update(changes)
    return data


def test_reason_create_and_update():
    created = reason_create(actor=ADMIN, data=reason())
    assert created.parent.code == "quality"
    updated = reason_update(actor=ADMIN, reason=created, data=reason(name_en="Scratched surface"))
    assert updated.name_en == "Scratched surface"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"policies.reason.create", "policies.reason.update"} <= actions


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "scratched"}, "code"),  # not under its parent
        ({"code": "quality/a/b"}, "code"),
        ({"code": "quality/defect"}, "code"),  # taken
        ({"parent": "nope"}, "parent"),
        ({"parent": None, "code": "x/y"}, "code"),
        ({"fault": "consumer"}, "fault"),  # a quality problem is the merchant's
        ({"code": "Quality/Bad"}, "code"),
        ({"name_zh": ""}, "name_zh"),
        ({"fault": "somebody"}, "fault"),
    ],
)
def test_reason_create_refuses_bad_input(changes, field):
    count = Reason.objects.count()
    assert field in refused(reason_create, actor=ADMIN, data=reason(**changes))
    assert Reason.objects.count() == count


def test_reason_code_and_parent_are_fixed():
    defect = Reason.objects.get(code="quality/defect")
    base = {
        "name_zh": defect.name_zh,
        "name_en": defect.name_en,
        "fault": "merchant",
        "is_quality": True,
    }
    errors = refused(
        reason_update,
        actor=ADMIN,
        reason=defect,
        data={**base, "code": "quality/broken", "parent": None},
    )
    assert set(errors) == {"code", "parent"}


def test_only_administrators_write_reasons():
    shop = f.merchant("m1")
    with pytest.raises(Forbidden):
        reason_create(actor=merchant_admin(shop), data=reason())


# --- the calendar -----------------------------------------------------------------------------


def test_calendar_day_set_and_clear():
    day = calendar_day_set(
        actor=ADMIN,
        data={"date": "2026-12-31", "kind": "holiday", "name_en": "Company day"},
    )
    assert (day.kind, day.name_zh, day.name_en) == ("holiday", "Company day", "Company day")
    # Setting again replaces the day.
    calendar_day_set(
        actor=ADMIN, data={"date": "2026-12-31", "kind": "holiday", "name_zh": "公司假日"}
    )
    assert CalendarDay.objects.get(date=date(2026, 12, 31)).name_zh == "公司假日"
    calendar_day_clear(actor=ADMIN, date=date(2026, 12, 31))
    assert not CalendarDay.objects.filter(date=date(2026, 12, 31)).exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("policies.calendar_day.set") == 2
    assert "policies.calendar_day.clear" in actions
    with pytest.raises(NotFound):
        calendar_day_clear(actor=ADMIN, date=date(2026, 12, 30))


def test_calendar_refuses_a_weekday_make_up_day_and_a_nameless_day():
    errors = refused(
        calendar_day_set,
        actor=ADMIN,
        data={"date": "2026-12-30", "kind": "workday", "name_en": "x"},  # a Wednesday
    )
    assert "Saturday or Sunday" in errors["kind"]
    errors = refused(calendar_day_set, actor=ADMIN, data={"date": "2026-12-26", "kind": "workday"})
    assert "name_en" in errors
    assert "date" in refused(
        calendar_day_set, actor=ADMIN, data={"date": "2026-02-30", "kind": "holiday"}
    )
    assert not CalendarDay.objects.filter(date__year=2026, date__month=12).exists()


def test_calendar_changes_move_business_time():
    from anxin.policies.business_hours import business_calendar

    calendar_day_set(
        actor=ADMIN, data={"date": "2026-12-26", "kind": "workday", "name_en": "Make-up"}
    )
    assert business_calendar().is_working_day(date(2026, 12, 26))


def test_only_administrators_edit_the_calendar():
    with pytest.raises(Forbidden):
        calendar_day_set(
            actor=Actor(role=Role.AGENT, platform=True, user_id=5),
            data={"date": "2026-12-31", "kind": "holiday", "name_en": "x"},
        )


# --- category exclusions ----------------------------------------------------------------------


def test_category_flags_set():
    books = Category.objects.get(code="books-print")
    category_flags_set(
        actor=SYSTEM,
        category=books,
        data={"is_custom_made": True, "confirm_kinds": ["activation_value", "activation_value"]},
    )
    books.refresh_from_db()
    assert books.art6_excluded and books.confirm_kinds == ["activation_value"]
    entry = AuditEntry.objects.get(action="catalog.category.flags")
    assert entry.data["changes"]["is_custom_made"] == [False, True]


def test_category_flags_refuse_unknown_kinds():
    books = Category.objects.get(code="books-print")
    errors = refused(
        category_flags_set, actor=ADMIN, category=books, data={"confirm_kinds": ["whatever"]}
    )
    assert "confirm_kinds.0" in errors
    books.refresh_from_db()
    assert books.confirm_kinds == []


def test_restocking_fee_is_a_decimal():
    row = policy_save(actor=ADMIN, data=platform_payload(restocking_fee_percent="2.50"))
    assert row.restocking_fee_percent == Decimal("2.50")
