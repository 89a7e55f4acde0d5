"""Canned replies: placeholders filled from the ticket, who sees which replies, who edits them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.core.errors import Forbidden, ValidationFailed
from anxin.knowledge.models import CannedReply
from anxin.knowledge.selectors import canned_replies_for
from anxin.knowledge.services import (
    canned_reply_create,
    canned_reply_render,
    canned_reply_update,
)

from .helpers import actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk):
    """This module's tests share one desk, built once (see tickets' conftest.shared_desk)."""
    return shared_desk


TEMPLATE = (
    "{customer_name}，订单 {order_number}，工单 {ticket_number}，售后 {case_number}，{agent_name}"
)


def reply(**fields):
    values = {
        "title_zh": "测试",
        "title_en": "Test",
        "body_zh": TEMPLATE,
        "body_en": "Hi {customer_name}, order {order_number}, ticket {ticket_number}.",
    }
    values.update(fields)
    return CannedReply.objects.create(**values)


def test_every_placeholder_is_filled_from_the_ticket(desk):
    # given a ticket about the consumer's order and case
    w = desk.world
    ticket = desk.open(order=w.order.external_id, case=w.case.number, contact_name="张三")
    # when
    text = canned_reply_render(reply=reply(), ticket=ticket, language="zh-hans", agent_name="小安")
    # then
    assert text == (
        f"张三，订单 {w.order.number}，工单 {ticket.number}，售后 {w.case.number}，小安"
    )


def test_the_language_picks_the_text():
    # given
    ticket = SimpleNamespace(number="TK1", contact_name="Li", order=None, case=None)
    # when
    text = canned_reply_render(reply=reply(), ticket=ticket, language="en", agent_name="Ann")
    # then
    assert text == "Hi Li, order {order_number}, ticket TK1."


def test_missing_values_and_unknown_placeholders_stay_as_written():
    # given a ticket without order, case or name
    ticket = SimpleNamespace(number="TK1", contact_name="", order=None, case=None)
    body = "{customer_name} {order_number} {case_number} {coupon} {Order_Number} { } {"
    # when
    text = canned_reply_render(
        reply=reply(body_zh=body), ticket=ticket, language="zh-hans", agent_name=""
    )
    # then
    assert text == body


def test_values_are_not_read_again_as_placeholders():
    # given a customer whose name looks like a placeholder
    ticket = SimpleNamespace(number="TK1", contact_name="{ticket_number}", order=None, case=None)
    # when
    text = canned_reply_render(
        reply=reply(body_zh="{customer_name}"), ticket=ticket, language="zh", agent_name="a"
    )
    # then
    assert text == "{ticket_number}"


def test_an_empty_language_text_falls_back_to_the_other():
    ticket = SimpleNamespace(number="TK1", contact_name="", order=None, case=None)
    text = canned_reply_render(
        reply=reply(body_en=""), ticket=ticket, language="en", agent_name="a"
    )
    assert text.startswith("{customer_name}，")


def test_agents_get_shared_and_their_teams_replies_only(desk):
    # given
    shared = reply(title_en="Shared")
    own = reply(title_en="Service", team_code="service")
    other = reply(title_en="Logistics", team_code="logistics")
    reply(title_en="Old", active=False)
    # when
    for_agent = set(canned_replies_for(actor=actor(desk.world.agent), language="en"))
    for_admin = set(canned_replies_for(actor=actor(desk.world.admin), language="en"))
    # then
    assert {shared, own} <= for_agent
    assert other not in for_agent
    assert other in for_admin
    assert not any(r.title_en == "Old" for r in for_agent | for_admin)


@pytest.mark.parametrize("who", ["consumer", "merchant", "merchant_admin", "other_merchant"])
def test_nobody_outside_the_desk_gets_canned_replies(desk, who):
    user = getattr(desk.world, who)
    assert list(canned_replies_for(actor=actor(user), language="zh-hans")) == []


def test_the_seeded_replies_are_offered_in_both_languages(desk):
    zh = [r.title_zh for r in canned_replies_for(actor=actor(desk.world.agent), language="zh")]
    assert len(zh) == 6
    assert "问候" in zh


FIELDS = {"title_zh": "标题", "title_en": "Title", "body_zh": "正文", "body_en": "Text"}


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("consumer", False),
        ("merchant", False),
        ("agent", False),
        ("supervisor", True),
        ("arbitrator", True),
        ("admin", True),
    ],
)
def test_supervisors_and_administrators_manage_canned_replies(desk, who, allowed):
    # given
    users = {
        "supervisor": desk.supervisor,
        "arbitrator": f.user("arbitrator", Role.ARBITRATOR),
    }
    user = users.get(who) or getattr(desk.world, who)
    before = CannedReply.objects.count()
    # when / then
    if allowed:
        created = canned_reply_create(actor=actor(user), team_code="service", **FIELDS)
        updated = canned_reply_update(
            actor=actor(user), reply=created, active=False, **{**FIELDS, "title_en": "New"}
        )
        assert (updated.title_en, updated.active, updated.team_code) == ("New", False, "")
        assert CannedReply.objects.count() == before + 1
    else:
        with pytest.raises(Forbidden):
            canned_reply_create(actor=actor(user), **FIELDS)
        existing = CannedReply.objects.first()
        with pytest.raises(Forbidden):
            canned_reply_update(actor=actor(user), reply=existing, **FIELDS)
        assert CannedReply.objects.count() == before
        assert CannedReply.objects.get(pk=existing.pk).title_en == existing.title_en


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body_en": "  "}, "body_en"),
        ({"title_zh": "x" * 121}, "title_zh"),
        ({"team_code": "nope"}, "team_code"),
    ],
)
def test_canned_reply_input_is_checked(desk, change, field):
    with pytest.raises(ValidationFailed) as error:
        canned_reply_create(actor=actor(desk.world.admin), **{**FIELDS, **change})
    assert field in error.value.fields
