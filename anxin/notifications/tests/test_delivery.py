"""The outbox is delivered after the commit: signed webhooks to a real HTTP server, e-mails through
Django's backend, retries with backoff until dead, and each row claimed by one deliverer."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, connections

from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.notifications import delivery
from anxin.notifications.choices import Channel, OutboxStatus
from anxin.notifications.delivery import (
    MAX_ATTEMPTS,
    backoff,
    lease_for,
    outbox_claim,
    outbox_deliver,
    outbox_deliver_until_idle,
)
from anxin.notifications.models import OutboxMessage

# Deliverers claim outbox rows with leases and row locks (also runs on PostgreSQL).
pytestmark = pytest.mark.db


T0 = datetime(2026, 11, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def m1(db):
    clock.freeze(T0)
    return f.merchant("m1")


def hook(endpoint, event="case.approve", **fields):
    return OutboxMessage.objects.create(
        channel=Channel.WEBHOOK,
        merchant_id=endpoint.merchant_id,
        endpoint=endpoint,
        event=event,
        payload={"event": event, "case_number": "AS1", "note": "退货"},
        next_attempt_at=T0,
        **fields,
    )


def email(to="buyer@example.com", **fields):
    return OutboxMessage.objects.create(
        channel=Channel.EMAIL,
        recipient_email=to,
        event="case.approve",
        payload={"subject": "Request AS1 approved", "body": "Your request AS1 was approved."},
        next_attempt_at=T0,
        **fields,
    )


def reload(message):
    message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_a_webhook_arrives_signed_with_its_event_and_delivery_id(m1, receiver):
    # given
    message = hook(receiver.endpoint(m1))
    # when
    counts = outbox_deliver(now=T0)
    # then the receiver verified the signature over the exact body it got
    assert counts["sent"] == 1
    (hit,) = receiver.requests
    assert hit.verified and hit.status == 200
    assert hit.headers["X-Anxin-Event"] == "case.approve"
    assert hit.headers["X-Anxin-Delivery"] == str(message.public_id)
    assert hit.headers["X-Anxin-Timestamp"] == str(int(T0.timestamp()))
    assert hit.headers["X-Anxin-Signature"].startswith("sha256=")
    assert hit.headers["Content-Type"].startswith("application/json")
    assert json.loads(hit.body) == message.payload
    message = reload(message)
    assert (message.status, message.attempts, message.response_status) == ("sent", 1, 200)
    assert message.sent_at == T0 and message.claim == ""


@pytest.mark.django_db
def test_a_wrong_secret_is_rejected_by_the_receiver_and_retried(m1, receiver):
    endpoint = receiver.endpoint(m1)
    receiver.secrets["/hooks/a"] = "not-the-secret"
    message = hook(endpoint)
    outbox_deliver(now=T0)
    assert receiver.requests[0].verified is False
    assert reload(message).last_error == "HTTP 401"


@pytest.mark.django_db
def test_a_500_schedules_a_retry_with_backoff_then_the_next_attempt_succeeds(m1, receiver):
    # given a receiver that fails once
    receiver.statuses = [500]
    message = hook(receiver.endpoint(m1))
    # when
    first = outbox_deliver(now=T0)
    # then a retry is scheduled one minute later
    message = reload(message)
    assert first["retried"] == 1
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert (message.response_status, message.last_error) == (500, "HTTP 500")
    assert message.next_attempt_at == T0 + timedelta(minutes=1)
    # nothing is due before then
    assert outbox_deliver(now=T0 + timedelta(seconds=59))["claimed"] == 0
    # when it is due
    second = outbox_deliver(now=T0 + timedelta(minutes=1))
    # then it is sent, with the same delivery id both times (receivers deduplicate on it)
    message = reload(message)
    assert second["sent"] == 1
    assert (message.status, message.attempts, message.response_status) == ("sent", 2, 200)
    assert receiver.deliveries() == [str(message.public_id)] * 2


@pytest.mark.django_db
def test_after_eight_failed_attempts_a_message_is_dead(m1, receiver):
    # given a receiver that always fails
    receiver.statuses = [503] * 20
    message = hook(receiver.endpoint(m1))
    waits = []
    # when the deliverer tries every time it is due
    for _ in range(MAX_ATTEMPTS):
        due = reload(message).next_attempt_at
        outbox_deliver(now=due)
        after = reload(message)
        if after.status == OutboxStatus.PENDING:
            waits.append(after.next_attempt_at - due)
    # then it waited 1, 2, 4 … minutes (at most an hour) and gave up after the 8th attempt
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    message = reload(message)
    assert (message.status, message.attempts) == (OutboxStatus.DEAD, MAX_ATTEMPTS)
    assert outbox_deliver(now=T0 + timedelta(days=1))["claimed"] == 0
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_backoff_doubles_from_a_minute_and_is_capped_at_an_hour():
    assert [backoff(n) for n in range(1, 10)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)
    ]


@pytest.mark.django_db
def test_redirects_are_not_followed(m1, receiver):
    receiver.statuses = [302]
    message = hook(receiver.endpoint(m1))
    outbox_deliver(now=T0)
    assert len(receiver.requests) == 1
    assert reload(message).last_error == "HTTP 302"


@pytest.mark.django_db
def test_an_unreachable_receiver_is_retried(m1, receiver):
    endpoint = receiver.endpoint(m1)
    endpoint.url = "http://127.0.0.1:9/hooks/a"  # discard port: connection refused
    endpoint.save()
    message = hook(endpoint)
    assert outbox_deliver(now=T0)["retried"] == 1
    assert "ConnectError" in reload(message).last_error


@pytest.mark.django_db
def test_a_deactivated_endpoint_fails_at_once_without_a_call(m1, receiver):
    endpoint = receiver.endpoint(m1)
    message = hook(endpoint)
    endpoint.active = False
    endpoint.save()
    assert outbox_deliver(now=T0)["failed"] == 1
    assert receiver.requests == []
    assert reload(message).status == OutboxStatus.FAILED


@pytest.mark.django_db
def test_private_addresses_are_refused_unless_the_operator_allows_them(m1, receiver, settings):
    # given a production setting
    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = False
    message = hook(receiver.endpoint(m1))
    # when
    outbox_deliver(now=T0)
    # then the loopback receiver is never called
    assert receiver.requests == []
    message = reload(message)
    assert message.status == OutboxStatus.FAILED
    assert "non-public" in message.last_error


@pytest.mark.django_db
def test_an_email_goes_through_the_django_backend(db, mailoutbox):
    clock.freeze(T0)
    message = email()
    assert outbox_deliver(now=T0)["sent"] == 1
    (sent,) = mailoutbox
    assert (sent.to, sent.subject, sent.body) == (
        ["buyer@example.com"],
        "Request AS1 approved",
        "Your request AS1 was approved.",
    )
    assert reload(message).status == OutboxStatus.SENT


@pytest.mark.django_db
def test_a_failing_mail_server_is_retried(db, monkeypatch, mailoutbox):
    def refuse(**kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(delivery, "send_mail", refuse)
    message = email()
    assert outbox_deliver(now=T0)["retried"] == 1
    message = reload(message)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert "smtp down" in message.last_error


@pytest.mark.django_db
def test_a_claimed_row_is_invisible_to_a_second_deliverer_until_its_lease_runs_out(m1, receiver):
    # given deliverer A has claimed the row (and, say, is still sending it)
    message = hook(receiver.endpoint(m1))
    token_a, claimed = outbox_claim(batch_size=10, now=T0)
    assert claimed == [message.pk]
    # when deliverer B runs at the same time
    b = outbox_deliver(now=T0 + timedelta(seconds=5))
    # then B finds nothing to do: nothing is sent twice
    assert b["claimed"] == 0 and receiver.requests == []
    # when A crashed and its lease ran out, B takes the row over and sends it (at least once)
    later = T0 + lease_for(1) + timedelta(seconds=1)
    assert outbox_deliver(now=later)["sent"] == 1
    assert reload(message).status == OutboxStatus.SENT
    # and a late result of A can no longer change the recorded outcome
    late = delivery._record(message, token_a, delivery.Outcome(False, "HTTP 500", 500), T0)
    assert late == "lost"
    assert reload(message).status == OutboxStatus.SENT


@pytest.mark.django_db
def test_only_the_named_rows_are_delivered_right_after_a_commit(m1, receiver):
    endpoint = receiver.endpoint(m1)
    mine, backlog = hook(endpoint), hook(endpoint)
    counts = outbox_deliver(ids=[mine.pk], now=T0)
    assert counts["sent"] == 1
    assert (reload(mine).status, reload(backlog).status) == ("sent", "pending")


@pytest.mark.django_db
def test_the_command_delivers_everything_due(m1, receiver, mailoutbox, capsys):
    endpoint = receiver.endpoint(m1)
    for _ in range(3):
        hook(endpoint)
    email()
    call_command("deliver_outbox", "--batch-size", "2")
    assert len(receiver.requests) == 3 and len(mailoutbox) == 1
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()
    assert "sent=4" in capsys.readouterr().out


def _postgres_required():
    if connection.vendor != "postgresql":
        if os.environ.get("ANXIN_REQUIRE_POSTGRES"):
            pytest.fail("this test must run on PostgreSQL in CI")
        pytest.skip("row-lock races need PostgreSQL (CI runs them there)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_deliverers_send_each_row_exactly_once(receiver):
    _postgres_required()
    # given 300 due webhooks
    shop = f.merchant("race")
    endpoint = receiver.endpoint(shop)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            channel=Channel.WEBHOOK,
            merchant=shop,
            endpoint=endpoint,
            event="case.approve",
            payload={"n": n},
            next_attempt_at=clock.now() - timedelta(seconds=1),
        )
        for n in range(300)
    )
    results, errors = [], []
    start = threading.Barrier(2)

    def deliverer():
        try:
            start.wait()
            results.append(outbox_deliver_until_idle(batch_size=20))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    # when two deliverers race over them
    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # then every row was sent, each exactly once, and both deliverers did part of the work
    assert errors == []
    deliveries = receiver.deliveries()
    assert len(deliveries) == 300 and len(set(deliveries)) == 300
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 300
    assert sum(r["sent"] for r in results) == 300
    assert all(r["sent"] > 0 for r in results), results
