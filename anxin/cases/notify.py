"""Who hears about which case action, and what they read — in-app, by e-mail and by webhook.

Texts are English sources rendered in each recipient's language when the notification is written.
Placeholders: ``number``, ``status`` (the new status), ``type``, ``amount``, ``currency``. The rows
are written in the case's own transaction through the notifications funnel, so they commit with
the change or not at all; sending happens after the commit, never inside it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from anxin.accounts.models import User
from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.labels import choice_label
from anxin.core.workflow import StepContext
from anxin.notifications.outbox import Subject, notify, outbox_enqueue

from .choices import CaseStatus, CaseType, MessageAudience, MessageParty
from .models import Case, CaseMessage

SUBJECT_TYPE = "cases.case"


class Party(StrEnum):
    CONSUMER = "consumer"  # the user linked to the case's customer record
    MERCHANT = "merchant"  # every user with a membership of the case's merchant


C, M = Party.CONSUMER, Party.MERCHANT
Text = tuple[Promise, Promise]  # (title, body)


def _same(title: Promise, body: Promise, *parties: Party) -> dict[Party, Text]:
    """One text for every party told (a fact that reads the same to each)."""
    return dict.fromkeys(parties, (title, body))


# action → who is told, and the (title, body) each of them reads. Webhooks go out for every action
# regardless of this table.
CASE_MESSAGES: dict[str, dict[Party, Text]] = {
    "open": _same(
        _("New after-sales request %(number)s"),
        _("A consumer opened request %(number)s (%(type)s) for %(amount)s %(currency)s. Please review it."),
        M,
    ),
    "approve": _same(
        _("Request %(number)s approved"),
        _("Your after-sales request %(number)s was approved."),
        C,
    ),
    "reject": _same(
        _("Request %(number)s rejected"),
        _("Your after-sales request %(number)s was rejected. You can revise it or ask the platform to step in."),
        C,
    ),
    "revise": _same(
        _("Request %(number)s revised"),
        _("The consumer revised request %(number)s. Please review it again."),
        M,
    ),
    "escalate": _same(
        _("Dispute opened on request %(number)s"),
        _("The consumer disputes your answer to request %(number)s. Respond in the dispute before its deadline."),
        M,
    ),
    "withdraw": _same(
        _("Request %(number)s withdrawn"),
        _("The consumer withdrew request %(number)s."),
        M,
    ),
    "close": _same(
        _("Request %(number)s closed"),
        _("After-sales request %(number)s was closed."),
        C, M,
    ),
    "ship_return": _same(
        _("Return sent for %(number)s"),
        _("The consumer sent the return parcel for request %(number)s."),
        M,
    ),
    "mark_delivered": _same(
        _("Return delivered for %(number)s"),
        _("The return parcel for request %(number)s was delivered. Please confirm receipt."),
        M,
    ),
    "confirm_receipt": _same(
        _("Return received for %(number)s"),
        _("The merchant received your return parcel for request %(number)s."),
        C,
    ),
    "refund": _same(
        _("Refund issued for %(number)s"),
        _("A refund of %(amount)s %(currency)s was issued for request %(number)s."),
        C, M,
    ),
    "ship_replacement": _same(
        _("Replacement shipped for %(number)s"),
        _("The merchant shipped a replacement for request %(number)s."),
        C,
    ),
    "start_repair": _same(
        _("Repair started for %(number)s"),
        _("The merchant started repairing the item of request %(number)s."),
        C,
    ),
    "ship_repaired": _same(
        _("Repaired item shipped for %(number)s"),
        _("The merchant shipped the repaired item of request %(number)s back to you."),
        C,
    ),
    "confirm_done": _same(
        _("Request %(number)s completed"),
        _("The consumer confirmed that request %(number)s is done."),
        M,
    ),
    "settle_refund": {
        C: (
            _("Dispute settled: refund for %(number)s"),
            _("The dispute over your request %(number)s is settled: %(amount)s %(currency)s is being refunded to you."),
        ),
        M: (
            _("Dispute settled: refund for %(number)s"),
            _("The dispute over request %(number)s is settled: %(amount)s %(currency)s is being refunded to the consumer."),
        ),
    },
    "compensate": {
        C: (
            _("The platform compensated you for %(number)s"),
            _("The platform paid you compensation for request %(number)s; the request is finished."),
        ),
        M: (
            _("The platform compensated the consumer for %(number)s"),
            _("The platform paid the consumer compensation for request %(number)s. The dispute shows what is recovered from your deposit."),
        ),
    },
}  # fmt: skip

STATUS_LINE = _("Status: %(status)s.")
REASON_LINE = _("Reason: %(reason)s")

# Actions whose free-text reason the recipients should read (the others' reasons are internal).
REASON_SHOWN = frozenset({"reject", "close", "escalate", "withdraw"})

# The webhook events a merchant can subscribe to (declared to notifications in CasesConfig.ready).
MESSAGE_EVENT = "case.message"
CASE_EVENTS: tuple[str, ...] = (*(f"case.{action}" for action in CASE_MESSAGES), MESSAGE_EVENT)


def _render(*, text: Text, action: str, case: Case, to_state: str, reason: str) -> tuple[str, str]:
    """Title and body in the active language."""
    title, body = text
    params = {
        "number": case.number,
        "status": choice_label(CaseStatus, to_state),
        "type": choice_label(CaseType, case.type),
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


def _subject(case: Case) -> Subject:
    return Subject(type=SUBJECT_TYPE, number=case.number, public_id=case.public_id)


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
    exclude = actor.user_id if actor is not None else None
    # Parties who read the same text are told together.
    readers: dict[tuple[int, int], tuple[Text, set[Party]]] = {}
    for party, text in sorted(CASE_MESSAGES.get(action, {}).items()):
        readers.setdefault((id(text[0]), id(text[1])), (text, set()))[1].add(party)
    for text, parties in readers.values():
        notify(
            recipients=_recipients(case=case, parties=frozenset(parties), exclude_user_id=exclude),
            kind=action,
            render=partial(
                _render, text=text, action=action, case=case, to_state=to_state, reason=reason
            ),
            at=at,
            merchant_id=case.merchant_id,
            subject=_subject(case),
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


# --- messages (留言) -------------------------------------------------------------------------------

# (who wrote, who reads) → (title, body); placeholders ``number`` and ``excerpt``.
MESSAGE_TEXTS: dict[tuple[str, Party], Text] = {
    (MessageParty.MERCHANT, C): (
        _("The shop wrote to you about request %(number)s"),
        _("The shop left a message on your request %(number)s:\n%(excerpt)s"),
    ),
    (MessageParty.PLATFORM, C): (
        _("The platform wrote to you about request %(number)s"),
        _("Platform customer service left a message on your request %(number)s:\n%(excerpt)s"),
    ),
    (MessageParty.CONSUMER, M): (
        _("The consumer wrote about request %(number)s"),
        _("The consumer left a message on request %(number)s:\n%(excerpt)s"),
    ),
    (MessageParty.PLATFORM, M): (
        _("The platform wrote to you about request %(number)s"),
        _("Platform customer service left a message on request %(number)s:\n%(excerpt)s"),
    ),
}
EXCERPT = 200  # characters of the message quoted in the notification


def _message_render(*, text: Text, case: Case, message: CaseMessage) -> tuple[str, str]:
    title, body = text
    excerpt = message.body if len(message.body) <= EXCERPT else f"{message.body[:EXCERPT]}…"
    lines = [str(body) % {"number": case.number, "excerpt": excerpt}]
    photos = message.photos.count()
    if photos:
        lines.append(ngettext("With %(n)s photo.", "With %(n)s photos.", photos) % {"n": photos})
    return str(title) % {"number": case.number}, "\n".join(lines)


def message_readers(message: CaseMessage) -> frozenset[Party]:
    """The parties who read a message (the platform reads every one, on its console)."""
    return {
        MessageAudience.BOTH: frozenset({C, M}),
        MessageAudience.CONSUMER: frozenset({C}),
        MessageAudience.MERCHANT: frozenset({M}),
    }[MessageAudience(message.visible_to)]


def case_message_notify(*, case: Case, message: CaseMessage, actor: Actor) -> None:
    """Tell the other side(s) who read a new message — in-app, by e-mail, and the merchant's
    endpoints by webhook (facts only, the text is read through the API) — in its transaction."""
    at = message.created_at
    readers = message_readers(message)
    for party in sorted(r for r in readers if r != message.party):  # not the author's own side
        text = MESSAGE_TEXTS[(message.party, party)]
        notify(
            recipients=_recipients(
                case=case, parties=frozenset({party}), exclude_user_id=actor.user_id
            ),
            kind="message",
            render=partial(_message_render, text=text, case=case, message=message),
            at=at,
            merchant_id=case.merchant_id,
            subject=_subject(case),
            email_event=MESSAGE_EVENT,
            email_data={"case_number": case.number},
        )
    if M in readers:
        outbox_enqueue(
            event=MESSAGE_EVENT,
            at=at,
            merchant_id=case.merchant_id,
            webhook_payload=lambda: {
                "event": MESSAGE_EVENT,
                "case_number": case.number,
                "case_id": str(case.public_id),
                "message_id": str(message.public_id),
                "party": message.party,
                "occurred_at": at.isoformat(),
                "merchant": Merchant.objects.values_list("code", flat=True).get(
                    pk=case.merchant_id
                ),
            },
        )
