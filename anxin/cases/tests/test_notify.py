"""A case change tells the parties concerned — in their own language, by e-mail and by webhook —
in the change's own transaction, and nothing is told about a change that rolled back. (Moved from
the notifications app, which no longer knows about cases.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.choices import CaseStatus
from anxin.cases.notify import (
    CASE_EVENTS,
    CASE_MESSAGES,
    MESSAGE_TEXTS,
    case_transition_notify,
)
from anxin.cases.services import case_act
from anxin.cases.tests.helpers import delivered_order, open_case, warehouse
from anxin.cases.workflow import CASE_WORKFLOW
from anxin.catalog.models import Customer
from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.notifications.choices import Channel, OutboxStatus
from anxin.notifications.delivery import outbox_deliver_until_idle
from anxin.notifications.events import webhook_events
from anxin.notifications.models import Notification, OutboxMessage, WebhookEndpoint
from anxin.notifications.tests.receiver import Receiver, receiver_serving

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_receivers_allowed(settings: Any) -> None:
    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_serving() as rec:
        yield rec


@dataclass
class Shop:
    merchant: Any
    order: Any
    consumer: User
    clerk_en: User
    clerk_zh: User
    other_shop_clerk: User


def person(username: str, role: Role, merchants: list[Any], *, language: str, email: str) -> User:
    user = f.user(username, role, merchants)
    User.objects.filter(pk=user.pk).update(language=language, email=email)
    user.refresh_from_db()
    return user


@pytest.fixture
def shop(db: Any) -> Shop:
    """Shop m1 with a delivered order of a consumer (English, with e-mail) and two members (an
    English one with e-mail, a Chinese one without); shop m2 with a member of its own."""
    m1, m2 = f.merchant("m1"), f.merchant("m2")
    warehouse(m1)
    order = delivered_order(m1)
    consumer = person("buyer", Role.CONSUMER, [], language="en", email="buyer@example.com")
    Customer.objects.filter(pk=order.customer_id).update(user=consumer)
    clerk_en = person("clerk-en", Role.MERCHANT_ADMIN, [m1], language="en", email="en@m1.test")
    clerk_zh = person("clerk-zh", Role.MERCHANT_STAFF, [m1], language="zh-hans", email="")
    other = person("clerk-m2", Role.MERCHANT_ADMIN, [m2], language="en", email="m2@m2.test")
    return Shop(m1, order, consumer, clerk_en, clerk_zh, other)


def _zh(label):
    with translation.override("zh-hans"):
        return str(label)


def _inbox(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def _emails():
    return list(OutboxMessage.objects.filter(channel=Channel.EMAIL).order_by("pk"))


def _approve(shop, case):
    return case_act(actor=actor_for_user(shop.clerk_en), case=case, action="approve")


def test_opening_tells_the_merchant_members_each_in_their_own_language(shop):
    # when the consumer opens a request
    case = open_case(shop.order)
    # then both members of m1 are told, the consumer and m2's member are not
    (en,) = _inbox(shop.clerk_en)
    (zh,) = _inbox(shop.clerk_zh)
    assert _inbox(shop.consumer) == [] and _inbox(shop.other_shop_clerk) == []
    assert (en.kind, en.subject_type, en.subject_number, en.subject_public_id) == (
        "open",
        "cases.case",
        case.number,
        case.public_id,
    )
    assert en.title == f"New after-sales request {case.number}"
    assert "Status: Waiting for the merchant." in en.body
    # the Chinese member reads the status in Chinese (the texts were rendered in zh-hans)
    waiting_zh = _zh(CaseStatus.MERCHANT_REVIEW.label)
    assert waiting_zh != "Waiting for the merchant"
    assert waiting_zh in zh.body and case.number in zh.body
    # only the member with an address gets an e-mail, with the same text
    (mail,) = _emails()
    assert (mail.recipient_email, mail.event) == ("en@m1.test", "case.open")
    assert (mail.payload["subject"], mail.payload["body"]) == (en.title, en.body)


def test_approval_tells_the_consumer_not_the_merchant(shop):
    # given
    case = open_case(shop.order)
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()
    # when the merchant approves
    _approve(shop, case)
    # then the consumer (English) is told, by the inbox and by e-mail
    (note,) = Notification.objects.all()
    assert note.recipient == shop.consumer
    assert note.merchant_id == shop.merchant.pk
    assert note.title == f"Request {case.number} approved"
    assert note.body.splitlines() == [
        f"Your after-sales request {case.number} was approved.",
        "Status: Waiting for the return parcel.",
    ]
    (mail,) = _emails()
    assert (mail.recipient_email, mail.status) == ("buyer@example.com", OutboxStatus.PENDING)


def test_a_refund_tells_consumer_and_merchant_but_not_the_person_who_issued_it(shop):
    # given a return received by the merchant
    case = open_case(shop.order)
    _approve(shop, case)
    consumer = actor_for_user(shop.consumer)
    case_act(
        actor=consumer,
        case=case,
        action="ship_return",
        payload={"carrier": "SF", "tracking_number": "SF-R-1"},
    )
    case_act(actor=actor_for_user(shop.clerk_en), case=case, action="confirm_receipt")
    Notification.objects.all().delete()
    # when the English clerk issues the refund
    case_act(actor=actor_for_user(shop.clerk_en), case=case, action="refund")
    # then the consumer and the other member hear of it, the clerk who did it does not
    told = set(Notification.objects.filter(kind="refund").values_list("recipient", flat=True))
    assert told == {shop.consumer.pk, shop.clerk_zh.pk}
    note = Notification.objects.get(recipient=shop.consumer, kind="refund")
    case.refresh_from_db()
    assert f"A refund of {case.refund_amount:.2f} CNY was issued" in note.body


def test_a_rejection_shows_its_reason(shop):
    case = open_case(shop.order)
    case_act(
        actor=actor_for_user(shop.clerk_en),
        case=case,
        action="reject",
        payload={"reason": "worn and washed"},
    )
    note = Notification.objects.get(recipient=shop.consumer)
    assert note.title == f"Request {case.number} rejected"
    assert note.body.endswith("Reason: worn and washed")


def test_webhooks_are_written_for_active_subscribed_endpoints_of_the_merchant_only(shop):
    # given endpoints: m1 all events, m1 approvals, m1 openings, m1 inactive, m2 all events
    everything = WebhookEndpoint.objects.create(merchant=shop.merchant, url="http://a.test/")
    approvals = WebhookEndpoint.objects.create(
        merchant=shop.merchant, url="http://b.test/", events=["case.approve"]
    )
    WebhookEndpoint.objects.create(
        merchant=shop.merchant, url="http://c.test/", events=["case.open"]
    )
    WebhookEndpoint.objects.create(merchant=shop.merchant, url="http://d.test/", active=False)
    other = WebhookEndpoint.objects.create(
        merchant=shop.other_shop_clerk.memberships.get().merchant, url="http://e.test/"
    )
    case = open_case(shop.order)
    OutboxMessage.objects.all().delete()
    # when
    _approve(shop, case)
    # then one webhook per subscribed active endpoint of m1
    hooks = OutboxMessage.objects.filter(channel=Channel.WEBHOOK)
    assert {h.endpoint_id for h in hooks} == {everything.pk, approvals.pk}
    assert not hooks.filter(endpoint=other).exists()
    payload = hooks.first().payload
    case.refresh_from_db()
    assert payload == {
        "event": "case.approve",
        "case_number": case.number,
        "case_id": str(case.public_id),
        "case_type": "return_refund",
        "from_status": "merchant_review",
        "to_status": "awaiting_return_shipment",
        "occurred_at": payload["occurred_at"],
        "merchant": "m1",
        "refund_amount": f"{case.refund_amount:.2f}",
        "currency": "CNY",
    }
    assert payload["occurred_at"].startswith("2026-11-05")


def test_nothing_is_written_or_queued_when_the_transition_rolls_back(
    shop, django_capture_on_commit_callbacks
):
    # given
    WebhookEndpoint.objects.create(merchant=shop.merchant, url="http://a.test/")
    case = open_case(shop.order)
    notes, messages = Notification.objects.count(), OutboxMessage.objects.count()
    # when the transaction around the approval fails after it
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _approve(shop, case)
        assert Notification.objects.filter(kind="approve").exists()  # written inside …
        raise RuntimeError("boom")
    # then … and gone with it; no delivery was queued
    assert (Notification.objects.count(), OutboxMessage.objects.count()) == (notes, messages)
    assert callbacks == []
    case.refresh_from_db()
    assert case.status == CaseStatus.MERCHANT_REVIEW


def test_after_the_commit_the_deliverer_sends_the_new_messages_the_request_does_not(
    shop, receiver, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    receiver.endpoint(shop.merchant, events=["case.approve"])
    case = open_case(shop.order)
    OutboxMessage.objects.all().delete()
    # when the approval commits
    with django_capture_on_commit_callbacks(execute=True):
        _approve(shop, case)
    # then nothing was sent by the thread that approved …
    assert (receiver.requests, mailoutbox) == ([], [])
    # … the deliverer sends it: the webhook arrives signed and the consumer's e-mail goes out
    outbox_deliver_until_idle()
    (hit,) = receiver.requests
    assert hit.verified and hit.headers["X-Anxin-Event"] == "case.approve"
    assert json.loads(hit.body)["case_number"] == case.number
    assert [m.to for m in mailoutbox] == [["buyer@example.com"]]
    assert mailoutbox[0].subject == f"Request {case.number} approved"
    approve_rows = OutboxMessage.objects.filter(event="case.approve")
    assert set(approve_rows.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_the_hook_works_on_a_bare_step_context(shop, settings):
    """What the workflow engine passes to its ``record`` hook is all the hook needs."""
    from anxin.core.workflow import StepContext

    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = True
    case = open_case(shop.order)
    rule = CASE_WORKFLOW.find("approve", case.status)
    step = StepContext(
        case, rule, case.status, "awaiting_return_shipment", actor_for_user(shop.clerk_en),
        "", {}, case.created_at,
    )  # fmt: skip
    case_transition_notify(step=step)
    assert Notification.objects.filter(kind="approve", recipient=shop.consumer).count() == 1


def test_every_case_action_has_an_audience_and_texts_in_both_languages(shop):
    # the table covers the whole machine (plus the opening, which is no transition)
    assert set(CASE_MESSAGES) == {*CASE_WORKFLOW.actions, "open"}
    assert set(CASE_EVENTS) == {f"case.{a}" for a in CASE_MESSAGES} | {"case.message"}
    # … and merchants' endpoints may subscribe to every one of them
    assert set(CASE_EVENTS) <= set(webhook_events())
    params = {"number": "AS1", "status": "s", "type": "t", "amount": "1.00", "currency": "CNY"}
    for action, texts in CASE_MESSAGES.items():
        assert texts, action
        for title, body in texts.values():
            for lang in ("en", "zh-hans"):
                with translation.override(lang):
                    assert "AS1" in str(title) % params and "AS1" in str(body) % params
    # a message's texts: every pair of writer and reader that can happen
    for title, body in MESSAGE_TEXTS.values():
        assert "AS1" in str(title) % params
        assert "AS1" in str(body) % {"number": "AS1", "excerpt": "…"}
