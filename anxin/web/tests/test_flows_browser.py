"""The issue's journeys, end to end in a real Chromium, in zh-Hans and in English.

1. A consumer files a return with a photo and sees the explanation first; the merchant approves
   it from the queue; the consumer enters a tracking number; a signed carrier webhook marks the
   parcel delivered; the merchant confirms receipt and refunds; the consumer sees the refund in
   the timeline.
2. A rejected request is revised and then approved.
3. The merchant does not answer: after the clock moves past the review deadline the sweeper
   approves, and the consumer sees the automatic approval with its reason.
4. A merchant cannot open another merchant's case (the 404 page).
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import translation
from PIL import Image

from anxin.cases.choices import CaseStatus
from anxin.cases.models import Case
from anxin.cases.tracking import sign_generic
from anxin.core import clock
from anxin.core.sweeper import sweep_until_idle
from anxin.web.case_display import ACTION_LABELS
from anxin.web.tests.conftest import htmx_idle

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LANGUAGES = ["zh-hans", "en"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 60, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def label(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def accept_dialogs(page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def submit(page, form_selector: str) -> None:
    """Submit a form (opening the <details> it is folded in, as a person would)."""
    page.locator(form_selector).first.evaluate(
        "form => { const d = form.closest('details'); if (d) d.open = true; }"
    )
    htmx_idle(page)
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def case_status(number: str) -> str:
    return Case.objects.values_list("status", flat=True).get(number=number)


@pytest.mark.parametrize("language", LANGUAGES)
def test_return_refund_journey(world, open_session, language):
    consumer = open_session(language, phone=True)
    merchant = open_session(language)
    consumer.login("consumer")
    merchant.login("merchant")
    accept_dialogs(consumer.page)
    accept_dialogs(merchant.page)

    # The consumer asks for a return with a photo; the explanation and amount come first.
    page = consumer.page
    page.goto(f"/my/orders/{world.second_order.public_id}/lines/L1/request/")
    page.select_option("#id_reason", "no_reason/changed_mind")
    page.locator("label[for=type-return_refund]").click()
    amount = page.locator("#eligibility [data-testid=refund-amount]")
    amount.wait_for()
    assert amount.inner_text().startswith("¥")
    assert page.locator("#eligibility .explanation li").count() >= 1
    page.set_input_files(
        "#id_photos", files=[{"name": "box.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.wait_for_selector("#previews img")
    page.fill("#id_description", "尺码不合适 / wrong size")
    consumer.shot("journey-1-request")
    submit(page, "form.request-form")
    number = re.search(r"/my/requests/([^/]+)/", page.url).group(1)
    case = Case.objects.get(number=number)
    assert case.status == CaseStatus.MERCHANT_REVIEW
    assert case.evidence.count() == 1

    # The merchant approves it from the queue (bulk approve with the default address).
    mpage = merchant.page
    mpage.goto("/shop/cases/")
    mpage.locator(f"#pick-{number}").check()
    submit(mpage, "#bulk")
    assert case_status(number) == CaseStatus.AWAITING_RETURN_SHIPMENT
    merchant.shot("journey-2-queue-approved")

    # The consumer enters the tracking number.
    page.goto(f"/my/requests/{number}/")
    assert page.locator("a[href$='label.pdf']").count() == 1
    page.fill("#id_carrier", "SF")
    page.fill("#id_tracking_number", "SF-RETURN-77")
    submit(page, "form[action$='/act/ship_return/']")
    assert case_status(number) == CaseStatus.RETURN_IN_TRANSIT

    # The carrier pushes "delivered" (signed webhook to the running server).
    body = json.dumps(
        {
            "event_id": f"evt-{language}",
            "carrier": "SF",
            "tracking_number": "SF-RETURN-77",
            "status": "delivered",
            "occurred_at": (clock.now() - timedelta(minutes=5)).isoformat(),
            "description": "已签收",
        },
        ensure_ascii=False,
    ).encode()
    headers = sign_generic(
        body,
        secret=settings.ANXIN_TRACKING_SECRETS["generic"],
        timestamp=int(clock.now().timestamp()),
    )
    response = consumer.context.request.post(
        "/api/v1/webhooks/inbound/tracking/generic",
        data=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status == 200, response.text()
    assert case_status(number) == CaseStatus.RETURN_DELIVERED

    # The merchant confirms receipt, then refunds.
    mpage.goto(f"/shop/cases/{number}/")
    submit(mpage, "#action-confirm_receipt form")
    assert case_status(number) == CaseStatus.REFUND_PENDING
    submit(mpage, "#action-refund form")
    assert case_status(number) == CaseStatus.REFUNDED
    merchant.shot("journey-3-merchant-refunded")

    # The consumer sees the refund in the timeline, in their language.
    page.goto(f"/my/requests/{number}/")
    refund_event = page.locator(".timeline .event[data-action=refund]")
    assert refund_event.count() == 1
    assert label(language, ACTION_LABELS["refund"]) in refund_event.inner_text()
    assert label(language, CaseStatus.REFUNDED.label) in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.lang") == language
    consumer.shot("journey-4-consumer-refunded")
    assert not consumer.console_errors and not merchant.console_errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_rejected_request_is_revised_and_approved(world, open_session, language):
    number = world.case.number
    consumer = open_session(language, phone=True)
    merchant = open_session(language)
    consumer.login("consumer")
    merchant.login("merchant")
    accept_dialogs(consumer.page)
    accept_dialogs(merchant.page)

    mpage = merchant.page
    mpage.goto(f"/shop/cases/{number}/")
    mpage.locator("#action-reject summary").click()
    mpage.fill("#reject-reason", "吊牌已拆 / tags removed")
    submit(mpage, "#action-reject form")
    assert case_status(number) == CaseStatus.REJECTED

    page = consumer.page
    page.goto(f"/my/requests/{number}/")
    assert "吊牌已拆 / tags removed" in page.locator(".timeline").inner_text()
    page.locator("form[action$='/act/revise/']").locator("xpath=..").locator("summary").click()
    page.locator("#id_revise_description").fill("吊牌还在，见照片 / tags are attached")
    submit(page, "form[action$='/act/revise/']")
    assert case_status(number) == CaseStatus.MERCHANT_REVIEW

    mpage.goto(f"/shop/cases/{number}/")
    submit(mpage, "#action-approve form")
    assert case_status(number) == CaseStatus.AWAITING_RETURN_SHIPMENT

    page.goto(f"/my/requests/{number}/")
    actions = page.locator(".timeline .event").evaluate_all(
        "events => events.map(e => e.dataset.action)"
    )
    assert actions == ["open", "reject", "revise", "approve"]
    consumer.shot("journey-revised-approved")


@pytest.mark.parametrize("language", LANGUAGES)
def test_auto_approval_is_shown_with_its_reason(world, open_session, language):
    number = world.case.number
    hours = world.case.policy["merchant_review_hours"]
    clock.advance(timedelta(hours=hours, minutes=1))
    sweep_until_idle()
    assert case_status(number) == CaseStatus.AWAITING_RETURN_SHIPMENT

    consumer = open_session(language, phone=True)
    consumer.login("consumer")
    page = consumer.page
    page.goto(f"/my/requests/{number}/")
    event = page.locator(".timeline .event.automatic[data-action=approve]")
    assert event.count() == 1
    text = event.inner_text()
    assert "P-2/P-3" in text
    assert str(hours) in text
    with translation.override(language):
        from anxin.web.case_display import ROLE_LABELS, RULE_SENTENCES

        assert str(ROLE_LABELS["system"]) in text
        assert str(RULE_SENTENCES["P-2/P-3"] % {"n": hours}) in text
    consumer.shot("journey-auto-approved")


@pytest.mark.parametrize("language", LANGUAGES)
def test_merchant_cannot_open_another_merchants_case(world, open_session, language):
    merchant = open_session(language)
    merchant.login("merchant")
    response = merchant.page.goto(f"/shop/cases/{world.other_case.number}/")
    assert response.status == 404
    assert merchant.page.locator(".error-code").inner_text() == "404"
    assert world.other_case.number not in merchant.page.locator("main").inner_text()
    merchant.shot("journey-foreign-case-404")
