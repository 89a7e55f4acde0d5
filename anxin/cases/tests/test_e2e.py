"""A return-and-refund and an exchange, end to end through the HTTP API, with the clock moved
forward so that every automatic action fires — once."""

import json
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from anxin.cases.models import CaseEvent, LedgerEntry, Refund
from anxin.cases.tracking import sign_generic
from anxin.catalog.models import Customer
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.models import Deadline
from anxin.core.sweeper import sweep_until_idle
from conftest import ApiClient

from .helpers import NOW, warehouse

# Smoke set: two requests end to end through the API and the sweeper, on PostgreSQL too.
pytestmark = [pytest.mark.django_db, pytest.mark.pg_smoke]


@pytest.fixture
def world():
    clock.freeze(NOW - timedelta(days=1))
    shop = f.merchant("m1")
    warehouse(shop)
    platform = ApiClient(token=f.token_for(None))
    order = platform.post("/orders", f.order_payload(merchant="m1")).json()
    parcel = platform.post(
        f"/orders/{order['id']}/deliveries",
        {
            "carrier": "SF",
            "tracking_number": "SF-OUT-1",
            "shipped_at": "2026-11-02T09:00:00+08:00",
            "signed_at": "2026-11-03T18:30:00+08:00",
        },
    )
    assert parcel.status_code == 201, parcel.content
    person = f.user("buyer", Role.CONSUMER)
    Customer.objects.filter(external_id="buyer-1").update(user=person)
    consumer = Client()
    consumer.force_login(person)
    clock.freeze(NOW)
    return {
        "order": order,
        "consumer": ApiClient(client=consumer),
        "merchant": ApiClient(token=f.token_for(shop)),
    }


def _sweep(days=0, hours=0, capture=None):
    clock.advance(timedelta(days=days, hours=hours))
    with capture(execute=True):
        return sweep_until_idle()


def test_return_and_refund_end_to_end(world, django_capture_on_commit_callbacks):
    consumer, order = world["consumer"], world["order"]
    # the consumer sees the explanation and the amount before submitting
    quote = consumer.get(
        f"/orders/{order['id']}/eligibility",
        {"line": "L1", "reason": "no_reason/changed_mind", "type": "return_refund"},
    )
    assert quote.status_code == 200
    assert quote.json()["allowed"] is True, quote.json()
    assert quote.json()["refundable_amount"] == "71.00"
    # opens the request
    opened = consumer.post(
        "/cases",
        {
            "order": order["id"],
            "line": "L1",
            "type": "return_refund",
            "reason": "no_reason/changed_mind",
            "quantity": 1,
        },
    )
    assert opened.status_code == 201, opened.content
    number = opened.json()["number"]
    assert opened.json()["status"] == "merchant_review"
    assert opened.json()["deadlines"][0]["kind"] == "merchant_review"
    # the merchant does not answer within 48 h: the system approves, with the default address
    assert _sweep(hours=49, capture=django_capture_on_commit_callbacks).fired == 1
    case = consumer.get(f"/cases/{number}").json()
    assert case["status"] == "awaiting_return_shipment"
    assert case["return_address"]["label"] == "上海仓"
    approval = case["events"][-1]
    assert (approval["actor"], approval["automatic"]) == ("system", True)
    assert "did not respond" in approval["reason"]
    assert "ship_return" in case["actions"]
    # the consumer downloads the label and ships the parcel
    label = consumer.client.get(f"/api/v1/cases/{number}/label.pdf")
    assert label.status_code == 200 and label.content.startswith(b"%PDF")
    shipped = consumer.post(
        f"/cases/{number}/actions/ship_return", {"carrier": "SF", "tracking_number": "SF-RET-9"}
    )
    assert shipped.json().get("status") == "return_in_transit", shipped.json()
    # the carrier reports delivery
    body = json.dumps(
        {
            "event_id": "e1",
            "carrier": "SF",
            "tracking_number": "SF-RET-9",
            "status": "delivered",
            "occurred_at": clock.now().isoformat(),
        }
    ).encode()
    headers = sign_generic(
        body,
        secret=settings.ANXIN_TRACKING_SECRETS["generic"],
        timestamp=int(clock.now().timestamp()),
    )
    hook = Client().post(
        "/api/v1/webhooks/inbound/tracking/generic",
        body,
        content_type="application/json",
        headers=headers,
    )
    assert hook.status_code == 200, hook.content
    assert consumer.get(f"/cases/{number}").json()["status"] == "return_delivered"
    # the merchant does not confirm receipt within 7 days: the system does
    assert _sweep(days=8, capture=django_capture_on_commit_callbacks).fired == 1
    assert consumer.get(f"/cases/{number}").json()["status"] == "refund_pending"
    # nor refunds within 7 days: the system forces the refund
    assert _sweep(days=8, capture=django_capture_on_commit_callbacks).fired == 1
    case = consumer.get(f"/cases/{number}").json()
    assert case["status"] == "refunded"
    assert case["taobao_status"] == "SUCCESS"
    refunds = consumer.get("/refunds", {"case": number}).json()
    assert [(r["amount"], r["status"]) for r in refunds] == [("71.00", "succeeded")]
    assert sum(e.amount for e in LedgerEntry.objects.all()) == Refund.objects.get().amount
    # every automatic action fired exactly once, and says why
    automatic = Counter(
        e.action for e in CaseEvent.objects.filter(case__number=number, actor="system")
    )
    assert automatic == {"approve": 1, "mark_delivered": 1, "confirm_receipt": 1, "refund": 1}
    fired = Counter(Deadline.objects.filter(state="fired").values_list("kind", flat=True))
    assert fired == {"merchant_review": 1, "receipt_confirmation": 1, "refund": 1}
    assert _sweep(days=30, capture=django_capture_on_commit_callbacks).claimed == 0


