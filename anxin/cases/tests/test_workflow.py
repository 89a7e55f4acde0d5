"""The case machine: its table checked as data against a table written out here (every state ×
action × role × case type, no database), then every allowed move run once end to end (new state,
version, event, audit, deadlines) and a few refusals through the service (nothing changed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.inputs import DisputeTerms
from anxin.cases.models import Case, CaseEvent
from anxin.cases.services import case_act
from anxin.cases.workflow import CASE_WORKFLOW
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import DomainError
from anxin.core.models import AuditEntry, Deadline, DeadlineState
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.core.workflow import ActionForbidden, TransitionNotAllowed, arm_state_deadlines

from .helpers import NOW, consumer_of, delivered_order, open_case, quick_case

S, T = CaseStatus, CaseType
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
ROLES = [
    Role.CONSUMER,
    Role.MERCHANT_STAFF,
    Role.MERCHANT_ADMIN,
    Role.AGENT,
    Role.ARBITRATOR,
    Role.QUALITY_INSPECTOR,
    Role.ADMIN,
    Role.SYSTEM,
]
MERCHANT = {Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN}
ALL_TYPES = set(T.values)
RETURNS = {T.RETURN_REFUND, T.EXCHANGE, T.REPAIR, T.WARRANTY}

# The machine as docs/domain.md describes it, written out independently of anxin/cases/workflow.py:
# (state, action) → (roles, {case type: target}, case types whose guard lets the move through).
# Every cell not listed here is not a move at all.
_REFUND_ONLY_APPROVE = {
    **dict.fromkeys(ALL_TYPES - {T.REFUND_ONLY}, S.AWAITING_RETURN_SHIPMENT),
    T.REFUND_ONLY: S.REFUND_PENDING,
}
_RECEIPT = {
    **dict.fromkeys(ALL_TYPES - {T.RETURN_REFUND}, S.RECEIVED),
    T.RETURN_REFUND: S.REFUND_PENDING,
}


def _to(state: str) -> dict[str, str]:
    return dict.fromkeys(ALL_TYPES, state)


EXPECTED: dict[tuple[str, str], tuple[set[Role], dict[str, str], set[str]]] = {
    (S.MERCHANT_REVIEW, "approve"): ({*MERCHANT, Role.AGENT, Role.SYSTEM}, _REFUND_ONLY_APPROVE, ALL_TYPES),
    (S.DISPUTED, "approve"): ({*MERCHANT, Role.AGENT, Role.SYSTEM}, _REFUND_ONLY_APPROVE, ALL_TYPES),
    (S.MERCHANT_REVIEW, "reject"): ({*MERCHANT, Role.AGENT}, _to(S.REJECTED), ALL_TYPES),
    (S.RETURN_DELIVERED, "reject"): ({*MERCHANT, Role.AGENT}, _to(S.REJECTED), ALL_TYPES),
    (S.RECEIVED, "reject"): ({*MERCHANT, Role.AGENT}, _to(S.REJECTED), ALL_TYPES),
    (S.REJECTED, "revise"): ({Role.CONSUMER}, _to(S.MERCHANT_REVIEW), ALL_TYPES),
    (S.REJECTED, "escalate"): ({Role.CONSUMER}, _to(S.DISPUTED), ALL_TYPES),
    (S.RECEIVED, "escalate"): ({Role.CONSUMER}, _to(S.DISPUTED), ALL_TYPES),
    (S.IN_REPAIR, "escalate"): ({Role.CONSUMER}, _to(S.DISPUTED), ALL_TYPES),
    (S.DISPUTED, "settle_refund"): ({*MERCHANT, Role.SYSTEM}, _to(S.REFUNDED), ALL_TYPES),
    (S.DISPUTED, "compensate"): ({Role.SYSTEM}, _to(S.REFUNDED), ALL_TYPES),
    (S.MERCHANT_REVIEW, "withdraw"): ({Role.CONSUMER}, _to(S.CLOSED), ALL_TYPES),
    (S.AWAITING_RETURN_SHIPMENT, "withdraw"): ({Role.CONSUMER}, _to(S.CLOSED), ALL_TYPES),
    (S.REJECTED, "withdraw"): ({Role.CONSUMER}, _to(S.CLOSED), ALL_TYPES),
    (S.AWAITING_RETURN_SHIPMENT, "close"): ({Role.AGENT, Role.SYSTEM}, _to(S.CLOSED), ALL_TYPES),
    (S.REJECTED, "close"): ({Role.AGENT, Role.SYSTEM}, _to(S.CLOSED), ALL_TYPES),
    (S.DISPUTED, "close"): ({Role.AGENT, Role.SYSTEM}, _to(S.CLOSED), ALL_TYPES),
    (S.AWAITING_RETURN_SHIPMENT, "ship_return"): ({Role.CONSUMER, Role.AGENT}, _to(S.RETURN_IN_TRANSIT), RETURNS),
    (S.RETURN_IN_TRANSIT, "mark_delivered"): ({Role.AGENT, Role.SYSTEM}, _to(S.RETURN_DELIVERED), ALL_TYPES),
    (S.RETURN_IN_TRANSIT, "confirm_receipt"): ({*MERCHANT, Role.AGENT, Role.SYSTEM}, _RECEIPT, ALL_TYPES),
    (S.RETURN_DELIVERED, "confirm_receipt"): ({*MERCHANT, Role.AGENT, Role.SYSTEM}, _RECEIPT, ALL_TYPES),
    (S.REFUND_PENDING, "refund"): ({*MERCHANT, Role.AGENT, Role.SYSTEM}, _to(S.REFUNDED), ALL_TYPES),
    (S.RECEIVED, "ship_replacement"): ({*MERCHANT, Role.AGENT}, _to(S.REPLACEMENT_SHIPPED), {T.EXCHANGE}),
    (S.RECEIVED, "start_repair"): ({*MERCHANT, Role.AGENT}, _to(S.IN_REPAIR), {T.REPAIR, T.WARRANTY}),
    (S.IN_REPAIR, "ship_repaired"): ({*MERCHANT, Role.AGENT}, _to(S.REPAIRED_SHIPPED), ALL_TYPES),
    (S.REPLACEMENT_SHIPPED, "confirm_done"): ({Role.CONSUMER, Role.AGENT, Role.SYSTEM}, _to(S.COMPLETED), ALL_TYPES),
    (S.REPAIRED_SHIPPED, "confirm_done"): ({Role.CONSUMER, Role.AGENT, Role.SYSTEM}, _to(S.COMPLETED), ALL_TYPES),
}  # fmt: skip
ACTIONS = sorted({action for _, action in EXPECTED})
# Deadlines armed on entering a state: (kind, action it takes, policy key, unit).
EXPECTED_DEADLINES = {
    S.MERCHANT_REVIEW: [("merchant_review", "approve", "merchant_review_hours", "hours")],
    S.AWAITING_RETURN_SHIPMENT: [("return_shipment", "close", "return_ship_days", "days")],
    S.RETURN_DELIVERED: [("receipt_confirmation", "confirm_receipt", "receipt_confirm_days", "days")],
    S.REFUND_PENDING: [("refund", "refund", "refund_hours", "hours")],
    S.REJECTED: [("rejection", "close", "rejected_close_days", "days")],
    S.REPLACEMENT_SHIPPED: [("completion", "confirm_done", "completion_days", "days")],
    S.REPAIRED_SHIPPED: [("completion", "confirm_done", "completion_days", "days")],
}  # fmt: skip


# --- the table, as data (no database) ----------------------------------------------------------


def test_the_table_knows_every_state_and_action() -> None:
    assert set(CASE_WORKFLOW.states) == set(S.values)
    assert sorted(CASE_WORKFLOW.actions) == ACTIONS


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", S.values)
def test_every_state_action_role_and_type(state: str, action: str) -> None:
    # given the cell as written out above
    roles, targets, types = EXPECTED.get((state, action), (set(), {}, set()))
    # when the table is asked
    rule = CASE_WORKFLOW.find(action, state)
    # then it is a move exactly where expected, for exactly those roles, types and targets
    if not targets:
        assert rule is None
        return
    assert rule is not None
    for case_type in T.values:
        case = SimpleNamespace(type=case_type, status=state, moved_at=LONG_AGO)
        assert CASE_WORKFLOW.target_of(rule, case) == targets[case_type], case_type
        passes = rule.guard is None or rule.guard(case, SYSTEM) is None
        assert passes == (case_type in types), case_type
        for role in ROLES:
            may = role in rule.roles
            assert may == (role in roles), role
            offered = {t.action for t in CASE_WORKFLOW.available(case, Actor(role=role))}
            assert (action in offered) == (may and passes), (case_type, role)


@pytest.mark.parametrize("state", S.values)
def test_entering_a_state_arms_its_deadlines_from_the_policy(state: str) -> None:
    # given a policy snapshot
    case = SimpleNamespace(policy={key: 7 for *_, key, _unit in _all_deadlines()})
    # when / then
    starts = CASE_WORKFLOW.state_deadlines.get(state, [])
    expected = EXPECTED_DEADLINES.get(state, [])
    assert [(s.kind, s.action) for s in starts] == [(k, a) for k, a, *_ in expected]
    for start, (_kind, _action, _key, unit) in zip(starts, expected, strict=True):
        assert start.delay(case) == timedelta(**{unit: 7})
        assert start.rule_for(case).endswith(f"(7 {unit[0]})")


def _all_deadlines() -> list[tuple[str, str, str, str]]:
    return [d for ds in EXPECTED_DEADLINES.values() for d in ds]


@pytest.mark.parametrize("state", [S.RECEIVED, S.IN_REPAIR])
@pytest.mark.parametrize(("hours", "open_"), [(0, False), (71.9, False), (72, True), (500, True)])
def test_a_received_item_may_be_escalated_once_it_has_not_moved_for_72_hours(state, hours, open_):
    # given a case that last moved ``hours`` ago
    with clock.frozen(NOW):
        case = SimpleNamespace(type=T.REPAIR, status=state, moved_at=NOW - timedelta(hours=hours))
        consumer = Actor(role=Role.CONSUMER)
        # when / then: the consumer is offered escalation only after 72 h, with the reason why not
        offered = {t.action for t in CASE_WORKFLOW.available(case, consumer)}
        assert ("escalate" in offered) == open_
        rule = CASE_WORKFLOW.find("escalate", state)
        problem = rule.guard(case, consumer)
        assert (problem is None) == open_
        if not open_:
            assert "72 hours" in problem


# --- every allowed move, end to end ------------------------------------------------------------

# One run per (state, action) and per distinct target: the case type picked so its guard passes,
# the role cycling through the allowed ones so every role that may act does so once for real.
ROLE_ORDER = [Role.CONSUMER, Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN, Role.AGENT, Role.SYSTEM]
TYPE_PREFERENCE = [T.RETURN_REFUND, T.REFUND_ONLY, T.EXCHANGE, T.REPAIR, T.WARRANTY]
REASONS = {
    T.REPAIR: "quality/defect",
    T.WARRANTY: "quality/defect",
    T.EXCHANGE: "size_fit",
    T.REFUND_ONLY: "no_reason/changed_mind",
    T.RETURN_REFUND: "no_reason/changed_mind",
}
# The moves the disputes app drives carry their dispute (and, for a settlement, the agreed amount).
DISPUTE = {
    "escalate": DisputeTerms(dispute="DP1"),
    "settle_refund": DisputeTerms(dispute="DP1", refund_amount=Decimal("80.00")),
    "compensate": DisputeTerms(dispute="DP1"),
}
PAYLOAD = {
    "ship_return": {"carrier": "SF", "tracking_number": "SF-R-1"},
    "ship_replacement": {"carrier": "SF", "tracking_number": "SF-X-1"},
    "ship_repaired": {"carrier": "SF", "tracking_number": "SF-X-2"},
}


def _moves() -> list[Any]:
    moves = []
    for (state, action), (roles, targets, types) in EXPECTED.items():
        by_target: dict[str, str] = {}
        for case_type in TYPE_PREFERENCE:
            if case_type in types:
                by_target.setdefault(targets[case_type], case_type)
        # every role the table allows, so that service paths that differ by role (an agent's
        # required reason, the system's automatic moves) all run for real
        for target, case_type in by_target.items():
            for role in (r for r in ROLE_ORDER if r in roles):
                moves.append(
                    pytest.param(
                        state,
                        action,
                        case_type,
                        role,
                        target,
                        id=f"{state}-{action}-{case_type}-{role}",
                    )
                )
    return moves


@pytest.fixture(scope="module")
def _world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One shop, order and case (rows only) for the whole module; each test moves its case and
    is rolled back after it."""
    with rows_for_the_group(django_db_blocker):
        with django_db_blocker.unblock():
            shop, order, case = quick_case(
                case_type=T.RETURN_REFUND, reason_code="no_reason/changed_mind", status=S.CLOSED
            )
        yield shop, order, case.pk


