"""Every (state, action) pair × role of the case machine: allowed → new state, event, audit;
refused → an error and nothing changed."""

import pytest

from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.models import Case, CaseEvent
from anxin.cases.services import case_act
from anxin.cases.workflow import CASE_WORKFLOW, TRANSITIONS
from anxin.catalog.tests import factories as f
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import DomainError
from anxin.core.models import AuditEntry
from anxin.core.workflow import ActionForbidden, TransitionNotAllowed

from .helpers import consumer_of, delivered_order, open_case, quick_case

pytestmark = pytest.mark.django_db

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
ACTIONS = sorted({t.action for t in TRANSITIONS})
# A case type for which each action's guard passes, so the table alone decides.
TYPE_FOR = {
    "ship_replacement": CaseType.EXCHANGE,
    "start_repair": CaseType.REPAIR,
    "ship_repaired": CaseType.REPAIR,
}
REASONS = {CaseType.REPAIR: "quality/defect", CaseType.EXCHANGE: "size_fit"}
PAYLOAD = {
    "ship_return": {"carrier": "SF", "tracking_number": "SF-R-1"},
    "ship_replacement": {"carrier": "SF", "tracking_number": "SF-X-1"},
    "ship_repaired": {"carrier": "SF", "tracking_number": "SF-X-2"},
}


def _actor(role, shop, order):
    if role is Role.CONSUMER:
        return consumer_of(order)
    if role is Role.SYSTEM:
        return SYSTEM
    if role in (Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN):
        return Actor(role=role, user_id=5, merchant_ids=frozenset({shop.pk}))
    return Actor(role=role, user_id=6, platform=True)


def _expected(state, action, role, case):
    for t in TRANSITIONS:
        if t.action == action and state in t.sources:
            return CASE_WORKFLOW.target_of(t, case) if role in t.roles else ActionForbidden
    return TransitionNotAllowed


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", CaseStatus.values)
def test_every_state_action_role(state, action, role):
    # given a case of a fitting type, in `state`
    case_type = TYPE_FOR.get(action, CaseType.RETURN_REFUND)
    shop, order, case = quick_case(
        case_type=case_type,
        reason_code=REASONS.get(case_type, "no_reason/changed_mind"),
        status=state,
    )
    events = CaseEvent.objects.count()
    audits = AuditEntry.objects.count()
    expected = _expected(state, action, role, case)
    payload = {"reason": "test", **PAYLOAD.get(action, {})}
    # when / then
    if isinstance(expected, str):
        result = case_act(
            actor=_actor(role, shop, order), case=case, action=action, payload=payload
        )
        case.refresh_from_db()
        assert case.status == expected == result.to_state
        assert case.state_version == 1
        event = CaseEvent.objects.order_by("pk").last()
        assert (event.action, event.from_status, event.to_status) == (action, state, expected)
        assert AuditEntry.objects.filter(action=f"cases.case.{action}").count() == 1
    else:
        with pytest.raises(expected):
            case_act(actor=_actor(role, shop, order), case=case, action=action, payload=payload)
        case.refresh_from_db()
        assert (case.status, case.state_version) == (state, 0)
        assert CaseEvent.objects.count() == events
        assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("action", "case_type"),
    [
        ("ship_replacement", CaseType.RETURN_REFUND),
        ("start_repair", CaseType.EXCHANGE),
        ("ship_return", CaseType.REFUND_ONLY),
    ],
)
def test_type_guards_refuse_actions_of_other_types(action, case_type):
    shop = f.merchant("m1")
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
