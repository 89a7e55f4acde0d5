"""How a case reads to a person: timeline entries, open deadlines and the actions they may take.

The case history stores what happened in a stable, language-neutral form (action codes, rule
codes such as ``P-2/P-3``); this module turns it into sentences in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anxin.cases.choices import CaseStatus, CaseType, RejectCondition
from anxin.cases.models import Case, CaseEvent
from anxin.cases.selectors import (
    AT_RISK,
    OVERDUE,
    case_actions_for,
    case_open_deadlines,
    deadline_urgency,
)
from anxin.core import clock
from anxin.core.actors import Actor, Role

ACTION_LABELS: dict[str, Any] = {
    "open": pgettext_lazy("case action", "Requested"),
    "approve": pgettext_lazy("case action", "Approve"),
    "reject": pgettext_lazy("case action", "Reject"),
    "revise": pgettext_lazy("case action", "Revise the request"),
    "escalate": pgettext_lazy("case action", "Ask the platform to step in"),
    "withdraw": pgettext_lazy("case action", "Withdraw"),
    "close": pgettext_lazy("case action", "Close"),
    "ship_return": pgettext_lazy("case action", "Send the return"),
    "mark_delivered": pgettext_lazy("case action", "Return delivered"),
    "confirm_receipt": pgettext_lazy("case action", "Confirm receipt"),
    "refund": pgettext_lazy("case action", "Refund"),
    "ship_replacement": pgettext_lazy("case action", "Ship the replacement"),
    "start_repair": pgettext_lazy("case action", "Start the repair"),
    "ship_repaired": pgettext_lazy("case action", "Ship the repaired item"),
    "confirm_done": pgettext_lazy("case action", "Confirm it is resolved"),
    "settle_refund": pgettext_lazy("case action", "Settle with a refund"),
    "compensate": pgettext_lazy("case action", "Compensated by the platform"),
}

ROLE_LABELS: dict[str, Any] = {
    Role.CONSUMER: _("Consumer"),
    Role.MERCHANT_STAFF: _("Merchant"),
    Role.MERCHANT_ADMIN: _("Merchant"),
    Role.AGENT: _("Platform agent"),
    Role.ARBITRATOR: _("Arbitrator"),
    Role.QUALITY_INSPECTOR: _("Quality inspector"),
    Role.ADMIN: _("Platform administrator"),
    Role.INTEGRATOR: _("Shop system"),
    Role.SYSTEM: _("System"),
}

DEADLINE_LABELS: dict[str, Any] = {
    "merchant_review": _("Merchant must respond"),
    "return_shipment": _("Return must be shipped"),
    "receipt_confirmation": _("Merchant must confirm receipt"),
    "refund": _("Refund must be issued"),
    "rejection": _("Revise or ask the platform to step in"),
    "completion": _("Confirm the item is fine"),
}


def deadline_label(kind: str | None) -> str:
    """The reader's words for a deadline kind (the kind itself when it has none)."""
    return str(DEADLINE_LABELS.get(kind or "", kind or ""))


# Automatic actions name their rule: "P-2/P-3: merchant did not respond in time (48 h)".
RULE_TEXT = re.compile(r"^(?P<code>P-[0-9/P-]+): .* \((?P<n>\d+) (?P<unit>[hd])\)$")
RULE_SENTENCES: dict[str, Any] = {
    "P-2/P-3": _("the merchant did not respond within %(n)s hours"),
    "P-4": _("the return was not shipped within %(n)s days"),
    "P-5": _("the merchant did not confirm receipt within %(n)s days"),
    "P-6": _("the refund was not issued within %(n)s hours"),
    "P-7": _("the rejection was neither revised nor escalated within %(n)s days"),
    "P-14": _("the consumer did not object within %(n)s days"),
}


# The eligibility rule a case was opened under (docs/domain.md), as stored in ``case.rule``.
ELIGIBILITY_RULES: dict[str, Any] = {
    "R-1 unshipped": _("not shipped yet: refund without return"),
    "R-2 in transit": _("in transit: refund when intercepted or refused"),
    "R-3 art. 10 no-reason": _("7-day no-reason return (art. 10 of the Measures)"),
    "R-4 CPL 24 quality": _("quality problem (Consumer Protection Law art. 24)"),
    "R-5 三包 exchange": _("three-guarantees exchange"),
    "R-6 三包 repair": _("three-guarantees repair"),
    "R-6 quality only": _("for quality problems only"),
}


def rule_label(code: str) -> str:
    """``R-3 · 7-day no-reason return …`` in the reader's language (the code alone if unknown)."""
    if not code:
        return ""
    text = ELIGIBILITY_RULES.get(code)
    return f"{code.split(' ', 1)[0]} · {text}" if text is not None else code


def rule_sentence(text: str) -> str:
    """An automatic action's rule in the reader's language (the stored text if unknown)."""
    match = RULE_TEXT.match(text or "")
    if match and match["code"] in RULE_SENTENCES:
        return f"{match['code']}: {RULE_SENTENCES[match['code']] % {'n': match['n']}}"
    return text


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    action: str
    label: str
    who: str
    role: str
    automatic: bool
    reason: str
    to_status: str
    details: tuple[tuple[str, str], ...]


