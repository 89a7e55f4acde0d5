"""End to end (issue 13, acceptance "Credit"): a series of lost disputes — each through the real
services: the merchant rejects a return, the consumer disputes it and calls the platform in, the
merchant lets its evidence deadline pass and the platform decides for the consumer — moves the
merchant to ``warned`` on one day's computation and to ``restricted`` on a later one; intake then
refuses its new orders, and the merchant's appeal is recorded and reaches the administrators."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_act, case_open
from anxin.cases.tests.builders import png_bytes
from anxin.cases.tests.helpers import (
    ADMIN,
    NOW,
    consumer_of,
    delivered_order,
    merchant_actor,
    warehouse,
)
from anxin.catalog.inputs import OrderIn
from anxin.catalog.models import Merchant
from anxin.catalog.services import order_upsert
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.errors import ValidationFailed
from anxin.core.models import AuditEntry
from anxin.core.sweeper import sweep_until_idle
from anxin.credit.demo.synthetic import synthetic_shop
from anxin.credit.models import Appeal, CreditSnapshot, Sanction
from anxin.credit.recompute import credit_recompute
from anxin.disputes.models import Dispute
from anxin.disputes.services import dispute_act, dispute_open
from anxin.notifications.models import Notification
from conftest import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.pg_smoke]


def _lose_disputes(shop: Merchant, first: int, count: int) -> None:
    """``count`` disputes the merchant loses: rejected, disputed, platform called in, the
    merchant's 24 h evidence round missed — decided for the consumer by the sweeper."""
    for i in range(first, first + count):
        order = delivered_order(shop, f"E{i:04d}")
        case = case_open(
            actor=consumer_of(order),
            data=CaseOpenIn(order=order.external_id, line="L1", type="return_refund",
                            reason="no_reason/changed_mind", quantity=1),
        )  # fmt: skip
        case_act(
            actor=merchant_actor(shop), case=case, action="reject", payload={"reason": "不支持"}
        )
        consumer = consumer_of(order)
        dispute = dispute_open(
            actor=consumer,
            case=case,
            payload={"claim": "full_refund", "statement": "衣服开线了，商家拒绝退货"},
        )
        dispute_act(actor=consumer, dispute=dispute, action="request_intervention")
    clock.advance(timedelta(hours=25))
    sweep_until_idle()


def _status(shop: Merchant) -> str:
    return Merchant.objects.get(pk=shop.pk).status


def test_lost_disputes_warn_then_restrict_then_intake_refuses_and_the_appeal_is_recorded(
    django_capture_on_commit_callbacks,
) -> None:
    # given five ordinary apparel shops and the shop under test, with its people
    clock.freeze(NOW)
    for i in range(5):
        synthetic_shop(code=f"peer{i}", cases=150, seed=i)
    shop = f.merchant("m1")
    warehouse(shop)
    owner = f.user("m1-owner", Role.MERCHANT_ADMIN, [shop])
    f.user("platform-admin", Role.ADMIN)
    # day 1: a first series of lost disputes
    _lose_disputes(shop, 0, 12)
    lost = Dispute.objects.filter(merchant=shop, outcome="consumer", ruled_at__isnull=False)
    assert lost.count() == 12
    day1 = credit_recompute()
    snap1 = CreditSnapshot.objects.get(merchant=shop, day=day1.day)
    assert snap1.score < 60, snap1.factors
    assert _status(shop) == "warned"
    warn = Sanction.objects.get(merchant=shop, step="warn")
    assert (warn.status, warn.score) == ("in_force", snap1.score)
    assert warn.factors["dispute_loss"]["value"] == 1.0
    assert Notification.objects.filter(recipient=owner, kind="credit_warn").exists()
    # the same day again takes nothing twice
    assert credit_recompute().sanctions == []
    # day 2: more lost disputes
    _lose_disputes(shop, 100, 12)
    clock.advance(timedelta(days=1))
    day2 = credit_recompute()
    snap2 = CreditSnapshot.objects.get(merchant=shop, day=day2.day)
    assert snap2.score < 50 and snap2.score <= snap1.score
    assert _status(shop) == "restricted"
    restrict = Sanction.objects.get(merchant=shop, step="restrict")
    assert restrict.status == "in_force"
    assert Merchant.objects.get(pk=shop.pk).settlement_hold is True
    # then intake refuses the restricted shop's new orders (updates of old ones still pass)
    with pytest.raises(ValidationFailed) as refused:
        order_upsert(
            actor=ADMIN,
            data=OrderIn.model_validate(f.order_payload(external_id="NEW-1", merchant="m1")),
        )
    assert "merchant" in refused.value.fields
    # and the merchant appeals the restriction once, with a statement and a photo of its fix
    client = Client()
    client.force_login(owner)
    api = ApiClient(client=client)
    listed = api.get("/credit/sanctions").json()
    row = next(s for s in listed if s["step"] == "restrict")
    assert row["appealable"] is True
    photo = io.BytesIO(png_bytes())
    photo.name = "整改报告.png"
    answer = client.post(
        f"/api/v1/credit/sanctions/{row['id']}/appeal",
        {"statement": "已更换质检流程并补偿所有消费者，请求解除限制。", "file": photo},
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 201, answer.content
    appeal = Appeal.objects.get(sanction=restrict)
    assert appeal.statement.startswith("已更换") and appeal.file
    assert Sanction.objects.get(pk=restrict.pk).status == "appealed"
    again = client.post(f"/api/v1/credit/sanctions/{row['id']}/appeal", {"statement": "再次申诉"})
    assert again.status_code == 409
    assert AuditEntry.objects.filter(action="credit.appeal.file").count() == 1
    assert Notification.objects.filter(kind="credit_appeal").exists()
    # the shop's credit page reads the restriction, its appeal and what to improve
    mine = api.get("/credit").json()
    assert mine["status"] == "restricted" and mine["tier"] in ("warning", "poor")
    assert mine["improve"] and mine["improve"][0]["key"] in (
        "dispute_loss",
        "dispute_rate",
        "intervention",
    )
    assert {s["step"]: s["status"] for s in mine["sanctions"]} == {
        "warn": "in_force",
        "restrict": "appealed",
    }
