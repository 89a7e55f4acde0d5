"""Smoke: the core path through services (the full matrix lives in test_workflow / test_e2e)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from anxin.cases.models import Case, LedgerKind, Refund
from anxin.cases.tests.helpers import (
    consumer_of,
    delivered_order,
    merchant_actor,
    open_case,
    warehouse,
)
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.sweeper import sweep_until_idle
from anxin.disputes.models import DepositAccount, Dispute
from anxin.disputes.services import dispute_act, dispute_open, proposal_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected():
    shop = f.merchant("m1")
    warehouse(shop)
    order = delivered_order(shop)
    case = open_case(order)
    from anxin.cases.services import case_act

    case_act(actor=merchant_actor(shop), case=case, action="reject", payload={"reason": "不支持"})
    return Case.objects.get(pk=case.pk), order, shop


def test_negotiated_refund(rejected, django_capture_on_commit_callbacks):
    case, order, shop = rejected
    consumer, merchant = consumer_of(order), merchant_actor(shop)
    d = dispute_open(
        actor=consumer, case=case, payload={"claim": "full_refund", "statement": "质量问题"}
    )
    assert d.status == "negotiating" and d.claim_amount > 0
    dispute_act(
        actor=merchant,
        dispute=d,
        action="propose",
        payload={"remedy": "partial_refund", "amount": "20.00"},
    )
    p = d.proposals.get(by_party="merchant")
    proposal_answer(actor=consumer, dispute=d, payload={"proposal": p.pk}, accept=True)
    d.refresh_from_db()
    case.refresh_from_db()
    assert d.status == "settled" and case.status == "refunded"
    assert Refund.objects.get(case=case).amount == Decimal("20.00")


def test_missed_round_then_enforced(rejected, django_capture_on_commit_callbacks):
    case, order, shop = rejected
    consumer = consumer_of(order)
    d = dispute_open(
        actor=consumer,
        case=case,
        payload={"claim": "partial_refund", "amount": "30", "statement": "x"},
    )
    dispute_act(actor=consumer, dispute=d, action="request_intervention", payload={})
    d.refresh_from_db()
    assert d.status == "awaiting_evidence" and d.rounds.get().party == "merchant"
    clock.advance(timedelta(hours=25))
    sweep_until_idle()
    d.refresh_from_db()
    assert d.status == "ruled" and d.rulings.get().automatic
    clock.advance(timedelta(hours=25))
    sweep_until_idle()
    d.refresh_from_db()
    case.refresh_from_db()
    assert d.status == "executed" and case.status == "refunded"
    assert Refund.objects.get(case=case).kind == LedgerKind.COMPENSATION
    account = DepositAccount.objects.get(merchant=shop)
    assert account.owed == Decimal("30.00") and account.settlement_held
    clock.advance(timedelta(days=8))
    sweep_until_idle()
    assert Dispute.objects.get(pk=d.pk).status == "final"
