"""Writes on notifications: what a case change tells whom, webhook endpoints, redeliveries.

``case_transition_notify`` and ``case_opened_notify`` run *inside* the case's transaction: the
in-app notifications and the outbox rows (e-mails, webhooks) commit with the change or not at all.
Sending happens after the commit (``delivery.outbox_deliver``), never inside the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.models import Case
from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.audit import audit_record
from anxin.core.dispatch import on_commit
from anxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from anxin.core.workflow import StepContext

from .choices import Channel, OutboxStatus
from .delivery import UnsafeUrl, outbox_deliver_after_commit, webhook_url_check
from .models import Notification, OutboxMessage, WebhookEndpoint
from .permissions import can_manage_webhooks
from .texts import CASE_EVENTS, CASE_MESSAGES, REASON_LINE, REASON_SHOWN, STATUS_LINE, Party

MAX_ENDPOINTS_PER_MERCHANT = 10


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _render(*, action: str, case: Case, to_state: str, reason: str) -> tuple[str, str]:
    """Title and body in the active language."""
    _parties, title, body = CASE_MESSAGES[action]
    params = {
        "number": case.number,
        "status": _label(CaseStatus, to_state),
        "type": _label(CaseType, case.type),
        "amount": f"{case.refund_amount:.2f}",
        "currency": case.currency,
    }
    lines = [str(body) % params, str(STATUS_LINE) % params]
    if reason and action in REASON_SHOWN:
        lines.append(str(REASON_LINE) % {"reason": reason})
    return (str(title) % params)[:200], "\n".join(lines)


def _recipients(
    *, case: Case, parties: frozenset[Party], exclude_user_id: int | None
) -> list[User]:
    """Active users concerned: the consumer behind the case's customer record, the merchant's
    members — never the person who acted."""
    who = Q()
    if Party.CONSUMER in parties:
        who |= Q(customer_records=case.customer_id)
    if Party.MERCHANT in parties:
        who |= Q(memberships__merchant_id=case.merchant_id)
    if not who:
        return []
    users = User.objects.filter(who, is_active=True)
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return list(users.distinct().only("pk", "email", "language").order_by("pk"))


def _webhook_payload(
    *, event: str, case: Case, from_state: str, to_state: str, at: datetime, merchant_code: str
) -> dict[str, Any]:
    """What integrators receive: facts about the case, no personal data."""
    return {
        "event": event,
        "case_number": case.number,
        "case_id": str(case.public_id),
        "case_type": case.type,
        "from_status": from_state,
        "to_status": to_state,
        "occurred_at": at.isoformat(),
        "merchant": merchant_code,
        "refund_amount": f"{case.refund_amount:.2f}",
        "currency": case.currency,
    }


def _case_notify(
    *,
    case: Case,
    action: str,
    from_state: str,
    to_state: str,
    at: datetime,
    reason: str = "",
    actor: Actor | None = None,
) -> None:
    event = f"case.{action}"
    notifications: list[Notification] = []
    messages: list[OutboxMessage] = []
    if action in CASE_MESSAGES:
        parties = CASE_MESSAGES[action][0]
        exclude = actor.user_id if actor is not None else None
        for user in _recipients(case=case, parties=parties, exclude_user_id=exclude):
            with translation.override(user.language or settings.LANGUAGE_CODE):
                title, body = _render(action=action, case=case, to_state=to_state, reason=reason)
            notifications.append(
                Notification(
                    recipient=user,
                    merchant_id=case.merchant_id,
                    case_number=case.number,
                    case_public_id=case.public_id,
                    kind=action,
                    title=title,
                    body=body,
                    created_at=at,
                )
            )
            if user.email:
                messages.append(
                    OutboxMessage(
                        channel=Channel.EMAIL,
                        merchant_id=case.merchant_id,
                        recipient_email=user.email,
                        event=event,
                        payload={"subject": title, "body": body, "case_number": case.number},
                        next_attempt_at=at,
                        created_at=at,
                    )
                )
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(merchant_id=case.merchant_id, active=True)
        if e.wants(event)
    ]
    if endpoints:
        code = Merchant.objects.values_list("code", flat=True).get(pk=case.merchant_id)
        payload = _webhook_payload(
            event=event,
            case=case,
            from_state=from_state,
            to_state=to_state,
            at=at,
            merchant_code=code,
        )
        messages.extend(
            OutboxMessage(
                channel=Channel.WEBHOOK,
                merchant_id=case.merchant_id,
                endpoint=endpoint,
                event=event,
                payload=payload,
                next_attempt_at=at,
                created_at=at,
            )
            for endpoint in endpoints
        )
    Notification.objects.bulk_create(notifications)
    created = OutboxMessage.objects.bulk_create(messages)
    ids = [m.pk for m in created if m.pk is not None]
    if ids:
        on_commit(outbox_deliver_after_commit, ids)


def case_transition_notify(*, step: StepContext) -> None:
    """Tell the parties concerned about a case transition — in-app, by e-mail and by webhook —
    in the transition's own transaction (call it from the case workflow's ``record`` hook)."""
    _case_notify(
        case=step.subject,
        action=step.transition.action,
        from_state=step.from_state,
        to_state=step.to_state,
        at=step.at,
        reason=step.reason,
        actor=step.actor,
    )


def case_opened_notify(*, case: Case) -> None:
    """Tell the merchant about a new request (event ``case.open``), in ``case_open``'s transaction."""
    _case_notify(case=case, action="open", from_state="", to_state=case.status, at=case.created_at)


