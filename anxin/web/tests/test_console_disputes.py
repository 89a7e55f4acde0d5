"""Disputes in the console: the mediation queue, the workspace the mediator and the arbitrator share,
the arbitrator's queue, the nav of every platform role, and the at-risk board by a dispute's
deadline. Steps the table refuses come back with a clear message; bad input with the field at
fault (4xx), never a 500."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from anxin.cases.services import case_act
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.sweeper import sweep_until_idle
from anxin.disputes.models import Dispute
from anxin.disputes.services import dispute_act, dispute_evidence_add, dispute_open
from anxin.disputes.workflow import DISPUTE_WORKFLOW
from anxin.web.views.console.dispute_words import AUTOMATIC_STEPS, EVENT_LABELS
from anxin.web.views.console.home import DUE_LABELS

from .pages_consumer import rejected_case
from .world import dispute_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


@pytest.fixture
def dispute(world):
    """In platform mediation, waiting for the merchant's 24-hour answer (round 1)."""
    return dispute_of(world)


def arbitrator(world):
    return type(world.agent).objects.get(username="arbitrator")


def client(user, language: str = "en") -> Client:
    c = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def workspace(dispute) -> str:
    return reverse("console_disputes:dispute", args=[dispute.number])


def act_url(dispute, action: str) -> str:
    return reverse("console_disputes:act", args=[dispute.number, action])


def fresh(dispute) -> Dispute:
    return Dispute.unscoped.get(pk=dispute.pk)


def png(colour=(200, 60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, format="PNG")
    return out.getvalue()


def to_arbitration(world, dispute) -> Dispute:
    """The agent closes the merchant's round and refers the dispute to the arbitrator."""
    agent = world.actor(world.agent)
    dispute_act(actor=agent, dispute=dispute, action="close_round", payload={"reason": "已答复"})
    dispute_act(actor=agent, dispute=dispute, action="refer", payload={"reason": "调解不成"})
    return fresh(dispute)


RULING = {
    "remedy": "partial_refund",
    "amount": "40.00",
    "rationale": "外壳开裂照片清晰，商家未能证明出厂完好，部分退款。",
    "rules": ["P-9", "R-4"],
    "template": "B-1",
}


# --- who gets in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["agent", "arbitrator", "admin"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_handlers_read_every_dispute_page(world, dispute, who, language):
    user = arbitrator(world) if who == "arbitrator" else getattr(world, who)
    c = client(user, language)
    urls = [
        reverse("console_disputes:queue"),
        *(
            reverse("console_disputes:queue") + f"?queue={q}"
            for q in ("unassigned", "evidence", "all")
        ),
        workspace(dispute),
        reverse("console_disputes:arbitration"),
        reverse("console_disputes:arbitration") + "?queue=appeals",
        reverse("console_disputes:arbitration") + "?queue=mine",
    ]
    for url in urls:
        response = c.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()


@pytest.mark.parametrize("who", ["consumer", "merchant", "merchant_admin", "other_merchant"])
def test_the_parties_are_refused(world, dispute, who):
    c = client(getattr(world, who))
    for url in (
        reverse("console_disputes:queue"),
        workspace(dispute),
        reverse("console_disputes:arbitration"),
    ):
        assert c.get(url).status_code == 403, url
    before = fresh(dispute).state_version
    response = c.post(act_url(dispute, "close_round"), {"reason": "x"})
    assert response.status_code == 403
    message = reverse("console_disputes:message", args=[dispute.number])
    assert c.post(message, {"body": "x"}).status_code == 403
    assert fresh(dispute).state_version == before


def test_quality_inspectors_do_not_handle_disputes(world, dispute):
    inspector = f.user("inspector", Role.QUALITY_INSPECTOR)
    assert client(inspector).get(workspace(dispute)).status_code == 403
    nav = client(inspector).get(reverse("console:home")).content.decode()
    assert reverse("console_disputes:queue") not in nav


def test_an_unknown_dispute_is_404(world):
    assert client(world.agent).get("/console/disputes/DP-NOPE/").status_code == 404


def test_an_unknown_queue_is_400_with_a_message(world, dispute):
    response = client(world.agent).get(reverse("console_disputes:queue") + "?queue=bogus")
    assert response.status_code == 400
    assert 'id="queue-error"' in response.content.decode()


# --- the nav of every platform role answers -----------------------------------------------------

NAV = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)


