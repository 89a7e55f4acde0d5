"""API tokens (shown once, usable as a bearer token, revocable) and webhooks (endpoint secret
shown once, delivery log, redelivery re-queues)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from anxin.accounts.models import ApiToken
from anxin.core.models import AuditEntry
from anxin.notifications.choices import Channel, OutboxStatus
from anxin.notifications.models import OutboxMessage, WebhookEndpoint
from anxin.notifications.services import webhook_endpoint_create

from .test_manage_rules import field_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def issued_token(body: str) -> str:
    found = re.search(r'id="issued-token" class="secret" value="([^"]+)"', body)
    assert found, "the new token is not on the page"
    return found.group(1)


def api(token: str, path: str = "/api/v1/orders") -> int:
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}").status_code


# --- tokens -----------------------------------------------------------------------------------


def test_token_is_shown_once_and_works_until_revoked(world, as_user):
    client = as_user(world.admin)
    response = client.post("/manage/tokens/", {"name": "ERP", "merchant": world.shop.code})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    raw = issued_token(response.content.decode())
    token = ApiToken.objects.get(name="ERP")
    assert token.merchant_id == world.shop.pk and token.created_by_id == world.admin.pk
    assert raw not in token.key_hash
    # Shown once: the list does not show it again.
    listing = client.get("/manage/tokens/").content.decode()
    assert raw not in listing and token.prefix in listing
    # It works against the API as a bearer token, and only until it is revoked.
    assert api(raw) == 200
    response = client.post(f"/manage/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api(raw) == 401
    assert "revoked" in client.get("/manage/tokens/").content.decode()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"accounts.api_token.create", "accounts.api_token.revoke"} <= actions


def test_platform_token(world, as_user):
    response = as_user(world.admin).post("/manage/tokens/", {"name": "Data warehouse"})
    assert response.status_code == 201
    assert ApiToken.objects.get(name="Data warehouse").merchant_id is None
    assert api(issued_token(response.content.decode())) == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ERP", "merchant": "zz"}, "merchant"),
    ],
)
def test_bad_token_input(world, as_user, data, field):
    response = as_user(world.admin).post("/manage/tokens/", data)
    assert response.status_code == 422
    assert field_error(response.content.decode(), field)
    assert 'id="issued-token"' not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_needs_post(world, as_user):
    token = ApiToken.objects.create(name="t", prefix="abcd1234", key_hash="0" * 64)
    assert as_user(world.admin).get(f"/manage/tokens/{token.pk}/revoke/").status_code == 405


# --- webhooks ---------------------------------------------------------------------------------


@pytest.fixture
def endpoint(world, settings):
    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = True
    return webhook_endpoint_create(
        actor=world.actor(world.admin), merchant=world.shop, url="https://erp.example.com/hook"
    ).endpoint


def delivery(endpoint, status=OutboxStatus.DEAD, **kw):
    return OutboxMessage.objects.create(
        channel=Channel.WEBHOOK,
        merchant_id=endpoint.merchant_id,
        endpoint=endpoint,
        event="case.approve",
        payload={"event": "case.approve"},
        status=status,
        attempts=8,
        last_error="connection refused",
        **kw,
    )


def test_add_an_endpoint_shows_its_secret_once(world, as_user, settings):
    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = True
    client = as_user(world.admin)
    response = client.post(
        "/manage/webhooks/",
        {"merchant": "m1", "url": "https://erp.example.com/anxin", "events": ["case.approve"]},
    )
    assert response.status_code == 201
    endpoint = WebhookEndpoint.objects.get(url="https://erp.example.com/anxin")
    assert endpoint.events == ["case.approve"]
    body = response.content.decode()
    assert f'value="{endpoint.secret}"' in body
    assert endpoint.secret not in client.get("/manage/webhooks/").content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"merchant": "", "url": "https://a.example.com/"}, "merchant"),
        ({"merchant": "m1", "url": "ftp://a.example.com/"}, "url"),
        ({"merchant": "m1", "url": ""}, "url"),
        ({"merchant": "m1", "url": "https://a.example.com/", "events": ["case.nope"]}, "events"),
    ],
)
def test_bad_endpoint_input(world, as_user, settings, data, field):
    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = True
    response = as_user(world.admin).post("/manage/webhooks/", data)
    assert response.status_code == 422
    assert field_error(response.content.decode(), field)
    assert not WebhookEndpoint.objects.exists()


def test_delivery_log_and_redelivery(world, as_user, endpoint):
    dead = delivery(endpoint)
    client = as_user(world.admin)
    body = client.get("/manage/webhooks/").content.decode()
    assert (
        "connection refused" in body
        and f"/manage/webhooks/deliveries/{dead.public_id}/redeliver/" in body
    )
    response = client.post(f"/manage/webhooks/deliveries/{dead.public_id}/redeliver/")
    assert response.status_code == 302
    again = OutboxMessage.objects.get(redelivery_of=dead)
    assert (again.status, again.attempts, again.endpoint_id) == (
        OutboxStatus.PENDING,
        0,
        endpoint.pk,
    )
    assert again.payload == dead.payload
    assert AuditEntry.objects.filter(action="notifications.webhook.redeliver").exists()
    # Filters: by status and by endpoint.
    body = client.get("/manage/webhooks/?status=pending").content.decode()
    assert f"/deliveries/{dead.public_id}/redeliver/" not in body
    body = client.get(
        f"/manage/webhooks/?endpoint={endpoint.public_id}&status=dead"
    ).content.decode()
    assert f"/deliveries/{dead.public_id}/redeliver/" in body


def test_pending_delivery_cannot_be_redelivered(world, as_user, endpoint):
    pending = delivery(endpoint, status=OutboxStatus.PENDING)
    body = as_user(world.admin).get("/manage/webhooks/").content.decode()
    assert f"/deliveries/{pending.public_id}/redeliver/" not in body
    response = as_user(world.admin).post(
        f"/manage/webhooks/deliveries/{pending.public_id}/redeliver/"
    )
    assert response.status_code == 409
    assert OutboxMessage.objects.count() == 1


def test_unknown_delivery_and_bad_cursor(world, as_user):
    client = as_user(world.admin)
    assert (
        client.post(
            "/manage/webhooks/deliveries/00000000-0000-0000-0000-000000000000/redeliver/"
        ).status_code
        == 404
    )
    assert client.get("/manage/webhooks/?cursor=%%%garbage").status_code == 400
