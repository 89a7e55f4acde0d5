"""Survey link, the consumer's feedback page and console quality review: who gets in, and the
forms do what they say (answer once, points, sample, score)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from anxin.core import clock
from anxin.feedback.models import NpsSurvey, PointsEntry, QaSample, QaScorecard, Survey
from anxin.feedback.tokens import survey_token
from anxin.tickets.models import Team

from .pages_feedback import PAGES, closed_desk_ticket, ticket_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


BY_NAME = {name: url for name, _user, url in PAGES}
CONSOLE = [name for name in BY_NAME if name.startswith("console-")]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("name", "username", "url_of"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_renders_with_one_heading(world, as_user, name, username, url_of, language):
    client = as_user(getattr(world, username), language) if username else Client()
    if not username:
        client.cookies["django_language"] = language
    response = client.get(url_of(world))
    assert response.status_code == 200, name
    body = response.content.decode()
    assert body.count("<h1") == 1, name


# --- the survey link -------------------------------------------------------------------------------


def _link(survey: Survey) -> str:
    return reverse("survey:answer", args=[survey_token(survey.public_id)])


def test_anonymous_answers_through_the_link_once(world):
    # given
    survey = ticket_survey(world)
    client = Client()
    # when
    response = client.post(_link(survey), {"score": "5", "comment": "Great"})
    # then
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    assert "+10" in thanks
    survey.refresh_from_db()
    assert (survey.score, survey.channel) == (5, "email_link")
    again = client.post(_link(survey), {"score": "1"})
    assert again.status_code == 200  # the form is gone: "already answered"
    assert "already been answered" in again.content.decode()
    survey.refresh_from_db()
    assert survey.score == 5
    assert PointsEntry.objects.count() == 1


def test_the_stars_are_labelled_radio_buttons(world):
    body = Client().get(_link(ticket_survey(world))).content.decode()
    assert body.count('type="radio" ') == 5
    assert 'for="score-1"' in body and "Very dissatisfied" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_a_missing_score_is_shown_on_the_form(world):
    survey = ticket_survey(world)
    response = Client().post(_link(survey), {"comment": "no stars"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="score-error"' in body
    assert "no stars" in body  # what was typed is kept
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_tampered_link_is_404(world):
    survey = ticket_survey(world)
    token = survey_token(survey.public_id)
    for bad in (token[:-3] + "abc", "nonsense"):
        response = Client().get(reverse("survey:answer", args=[bad]))
        assert response.status_code == 404
        assert "Link not valid" in response.content.decode()
        assert (
            Client().post(reverse("survey:answer", args=[bad]), {"score": "5"}).status_code == 404
        )
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_expired_link_is_410(world):
    survey = ticket_survey(world)
    clock.freeze(survey.expires_at + timedelta(hours=1))
    response = Client().post(_link(survey), {"score": "5"})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_thanks_before_answering_goes_to_the_form(world):
    survey = ticket_survey(world)
    token = survey_token(survey.public_id)
    response = Client().get(reverse("survey:thanks", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("survey:answer", args=[token])


# --- the consumer's page ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["merchant", "merchant_admin", "other_merchant", "agent", "admin"])
def test_only_consumers_have_a_feedback_page(world, as_user, who):
    assert as_user(getattr(world, who)).get(reverse("consumer_feedback:home")).status_code == 403


def test_anonymous_is_sent_to_sign_in_from_the_feedback_page(world):
    response = Client().get(reverse("consumer_feedback:home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_consumer_answers_in_the_app_and_sees_the_points(world, as_user):
    # given
    survey = ticket_survey(world)
    client = as_user(world.consumer)
    page = client.get(reverse("consumer_feedback:home")).content.decode()
    assert survey.subject_number in page
    # when
    url = reverse("consumer_feedback:survey", args=[survey.public_id])
    response = client.post(url, {"score": "3", "comment": "OK"})
    # then
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "10 points were added" in page
    assert 'class="points-balance">10<' in page
    survey.refresh_from_db()
    assert (survey.score, survey.channel) == (3, "in_app")
    second = client.post(url, {"score": "5"})
    assert second.status_code == 409
    survey.refresh_from_db()
    assert survey.score == 3


def test_another_consumer_cannot_answer_my_survey(world, as_user):
    from anxin.catalog.tests import factories as f
    from anxin.core.actors import Role

    survey = ticket_survey(world)
    stranger = as_user(f.user("stranger", Role.CONSUMER))
    url = reverse("consumer_feedback:survey", args=[survey.public_id])
    assert stranger.post(url, {"score": "1"}).status_code == 404
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_the_consumer_answers_the_nps(world, as_user):
    # given
    BY_NAME["consumer-feedback"](world)
    nps = NpsSurvey.objects.get(recipient=world.consumer)
    client = as_user(world.consumer)
    # when
    response = client.post(reverse("consumer_feedback:nps", args=[nps.public_id]), {"score": "9"})
    # then
    assert response.status_code == 302
    nps.refresh_from_db()
    assert nps.score == 9
    assert "Would you recommend" not in client.get(response["Location"]).content.decode()


# --- console quality review ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["consumer", "merchant", "merchant_admin", "other_merchant"])
def test_other_audiences_are_refused(world, as_user, who):
    client = as_user(getattr(world, who))
    for name in CONSOLE:
        assert client.get(BY_NAME[name](world)).status_code == 403, name


def test_an_agent_who_supervises_no_team_gets_403(world, as_user):
    client = as_user(world.agent)
    for name in CONSOLE:
        response = client.get(BY_NAME[name](world))
        assert response.status_code == 403, name
    QaSample.objects.all().delete()
    sample = client.post(reverse("console_service_qa:sample"), {"percent": "100", "days": "30"})
    assert sample.status_code == 403
    assert not QaSample.objects.exists()


def test_a_team_supervisor_samples_and_scores(world, as_user):
    # given: the agent supervises a team; a colleague handled the ticket
    from anxin.catalog.tests import factories as f
    from anxin.core.actors import Role

    supervisor = f.user("lead", Role.AGENT)
    Team.objects.filter(code="service").update(supervisor=supervisor)
    ticket = closed_desk_ticket(world)
    client = as_user(supervisor)
    # when
    sampled = client.post(reverse("console_service_qa:sample"), {"percent": "100", "days": "30"})
    queue = client.get(reverse("console_service_qa:queue")).content.decode()
    url = reverse("console_service_qa:ticket", args=[ticket.number])
    form = client.get(url).content.decode()
    scored = client.post(
        url,
        {"professionalism": "5", "accuracy": "4", "empathy": "3", "policy_compliance": "4"},
    )
    # then
    assert sampled.status_code == 302
    assert ticket.number in queue
    assert "非常抱歉给您带来不便" in form  # the public reply is shown
    assert "核实物流签收照片" not in form  # the internal note is not
    assert scored.status_code == 302
    card = QaScorecard.objects.get()
    assert (card.agent_id, card.reviewer_id, card.total) == (world.agent.pk, supervisor.pk, 16)
    again = client.post(
        url, {"professionalism": "1", "accuracy": "1", "empathy": "1", "policy_compliance": "1"}
    )
    assert again.status_code == 409
    assert QaScorecard.objects.get().total == 16
    assert ticket.number not in client.get(reverse("console_service_qa:queue")).content.decode()


def test_a_scorecard_with_a_missing_criterion_is_refused(world, as_user):
    ticket = closed_desk_ticket(world)
    url = reverse("console_service_qa:ticket", args=[ticket.number])
    response = as_user(world.admin).post(url, {"professionalism": "5", "accuracy": "4"})
    assert response.status_code == 400
    assert 'id="empathy-error"' in response.content.decode()
    assert not QaScorecard.objects.exists()


def test_a_bad_sample_share_is_refused(world, as_user):
    closed_desk_ticket(world)
    response = as_user(world.admin).post(
        reverse("console_service_qa:sample"), {"percent": "0", "days": "30"}
    )
    assert response.status_code == 400
    assert not QaSample.objects.exists()


def test_an_open_ticket_has_no_scorecard_page(world, as_user):
    from .pages_tickets import desk_ticket

    ticket = desk_ticket(world)
    url = reverse("console_service_qa:ticket", args=[ticket.number])
    assert as_user(world.admin).get(url).status_code == 404