@pytest.mark.parametrize("who", ["agent", "arbitrator", "admin", "quality_inspector"])
def test_every_nav_link_of_each_platform_role_answers_200(world, dispute, who):
    if who == "arbitrator":
        user = arbitrator(world)
    elif who == "quality_inspector":
        user = f.user("inspector", Role.QUALITY_INSPECTOR)
    else:
        user = getattr(world, who)
    c = client(user)
    home = c.get("/", follow=True)
    assert home.status_code == 200
    links = re.findall(r'href="([^"]+)"', NAV.search(home.content.decode()).group(1))
    assert links
    for link in links:
        assert c.get(link).status_code == 200, (who, link)
    arbitration = reverse("console_disputes:arbitration")
    assert (arbitration in links) is (who in {"arbitrator", "admin"})
    assert (reverse("console_disputes:queue") in links) is (who != "quality_inspector")


def test_the_arbitrator_starts_at_the_arbitration_queue(world, dispute):
    response = client(arbitrator(world)).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("console_disputes:arbitration")


# --- the mediation queue --------------------------------------------------------------------------


def test_the_queue_tabs(world, dispute):
    c = client(world.agent)
    queue = reverse("console_disputes:queue")

    def listed(tab: str) -> bool:
        return dispute.number in c.get(f"{queue}?queue={tab}").content.decode()

    # the agent stepped in: the dispute is theirs, waiting for the merchant's evidence
    assert listed("mine") and listed("evidence") and listed("all")
    assert not listed("unassigned")
    body = c.get(queue).content.decode()
    assert "data-countdown" in body and "Evidence is due" in body
    assert (
        dispute.number not in client(arbitrator(world)).get(f"{queue}?queue=mine").content.decode()
    )


def test_the_queue_is_nearest_deadline_first_and_marks_the_urgent(world, dispute):
    clock.advance(timedelta(hours=20))  # 4 of the merchant's 24 hours left: at risk
    body = client(world.agent).get(reverse("console_disputes:queue")).content.decode()
    assert re.search(
        r'<tr class="at-risk">\s*<th scope="row"><a href="[^"]+">' + dispute.number, body
    )


# --- the workspace --------------------------------------------------------------------------------


def test_the_workspace_shows_both_sides_the_case_and_the_deadline(world, dispute):
    dispute_evidence_add(
        actor=world.actor(world.merchant), dispute=dispute, stream=png(), note="出厂检测"
    )
    body = client(world.agent, "zh-hans").get(workspace(dispute)).content.decode()
    consumer = body.index('id="side-consumer"')
    merchant = body.index('id="side-merchant"')
    assert "收到时外壳已开裂，商家拒绝退货。" in body[consumer:merchant]  # the consumer's statement
    assert "商品无质量问题" in body[merchant:]  # the merchant's rejection reason
    assert "出厂检测" in body[merchant:]  # the merchant's photo note
    assert "/console/cases/" in body and "evidence/" in body[merchant:]
    assert "R-4" in body  # the case's policy rule
    assert "data-countdown" in body
    assert "B-7" in body  # the open round's burden of proof: the merchant answers the claim


def test_forms_follow_the_table(world, dispute):
    # waiting for evidence at mediation: the agent may propose or close the round; nothing else
    body = client(world.agent).get(workspace(dispute)).content.decode()
    assert 'id="act-propose"' in body and 'id="act-close_round"' in body
    for absent in ("refer", "open_round", "rule", "rule_appeal", "send_to_jury"):
        assert f'id="act-{absent}"' not in body, absent
    # the arbitrator has no ruling form before the dispute reaches arbitration
    body = client(arbitrator(world)).get(workspace(dispute)).content.decode()
    assert 'id="act-rule"' not in body
    # an administrator reads the workspace but the table gives them no step
    body = client(world.admin).get(workspace(dispute)).content.decode()
    assert "No step is open to you on this dispute now." in body


