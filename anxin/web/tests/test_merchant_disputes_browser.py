"""A merchant answers a dispute in a real Chromium, on a desktop, in both languages: the queue with its
countdown, an evidence round answered with a photo, a proposal, a decision carried out, and the
deposit. Screenshots go to var/screenshots/; with ``ANXIN_DOCS_SCREENSHOTS=1`` the queue, the answer
and the decision are also saved as docs/screenshots/merchant-dispute-<step>-<lang>.png."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from anxin.accounts.models import User
from anxin.cases.models import Case
from anxin.cases.tests.builders import png_bytes
from anxin.core.actors import SYSTEM
from anxin.disputes.deposit import deposit_deduct
from anxin.disputes.models import Dispute, DisputeEvidence
from anxin.disputes.services import dispute_act

from .world import dispute_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOCS = Path(django_settings.BASE_DIR) / "docs" / "screenshots"
FOR_DOCS = ("queue", "answer", "decision")


def shot(session, step: str) -> None:
    path = session.shot(f"merchant-dispute-{step}")
    if step in FOR_DOCS and os.environ.get("ANXIN_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"merchant-dispute-{step}-{session.language}.png")


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def decide(world, dispute) -> None:
    """The mediator hands the dispute to arbitration; the arbitrator orders a partial refund."""
    dispute_act(actor=world.actor(world.agent), dispute=dispute, action="refer",
                payload={"reason": "双方各执一词，转交仲裁"})  # fmt: skip
    arbitrator = world.actor(User.objects.get(username="arbitrator"))
    dispute_act(
        actor=arbitrator,
        dispute=dispute,
        action="rule",
        payload={"remedy": "partial_refund", "amount": "40.00", "rules": ["P-9", "R-4"],
                 "template": "B-1", "merchant_at_fault": True,
                 "rationale": "商家出库照片未显示外壳背面，消费者照片显示的裂痕与运输无关；"
                              "按质量问题部分退款。"},
    )  # fmt: skip


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_merchant_answers_proposes_and_carries_out(
    world, open_session, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path
    dispute = dispute_of(world)
    session = open_session(language)
    page = session.login("merchant")

    # the queue: the dispute waits for the merchant, with its countdown and the nav's count
    page.goto("/shop/disputes/")
    row = page.locator("table.disputes tbody tr", has_text=dispute.number)
    assert row.count() == 1
    countdown = row.locator("time[data-countdown]")
    text = countdown.inner_text()  # the script counts down: "1d 0h left", not the date
    assert any(ch.isdigit() for ch in text) and text != countdown.get_attribute("title")
    assert page.locator(".mainnav a[aria-current=page] .badge").inner_text() == "1"
    assert no_horizontal_overflow(page)
    shot(session, "queue")

    # answer the evidence round with a photo
    row.locator("a", has_text=dispute.number).click()
    page.wait_for_load_state()
    page.set_input_files(
        "#submit-photos",
        files=[{"name": "outbound-check.png", "mimeType": "image/png",
                "buffer": png_bytes((640, 480), color=(40, 120, 90))}],
    )  # fmt: skip
    page.wait_for_selector("#submit-previews img")
    page.fill("#submit-note", "出库质检照片" if language == "zh-hans" else "Photo at dispatch")
    page.fill("#submit-statement", "商品出库时外壳完好，附出库质检照片。")
    assert no_horizontal_overflow(page)
    shot(session, "answer")
    page.locator("form.answer-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash .msg.success").count() == 1
    dispute.refresh_from_db()
    assert dispute.status == "mediation" and dispute.rounds.get().status == "answered"
    assert DisputeEvidence.objects.get(dispute=dispute).party == "merchant"
    assert session.image_width(page.locator(".evidence img").first) == 640

    # make a counter-proposal to the consumer's claim: a partial refund without return
    page.locator("#action-propose summary").click()
    page.locator("#propose-remedy").select_option("partial_refund")
    page.fill("#propose-amount", "30")
    page.fill("#propose-note", "愿意退款30元，无需退货。")
    page.locator("#action-propose button[type=submit]").click()
    page.wait_for_load_state()
    proposal = Dispute.objects.get(pk=dispute.pk).proposals.get(by_party="merchant")
    assert (proposal.remedy, proposal.amount) == ("partial_refund", Decimal("30.00"))
    assert page.locator("tr.proposal", has_text="30.00").count() == 1

    # the platform decides; the merchant carries the decision out
    decide(world, dispute)
    page.reload()
    assert page.locator("#action-execute").count() == 1
    assert "40.00" in page.locator("#action-execute").inner_text()
    assert no_horizontal_overflow(page)
    shot(session, "decision")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#action-execute button[type=submit]").click()
    page.wait_for_load_state()
    dispute.refresh_from_db()
    assert dispute.status == "executed"
    assert Case.objects.get(pk=dispute.case_id).status == "refunded"
    assert page.locator("#action-execute").count() == 0
    assert page.locator("#action-appeal").count() == 1

    # the deposit: an advance compensation the deposit could not cover holds the settlement
    deposit_deduct(actor=SYSTEM, merchant_id=world.shop.pk, amount=Decimal("85.00"),
                   key="browser:1", dispute_id=dispute.pk, note=dispute.number)  # fmt: skip
    page.goto("/shop/deposit/")
    assert page.locator("table.ledger tbody tr").count() == 1
    assert page.locator("table.ledger a", has_text=dispute.number).count() == 1
    assert no_horizontal_overflow(page)
    shot(session, "deposit")
    assert session.console_errors == []
