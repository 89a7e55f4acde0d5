"""The merchant's dispute pages (/shop/disputes/, /shop/deposit/) and the administrators' deposit page:
who may open them, what they show, and every form — its success and its refusal with the field at
fault (never a 500)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anxin.accounts.models import User
from anxin.cases.services import case_act
from anxin.cases.tests.builders import png_bytes
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM, Role
from anxin.core.sweeper import sweep_until_idle
from anxin.disputes.deposit import deposit_deduct
from anxin.disputes.models import DepositAccount, DepositEntry, DisputeEvidence
from anxin.disputes.services import dispute_act, dispute_open
from anxin.disputes.workflow import DISPUTE_WORKFLOW
from anxin.web.templatetags.anxin_web import money
from anxin.web.views.merchant.dispute_display import AUTOMATIC_REASONS, DUE_LABELS, EVENT_LABELS

from .world import dispute_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world, settings, tmp_path):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    settings.MEDIA_ROOT = tmp_path
    return shared_world


def url(dispute, tail=""):
    return f"/shop/disputes/{dispute.number}/{tail}"


def post(client, dispute, action, **fields):
    dispute.refresh_from_db()
    return client.post(
        url(dispute, "act/"), {"action": action, "version": dispute.state_version, **fields}
    )


def photo(name="crack.png"):
    return SimpleUploadedFile(name, png_bytes((64, 48)), content_type="image/png")


def merchant_proposals(dispute):
    return dispute.proposals.filter(by_party="merchant")


def arbitrator():
    return User.objects.get(username="arbitrator")


def ruled(world, remedy="partial_refund", amount="30.00"):
    """The dispute answered, referred to arbitration and decided (waiting for the merchant)."""
    dispute = dispute_of(world)
    dispute_act(actor=world.actor(world.merchant), dispute=dispute, action="submit",
                payload={"statement": "商品出库时完好。"})  # fmt: skip
    dispute_act(actor=world.actor(world.agent), dispute=dispute, action="refer",
                payload={"reason": "双方各执一词"})  # fmt: skip
    dispute_act(
        actor=world.actor(arbitrator()),
        dispute=dispute,
        action="rule",
        payload={"remedy": remedy, "amount": amount, "rules": ["P-9"], "template": "B-1",
                 "rationale": "The photos show a crack that the parcel could not have caused."},
    )  # fmt: skip
    dispute.refresh_from_db()
    assert dispute.status == "ruled"
    return dispute


# --- who may open the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_opens_for_the_shop_staff(world, as_user, language):
    dispute = dispute_of(world)
    for user in (world.merchant, world.merchant_admin):
        client = as_user(user, language)
        for path in (
            "/shop/disputes/",
            "/shop/disputes/?show=mediation",
            "/shop/disputes/?show=decided",
            "/shop/disputes/?show=all",
            "/shop/disputes/?show=nonsense",
            url(dispute),
            "/shop/deposit/",
            "/shop/",
        ):
            assert client.get(path).status_code == 200, (user.username, path)
    admin = as_user(world.admin, language)
    assert admin.get(f"/manage/merchants/{world.shop.code}/deposit/").status_code == 200


def test_another_shops_staff_gets_404_and_an_empty_queue(world, as_user):
    dispute = dispute_of(world)
    client = as_user(world.other_merchant)
    assert client.get(url(dispute)).status_code == 404
    assert post(client, dispute, "propose", remedy="exchange").status_code == 404
    assert client.get("/shop/disputes/nope/").status_code == 404
    body = client.get("/shop/disputes/?show=all").content.decode()
    assert dispute.number not in body
    assert not merchant_proposals(dispute).exists()


@pytest.mark.parametrize("who", ["consumer", "agent", "admin"])
def test_roles_that_may_not_get_403(world, as_user, who):
    dispute = dispute_of(world)
    client = as_user(getattr(world, who))
    for path in ("/shop/disputes/", url(dispute), "/shop/deposit/"):
        assert client.get(path).status_code == 403, path
    assert post(client, dispute, "propose", remedy="exchange").status_code == 403
    assert not merchant_proposals(dispute).exists()


@pytest.mark.parametrize("who", ["consumer", "merchant", "merchant_admin", "agent"])
def test_only_administrators_open_the_deposit_page(world, as_user, who):
    client = as_user(getattr(world, who))
    path = f"/manage/merchants/{world.shop.code}/deposit/"
    assert client.get(path).status_code == 403
    assert client.post(path, {"amount": "100", "reference": "X1"}).status_code == 403
    assert not DepositEntry.unscoped.exists()


def test_signed_out_visitors_go_to_the_login(world, client):
    dispute = dispute_of(world)
    for path in ("/shop/disputes/", url(dispute), "/shop/deposit/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_merchant_code_is_404(world, as_user):
    assert as_user(world.admin).get("/manage/merchants/nope/deposit/").status_code == 404


# --- the queue -----------------------------------------------------------------------------------


def test_queue_shows_what_waits_with_its_countdown_and_the_nav_count(world, as_user):
    dispute = dispute_of(world)
    body = as_user(world.merchant, "en").get("/shop/disputes/").content.decode()
    assert dispute.number in body
    assert f'data-countdown="{dispute.due_at.isoformat()}"' in body
    assert "Your evidence is due" in body
    assert f"Full refund {money(dispute.claim_amount)}" in body
    assert "Your turn" in body
    assert 'title="Disputes waiting for your answer">1</span>' in body  # the nav badge


def test_an_answered_dispute_leaves_the_waiting_filter(world, as_user):
    dispute = dispute_of(world)
    dispute_act(actor=world.actor(world.merchant), dispute=dispute, action="submit",
                payload={"statement": "商品出库时完好。"})  # fmt: skip
    client = as_user(world.merchant, "en")
    assert dispute.number not in client.get("/shop/disputes/").content.decode()
    assert dispute.number in client.get("/shop/disputes/?show=mediation").content.decode()
    assert "No dispute waits for your answer." in client.get("/shop/disputes/").content.decode()


def test_queue_in_chinese(world, as_user):
    dispute_of(world)
    body = as_user(world.merchant, "zh-hans").get("/shop/disputes/").content.decode()
    assert '<html lang="zh-hans"' in body


# --- the dispute page ----------------------------------------------------------------------------


def negotiating(world):
    """The merchant rejected the first request and the consumer disputes it: negotiation."""
    case_act(actor=world.actor(world.merchant), case=world.case, action="reject",
             payload={"reason": "吊牌已拆除"})  # fmt: skip
    world.case.refresh_from_db()
    dispute = dispute_open(actor=world.actor(world.consumer), case=world.case,
                           payload={"claim": "full_refund", "statement": "吊牌是快递途中脱落的。"})  # fmt: skip
    dispute.refresh_from_db()
    return dispute


def test_in_negotiation_the_claim_waits_for_the_merchant(world, as_user):
    dispute = negotiating(world)
    client = as_user(world.merchant, "en")
    assert dispute.number in client.get("/shop/disputes/").content.decode()
    body = client.get(url(dispute)).content.decode()
    assert "Answer the claim" in body and f'data-countdown="{dispute.due_at.isoformat()}"' in body
    claim = dispute.proposals.get()
    assert post(client, dispute, "accept", proposal=claim.pk).status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "settled"
    assert dispute.number not in client.get("/shop/disputes/").content.decode()


def test_a_counter_proposal_answers_the_claim(world, as_user):
    dispute = negotiating(world)
    client = as_user(world.merchant, "en")
    assert post(client, dispute, "propose", remedy="partial_refund", amount="50").status_code == 302
    assert dispute.proposals.get(by_party="consumer").status == "declined"
    body = client.get(url(dispute)).content.decode()
    assert "Waiting for the consumer&#x27;s answer to your proposal." in body
    assert dispute.number not in client.get("/shop/disputes/").content.decode()
    # once the merchant answered, the dispute closes after 7 days unless taken to the platform
    assert "Closes unless the consumer asks the platform to step in" in body


def test_page_says_what_is_asked_and_by_when(world, as_user):
    dispute = dispute_of(world)
    body = as_user(world.merchant, "en").get(url(dispute)).content.decode()
    assert "What is asked of you" in body
    assert "The merchant answers the claim" in body  # the burden template B-7
    assert f'data-countdown="{dispute.due_at.isoformat()}"' in body
    assert 'name="action" value="submit"' in body and 'name="photos"' in body
    assert "收到时外壳已开裂" in body  # the consumer's statement
    assert f"Full refund {money(dispute.claim_amount)}" in body
    # the history says who in words, never an internal id or a role code
    assert "Platform agent" in body and "消费者反映商品破损" in body
    assert "user:" not in body and "merchant_staff" not in body
    # only the table's buttons: no decision to carry out, no appeal
    assert 'value="execute"' not in body and 'value="appeal"' not in body


def test_answer_a_round_with_a_photo(world, as_user):
    dispute = dispute_of(world)
    client = as_user(world.merchant, "en")
    response = post(client, dispute, "submit", statement="出库质检照片见附件。",
                    note="出库照片", photos=[photo()])  # fmt: skip
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "mediation"
    answered = dispute.rounds.get()
    assert answered.status == "answered" and answered.statement == "出库质检照片见附件。"
    given = DisputeEvidence.objects.get(dispute=dispute)
    assert given.party == "merchant" and given.round == answered and given.note == "出库照片"
    body = client.get(url(dispute)).content.decode()
    assert "Your answer was sent to the platform." in body
    assert str(given.evidence.public_id) in body  # the photo shows under "Your shop"


def test_an_answer_without_words_is_refused_with_the_field(world, as_user):
    dispute = dispute_of(world)
    response = post(as_user(world.merchant, "en"), dispute, "submit", statement="  ")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="submit-statement-error"' in body and 'aria-invalid="true"' in body
    dispute.refresh_from_db()
    assert dispute.status == "awaiting_evidence"


def test_a_file_that_is_not_a_photo_is_refused_with_the_field(world, as_user):
    dispute = dispute_of(world)
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = post(as_user(world.merchant, "en"), dispute, "submit", statement="见附件",
                    photos=[fake])  # fmt: skip
    assert response.status_code == 422
    assert 'id="submit-photos-error"' in response.content.decode()
    assert not DisputeEvidence.objects.filter(dispute=dispute).exists()
    dispute.refresh_from_db()
    assert dispute.status == "awaiting_evidence"


def test_add_photos_without_a_file_is_refused(world, as_user):
    dispute = dispute_of(world)
    response = post(as_user(world.merchant, "en"), dispute, "photos")
    assert response.status_code == 422
    assert 'id="photos-photos-error"' in response.content.decode()


def test_make_a_proposal(world, as_user):
    dispute = dispute_of(world)
    client = as_user(world.merchant, "en")
    response = post(client, dispute, "propose", remedy="partial_refund", amount="40",
                    note="愿意部分退款")  # fmt: skip
    assert response.status_code == 302
    proposal = merchant_proposals(dispute).get()
    assert (proposal.remedy, proposal.amount) == ("partial_refund", Decimal("40.00"))
    body = client.get(url(dispute)).content.decode()
    assert "Partial refund ¥40.00" in body and "Your shop" in body


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"remedy": "partial_refund", "amount": "lots"}, "amount"),
        ({"remedy": "partial_refund"}, "amount"),
        ({"remedy": "partial_refund", "amount": "99999"}, "amount"),
        ({"remedy": "partial_refund", "amount": "-5"}, "amount"),
        ({"remedy": "reject"}, "remedy"),
        ({"remedy": "bogus"}, "remedy"),
        ({"remedy": "exchange", "note": "x" * 1001}, "note"),
    ],
)
def test_a_bad_proposal_is_refused_with_the_field(world, as_user, fields, field):
    dispute = dispute_of(world)
    response = post(as_user(world.merchant, "en"), dispute, "propose", **fields)
    assert response.status_code == 422
    assert f'id="propose-{field}-error"' in response.content.decode()
    assert not merchant_proposals(dispute).exists()


def test_accept_the_consumers_proposal_settles_and_refunds(world, as_user):
    dispute = dispute_of(world)
    dispute_act(actor=world.actor(world.consumer), dispute=dispute, action="propose",
                payload={"remedy": "partial_refund", "amount": "30"})  # fmt: skip
    client = as_user(world.merchant, "en")
    body = client.get(url(dispute)).content.decode()
    assert 'value="accept"' in body and 'value="decline"' in body
    proposal = dispute.proposals.get(status="open")
    assert post(client, dispute, "accept", proposal=proposal.pk).status_code == 302
    dispute.refresh_from_db()
    dispute.case.refresh_from_db()
    assert dispute.status == "settled" and dispute.case.status == "refunded"


def test_decline_the_consumers_proposal(world, as_user):
    dispute = dispute_of(world)
    dispute_act(actor=world.actor(world.consumer), dispute=dispute, action="propose",
                payload={"remedy": "partial_refund", "amount": "30"})  # fmt: skip
    proposal = dispute.proposals.get(status="open")
    assert (
        post(as_user(world.merchant), dispute, "decline", proposal=proposal.pk).status_code == 302
    )
    proposal.refresh_from_db()
    assert proposal.status == "declined"


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_answering_a_missing_proposal_is_a_field_error(world, as_user, value):
    dispute = dispute_of(world)
    response = post(as_user(world.merchant, "en"), dispute, "accept", proposal=value)
    assert response.status_code == 422
    assert 'id="proposal-error"' in response.content.decode()


def test_a_step_on_a_stale_page_or_an_unknown_step_is_refused_not_500(world, as_user):
    dispute = dispute_of(world)
    client = as_user(world.merchant, "en")
    stale = client.post(
        url(dispute, "act/"), {"action": "propose", "remedy": "exchange", "version": "0"}
    )
    assert stale.status_code == 409
    assert client.post(url(dispute, "act/"), {"action": "warp"}).status_code == 400
    assert client.post(url(dispute, "act/"), {"action": "execute"}).status_code == 409
    assert client.post(url(dispute, "act/"), {"action": "rule"}).status_code in (403, 422)
    assert not merchant_proposals(dispute).exists()


def test_carry_out_a_decision(world, as_user):
    dispute = ruled(world)
    client = as_user(world.merchant, "en")
    body = client.get(url(dispute)).content.decode()
    assert "Refund ¥30.00 to the consumer now" in body
    assert "The photos show a crack" in body  # the rationale, both sides read it
    assert "P-9" in body and "B-1" in body
    assert "Arbitrator" in body
    assert post(client, dispute, "execute").status_code == 302
    dispute.refresh_from_db()
    dispute.case.refresh_from_db()
    assert dispute.status == "executed" and dispute.case.status == "refunded"
    body = client.get(url(dispute)).content.decode()
    assert "The decision was carried out." in body and 'value="appeal"' in body


def test_a_return_decision_says_it_approves_the_return(world, as_user):
    dispute = ruled(world, remedy="return_refund", amount="60.00")
    body = as_user(world.merchant, "en").get(url(dispute)).content.decode()
    assert "Approve the return" in body and "¥60.00 is refunded when you confirm receipt" in body


def test_appeal_needs_new_evidence_then_goes(world, as_user):
    dispute = ruled(world)
    f.user("arbitrator2", Role.ARBITRATOR)  # an appeal goes to a different arbitrator
    client = as_user(world.merchant, "en")
    post(client, dispute, "execute")
    refused = post(client, dispute, "appeal", statement="裂痕为消费者使用造成。")
    assert refused.status_code == 422
    assert 'id="appeal-photos-error"' in refused.content.decode()
    response = post(client, dispute, "appeal", statement="裂痕为消费者使用造成。", photos=[photo()])
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "appealed" and dispute.appealed_by == "merchant"
    assert 'value="appeal"' not in client.get(url(dispute)).content.decode()  # once


# --- the deposit ---------------------------------------------------------------------------------


def test_deposit_page_shows_the_hold_and_the_ledger(world, as_user):
    dispute = dispute_of(world)
    deposit_deduct(actor=SYSTEM, merchant_id=world.shop.pk, amount=Decimal("85.00"),
                   key="t:1", dispute_id=dispute.pk, note=dispute.number)  # fmt: skip
    body = as_user(world.merchant, "en").get("/shop/deposit/").content.decode()
    assert "The settlement is held until the top-up is paid." in body
    assert "Advance compensation of ¥85.00" in body  # what is owed, and why
    assert "¥2,085.00" in body  # the open top-up request: owed + the required minimum
    assert "Deduction for advance compensation" in body and "−¥85.00" in body
    assert f'href="/shop/disputes/{dispute.number}/"' in body
    assert as_user(world.other_merchant).get("/shop/deposit/").content.decode().count("−¥") == 0


def test_an_administrator_records_a_top_up(world, as_user):
    client = as_user(world.admin, "en")
    path = f"/manage/merchants/{world.shop.code}/deposit/"
    response = client.post(path, {"amount": "2,000.00", "reference": "BANK-20261105"})
    assert response.status_code == 302
    account = DepositAccount.unscoped.get(merchant=world.shop)
    assert account.balance == Decimal("2000.00") and not account.settlement_held
    body = client.get(path).content.decode()
    assert "Top-up of ¥2,000.00 recorded" in body and "BANK-20261105" in body
    assert "admin" in body  # who recorded it, on the administrators' page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "lots", "reference": "R1"}, "amount"),
        ({"amount": "0", "reference": "R1"}, "amount"),
        ({"amount": "-5", "reference": "R1"}, "amount"),
        ({"amount": "NaN", "reference": "R1"}, "amount"),
        ({"amount": "100", "reference": "  "}, "reference"),
        ({"amount": "100", "reference": "x" * 81}, "reference"),
    ],
)
def test_a_bad_top_up_is_refused_with_the_field(world, as_user, data, field):
    response = as_user(world.admin, "en").post(
        f"/manage/merchants/{world.shop.code}/deposit/", data
    )
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.content.decode()
    assert not DepositEntry.unscoped.exists()


def test_the_merchant_page_links_to_the_deposit_ledger(world, as_user):
    body = as_user(world.admin, "en").get(f"/manage/merchants/{world.shop.code}/").content.decode()
    assert f'href="/manage/merchants/{world.shop.code}/deposit/"' in body


# --- the dashboard and the case page ---------------------------------------------------------------


def test_dashboard_explains_the_dispute_figures(world, as_user):
    dispute_of(world)
    body = as_user(world.merchant, "en").get("/shop/").content.decode()
    for label in (
        "Dispute rate",
        "Platform-intervention rate",
        "Dispute-loss rate",
        "Median time to resolve",
    ):
        assert label in body
    assert "(1 of 2)" in body  # one dispute, one intervention, of the shop's two requests


def test_the_case_page_links_to_its_dispute(world, as_user):
    dispute = dispute_of(world)
    body = as_user(world.merchant, "en").get(f"/shop/cases/{dispute.case.number}/").content.decode()
    assert f'href="/shop/disputes/{dispute.number}/"' in body
    calm = as_user(world.merchant, "en").get(f"/shop/cases/{world.case.number}/").content.decode()
    assert "This request is in dispute" not in calm


# --- the deadlines, steps and guards added to the core, in words ---------------------------------

CODES = ("negotiation_lapse", "round_lapsed", "lapse", "mediation_target", "_target")


def visible(html: str) -> str:
    """What a person reads on the page: the text without tags, scripts or attributes."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_a_rejected_claim_asks_nothing_of_the_merchant(world, as_user):
    dispute = ruled(world, remedy="reject", amount="0")
    client = as_user(world.merchant, "en")
    text = visible(client.get(url(dispute)).content.decode())
    assert "Carry out the decision" not in text and "Claim rejected" in text
    assert "The claim was rejected: there is nothing to carry out." in text
    assert "The decision takes effect; nothing to carry out" in text
    assert dispute.number not in client.get("/shop/disputes/").content.decode()  # not waiting
    assert post(client, dispute, "execute").status_code in (409, 422)


