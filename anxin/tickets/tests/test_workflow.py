"""Every (state, action) pair × role of the ticket machine: allowed → the new state, a history
row and an audit row; refused → an error and nothing changed. Then the flows the table drives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import DomainError, Forbidden
from anxin.core.models import AuditEntry
from anxin.core.sweeper import sweep_until_idle
from anxin.core.workflow import ActionForbidden, GuardFailed, TransitionNotAllowed
from anxin.tickets.choices import SlaMetric, SlaStatus, TicketStatus
from anxin.tickets.models import RevisitTask, SlaClock, Ticket, TicketEvent
from anxin.tickets.services import ticket_act, ticket_escalate, ticket_reply
from anxin.tickets.workflow import TICKET_TRANSITIONS, TICKET_WORKFLOW

from .desk import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


ROLES = [Role.CONSUMER, Role.MERCHANT_STAFF, Role.AGENT, Role.ARBITRATOR, Role.ADMIN, Role.SYSTEM]
ACTIONS = sorted({t.action for t in TICKET_TRANSITIONS})
STATES = list(TicketStatus.values)


def _actor(role: Role, desk: Desk) -> Actor:
    if role is Role.CONSUMER:
        return desk.actor(desk.world.consumer)
    if role is Role.SYSTEM:
        return SYSTEM
    if role is Role.MERCHANT_STAFF:
        return desk.actor(desk.world.merchant)
    return Actor(role=role, user_id=desk.world.agent.pk, platform=True)


def _expected(state: str, action: str, role: Role) -> Any:
    for t in TICKET_TRANSITIONS:
        if t.action == action and state in t.sources:
            return t.target if role in t.roles else ActionForbidden
    return TransitionNotAllowed


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_action_and_role(desk: Desk, state: str, action: str) -> None:
    # given one ticket per role, put in ``state`` directly (the table is what is under test)
    for role in ROLES:
        ticket = desk.open(subject=f"{state} {action} {role}", order="E1001")
        Ticket.objects.filter(pk=ticket.pk).update(status=state, closed_at=clock.now())
        merge_target = desk.open(subject="target") if action == "merge" else None
        data = {"into": merge_target.number} if merge_target else None
        events = TicketEvent.objects.filter(ticket=ticket).count()
        audits = AuditEntry.objects.count()
        expected = _expected(state, action, role)
        actor = _actor(role, desk)
        # when the role tries the action
        if isinstance(expected, str):
            ticket_act(actor=actor, ticket=ticket, action=action, data=data, reason="why")
            # then the ticket moved, with history and audit
            ticket.refresh_from_db()
            assert ticket.status == expected, (state, action, role)
            assert TicketEvent.objects.filter(ticket=ticket, action=action).exists()
            assert AuditEntry.objects.count() > audits
        else:
            with pytest.raises(DomainError) as raised:
                ticket_act(actor=actor, ticket=ticket, action=action, data=data, reason="why")
            assert isinstance(raised.value, expected), (state, action, role, raised.value)
            # then nothing changed
            ticket.refresh_from_db()
            assert ticket.status == state
            assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_the_machine_draws_as_mermaid() -> None:
    assert "resolved --> closed: accept_resolution (consumer)" in TICKET_WORKFLOW.mermaid()


def test_rejected_resolution_reopens_escalates_and_restarts_the_resolution_clock(
    desk: Desk,
) -> None:
    # given a resolved ticket
    ticket = desk.open(type="complaint")
    agent = desk.actor(desk.world.agent)
    ticket_reply(actor=agent, ticket=ticket, body="We refunded the shipping.")
    ticket_act(actor=agent, ticket=ticket, action="resolve")
    assert SlaClock.objects.get(ticket=ticket, metric=SlaMetric.RESOLUTION).status == SlaStatus.MET
    # when the consumer rejects the resolution
    ticket_act(
        actor=desk.actor(desk.world.consumer),
        ticket=ticket,
        action="reject_resolution",
        reason="The cup is still broken.",
    )
    # then it is open again, one level up, with the supervisor, and a new resolution clock runs
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert ticket.escalation_level == 1
    assert ticket.assignee_id == desk.supervisor.pk
    assert ticket.resolution_rejections == 1
    clocks = SlaClock.objects.filter(ticket=ticket, metric=SlaMetric.RESOLUTION).order_by("pk")
    assert [c.status for c in clocks] == [SlaStatus.MET, SlaStatus.RUNNING]
    assert TicketEvent.objects.filter(ticket=ticket, action="escalate").get().reason == (
        "The cup is still broken."
    )


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.MERCHANT_STAFF])
def test_only_staff_and_the_system_escalate_directly(desk: Desk, role: Role) -> None:
    # given an open ticket
    ticket = desk.open(type="complaint")
    # when its customer or a merchant calls the escalation service directly
    with pytest.raises(Forbidden):
        ticket_escalate(actor=_actor(role, desk), ticket=ticket, reason="Hurry up.")
    # then nothing moved; an agent and the system may
    ticket.refresh_from_db()
    assert ticket.escalation_level == 0
    assert not TicketEvent.objects.filter(ticket=ticket, action="escalate").exists()
    ticket_escalate(actor=_actor(Role.AGENT, desk), ticket=ticket, reason="Needs a supervisor.")
    ticket_escalate(actor=SYSTEM, ticket=ticket, reason="SLA-resolution")
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2


def test_resolved_ticket_closes_itself_after_three_days_and_complaints_get_a_revisit(
    desk: Desk,
) -> None:
    # given a resolved complaint
    ticket = desk.open(type="complaint")
    agent = desk.actor(desk.world.agent)
    ticket_reply(actor=agent, ticket=ticket, body="Sorted.")
    ticket_act(actor=agent, ticket=ticket, action="resolve")
    # when three days pass and the sweeper runs (twice)
    later = clock.now() + timedelta(days=3, minutes=1)
    clock.freeze(later)
    sweep_until_idle(now=later)
    sweep_until_idle(now=later)
    # then it closed once, automatically (T-1), and a revisit is due three days later
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    closes = TicketEvent.objects.filter(ticket=ticket, action="close")
    assert [(e.actor, e.reason) for e in closes] == [("system", "T-1")]
    revisit = RevisitTask.objects.get(ticket=ticket)
    assert revisit.due_at == later + timedelta(days=3)


def test_customer_reply_reopens_within_the_window_and_not_after(desk: Desk) -> None:
    # given a closed ticket
    ticket = desk.open()
    agent = desk.actor(desk.world.agent)
    consumer = desk.actor(desk.world.consumer)
    ticket_reply(actor=agent, ticket=ticket, body="Here you go.")
    ticket_act(actor=agent, ticket=ticket, action="resolve")
    ticket_act(actor=consumer, ticket=ticket, action="accept_resolution")
    # when the customer writes again two days later
    clock.freeze(clock.now() + timedelta(days=2))
    ticket_reply(actor=consumer, ticket=ticket, body="Actually, one more thing.")
    # then it reopened
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (TicketStatus.OPEN, 1)
    # when it closes again and the customer writes after 8 days
    ticket_act(actor=agent, ticket=ticket, action="resolve")
    ticket_act(actor=consumer, ticket=ticket, action="accept_resolution")
    clock.freeze(clock.now() + timedelta(days=8))
    with pytest.raises(GuardFailed):
        ticket_reply(actor=consumer, ticket=ticket, body="Hello?")
    # then nothing changed (the message was not stored either)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert not ticket.messages.filter(body="Hello?").exists()


def test_merge_closes_the_duplicate_and_notes_the_survivor(desk: Desk) -> None:
    first = desk.open(subject="Parcel late")
    dupe = desk.open(subject="Parcel late (again)")
    ticket_act(
        actor=desk.actor(desk.world.agent), ticket=dupe, action="merge", data={"into": first.number}
    )
    dupe.refresh_from_db()
    assert (dupe.status, dupe.merged_into_id) == (TicketStatus.CLOSED, first.pk)
    assert first.messages.filter(visibility="internal", body__contains=dupe.number).exists()
    assert not SlaClock.objects.filter(ticket=dupe, status__in=["running", "warned"]).exists()
