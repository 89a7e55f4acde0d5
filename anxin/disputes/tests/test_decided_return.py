"""What a dispute agreed or decided is not undone on the case afterwards."""

import pytest

from anxin.cases.models import Case
from anxin.cases.services import case_act
from anxin.cases.tests.helpers import (
    consumer_of,
    delivered_order,
    merchant_actor,
    open_case,
    warehouse,
)
from anxin.catalog.tests import factories as f
from anxin.core.actors import SYSTEM
from anxin.core.workflow import TransitionNotAllowed
from anxin.disputes.services import dispute_open, proposal_answer

pytestmark = pytest.mark.django_db


def test_a_return_agreed_in_a_dispute_cannot_be_rejected_once_the_item_is_back(
    django_capture_on_commit_callbacks,
):
    # given a return the merchant first rejected, then agreed to in the dispute
    shop = f.merchant("m1")
    warehouse(shop)
    order = delivered_order(shop)
    consumer, merchant = consumer_of(order), merchant_actor(shop)
    case = open_case(order, reason="quality/defect")
    case_act(actor=merchant, case=case, action="reject", payload={"reason": "无质量问题"})
    dispute = dispute_open(
        actor=consumer,
        case=Case.objects.get(pk=case.pk),
        payload={"claim": "return_refund", "statement": "外壳开裂"},
    )
    claim = dispute.proposals.get()
    proposal_answer(actor=merchant, dispute=dispute, payload={"proposal": claim.pk}, accept=True)
    # and the consumer sent the item back, which arrived
    case.refresh_from_db()
    assert case.status == "awaiting_return_shipment"
    case_act(actor=consumer, case=case, action="ship_return",
             payload={"carrier": "SF", "tracking_number": "SF1"})  # fmt: skip
    case_act(actor=SYSTEM, case=case, action="mark_delivered", payload={})
    # when the merchant tries to reject the return now, it is refused, naming the dispute
    with pytest.raises(TransitionNotAllowed) as refused:
        case_act(actor=merchant, case=case, action="reject", payload={"reason": "拆过了"})
    assert dispute.number in str(refused.value.message)
    case.refresh_from_db()
    assert case.status == "return_delivered"
    # and receiving it refunds what was agreed
    case_act(actor=merchant, case=case, action="confirm_receipt", payload={})
    case.refresh_from_db()
    assert case.status == "refund_pending" and case.refund_amount == claim.amount