def test_exchange_end_to_end(world, django_capture_on_commit_callbacks):
    consumer, merchant, order = world["consumer"], world["merchant"], world["order"]
    opened = consumer.post(
        "/cases",
        {"order": order["external_id"], "line": "L1", "type": "exchange", "reason": "size_fit"},
    )
    assert opened.status_code == 201, opened.content
    number = opened.json()["number"]
    assert opened.json()["refund_amount"] == "0.00"
    # the merchant approves and later confirms receipt with an inspection note
    assert merchant.post(f"/cases/{number}/actions/approve", {}).json()["status"] == (
        "awaiting_return_shipment"
    )
    consumer.post(
        f"/cases/{number}/actions/ship_return", {"carrier": "YTO", "tracking_number": "YT1"}
    )
    received = merchant.post(
        f"/cases/{number}/actions/confirm_receipt", {"inspection": "ok", "note": "吊牌完好"}
    )
    assert received.json()["status"] == "received"
    assert received.json()["inspection"]["note"] == "吊牌完好"
    shipped = merchant.post(
        f"/cases/{number}/actions/ship_replacement",
        {"carrier": "SF", "tracking_number": "SF-NEW-1"},
    )
    assert shipped.json()["status"] == "replacement_shipped"
    assert shipped.json()["replacement_tracking_number"] == "SF-NEW-1"
    # the consumer never confirms: after 10 days the system completes it, once
    assert _sweep(days=9, capture=django_capture_on_commit_callbacks).fired == 0
    assert _sweep(days=2, capture=django_capture_on_commit_callbacks).fired == 1
    case = consumer.get(f"/cases/{number}").json()
    assert case["status"] == "completed"
    assert case["events"][-1]["actor"] == "system"
    assert Refund.objects.count() == 0
    assert _sweep(days=30, capture=django_capture_on_commit_callbacks).claimed == 0


def test_a_rejected_request_is_revised_and_approved(world):
    consumer, merchant, order = world["consumer"], world["merchant"], world["order"]
    number = consumer.post(
        "/cases",
        {
            "order": order["id"],
            "line": "L1",
            "type": "return_refund",
            "reason": "no_reason/changed_mind",
            "quantity": 2,
        },
    ).json()["number"]
    rejected = merchant.post(f"/cases/{number}/actions/reject", {"reason": "吊牌已剪"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["deadlines"][0]["kind"] == "rejection"
    revised = consumer.post(
        f"/cases/{number}/actions/revise", {"quantity": 1, "description": "只退一件，吊牌完好"}
    )
    assert revised.status_code == 200, revised.content
    assert revised.json()["status"] == "merchant_review"
    assert revised.json()["quantity"] == 1
    assert merchant.post(f"/cases/{number}/actions/approve", {}).json()["status"] == (
        "awaiting_return_shipment"
    )


def test_no_return_label_before_the_return_is_approved(world):
    consumer, merchant, order = world["consumer"], world["merchant"], world["order"]
    number = consumer.post(
        "/cases",
        {
            "order": order["id"],
            "line": "L1",
            "type": "return_refund",
            "reason": "no_reason/changed_mind",
        },
    ).json()["number"]
    early = consumer.client.get(f"/api/v1/cases/{number}/label.pdf")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "case.no_label"
    merchant.post(f"/cases/{number}/actions/approve", {})
    assert consumer.client.get(f"/api/v1/cases/{number}/label.pdf").status_code == 200


def test_an_action_on_a_stale_view_is_refused(world):
    consumer, merchant, order = world["consumer"], world["merchant"], world["order"]
    case = consumer.post(
        "/cases",
        {
            "order": order["id"],
            "line": "L1",
            "type": "return_refund",
            "reason": "no_reason/changed_mind",
        },
    ).json()
    # the merchant approves while the consumer still looks at version 0
    merchant.post(f"/cases/{case['number']}/actions/approve", {})
    stale = consumer.post(f"/cases/{case['number']}/actions/withdraw", {"version": case["version"]})
    assert stale.status_code == 409
    assert consumer.get(f"/cases/{case['number']}").json()["status"] == "awaiting_return_shipment"
