"""Administration in Chromium: a token issued and revoked, a calendar day set from the month grid,
and the merchant's policy page refusing a stricter value next to the field. (The admin pages at
phone and desktop width in both languages are in test_screenshots, with rows in every list.)"""

from __future__ import annotations

import pytest

from .conftest import reseed
from .world import build_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OVERFLOW = "document.documentElement.scrollWidth > window.innerWidth + 1"


@pytest.fixture
def world(open_session):
    """The page-test world, on the live server's database with its seed rows."""
    reseed()
    return build_world()


def test_issue_and_revoke_a_token(open_session, world):
    session = open_session("en")
    page = session.login("admin")
    page.goto("/manage/tokens/")
    page.locator("#f-name").fill("ERP")
    page.locator("#f-merchant").select_option("m1")
    page.locator("#new-token button[type=submit]").click()
    page.wait_for_load_state()
    raw = page.locator("#issued-token").input_value()
    assert raw.startswith("anx_")
    session.shot("manage-token-issued")
    page.goto("/manage/tokens/")
    assert raw not in page.content()
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/revoke/'] button").first.click()
    page.wait_for_load_state()
    assert page.locator(".badge.denied").first.is_visible()
    assert session.console_errors == []


def test_set_a_day_from_the_month_grid(open_session, world):
    session = open_session("zh-hans")
    page = session.login("admin")
    page.goto("/manage/calendar/?year=2026")
    page.locator("a[aria-label^='2026-12-26']").click()  # a Saturday
    page.wait_for_load_state()
    assert page.locator("#f-date").input_value() == "2026-12-26"
    assert page.locator("#f-kind").input_value() == "workday"
    page.locator("#f-name-zh").fill("年终调休")
    page.locator("#day-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#day-2026-12-26").is_visible()
    session.shot("manage-calendar-set")
    assert session.console_errors == []


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.urls("anxin.web.tests.test_policy_settings")
def test_merchant_policy_page(open_session, world, language, phone):
    from .test_policy_settings import URL

    session = open_session(language, phone=phone)
    page = session.login("merchant_admin")
    response = page.goto(URL)
    assert response.status == 200
    session.shot("merchant-policy")
    assert not page.evaluate(OVERFLOW), "the policy page overflows horizontally"
    page.locator("#f-no_reason_days").fill("30")
    page.locator("#f-return_ship_days").fill("3")
    page.locator("form.policy-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#return_ship_days-error").is_visible()
    session.shot("merchant-policy-refused")
    page.locator("#f-return_ship_days").fill("")
    page.locator("form.policy-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash .msg").first.is_visible()
    # The refused form is answered with 422, which Chromium logs; nothing else may be.
    assert [e for e in session.console_errors if "422" not in e] == []