def test_a_return_decision_carried_out_cannot_be_appealed(world, as_user):
    dispute = ruled(world, remedy="return_refund", amount="60.00")
    client = as_user(world.merchant, "en")
    assert post(client, dispute, "execute").status_code == 302
    text = visible(client.get(url(dispute)).content.decode())
    assert "carried out through the request and cannot be appealed" in text
    assert "The decision becomes final" in text and "The appeal window closes" not in text
    assert "either side may still appeal" not in text
    zh = as_user(world.merchant, "zh-hans").get(url(dispute)).content.decode()
    assert "需要寄回商品的裁决通过售后申请执行，不能申诉。" in zh and 'value="appeal"' not in zh


def test_a_lapsed_negotiation_in_words(world, as_user):
    dispute = negotiating(world)
    client = as_user(world.merchant, "en")
    assert post(client, dispute, "propose", remedy="partial_refund", amount="50").status_code == 302
    clock.advance(timedelta(days=7, minutes=1))
    sweep_until_idle()
    dispute.refresh_from_db()
    assert dispute.status == "withdrawn"
    text = visible(client.get(url(dispute)).content.decode())
    assert "Closed: not taken to the platform within 7 days" in text
    zh = visible(as_user(world.merchant, "zh-hans").get(url(dispute)).content.decode())
    assert "已关闭：7 天内未申请平台介入" in zh
    assert not [code for code in CODES if code in text + zh]


