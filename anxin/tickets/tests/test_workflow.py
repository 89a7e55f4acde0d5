"""The ticket machine: its table checked as data against a table written out here (every state ×
action × role, no database), every allowed move run once through the service (new state, history,
audit), a few refusals (nothing changed). Then the flows the table drives."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import Forbidden
from anxin.core.models import AuditEntry
from anxin.core.sweeper import sweep_until_idle
from anxin.core.workflow import ActionForbidden, GuardFailed, TransitionNotAllowed
from anxin.tickets.choices import SlaMetric, SlaStatus, TicketStatus
from anxin.tickets.models import RevisitTask, SlaClock, Ticket, TicketEvent
from anxin.tickets.services import ticket_act, ticket_escalate, ticket_reply
from anxin.tickets.workflow import TICKET_WORKFLOW

from .desk import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


S = TicketStatus
ROLES = [Role.CONSUMER, Role.MERCHANT_STAFF, Role.AGENT, Role.ARBITRATOR, Role.ADMIN, Role.SYSTEM]
STAFF = {Role.AGENT, Role.ARBITRATOR, Role.ADMIN}
LIVE = [S.NEW, S.OPEN, S.PENDING_CUSTOMER, S.PENDING_INTERNAL]
# The machine as docs/domain.md describes it, written out independently of tickets/workflow.py:
# (state, action) → (roles, target). Every cell not listed is not a move at all.
EXPECTED: dict[tuple[str, str], tuple[set[Role], str]] = {
    (S.NEW, "accept"): ({*STAFF, Role.SYSTEM}, S.OPEN),
    **{(s, "wait_customer"): (STAFF, S.PENDING_CUSTOMER) for s in (S.NEW, S.OPEN, S.PENDING_INTERNAL)},
    **{(s, "wait_internal"): (STAFF, S.PENDING_INTERNAL) for s in (S.NEW, S.OPEN, S.PENDING_CUSTOMER)},
    (S.PENDING_CUSTOMER, "customer_replied"): ({Role.CONSUMER, Role.SYSTEM}, S.OPEN),
    (S.PENDING_INTERNAL, "resume"): (STAFF, S.OPEN),
    **{(s, "resolve"): (STAFF, S.RESOLVED) for s in LIVE},
    (S.RESOLVED, "accept_resolution"): ({Role.CONSUMER}, S.CLOSED),
    (S.RESOLVED, "reject_resolution"): ({Role.CONSUMER}, S.OPEN),
    (S.RESOLVED, "close"): ({*STAFF, Role.SYSTEM}, S.CLOSED),
    (S.CLOSED, "reopen"): ({Role.CONSUMER, *STAFF, Role.SYSTEM}, S.OPEN),
    **{(s, "merge"): (STAFF, S.CLOSED) for s in LIVE},
}  # fmt: skip
ACTIONS = sorted({action for _, action in EXPECTED})


def _actor(role: Role, desk: Desk) -> Actor:
    if role is Role.CONSUMER:
        return desk.actor(desk.world.consumer)
    if role is Role.SYSTEM:
        return SYSTEM
    if role is Role.MERCHANT_STAFF:
        return desk.actor(desk.world.merchant)
    return Actor(role=role, user_id=desk.world.agent.pk, platform=True)


def test_the_table_knows_every_state_and_action() -> None:
    assert set(TICKET_WORKFLOW.states) == set(S.values)
    assert sorted(TICKET_WORKFLOW.actions) == ACTIONS


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_action_and_role(state: str, action: str) -> None:
    # given the cell as written out above
    roles, target = EXPECTED.get((state, action), (set(), ""))
    # when the table is asked
    rule = TICKET_WORKFLOW.find(action, state)
    # then it is a move exactly where expected, to that state, for exactly those roles
    if not target:
        assert rule is None
        return
    assert rule is not None
    assert TICKET_WORKFLOW.target_of(rule, SimpleNamespace(status=state)) == target
    for role in ROLES:
        assert (role in rule.roles) == (role in roles), role


def test_only_reopening_has_a_guard_and_it_keeps_the_window_and_merges() -> None:
    guarded = {t.action for t in TICKET_WORKFLOW.transitions if t.guard is not None}
    assert guarded == {"reopen"}
    guard = TICKET_WORKFLOW.find("reopen", S.CLOSED).guard
    now = clock.now()
    assert (
        guard(SimpleNamespace(merged_into_id=None, closed_at=now - timedelta(days=6)), SYSTEM)
        is None
    )
    assert guard(SimpleNamespace(merged_into_id=None, closed_at=now - timedelta(days=8)), SYSTEM)
    assert guard(SimpleNamespace(merged_into_id=7, closed_at=now), SYSTEM)


def _moves() -> list[Any]:
    order = [Role.CONSUMER, Role.AGENT, Role.ARBITRATOR, Role.ADMIN, Role.SYSTEM]
    moves = []
    for (state, action), (roles, target) in EXPECTED.items():
        # every role the table allows runs once through the service
        moves.extend(
            pytest.param(state, action, role, target, id=f"{state}-{action}-{role}")
            for role in order
            if role in roles
        )
    return moves


def _ticket_in(desk: Desk, state: str, action: str) -> tuple[Ticket, Any]:
    ticket = desk.open(subject=f"{state} {action}", order="E1001")
    Ticket.objects.filter(pk=ticket.pk).update(status=state, closed_at=clock.now())
    merge_target = desk.open(subject="target") if action == "merge" else None
    return ticket, {"into": merge_target.number} if merge_target else None


@pytest.mark.parametrize(("state", "action", "role", "target"), _moves())
def test_every_allowed_move_through_the_service(
    desk: Desk, state: str, action: str, role: Role, target: str
) -> None:
    # given a ticket put in ``state`` directly
    ticket, data = _ticket_in(desk, state, action)
    audits = AuditEntry.objects.count()
    # when the role takes the action
    ticket_act(actor=_actor(role, desk), ticket=ticket, action=action, data=data, reason="why")
    # then the ticket moved, with history and audit
    ticket.refresh_from_db()
    assert ticket.status == target
    assert TicketEvent.objects.filter(ticket=ticket, action=action).exists()
    assert AuditEntry.objects.count() > audits


REFUSALS = [
    # (state, action, role, error): not a move from this state / a role the table does not name
    (S.CLOSED, "resolve", Role.AGENT, TransitionNotAllowed),
    (S.RESOLVED, "merge", Role.ADMIN, TransitionNotAllowed),
    (S.NEW, "customer_replied", Role.SYSTEM, TransitionNotAllowed),
    (S.NEW, "accept", Role.CONSUMER, ActionForbidden),
    (S.OPEN, "resolve", Role.MERCHANT_STAFF, ActionForbidden),
    (S.RESOLVED, "accept_resolution", Role.AGENT, ActionForbidden),
    (S.OPEN, "merge", Role.SYSTEM, ActionForbidden),
    (S.CLOSED, "reopen", Role.MERCHANT_STAFF, ActionForbidden),
]


@pytest.mark.parametrize(("state", "action", "role", "error"), REFUSALS)
def test_a_refused_move_changes_nothing(
    desk: Desk, state: str, action: str, role: Role, error: Any
) -> None:
    # given
    ticket, data = _ticket_in(desk, state, action)
    events = TicketEvent.objects.filter(ticket=ticket).count()
    # when / then
    with pytest.raises(error):
        ticket_act(actor=_actor(role, desk), ticket=ticket, action=action, data=data, reason="why")
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
