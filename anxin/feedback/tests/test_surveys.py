"""Answering a satisfaction survey: once, in time, through an untampered link; points follow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.errors import Conflict, NotFound, ValidationFailed
from anxin.feedback import selectors, services
from anxin.feedback.errors import SurveyExpired
from anxin.feedback.models import PointsEntry, Survey
from anxin.feedback.tokens import survey_token
from anxin.tickets.tests.desk import Desk

from .helpers import closed_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


@pytest.fixture
def survey(desk):
    closed_ticket(desk)
    return Survey.objects.get()


def test_answering_records_the_score_and_credits_points(desk, survey):
    # when
    answered = services.survey_answer(survey=survey, score=4, comment=" Fast. ", channel="in_app")
    # then
    assert (answered.score, answered.comment, answered.channel) == (4, "Fast.", "in_app")
    assert answered.points == 10
    entry = PointsEntry.objects.get()
    assert (entry.user_id, entry.delta, entry.ref) == (
        desk.world.consumer.pk,
        10,
        f"survey:{survey.public_id}",
    )


def test_a_second_answer_is_a_conflict_and_changes_nothing(survey):
    # given
    services.survey_answer(survey=survey, score=4, channel="email_link")
    # when
    with pytest.raises(Conflict) as error:
        services.survey_answer(survey=survey, score=1, comment="changed", channel="in_app")
    # then
    assert error.value.status == 409
    assert "already answered" in str(error.value.message)
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "")
    assert PointsEntry.objects.count() == 1


def test_an_expired_survey_cannot_be_answered(survey):
    # given
    clock.freeze(survey.expires_at + timedelta(minutes=1))
    # when
    with pytest.raises(SurveyExpired) as error:
        services.survey_answer(survey=survey, score=5, channel="email_link")
    # then
    assert error.value.status == 410
    survey.refresh_from_db()
    assert survey.answered_at is None
    assert not PointsEntry.objects.exists()


@pytest.mark.parametrize("score", [0, 6, None, "5"])
def test_scores_outside_one_to_five_are_refused(survey, score):
    with pytest.raises(ValidationFailed):
        services.survey_answer(survey=survey, score=score, channel="in_app")
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_comment_over_2000_characters_is_refused(survey):
    with pytest.raises(ValidationFailed) as error:
        services.survey_answer(survey=survey, score=3, comment="x" * 2001, channel="in_app")
    assert "comment" in error.value.fields


def test_someone_else_cannot_answer_in_the_app(desk, survey):
    # given
    stranger = desk.actor(f.user("stranger", Role.CONSUMER))
    # when / then
    with pytest.raises(NotFound):
        services.survey_answer(survey=survey, score=5, channel="in_app", actor=stranger)
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_the_token_names_the_survey(survey):
    assert selectors.survey_get_by_token(token=survey_token(survey.public_id)) == survey


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature edited
        lambda t: ("1" if t[0] == "0" else "0") + t[1:],  # survey id edited
        lambda t: t.split(":")[0],  # signature removed
        lambda t: "garbage",
    ],
)
def test_a_tampered_token_is_not_found(survey, tamper):
    with pytest.raises(NotFound):
        selectors.survey_get_by_token(token=tamper(survey_token(survey.public_id)))


def test_a_token_signed_with_another_salt_is_not_found(survey):
    from django.core import signing

    forged = signing.TimestampSigner(salt="other").sign(survey.public_id.hex)
    with pytest.raises(NotFound):
        selectors.survey_get_by_token(token=forged)


def test_open_surveys_leave_out_answered_and_expired(desk, survey):
    me = desk.actor(desk.world.consumer)
    assert list(selectors.surveys_open_for(actor=me)) == [survey]
    clock.freeze(survey.expires_at)
    assert list(selectors.surveys_open_for(actor=me)) == []
