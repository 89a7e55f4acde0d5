"""PostgreSQL races of the desk: tickets arriving together never overfill an agent, and a breach
sweep racing an agent's reply neither deadlocks nor escalates twice."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from anxin.cases.tests.fixtures_pg import postgres_required, race
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.sweeper import sweep_until_idle
from anxin.tickets.choices import Availability
from anxin.tickets.inputs import TicketOpenIn
from anxin.tickets.models import AgentProfile, SlaClock, Team, Ticket, TicketEvent
from anxin.tickets.services import ticket_open, ticket_reply

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")


def _team_with_agents(capacity: int) -> tuple[Team, list[object]]:

    team, _created = Team.objects.get_or_create(
        code="service",
        defaults={"name_zh": "客户服务", "name_en": "Customer service", "kind": "customer_service"},
    )
    Team.objects.filter(pk=team.pk).update(first_line=True, ticket_types=[])
    agents = []
    for n in range(2):
        user = f.user(f"race-agent-{n}", Role.AGENT)
        profile = AgentProfile.objects.create(
            user=user, availability=Availability.ONLINE, capacity=capacity, languages=["zh-hans"]
        )
        profile.teams.add(team)
        agents.append(user)
    return team, agents


def _open(n: int) -> object:
    return ticket_open(
        actor=Actor(role=Role.SYSTEM, platform=True, label="race"),
        data=TicketOpenIn(type="inquiry", subject=f"race {n}", body="?"),
        channel="email",
    )


def test_20_tickets_at_once_never_overfill_an_agent() -> None:
    postgres_required()
    # given two online agents with room for 5 tickets each
    _team, agents = _team_with_agents(capacity=5)
    # when 20 tickets arrive at the same moment
    results = race(*[lambda n=n: _open(n) for n in range(20)])
    # then all were opened, each agent holds exactly 5, and 10 wait in the team queue
    assert not [r for r in results if isinstance(r, BaseException)], results
    counts = Counter(Ticket.objects.values_list("assignee_id", flat=True))
    assert counts == {agents[0].pk: 5, agents[1].pk: 5, None: 10}


def test_breach_racing_an_agent_reply_does_not_deadlock_or_escalate_twice() -> None:
    postgres_required()
    from anxin.tickets.models import SlaPolicy

    SlaPolicy.objects.get_or_create(
        name="Race",
        defaults={
            "first_response_minutes": 60,
            "next_response_minutes": 60,
            "resolution_minutes": 600,
            "calendar": "natural",
        },
    )
    # the only active policy, whether or not an earlier test of this process flushed the seeds
    SlaPolicy.objects.exclude(name="Race").update(active=False)
    _team, agents = _team_with_agents(capacity=50)
    opened = datetime(2026, 11, 5, 10, 0, tzinfo=SH)
    with clock.frozen(opened):
        tickets = [_open(n) for n in range(10)]
    later = opened + timedelta(hours=2)
    agent = Actor(role=Role.AGENT, user_id=agents[0].pk, platform=True)
    # when the sweeper fires the breaches while agents answer the same tickets
    with clock.frozen(later):
        jobs = [lambda: sweep_until_idle(now=later)]
        jobs += [lambda t=t: ticket_reply(actor=agent, ticket=t, body="answer") for t in tickets]
        results = race(*jobs, timeout=60)
        sweep_until_idle(now=later)
    # then nothing failed, every ticket escalated at most once, and every first response counts
    # as breached (answered an hour late), whether the sweeper or the reply got there first
    assert not [r for r in results if isinstance(r, BaseException)], results
    per_ticket = Counter(
        TicketEvent.objects.filter(action="escalate").values_list("ticket_id", flat=True)
    )
    assert all(n == 1 for n in per_ticket.values())
    firsts = SlaClock.objects.filter(metric="first_response")
    assert sorted(firsts.values_list("status", flat=True)) == ["breached"] * 10
    assert not firsts.filter(breached_at__isnull=True).exists()


def test_the_same_mail_from_three_fetchers_at_once_is_one_row_and_one_ticket() -> None:
    postgres_required()
    # given one message that IMAP, a Maildir and the inbound webhook all deliver
    from anxin.tickets.mail.inbound import mail_receive
    from anxin.tickets.models import InboundMail
    from anxin.web.tests.conftest import reseed

    from .desk import build_desk
    from .test_mail_inbound import mail

    reseed()  # an earlier test of this process may have flushed the seeded categories
    build_desk()
    raw = mail(message_id="<race@example.com>")
    # when the three store it at the same moment
    results = race(
        *[lambda s=s: mail_receive(raw=raw, source=s) for s in ("imap", "maildir", "webhook")]
    )
    # then every fetcher gets the same row, and one ticket exists
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert len({r.pk for r in results}) == 1
    assert InboundMail.objects.count() == 1
    assert Ticket.objects.filter(channel="email").count() == 1
