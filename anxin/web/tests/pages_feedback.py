"""Satisfaction surveys, feedback points and quality review, for the screenshot and translation
runs: (name, username, url builder). The builders close the desk's ticket through the services,
so every page shows a real survey, ledger or scorecard."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.urls import reverse

from .pages_tickets import desk_ticket


def closed_desk_ticket(world: Any) -> Any:
    """The desk's complaint, resolved by the agent and accepted by the consumer (its survey is
    sent on close)."""
    from anxin.tickets.services import ticket_act

    ticket = desk_ticket(world)
    if ticket.status != "closed":
        ticket_act(actor=world.actor(world.agent), ticket=ticket, action="resolve")
        ticket_act(actor=world.actor(world.consumer), ticket=ticket, action="accept_resolution")
        ticket.refresh_from_db()
    return ticket


def ticket_survey(world: Any) -> Any:
    from anxin.feedback.models import Survey

    ticket = closed_desk_ticket(world)
    return Survey.objects.get(subject_type="tickets.ticket", subject_id=ticket.pk)


def _token(survey: Any) -> str:
    from anxin.feedback.tokens import survey_token

    return survey_token(survey.public_id)


def _answered(world: Any) -> Any:
    from anxin.feedback.services import survey_answer

    survey = ticket_survey(world)
    if survey.answered_at is None:
        survey = survey_answer(survey=survey, score=4, comment="回复很及时。", channel="email_link")
    return survey


def _survey(world: Any) -> str:
    return reverse("survey:answer", args=[_token(ticket_survey(world))])


def _thanks(world: Any) -> str:
    return reverse("survey:thanks", args=[_token(_answered(world))])


def _already(world: Any) -> str:
    return reverse("survey:answer", args=[_token(_answered(world))])


def _consumer(world: Any) -> str:
    """An open ticket survey, an answered case survey (10 points) and this quarter's NPS."""
    from anxin.core import clock
    from anxin.feedback.models import Survey
    from anxin.feedback.services import survey_answer
    from anxin.tickets.nps import nps_invite_run
    from anxin.web.tests.world import advance

    ticket_survey(world)
    if world.other_case.status == "merchant_review":
        shop = world.actor(world.other_merchant)
        advance(world.other_case, (shop, "approve", {}), (shop, "refund", {}))
        survey = Survey.objects.get(subject_type="cases.case", subject_id=world.other_case.pk)
        survey_answer(survey=survey, score=5, channel="in_app")
    nps_invite_run(now=clock.now())
    return reverse("consumer_feedback:home")


def _queue(world: Any) -> str:
    from anxin.core import clock
    from anxin.tickets.quality import qa_sample

    closed_desk_ticket(world)
    qa_sample(
        actor=world.actor(world.admin),
        share=Decimal("1"),
        since=clock.now().replace(year=clock.now().year - 1),
    )
    return reverse("console_service_qa:queue")


def _ticket(world: Any) -> str:
    return reverse("console_service_qa:ticket", args=[closed_desk_ticket(world).number])


def _scorecards(world: Any) -> str:
    from anxin.feedback.models import QaScorecard
    from anxin.tickets.quality import qa_score

    ticket = closed_desk_ticket(world)
    _answered(world)
    if not QaScorecard.objects.filter(ticket=ticket).exists():
        qa_score(
            actor=world.actor(world.admin),
            ticket=ticket,
            professionalism=5,
            accuracy=4,
            empathy=4,
            policy_compliance=5,
            comment="道歉及时，处理方案符合七天无理由规则。",
        )
    return reverse("console_service_qa:scorecards")


PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("survey", "", _survey),
    ("survey-thanks", "", _thanks),
    ("survey-answered", "", _already),
    ("consumer-feedback", "consumer", _consumer),
    ("console-quality", "admin", _queue),
    ("console-quality-ticket", "admin", _ticket),
    ("console-quality-scorecards", "admin", _scorecards),
]