@pytest.fixture
def world(_world: Any, db: Any) -> Any:
    clock.freeze(NOW)
    return _world


def _case_in(world: Any, state: str, case_type: str) -> Case:
    from anxin.policies.models import Reason

    Case.objects.filter(pk=world[2]).update(
        status=state,
        type=case_type,
        reason=Reason.objects.get(code=REASONS[case_type]),
        moved_at=NOW - timedelta(hours=72),  # long enough for a consumer to escalate
    )
    case = Case.objects.get(pk=world[2])
    arm_state_deadlines(CASE_WORKFLOW, case, at=clock.now())
    return case


def _actor(role: Role, world: Any) -> Actor:
    shop, order, _ = world
    if role is Role.CONSUMER:
        return consumer_of(order)
    if role is Role.SYSTEM:
        return SYSTEM
    if role in MERCHANT:
        return Actor(role=role, user_id=5, merchant_ids=frozenset({shop.pk}))
    return Actor(role=role, user_id=6, platform=True)


def _pending(case: Case) -> list[tuple[str, str, Any]]:
    rows = Deadline.objects.filter(
        subject_type="cases.case", subject_id=case.pk, state=DeadlineState.PENDING
    ).order_by("pk")
    return [(d.kind, d.action, d.due_at) for d in rows]


