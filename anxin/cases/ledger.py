"""The refund ledger: never over-refund, never refund twice.

``refund_issue`` locks the order line row, checks that every refund and compensation of the line
stays within what was paid for it, writes the refund and its entries (split over the original
tenders, art. 14) and calls the provider only after the commit. The refund's own small workflow
(pending → succeeded | failed → retry; its table in ``workflow.py``, its effects in ``effects.py``)
is driven by the provider's answer and by deadlines.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import OrderLine
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor
from anxin.core.audit import audit_record
from anxin.core.dispatch import on_commit
from anxin.core.errors import Conflict
from anxin.core.money import allocate
from anxin.core.workflow import TransitionNotAllowed, arm_state_deadlines, transition

from .models import LedgerEntry, LedgerKind, Refund, RefundStatus
from .providers import provider_for
from .workflow import REFUND_WORKFLOW

IN_KIND = frozenset({"coupon", "points"})


class OverRefund(Conflict):
    default_code = "refund.exceeds_paid"
    default_message = _("This refund would exceed what was paid for the order line.")


def refunded_total(line_id: int) -> Decimal:
    """Everything that went back to the consumer for a line (refunds and compensations, less
    reversals)."""
    sums = LedgerEntry.objects.filter(line_id=line_id).aggregate(
        out=Sum("amount", filter=Q(kind__in=[LedgerKind.REFUND, LedgerKind.COMPENSATION])),
        back=Sum("amount", filter=Q(kind=LedgerKind.REVERSAL)),
    )
    return (sums["out"] or Decimal(0)) - (sums["back"] or Decimal(0))


def _tender_parts(order: Any, tenders: list[Any], amount: Decimal) -> list[Decimal]:
    """Split a refund over the order's tenders so that, summed over every refund of the order,
    each tender gets back exactly its share (art. 14) — partial refunds do not drift by a cent."""
    weights = [t.amount for t in tenders]
    prior_rows = LedgerEntry.objects.filter(line__order=order, tender__isnull=False).values(
        "tender_id", "kind", "amount"
    )
    prior = dict.fromkeys((t.pk for t in tenders), Decimal(0))
    for row_ in prior_rows:
        sign = -1 if row_["kind"] == LedgerKind.REVERSAL else 1
        prior[row_["tender_id"]] = prior.get(row_["tender_id"], Decimal(0)) + sign * row_["amount"]
    total_prior = sum(prior.values(), Decimal(0))
    target = allocate(total_prior + amount, weights, order.currency)
    parts = [goal - prior[t.pk] for t, goal in zip(tenders, target, strict=True)]
    if any(part < 0 for part in parts):  # an earlier manual adjustment: fall back to plain shares
        parts = allocate(amount, weights, order.currency)
    return parts


def refund_issue(
    *,
    actor: Actor,
    line_id: int,
    amount: Decimal,
    key: str,
    kind: str = LedgerKind.REFUND,
    case: Any = None,
    at: datetime | None = None,
) -> Refund:
    """Issue a refund of ``amount`` for a line, once per ``key``.

    The same key again returns the first refund (a different amount under the same key is a
    conflict). Raises OverRefund when Σ refunds of the line would exceed what was paid.
    """
    at = at or clock.now()
    with transaction.atomic():
        line = (
            OrderLine.objects.select_for_update(no_key=True).select_related("order").get(pk=line_id)
        )
        existing = Refund.objects.filter(key=key).first()
        if existing is not None:
            if existing.amount != amount or existing.line_id != line_id:
                raise Conflict(
                    _("This refund key was already used for another amount."),
                    code="refund.key_reused",
                )
            return existing
        already = refunded_total(line.pk)
        if already + amount > line.paid_amount:
            raise OverRefund(data={"paid": str(line.paid_amount), "refunded": str(already)})
        refund = Refund.objects.create(
            key=key,
            case=case,
            line=line,
            merchant_id=line.order.merchant_id,
            kind=kind,
            amount=amount,
            currency=line.order.currency,
            provider=settings.ANXIN_REFUND_PROVIDER,
        )
        tenders = list(line.order.tenders.all())
        parts = _tender_parts(line.order, tenders, amount)
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                refund=refund,
                line=line,
                tender=t,
                kind=kind,
                amount=part,
                in_kind=t.method in IN_KIND,
                created_at=at,
            )
            for t, part in zip(tenders, parts, strict=True)
            if part
        )
        audit_record(
            actor=actor,
            action="cases.refund.issue",
            merchant_id=refund.merchant_id,
            subject_type="cases.refund",
            subject_id=refund.pk,
            data={"key": key, "amount": str(amount), "line": line.pk, "already": str(already)},
        )
        arm_state_deadlines(REFUND_WORKFLOW, refund, at=at)
        on_commit(refund_execute, refund_id=refund.pk)
    return refund


def refund_for_case(*, case: Any, actor: Actor, at: datetime) -> Refund | None:
    """The money side of a case's ``refund`` transition (runs inside it)."""
    if case.refund_amount <= 0:
        return None
    return refund_issue(
        actor=actor,
        line_id=case.line_id,
        amount=case.refund_amount,
        key=f"case:{case.pk}",
        case=case,
        at=at,
    )


def refund_execute(*, refund_id: int) -> None:
    """Call the provider for a pending refund and record its answer (after the commit)."""
    refund = Refund.objects.select_related("line__order").get(pk=refund_id)
    if refund.status != RefundStatus.PENDING:
        return
    result = provider_for(refund.provider).send(refund)
    action = "succeed" if result.ok else "fail"
    data = {"reference": result.reference} if result.ok else {"error": result.error}
    # If another worker recorded the answer first, nothing more to do: the provider call was
    # idempotent by refund id.
    with contextlib.suppress(TransitionNotAllowed):
        transition(
            REFUND_WORKFLOW,
            subject=refund.pk,
            action=action,
            actor=SYSTEM,
            data=data,
            expected_version=refund.state_version,
        )
