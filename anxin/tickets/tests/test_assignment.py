"""Assignment: round-robin fairness, capacity, absent agents, skills, least-loaded, transfers."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.tickets.choices import AssignmentMode, Availability, SlaMetric
from anxin.tickets.models import AgentProfile, SlaClock, Team, Ticket
from anxin.tickets.services import (
    agent_availability_set,
    ticket_act,
    ticket_reply,
    ticket_transfer,
)

from .desk import Desk, agent_profile, build_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


SH = ZoneInfo("Asia/Shanghai")


def test_round_robin_is_fair_over_1000_tickets() -> None:
    # given a first-line team of 4 online agents with room for everything, and one away
    desk = build_desk(agents=4)
    AgentProfile.objects.filter(user__in=desk.agents).update(capacity=1000)
    # when 1,000 tickets arrive (many in the same instant: the clock is frozen)
    for n in range(1000):
        desk.open(subject=f"Question {n}")
    # then each agent got 250, the away supervisor none, and turns alternate strictly
    counts = Counter(Ticket.objects.values_list("assignee_id", flat=True))
    assert counts == {a.pk: 250 for a in desk.agents}
    order = list(Ticket.objects.order_by("pk").values_list("assignee_id", flat=True))
    assert all(order[i] != order[i + 1] for i in range(len(order) - 1))
    assert len(set(order[:4])) == 4


def test_capacity_is_respected_and_overflow_waits_in_the_team_queue(desk: Desk) -> None:
    # given two online agents with capacity 3 each
    AgentProfile.objects.filter(user__in=desk.agents).update(capacity=3)
    # when 8 tickets arrive
    tickets = [desk.open(subject=f"Q{n}") for n in range(8)]
    # then 6 are assigned, 3 each, and 2 wait unassigned in the team
    counts = Counter(t.assignee_id for t in tickets)
    assert counts[None] == 2
    assert sorted(v for k, v in counts.items() if k is not None) == [3, 3]
    assert all(t.team_id == desk.team.pk for t in tickets)
    # when one agent resolves a ticket and the other goes away and comes back
    agent = desk.actor(desk.world.agent)
    mine = next(t for t in tickets if t.assignee_id == desk.world.agent.pk)
    ticket_reply(actor=agent, ticket=mine, body="Done.")
    ticket_act(actor=agent, ticket=mine, action="resolve")
    agent_availability_set(actor=agent, availability=Availability.AWAY)
    agent_availability_set(actor=agent, availability=Availability.ONLINE)
    # then the freed slot takes the oldest waiting ticket
    waiting = [t for t in tickets if t.assignee_id is None]
    waiting[0].refresh_from_db()
    waiting[1].refresh_from_db()
    assert waiting[0].assignee_id == desk.world.agent.pk
    assert waiting[1].assignee_id is None


def test_absent_agents_are_skipped(desk: Desk) -> None:
    # given agent2 is away and the supervisor is away
    AgentProfile.objects.filter(user=desk.agents[1]).update(availability=Availability.AWAY)
    # when 5 tickets arrive
    tickets = [desk.open(subject=f"Q{n}") for n in range(5)]
    # then all go to the one online agent
    assert {t.assignee_id for t in tickets} == {desk.world.agent.pk}
    # when that agent goes off duty, nobody is left: the next ticket waits
    agent_availability_set(actor=desk.actor(desk.world.agent), availability=Availability.OFF)
    assert desk.open(subject="late").assignee_id is None


def test_language_skill_is_preferred(desk: Desk) -> None:
    # given agent speaks only Chinese and agent2 only English
    AgentProfile.objects.filter(user=desk.agents[0]).update(languages=["zh-hans"])
    AgentProfile.objects.filter(user=desk.agents[1]).update(languages=["en"])
    # when English and Chinese tickets arrive
    english = [desk.open(subject=f"E{n}", language="en") for n in range(3)]
    chinese = [desk.open(subject=f"Z{n}", language="zh-hans") for n in range(3)]
    # then each goes to the agent with the language
    assert {t.assignee_id for t in english} == {desk.agents[1].pk}
    assert {t.assignee_id for t in chinese} == {desk.agents[0].pk}


def test_least_loaded_picks_the_agent_with_fewest_open_tickets(desk: Desk) -> None:
    # given a least-loaded team where agent already holds 3 open tickets
    Team.objects.filter(pk=desk.team.pk).update(assignment_mode=AssignmentMode.LEAST_LOADED)
    AgentProfile.objects.filter(user=desk.agents[1]).update(availability=Availability.AWAY)
    for n in range(3):
        desk.open(subject=f"old {n}")
    AgentProfile.objects.filter(user=desk.agents[1]).update(availability=Availability.ONLINE)
    # when 4 new tickets arrive
    fresh = [desk.open(subject=f"new {n}") for n in range(4)]
    # then agent2 takes the first three (0,1,2 < 3), then they alternate from equal load
    assert [t.assignee_id for t in fresh[:3]] == [desk.agents[1].pk] * 3
    assert fresh[3].assignee_id == desk.agents[0].pk


def test_transfer_keeps_the_sla_clock(desk: Desk) -> None:
    # given a ticket opened on Thursday 10:00 and a technical team with an online agent
    clock.freeze(datetime(2026, 11, 5, 10, 0, tzinfo=SH))
    ticket = desk.open(type="after_sales")
    technical = Team.objects.get(code="technical")
    tech = f.user("tech", Role.AGENT)
    agent_profile(tech, technical)
    before = SlaClock.objects.get(ticket=ticket, metric=SlaMetric.RESOLUTION)
    # when the first-line agent transfers it at 12:00
    clock.freeze(datetime(2026, 11, 5, 12, 0, tzinfo=SH))
    moved = ticket_transfer(
        actor=desk.actor(desk.world.agent), ticket=ticket, team_code="technical", reason="firmware"
    )
    # then the specialist has it, and the clocks did not restart
    assert moved.team_id == technical.pk
    assert moved.assignee_id == tech.pk
    after = SlaClock.objects.get(ticket=ticket, metric=SlaMetric.RESOLUTION)
    assert (after.pk, after.started_at, after.due_at) == (
        before.pk,
        before.started_at,
        before.due_at,
    )
