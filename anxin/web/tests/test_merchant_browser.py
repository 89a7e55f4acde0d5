"""The merchant workbench in a real Chromium: screenshots of the queue, a case and the dashboard
at desktop and phone widths in both languages, no horizontal overflow, no script errors, and an
approval taken from the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_open, evidence_add
from anxin.cases.tests.builders import png_bytes
from anxin.cases.tests.helpers import NOW, delivered_order
from anxin.catalog.models import Customer
from anxin.core import clock

from .world import advance

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def busy_shop(world, media_root):
    """A queue worth looking at: overdue, at-risk and calm rows, several types, one photo."""

    def open_case(order, type, reason, at):
        clock.freeze(at)
        return case_open(
            actor=world.actor(world.consumer),
            data=CaseOpenIn(order=order, line="L1", type=type, reason=reason, quantity=1),
        )

    for external_id in ("E1003", "E1004"):
        order = delivered_order(world.shop, external_id)
        Customer.objects.filter(pk=order.customer_id).update(user=world.consumer)
    open_case("E1002", "return_refund", "no_reason/bought_wrong", NOW - timedelta(hours=11))
    exchange = open_case("E1002", "exchange", "size_fit", NOW)
    open_case("E1003", "refund_only", "quality/defect", NOW + timedelta(hours=30))
    open_case("E1004", "repair", "quality/defect", NOW + timedelta(hours=31))
    advance(
        exchange,
        (world.actor(world.merchant), "approve", {}),
        (world.actor(world.consumer), "ship_return", {"carrier": "SF", "tracking_number": "SF55"}),
    )
    evidence_add(actor=world.actor(world.consumer), case=world.case, stream=png_bytes((640, 480)))
    evidence_add(
        actor=world.actor(world.consumer),
        case=world.case,
        stream=png_bytes((480, 640), color=(30, 90, 200)),
    )
    # 40 hours on: one review is overdue, world.case's is at risk
    clock.freeze(NOW + timedelta(hours=40))


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_workbench_screens(world, open_session, settings, tmp_path, language, phone):
    settings.MEDIA_ROOT = tmp_path
    busy_shop(world, tmp_path)
    session = open_session(language, phone=phone)
    page = session.login("merchant")
    screens = [
        ("merchant-queue", "/shop/cases/"),
        ("merchant-case", f"/shop/cases/{world.case.number}/"),
        ("merchant-home", "/shop/"),
        ("merchant-addresses", "/shop/addresses/"),
    ]
    for name, path in screens:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() == 1
        assert no_horizontal_overflow(page), (name, language, phone)
        session.shot(name)
    assert session.console_errors == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_queue_rows_charts_and_countdowns(world, open_session, settings, tmp_path, language):
    settings.MEDIA_ROOT = tmp_path
    busy_shop(world, tmp_path)
    session = open_session(language)
    page = session.login("merchant")
    page.goto("/shop/cases/")
    assert page.locator("tr.overdue").count() == 1
    assert page.locator("tr.at-risk").count() == 1
    countdown = page.locator("tr.at-risk time[data-countdown]").first.inner_text()
    assert any(ch.isdigit() for ch in countdown)
    page.goto("/shop/")
    page.wait_for_selector("[data-chart='chart-status'] svg")
    page.wait_for_selector("[data-chart='chart-daily'] svg")
    page.goto(f"/shop/cases/{world.case.number}/")
    assert session.image_width(page.locator(".evidence img").first) > 0
    assert session.console_errors == []


def test_approve_from_the_queue(world, open_session):
    session = open_session("en")
    page = session.login("merchant")
    page.goto("/shop/cases/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#pick-all").check()
    page.get_by_role("button", name="Approve selected").click()
    page.wait_for_load_state()
    assert "Approved 1 of 1 cases" in page.locator(".flash").inner_text()
    world.case.refresh_from_db()
    assert world.case.status == "awaiting_return_shipment"
    assert session.console_errors == []
