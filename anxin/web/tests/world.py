"""A small world for page tests: two shops, their staff, a consumer with orders and cases.

Times: the clock is frozen at NOW (2026-11-05 10:00 Asia/Shanghai); parcels were signed two days
earlier, so the 7-day no-reason window is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_act, case_open
from anxin.cases.tests.helpers import NOW, delivered_order, warehouse
from anxin.catalog.models import Customer
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role

PASSWORD = f.PASSWORD


@dataclass
class World:
    shop: Any
    other_shop: Any
    consumer: Any
    merchant: Any
    merchant_admin: Any
    other_merchant: Any
    agent: Any
    admin: Any
    order: Any
    second_order: Any
    other_order: Any
    address: Any
    case: Any  # merchant_review, on the consumer's first order
    other_case: Any  # a case at the other shop
    dispute: Any = None  # made on first use by ``dispute_of`` (pages of the disputes)

    def actor(self, user: Any) -> Any:
        from anxin.accounts.services import actor_for_user

        return actor_for_user(user)


def build_world() -> World:
    clock.freeze(NOW)
    shop = f.merchant("m1")
    other = f.merchant("m2")
    consumer = f.user("consumer", Role.CONSUMER)
    merchant = f.user("merchant", Role.MERCHANT_STAFF, [shop])
    merchant_admin = f.user("merchant_admin", Role.MERCHANT_ADMIN, [shop])
    other_merchant = f.user("other_merchant", Role.MERCHANT_ADMIN, [other])
    agent = f.user("agent", Role.AGENT)
    admin = f.user("admin", Role.ADMIN)
    order = delivered_order(shop, "E1001")
    second = delivered_order(shop, "E1002")
    other_order = delivered_order(other, "E2001")
    Customer.objects.filter(merchant__in=[shop, other]).update(user=consumer)
    address = warehouse(shop)
    warehouse(other)
    consumer_actor = World.actor(None, consumer)  # type: ignore[arg-type]
    case = case_open(
        actor=consumer_actor,
        data=CaseOpenIn(
            order="E1001", line="L1", type="return_refund", reason="no_reason/changed_mind"
        ),
    )
    other_case = case_open(
        actor=consumer_actor,
        data=CaseOpenIn(
            order="E2001", line="L1", type="refund_only", reason="quality/defect", quantity=1
        ),
    )
    return World(
        shop=shop,
        other_shop=other,
        consumer=consumer,
        merchant=merchant,
        merchant_admin=merchant_admin,
        other_merchant=other_merchant,
        agent=agent,
        admin=admin,
        order=order,
        second_order=second,
        other_order=other_order,
        address=address,
        case=case,
        other_case=other_case,
    )


def advance(case: Any, *steps: tuple[Any, str, dict[str, Any]]) -> Any:
    """Move a case through actions: (actor, action, payload) ..."""
    for who, action, payload in steps:
        case.refresh_from_db()
        case_act(actor=who, case=case, action=action, payload=payload)
    case.refresh_from_db()
    return case


def dispute_of(world: World) -> Any:
    """A dispute in platform mediation on the consumer's second order (made once per world): the
    merchant rejected a quality return, the consumer disputed it, the agent stepped in and the
    merchant's 24-hour answer round is open. An arbitrator login exists for the arbitration pages."""
    if world.dispute is not None:
        return world.dispute
    from anxin.disputes.services import dispute_act, dispute_open

    f.user("arbitrator", Role.ARBITRATOR)
    consumer = world.actor(world.consumer)
    disputed = case_open(
        actor=consumer,
        data=CaseOpenIn(order="E1002", line="L1", type="return_refund", reason="quality/defect"),
    )
    case_act(
        actor=world.actor(world.merchant),
        case=disputed,
        action="reject",
        payload={"reason": "商品无质量问题"},
    )
    disputed.refresh_from_db()
    dispute = dispute_open(
        actor=consumer,
        case=disputed,
        payload={"claim": "full_refund", "statement": "收到时外壳已开裂，商家拒绝退货。"},
    )
    dispute_act(
        actor=world.actor(world.agent),
        dispute=dispute,
        action="intervene",
        payload={"reason": "消费者反映商品破损"},
    )
    dispute.refresh_from_db()
    world.dispute = dispute
    return dispute
