"""The after-sales case machine (docs/domain.md) and its deadlines (#2–#7, #14), and the refund
machine of the ledger, as data.

Durations come from the policy snapshot a case stores when it is opened (``case.policy``), so a
later policy change never moves a running clock. Every automatic action is taken by ``system`` and
names its rule in the case history. What a transition does besides changing the status (return
address, tracking numbers, the refund, notifications, the survey) is in ``effects.py``, which
registers both machines with their effects and history tables.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.workflow import ANY, Start, Workflow, row

from .choices import CaseStatus as S
from .choices import CaseType as T
from .models import RefundStatus

C = Role.CONSUMER
M = (Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN)
A = Role.AGENT  # platform intervention (小二介入), always with a reason
SYS = Role.SYSTEM


def _is(*types: str) -> Any:
    def guard(case: Any, actor: Any) -> str | None:
        return None if case.type in types else "not for this type of request"

    return guard


# A received item the merchant neither refunds, replaces nor repairs: after this long without a
# move the consumer may ask the platform to step in (JD dispute rules, article 3: merchant silence).
STALLED = timedelta(hours=72)
STALLED_STATES = frozenset({S.RECEIVED, S.IN_REPAIR})


def _stalled(case: Any, actor: Any) -> str | None:
    """Escalating from a rejection is always open; from a received item or a repair only once the
    case has not moved for ``STALLED`` (``moved_at`` is stamped by every transition)."""
    if case.status not in STALLED_STATES or clock.now() - case.moved_at >= STALLED:
        return None
    return _(
        "You can ask the platform to step in once the merchant has left the request unchanged "
        "for %(hours)s hours."
    ) % {"hours": int(STALLED.total_seconds() // 3600)}


def _hours(key: str) -> Any:
    return lambda case: timedelta(hours=case.policy[key])


def _days(key: str) -> Any:
    return lambda case: timedelta(days=case.policy[key])


def _rule(code: str, text: str, key: str, unit: str) -> Any:
    return lambda case: f"{code}: {text} ({case.policy[key]} {unit})"


# #14: a replacement or a repaired item came back; the consumer has N days to object.
COMPLETION = Start(
    "completion",
    "confirm_done",
    _days("completion_days"),
    _rule("P-14", "consumer did not confirm", "completion_days", "d"),
)

DEADLINES: dict[str, list[Start]] = {
    S.MERCHANT_REVIEW: [
        Start("merchant_review", "approve", _hours("merchant_review_hours"),
              _rule("P-2/P-3", "merchant did not respond in time", "merchant_review_hours", "h")),
    ],
    S.AWAITING_RETURN_SHIPMENT: [
        Start("return_shipment", "close", _days("return_ship_days"),
              _rule("P-4", "return not shipped in time", "return_ship_days", "d")),
    ],
    S.RETURN_DELIVERED: [
        Start("receipt_confirmation", "confirm_receipt", _days("receipt_confirm_days"),
              _rule("P-5", "merchant did not confirm receipt", "receipt_confirm_days", "d")),
    ],
    S.REFUND_PENDING: [
        Start("refund", "refund", _hours("refund_hours"),
              _rule("P-6", "refund not issued in time", "refund_hours", "h")),
    ],
    S.REJECTED: [
        Start("rejection", "close", _days("rejected_close_days"),
              _rule("P-7", "rejection neither revised nor escalated", "rejected_close_days", "d")),
    ],
    S.REPLACEMENT_SHIPPED: [COMPLETION],
    S.REPAIRED_SHIPPED: [COMPLETION],
}  # fmt: skip

RETURNS = (T.RETURN_REFUND, T.EXCHANGE, T.REPAIR, T.WARRANTY)

TRANSITIONS = [
    #    action              from                                                           to                                                   roles              guard
    row("approve",          [S.MERCHANT_REVIEW, S.DISPUTED],                                {T.REFUND_ONLY: S.REFUND_PENDING, ANY: S.AWAITING_RETURN_SHIPMENT}, [*M, A, SYS]),
    row("reject",           [S.MERCHANT_REVIEW, S.RETURN_DELIVERED, S.RECEIVED],            S.REJECTED,                                          [*M, A]),
    row("revise",           [S.REJECTED],                                                   S.MERCHANT_REVIEW,                                   [C]),
    row("escalate",         [S.REJECTED, S.RECEIVED, S.IN_REPAIR],                          S.DISPUTED,                                          [C],               _stalled),
    row("withdraw",         [S.MERCHANT_REVIEW, S.AWAITING_RETURN_SHIPMENT, S.REJECTED],    S.CLOSED,                                            [C]),
    row("close",            [S.AWAITING_RETURN_SHIPMENT, S.REJECTED, S.DISPUTED],           S.CLOSED,                                            [A, SYS]),
    row("ship_return",      [S.AWAITING_RETURN_SHIPMENT],                                   S.RETURN_IN_TRANSIT,                                 [C, A],            _is(*RETURNS)),
    row("mark_delivered",   [S.RETURN_IN_TRANSIT],                                          S.RETURN_DELIVERED,                                  [A, SYS]),
    row("confirm_receipt",  [S.RETURN_IN_TRANSIT, S.RETURN_DELIVERED],                      {T.RETURN_REFUND: S.REFUND_PENDING, ANY: S.RECEIVED}, [*M, A, SYS]),
    row("refund",           [S.REFUND_PENDING],                                             S.REFUNDED,                                          [*M, A, SYS]),
    row("ship_replacement", [S.RECEIVED],                                                   S.REPLACEMENT_SHIPPED,                               [*M, A],           _is(T.EXCHANGE)),
    row("start_repair",     [S.RECEIVED],                                                   S.IN_REPAIR,                                         [*M, A],           _is(T.REPAIR, T.WARRANTY)),
    row("ship_repaired",    [S.IN_REPAIR],                                                  S.REPAIRED_SHIPPED,                                  [*M, A]),
    row("confirm_done",     [S.REPLACEMENT_SHIPPED, S.REPAIRED_SHIPPED],                    S.COMPLETED,                                         [C, A, SYS]),
    # Driven by the disputes app: an agreed or ruled refund paid now; the platform's advance
    # compensation (先行赔付), paid by the disputes app itself, ends the case without a refund here.
    row("settle_refund",    [S.DISPUTED],                                                   S.REFUNDED,                                          [*M, SYS]),
    row("compensate",       [S.DISPUTED],                                                   S.REFUNDED,                                          [SYS]),
]  # fmt: skip


CASE_WORKFLOW = Workflow(
    model_label="cases.case",
    transitions=TRANSITIONS,
    tenant_of=lambda case: case.merchant_id,
    branch=lambda case: case.type,
    state_deadlines=DEADLINES,
)


# --- the refund machine: driven by the provider's answer and by deadlines (ledger.py) ----------

MAX_ATTEMPTS = 6


def _retry_after(refund: Any) -> timedelta | None:
    # 2, 4, 8 … minutes; after the last attempt it stays failed for a person to look at.
    return None if refund.attempts >= MAX_ATTEMPTS else timedelta(minutes=2**refund.attempts)


REFUND_TRANSITIONS = [
    #    action     from                    to                      roles
    row("succeed", [RefundStatus.PENDING], RefundStatus.SUCCEEDED, [SYS]),
    row("fail",    [RefundStatus.PENDING], RefundStatus.FAILED,    [SYS]),
    row("retry",   [RefundStatus.FAILED],  RefundStatus.PENDING,   [SYS, A, Role.ADMIN]),
    row("recheck", [RefundStatus.PENDING], RefundStatus.PENDING,   [SYS]),
]  # fmt: skip

REFUND_DEADLINES: dict[str, list[Start]] = {
    # A refund whose provider answer was lost (crash, timeout) is asked again; the call is
    # idempotent by refund id, so asking twice never pays twice.
    RefundStatus.PENDING: [
        Start(
            "refund_reconcile", "recheck", timedelta(minutes=10), "L-2: confirm a pending refund"
        ),
    ],
    RefundStatus.FAILED: [
        Start("refund_retry", "retry", _retry_after, "L-1: retry a failed refund"),
    ],
}

REFUND_WORKFLOW = Workflow(
    model_label="cases.refund",
    transitions=REFUND_TRANSITIONS,
    tenant_of=lambda refund: refund.merchant_id,
    state_deadlines=REFUND_DEADLINES,
)
