"""Agent performance figures: business-time medians and p90, SLA attainment, reopen rate."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from anxin.core import clock
from anxin.tickets.services import ticket_act, ticket_reply
from anxin.tickets.stats import p90, performance

from .desk import Desk

# Percentiles and counts are aggregate queries (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


SH = ZoneInfo("Asia/Shanghai")


def test_p90_is_the_nearest_rank() -> None:
    assert p90([]) is None
    assert p90([5.0]) == 5.0
    assert p90([float(n) for n in range(1, 11)]) == 9.0
    assert p90([float(n) for n in range(1, 21)]) == 18.0


def test_figures_per_agent_and_team(desk: Desk) -> None:
    # given three tickets for agent (round-robin with one agent online) opened Thursday 10:00
    from anxin.tickets.models import AgentProfile

    AgentProfile.objects.filter(user=desk.agents[1]).update(availability="away")
    start = datetime(2026, 11, 5, 10, 0, tzinfo=SH)
    clock.freeze(start)
    tickets = [desk.open(subject=f"T{n}") for n in range(3)]
    agent = desk.actor(desk.world.agent)
    # answered after 1 h, 2 h and (late) 5 h; all resolved at 17:00; one reopened later
    for ticket, hours in zip(tickets, (1, 2, 5), strict=True):
        clock.freeze(start + timedelta(hours=hours))
        ticket_reply(actor=agent, ticket=ticket, body="answer")
    clock.freeze(datetime(2026, 11, 5, 17, 0, tzinfo=SH))
    for ticket in tickets:
        ticket_act(actor=agent, ticket=ticket, action="resolve")
    ticket_act(actor=desk.actor(desk.world.consumer), ticket=tickets[0], action="accept_resolution")
    ticket_reply(actor=desk.actor(desk.world.consumer), ticket=tickets[0], body="again")
    # when the figures are computed
    agents, teams = performance(since=start - timedelta(days=1), until=clock.now(), zh=False)
    # then the agent's medians are in business minutes and one first response of three breached
    (row,) = agents
    assert row.label == "agent"
    assert row.tickets == 3
    assert row.first_response_median == 120.0
    assert row.first_response_p90 == 300.0
    assert row.resolution_median == 420.0
    # first responses: 2 met, 1 breached; resolutions: 3 met
    assert (row.sla_met, row.sla_breached) == (5, 1)
    assert row.sla_attainment == round(100 * 5 / 6, 1)
    assert row.reopen_rate == round(100 / 3, 1)
    (team,) = teams
    assert team.label == "Customer service"
    assert team.tickets == 3


def test_the_figures_cost_a_fixed_number_of_queries(
    desk: Desk, django_assert_max_num_queries: Any
) -> None:
    clock.freeze(datetime(2026, 11, 5, 10, 0, tzinfo=SH))
    agent = desk.actor(desk.world.agent)
    for n in range(12):
        ticket = desk.open(subject=f"Q{n}")
        ticket_reply(actor=agent, ticket=ticket, body="answer")
        ticket_act(actor=agent, ticket=ticket, action="resolve")
    with django_assert_max_num_queries(8):
        performance(since=clock.now() - timedelta(days=1), until=clock.now(), zh=True)