def test_a_step_the_table_refuses_shows_a_clear_message(world, dispute):
    c = client(world.agent)
    before = fresh(dispute).state_version
    response = c.post(act_url(dispute, "submit"), {"statement": "代商家答复"})
    assert response.status_code == 403
    assert "Your role may not take this action." in response.content.decode()
    response = c.post(act_url(dispute, "rule"), RULING)
    assert response.status_code == 409
    assert "not possible in the current state" in response.content.decode()
    response = c.post(act_url(dispute, "refer"), {"reason": "调解不成"})
    assert response.status_code == 409
    assert "not possible in the current state" in response.content.decode()
    response = c.post(act_url(dispute, "no_such_step"), {"reason": "x"})
    assert response.status_code == 400
    assert fresh(dispute).state_version == before


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("close_round", {"reason": "   "}, "reason"),
        ("propose", {"remedy": "partial_refund", "amount": "abc"}, "amount"),
        ("propose", {"remedy": "partial_refund", "amount": "999999"}, "amount"),
        ("propose", {"remedy": "nothing"}, "remedy"),
        ("propose", {"remedy": "partial_refund", "amount": "10", "version": "x"}, "version"),
    ],
)
def test_bad_input_is_a_field_error(world, dispute, action, data, field):
    response = client(world.agent).post(act_url(dispute, action), data)
    assert response.status_code == 422
    body = response.content.decode()
    if field == "version":
        assert "field-error" in body
    else:
        assert f'id="{action}-{field}-error"' in body, body[:2000]
        assert f'id="act-{action}" open' in body


def test_a_stale_form_is_refused(world, dispute):
    version = fresh(dispute).state_version
    c = client(world.agent)
    c.post(
        act_url(dispute, "propose"),
        {"remedy": "partial_refund", "amount": "10", "version": version},
    )
    response = c.post(act_url(dispute, "close_round"), {"reason": "已答复", "version": version})
    assert response.status_code == 409
    assert fresh(dispute).status == "awaiting_evidence"


def test_the_agent_mediates_asks_for_evidence_and_refers(world, dispute):
    c = client(world.agent)
    # a mediation proposal, for both sides
    response = c.post(
        act_url(dispute, "propose"),
        {"remedy": "partial_refund", "amount": "30.00", "note": "建议部分退款"},
    )
    assert response.status_code == 302
    proposal = fresh(dispute).proposals.get(by_party="platform")  # the claim is the first one
    assert proposal.amount == Decimal("30.00") and proposal.note == "建议部分退款"
    # the merchant's round closed, a supplementary round for the consumer under B-1
    assert c.post(act_url(dispute, "close_round"), {"reason": "商家已答复"}).status_code == 302
    response = c.post(
        act_url(dispute, "open_round"),
        {
            "party": "consumer",
            "template": "B-1",
            "request": "请补充外壳裂痕照片",
            "kind": "supplementary",
        },
    )
    assert response.status_code == 302
    found = fresh(dispute)
    assert found.status == "awaiting_evidence" and found.due_kind == "evidence_round"
    assert found.rounds.get(number=2).party == "consumer"
    body = c.get(workspace(dispute)).content.decode()
    assert "请补充外壳裂痕照片" in body and "Done: Ask for evidence." in body
    # closed early, then handed over to arbitration with a reason
    c.post(act_url(dispute, "close_round"), {"reason": "已收到照片"})
    assert c.post(act_url(dispute, "refer"), {"reason": "双方分歧较大"}).status_code == 302
    found = fresh(dispute)
    assert found.status == "arbitration" and found.arbitrator_id == arbitrator(world).pk
    history = c.get(workspace(dispute)).content.decode()
    assert "Referred to arbitration" in history and "双方分歧较大" in history


def test_a_message_to_one_side(world, dispute):
    c = client(world.agent)
    url = reverse("console_disputes:message", args=[dispute.number])
    response = c.post(url, {"body": "", "visible_to": "merchant"})
    assert response.status_code == 422
    assert 'id="message-body-error"' in response.content.decode()
    assert c.post(url, {"body": "请商家补充检测报告", "visible_to": "merchant"}).status_code == 302
    message = fresh(dispute).case.messages.get()
    assert message.visible_to == "merchant" and message.party == "platform"
    assert "请商家补充检测报告" in c.get(workspace(dispute)).content.decode()
    response = c.post(url, {"body": "x", "visible_to": "everyone"})
    assert response.status_code == 422


# --- arbitration ---------------------------------------------------------------------------------


