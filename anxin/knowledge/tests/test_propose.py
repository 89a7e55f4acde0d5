"""A resolved or closed ticket becomes a draft article once."""

from __future__ import annotations

import pytest

from anxin.core.errors import Conflict, Forbidden
from anxin.knowledge.models import Article
from anxin.knowledge.services import article_propose_from_ticket
from anxin.tickets.models import Ticket
from anxin.tickets.services import ticket_act, ticket_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk):
    """This module's tests share one desk, built once (see tickets' conftest.shared_desk)."""
    return shared_desk


def resolved(desk, **fields):
    ticket = desk.open(**fields)
    agent = desk.actor(desk.world.agent)
    customer = desk.actor(desk.world.consumer)
    ticket_reply(actor=agent, ticket=ticket, body="第一次回复")
    ticket_reply(actor=customer, ticket=ticket, body="还是没到")
    ticket_reply(actor=agent, ticket=ticket, body="包裹已在派送，今天送达。")
    ticket_reply(actor=agent, ticket=ticket, body="内部：已催快递", internal=True)
    ticket.refresh_from_db()
    ticket_act(actor=agent, ticket=ticket, action="resolve")
    return Ticket.objects.get(pk=ticket.pk)


def test_a_resolved_ticket_becomes_a_draft(desk):
    # given
    ticket = resolved(desk, subject="包裹一直没到")
    # when
    draft = article_propose_from_ticket(actor=desk.actor(desk.world.agent), ticket=ticket)
    # then
    assert draft.status == "draft"
    assert (draft.title_zh, draft.body_zh) == ("包裹一直没到", "包裹已在派送，今天送达。")
    assert draft.source_ticket_number == ticket.number
    assert draft.author == desk.world.agent
    assert Ticket.objects.get(pk=ticket.pk).kb_proposed is True
    assert " 派送 " in draft.search_body


def test_an_english_ticket_fills_the_english_fields(desk):
    ticket = resolved(desk, subject="Where is my parcel?", language="en")
    draft = article_propose_from_ticket(actor=desk.actor(desk.world.agent), ticket=ticket)
    assert (draft.title_en, draft.title_zh) == ("Where is my parcel?", "")


def test_a_ticket_is_proposed_once(desk):
    # given
    ticket = resolved(desk)
    me = desk.actor(desk.world.agent)
    article_propose_from_ticket(actor=me, ticket=ticket)
    # when / then
    with pytest.raises(Conflict):
        article_propose_from_ticket(actor=me, ticket=Ticket.objects.get(pk=ticket.pk))
    assert Article.objects.filter(source_ticket_number=ticket.number).count() == 1


def test_a_closed_ticket_can_be_proposed(desk):
    ticket = resolved(desk)
    ticket_act(actor=desk.actor(desk.world.agent), ticket=ticket, action="close")
    ticket = Ticket.objects.get(pk=ticket.pk)
    draft = article_propose_from_ticket(actor=desk.actor(desk.world.admin), ticket=ticket)
    assert draft.source_ticket_number == ticket.number


def test_an_open_ticket_is_refused_and_nothing_changes(desk):
    # given
    ticket = desk.open()
    # when / then
    with pytest.raises(Conflict):
        article_propose_from_ticket(actor=desk.actor(desk.world.agent), ticket=ticket)
    assert Ticket.objects.get(pk=ticket.pk).kb_proposed is False
    assert not Article.objects.filter(source_ticket_number=ticket.number).exists()


@pytest.mark.parametrize("who", ["consumer", "merchant", "other_merchant"])
def test_only_the_desk_proposes(desk, who):
    ticket = resolved(desk)
    with pytest.raises(Forbidden):
        article_propose_from_ticket(actor=desk.actor(getattr(desk.world, who)), ticket=ticket)
    assert Ticket.objects.get(pk=ticket.pk).kb_proposed is False
