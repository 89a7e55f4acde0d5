"""The satisfaction survey is sent exactly once when a ticket closes or a case finishes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anxin.core import clock
from anxin.core.sweeper import sweep_until_idle
from anxin.feedback.hooks import survey_after_close
from anxin.feedback.models import Survey
from anxin.notifications.models import Notification, OutboxMessage
from anxin.tickets.quality import ticket_survey_subject
from anxin.tickets.services import ticket_act
from anxin.web.tests.world import advance

from .helpers import closed_ticket, refunded_case

pytestmark = pytest.mark.django_db


def test_closing_a_ticket_sends_one_survey_to_its_requester(desk):
    # given / when
    ticket = closed_ticket(desk)
    # then
    survey = Survey.objects.get()
    assert (survey.subject_type, survey.subject_id) == ("tickets.ticket", ticket.pk)
    assert survey.subject_number == ticket.number
    assert survey.recipient_id == desk.world.consumer.pk
    assert survey.agent_id == desk.world.agent.pk  # the agent who replied
    assert survey.expires_at - survey.sent_at == timedelta(days=30)
    note = Notification.objects.get(kind="survey")
    assert note.recipient_id == desk.world.consumer.pk
    assert (note.subject_type, note.subject_number) == ("tickets.ticket", ticket.number)
    assert "满意" in note.title or ticket.number in note.title


def test_the_survey_e_mail_carries_the_signed_link(desk):
    # given
    desk.world.consumer.email = "buyer@example.com"
    desk.world.consumer.save()
    # when
    ticket = closed_ticket(desk)
    # then
    mail = OutboxMessage.objects.get(event="feedback.survey")
    assert mail.recipient_email == "buyer@example.com"
    assert mail.payload["ticket_number"] == ticket.number
    assert "/survey/" in mail.payload["body"]


def test_reopening_and_closing_again_keeps_the_first_survey(desk):
    # given
    ticket = closed_ticket(desk)
    first = Survey.objects.get()
    consumer = desk.actor(desk.world.consumer)
    # when
    ticket_act(actor=consumer, ticket=ticket, action="reopen", reason="still broken")
    closed_ticket(desk, ticket=ticket)
    again = survey_after_close(subject=ticket_survey_subject(ticket), at=clock.now())
    # then
    assert Survey.objects.count() == 1
    assert again == first
    assert Notification.objects.filter(kind="survey").count() == 1


def test_a_ticket_without_login_or_e_mail_gets_no_survey(desk):
    # given
    ticket = desk.open(desk.world.agent, channel="phone", subject="Call", body="Caller asked.")
    # when
    made = survey_after_close(subject=ticket_survey_subject(ticket), at=clock.now())
    # then
    assert made is None
    assert not Survey.objects.exists()


def test_a_refunded_case_sends_one_survey_to_the_consumer(desk):
    # given / when
    case = refunded_case(desk.world)
    # then
    survey = Survey.objects.get()
    assert (survey.subject_type, survey.subject_id) == ("cases.case", case.pk)
    assert survey.recipient_id == desk.world.consumer.pk
    note = Notification.objects.get(kind="survey")
    assert (note.subject_type, note.subject_number) == ("cases.case", case.number)


def test_a_completed_exchange_sends_a_survey(desk):
    # given
    world = desk.world
    consumer, merchant = world.actor(world.consumer), world.actor(world.merchant)
    from anxin.cases.inputs import CaseOpenIn
    from anxin.cases.services import case_open

    case = case_open(
        actor=consumer,
        data=CaseOpenIn(order="E1002", line="L1", type="exchange", reason="quality/defect"),
    )
    # when
    case = advance(
        case,
        (merchant, "approve", {}),
        (consumer, "ship_return", {"carrier": "SF", "tracking_number": "SF77"}),
        (merchant, "confirm_receipt", {}),
        (merchant, "ship_replacement", {"carrier": "SF", "tracking_number": "SF78"}),
        (consumer, "confirm_done", {}),
    )
    # then
    assert case.status == "completed"
    assert Survey.objects.filter(subject_type="cases.case", subject_id=case.pk).count() == 1


def test_the_sweeper_finishing_a_case_sends_the_survey_too(desk):
    # given: approved refund-only request; the merchant lets the refund deadline pass
    world = desk.world
    case = advance(world.other_case, (world.actor(world.other_merchant), "approve", {}))
    assert case.status == "refund_pending"
    # when
    clock.advance(timedelta(days=8))  # the 7-day refund deadline passed
    sweep_until_idle()
    # then
    case.refresh_from_db()
    assert case.status == "refunded"
    assert Survey.objects.filter(subject_type="cases.case", subject_id=case.pk).count() == 1


def test_a_rejected_case_that_is_not_finished_gets_no_survey(desk):
    # given / when
    world = desk.world
    advance(world.case, (world.actor(world.merchant), "reject", {"reason": "Used."}))
    # then
    assert not Survey.objects.exists()