def test_the_arbitrator_rules_a_partial_refund_with_rationale_and_rules(world, dispute):
    to_arbitration(world, dispute)
    c = client(arbitrator(world))
    queue = c.get(reverse("console_disputes:arbitration")).content.decode()
    assert dispute.number in queue
    body = c.get(workspace(dispute)).content.decode()
    assert 'id="act-rule"' in body and 'value="P-8"' in body and 'value="R-4"' in body
    assert "Maximum ¥" in body  # the most that can be ordered
    # too short a rationale, no rule, an id that is no rule
    for data, field in (
        ({**RULING, "rationale": "太短"}, "rationale"),
        ({**RULING, "rules": []}, "rules"),
        ({**RULING, "rules": [], "rules_other": "whatever"}, "rules"),
        ({**RULING, "amount": ""}, "amount"),
    ):
        response = c.post(act_url(dispute, "rule"), data)
        assert response.status_code == 422, data
        assert f'id="rule-{field}-error"' in response.content.decode(), field
    assert fresh(dispute).status == "arbitration"
    response = c.post(
        act_url(dispute, "rule"),
        {**RULING, "rules_other": "art. 24；P-11", "merchant_at_fault": "on"},
    )
    assert response.status_code == 302
    found = fresh(dispute)
    ruling = found.rulings.get()
    assert found.status == "ruled" and ruling.amount == Decimal("40.00")
    assert ruling.rules == ["P-9", "R-4", "art. 24", "P-11", "B-1"] and ruling.merchant_at_fault
    body = c.get(workspace(dispute)).content.decode()
    assert RULING["rationale"] in body and "P-9, R-4, art. 24, P-11, B-1" in body


def test_the_arbitrator_sends_a_small_claim_to_the_panel_and_reads_its_result(world, dispute):
    to_arbitration(world, dispute)
    c = client(arbitrator(world))
    assert c.post(act_url(dispute, "send_to_jury"), {"reason": "小额争议"}).status_code == 302
    body = c.get(workspace(dispute)).content.decode()
    assert "The panel is voting" in body and 'id="act-close_jury"' in body
    assert c.post(act_url(dispute, "close_jury"), {"reason": "提前结束"}).status_code == 302
    body = c.get(workspace(dispute)).content.decode()
    assert "For the consumer" in body and "No majority (tied or no votes)" in body
    assert fresh(dispute).status == "arbitration"


def test_fast_track_names_its_limit(world, dispute, settings):
    to_arbitration(world, dispute)
    c = client(arbitrator(world))
    body = c.get(workspace(dispute)).content.decode()
    assert "Refund claims up to ¥200.00" in body
    settings.ANXIN_DISPUTE_FAST_TRACK_MAX = "1.00"
    response = c.post(act_url(dispute, "fast_track"), {"reason": "小额先行赔付"})
    assert response.status_code == 422
    assert "up to 1.00 can be paid at once" in response.content.decode()


def test_an_appeal_is_decided_by_a_different_arbitrator(world, dispute):
    first = arbitrator(world)
    second = f.user("arbitrator2", Role.ARBITRATOR)
    to_arbitration(world, dispute)
    client(first).post(act_url(dispute, "rule"), RULING)
    dispute_act(
        actor=world.actor(world.merchant), dispute=fresh(dispute), action="execute", payload={}
    )
    consumer = world.actor(world.consumer)
    dispute_evidence_add(
        actor=consumer, dispute=fresh(dispute), stream=png((1, 2, 3)), note="新照片"
    )
    dispute_act(
        actor=consumer, dispute=fresh(dispute), action="appeal", payload={"statement": "金额过低"}
    )
    appeals = reverse("console_disputes:arbitration") + "?queue=appeals"
    assert dispute.number in client(second).get(appeals).content.decode()
    # the first arbitrator has no appeal form, and is refused if they post one
    assert 'id="act-rule_appeal"' not in client(first).get(workspace(dispute)).content.decode()
    response = client(first).post(act_url(dispute, "rule_appeal"), {**RULING, "amount": "60.00"})
    assert response.status_code == 409
    assert "different arbitrator" in response.content.decode()
    body = client(second).get(workspace(dispute)).content.decode()
    assert 'id="act-rule_appeal"' in body and "金额过低" in body and "with the appeal" in body
    # the most is what the request was found eligible for (one of two shirts back loses the 满减:
    # 170.00 − 99.00), even though carrying out the 40.00 set the request's own amount to it
    assert "Maximum ¥71.00 in all" in body and "the ¥40.00 already paid included" in body
    response = client(second).post(
        act_url(dispute, "rule_appeal"),
        {**RULING, "amount": "60.00", "rationale": "上诉补充照片显示损坏更严重，提高退款金额。"},
    )
    assert response.status_code == 302
    found = fresh(dispute)
    assert found.status == "final" and found.rulings.get(level="appeal").amount == Decimal("60.00")


