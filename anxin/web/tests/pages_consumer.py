"""Consumer portal pages for the screenshot, translation and latency checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from anxin.accounts.models import User
from anxin.cases.inputs import CaseOpenIn
from anxin.cases.models import Case
from anxin.cases.services import case_act, case_open
from anxin.cases.tests.helpers import delivered_order
from anxin.catalog.models import Customer
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.disputes.models import Dispute
from anxin.disputes.services import dispute_act, dispute_open

from .world import dispute_of


def _order(world: Any) -> str:
    return f"/my/orders/{world.order.public_id}/"


def _request(world: Any) -> str:
    return f"/my/orders/{world.second_order.public_id}/lines/L1/request/"


def _case(world: Any) -> str:
    return f"/my/requests/{world.case.number}/"


def rejected_case(world: Any) -> Any:
    """A request of the consumer that the other shop rejected, on an order of its own (made once
    per world; the world's own cases stay as other pages expect them): one the consumer may
    dispute."""
    found = Case.unscoped.filter(order__external_id="E2002").first()
    if found is not None:
        return found
    delivered_order(world.other_shop, "E2002")  # the same buyer: the consumer's order
    case = case_open(
        actor=world.actor(world.consumer),
        data=CaseOpenIn(
            order="E2002", line="L1", type="refund_only", reason="quality/defect", quantity=1
        ),
    )
    case_act(
        actor=world.actor(world.other_merchant),
        case=case,
        action="reject",
        payload={"reason": "照片看不出质量问题。"},
    )
    case.refresh_from_db()
    return case


def panel_of(world: Any) -> Dispute:
    """Another shopper's dispute before a public review panel that the world's consumer may sit
    on (made once per world): the shop rejected a quality refund, the shopper claimed a partial
    refund, the platform stepped in, the shop answered, and the arbitrator sent it to the panel.
    The consumer's account is made 60 days old (panel members: 30 days and one order)."""
    found = Dispute.unscoped.filter(status="jury").first()
    if found is not None:
        return found
    shopper = f.user("shopper", Role.CONSUMER)
    delivered_order(
        world.shop,
        "E3001",
        customer={
            "external_id": "buyer-2",
            "name": "李四",
            "phone": "13900001111",
            "address": "北京市朝阳区建国路1号",
        },
    )
    Customer.objects.filter(merchant=world.shop, external_id="buyer-2").update(user=shopper)
    arbitrator = f.user("panel_arbitrator", Role.ARBITRATOR)  # dispute_of makes "arbitrator"
    who, merchant, agent = (
        world.actor(shopper),
        world.actor(world.merchant),
        world.actor(world.agent),
    )
    case = case_open(
        actor=who,
        data=CaseOpenIn(
            order="E3001", line="L1", type="refund_only", reason="quality/defect", quantity=1
        ),
    )
    case_act(actor=merchant, case=case, action="reject", payload={"reason": "属于正常色差。"})
    case.refresh_from_db()
    dispute = dispute_open(
        actor=who,
        case=case,
        payload={
            "claim": "partial_refund",
            "amount": "40",
            "statement": "颜色和商品页差别很大，洗一次就褪色。",
        },
    )
    steps = [
        (merchant, "propose", {"remedy": "partial_refund", "amount": "10", "note": "补偿10元。"}),
        (agent, "intervene", {"reason": "双方未能协商一致"}),
        (merchant, "submit", {"statement": "出厂检验合格，色差在标准范围内。"}),
        (agent, "refer", {"reason": "需要裁决"}),
        (world.actor(arbitrator), "send_to_jury", {}),
    ]
    for actor, action, payload in steps:
        dispute.refresh_from_db()
        dispute_act(actor=actor, dispute=dispute, action=action, payload=payload)
    User.objects.filter(pk=world.consumer.pk).update(date_joined=clock.now() - timedelta(days=60))
    dispute.refresh_from_db()
    return dispute


def _dispute(world: Any) -> str:
    return f"/my/disputes/{dispute_of(world).number}/"


def _disputes(world: Any) -> str:
    dispute_of(world)
    return "/my/disputes/"


def _dispute_form(world: Any) -> str:
    return f"/my/cases/{rejected_case(world).number}/dispute/"


def _panel(world: Any) -> str:
    panel_of(world)
    return "/my/panel/"


def _panel_dispute(world: Any) -> str:
    return f"/my/panel/{panel_of(world).number}/"


PAGES = [
    ("consumer-home", "consumer", lambda world: "/my/"),
    ("consumer-orders", "consumer", lambda world: "/my/orders/"),
    ("consumer-order", "consumer", _order),
    ("consumer-request", "consumer", _request),
    ("consumer-cases", "consumer", lambda world: "/my/requests/"),
    ("consumer-case", "consumer", _case),
    ("consumer-notifications", "consumer", lambda world: "/my/notifications/"),
    ("consumer-dispute-form", "consumer", _dispute_form),
    ("consumer-disputes", "consumer", _disputes),
    ("consumer-dispute", "consumer", _dispute),
    ("consumer-panel", "consumer", _panel),
    ("consumer-panel-dispute", "consumer", _panel_dispute),
]
