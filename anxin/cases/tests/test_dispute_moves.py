"""The case moves the disputes app drives (escalate, settle_refund, compensate, approving a
disputed case on agreed or ruled terms), and a merchant's rejection of a no-reason return for the
item's condition, which needs the merchant's photo first. The (state, action, role) table itself
is checked in test_workflow.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.inputs import DisputeTerms
from anxin.cases.models import Case, CaseEvent, Refund
from anxin.cases.services import case_act, evidence_add
from anxin.cases.workflow import CASE_WORKFLOW
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor
from anxin.core.errors import ValidationFailed
from anxin.core.workflow import TransitionNotAllowed, transition
from anxin.notifications.models import Notification

from .builders import (
    DEFECT,
    NOW,
    World,
    act,
    consumer_of,
    open_case,
    png_bytes,
    shop_actor,
    snapshot,
    upload,
    world,
)

pytestmark = pytest.mark.django_db

S = CaseStatus


@pytest.fixture(scope="module")
def _shared_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        built = world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def w(_shared_world: World, db: Any, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    clock.freeze(NOW)
    return _shared_world


def _rejected(w: World, **kind: Any) -> Case:
    case = open_case(w.order_a, **kind)
    return act(case, "reject", shop_actor(w.m1.pk), reason="不符合退货条件")


def _disputed(w: World, **kind: Any) -> Case:
    case = _rejected(w, **kind)
    case_act(
        actor=consumer_of(w.order_a),
        case=case,
        action="escalate",
        payload={"reason": "商家拒绝没有道理"},
        dispute=DisputeTerms(dispute="DP1"),
    )
    return Case.objects.get(pk=case.pk)


def _reading_english(w: World, *users: str) -> None:
    """These people read the platform in English (a login's language is zh-hans by default)."""
    User.objects.filter(pk__in=[w.users[u].pk for u in users]).update(language="en")


def _last_event(case: Case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).order_by("pk").last()


# --- escalate -------------------------------------------------------------------------------------


def test_escalating_through_the_case_api_alone_is_a_clear_refusal(w: World) -> None:
    # given a rejected request
    case = _rejected(w)
    api = w.api("consumer_a")
    before = snapshot()
    # when the consumer presses "escalate" on the case itself
    response = api.post(f"/cases/{case.number}/actions/escalate", {"reason": "不服"})
    # then it says to open a dispute, and nothing changed
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "case.dispute_required"
    assert error["fields"] == {
        "claim": "To ask the platform to step in, open a dispute with what you want."
    }
    # nor can the consumer name a dispute through the case's endpoint
    forged = api.post(f"/cases/{case.number}/actions/escalate", {"dispute": "DP1"})
    assert forged.status_code == 422
    assert "dispute" in forged.json()["error"]["fields"]
    assert snapshot() == before


def test_a_dispute_escalates_the_case_and_the_merchant_is_told(w: World) -> None:
    _reading_english(w, "m1_staff", "m1_admin")
    case = _disputed(w)
    assert case.status == S.DISPUTED
    assert _last_event(case).data == {"dispute": "DP1"}
    # each of the shop's people is told once (the dispute itself sends no message of its own)
    told = Notification.objects.filter(kind="escalate").values_list("recipient", "title")
    title = f"Dispute opened on request {case.number}"
    assert sorted(told) == sorted((w.users[u].pk, title) for u in ("m1_staff", "m1_admin"))


def test_a_received_item_can_be_escalated_only_after_72_hours_without_a_move(w: World) -> None:
    # given a return the merchant received and then left alone
    case = open_case(w.order_a, type="exchange")
    shop = shop_actor(w.m1.pk)
    case = act(case, "approve", shop)
    case = act(case, "ship_return", consumer_of(w.order_a), carrier="SF", tracking_number="SF9")
    case = act(case, "confirm_receipt", shop)
    assert (case.status, case.moved_at) == (S.RECEIVED, NOW)
    escalate = {"actor": consumer_of(w.order_a), "action": "escalate"}
    # when the consumer tries after 71 hours: refused, saying when it opens
    clock.freeze(NOW + timedelta(hours=71))
    response = w.api("consumer_a").post(f"/cases/{case.number}/actions/escalate", {})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "workflow.guard_failed"
    assert "72 hours" in response.json()["error"]["message"]
    # and after 72 hours the dispute escalates it
    clock.freeze(NOW + timedelta(hours=72))
    case_act(case=case, **escalate, dispute=DisputeTerms(dispute="DP2"))
    assert Case.objects.get(pk=case.pk).status == S.DISPUTED


# --- settling and compensating --------------------------------------------------------------------


def test_a_settlement_refunds_the_agreed_amount_once(w: World) -> None:
    # given a disputed request
    _reading_english(w, "consumer_a", "m1_staff")
    case = _disputed(w)
    # when the dispute settles on 80.00
    case_act(
        actor=SYSTEM,
        case=case,
        action="settle_refund",
        dispute=DisputeTerms(dispute="DP1", refund_amount=Decimal("80.00")),
    )
    # then the case is refunded 80.00, with the case's own refund key
    case.refresh_from_db()
    assert (case.status, case.refund_amount) == (S.REFUNDED, Decimal("80.00"))
    (refund,) = Refund.objects.filter(case=case)
    assert (refund.key, refund.amount) == (f"case:{case.pk}", Decimal("80.00"))
    assert _last_event(case).data == {"dispute": "DP1", "refund_amount": "80.00"}
    # and each side reads its own words
    consumer = Notification.objects.get(kind="settle_refund", recipient=w.users["consumer_a"])
    assert "80.00 CNY is being refunded to you" in consumer.body
    shop = Notification.objects.get(kind="settle_refund", recipient=w.users["m1_staff"])
    assert "refunded to the consumer" in shop.body


@pytest.mark.parametrize("amount", ["0", "-1", "400.01", "80.001", "abc", "NaN"])
def test_a_settlement_amount_outside_what_is_left_is_refused(w: World, amount: str) -> None:
    # given a disputed request on a line paid 500.00, of which 100.00 was refunded already
    case = _disputed(w)
    before = snapshot()
    # when / then
    with pytest.raises(ValidationFailed) as refused:
        transition(
            CASE_WORKFLOW,
            subject=case,
            action="settle_refund",
            actor=SYSTEM,
            data={"dispute": "DP1", "refund_amount": amount},
        )
    assert set(refused.value.fields) == {"refund_amount"}
    assert "400.00 CNY" in str(refused.value.fields["refund_amount"])
    assert snapshot() == before


@pytest.mark.parametrize("action", ["settle_refund", "approve"])
def test_a_disputed_case_moves_only_through_its_dispute(w: World, action: str) -> None:
    case = _disputed(w)
    api = w.api("m1_staff")
    before = snapshot()
    # the amount is the dispute's to set, not the merchant's
    forged = api.post(f"/cases/{case.number}/actions/{action}", {"refund_amount": "1.00"})
    assert forged.status_code == 422
    # and conceding happens in the dispute (accepting the consumer's claim), not on the case
    refused = api.post(f"/cases/{case.number}/actions/{action}", {})
    assert refused.status_code == 422, refused.content
    assert refused.json()["error"]["code"] == "case.dispute_required"
    assert snapshot() == before


def test_compensation_finishes_the_case_without_a_refund_of_its_own(w: World) -> None:
    case = _disputed(w)
    with pytest.raises(ValidationFailed) as refused:
        transition(CASE_WORKFLOW, subject=case, action="compensate", actor=SYSTEM, data={})
    assert refused.value.code == "case.dispute_required"
    case_act(actor=SYSTEM, case=case, action="compensate", dispute=DisputeTerms(dispute="DP1"))
    case.refresh_from_db()
    assert case.status == S.REFUNDED
    assert not Refund.objects.filter(case=case).exists()
    assert Notification.objects.filter(kind="compensate").count() >= 2


# --- approving on a ruling ------------------------------------------------------------------------


def test_a_ruling_return_first_then_refund_80_executes_by_approving(w: World) -> None:
    # given a disputed refund-only request
    case = _disputed(w, type="refund_only", reason=DEFECT)
    # when the ruling says: return it first, then refund 80.00
    case_act(
        actor=SYSTEM,
        case=case,
        action="approve",
        dispute=DisputeTerms(
            dispute="DP1", refund_amount=Decimal("80.00"), type=CaseType.RETURN_REFUND
        ),
    )
    # then it waits for the return parcel, as a return of 80.00, with the shop's warehouse
    case.refresh_from_db()
    assert (case.status, case.type, case.refund_amount) == (
        S.AWAITING_RETURN_SHIPMENT,
        CaseType.RETURN_REFUND,
        Decimal("80.00"),
    )
    assert case.return_address["label"] == "上海仓"


def test_a_ruling_for_an_exchange_executes_by_approving(w: World) -> None:
    case = _disputed(w)
    case_act(
        actor=SYSTEM,
        case=case,
        action="approve",
        dispute=DisputeTerms(dispute="DP1", type=CaseType.EXCHANGE),
    )
    case.refresh_from_db()
    assert (case.status, case.type) == (S.AWAITING_RETURN_SHIPMENT, CaseType.EXCHANGE)


def test_a_ruled_type_that_changes_the_next_state_must_come_through_case_act(w: World) -> None:
    case = _disputed(w, type="refund_only", reason=DEFECT)
    before = snapshot()
    with pytest.raises(ValueError, match="case_act"):
        transition(
            CASE_WORKFLOW,
            subject=case,
            action="approve",
            actor=SYSTEM,
            data={"dispute": "DP1", "type": "return_refund"},
        )
    assert snapshot() == before


def test_terms_apply_only_to_a_disputed_case(w: World) -> None:
    case = open_case(w.order_a)
    before = snapshot()
    with pytest.raises(TransitionNotAllowed):
        case_act(
            actor=SYSTEM,
            case=case,
            action="approve",
            dispute=DisputeTerms(dispute="DP1", refund_amount=Decimal("1.00")),
        )
    assert snapshot() == before


# --- rejecting a no-reason return for the item's condition ----------------------------------------


def _reject(api: Any, case: Case, **body: Any) -> Any:
    return api.post(f"/cases/{case.number}/actions/reject", {"reason": "吊牌已拆", **body})


def test_rejecting_a_no_reason_return_for_its_condition_needs_the_merchants_photo(w: World) -> None:
    # given a no-reason return with the consumer's photo only
    case = open_case(w.order_a)
    evidence_add(actor=consumer_of(w.order_a), case=case, stream=png_bytes())
    api = w.api("m1_staff")
    before = snapshot()
    # when the merchant rejects it for the tags, without a photo of its own
    response = _reject(api, case, condition="tags_removed")
    # then it is refused, saying what is missing
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "case.condition_evidence_required"
    assert set(error["fields"]) == {"evidence"}
    assert snapshot() == before
    # when the merchant attaches a photo first
    assert upload(api, f"/cases/{case.number}/evidence", png_bytes()).status_code == 201
    response = _reject(api, case, condition="tags_removed")
    # then the rejection stands, with the condition in the history
    assert response.status_code == 200, response.content
    assert _last_event(case).data == {"condition": "tags_removed"}


@pytest.mark.parametrize(
    ("reason", "condition", "status"),
    [
        (DEFECT, "used", 200),  # not a no-reason return: the condition needs no photo
        ("no_reason/changed_mind", "", 200),  # no condition named
        ("no_reason/changed_mind", "worn", 422),  # not a known condition
    ],
)
def test_other_rejections(w: World, reason: str, condition: str, status: int) -> None:
    case = open_case(w.order_a, reason=reason)
    response = _reject(w.api("m1_admin"), case, condition=condition)
    assert response.status_code == status, response.content
    if status == 422:
        assert set(response.json()["error"]["fields"]) == {"condition"}
    else:
        assert _last_event(case).data.get("condition", "") == condition


def test_an_agent_rejecting_for_the_condition_may_rely_on_a_platform_photo(w: World) -> None:
    case = open_case(w.order_a)
    agent: Actor = actor_for_user(w.users["agent"])
    evidence_add(actor=agent, case=case, stream=png_bytes())
    case_act(
        actor=agent,
        case=case,
        action="reject",
        payload={"reason": "抽检：已使用", "condition": "used"},
    )
    assert Case.objects.get(pk=case.pk).status == S.REJECTED
