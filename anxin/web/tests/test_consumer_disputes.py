"""The consumer's dispute pages: the form from a rejected request, my disputes, one dispute with
its steps (proposals, the platform stepping in, evidence asked of me, the decision, an appeal,
withdrawing) and the public review panel. Every page answers 200 to its consumer and 404 to
another one; bad input is a 400 with the field at fault, never a 500; the page offers only the
steps the dispute's workflow allows."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from anxin.accounts.models import User
from anxin.cases.models import Case
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.sweeper import sweep_until_idle
from anxin.disputes.models import Dispute, JuryVote
from anxin.disputes.services import dispute_act, dispute_evidence_add
from anxin.disputes.workflow import DISPUTE_WORKFLOW
from anxin.web.views.consumer.dispute_display import AUTOMATIC, STEP_LABELS

from .pages_consumer import PAGES, panel_of, rejected_case
from .world import dispute_of

pytestmark = pytest.mark.django_db

DISPUTE_PAGES = [p for p in PAGES if "dispute" in p[0] or "panel" in p[0]]


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png(
    name: str = "crack.png", colour: tuple[int, int, int] = (200, 60, 40)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def client_of(user, language: str = "en") -> Client:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def url(dispute, tail: str = "") -> str:
    return f"/my/disputes/{dispute.number}/{tail}"


def opened(world, client=None, **data) -> Dispute:
    """The consumer disputes the other shop's rejection through the form."""
    case = rejected_case(world)
    fields = {"claim": "partial_refund", "amount": "40", "statement": "外壳开裂，商家不认。"}
    fields.update(data)
    response = (client or client_of(world.consumer)).post(
        f"/my/cases/{case.number}/dispute/", fields
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dispute.objects.get(case=case)


def step(dispute, who, action: str, **payload):
    dispute.refresh_from_db()
    dispute_act(actor=who, dispute=dispute, action=action, payload=payload)
    dispute.refresh_from_db()
    return dispute


def other_consumer(world):
    return panel_of(world).customer.user


# --- every page, and who may see it -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "username", "url_of"), DISPUTE_PAGES, ids=[p[0] for p in DISPUTE_PAGES]
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_dispute_page_answers_its_consumer(world, name, username, url_of, language):
    response = client_of(world.consumer, language).get(url_of(world))
    assert response.status_code == 200, name


@pytest.mark.parametrize(
    "url_of",
    [
        lambda w: f"/my/disputes/{dispute_of(w).number}/",
        lambda w: f"/my/cases/{rejected_case(w).number}/dispute/",
        lambda w: f"/my/cases/{dispute_of(w).case.number}/dispute/",
        lambda w: f"/my/panel/{panel_of(w).number}/",  # a party never sits on its own panel
        lambda w: "/my/disputes/DP00000000000000/",
    ],
    ids=["dispute", "form", "form-of-a-disputed-case", "own-panel", "missing"],
)
def test_another_consumer_gets_404(world, url_of):
    target = url_of(world)
    response = client_of(other_consumer(world)).get(target)
    assert response.status_code == 404


def test_posts_of_another_consumer_get_404_and_change_nothing(world):
    dispute = dispute_of(world)
    version = dispute.state_version
    stranger = client_of(other_consumer(world))
    assert stranger.post(url(dispute, "steps/withdraw/")).status_code == 404
    assert stranger.post(url(dispute, "evidence/"), {"photos": png()}).status_code == 404
    dispute.refresh_from_db()
    assert dispute.state_version == version and dispute.evidence.count() == 0


def test_staff_and_merchants_are_not_consumers(world):
    dispute = dispute_of(world)
    for user in (world.merchant, world.agent):
        assert client_of(user).get(url(dispute)).status_code == 403
        assert client_of(user).get("/my/panel/").status_code == 403


def test_the_panel_is_404_for_a_dispute_not_before_a_panel(world):
    response = client_of(world.consumer).get(f"/my/panel/{dispute_of(world).number}/")
    assert response.status_code == 404


def test_the_menu_links_my_disputes_and_the_panel_tab(world):
    body = client_of(world.consumer).get("/my/").content.decode()
    assert 'href="/my/disputes/"' in body
    body = client_of(world.consumer).get("/my/disputes/").content.decode()
    assert 'href="/my/panel/"' in body


# --- opening a dispute ------------------------------------------------------------------------


def test_a_rejected_request_leads_to_the_dispute_form(world):
    case = rejected_case(world)
    body = client_of(world.consumer).get(f"/my/requests/{case.number}/").content.decode()
    assert f'href="/my/cases/{case.number}/dispute/"' in body
    form = client_of(world.consumer).get(f"/my/cases/{case.number}/dispute/").content.decode()
    assert "照片看不出质量问题。" in form  # the shop's answer
    # the most that can be claimed: what the request was found eligible for (one of two shirts
    # back loses the 满减: 170.00 − 99.00), not the pro-rata share of 85.00
    assert case.refund_amount == Decimal("71.00")
    assert "¥71.00" in form and "¥85.00" not in form
    for value in ("full_refund", "partial_refund", "return_refund", "exchange", "repair"):
        assert f'value="{value}"' in form
    assert 'value="reject"' not in form


def test_opening_a_dispute_with_photos(world):
    client = client_of(world.consumer)
    case = rejected_case(world)
    response = client.post(
        f"/my/cases/{case.number}/dispute/",
        {"claim": "partial_refund", "amount": "40", "statement": "外壳开裂。", "photos": [png()]},
    )
    dispute = Dispute.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == url(dispute)
    assert dispute.claim == "partial_refund" and str(dispute.claim_amount) == "40.00"
    assert dispute.evidence.get().party == "consumer"
    assert Case.objects.get(pk=case.pk).status == "disputed"
    # the form of a disputed request leads to its dispute; the request page shows the dispute
    assert client.get(f"/my/cases/{case.number}/dispute/")["Location"] == url(dispute)
    body = client.get(f"/my/requests/{case.number}/").content.decode()
    assert url(dispute) in body and "data-countdown=" in body
    assert "The merchant must answer by" in body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"claim": ""}, "claim"),
        ({"claim": "reject"}, "claim"),
        ({"claim": "partial_refund", "amount": "abc"}, "amount"),
        ({"claim": "partial_refund", "amount": "-5"}, "amount"),
        ({"claim": "partial_refund", "amount": "999"}, "amount"),
        ({"claim": "partial_refund", "amount": ""}, "amount"),
        ({"statement": "   "}, "statement"),
        ({"statement": "x" * 2001}, "statement"),
    ],
)
def test_bad_input_on_the_form_is_a_400_with_the_field(world, data, field):
    case = rejected_case(world)
    fields = {"claim": "full_refund", "statement": "外壳开裂。", **data}
    response = client_of(world.consumer).post(f"/my/cases/{case.number}/dispute/", fields)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.content.decode()
    assert not Dispute.objects.filter(case=case).exists()


