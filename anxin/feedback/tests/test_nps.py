"""NPS: invitations once per consumer and period, for people served in the last 90 days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.errors import Conflict, NotFound, ValidationFailed
from anxin.feedback import services
from anxin.feedback.models import NpsSurvey, PointsEntry
from anxin.feedback.rules import nps_period
from anxin.feedback.selectors import nps_score
from anxin.notifications.models import Notification
from anxin.tickets.nps import nps_invite_run

from .helpers import closed_ticket, refunded_case

pytestmark = pytest.mark.django_db


def test_period_is_the_quarter_in_china_time(desk):
    assert nps_period(clock.now()) == "2026Q4"


def test_consumers_served_are_invited_once_per_period(desk):
    # given
    closed_ticket(desk)
    # when
    first = nps_invite_run(now=clock.now())
    second = nps_invite_run(now=clock.now())
    # then
    assert (first, second) == (1, 0)
    nps = NpsSurvey.objects.get()
    assert (nps.recipient_id, nps.period) == (desk.world.consumer.pk, "2026Q4")
    assert Notification.objects.filter(kind="nps").count() == 1


def test_a_finished_case_counts_as_served(desk):
    refunded_case(desk.world)
    assert nps_invite_run(now=clock.now()) == 1


def test_nobody_served_recently_is_not_invited(desk):
    # given
    closed_ticket(desk)
    # when: 91 days later, in another quarter
    later = clock.now() + timedelta(days=91)
    # then
    assert nps_invite_run(now=later) == 0
    assert nps_invite_run(now=clock.now(), period="2027Q1") == 1


def test_answering_once_credits_points(desk):
    # given
    closed_ticket(desk)
    nps_invite_run(now=clock.now())
    nps = NpsSurvey.objects.get()
    me = desk.actor(desk.world.consumer)
    # when
    services.nps_answer(actor=me, nps=nps, score=9, comment="Good")
    # then
    with pytest.raises(Conflict):
        services.nps_answer(actor=me, nps=nps, score=2)
    nps.refresh_from_db()
    assert (nps.score, nps.points) == (9, 20)
    assert PointsEntry.objects.get().ref == f"nps:{nps.public_id}"


def test_only_the_recipient_answers_and_only_zero_to_ten(desk):
    closed_ticket(desk)
    nps_invite_run(now=clock.now())
    nps = NpsSurvey.objects.get()
    with pytest.raises(NotFound):
        services.nps_answer(actor=desk.actor(f.user("x", Role.CONSUMER)), nps=nps, score=9)
    with pytest.raises(ValidationFailed):
        services.nps_answer(actor=desk.actor(desk.world.consumer), nps=nps, score=11)
    nps.refresh_from_db()
    assert nps.answered_at is None


def test_the_score_is_promoters_minus_detractors(desk):
    # given: two promoters, one passive, one detractor, one not answered
    now = clock.now()
    answers = [10, 9, 7, 3, None]
    for n, score in enumerate(answers):
        user = f.user(f"nps{n}", Role.CONSUMER)
        NpsSurvey.objects.create(
            recipient=user,
            period="2026Q4",
            sent_at=now,
            score=score,
            answered_at=now if score is not None else None,
        )
    # when
    result = nps_score(period="2026Q4")
    # then
    assert (result.responses, result.promoters, result.passives, result.detractors) == (4, 2, 1, 1)
    assert result.invited == 5
    assert result.score == 25
    assert nps_score(period="2026Q3").score is None
