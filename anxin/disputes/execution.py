"""Carrying out what a dispute decided or agreed, through the case engine and the refund ledger.

- a refund without return: the case's ``settle_refund`` (the merchant's money, key ``case:<id>``);
- return first / exchange / repair: the case is approved with the remedy's type and amount, and
  its own deadlines (ship, receive, refund) take over;
- a rejected claim: the case closes;
- advance compensation (先行赔付): the platform pays a COMPENSATION through the ledger (key
  ``dispute:<id>:advance``) and recovers it from the merchant's deposit under the same key.
Every step runs inside the dispute's transition; every money movement is keyed, so repeating a
step never pays twice, and the ledger's line lock keeps Σ refunds within what was paid.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.inputs import DisputeTerms
from anxin.cases.ledger import refund_issue, refunded_total
from anxin.cases.models import Case, LedgerKind, Refund
from anxin.cases.services import case_act
from anxin.core.actors import SYSTEM, Actor
from anxin.core.money import round_money

from .choices import MONEY_NOW, Remedy
from .deposit import deposit_credit, deposit_deduct
from .models import Dispute

REMEDY_CASE_TYPE = {
    Remedy.RETURN_REFUND: CaseType.RETURN_REFUND,
    Remedy.EXCHANGE: CaseType.EXCHANGE,
    Remedy.REPAIR: CaseType.REPAIR,
}


def refundable_cap(case: Case, *, paid: Decimal = Decimal(0)) -> Decimal:
    """The most this case can still get back: what the eligibility engine computed for it when it
    was opened (the paid share of its quantity, 满减 recomputed, kept gifts deducted — art. 12, 17;
    the plain share when it computed none, e.g. for an exchange), less what the case already got
    back, and never more than the line has left. ``paid`` is what this dispute already paid,
    counted back in when a decision replaces an earlier one (an appeal's award is the total)."""
    line = case.line
    share = round_money(line.paid_amount * case.quantity / line.quantity, case.currency)
    # the engine's own figure, kept in the case's explanation: ``refund_amount`` itself is
    # overwritten with the agreed or ruled amount when a dispute settles the case
    explained: dict[str, Any] = next(iter((case.explanation or {}).values()), {})
    computed = explained.get("refundable_amount")
    eligible = Decimal(str(computed)) if computed else case.refund_amount
    entitled = min(eligible, share) if eligible > 0 else share
    got = Refund.unscoped.filter(
        case_id=case.pk, kind__in=[LedgerKind.REFUND, LedgerKind.COMPENSATION]
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    room = line.paid_amount - refunded_total(line.pk) + paid
    return max(min(entitled - got + paid, room), Decimal(0))


def _case_move(
    case: Case,
    action: str,
    actor: Actor,
    dispute: Dispute,
    *,
    amount: Decimal | None = None,
    type: str | None = None,
) -> None:
    """A case move the dispute drives, with its terms (never from a request body)."""
    case_act(
        actor=actor,
        case=case,
        action=action,
        payload={"reason": dispute.number} if actor.is_system else {},
        dispute=DisputeTerms(
            dispute=dispute.number,
            refund_amount=amount,
            type=CaseType(type) if type else None,
        ),
    )


def remedy_execute(
    *, dispute: Dispute, remedy: str, amount: Decimal, actor: Actor, at: datetime
) -> None:
    """Carry out ``remedy`` on the dispute's case as ``actor`` (the merchant, or the system for
    an agreement or an enforced decision)."""
    case = Case.unscoped.get(pk=dispute.case_id)
    if case.status != CaseStatus.DISPUTED:
        return  # already carried out (a repeated step changes nothing)
    if remedy in MONEY_NOW:
        _case_move(case, "settle_refund", actor, dispute, amount=amount)
    elif remedy in REMEDY_CASE_TYPE:
        _case_move(
            case,
            "approve",
            actor,
            dispute,
            type=REMEDY_CASE_TYPE[Remedy(remedy)],
            amount=amount if remedy == Remedy.RETURN_REFUND else None,
        )
    elif remedy == Remedy.REJECT:
        _case_move(case, "close", SYSTEM, dispute)


def advance_pay(
    *, dispute: Dispute, amount: Decimal, at: datetime, key_suffix: str = "advance"
) -> None:
    """先行赔付: the platform pays the consumer now and recovers it from the merchant's deposit."""
    case = Case.unscoped.get(pk=dispute.case_id)
    key = f"dispute:{dispute.pk}:{key_suffix}"
    if amount > 0:
        refund_issue(
            actor=SYSTEM, line_id=case.line_id, amount=amount, key=key,
            kind=LedgerKind.COMPENSATION, case=case, at=at,
        )  # fmt: skip
        deposit_deduct(
            actor=SYSTEM, merchant_id=dispute.merchant_id, amount=amount, key=key,
            dispute_id=dispute.pk, note=dispute.number, at=at,
        )  # fmt: skip
    if case.status == CaseStatus.DISPUTED:
        _case_move(case, "compensate", SYSTEM, dispute)


def paid_to_consumer(dispute: Dispute) -> Decimal:
    """What the consumer got back through this dispute's case: refunds and compensations."""
    total = Refund.unscoped.filter(
        case_id=dispute.case_id, kind__in=[LedgerKind.REFUND, LedgerKind.COMPENSATION]
    ).aggregate(s=Sum("amount"))["s"]
    # (SQLite sums lose the scale: 85 instead of 85.00 in the history's data)
    return round_money(total or Decimal(0), dispute.currency)


def appeal_settle(*, dispute: Dispute, owed: Decimal, at: datetime) -> dict[str, str]:
    """Make the money match the final decision: pay the consumer what is still owed (advanced by
    the platform, recovered from the deposit) or, when the appeal lowered the award after it was
    paid, credit the merchant's deposit with the difference (the platform bears it; a payment to
    a consumer is not taken back by the system). Returns what was done, for the history."""
    paid = paid_to_consumer(dispute)
    if owed > paid:
        advance_pay(dispute=dispute, amount=owed - paid, at=at, key_suffix="appeal")
        return {"paid_more": str(owed - paid)}
    if owed < paid:
        deposit_credit(
            actor=SYSTEM, merchant_id=dispute.merchant_id, amount=paid - owed,
            key=f"dispute:{dispute.pk}:appeal-credit", dispute_id=dispute.pk,
            note=dispute.number, at=at,
        )  # fmt: skip
        return {"credited_merchant": str(paid - owed)}
    return {}