# --- the inbox -----------------------------------------------------------------------------------


def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (again: no change)."""
    if notification.recipient_id != actor.user_id:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read, in one statement; how many changed."""
    if actor.user_id is None:
        return 0
    now = clock.now()
    return Notification.objects.filter(recipient_id=actor.user_id, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )


# --- webhook endpoints ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once, at creation


def _clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(CASE_EVENTS))
    if unknown:
        raise ValidationFailed(
            fields={"events": _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    return sorted(set(events))


@transaction.atomic
def webhook_endpoint_create(
    *, actor: Actor, merchant: Merchant, url: str, events: list[str] | None = None
) -> IssuedEndpoint:
    """Register a merchant's endpoint with a new random signing secret (returned once).

    Merchant administrators and merchant-scoped tokens for their own merchant; platform admins.
    """
    if not actor.can_see_merchant(merchant.pk):
        raise NotFound()
    if not can_manage_webhooks(actor, merchant.pk):
        raise Forbidden()
    try:
        webhook_url_check(url)
    except UnsafeUrl as exc:
        raise ValidationFailed(
            fields={"url": _("This URL cannot receive webhooks: %(why)s.") % {"why": exc}}
        ) from exc
    names = _clean_events(events or [])
    Merchant.objects.select_for_update(no_key=True).filter(pk=merchant.pk).exists()
    if WebhookEndpoint.objects.filter(merchant=merchant).count() >= MAX_ENDPOINTS_PER_MERCHANT:
        raise ValidationFailed(
            _("A merchant can have at most %(n)s webhook endpoints.")
            % {"n": MAX_ENDPOINTS_PER_MERCHANT},
            code="webhooks.quota",
        )
    endpoint = WebhookEndpoint.objects.create(merchant=merchant, url=url, events=names)
    audit_record(
        actor=actor,
        action="notifications.webhook_endpoint.create",
        merchant_id=merchant.pk,
        subject_type="notifications.webhookendpoint",
        subject_id=endpoint.pk,
        data={"url": url, "events": names},
    )
    return IssuedEndpoint(endpoint=endpoint, secret=endpoint.secret)


def webhook_redeliver(*, actor: Actor, delivery: OutboxMessage) -> OutboxMessage:
    """Send a finished webhook delivery again, as a new delivery (new id) of the same payload."""
    if delivery.channel != Channel.WEBHOOK or delivery.merchant_id is None:
        raise NotFound()
    if not actor.can_see_merchant(delivery.merchant_id):
        raise NotFound()
    if not can_manage_webhooks(actor, delivery.merchant_id):
        raise Forbidden()
    if delivery.status == OutboxStatus.PENDING:
        raise Conflict(_("This delivery is still being attempted."), code="webhooks.pending")
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.active:
        raise Conflict(
            _("The endpoint of this delivery was removed or deactivated."),
            code="webhooks.endpoint_inactive",
        )
    with transaction.atomic():
        now = clock.now()
        again = OutboxMessage.objects.create(
            channel=Channel.WEBHOOK,
            merchant_id=delivery.merchant_id,
            endpoint=endpoint,
            event=delivery.event,
            payload=delivery.payload,
            next_attempt_at=now,
            created_at=now,
            redelivery_of=delivery,
        )
        audit_record(
            actor=actor,
            action="notifications.webhook.redeliver",
            merchant_id=delivery.merchant_id,
            subject_type="notifications.outboxmessage",
            subject_id=again.pk,
            data={"of": str(delivery.public_id), "event": delivery.event},
        )
        on_commit(outbox_deliver_after_commit, [again.pk])
    return again