@pytest.mark.parametrize(("state", "action", "case_type", "role", "target"), _moves())
def test_every_allowed_move_end_to_end(world, state, action, case_type, role, target):
    # given a case of a fitting type in ``state``, waiting on that state's deadlines
    case = _case_in(world, state, case_type)
    armed_before = _pending(case)
    assert [k for k, *_ in armed_before] == [k for k, *_ in EXPECTED_DEADLINES.get(state, [])]
    events = CaseEvent.objects.count()
    # when the role takes the action through the service
    result = case_act(
        actor=_actor(role, world),
        case=case,
        action=action,
        payload={"reason": "test", **PAYLOAD.get(action, {})},
        # a disputed case moves only through its dispute, which names itself
        dispute=DISPUTE.get(action)
        or (DisputeTerms(dispute="DP1") if state == S.DISPUTED else None),
    )
    # then the case moved once, with one event and one audit row
    case.refresh_from_db()
    assert case.status == target == result.to_state
    assert case.state_version == 1
    assert case.moved_at == NOW
    assert CaseEvent.objects.count() == events + 1
    event = CaseEvent.objects.order_by("pk").last()
    assert (event.action, event.from_status, event.to_status) == (action, state, target)
    assert AuditEntry.objects.filter(action=f"cases.case.{action}").count() == 1
    # and the old state's deadlines are cancelled, the new state's armed from the policy
    cancelled = Deadline.objects.filter(
        subject_id=case.pk, subject_type="cases.case", state=DeadlineState.CANCELLED
    )
    assert cancelled.count() == len(armed_before)
    expected = [
        (kind, then, NOW + timedelta(**{unit: case.policy[key]}))
        for kind, then, key, unit in EXPECTED_DEADLINES.get(target, [])
    ]
    assert _pending(case) == expected


