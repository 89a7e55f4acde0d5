"""/api/v1/surveys/{token}/answer, /api/v1/me/points, /api/v1/me/surveys: role matrix, tampered
and expired links, one answer only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.feedback.models import PointsEntry, Survey
from anxin.feedback.tokens import survey_token
from anxin.tickets.tests.desk import Desk
from conftest import ApiClient

from .helpers import closed_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


def api(user: Any | None) -> ApiClient:
    client = Client()
    if user is not None:
        client.force_login(user)
    return ApiClient(client=client)


@pytest.fixture
def people(desk) -> dict[str, Any]:
    w = desk.world
    return {
        "consumer": w.consumer,
        "other_consumer": f.user("other_consumer", Role.CONSUMER),
        "merchant": w.merchant,
        "other_merchant": w.other_merchant,
        "agent": w.agent,
        "arbitrator": f.user("arbitrator", Role.ARBITRATOR),
        "admin": w.admin,
        "anonymous": None,
    }


@pytest.fixture
def token(desk) -> str:
    closed_ticket(desk)
    return survey_token(Survey.objects.get().public_id)


@pytest.mark.parametrize(
    "who",
    ["consumer", "other_consumer", "merchant", "other_merchant", "agent", "admin", "anonymous"],
)
def test_the_link_is_the_credential(people, token, who):
    # when
    response = api(people[who]).post(f"/surveys/{token}/answer", {"score": 5, "comment": "Nice"})
    # then: whoever holds the link answers it; the points go to the survey's recipient
    assert response.status_code == 200
    assert response.json()["score"] == 5
    assert PointsEntry.objects.get().user_id == people["consumer"].pk


def test_a_second_answer_is_409_with_a_message(token):
    client = api(None)
    client.post(f"/surveys/{token}/answer", {"score": 5})
    response = client.post(f"/surveys/{token}/answer", {"score": 1})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "feedback.survey_answered"
    assert "already answered" in response.json()["error"]["message"]
    assert Survey.objects.get().score == 5


def test_a_tampered_link_is_404_and_changes_nothing(token):
    response = api(None).post(f"/surveys/{token[:-2]}xx/answer", {"score": 5})
    assert response.status_code == 404
    assert Survey.objects.get().answered_at is None


def test_an_expired_link_is_410(token):
    clock.freeze(Survey.objects.get().expires_at + timedelta(seconds=1))
    response = api(None).post(f"/surveys/{token}/answer", {"score": 5})
    assert response.status_code == 410
    assert Survey.objects.get().answered_at is None


@pytest.mark.parametrize(
    "body", [{"score": 0}, {"score": 6}, {}, {"score": 3, "comment": "x" * 2001}]
)
def test_bad_answers_are_422(token, body):
    response = api(None).post(f"/surveys/{token}/answer", body)
    assert response.status_code == 422
    assert Survey.objects.get().answered_at is None


MINE = {
    "consumer": 200,
    "other_consumer": 200,
    "merchant": 200,
    "other_merchant": 200,
    "agent": 200,
    "arbitrator": 200,
    "admin": 200,
    "anonymous": 401,
}


@pytest.mark.parametrize("who", list(MINE))
def test_my_points_and_surveys_are_my_own(people, token, who):
    # given: the consumer answered one survey and has one open
    api(None).post(f"/surveys/{token}/answer", {"score": 4})
    # when
    points = api(people[who]).get("/me/points")
    surveys = api(people[who]).get("/me/surveys")
    # then
    assert points.status_code == MINE[who]
    assert surveys.status_code == MINE[who]
    if who == "consumer":
        assert points.json()["balance"] == 10
        assert [e["delta"] for e in points.json()["entries"]] == [10]
    elif MINE[who] == 200:
        assert points.json() == {"balance": 0, "entries": []}
        assert surveys.json() == []


def test_my_open_surveys_carry_their_answer_token(desk, people):
    closed_ticket(desk)
    items = api(people["consumer"]).get("/me/surveys").json()
    assert len(items) == 1
    reply = api(None).post(f"/surveys/{items[0]['token']}/answer", {"score": 3})
    assert reply.status_code == 200
    assert api(people["consumer"]).get("/me/surveys").json() == []


def test_an_api_token_has_no_points(desk):
    from anxin.accounts.services import api_token_create

    raw = api_token_create(actor=desk.actor(desk.world.admin), name="bi", merchant_id=None).raw
    response = ApiClient(token=raw).get("/me/points")
    assert response.status_code == 403


def test_listing_my_surveys_takes_the_same_queries_for_more_surveys(desk, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(people["consumer"])
    closed_ticket(desk)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/me/surveys").json()) == 1
    closed_ticket(desk)
    closed_ticket(desk)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get("/me/surveys").json()) == 3
    assert len(three) == len(one)
