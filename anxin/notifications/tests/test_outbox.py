"""The funnel: ``notify`` and ``outbox_enqueue`` only write rows in the caller's transaction and
register one delivery kick per transaction; the kick hands the rows to a worker, never sends them
in the thread that wrote them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from anxin.core.dispatch import _Once
from anxin.core.embedded import EMBEDDED_JOBS
from anxin.notifications import events, tasks
from anxin.notifications.choices import Channel, OutboxStatus
from anxin.notifications.delivery import outbox_deliver_until_idle
from anxin.notifications.events import webhook_events, webhook_events_declare
from anxin.notifications.models import Notification, OutboxMessage, WebhookEndpoint
from anxin.notifications.outbox import Email, Subject, notify, outbox_enqueue
from anxin.notifications.tasks import outbox_deliver_soon

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TITLE = _("Request %(number)s approved")  # an existing text, translated in both languages


def _kicks(callbacks):
    return [c for c in callbacks if isinstance(c, _Once) and c.func is outbox_deliver_soon]


def _render():
    return str(TITLE) % {"number": "AS1"}, "body"


def test_notify_writes_one_row_per_recipient_in_their_language_and_mails_those_with_an_address(
    people,
):
    # when
    notes = notify(
        recipients=[people.clerk_en, people.clerk_zh],
        kind="approve",
        render=_render,
        at=AT,
        merchant_id=people.merchant.pk,
        subject=Subject(type="cases.case", number="AS1"),
        email_event="case.approve",
        email_data={"case_number": "AS1"},
    )
    # then each recipient reads the title in their language, about the subject
    en, zh = sorted(notes, key=lambda n: n.recipient_id != people.clerk_en.pk)
    assert en.title == "Request AS1 approved"
    with translation.override("zh-hans"):
        assert zh.title == str(TITLE) % {"number": "AS1"} != en.title
    stored = Notification.objects.get(pk=en.pk)
    assert (stored.subject_type, stored.subject_number, stored.merchant_id) == (
        "cases.case",
        "AS1",
        people.merchant.pk,
    )
    # only the member with an address gets the same text by e-mail
    (mail,) = OutboxMessage.objects.filter(channel=Channel.EMAIL)
    assert (mail.recipient_email, mail.event, mail.status) == (
        "en@m1.test",
        "case.approve",
        OutboxStatus.PENDING,
    )
    assert mail.payload == {"subject": en.title, "body": "body", "case_number": "AS1"}


def test_webhooks_go_to_the_merchants_active_subscribed_endpoints_and_are_built_only_then(people):
    # given endpoints: m1 all events, m1 approvals, m1 openings, m1 inactive, m2 all events
    every = WebhookEndpoint.objects.create(merchant=people.merchant, url="http://a.test/")
    approvals = WebhookEndpoint.objects.create(
        merchant=people.merchant, url="http://b.test/", events=["case.approve"]
    )
    WebhookEndpoint.objects.create(merchant=people.merchant, url="http://c.test/", events=["x"])
    WebhookEndpoint.objects.create(merchant=people.merchant, url="http://d.test/", active=False)
    WebhookEndpoint.objects.create(merchant=people.other_merchant, url="http://e.test/")
    built = []

    def payload():
        built.append(1)
        return {"event": "case.approve"}

    # when
    rows = outbox_enqueue(
        event="case.approve", at=AT, merchant_id=people.merchant.pk, webhook_payload=payload
    )
    # then one row per subscribed active endpoint of m1, the payload built once
    assert {r.endpoint_id for r in rows} == {every.pk, approvals.pk}
    assert built == [1] and all(r.payload == {"event": "case.approve"} for r in rows)
    # and an event nobody subscribed to writes nothing and builds nothing
    every.delete()
    assert outbox_enqueue(event="case.open", at=AT, merchant_id=people.merchant.pk,
                          webhook_payload=payload) == []  # fmt: skip
    assert built == [1]


def test_the_delivery_kick_is_registered_once_per_transaction_however_many_rows(
    people, django_capture_on_commit_callbacks
):
    # given
    WebhookEndpoint.objects.create(merchant=people.merchant, url="http://a.test/")
    # when a transaction writes many rows through both functions
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(5):
            outbox_enqueue(
                event="case.approve",
                at=AT,
                merchant_id=people.merchant.pk,
                emails=[Email(to=f"{n}@example.com", subject="s", body="b")],
                webhook_payload={"n": n},
            )
        notify(
            recipients=[people.consumer, people.clerk_en],
            kind="approve",
            render=_render,
            at=AT,
            email_event="case.approve",
        )
    # then
    assert OutboxMessage.objects.count() == 12
    assert len(_kicks(callbacks)) == 1


def test_a_savepoint_that_rolls_back_takes_its_kick_along_and_the_next_row_registers_another(
    people, django_capture_on_commit_callbacks
):
    mail = [Email(to="a@example.com", subject="s", body="b")]
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox_enqueue(event="e", at=AT, emails=mail)
            raise RuntimeError("boom")
        outbox_enqueue(event="e", at=AT, emails=mail)
        outbox_enqueue(event="e", at=AT, emails=mail)
    assert len(_kicks(callbacks)) == 1
    assert OutboxMessage.objects.count() == 2


def test_nothing_is_written_or_kicked_when_nothing_is_to_be_sent(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert outbox_enqueue(event="e", at=AT, merchant_id=people.merchant.pk) == []
        assert notify(recipients=[], kind="k", render=_render, at=AT) == []
        # in-app notifications alone have nothing to deliver
        notify(recipients=[people.clerk_zh], kind="k", render=_render, at=AT, email_event="e")
    assert callbacks == []


def test_with_a_broker_the_kick_queues_the_delivery_task_and_sends_nothing_itself(
    people, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given production: Celery with a real broker
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.outbox_deliver_task, "delay", lambda: queued.append(1))
    receiver.endpoint(people.merchant)
    # when a transaction writing a webhook commits
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(
            event="case.approve", at=AT, merchant_id=people.merchant.pk, webhook_payload={"a": 1}
        )
    # then the task was queued once and the receiver was not called from this thread
    assert (queued, receiver.requests) == ([1], [])


def test_in_the_embedded_shape_the_kick_leaves_delivery_to_the_background_loop(
    people, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given the embedded shape (eager Celery): running the task would send in this thread
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(tasks.outbox_deliver_task, "delay", lambda: pytest.fail("ran eagerly"))
    endpoint = receiver.endpoint(people.merchant)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(
            event="case.approve", at=AT, merchant_id=people.merchant.pk, webhook_payload={"a": 1}
        )
    # then nothing was sent here; the loop's job (registered at start-up) sends it
    assert receiver.requests == []
    assert outbox_deliver_until_idle in EMBEDDED_JOBS
    assert outbox_deliver_until_idle()["sent"] == 1
    assert [r.path for r in receiver.requests] == [endpoint.url.removeprefix(receiver.url)]


def test_webhook_events_are_declared_once_each_in_the_order_of_declaration(monkeypatch):
    monkeypatch.setattr(events, "_declared", {})
    webhook_events_declare(["test.b", "test.a"])
    webhook_events_declare(["test.a", "test.c"])
    assert webhook_events() == ("test.b", "test.a", "test.c")
