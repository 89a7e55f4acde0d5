"""The generic engine, exercised through a real machine: the merchant lifecycle."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from anxin.catalog.choices import MerchantStatus
from anxin.catalog.models import Merchant, MerchantEvent
from anxin.catalog.tests.factories import merchant
from anxin.catalog.workflow import MERCHANT_WORKFLOW, TRANSITIONS
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.models import AuditEntry, Deadline, DeadlineState
from anxin.core.workflow import (
    ActionForbidden,
    GuardFailed,
    TransitionNotAllowed,
    UnknownAction,
    Workflow,
    register,
    row,
    transition,
)

# The engine is the one path that locks a row and writes a status (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]

ACTORS = {
    Role.ADMIN: Actor(role=Role.ADMIN, user_id=1, platform=True),
    Role.AGENT: Actor(role=Role.AGENT, user_id=2, platform=True),
    Role.MERCHANT_ADMIN: Actor(role=Role.MERCHANT_ADMIN, user_id=3),
    Role.CONSUMER: Actor(role=Role.CONSUMER, user_id=4),
    Role.SYSTEM: SYSTEM,
}
ACTIONS = sorted({t.action for t in TRANSITIONS})
CASES = [
    (state, action, role)
    for state in MerchantStatus.values
    for action in ACTIONS
    for role in ACTORS
]


def _expected(state, action, role):
    for t in TRANSITIONS:
        if t.action == action and state in t.sources:
            return t.target if role in t.roles else ActionForbidden
    return TransitionNotAllowed


@pytest.mark.parametrize(("state", "action", "role"), CASES)
def test_every_state_action_role_combination(state, action, role):
    # given a merchant in `state`
    shop = merchant(code="shop", status=state)
    events_before = MerchantEvent.objects.count()
    audit_before = AuditEntry.objects.count()
    expected = _expected(state, action, role)
    # when / then
    if isinstance(expected, str):
        result = transition(MERCHANT_WORKFLOW, subject=shop, action=action, actor=ACTORS[role])
        shop.refresh_from_db()
        assert shop.status == expected == result.to_state
        assert shop.state_version == 1
        event = MerchantEvent.objects.get()
        assert (event.action, event.from_status, event.to_status) == (action, state, expected)
        assert AuditEntry.objects.filter(action=f"catalog.merchant.{action}").count() == 1
    else:
        with pytest.raises(expected):
            transition(MERCHANT_WORKFLOW, subject=shop, action=action, actor=ACTORS[role])
        shop.refresh_from_db()
        assert shop.status == state
        assert shop.state_version == 0
        assert MerchantEvent.objects.count() == events_before
        assert AuditEntry.objects.count() == audit_before


def test_unknown_action_is_refused_and_changes_nothing():
    shop = merchant(status="active")
    with pytest.raises(UnknownAction):
        transition(MERCHANT_WORKFLOW, subject=shop, action="teleport", actor=ACTORS[Role.ADMIN])
    shop.refresh_from_db()
    assert shop.status == "active"


def test_a_transition_arms_its_deadline_and_the_next_one_cancels_it():
    # given
    shop = merchant(status="active")
    admin = ACTORS[Role.ADMIN]
    # when warned
    transition(MERCHANT_WORKFLOW, subject=shop, action="warn", actor=admin, reason="late refunds")
    # then a rectification deadline is armed 30 days out with the policy named
    deadline = Deadline.objects.get()
    assert (deadline.kind, deadline.action, deadline.state) == (
        "rectification",
        "restrict",
        "pending",
    )
    assert deadline.armed_version == 1
    assert deadline.rule.startswith("M-1")
    # when the warning is cleared
    transition(MERCHANT_WORKFLOW, subject=shop, action="clear_warning", actor=admin)
    # then the deadline is cancelled
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.CANCELLED


def test_a_stale_expected_version_is_refused():
    shop = merchant(status="active")
    with pytest.raises(TransitionNotAllowed):
        transition(
            MERCHANT_WORKFLOW,
            subject=shop,
            action="warn",
            actor=ACTORS[Role.ADMIN],
            expected_version=7,
        )


def test_guards_can_refuse_with_a_reason():
    # given a workflow on the same model whose guard refuses shops with no deposit
    guarded = Workflow(
        model_label="catalog.merchant",
        transitions=[
            row(
                "approve",
                ["applying"],
                "active",
                [Role.ADMIN],
                guard=lambda m, actor: None if m.deposit_amount > 0 else "deposit missing",
            ),
        ],
    )
    shop = merchant(status="applying")
    # when / then
    with pytest.raises(GuardFailed, match="deposit missing"):
        transition(guarded, subject=shop, action="approve", actor=ACTORS[Role.ADMIN])
    assert Merchant.objects.get(pk=shop.pk).status == "applying"


def test_the_table_is_unambiguous_and_prints_as_mermaid():
    diagram = MERCHANT_WORKFLOW.mermaid()
    assert diagram.startswith("stateDiagram-v2")
    assert "warned --> restricted: restrict (admin, system)" in diagram
    with pytest.raises(ValueError, match="ambiguous"):
        Workflow(
            model_label="x.y", transitions=[row("a", ["s"], "t", []), row("a", ["s"], "u", [])]
        )


def test_available_lists_what_the_actor_may_do_now():
    shop = merchant(status="warned")
    actions = {t.action for t in MERCHANT_WORKFLOW.available(shop, ACTORS[Role.ADMIN])}
    assert actions == {"clear_warning", "restrict", "exit"}
    assert MERCHANT_WORKFLOW.available(shop, ACTORS[Role.CONSUMER]) == []


def test_the_history_row_and_the_audit_row_are_written_with_the_transition():
    # given
    shop = merchant(status="active")
    # when
    result = transition(
        MERCHANT_WORKFLOW, subject=shop, action="warn", actor=ACTORS[Role.ADMIN], reason="late"
    )
    # then the registered History wrote the merchant's event row, and the result carries it
    event = MerchantEvent.objects.get()
    assert result.event == event
    assert (event.merchant_id, event.actor, event.reason) == (shop.pk, "user:1", "late")


def test_a_machine_nobody_registered_cannot_move():
    # given a table on the merchant model that no effects.py registered
    bare = Workflow(
        model_label="catalog.merchant",
        transitions=[row("approve", ["applying"], "active", [Role.ADMIN])],
    )
    shop = merchant(status="applying")
    # when / then it refuses instead of moving without its effects and history
    with pytest.raises(ImproperlyConfigured, match="not registered"):
        transition(bare, subject=shop, action="approve", actor=ACTORS[Role.ADMIN])
    assert Merchant.objects.get(pk=shop.pk).status == "applying"


def test_register_refuses_an_effect_for_an_unknown_action_and_a_second_registration():
    table = Workflow(model_label="x.y", transitions=[row("a", ["s"], "t", [Role.ADMIN])])
    with pytest.raises(ValueError, match="unknown actions"):
        register(table, effects={"b": lambda step: None})
    with pytest.raises(ValueError, match="registered twice"):
        register(MERCHANT_WORKFLOW)
