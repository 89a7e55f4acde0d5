"""A satisfaction answer of 1 or 2 stars opens one follow-up (revisit) task for the team that owns
what was rated: a ticket's task is linked to the ticket (its team works it), a case's goes to the
platform's queue with the case linked. Three stars and more open nothing; running the job again
opens nothing more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from anxin.core import clock
from anxin.feedback.choices import AnswerChannel, SubjectType
from anxin.feedback.models import Survey
from anxin.feedback.services import survey_answer
from anxin.tickets.followup import LOW_CSAT_TRIGGER, revisits_generate
from anxin.tickets.models import RevisitRule, RevisitTask, Team

from .desk import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    return shared_desk


def _rule(team: Team | None = None) -> RevisitRule:
    rule, _created = RevisitRule.objects.update_or_create(
        trigger=LOW_CSAT_TRIGGER, defaults={"delay_days": 1, "active": True, "team": team}
    )
    return rule


def _survey(subject_type: str, subject_id: int, number: str, recipient: Any) -> Survey:
    now = clock.now()
    return Survey.objects.create(
        subject_type=subject_type,
        subject_id=subject_id,
        subject_number=number,
        recipient=recipient,
        sent_at=now - timedelta(hours=2),
        expires_at=now + timedelta(days=30),
    )


def _answer(survey: Survey, score: int) -> Survey:
    return survey_answer(survey=survey, score=score, channel=AnswerChannel.EMAIL_LINK)


def test_a_two_star_ticket_answer_opens_one_task_for_the_tickets_team(desk: Desk) -> None:
    # given a ticket of the service team, rated 2 stars
    rule = _rule()
    ticket = desk.open(type="inquiry")
    ticket.team = desk.team
    ticket.save(update_fields=["team"])
    answered = _answer(
        _survey(SubjectType.TICKET, ticket.pk, ticket.number, desk.world.consumer), 2
    )

    # when the periodic job runs twice
    first = revisits_generate(now=clock.now())
    second = revisits_generate(now=clock.now() + timedelta(minutes=10))

    # then exactly one task, linked to the ticket (so to its team), due a day after the answer
    assert (first, second) == (1, 0)
    task = RevisitTask.objects.get(rule=rule)
    assert task.ticket_id == ticket.pk and task.case_id is None
    assert task.ticket.team == desk.team
    assert (task.subject_type, task.subject_id) == ("tickets.ticket", ticket.pk)
    assert task.due_at == answered.answered_at + timedelta(days=1)
    assert task.status == "open"


def test_a_one_star_case_answer_goes_to_the_platform_queue_with_the_case(desk: Desk) -> None:
    # given the consumer's case rated 1 star
    rule = _rule()
    case = desk.world.case
    _answer(_survey(SubjectType.CASE, case.pk, case.number, desk.world.consumer), 1)

    # when
    made = revisits_generate(now=clock.now())

    # then one task with the case linked and no ticket: the platform's revisit queue
    assert made == 1
    task = RevisitTask.objects.get(rule=rule)
    assert (task.case_id, task.ticket_id) == (case.pk, None)
    assert (task.subject_type, task.subject_id) == ("cases.case", case.pk)


def test_three_stars_or_an_unanswered_survey_open_nothing(desk: Desk) -> None:
    # given one answer of 3 stars and one survey not answered
    _rule()
    ticket = desk.open(type="inquiry")
    _answer(_survey(SubjectType.TICKET, ticket.pk, ticket.number, desk.world.consumer), 3)
    case = desk.world.case
    _survey(SubjectType.CASE, case.pk, case.number, desk.world.consumer)

    # when / then
    assert revisits_generate(now=clock.now()) == 0
    assert not RevisitTask.objects.filter(rule__trigger=LOW_CSAT_TRIGGER).exists()


def test_no_task_while_the_low_answer_rule_is_switched_off(desk: Desk) -> None:
    # given the rule is inactive
    rule = _rule()
    rule.active = False
    rule.save(update_fields=["active"])
    ticket = desk.open(type="inquiry")
    _answer(_survey(SubjectType.TICKET, ticket.pk, ticket.number, desk.world.consumer), 1)

    # when / then
    assert revisits_generate(now=clock.now()) == 0
    assert not RevisitTask.objects.filter(rule=rule).exists()
