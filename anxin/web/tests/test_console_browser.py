"""The platform console in Chromium: every page at phone and desktop width in both languages
(screenshots under var/screenshots/), no horizontal overflow, no script errors, and an
intervention taken through the page's form."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from PIL import Image

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_open, evidence_add
from anxin.core import clock

from .conftest import reseed
from .pages_console import PAGES
from .world import build_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OVERFLOW = "document.documentElement.scrollWidth > window.innerWidth + 1"


@pytest.fixture
def console_world(open_session):
    reseed()
    return build_world()


def _png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, format="PNG")
    return out.getvalue()


def _busy_board(world):
    """world.case overdue (with two photos), a case at risk (the clock moves, nobody sweeps)."""
    for colour in ((200, 60, 40), (40, 90, 200)):
        evidence_add(actor=world.actor(world.consumer), case=world.case, stream=_png(colour))
    clock.advance(timedelta(hours=10))
    case_open(
        actor=world.actor(world.consumer),
        data=CaseOpenIn(order="E1002", line="L1", type="return_refund", reason="quality/defect"),
    )
    clock.advance(timedelta(hours=40))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_console_pages(open_session, console_world, language, phone, settings, tmp_path):
    world = console_world
    settings.MEDIA_ROOT = tmp_path
    _busy_board(world)
    session = open_session(language, phone=phone)
    session.login("agent")
    for name, _username, url in PAGES:
        response = session.page.goto(url(world))
        assert response.status == 200, name
        session.page.wait_for_load_state("networkidle")
        session.shot(name)
        assert not session.page.evaluate(OVERFLOW), f"{name} overflows horizontally"
    assert session.console_errors == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_intervene_from_the_case_page(open_session, console_world, language):
    world = console_world
    session = open_session(language)
    page = session.login("agent")
    page.goto(reverse("console:case", args=[world.other_case.number]))
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#act-approve summary").click()
    # a whitespace reason passes the browser's check; the service refuses it next to the field
    page.locator("#approve-reason").fill("   ")
    page.locator("#act-approve button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#approve-reason-error").is_visible()
    session.shot("console-case-refused")
    page.locator("#approve-reason").fill("商家48小时未响应，平台介入同意退款")
    page.locator("#act-approve button[type=submit]").click()
    page.wait_for_load_state()
    timeline = page.locator(".timeline").inner_text()
    assert "商家48小时未响应，平台介入同意退款" in timeline
    assert "agent" in timeline
    session.shot("console-case-intervened")
    # the refused attempt answered 422 on purpose; nothing else may complain
    assert [e for e in session.console_errors if "status of 422" not in e] == []
