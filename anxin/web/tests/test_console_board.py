"""The at-risk / overdue board: which case lands in which bucket, on a known timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from anxin.cases.board import case_board_for as board_for
from anxin.cases.board import is_at_risk
from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_act, case_open
from anxin.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def _open(world, order="E1002"):
    return case_open(
        actor=world.actor(world.consumer),
        data=CaseOpenIn(
            order=order, line="L1", type="return_refund", reason="no_reason/changed_mind"
        ),
    )


def _numbers(cards):
    return [card.case.number for card in cards]


def test_at_risk_rule_six_hours_or_last_quarter():
    armed = clock.now()
    day = timedelta(days=1)
    # 48 h window: the last quarter is 12 h
    assert is_at_risk(due_at=armed + 2 * day, armed_at=armed, now=armed + timedelta(hours=37))
    assert not is_at_risk(due_at=armed + 2 * day, armed_at=armed, now=armed + timedelta(hours=35))
    # 1 h window: the 6-hour rule already applies
    assert is_at_risk(due_at=armed + timedelta(hours=1), armed_at=armed, now=armed)
    # 15-day window: amber 3¾ days out
    assert is_at_risk(due_at=armed + 15 * day, armed_at=armed, now=armed + 11.5 * day)
    assert not is_at_risk(due_at=armed + 15 * day, armed_at=armed, now=armed + 11 * day)
    # overdue is not "at risk"
    assert not is_at_risk(due_at=armed, armed_at=armed - day, now=armed)


def test_buckets_on_a_known_timeline(world, as_user):
    # NOW: world.case (m1) and world.other_case (m2) opened, 48 h review each.
    # other_case approved right away: refund due in 7 days — calm.
    case_act(
        actor=world.actor(world.other_merchant),
        case=world.other_case,
        action="approve",
        payload={},
    )
    clock.advance(timedelta(hours=10))
    risky = _open(world)  # review due NOW + 58 h
    clock.advance(timedelta(hours=39))
    calm = _open(world)  # review due NOW + 97 h
    clock.advance(timedelta(hours=1))  # NOW + 50 h; nobody swept
    board = board_for(actor=world.actor(world.agent))
    assert _numbers(board.overdue) == [world.case.number]  # due 2 h ago
    assert _numbers(board.at_risk) == [risky.number]  # 8 h left of 48 (last quarter)
    assert calm.number not in _numbers(board.overdue + board.at_risk)
    assert world.other_case.number not in _numbers(board.overdue + board.at_risk)
    assert board.overdue_total == 1 and board.at_risk_total == 1
    assert board.past_legal == []
    card = board.overdue[0]
    assert card.kind == "merchant_review"

    response = as_user(world.agent).get(reverse("console:board"))
    body = response.content.decode()
    overdue = body.split('id="overdue"')[1].split("</section>")[0]
    at_risk = body.split('id="at-risk"')[1].split("</section>")[0]
    assert world.case.number in overdue and "Shop m1" in overdue
    assert "Merchant must respond" in overdue and "data-countdown=" in overdue
    assert risky.number in at_risk
    assert calm.number not in body
    assert 'hx-trigger="every 30s"' in body


def test_past_the_legal_line(world):
    clock.advance(timedelta(days=16))
    case_act(
        actor=world.actor(world.consumer), case=world.other_case, action="withdraw", payload={}
    )
    board = board_for(actor=world.actor(world.agent))
    assert _numbers(board.past_legal) == [world.case.number]
    assert board.past_legal[0].days_open == 16
    assert board.past_legal_total == 1


def test_htmx_poll_gets_only_the_board(world, as_user):
    client = as_user(world.agent)
    partial = client.get(reverse("console:board"), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="board"')
    assert "<html" not in body
    assert "HX-Request" in partial["Vary"]
    full = client.get(reverse("console:board"))
    assert "<html" in full.content.decode()


def test_zh_board_renders(world, as_user):
    clock.advance(timedelta(hours=49))
    body = as_user(world.agent, "zh-hans").get(reverse("console:board")).content.decode()
    assert world.case.number in body
