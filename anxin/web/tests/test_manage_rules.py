"""The rule pages' forms: policies, calendar, reasons, categories — each happy path, and bad input
answered with 422, the message next to the field, and nothing saved."""

from __future__ import annotations

from datetime import date

import pytest

from anxin.catalog.models import Category
from anxin.core.models import AuditEntry
from anxin.policies.models import POLICY_FIELDS, CalendarDay, Policy, Reason

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def platform_form(**changes):
    row = Policy.objects.get(scope="platform")
    data = {
        name: "" if getattr(row, name) is None else str(getattr(row, name))
        for name in POLICY_FIELDS
    }
    data["intact_conditions_zh"] = row.intact_conditions_zh
    data["intact_conditions_en"] = row.intact_conditions_en
    data.update(changes)
    return row, data


def field_error(body: str, name: str) -> str:
    marker = f'id="{name}-error"'
    assert marker in body, f"no error shown for {name}"
    start = body.index(marker)
    return body[start : body.index("</small>", start)]


# --- policies ---------------------------------------------------------------------------------


def test_edit_the_platform_row(world, as_user):
    row, data = platform_form(merchant_review_hours="72")
    response = as_user(world.admin).post(f"/manage/policies/{row.pk}/", data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.merchant_review_hours == 72
    assert AuditEntry.objects.filter(action="policies.policy.update").exists()


def test_platform_row_below_the_legal_floor_is_refused(world, as_user):
    row, data = platform_form(no_reason_days="5", exchange_days="abc")
    response = as_user(world.admin).post(f"/manage/policies/{row.pk}/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "The law requires at least 7 days." in field_error(body, "no_reason_days")
    assert field_error(body, "exchange_days")
    assert 'value="5"' in body  # what was typed comes back
    row.refresh_from_db()
    assert (row.no_reason_days, row.exchange_days) == (7, 15)


def test_platform_row_needs_every_value(world, as_user):
    row, data = platform_form(repair_days="")
    response = as_user(world.admin).post(
        f"/manage/policies/{row.pk}/", data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert "needs a value" in field_error(response.content.decode(), "repair_days")


def test_add_a_category_row(world, as_user):
    client = as_user(world.admin)
    page = client.get("/manage/policies/new/?scope=category").content.decode()
    assert 'value="books"' in page and 'value="digital"' not in page  # digital has a row
    response = client.post(
        "/manage/policies/new/", {"scope": "category", "category": "books", "exchange_days": "30"}
    )
    assert response.status_code == 302
    row = Policy.objects.get(category__code="books")
    assert response["Location"] == f"/manage/policies/{row.pk}/"
    assert row.exchange_days == 30


def test_add_a_row_that_exists_or_without_a_target_is_refused(world, as_user):
    client = as_user(world.admin)
    response = client.post("/manage/policies/new/", {"scope": "category", "category": "digital"})
    assert response.status_code == 422
    assert "already has its own row" in field_error(response.content.decode(), "category")
    response = client.post("/manage/policies/new/", {"scope": "category", "category": ""})
    assert response.status_code == 422
    assert field_error(response.content.decode(), "category")
    assert Policy.objects.filter(scope="category").count() == 5


def test_add_a_merchant_row_that_is_stricter_is_refused(world, as_user):
    response = as_user(world.admin).post(
        "/manage/policies/new/",
        {"scope": "merchant", "merchant": world.shop.code, "return_ship_days": "3"},
    )
    assert response.status_code == 422
    assert "Stricter than the platform" in field_error(
        response.content.decode(), "return_ship_days"
    )
    assert not Policy.objects.filter(merchant=world.shop).exists()


def test_policy_list_flags_merchant_values_that_no_longer_apply(world, as_user):
    Policy.objects.create(scope="merchant", merchant=world.shop, code="P-m-m1", no_reason_days=10)
    Policy.objects.filter(scope="platform").update(no_reason_days=14)
    body = as_user(world.admin).get("/manage/policies/").content.decode()
    assert "P-m-m1" in body and "Not applied" in body


# --- calendar ---------------------------------------------------------------------------------


def test_calendar_shows_the_year(world, as_user):
    body = as_user(world.admin).get("/manage/calendar/?year=2026").content.decode()
    assert "2026-10-01" in body and "National Day" in body
    body = as_user(world.admin, "zh-hans").get("/manage/calendar/?year=2026").content.decode()
    assert "国庆节" in body
    body = as_user(world.admin).get("/manage/calendar/?year=2027").content.decode()
    assert "provisional" in body
    # A nonsense year falls back to this year.
    assert as_user(world.admin).get("/manage/calendar/?year=abc").status_code == 200


def test_calendar_prefills_a_chosen_day(world, as_user):
    body = as_user(world.admin).get("/manage/calendar/?year=2026&date=2026-10-10").content.decode()
    assert 'value="2026-10-10"' in body
    assert '<option value="workday" selected>' in body


def test_set_and_clear_a_day(world, as_user):
    client = as_user(world.admin)
    response = client.post(
        "/manage/calendar/?year=2026",
        {"date": "2026-12-31", "kind": "holiday", "name_zh": "公司年会", "name_en": "Company day"},
    )
    assert response.status_code == 302
    assert "year=2026" in response["Location"]
    assert CalendarDay.objects.get(date=date(2026, 12, 31)).name_en == "Company day"
    response = client.post("/manage/calendar/clear/", {"date": "2026-12-31"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=date(2026, 12, 31)).exists()


def test_bad_calendar_input(world, as_user):
    client = as_user(world.admin)
    response = client.post(
        "/manage/calendar/", {"date": "2026-12-30", "kind": "workday", "name_en": "x"}
    )
    assert response.status_code == 422
    assert "Saturday or Sunday" in field_error(response.content.decode(), "kind")
    response = client.post(
        "/manage/calendar/", {"date": "2026-13-01", "kind": "holiday", "name_en": "x"}
    )
    assert response.status_code == 422
    assert field_error(response.content.decode(), "date")
    assert not CalendarDay.objects.filter(date__year=2026, date__month=12).exists()
    assert client.post("/manage/calendar/clear/", {"date": "nope"}).status_code == 400
    assert client.post("/manage/calendar/clear/", {"date": "2026-12-30"}).status_code == 404
    assert client.get("/manage/calendar/clear/").status_code == 405


# --- reasons ----------------------------------------------------------------------------------


def test_add_and_edit_a_reason(world, as_user):
    client = as_user(world.admin)
    response = client.post(
        "/manage/reasons/",
        {
            "code": "quality/scratched",
            "parent": "quality",
            "name_zh": "划痕",
            "name_en": "Scratched",
            "fault": "merchant",
            "is_quality": "on",
            "selectable": "on",
        },
    )
    assert response.status_code == 302
    reason = Reason.objects.get(code="quality/scratched")
    assert reason.is_quality and reason.selectable
    response = client.post(
        f"/manage/reasons/{reason.pk}/",
        {
            "code": "ignored",
            "name_zh": "划痕",
            "name_en": "Scratched surface",
            "fault": "merchant",
            "is_quality": "on",
        },
    )
    assert response.status_code == 302
    reason.refresh_from_db()
    assert (reason.code, reason.name_en, reason.selectable) == (
        "quality/scratched",
        "Scratched surface",
        False,
    )


def test_bad_reason_input(world, as_user):
    client = as_user(world.admin)
    count = Reason.objects.count()
    response = client.post(
        "/manage/reasons/",
        {"code": "Bad Code", "parent": "", "name_zh": "", "name_en": "x", "fault": "merchant"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert field_error(body, "code") and field_error(body, "name_zh")
    assert 'value="Bad Code"' in body
    defect = Reason.objects.get(code="quality/defect")
    response = client.post(
        f"/manage/reasons/{defect.pk}/",
        {"name_zh": "坏了", "name_en": "Broken", "fault": "consumer", "is_quality": "on"},
    )
    assert response.status_code == 422
    assert "merchant" in field_error(response.content.decode(), "fault")
    defect.refresh_from_db()
    assert defect.name_en == "Defective or broken"
    assert Reason.objects.count() == count


# --- categories -------------------------------------------------------------------------------


def test_toggle_category_flags(world, as_user):
    response = as_user(world.admin).post(
        "/manage/categories/books-print/",
        {"is_custom_made": "on", "confirm_kinds": ["activation_value"]},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#cat-books-print")
    books = Category.objects.get(code="books-print")
    assert books.is_custom_made and books.confirm_kinds == ["activation_value"]
    # Unticking everything clears them.
    as_user(world.admin).post("/manage/categories/books-print/", {})
    books.refresh_from_db()
    assert not books.is_custom_made and books.confirm_kinds == []


def test_bad_category_flags(world, as_user):
    response = as_user(world.admin).post(
        "/manage/categories/books-print/", {"confirm_kinds": ["made_up"], "is_digital": "on"}
    )
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    books = Category.objects.get(code="books-print")
    assert not books.is_digital and books.confirm_kinds == []
    assert as_user(world.admin).get("/manage/categories/books-print/").status_code == 405