REFUSALS = [
    # (state, action, role, error): not a move from this state / a role the table does not name
    (S.MERCHANT_REVIEW, "refund", Role.AGENT, TransitionNotAllowed),
    (S.CLOSED, "close", Role.SYSTEM, TransitionNotAllowed),
    (S.REFUNDED, "approve", Role.MERCHANT_ADMIN, TransitionNotAllowed),
    (S.MERCHANT_REVIEW, "approve", Role.CONSUMER, ActionForbidden),
    (S.REJECTED, "revise", Role.MERCHANT_ADMIN, ActionForbidden),
    (S.DISPUTED, "approve", Role.ARBITRATOR, ActionForbidden),
    (S.RECEIVED, "reject", Role.QUALITY_INSPECTOR, ActionForbidden),
    (S.REFUND_PENDING, "refund", Role.ADMIN, ActionForbidden),
    (S.RETURN_IN_TRANSIT, "mark_delivered", Role.MERCHANT_STAFF, ActionForbidden),
]


@pytest.mark.parametrize(("state", "action", "role", "error"), REFUSALS)
def test_a_refused_move_changes_nothing(world, state, action, role, error):
    # given
    case = _case_in(world, state, T.EXCHANGE if action == "ship_replacement" else T.RETURN_REFUND)
    armed = _pending(case)
    events, audits = CaseEvent.objects.count(), AuditEntry.objects.count()
    # when / then
    with pytest.raises(error):
        case_act(
            actor=_actor(role, world),
            case=case,
            action=action,
            payload={"reason": "test", **PAYLOAD.get(action, {})},
        )
    case.refresh_from_db()
    assert (case.status, case.state_version) == (state, 0)
    assert (CaseEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)
    assert _pending(case) == armed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "case_type"),
    [
        ("ship_replacement", CaseType.RETURN_REFUND),
        ("start_repair", CaseType.EXCHANGE),
        ("ship_return", CaseType.REFUND_ONLY),
    ],
)
def test_type_guards_refuse_actions_of_other_types(action, case_type):
    shop = f.merchant("m2")  # the module's shared world holds "m1"
    order = delivered_order(shop)
    case = open_case(
        order,
        type=case_type,
        reason="quality/defect"
        if case_type != CaseType.RETURN_REFUND
        else "no_reason/changed_mind",
    )
    state = {
        "ship_replacement": "received",
        "start_repair": "received",
        "ship_return": "awaiting_return_shipment",
    }[action]
    Case.objects.filter(pk=case.pk).update(status=state)
    actor = Actor(role=Role.AGENT, user_id=6, platform=True)
    with pytest.raises(DomainError):
        case_act(
            actor=actor,
            case=case,
            action=action,
            payload={"reason": "x", **PAYLOAD.get(action, {})},
        )
    assert Case.objects.get(pk=case.pk).status == state
