"""SLA clocks on the business calendar, with a controlled clock and the real sweeper."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from anxin.core import clock
from anxin.core.models import Deadline
from anxin.core.sweeper import sweep_until_idle
from anxin.tickets.choices import SlaMetric, SlaStatus
from anxin.tickets.models import SlaClock, TicketEvent
from anxin.tickets.services import ticket_act, ticket_reply

from .desk import Desk


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


SH = ZoneInfo("Asia/Shanghai")
# Smoke set: a ticket's SLA clocks end to end, on PostgreSQL too.
pytestmark = [pytest.mark.django_db, pytest.mark.pg_smoke]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def clock_of(ticket: Any, metric: str) -> SlaClock:
    return SlaClock.objects.filter(ticket=ticket, metric=metric).latest("pk")


def sweep(when: datetime) -> Any:
    clock.freeze(when)
    return sweep_until_idle(now=when)


def test_first_response_skips_the_weekend_and_counts_the_make_up_workday(desk: Desk) -> None:
    # given a ticket opened on Friday 2026-09-18 at 16:00 (first response: 4 business hours)
    clock.freeze(at(2026, 9, 18, 16, 0))
    ticket = desk.open()
    # then 2 h run on Friday, Saturday is off and Sunday 09-20 is a make-up workday (调休)
    first = clock_of(ticket, SlaMetric.FIRST_RESPONSE)
    assert first.due_at == at(2026, 9, 20, 11, 0)
    # and the warning comes at 75 % (3 h): Sunday 10:00
    assert first.warn_at == at(2026, 9, 20, 10, 0)


def test_first_response_skips_a_public_holiday(desk: Desk) -> None:
    # given a ticket opened on Thursday 2026-09-24 at 16:00; Friday 09-25 is the Mid-Autumn
    # holiday and the weekend follows
    clock.freeze(at(2026, 9, 24, 16, 0))
    ticket = desk.open()
    # then the 4 business hours end on Monday 09-28 at 11:00
    assert clock_of(ticket, SlaMetric.FIRST_RESPONSE).due_at == at(2026, 9, 28, 11, 0)


def test_warning_and_breach_fire_once_each_and_breach_escalates_to_the_supervisor(
    desk: Desk,
) -> None:
    # given a ticket opened Thursday 2026-11-05 10:00, assigned to a first-line agent
    clock.freeze(at(2026, 11, 5, 10, 0))
    ticket = desk.open()
    assert ticket.assignee_id in {a.pk for a in desk.agents}
    # when the sweeper runs at the warning time, again, and past the breach time, twice
    sweep(at(2026, 11, 5, 13, 0))
    sweep(at(2026, 11, 5, 13, 30))
    sweep(at(2026, 11, 5, 14, 0))
    sweep(at(2026, 11, 5, 15, 0))
    # then the first-response clock warned once and breached once
    first = clock_of(ticket, SlaMetric.FIRST_RESPONSE)
    assert first.status == SlaStatus.BREACHED
    assert first.warned_at == at(2026, 11, 5, 13, 0)
    assert first.breached_at == at(2026, 11, 5, 14, 0)
    events = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert events.count("sla_warn") == 1
    assert events.count("sla_breach") == 1
    fired = Deadline.objects.filter(subject_type="tickets.slaclock", subject_id=first.pk)
    assert sorted(fired.filter(state="fired").values_list("kind", flat=True)) == [
        "sla_breach",
        "sla_warn",
    ]
    # and the ticket went up one level, to the team's supervisor
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    assert ticket.assignee_id == desk.supervisor.pk
    assert TicketEvent.objects.filter(ticket=ticket, action="escalate").count() == 1


def test_clock_pauses_while_waiting_on_the_customer(desk: Desk) -> None:
    # given a ticket opened Thursday 2026-11-05 10:00 and answered at 11:00 with a question
    clock.freeze(at(2026, 11, 5, 10, 0))
    ticket = desk.open()
    agent = desk.actor(desk.world.agent)
    clock.freeze(at(2026, 11, 5, 11, 0))
    ticket_reply(actor=agent, ticket=ticket, body="Which colour did you order?")
    ticket_act(actor=agent, ticket=ticket, action="wait_customer")
    resolution = clock_of(ticket, SlaMetric.RESOLUTION)
    assert resolution.status == SlaStatus.PAUSED
    assert resolution.consumed == timedelta(hours=1)
    # when the sweeper runs during the pause, long after the original due time
    sweep(at(2026, 11, 11, 12, 0))
    # then no SLA deadline fires (pausing cancelled them)
    slas = Deadline.objects.filter(subject_type="tickets.slaclock", state="fired")
    assert not slas.exists()
    # when the customer answers a week later, on Thursday 2026-11-12 at 10:00
    clock.freeze(at(2026, 11, 12, 10, 0))
    ticket_reply(actor=desk.actor(desk.world.consumer), ticket=ticket, body="Blue.")
    # then the resolution clock resumes with the 26 business hours it had left
    resolution.refresh_from_db()
    assert resolution.status == SlaStatus.RUNNING
    # 26 h from Thu 10:00: Thu 8 h, Fri 9 h (17), Mon 9 h (26) → Monday 11-16 at 18:00
    assert resolution.due_at == at(2026, 11, 16, 18, 0)
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert clock_of(ticket, SlaMetric.NEXT_RESPONSE).status == SlaStatus.RUNNING


def test_a_late_answer_counts_as_a_breach_even_before_the_sweeper_runs(desk: Desk) -> None:
    # given a ticket opened Thursday 10:00 (first response due 14:00) and no sweep since
    clock.freeze(at(2026, 11, 5, 10, 0))
    ticket = desk.open()
    # when the agent answers at 15:00
    clock.freeze(at(2026, 11, 5, 15, 0))
    ticket_reply(actor=desk.actor(desk.world.agent), ticket=ticket, body="Sorry for the wait.")
    # then the clock is breached (at its due time) and stopped, and no later sweep escalates
    first = clock_of(ticket, SlaMetric.FIRST_RESPONSE)
    assert (first.status, first.breached_at) == (SlaStatus.BREACHED, at(2026, 11, 5, 14, 0))
    assert first.stopped_at == at(2026, 11, 5, 15, 0)
    sweep(at(2026, 11, 5, 16, 0))
    assert not TicketEvent.objects.filter(ticket=ticket, action="escalate").exists()
