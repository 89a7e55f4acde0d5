"""The consumer portal in a real Chromium: the request form on a phone (photo preview, live
eligibility), and every consumer page at phone and desktop widths without horizontal overflow.
Screenshots go to var/screenshots/."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.models import Case
from anxin.cases.services import case_open, evidence_add

from .pages_consumer import PAGES
from .world import advance

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (11, 122, 117)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_request_form_on_a_phone(world, open_session, language):
    session = open_session(language, phone=True)
    session.login("consumer")
    page = session.page
    page.goto(f"/my/orders/{world.second_order.public_id}/lines/L1/request/")
    assert page.locator("h1").count() == 1
    session.shot("consumer-request-start")

    # Choosing a quality reason asks the engine again: repair opens, the amount appears.
    assert page.locator("#type-repair").is_disabled()
    page.select_option("#id_reason", "quality/defect")
    page.locator("#type-repair:not([disabled])").wait_for()
    page.locator("label[for=type-refund_only]").click()
    amount = page.locator("#eligibility [data-testid=refund-amount]")
    amount.wait_for()
    assert amount.inner_text() == "¥71.00"
    assert page.locator("#type-refund_only").is_checked()

    # More units than the line has: the explanation says why, no error page.
    page.fill("#id_quantity", "3")
    page.locator("#id_quantity").dispatch_event("change")
    page.wait_for_selector("#eligibility .explanation.denied")
    page.fill("#id_quantity", "1")
    page.locator("#id_quantity").dispatch_event("change")
    page.wait_for_selector("#eligibility [data-testid=refund-amount]")

    # A photo shows as a preview before sending.
    page.set_input_files(
        "#id_photos", files=[{"name": "torn.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.wait_for_selector("#previews img")
    assert page.locator("#id_photos-check").inner_text() == ""
    # Leaving the quantity field fires its native change: the engine is asked once more.
    page.fill("#id_description", "The seam is torn.")
    session.htmx_idle()
    assert page.evaluate(NO_OVERFLOW)
    session.shot("consumer-request-filled")

    page.locator("form.request-form button[type=submit]").click()
    page.wait_for_url("**/my/requests/AS*/")
    case = Case.objects.get(order=world.second_order)
    assert case.type == "refund_only" and case.evidence.count() == 1
    # the photo arrives after the page: wait for it to load, then check it decoded
    assert session.image_width(page.locator(".evidence img").first) > 0
    assert page.evaluate(NO_OVERFLOW)
    session.shot("consumer-request-sent")
    assert not session.console_errors


def test_a_photo_too_large_is_stopped_in_the_browser(world, open_session):
    session = open_session("en", phone=True)
    session.login("consumer")
    page = session.page
    page.goto(f"/my/orders/{world.second_order.public_id}/lines/L1/request/")
    big = b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024 + 1)
    page.set_input_files(
        "#id_photos", files=[{"name": "big.png", "mimeType": "image/png", "buffer": big}]
    )
    check = page.locator("#id_photos-check")
    check.wait_for(state="visible")
    assert "10 MB" in check.inner_text()
    assert page.locator("#previews img").count() == 0


def more_cases(world):
    """An approved return with a photo, and a rejected request: every action form shows."""
    consumer, merchant = world.actor(world.consumer), world.actor(world.merchant)
    approved = case_open(
        actor=consumer,
        data=CaseOpenIn(order="E1002", line="L1", type="return_refund", reason="quality/defect"),
    )
    evidence_add(actor=consumer, case=approved, stream=png_bytes())
    advance(approved, (merchant, "approve", {}))
    rejected = advance(
        world.other_case,
        (world.actor(world.other_merchant), "reject", {"reason": "照片看不出质量问题。"}),
    )
    return approved, rejected


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("phone", [True, False], ids=["390", "1440"])
def test_consumer_pages_fit_the_screen(world, open_session, language, phone):
    approved, rejected = more_cases(world)
    session = open_session(language, phone=phone)
    session.login("consumer")
    page = session.page
    extra = [
        ("consumer-case-approved", f"/my/requests/{approved.number}/"),
        ("consumer-case-rejected", f"/my/requests/{rejected.number}/"),
    ]
    pages = [*PAGES, *((name, "consumer", lambda w, url=url: url) for name, url in extra)]
    for name, _username, url_of in pages:
        response = page.goto(url_of(world))
        assert response is not None and response.status == 200, name
        assert page.evaluate(NO_OVERFLOW), f"{name} overflows at {page.viewport_size['width']}px"
        session.shot(name)
    # The revise form, opened.
    page.goto(f"/my/requests/{rejected.number}/")
    page.locator("details.action summary").first.click()
    page.locator("#id_revise_reason").wait_for()
    assert page.evaluate(NO_OVERFLOW)
    session.shot("consumer-case-revise")
    assert not session.console_errors