# --- the board ------------------------------------------------------------------------------------


def test_a_disputed_case_is_on_the_board_by_its_dispute_deadline(world, dispute):
    c = client(world.agent)
    board = reverse("console:board")
    assert dispute.number not in c.get(board).content.decode()
    clock.advance(timedelta(hours=20))
    body = c.get(board).content.decode()
    at_risk = body[body.index('id="at-risk"') : body.index('id="past-legal"')]
    assert dispute.number in at_risk and dispute.case.number in at_risk
    assert "Evidence is due" in at_risk
    clock.advance(timedelta(hours=5))  # due, and nobody swept
    body = c.get(board).content.decode()
    overdue = body[body.index('id="overdue"') : body.index('id="at-risk"')]
    assert dispute.number in overdue
    home = c.get(reverse("console:home")).content.decode()
    assert home.count("kpi-danger") >= 1


def test_the_console_case_page_links_its_dispute(world, dispute):
    body = (
        client(world.agent)
        .get(reverse("console:case", args=[dispute.case.number]))
        .content.decode()
    )
    assert workspace(dispute) in body and "data-countdown" in body


def test_the_queues_read_a_fixed_number_of_queries(world, dispute):
    c = client(world.agent)
    urls = [
        reverse("console_disputes:queue") + "?queue=all",
        reverse("console_disputes:arbitration"),
    ]

    def counted() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert c.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    before = counted()
    # given a second dispute (on the consumer's first case), in negotiation
    case_act(
        actor=world.actor(world.merchant), case=world.case, action="reject",
        payload={"reason": "不支持七天无理由"},
    )  # fmt: skip
    world.case.refresh_from_db()
    dispute_open(
        actor=world.actor(world.consumer), case=world.case,
        payload={"claim": "full_refund", "statement": "未拆封"},
    )  # fmt: skip
    # then the lists cost what they cost with one
    assert counted() == before


# --- the deadlines and automatic steps added to the core, in words ------------------------------

CODES = ("negotiation_lapse", "round_lapsed", "lapse", "mediation_target", "_target")