def test_a_file_that_is_not_a_photo_is_a_400_and_opens_nothing(world):
    case = rejected_case(world)
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client_of(world.consumer).post(
        f"/my/cases/{case.number}/dispute/",
        {"claim": "full_refund", "statement": "外壳开裂。", "photos": [fake]},
    )
    assert response.status_code == 400
    assert 'id="photos-error"' in response.content.decode()
    assert not Dispute.objects.filter(case=case).exists()


def test_a_request_that_cannot_be_disputed_says_why(world):
    client = client_of(world.consumer)
    target = f"/my/cases/{world.case.number}/dispute/"  # still waiting for the shop
    body = client.get(target).content.decode()
    assert "A dispute can be opened when the merchant rejected the request" in body
    assert 'name="statement"' not in body
    response = client.post(target, {"claim": "full_refund", "statement": "x"})
    assert response.status_code == 409
    assert not Dispute.objects.filter(case=world.case).exists()


# --- my disputes ------------------------------------------------------------------------------


def test_my_disputes_nearest_deadline_first(world):
    later = dispute_of(world)  # the merchant's round: 24 h
    sooner = opened(world)  # negotiation: 24 h from the same frozen moment, opened later
    Dispute.objects.filter(pk=sooner.pk).update(due_at=later.due_at - timedelta(hours=1))
    body = client_of(world.consumer).get("/my/disputes/").content.decode()
    assert body.index(sooner.number) < body.index(later.number)


def test_an_empty_list_says_what_to_do(world):
    body = client_of(world.consumer).get("/my/disputes/").content.decode()
    assert "You have no disputes." in body