DETAIL_FIELDS: dict[str, Any] = {
    "carrier": _("Carrier"),
    "tracking_number": _("Tracking number"),
    "inspection": _("Inspection"),
    "note": _("Note"),
    "amount": _("Amount"),
    "refund_amount": _("Refund amount"),
    "type": _("Request type"),
    "condition": _("Item condition"),
    "dispute": _("Dispute"),
}


INSPECTION_RESULTS: dict[str, Any] = {
    "ok": _("Item is as expected"),
    "issue": _("Item has an issue"),
}
MONEY_FIELDS = frozenset({"amount", "refund_amount"})


CHOICE_FIELDS: dict[str, dict[str, Any]] = {
    "inspection": INSPECTION_RESULTS,
    "condition": dict(RejectCondition.choices),
    "type": dict(CaseType.choices),
}


def _detail_value(key: str, value: Any, currency: str) -> str:
    if key in CHOICE_FIELDS:
        return str(CHOICE_FIELDS[key].get(str(value), value))
    if key in MONEY_FIELDS:
        from anxin.web.templatetags.anxin_web import money

        return money(value, currency)
    return str(value)


def _details(event: CaseEvent, currency: str) -> tuple[tuple[str, str], ...]:
    data = event.data or {}
    return tuple(
        (str(label), _detail_value(key, data[key], currency))
        for key, label in DETAIL_FIELDS.items()
        if data.get(key) and not (key in MONEY_FIELDS and Decimal(str(data[key])) == 0)
    )


def _who(event: CaseEvent, viewer: Actor, names: dict[str, str]) -> str:
    if event.is_automatic:
        return str(ROLE_LABELS[Role.SYSTEM])
    role_label = str(ROLE_LABELS.get(event.actor_role, event.actor_role))
    # Consumers see roles, not the names of the merchant's or platform's staff.
    if viewer.role is Role.CONSUMER:
        return role_label
    return f"{role_label} · {names.get(event.actor, event.actor)}"


def usernames_of(events: Iterable[Any]) -> dict[str, str]:
    """``user:<id>`` actor labels of history rows (case or ticket events) → usernames, in one
    query."""
    return usernames_of_labels(e.actor for e in events)


def usernames_of_labels(labels: Iterable[str]) -> dict[str, str]:
    """``user:<id>`` audit labels (of events, of message authors) → usernames, in one query."""
    ids = {int(label[5:]) for label in labels if label.startswith("user:") and label[5:].isdigit()}
    if not ids:
        return {}
    rows = get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
    return {f"user:{pk}": username for pk, username in rows}


def timeline(case: Case, viewer: Actor) -> list[TimelineEntry]:
    statuses = dict(CaseStatus.choices)
    events = list(case.events.all())
    names = usernames_of(events) if viewer.role is not Role.CONSUMER else {}
    entries = []
    for event in events:
        automatic = event.is_automatic
        # The opening event stores the eligibility rule's code; pages show the explanation.
        reason = rule_sentence(event.reason) if automatic else event.reason
        if event.action == "open":
            reason = ""
        entries.append(
            TimelineEntry(
                at=event.created_at,
                action=event.action,
                label=str(ACTION_LABELS.get(event.action, event.action)),
                who=_who(event, viewer, names),
                role=event.actor_role,
                automatic=automatic,
                reason=reason,
                to_status=str(statuses.get(event.to_status, event.to_status)),
                details=_details(event, case.currency),
            )
        )
    return entries


@dataclass(frozen=True)
class OpenDeadline:
    kind: str
    label: str
    action: str
    due_at: datetime
    overdue: bool
    at_risk: bool
    rule: str


def open_deadlines(case: Case) -> list[OpenDeadline]:
    now = clock.now()
    result = []
    for deadline in case_open_deadlines(case).order_by("due_at"):
        urgency = deadline_urgency(due_at=deadline.due_at, armed_at=deadline.created_at, now=now)
        result.append(
            OpenDeadline(
                kind=deadline.kind,
                label=str(DEADLINE_LABELS.get(deadline.kind, deadline.kind)),
                action=str(ACTION_LABELS.get(deadline.action, deadline.action)),
                due_at=deadline.due_at,
                overdue=urgency == OVERDUE,
                at_risk=urgency == AT_RISK,
                rule=rule_sentence(deadline.rule),
            )
        )
    return result


def reject_condition(case: Case) -> str:
    """The item's condition the last rejection named (吊牌已拆除 …), in the reader's words; "" if
    the case was not rejected for one (reads the case's prefetched history)."""
    rejections = [e for e in case.events.all() if e.action == "reject"]
    code = (rejections[-1].data or {}).get("condition", "") if rejections else ""
    return str(dict(RejectCondition.choices).get(code, code))


def actions_for(case: Case, viewer: Actor) -> list[str]:
    """The workflow actions this person may take on the case now (none on a disputed case: it
    moves through its dispute)."""
    return case_actions_for(case, viewer)
