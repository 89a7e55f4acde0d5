"""The administration pages and the merchant's policy settings, for screenshot and i18n checks."""

from __future__ import annotations

from typing import Any


def _policy_pk(world: Any) -> str:
    from anxin.policies.models import Policy

    return f"/manage/policies/{Policy.objects.get(scope='platform').pk}/"


def _reason_pk(world: Any) -> str:
    from anxin.policies.models import Reason

    return f"/manage/reasons/{Reason.objects.get(code='quality/defect').pk}/"


PAGES = [
    ("manage-home", "admin", lambda world: "/manage/"),
    ("manage-policies", "admin", lambda world: "/manage/policies/"),
    ("manage-policy-edit", "admin", _policy_pk),
    ("manage-policy-new", "admin", lambda world: "/manage/policies/new/?scope=merchant"),
    ("manage-calendar", "admin", lambda world: "/manage/calendar/?year=2026"),
    ("manage-reasons", "admin", lambda world: "/manage/reasons/"),
    ("manage-reason-edit", "admin", _reason_pk),
    ("manage-categories", "admin", lambda world: "/manage/categories/"),
    ("manage-merchants", "admin", lambda world: "/manage/merchants/"),
    ("manage-merchant", "admin", lambda world: f"/manage/merchants/{world.shop.code}/"),
    ("manage-deposit", "admin", lambda world: f"/manage/merchants/{world.shop.code}/deposit/"),
    ("manage-desk", "admin", lambda world: "/manage/desk/"),
    ("manage-users", "admin", lambda world: "/manage/users/"),
    ("manage-user-edit", "admin", lambda world: f"/manage/users/{world.merchant.pk}/"),
    ("manage-tokens", "admin", lambda world: "/manage/tokens/"),
    ("manage-webhooks", "admin", lambda world: "/manage/webhooks/"),
    ("merchant-policy", "merchant_admin", lambda world: "/shop/policy/"),
    ("manage-credit", "admin", lambda world: "/manage/credit/"),
    ("manage-credit-thresholds", "admin", lambda world: "/manage/credit/thresholds/"),
    ("manage-credit-sanctions", "admin", lambda world: "/manage/credit/sanctions/"),
]


def integrations(world: Any) -> None:
    """A token, an endpoint and a few deliveries, so the lists show rows."""
    from anxin.accounts.services import api_token_create
    from anxin.notifications.choices import Channel, OutboxStatus
    from anxin.notifications.models import OutboxMessage
    from anxin.notifications.services import webhook_endpoint_create

    admin = world.actor(world.admin)
    api_token_create(actor=admin, name="ERP", merchant_id=world.shop.pk, created_by=world.admin)
    endpoint = webhook_endpoint_create(
        actor=admin, merchant=world.shop, url="https://erp.example.com/anxin/webhooks"
    ).endpoint
    for status, error, code in (
        (OutboxStatus.SENT, "", 200),
        (OutboxStatus.DEAD, "HTTP 503 after 8 attempts", 503),
        (OutboxStatus.PENDING, "", None),
    ):
        OutboxMessage.objects.create(
            channel=Channel.WEBHOOK,
            merchant_id=world.shop.pk,
            endpoint=endpoint,
            event="case.approve",
            payload={"event": "case.approve"},
            status=status,
            attempts=8 if error else 1,
            last_error=error,
            response_status=code,
        )
