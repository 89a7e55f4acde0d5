"""The consumer's dispute path in a real Chromium on a phone (375×812), in both languages: open a
dispute from a rejected request, decline the shop's proposal, ask the platform to step in, accept
the platform's proposal, upload evidence when asked, read the decision and appeal with new
evidence. The other sides' steps go through the services. Screenshots of four steps are saved
to var/screenshots/ (docs/screenshots/ with ANXIN_DOCS_SCREENSHOTS=1) as
consumer-dispute-<step>-<language>.png (256 colours, to stay small)."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from anxin.accounts.models import User
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.disputes.models import Dispute
from anxin.disputes.services import dispute_act, proposal_answer

from .conftest import Session
from .pages_consumer import rejected_case

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}
# var/screenshots/ on every run; docs/screenshots/ (committed) only with ANXIN_DOCS_SCREENSHOTS=1.
SHOTS = Path(settings.BASE_DIR) / (
    "docs/screenshots" if os.environ.get("ANXIN_DOCS_SCREENSHOTS") == "1" else "var/screenshots"
)
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png(colour: tuple[int, int, int]) -> dict[str, object]:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="PNG")
    return {"name": "crack.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def shot(session: Session, step: str) -> None:
    """A full-page screenshot, reduced to 256 colours (a few tens of kB)."""
    page = session.page
    assert page.evaluate(NO_OVERFLOW), f"{step} overflows at {PHONE['width']}px"
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"consumer-dispute-{step}-{session.language}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)


def step(dispute: Dispute, who, action: str, **payload) -> None:
    dispute.refresh_from_db()
    dispute_act(actor=who, dispute=dispute, action=action, payload=payload)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_consumer_dispute_path_on_a_phone(world, browser, live_server, language):
    session = Session(browser, live_server.url, language, PHONE)
    try:
        walk(world, session)
    finally:
        session.close()


def walk(world, session: Session) -> None:
    shop = world.actor(world.other_merchant)
    agent = world.actor(world.agent)
    arbitrator = world.actor(f.user("arbitrator", Role.ARBITRATOR))
    f.user("arbitrator_2", Role.ARBITRATOR)  # an appeal goes to a different arbitrator
    case = rejected_case(world)
    page = session.page
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations say yes
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(world.consumer.username)
    page.locator("#id_password").fill(f.PASSWORD)
    page.locator("form[novalidate] button[type=submit]").click()
    page.wait_for_url("**/my/**")

    # 1. The rejected request's "Ask the platform to step in" leads to the dispute form.
    page.goto(f"/my/requests/{case.number}/")
    page.locator(f"a[href='/my/cases/{case.number}/dispute/']").click()
    page.wait_for_url(f"**/my/cases/{case.number}/dispute/")
    page.locator("label[for=claim-partial_refund]").click()
    page.fill("#id_amount", "60")
    page.fill("#id_statement", "收到时外壳已开裂，包装完好。The case was cracked on arrival.")
    page.set_input_files("#id_photos", files=[png((180, 40, 40))])
    page.wait_for_selector("#previews img")
    shot(session, "open")
    page.locator("form.request-form button[type=submit]").click()
    page.wait_for_url("**/my/disputes/DP*/")
    dispute = Dispute.objects.get(case=case)
    assert dispute.claim == "partial_refund" and dispute.evidence.count() == 1
    assert page.locator(".countdown").count() >= 1

    # 2. The shop offers less; the consumer declines it with a reason.
    step(dispute, shop, "propose", remedy="partial_refund", amount="20", note="最多补偿20元。")
    page.reload()
    proposal = page.locator(".proposal").first
    assert "¥20.00" in proposal.inner_text()
    shot(session, "proposal")
    proposal.locator("details.action summary").click()
    proposal.locator("textarea[name=reason]").fill("太少了")
    proposal.locator("details.action button[type=submit]").click()
    page.wait_for_load_state()
    assert dispute.proposals.get(by_party="merchant").status == "declined"

    # 3. A day later the consumer asks the platform to step in; the shop answers the round.
    clock.advance(timedelta(hours=25))
    page.reload()
    page.locator("#platform form button[type=submit]").click()
    page.wait_for_load_state()
    dispute.refresh_from_db()
    assert dispute.status == "awaiting_evidence"
    step(dispute, shop, "submit", statement="出库时检验完好。")

    # 4. The mediator proposes; the consumer accepts (the shop still has to), the shop declines.
    step(dispute, agent, "propose", remedy="partial_refund", amount="45", note="双方各让一步。")
    page.reload()
    page.locator(".proposal form.action-form button[type=submit]").click()
    page.wait_for_load_state()
    mediated = dispute.proposals.get(status="open")
    assert mediated.consumer_accepted_at is not None
    dispute.refresh_from_db()
    proposal_answer(actor=shop, dispute=dispute, payload={"proposal": mediated.pk}, accept=False)

    # 5. Evidence is asked of the consumer: what, by when; upload, then answer.
    step(dispute, agent, "open_round", party="consumer", template="B-1",
         request="请拍摄裂缝近照和快递面单。", reason="需要补充照片")  # fmt: skip
    page.reload()
    asked = page.locator("#asked")
    assert asked.locator(".countdown").count() == 1
    asked.locator("input[type=file]").set_input_files(files=[png((40, 40, 180))])
    asked.locator(".photo-previews img").wait_for()
    shot(session, "evidence")
    asked.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url("**#asked")
    page.locator("#id_submit_statement").fill("已上传裂缝近照。")
    page.locator("#asked form:not([enctype]) button[type=submit]").click()
    page.wait_for_load_state()
    dispute.refresh_from_db()
    assert dispute.status == "mediation"
    assert dispute.rounds.get(party="consumer").evidence.count() == 1

    # 6. Arbitration decides a partial refund; the shop carries it out; the consumer reads it.
    clock.advance(timedelta(hours=2))
    step(dispute, agent, "refer", reason="调解不成")
    step(dispute, arbitrator, "rule", remedy="partial_refund", amount="45",
         rationale="照片显示外壳开裂且包装完好，按可见瑕疵由消费者举证的规则，酌情部分退款。",
         rules=["P-9"], template="B-1")  # fmt: skip
    step(dispute, shop, "execute")
    page.reload()
    decision = page.locator("#decision")
    assert "¥45.00" in decision.inner_text()
    assert "照片显示外壳开裂" in decision.inner_text()
    decision.locator("#appeal").scroll_into_view_if_needed()
    shot(session, "decision")

    # 7. Appeal: the new evidence first, then the appeal (to an arbitrator who did not decide).
    f.user("arbitrator-2", Role.ARBITRATOR)
    appeal = page.locator("#appeal")
    appeal.locator("input[type=file]").set_input_files(files=[png((40, 160, 40))])
    appeal.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url("**#appeal")
    page.locator("#id_appeal_statement").fill("收货当天已拍照，裂缝不是我造成的。")
    page.locator("#appeal form:not([enctype]) button[type=submit]").click()
    page.wait_for_load_state()
    dispute.refresh_from_db()
    assert dispute.status == "appealed" and dispute.appealed_by == "consumer"
    assert page.evaluate(NO_OVERFLOW)
    assert User.objects.filter(username="arbitrator").exists()
    assert not session.console_errors, session.console_errors
