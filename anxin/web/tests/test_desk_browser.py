"""The service desk's journey in a real Chromium, in zh-Hans and in English.

A consumer opens a complaint; the agent answers with a canned reply and resolves it; the consumer
rejects the resolution; it escalates to the team's supervisor, who resolves it; the consumer
accepts, answers the satisfaction survey and receives feedback points.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.feedback.models import Survey
from anxin.feedback.selectors import points_balance
from anxin.tickets.choices import Availability
from anxin.tickets.models import AgentProfile, Team, Ticket
from anxin.web.tests.conftest import htmx_idle

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LANGUAGES = ["zh-hans", "en"]


def _desk(world: Any) -> Any:
    team = Team.objects.get(code="service")
    supervisor = f.user("supervisor", Role.AGENT)
    team.supervisor = supervisor
    team.save()
    for user, availability in ((world.agent, Availability.ONLINE), (supervisor, Availability.AWAY)):
        profile, _ = AgentProfile.objects.update_or_create(
            user=user, defaults={"availability": availability, "languages": ["zh-hans", "en"]}
        )
        profile.teams.add(team)
    return supervisor


def _submit(page: Any, selector: str) -> None:
    htmx_idle(page)
    with page.expect_navigation():
        page.locator(selector).click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_complaint_rejected_escalated_resolved_rated_and_rewarded(
    world: Any, open_session: Any, language: str
) -> None:
    _desk(world)
    consumer = open_session(language, phone=True)
    agent = open_session(language)
    supervisor = open_session(language)
    consumer.login("consumer")
    agent.login("agent")
    supervisor.login("supervisor")

    # The consumer opens a complaint about an order from the portal.
    page = consumer.page
    page.goto("/my/tickets/new/")
    page.locator("#id_type").select_option("complaint")
    page.locator("#id_order").select_option("E1001")
    page.locator("#id_subject").fill("杯子碎了 / cup broken")
    page.locator("#id_body").fill("收到时杯子已经碎了。The cup arrived broken.")
    _submit(page, "#new-ticket button[type=submit]")
    ticket = Ticket.objects.get(subject="杯子碎了 / cup broken")
    assert ticket.assignee_id == world.agent.pk
    consumer.shot("desk-consumer-opened")

    # The agent answers with a canned reply (variables filled in) and resolves it.
    page = agent.page
    page.goto(f"/console/tickets/{ticket.number}/")
    options = page.locator("#canned option")
    assert options.count() > 1
    page.locator("#canned").select_option(index=1)
    expect(page.locator("#reply-body")).not_to_have_value("")  # htmx filled it in
    text = page.locator("#reply-body").input_value()
    assert "{" not in text  # every placeholder was filled
    page.locator("#then").select_option("resolve")
    _submit(page, "form[action$='/reply/'] button[type=submit]")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    agent.shot("desk-agent-resolved")

    # The consumer is not satisfied: rejects, and the ticket escalates to the supervisor.
    page = consumer.page
    page.goto(f"/my/tickets/{ticket.number}/")
    page.locator("#reject-reason").fill("还是没有解决 / still not solved")
    _submit(page, "button[data-action=reject_resolution]")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.escalation_level) == ("open", 1)
    assert ticket.assignee.username == "supervisor"

    # The supervisor finds it in the escalated view and resolves it.
    page = supervisor.page
    page.goto("/console/tickets/?view=escalated")
    page.locator(f"a[href='/console/tickets/{ticket.number}/']").click()
    page.wait_for_load_state()
    page.locator("#reply-body").fill("已为您补发新杯子。A new cup is on its way.")
    page.locator("#then").select_option("resolve")
    _submit(page, "form[action$='/reply/'] button[type=submit]")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    supervisor.shot("desk-supervisor-resolved")

    # The consumer accepts; the survey asks for a rating; points are credited.
    page = consumer.page
    page.goto(f"/my/tickets/{ticket.number}/")
    _submit(page, "button[data-action=accept_resolution]")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    page.goto("/my/feedback/")
    survey = page.locator("ul.survey-cards form").first
    assert ticket.number in page.locator("ul.survey-cards").inner_text()
    survey.locator("input[name=score][value='5']").check(force=True)
    survey.locator("textarea[name=comment]").fill("谢谢 / thanks")
    with page.expect_navigation():
        survey.locator("button[type=submit]").click()
    answered = Survey.objects.get(subject_type="tickets.ticket", subject_id=ticket.pk)
    assert (answered.score, answered.comment) == (5, "谢谢 / thanks")
    assert points_balance(world.consumer.pk) == answered.points > 0
    page.goto("/my/feedback/")
    assert str(answered.points) in page.locator("main").inner_text()
    consumer.shot("desk-consumer-points")