# --- one dispute: history, proposals, the platform ---------------------------------------------


def test_the_history_says_who_and_when_without_ids_or_roles(world):
    dispute = dispute_of(world)
    body = client_of(world.consumer).get(url(dispute)).content.decode()
    history = body[body.index('id="history-title"') :]
    assert "Dispute opened" in history and "The platform stepped in" in history
    assert "You" in history and "Platform" in history
    assert "消费者反映商品破损" in history  # the agent's words
    for leak in ("user:", "agent", "system", "Platform agent", "P-8"):
        assert leak not in history
    zh = client_of(world.consumer, "zh-hans").get(url(dispute)).content.decode()
    assert 'lang="zh-hans"' in zh


def test_decline_then_accept_a_merchant_proposal(world):
    client = client_of(world.consumer)
    dispute = opened(world)
    merchant = world.actor(world.other_merchant)
    step(dispute, merchant, "propose", remedy="partial_refund", amount="20", note="补偿20元")
    body = client.get(url(dispute)).content.decode()
    first = dispute.proposals.get(by_party="merchant")
    assert "The merchant proposes" in body and "¥20.00" in body and "补偿20元" in body
    assert f"/proposals/{first.pk}/accept/" in body and f"/proposals/{first.pk}/decline/" in body
    # decline, with a reason
    response = client.post(url(dispute, f"proposals/{first.pk}/decline/"), {"reason": "太少"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "declined"
    # the merchant offers more, the consumer accepts: settled and refunded
    step(dispute, merchant, "propose", remedy="partial_refund", amount="35")
    second = dispute.proposals.get(status="open")
    response = client.post(url(dispute, f"proposals/{second.pk}/accept/"))
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "settled"
    assert Case.objects.get(pk=dispute.case_id).status == "refunded"
    body = client.get(url(dispute)).content.decode()
    assert "Proposal accepted" in body and "/accept/" not in body


def test_answering_a_proposal_that_is_gone_is_a_clear_4xx(world):
    client = client_of(world.consumer)
    dispute = opened(world)
    response = client.post(url(dispute, "proposals/999999/accept/"))
    assert response.status_code == 400
    assert 'id="proposal-error"' in response.content.decode()
    assert client.post(url(dispute, "proposals/1/maybe/")).status_code == 404
    dispute.refresh_from_db()
    assert dispute.status == "negotiating"


def test_a_counter_proposal_with_a_bad_amount_is_a_400_with_the_field(world):
    client = client_of(world.consumer)
    dispute = opened(world)
    for amount in ("abc", "999", "0"):
        response = client.post(
            url(dispute, "steps/propose/"), {"remedy": "partial_refund", "amount": amount}
        )
        assert response.status_code == 400, amount
        body = response.content.decode()
        assert 'id="amount-error"' in body and '<details class="action" open>' in body
    response = client.post(url(dispute, "steps/propose/"), {"remedy": "nonsense"})
    assert response.status_code == 400 and 'id="remedy-error"' in response.content.decode()
    response = client.post(
        url(dispute, "steps/propose/"), {"remedy": "partial_refund", "amount": "30"}
    )
    assert response.status_code == 302
    assert dispute.proposals.get(status="open").by_party == "consumer"


def test_asking_the_platform_to_step_in_24_hours_after_the_merchant_answered(world):
    client = client_of(world.consumer)
    dispute = opened(world)
    step(dispute, world.actor(world.other_merchant), "propose", remedy="partial_refund", amount="9")
    # the merchant answered: the dispute closes 7 days after it was opened unless settled or
    # taken to the platform (P-8), and that is the deadline the page counts down to
    lapse = f'data-countdown="{(dispute.opened_at + timedelta(days=7)).isoformat()}"'
    assert dispute.due_kind == "negotiation_lapse"
    body = client.get(url(dispute)).content.decode()
    assert "/steps/request_intervention/" not in body
    assert "24 hours after you opened the dispute" in body
    assert client.post(url(dispute, "steps/request_intervention/")).status_code == 409
    assert lapse in body
    clock.advance(timedelta(hours=24, minutes=1))
    body = client.get(url(dispute)).content.decode()
    assert "/steps/request_intervention/" in body
    asked = body[body.index('id="asked-title"') : body.index('id="claim-title"')]
    assert lapse in asked and "overdue" not in asked  # the 7 days still run, nothing is late
    response = client.post(url(dispute, "steps/request_intervention/"))
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "awaiting_evidence" and dispute.level == "mediation"


def test_asking_at_once_when_the_merchant_has_not_answered(world):
    client = client_of(world.consumer)
    dispute = opened(world)
    assert "/steps/request_intervention/" in client.get(url(dispute)).content.decode()
    assert client.post(url(dispute, "steps/request_intervention/")).status_code == 302


def test_a_step_the_workflow_does_not_offer_is_a_409(world):
    client = client_of(world.consumer)
    dispute = dispute_of(world)  # mediation: nothing to appeal, nothing asked of me
    for action in ("appeal", "rule", "execute", "nonsense"):
        response = client.post(url(dispute, f"steps/{action}/"), {"statement": "x"})
        assert response.status_code == 409, action
    assert client.get(url(dispute, "steps/withdraw/")).status_code == 405


def test_a_stale_page_is_a_409_not_a_second_step(world):
    client = client_of(world.consumer)
    dispute = opened(world)
    response = client.post(
        url(dispute, "steps/withdraw/"), {"version": str(dispute.state_version + 3)}
    )
    assert response.status_code == 409
    dispute.refresh_from_db()
    assert dispute.status == "negotiating"


def test_withdraw(world):
    client = client_of(world.consumer)
    dispute = opened(world)
    response = client.post(url(dispute, "steps/withdraw/"), {"version": dispute.state_version})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "withdrawn"
    body = client.get(url(dispute)).content.decode()
    assert "/steps/withdraw/" not in body and "Withdrawn" in body


# --- evidence asked of me, the decision, the appeal ----------------------------------------------


def asked_of_consumer(world) -> Dispute:
    """The mediator asks the consumer for photos of the visible damage (B-1)."""
    dispute = dispute_of(world)
    step(dispute, world.actor(world.merchant), "submit", statement="商品出库时完好。")
    return step(
        dispute, world.actor(world.agent), "open_round",
        party="consumer", template="B-1", request="请拍摄裂缝近照。", reason="需要照片",
    )  # fmt: skip


def test_what_is_asked_of_me_upload_and_answer(world):
    client = client_of(world.consumer)
    dispute = asked_of_consumer(world)
    body = client.get(url(dispute)).content.decode()
    asked = body[body.index('id="asked-title"') : body.index('id="claim-title"')]
    assert "Photos of the defect or damage" in asked  # the burden template's words
    assert "请拍摄裂缝近照。" in asked and "data-countdown=" in asked
    assert "Your evidence is due" in asked
    assert "/evidence/" in asked and "/steps/submit/" in asked
    # bad uploads: nothing chosen, not an image, a note too long
    assert client.post(url(dispute, "evidence/"), {"section": "asked"}).status_code == 400
    fake = SimpleUploadedFile("x.png", b"nope", content_type="image/png")
    response = client.post(url(dispute, "evidence/"), {"section": "asked", "photos": [fake]})
    assert response.status_code == 400 and 'id="photos-error"' in response.content.decode()
    response = client.post(
        url(dispute, "evidence/"), {"section": "asked", "photos": [png()], "note": "n" * 301}
    )
    assert response.status_code == 400 and 'id="note-error"' in response.content.decode()
    # a photo, then the answer
    response = client.post(
        url(dispute, "evidence/"), {"section": "asked", "photos": [png()], "note": "裂缝"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#asked")
    response = client.post(url(dispute, "steps/submit/"), {"statement": "   "})
    assert response.status_code == 400 and 'id="statement-error"' in response.content.decode()
    response = client.post(url(dispute, "steps/submit/"), {"statement": "照片已上传。"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "mediation"
    assert dispute.rounds.get(party="consumer").evidence.count() == 1
    body = client.get(url(dispute)).content.decode()
    assert "Nothing is asked of you right now." in body
    assert "From you" in body and "裂缝" in body  # the thumbnail and its note


def test_the_merchants_evidence_shows_as_thumbnails_i_may_open(world):
    dispute = dispute_of(world)
    merchant = world.actor(world.merchant)
    dispute_evidence_add(actor=merchant, dispute=dispute, stream=png(colour=(1, 2, 3)).read())
    client = client_of(world.consumer)
    body = client.get(url(dispute)).content.decode()
    assert "From the merchant" in body
    photo = dispute.evidence.get().evidence
    src = f"/my/requests/{dispute.case.number}/photos/{photo.public_id}/"
    assert src in body
    assert client.get(src).status_code == 200
    assert client_of(other_consumer(world)).get(src).status_code == 404


def decided(world) -> Dispute:
    """Mediation fails, the arbitrator decides a partial refund, the merchant carries it out."""
    dispute = dispute_of(world)
    arbitrator = world.actor(User.objects.get(username="arbitrator"))
    step(dispute, world.actor(world.merchant), "submit", statement="商品出库时完好。")
    step(dispute, world.actor(world.agent), "refer", reason="双方分歧较大")
    step(
        dispute, arbitrator, "rule",
        remedy="partial_refund", amount="30",
        rationale="照片显示外壳裂缝，但无法确认是否运输造成，酌情部分退款。",
        rules=["P-9"], template="B-1",
    )  # fmt: skip
    return step(dispute, world.actor(world.merchant), "execute")


def test_the_decision_with_its_rationale_and_an_appeal_with_new_evidence(world):
    client = client_of(world.consumer)
    dispute = decided(world)
    body = client.get(url(dispute)).content.decode()
    decision = body[body.index('id="decision-title"') :]
    assert "Partial refund · ¥30.00" in decision
    assert "照片显示外壳裂缝" in decision
    assert "Visible defect or damage: the consumer shows it" in decision  # B-1, in words
    assert "/steps/appeal/" in decision and "Appeal by" in decision
    # an appeal without new evidence: the field says what is missing
    response = client.post(url(dispute, "steps/appeal/"), {"statement": "裂缝是收货时就有的。"})
    assert response.status_code == 400
    assert 'id="evidence-error"' in response.content.decode()
    # upload, then appeal (to an arbitrator other than the one who decided)
    f.user("arbitrator-2", Role.ARBITRATOR)
    response = client.post(url(dispute, "evidence/"), {"section": "appeal", "photos": [png()]})
    assert response.status_code == 302 and response["Location"].endswith("#appeal")
    assert "1 file uploaded" in client.get(url(dispute)).content.decode()
    response = client.post(url(dispute, "steps/appeal/"), {"statement": "裂缝是收货时就有的。"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "appealed" and dispute.appealed_by == "consumer"
    body = client.get(url(dispute)).content.decode()
    assert "You appealed." in body and "/steps/appeal/" not in body


def test_an_automatic_decision_reads_as_a_sentence(world):
    dispute = dispute_of(world)
    clock.advance(timedelta(hours=25))
    sweep_until_idle()
    dispute.refresh_from_db()
    assert dispute.status in {"ruled", "executed"}
    body = client_of(world.consumer).get(url(dispute)).content.decode()
    assert "Decision on the evidence present" in body
    assert "The merchant did not give the evidence asked for in round 1" in body
    assert "Evidence deadline missed" in body  # the step in the history, by the platform


# --- the public review panel ----------------------------------------------------------------------


def test_the_panel_shows_an_anonymised_dispute(world):
    dispute = panel_of(world)
    # what a party writes may name people and the purchase: the panel reads it without them
    Dispute.objects.filter(pk=dispute.pk).update(
        statement=f"颜色和商品页差别很大。我是李四，电话13900001111，申请号{dispute.case.number}。"
    )
    client = client_of(world.consumer)
    listing = client.get("/my/panel/").content.decode()
    assert f"/my/panel/{dispute.number}/" in listing
    body = client.get(f"/my/panel/{dispute.number}/").content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    assert "颜色和商品页差别很大" in main  # the consumer's statement
    assert "出厂检验合格" in main and "Merchant" in main  # the merchant's answer, labelled
    assert "¥40.00" in main
    for personal in (
        "李四",
        "13900001111",
        "建国路",
        "E3001",
        dispute.case.number,
        "Shop m1",
        "shopper",
    ):
        assert personal not in main, personal
    assert "我是***，电话***" in main


def test_one_vote_each(world):
    dispute = panel_of(world)
    client = client_of(world.consumer)
    target = f"/my/panel/{dispute.number}/vote/"
    response = client.post(target, {"vote": "maybe"})
    assert response.status_code == 400 and 'id="vote-error"' in response.content.decode()
    response = client.post(target, {"vote": "consumer", "note": "n" * 301})
    assert response.status_code == 400 and 'id="note-error"' in response.content.decode()
    response = client.post(target, {"vote": "consumer", "note": "照片说明问题"})
    assert response.status_code == 302 and response["Location"] == "/my/panel/"
    assert JuryVote.objects.get(dispute=dispute).vote == "consumer"
    assert f"/my/panel/{dispute.number}/" not in client.get("/my/panel/").content.decode()
    body = client.get(f"/my/panel/{dispute.number}/").content.decode()
    assert "You voted: The consumer is right." in body and target not in body
    assert client.post(target, {"vote": "merchant"}).status_code == 409
    assert JuryVote.objects.filter(dispute=dispute).count() == 1


def test_panel_photos_open_for_the_panel_only(world):
    dispute = panel_of(world)
    shopper = world.actor(dispute.customer.user)
    evidence = dispute_evidence_add(actor=shopper, dispute=dispute, stream=png().read())
    client = client_of(world.consumer)
    src = f"/my/panel/{dispute.number}/photos/{evidence.evidence.public_id}/"
    # a photo the arbitrator did not share with the panel is neither listed nor served
    assert src not in client.get(f"/my/panel/{dispute.number}/").content.decode()
    assert client.get(src).status_code == 404
    type(evidence).objects.filter(pk=evidence.pk).update(panel_ok=True)  # the arbitrator shared it
    body = client.get(f"/my/panel/{dispute.number}/").content.decode()
    assert src in body
    response = client.get(src)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    # a photo of another case through this panel, and the shopper on their own panel: 404
    other = dispute_of(world)
    alien = dispute_evidence_add(
        actor=world.actor(world.consumer), dispute=other, stream=png(colour=(9, 9, 9)).read()
    )
    assert (
        client.get(f"/my/panel/{dispute.number}/photos/{alien.evidence.public_id}/").status_code
        == 404
    )
    assert client_of(dispute.customer.user).get(src).status_code == 404


def test_a_new_account_is_not_on_any_panel(world):
    panel_of(world)
    newcomer = f.user("newcomer", Role.CONSUMER)
    body = client_of(newcomer).get("/my/panel/").content.decode()
    assert "There is nothing to vote on right now." in body


# --- the deadlines and automatic steps added to the core, in words ------------------------------

CODES = ("negotiation_lapse", "round_lapsed", "lapse", "mediation_target", "_target")


def visible(html: str) -> str:
    """What a person reads on the page: the text without tags, scripts or attributes."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_the_7_day_negotiation_deadline_says_what_happens(world):
    dispute = opened(world)
    step(dispute, world.actor(world.other_merchant), "propose", remedy="partial_refund", amount="9")
    assert dispute.due_kind == "negotiation_lapse"
    text = visible(client_of(world.consumer).get(url(dispute)).content.decode())
    assert "Settle or ask the platform to step in by" in text
    assert (
        "If you neither accept a proposal nor ask the platform to step in by then, the dispute "
        "closes." in text
    )
    listed = client_of(world.consumer).get("/my/disputes/").content.decode()
    assert f'data-countdown="{dispute.due_at.isoformat()}"' in listed  # "Your turn": a proposal
    for language in ("en", "zh-hans"):
        text = visible(client_of(world.consumer, language).get(url(dispute)).content.decode())
        assert not [code for code in CODES if code in text], language


def test_a_negotiation_that_lapsed_reads_as_closed_in_words(world):
    dispute = opened(world)
    step(dispute, world.actor(world.other_merchant), "propose", remedy="partial_refund", amount="9")
    clock.advance(timedelta(days=7, minutes=1))
    sweep_until_idle()
    dispute.refresh_from_db()
    assert dispute.status == "withdrawn" and dispute.events.filter(action="lapse").exists()
    text = visible(client_of(world.consumer).get(url(dispute)).content.decode())
    assert "Closed after 7 days without agreement" in text  # not "Withdrawn": I withdrew nothing
    assert "Dispute closed after 7 days of negotiation" in text  # the step in the history
    assert "no proposal was accepted and the platform was not asked to step in" in text
    assert "P-8" not in text
    listed = visible(client_of(world.consumer).get("/my/disputes/").content.decode())
    assert "Closed after 7 days without agreement" in listed
    for language in ("en", "zh-hans"):
        text = visible(client_of(world.consumer, language).get(url(dispute)).content.decode())
        assert not [code for code in CODES if code in text], language


def test_the_platforms_service_target_is_not_my_deadline(world):
    dispute = dispute_of(world)
    step(dispute, world.actor(world.merchant), "submit", statement="商品出库时完好。")
    assert dispute.status == "mediation" and dispute.due_kind == "mediation_target"
    body = client_of(world.consumer).get(url(dispute)).content.decode()
    asked = body[body.index('id="asked-title"') : body.index('id="claim-title"')]
    assert "The platform aims to finish mediation by" in asked
    assert "This is the platform&#x27;s own target, not a deadline for you." in asked
    assert "data-countdown" not in asked  # a target counts down nothing of mine
    listed = client_of(world.consumer).get("/my/disputes/").content.decode()
    assert "The platform aims to finish mediation by" in listed
    assert f'data-countdown="{dispute.due_at.isoformat()}"' not in listed
    clock.advance(timedelta(hours=49))  # the target passed: late for the platform, not for me
    body = client_of(world.consumer).get(url(dispute)).content.decode()
    asked = body[body.index('id="asked-title"') : body.index('id="claim-title"')]
    assert "it is still working on your dispute" in asked and "overdue" not in asked
    zh = visible(client_of(world.consumer, "zh-hans").get(url(dispute)).content.decode())
    assert not [code for code in CODES if code in zh]


def test_an_evidence_round_that_ran_out_goes_back_to_the_platform_in_words(world):
    dispute = dispute_of(world)  # the merchant's answer round, 24 h
    merchant = world.actor(world.merchant)
    dispute_evidence_add(actor=merchant, dispute=dispute, stream=png(colour=(4, 5, 6)).read())
    body = client_of(world.consumer).get(url(dispute)).content.decode()
    assert "The platform goes on with the evidence given so far" in body  # not a decision
    clock.advance(timedelta(hours=25))
    sweep_until_idle()
    dispute.refresh_from_db()
    assert dispute.status == "mediation" and dispute.events.filter(action="round_lapsed").exists()
    text = visible(client_of(world.consumer).get(url(dispute)).content.decode())
    history = text[text.index("Negotiation history") :]
    assert "Time for evidence over" in history
    assert "The platform goes on with the evidence given so far and decides on it." in history
    assert not [code for code in CODES if code in text]
    zh = visible(client_of(world.consumer, "zh-hans").get(url(dispute)).content.decode())
    assert not [code for code in CODES if code in zh]


def test_a_decision_that_sends_the_item_back_is_not_appealed(world):
    dispute = dispute_of(world)
    arbitrator = world.actor(User.objects.get(username="arbitrator"))
    step(dispute, world.actor(world.merchant), "submit", statement="商品出库时完好。")
    step(dispute, world.actor(world.agent), "refer", reason="双方分歧较大")
    step(
        dispute, arbitrator, "rule", remedy="return_refund", amount="30",
        rationale="照片显示外壳裂缝，商家无法证明出厂完好，退货后退款。", rules=["P-9"], template="B-1",
    )  # fmt: skip
    step(dispute, world.actor(world.merchant), "execute")
    assert dispute.status == "executed" and dispute.due_kind == "appeal_window"
    text = visible(client_of(world.consumer).get(url(dispute)).content.decode())
    assert "The decision becomes final on" in text and "An appeal is possible until" not in text
    assert "carried out through the request and cannot be appealed" in text
    zh = client_of(world.consumer, "zh-hans").get(url(dispute)).content.decode()
    assert "需要寄回商品的裁决通过售后申请执行，不能申诉。" in zh and "/steps/appeal/" not in zh


def test_every_step_has_words_and_every_system_step_a_sentence():
    assert {t.action for t in DISPUTE_WORKFLOW.transitions} | {"open"} <= set(STEP_LABELS)
    system = {t.action for t in DISPUTE_WORKFLOW.transitions if Role.SYSTEM in t.roles}
    assert system <= set(AUTOMATIC)