def visible(html: str) -> str:
    """What a person reads on the page: the text without tags, scripts or attributes."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def answered_negotiation(world) -> Dispute:
    """The consumer disputes the other shop's rejection and the shop answers with an offer: the
    dispute closes 7 days after opening unless settled or taken to the platform."""
    dispute = dispute_open(
        actor=world.actor(world.consumer),
        case=rejected_case(world),
        payload={"claim": "partial_refund", "amount": "40", "statement": "外壳开裂，商家不认。"},
    )
    dispute_act(
        actor=world.actor(world.other_merchant),
        dispute=dispute,
        action="propose",
        payload={"remedy": "partial_refund", "amount": "9"},
    )
    return fresh(dispute)


def test_the_7_day_negotiation_deadline_in_words_everywhere(world):
    dispute = answered_negotiation(world)
    assert dispute.due_kind == "negotiation_lapse"
    c = client(world.agent)
    text = visible(c.get(workspace(dispute)).content.decode())
    assert "Closes unless the consumer asks the platform to step in" in text
    assert "Then automatically: Closed: not taken to the platform within 7 days" in text
    queue = visible(c.get(reverse("console_disputes:queue") + "?queue=all").content.decode())
    assert "Closes unless the consumer asks the platform to step in" in queue
    case_page = visible(c.get(reverse("console:case", args=[dispute.case.number])).content.decode())
    assert "Closes unless the consumer asks the platform to step in" in case_page
    clock.advance(timedelta(days=6, hours=20))  # 4 hours left: on the at-risk board, in words
    board = c.get(reverse("console:board")).content.decode()
    at_risk = visible(board[board.index('id="at-risk"') : board.index('id="past-legal"')])
    assert dispute.number in at_risk
    assert "Closes unless the consumer asks the platform to step in" in at_risk
    zh = visible(client(world.agent, "zh-hans").get(workspace(dispute)).content.decode())
    assert "届时消费者未申请平台介入则纠纷关闭" in zh and "已关闭：7 天内未申请平台介入" in zh
    assert not [code for code in CODES if code in text + queue + at_risk + zh]


def test_a_lapsed_negotiation_in_the_history(world):
    dispute = answered_negotiation(world)
    clock.advance(timedelta(days=7, minutes=1))
    sweep_until_idle()
    assert fresh(dispute).status == "withdrawn"
    text = visible(client(world.agent).get(workspace(dispute)).content.decode())
    assert "Closed: not taken to the platform within 7 days" in text
    assert "P-8: neither settled nor taken to the platform within 7 days" in text
    assert "did not answer the dispute within 24 hours" not in text  # P-8's other step
    zh = visible(client(world.agent, "zh-hans").get(workspace(dispute)).content.decode())
    assert "P-8：7 天内既未和解也未申请平台介入" in zh
    assert not [code for code in CODES if code in text + zh]


def test_the_service_targets_read_as_targets(world, dispute):
    agent = world.actor(world.agent)
    dispute_act(actor=agent, dispute=dispute, action="close_round", payload={"reason": "已答复"})
    assert fresh(dispute).due_kind == "mediation_target"
    c = client(world.agent)
    text = visible(c.get(workspace(dispute)).content.decode())
    assert "The platform aims to finish mediation" in text
    assert "The platform's own service target: nothing happens by itself when it passes." in text
    assert "Then automatically" not in text
    queue = visible(c.get(reverse("console_disputes:queue") + "?queue=all").content.decode())
    assert "The platform aims to finish mediation" in queue
    dispute_act(actor=agent, dispute=fresh(dispute), action="refer", payload={"reason": "调解不成"})
    text = visible(client(arbitrator(world)).get(workspace(dispute)).content.decode())
    assert "The arbitrator aims to decide" in text
    zh = visible(client(arbitrator(world), "zh-hans").get(workspace(dispute)).content.decode())
    assert "仲裁员目标裁决时间" in zh
    assert not [code for code in CODES if code in text + queue + zh]


def test_what_the_end_of_an_evidence_round_does(world, dispute):
    # nothing given in the merchant's answer round: its end decides the dispute
    c = client(world.agent)
    assert (
        "Then automatically: Decided on the evidence present: nothing was given in the answer"
        in (visible(c.get(workspace(dispute)).content.decode()))
    )
    # a photo given: the end of the round hands the dispute back to the mediator
    dispute_evidence_add(actor=world.actor(world.merchant), dispute=dispute, stream=png((7, 8, 9)))
    text = visible(c.get(workspace(dispute)).content.decode())
    assert "Back to the mediator or arbitrator, who decides on the evidence given" in text
    clock.advance(timedelta(hours=25))
    sweep_until_idle()
    assert fresh(dispute).status == "mediation"
    text = visible(c.get(workspace(dispute)).content.decode())
    history = text[text.index("Evidence round over") :]
    assert "back to the mediator or arbitrator, who decides on the evidence present" in history
    zh = visible(client(world.agent, "zh-hans").get(workspace(dispute)).content.decode())
    assert "举证轮次结束" in zh
    assert not [code for code in CODES if code in text + zh]


DUE_KINDS = {"negotiation", "negotiation_lapse", "evidence_round", "jury", "suspension",
             "execution", "appeal_window", "mediation_target", "arbitration_target",
             "appeal_target"}  # fmt: skip


def test_every_step_and_deadline_kind_has_words():
    actions = {t.action for t in DISPUTE_WORKFLOW.transitions} | {"open"}
    assert actions <= set(EVENT_LABELS)
    system = {t.action for t in DISPUTE_WORKFLOW.transitions if Role.SYSTEM in t.roles}
    assert system <= set(AUTOMATIC_STEPS)
    armed = {s.kind for starts in DISPUTE_WORKFLOW.state_deadlines.values() for s in starts}
    assert armed - {"evidence_round_end"} <= DUE_KINDS == set(DUE_LABELS)
