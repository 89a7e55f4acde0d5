"""Quality review: supervisors only, once per ticket, credited to the agent who handled it.

(Moved from the feedback app with ``anxin.tickets.quality``.)"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.errors import Conflict, Forbidden, ValidationFailed
from anxin.feedback import selectors, services
from anxin.feedback.models import QaSample, QaScorecard, Survey
from anxin.feedback.tests.helpers import closed_ticket
from anxin.tickets import quality
from anxin.tickets.services import ticket_reply

pytestmark = pytest.mark.django_db

SCORES = {"professionalism": 5, "accuracy": 4, "empathy": 4, "policy_compliance": 3}


def people(desk):
    w = desk.world
    return {
        "consumer": w.consumer,
        "merchant": w.merchant,
        "other_merchant": w.other_merchant,
        "agent": w.agent,
        "supervisor": desk.supervisor,
        "arbitrator": f.user("arbitrator", Role.ARBITRATOR),
        "admin": w.admin,
    }


REVIEWERS = {"supervisor", "arbitrator", "admin"}


@pytest.mark.parametrize(
    "who", ["consumer", "merchant", "other_merchant", "agent", "supervisor", "arbitrator", "admin"]
)
def test_only_supervisors_sample(desk, who):
    # given
    closed_ticket(desk)
    me = desk.actor(people(desk)[who])
    since = clock.now() - timedelta(days=30)
    # when / then
    if who in REVIEWERS:
        assert len(quality.qa_sample(actor=me, share=Decimal("1"), since=since)) == 1
    else:
        with pytest.raises(Forbidden):
            quality.qa_sample(actor=me, share=Decimal("1"), since=since)
        assert not QaSample.objects.exists()


@pytest.mark.parametrize(
    "who", ["consumer", "merchant", "other_merchant", "agent", "supervisor", "arbitrator", "admin"]
)
def test_only_supervisors_score(desk, who):
    # given
    ticket = closed_ticket(desk)
    me = desk.actor(people(desk)[who])
    # when / then
    if who in REVIEWERS:
        card = quality.qa_score(actor=me, ticket=ticket, comment="Clear.", **SCORES)
        assert card.agent_id == desk.world.agent.pk
        assert (card.total, card.average) == (16, Decimal("4.00"))
    else:
        with pytest.raises(Forbidden):
            quality.qa_score(actor=me, ticket=ticket, **SCORES)
        assert not QaScorecard.objects.exists()


def test_a_ticket_is_scored_once(desk):
    # given
    ticket = closed_ticket(desk)
    me = desk.actor(desk.supervisor)
    quality.qa_score(actor=me, ticket=ticket, **SCORES)
    # when / then
    with pytest.raises(Conflict):
        quality.qa_score(actor=desk.actor(desk.world.admin), ticket=ticket, **SCORES)
    assert QaScorecard.objects.count() == 1


def test_open_tickets_are_not_scored(desk):
    ticket = desk.open()
    with pytest.raises(Conflict):
        quality.qa_score(actor=desk.actor(desk.supervisor), ticket=ticket, **SCORES)


def test_each_criterion_is_one_to_five(desk):
    ticket = closed_ticket(desk)
    with pytest.raises(ValidationFailed) as error:
        quality.qa_score(
            actor=desk.actor(desk.supervisor), ticket=ticket, **{**SCORES, "empathy": 6}
        )
    assert set(error.value.fields) == {"empathy"}
    assert not QaScorecard.objects.exists()


def test_the_agent_with_most_public_replies_is_scored_not_the_supervisor(desk):
    # given: agent2 answers twice, then the ticket goes to the supervisor who closes it
    agent2 = desk.agents[1]
    ticket = desk.open()
    for text in ("First answer", "Second answer"):
        ticket_reply(actor=desk.actor(agent2), ticket=ticket, body=text)
    ticket_reply(actor=desk.actor(desk.world.agent), ticket=ticket, body="note", internal=True)
    ticket.assignee = desk.supervisor
    ticket.save(update_fields=["assignee"])
    ticket = closed_ticket(desk, agent=desk.supervisor, ticket=ticket)
    # when
    card = quality.qa_score(actor=desk.actor(desk.world.admin), ticket=ticket, **SCORES)
    # then
    assert card.agent_id == agent2.pk
    assert Survey.objects.get().agent_id == agent2.pk


def test_nobody_scores_their_own_work(desk):
    ticket = closed_ticket(desk, agent=desk.supervisor)
    with pytest.raises(Forbidden):
        quality.qa_score(actor=desk.actor(desk.supervisor), ticket=ticket, **SCORES)


def test_sampling_takes_a_share_and_never_the_same_ticket_twice(desk):
    # given
    for _ in range(4):
        closed_ticket(desk)
    me = desk.actor(desk.supervisor)
    since = clock.now() - timedelta(days=1)
    # when
    first = quality.qa_sample(actor=me, share=Decimal("0.5"), since=since, seed=7)
    second = quality.qa_sample(actor=me, share=Decimal("1"), since=since, seed=7)
    third = quality.qa_sample(actor=me, share=Decimal("1"), since=since)
    # then
    assert (len(first), len(second), third) == (2, 2, [])
    assert QaSample.objects.count() == 4
    assert quality.qa_queue_for(actor=me).count() == 4


@pytest.mark.parametrize("share", [Decimal("0"), Decimal("1.5"), Decimal("-0.1")])
def test_the_share_is_between_zero_and_one(desk, share):
    with pytest.raises(ValidationFailed):
        quality.qa_sample(actor=desk.actor(desk.supervisor), share=share, since=clock.now())


def test_figures_per_agent(desk):
    # given
    one = closed_ticket(desk)
    two = closed_ticket(desk)
    for survey, score in zip(Survey.objects.order_by("pk"), (5, 2), strict=True):
        services.survey_answer(survey=survey, score=score, channel="in_app")
    me = desk.actor(desk.supervisor)
    quality.qa_score(actor=me, ticket=one, **SCORES)
    quality.qa_score(
        actor=me,
        ticket=two,
        professionalism=3,
        accuracy=3,
        empathy=3,
        policy_compliance=2,
    )
    since = clock.now() - timedelta(days=1)
    # when
    csat = selectors.csat_by_agent(since=since)
    qa = selectors.qa_by_agent(since=since)
    # then
    agent = desk.world.agent.pk
    assert csat == {agent: (Decimal("3.50"), 2)}
    assert qa == {agent: (Decimal("3.38"), 2)}  # (16 + 11) / 2 / 4 = 3.375
    assert selectors.csat_by_agent(since=clock.now() + timedelta(days=1)) == {}