def test_the_mediation_target_is_the_platforms_not_late_for_the_merchant(world, as_user):
    dispute = dispute_of(world)
    dispute_act(actor=world.actor(world.merchant), dispute=dispute, action="submit",
                payload={"statement": "商品出库时完好。"})  # fmt: skip
    dispute.refresh_from_db()
    assert dispute.due_kind == "mediation_target"
    clock.advance(timedelta(hours=49))  # the platform's target passed: nothing is late for the shop
    body = as_user(world.merchant, "en").get(url(dispute)).content.decode()
    assert "The platform aims to finish mediation" in body
    assert 'class="deadline overdue"' not in body
    zh = visible(as_user(world.merchant, "zh-hans").get(url(dispute)).content.decode())
    assert "平台调解目标完成时间" in zh and not [code for code in CODES if code in zh]


def test_every_step_and_deadline_kind_has_words():
    assert {t.action for t in DISPUTE_WORKFLOW.transitions} | {"open"} <= set(EVENT_LABELS)
    system = {t.action for t in DISPUTE_WORKFLOW.transitions if Role.SYSTEM in t.roles}
    assert system <= set(AUTOMATIC_REASONS)
    assert {"negotiation_lapse", "mediation_target", "arbitration_target", "appeal_target"} <= set(
        DUE_LABELS
    )
