"""The notifications and webhooks API: each person sees only their own inbox; a merchant only its
own endpoints and deliveries (anything else is 404, the same as missing); only administrators
register endpoints, and the signing secret is shown once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from anxin.accounts.models import User
from anxin.catalog.models import Merchant
from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.core.models import AuditEntry
from anxin.notifications.choices import Channel, OutboxStatus
from anxin.notifications.delivery import outbox_deliver_until_idle
from anxin.notifications.models import Notification, OutboxMessage, WebhookEndpoint
from conftest import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.urls("anxin.notifications.tests.urls")]


@dataclass
class World:
    m1: Merchant
    m2: Merchant
    endpoint1: WebhookEndpoint
    endpoint2: WebhookEndpoint
    dead1: OutboxMessage
    dead2: OutboxMessage
    admin1: User
    staff1: User
    consumer: User
    clients: dict[str, ApiClient]


def _session(user: User) -> ApiClient:
    client = Client()
    client.force_login(user)
    return ApiClient(client=client)


def _delivery(endpoint: WebhookEndpoint, status: str = OutboxStatus.DEAD) -> OutboxMessage:
    return OutboxMessage.objects.create(
        channel=Channel.WEBHOOK,
        merchant_id=endpoint.merchant_id,
        endpoint=endpoint,
        event="case.approve",
        payload={"event": "case.approve", "case_number": f"AS-{endpoint.merchant_id}"},
        status=status,
        attempts=8,
        last_error="HTTP 500",
    )


@pytest.fixture
def w() -> World:
    m1, m2 = f.merchant("m1"), f.merchant("m2")
    e1 = WebhookEndpoint.objects.create(merchant=m1, url="https://m1.example.com/hook")
    e2 = WebhookEndpoint.objects.create(merchant=m2, url="https://m2.example.com/hook")
    admin1 = f.user("admin1", Role.MERCHANT_ADMIN, [m1])
    staff1 = f.user("staff1", Role.MERCHANT_STAFF, [m1])
    consumer = f.user("buyer", Role.CONSUMER)
    platform_admin = f.user("root", Role.ADMIN)
    clients = {
        "anonymous": ApiClient(),
        "token_m1": ApiClient(token=f.token_for(m1, "m1")),
        "token_m2": ApiClient(token=f.token_for(m2, "m2")),
        "token_platform": ApiClient(token=f.token_for(None, "platform")),
        "admin1": _session(admin1),
        "staff1": _session(staff1),
        "admin2": _session(f.user("admin2", Role.MERCHANT_ADMIN, [m2])),
        "consumer": _session(consumer),
        "platform_admin": _session(platform_admin),
    }
    return World(m1, m2, e1, e2, _delivery(e1), _delivery(e2), admin1, staff1, consumer, clients)


def _ids(response: Any) -> set[str]:
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    return {item["id"] for item in items}


# --- endpoints -----------------------------------------------------------------------------------

# who lists which endpoints: merchant people and tokens their own, platform everything
ENDPOINT_LIST = {
    "token_m1": {"endpoint1"},
    "admin1": {"endpoint1"},
    "staff1": {"endpoint1"},
    "token_m2": {"endpoint2"},
    "admin2": {"endpoint2"},
    "consumer": set(),
    "token_platform": {"endpoint1", "endpoint2"},
    "platform_admin": {"endpoint1", "endpoint2"},
}


@pytest.mark.parametrize("who", sorted(ENDPOINT_LIST))
def test_endpoint_list_is_scoped_to_the_callers_merchants(w, who):
    response = w.clients[who].get("/webhooks/endpoints")
    assert response.status_code == 200
    expected = {str(getattr(w, name).public_id) for name in ENDPOINT_LIST[who]}
    assert _ids(response) == expected
    assert all("secret" not in item for item in response.json())


def test_anonymous_callers_are_refused(w):
    for path in ("/webhooks/endpoints", "/webhooks/deliveries", "/notifications"):
        assert w.clients["anonymous"].get(path).status_code == 401


# who may register an endpoint for m1: (status, endpoint created?)
ENDPOINT_CREATE = {
    "token_m1": 201,
    "admin1": 201,
    "platform_admin": 201,
    "token_platform": 201,
    "staff1": 403,  # sees m1, may not manage it
    "token_m2": 404,  # m1 is out of scope: the same answer as a missing merchant
    "admin2": 404,
    "consumer": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("who", sorted(ENDPOINT_CREATE))
def test_registering_an_endpoint_for_m1(w, who):
    before = WebhookEndpoint.objects.count()
    body = {"merchant": "m1", "url": "https://hooks.example.com/anxin", "events": ["case.refund"]}
    response = w.clients[who].post("/webhooks/endpoints", body)
    assert response.status_code == ENDPOINT_CREATE[who], response.content
    if response.status_code != 201:
        assert WebhookEndpoint.objects.count() == before
        return
    created = response.json()
    endpoint = WebhookEndpoint.objects.get(public_id=created["id"])
    assert (endpoint.merchant, endpoint.events) == (w.m1, ["case.refund"])
    # the secret: 32 random bytes, shown in this response and never again
    assert created["secret"] == endpoint.secret and len(created["secret"]) >= 43
    listed = w.clients[who].get("/webhooks/endpoints").json()
    assert next(e for e in listed if e["id"] == created["id"]).keys() == {
        "id", "merchant", "url", "events", "active", "created_at"
    }  # fmt: skip
    assert AuditEntry.objects.filter(action="notifications.webhook_endpoint.create").exists()


def test_a_one_merchant_caller_need_not_name_its_merchant(w):
    response = w.clients["token_m1"].post(
        "/webhooks/endpoints", {"url": "https://hooks.example.com/x"}
    )
    assert response.status_code == 201
    assert response.json()["merchant"] == "m1" and response.json()["events"] == []
    assert (
        w.clients["platform_admin"]
        .post("/webhooks/endpoints", {"url": "https://hooks.example.com/x"})
        .status_code
        == 422
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://hooks.example.com/x"}, "url"),
        ({"url": "https://user:pw@hooks.example.com/x"}, "url"),
        ({"url": "http://127.0.0.1:8000/x"}, "url"),
        ({"url": "http://[::1]/x"}, "url"),
        ({"url": "https://hooks.example.com/x", "events": ["case.explode"]}, "events"),
    ],
)
def test_bad_endpoints_are_refused_with_the_field_at_fault(w, settings, body, field):
    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = False
    response = w.clients["token_m1"].post("/webhooks/endpoints", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert WebhookEndpoint.objects.count() == 2


# --- deliveries ----------------------------------------------------------------------------------

DELIVERY_LIST = {
    "token_m1": {"dead1"},
    "admin1": {"dead1"},
    "staff1": {"dead1"},
    "token_m2": {"dead2"},
    "admin2": {"dead2"},
    "consumer": set(),
    "platform_admin": {"dead1", "dead2"},
}


@pytest.mark.parametrize("who", sorted(DELIVERY_LIST))
def test_the_delivery_log_is_scoped_and_never_shows_emails(w, who):
    OutboxMessage.objects.create(
        channel=Channel.EMAIL, merchant=w.m1, recipient_email="x@example.com", event="case.open"
    )
    response = w.clients[who].get("/webhooks/deliveries")
    assert response.status_code == 200
    assert _ids(response) == {str(getattr(w, n).public_id) for n in DELIVERY_LIST[who]}


def test_another_merchants_endpoint_log_is_not_found(w):
    m2 = w.clients["token_m2"]
    assert (
        m2.get("/webhooks/deliveries", {"endpoint": str(w.endpoint1.public_id)}).status_code == 404
    )
    own = m2.get("/webhooks/deliveries", {"endpoint": str(w.endpoint2.public_id)})
    assert _ids(own) == {str(w.dead2.public_id)}
    item = own.json()["items"][0]
    assert (item["status"], item["attempts"], item["last_error"]) == ("dead", 8, "HTTP 500")
    assert item["endpoint"] == str(w.endpoint2.public_id) and item["next_attempt_at"] is None


# who may redeliver m1's dead delivery
REDELIVER = {
    "token_m1": 201,
    "admin1": 201,
    "platform_admin": 201,
    "staff1": 403,
    "token_m2": 404,
    "admin2": 404,
    "consumer": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("who", sorted(REDELIVER))
def test_redelivering_m1s_dead_delivery(w, who, django_capture_on_commit_callbacks):
    before = OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks() as callbacks:
        response = w.clients[who].post(f"/webhooks/deliveries/{w.dead1.public_id}/redeliver")
    assert response.status_code == REDELIVER[who], response.content
    if response.status_code != 201:
        assert OutboxMessage.objects.count() == before
        assert callbacks == []
        return
    again = OutboxMessage.objects.get(public_id=response.json()["id"])
    assert (again.status, again.attempts, again.redelivery_of) == ("pending", 0, w.dead1)
    assert (again.endpoint, again.payload) == (w.endpoint1, w.dead1.payload)
    assert response.json()["redelivery_of"] == str(w.dead1.public_id)
    # delivery (and the audit row's chaining) are queued for after the commit
    assert len(callbacks) == 2


def test_a_request_that_writes_a_delivery_does_not_send_it_the_deliverer_does(
    w, receiver, django_capture_on_commit_callbacks
):
    # given a dead delivery to a receiver that answers slowly with an error if called
    endpoint = receiver.endpoint(w.m1)
    dead = _delivery(endpoint)
    receiver.statuses.append(500)
    # when a redelivery is asked for and its transaction commits (the after-commit kick runs)
    with django_capture_on_commit_callbacks(execute=True):
        response = w.clients["admin1"].post(f"/webhooks/deliveries/{dead.public_id}/redeliver")
    # then the request wrote the row but called nobody
    assert response.status_code == 201, response.content
    again = OutboxMessage.objects.get(public_id=response.json()["id"])
    assert (again.status, receiver.requests) == (OutboxStatus.PENDING, [])
    # … and the deliverer sends it later, outside the request
    receiver.statuses.clear()
    assert outbox_deliver_until_idle()["sent"] == 1
    assert receiver.deliveries() == [str(again.public_id)]


def test_a_redelivery_is_idempotent_by_key_and_refused_while_pending(w):
    api = w.clients["token_m1"]
    path = f"/webhooks/deliveries/{w.dead1.public_id}/redeliver"
    first = api.post(path, **{"Idempotency-Key": "again-1"})
    second = api.post(path, **{"Idempotency-Key": "again-1"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert OutboxMessage.objects.filter(redelivery_of=w.dead1).count() == 1
    pending = first.json()["id"]
    refused = api.post(f"/webhooks/deliveries/{pending}/redeliver")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "webhooks.pending"


def test_the_delivery_log_costs_a_constant_number_of_queries(w, django_assert_max_num_queries):
    for _ in range(30):
        _delivery(w.endpoint1)
    with django_assert_max_num_queries(8):
        response = w.clients["token_m1"].get("/webhooks/deliveries", {"limit": 50})
    assert len(response.json()["items"]) == 31


# --- notifications -------------------------------------------------------------------------------


def _note(user: User, title: str, **fields: Any) -> Notification:
    fields = {"subject_type": "cases.case", "subject_number": "AS1", **fields}
    return Notification.objects.create(
        recipient=user, kind="approve", title=title, body=f"{title}.", **fields
    )


def test_a_notification_keeps_its_api_shape_naming_the_case_it_is_about(w):
    # given one notification about a case and one about a ticket
    case_id = uuid.uuid4()
    _note(w.consumer, "about a case", subject_public_id=case_id)
    _note(w.consumer, "about a ticket", subject_type="tickets.ticket", subject_number="TK1")
    # when
    items = w.clients["consumer"].get("/notifications").json()["items"]
    # then the case is named as before the subject became generic; a ticket names no case
    assert set(items[0]) == {
        "id", "kind", "title", "body", "case_number", "case_id", "created_at", "read_at",
    }  # fmt: skip
    by_title = {item["title"]: item for item in items}
    case_note, ticket_note = by_title["about a case"], by_title["about a ticket"]
    assert (case_note["case_number"], case_note["case_id"]) == ("AS1", str(case_id))
    assert (ticket_note["case_number"], ticket_note["case_id"]) == ("", None)


def test_each_person_sees_only_their_own_notifications_newest_first(w):
    # given
    old = _note(w.consumer, "old")
    new = _note(w.consumer, "new")
    _note(w.admin1, "someone else's")
    # when / then
    mine = w.clients["consumer"].get("/notifications").json()
    assert [n["title"] for n in mine["items"]] == ["new", "old"]
    assert mine["items"][0]["id"] == str(new.public_id) and old.read_at is None
    assert w.clients["token_m1"].get("/notifications").json()["items"] == []


def test_marking_read_and_the_unread_filter(w):
    # given
    first, second = _note(w.consumer, "first"), _note(w.consumer, "second")
    api = w.clients["consumer"]
    # when
    read = api.post(f"/notifications/{first.public_id}/read")
    # then
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = api.get("/notifications", {"unread": "true"}).json()["items"]
    assert [n["id"] for n in unread] == [str(second.public_id)]
    read_only = api.get("/notifications", {"unread": "false"}).json()["items"]
    assert [n["id"] for n in read_only] == [str(first.public_id)]
    # reading again changes nothing
    again = api.post(f"/notifications/{first.public_id}/read")
    assert again.json()["read_at"] == read.json()["read_at"]


def test_someone_elses_notification_is_not_found_and_stays_unread(w):
    theirs = _note(w.admin1, "theirs")
    for who in ("consumer", "staff1", "platform_admin", "token_m1"):
        response = w.clients[who].post(f"/notifications/{theirs.public_id}/read")
        assert response.status_code == 404, who
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_paginate_by_cursor(w):
    for n in range(5):
        _note(w.consumer, f"n{n}")
    api = w.clients["consumer"]
    page = api.get("/notifications", {"limit": 2}).json()
    seen = [n["title"] for n in page["items"]]
    while page["next_cursor"]:
        page = api.get("/notifications", {"limit": 2, "cursor": page["next_cursor"]}).json()
        seen += [n["title"] for n in page["items"]]
    assert seen == ["n4", "n3", "n2", "n1", "n0"]
