"""Who hears about which case action, and what they read — in-app, by e-mail and by webhook.

Texts are English sources rendered in each recipient's language when the notification is written.
Placeholders: ``number``, ``status`` (the new status), ``type``, ``amount``, ``currency``. The rows
are written in the case's own transaction through the notifications funnel, so they commit with
the change or not at all; sending happens after the commit, never inside it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.workflow import StepContext
from anxin.notifications.outbox import Subject, notify, outbox_enqueue

from .choices import CaseStatus, CaseType
from .models import Case

SUBJECT_TYPE = "cases.case"


class Party(StrEnum):
    CONSUMER = "consumer"  # the user linked to the case's customer record
    MERCHANT = "merchant"  # every user with a membership of the case's merchant


C, M = Party.CONSUMER, Party.MERCHANT

# action → (who is told, title, body). Webhooks go out for every action regardless of this table.
CASE_MESSAGES: dict[str, tuple[frozenset[Party], Promise, Promise]] = {
    "open": (
        frozenset({M}),
        _("New after-sales request %(number)s"),
        _("A consumer opened request %(number)s (%(type)s) for %(amount)s %(currency)s. Please review it."),
    ),
    "approve": (
        frozenset({C}),
        _("Request %(number)s approved"),
        _("Your after-sales request %(number)s was approved."),
    ),
    "reject": (
        frozenset({C}),
        _("Request %(number)s rejected"),
        _("Your after-sales request %(number)s was rejected. You can revise it or ask the platform to step in."),
    ),
    "revise": (
        frozenset({M}),
        _("Request %(number)s revised"),
        _("The consumer revised request %(number)s. Please review it again."),
    ),
    "escalate": (
        frozenset({M}),
        _("Request %(number)s escalated"),
        _("The consumer asked the platform to step in on request %(number)s."),
    ),
    "withdraw": (
        frozenset({M}),
        _("Request %(number)s withdrawn"),
        _("The consumer withdrew request %(number)s."),
    ),
    "close": (
        frozenset({C, M}),
        _("Request %(number)s closed"),
        _("After-sales request %(number)s was closed."),
    ),
    "ship_return": (
        frozenset({M}),
        _("Return sent for %(number)s"),
        _("The consumer sent the return parcel for request %(number)s."),
    ),
    "mark_delivered": (
        frozenset({M}),
        _("Return delivered for %(number)s"),
        _("The return parcel for request %(number)s was delivered. Please confirm receipt."),
    ),
    "confirm_receipt": (
        frozenset({C}),
        _("Return received for %(number)s"),
        _("The merchant received your return parcel for request %(number)s."),
    ),
    "refund": (
        frozenset({C, M}),
        _("Refund issued for %(number)s"),
        _("A refund of %(amount)s %(currency)s was issued for request %(number)s."),
    ),
    "ship_replacement": (
        frozenset({C}),
        _("Replacement shipped for %(number)s"),
        _("The merchant shipped a replacement for request %(number)s."),
    ),
    "start_repair": (
        frozenset({C}),
        _("Repair started for %(number)s"),
        _("The merchant started repairing the item of request %(number)s."),
    ),
    "ship_repaired": (
        frozenset({C}),
        _("Repaired item shipped for %(number)s"),
        _("The merchant shipped the repaired item of request %(number)s back to you."),
    ),
    "confirm_done": (
        frozenset({M}),
        _("Request %(number)s completed"),
        _("The consumer confirmed that request %(number)s is done."),
    ),
}  # fmt: skip

STATUS_LINE = _("Status: %(status)s.")
REASON_LINE = _("Reason: %(reason)s")

# Actions whose free-text reason the recipients should read (the others' reasons are internal).
REASON_SHOWN = frozenset({"reject", "close", "escalate", "withdraw"})

# The webhook events a merchant can subscribe to (declared to notifications in CasesConfig.ready).
CASE_EVENTS: tuple[str, ...] = tuple(f"case.{action}" for action in CASE_MESSAGES)


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
    return str(title) % params, "\n".join(lines)


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
    *, event: str, case: Case, from_state: str, to_state: str, at: datetime
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
        "merchant": Merchant.objects.values_list("code", flat=True).get(pk=case.merchant_id),
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
    if action in CASE_MESSAGES:
        parties = CASE_MESSAGES[action][0]
        exclude = actor.user_id if actor is not None else None
        notify(
            recipients=_recipients(case=case, parties=parties, exclude_user_id=exclude),
            kind=action,
            render=lambda: _render(action=action, case=case, to_state=to_state, reason=reason),
            at=at,
            merchant_id=case.merchant_id,
            subject=Subject(type=SUBJECT_TYPE, number=case.number, public_id=case.public_id),
            email_event=event,
            email_data={"case_number": case.number},
        )
    # Webhooks go out for every action, to the endpoints that subscribed to it.
    outbox_enqueue(
        event=event,
        at=at,
        merchant_id=case.merchant_id,
        webhook_payload=lambda: _webhook_payload(
            event=event, case=case, from_state=from_state, to_state=to_state, at=at
        ),
    )


def case_transition_notify(*, step: StepContext) -> None:
    """Tell the parties concerned about a case transition — in-app, by e-mail and by webhook —
    in the transition's own transaction (called when the transition is recorded)."""
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
