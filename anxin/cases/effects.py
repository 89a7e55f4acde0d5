"""What each case and refund transition does besides changing the status, in the transition's
transaction, and the registration of ``CASE_WORKFLOW`` and ``REFUND_WORKFLOW`` with it.

A case never shows a tracking number it did not accept or a refund that did not happen: the
effects run inside the transition. After each case's history row, the parties are notified
(outbox rows commit with it) and a finished case asks for its satisfaction survey.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from anxin.core.dispatch import on_commit
from anxin.core.errors import ValidationFailed
from anxin.core.workflow import History, StepContext, TransitionNotAllowed, register, step_data
from anxin.feedback.choices import SubjectType
from anxin.feedback.hooks import SurveySubject, survey_after_close

from .choices import TERMINAL, CaseStatus, CaseType, MessageParty
from .eligibility import decision_explanation, not_eligible
from .ledger import refund_execute, refund_for_case, refunded_total
from .models import Case, CaseEvent, Evidence, Refund, ReturnAddress
from .notify import case_transition_notify
from .permissions import party_of
from .selectors import decision_for, reason_get
from .workflow import CASE_WORKFLOW, REFUND_WORKFLOW

# --- the case machine ------------------------------------------------------------------------------


def _address_snapshot(address: ReturnAddress) -> dict[str, str]:
    return {
        "id": str(address.public_id),
        "label": address.label,
        "contact_name": address.contact_name,
        "phone": address.phone,
        "address": address.address,
    }


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount == amount.quantize(Decimal("0.01")) else None


def _apply_terms(step: StepContext) -> None:
    """What a dispute agreed or ruled: the request type (``data["type"]``) and the amount to
    refund (``data["refund_amount"]``, more than 0 and at most what is left of the line's paid
    amount after every refund and compensation already made for it)."""
    case: Case = step.subject
    changed = []
    new_type = step.data.get("type")
    if new_type:
        if new_type not in CaseType.values:
            raise ValidationFailed(fields={"type": _("Unknown request type.")})
        case.type = new_type
        changed.append("type")
    if step.data.get("refund_amount") is not None:
        room = case.line.paid_amount - refunded_total(case.line_id)
        amount = _amount(step.data["refund_amount"])
        if amount is None or amount <= 0 or amount > room:
            raise ValidationFailed(
                fields={
                    "refund_amount": _(
                        "Give an amount more than 0 and at most %(room)s %(currency)s."
                    )
                    % {"room": f"{room:.2f}", "currency": case.currency}
                }
            )
        case.refund_amount = amount
        changed.append("refund_amount")
    if changed:
        case.save(update_fields=[*changed, "updated_at"])


# A disputed case moves only through its dispute (answer, propose or decide there).
IN_DISPUTE = _("This request is in dispute: answer, propose or decide in the dispute.")


def _dispute_required(step: StepContext, field: str, message: Any) -> None:
    if not step.data.get("dispute"):
        raise ValidationFailed(message, code="case.dispute_required", fields={field: message})


def effect_approve(step: StepContext) -> None:
    """An approved return gets the merchant's chosen (or default) warehouse, as it is now. From a
    dispute, the agreed or ruled terms apply first ("return first, then refund 80.00")."""
    case: Case = step.subject
    if step.from_state == CaseStatus.DISPUTED:
        _dispute_required(step, "reason", IN_DISPUTE)
        _apply_terms(step)
        if CASE_WORKFLOW.target_of(step.transition, case) != step.to_state:
            # The engine chose the state from the type the case had; a ruled type that leads
            # elsewhere must be on the case first (``case_act(dispute=DisputeTerms(...))``).
            raise ValueError("a ruled request type must be set before the approval (case_act)")
    if case.type == CaseType.REFUND_ONLY:
        return
    addresses = ReturnAddress.objects.filter(merchant_id=case.merchant_id)
    chosen = step.data.get("return_address")
    if chosen:
        address = addresses.filter(public_id=chosen).first()
        if address is None:
            raise ValidationFailed(fields={"return_address": _("Unknown return address.")})
    else:
        address = addresses.order_by("-is_default", "pk").first()
    case.return_address = _address_snapshot(address) if address else {}
    case.save(update_fields=["return_address", "updated_at"])


NO_REASON = "no_reason/"  # the reason codes of the 7-day no-reason return (art. 10)


def effect_reject(step: StepContext) -> None:
    """Rejecting a no-reason return for the item's condition (吊牌已拆除, 已使用 …) needs a photo of
    it from the merchant's side already on the case, which the consumer then sees."""
    case: Case = step.subject
    decided = (
        CaseEvent.objects.filter(case=case, action="approve", from_status=CaseStatus.DISPUTED)
        .values_list("data__dispute", flat=True)
        .first()
    )
    if decided:
        # what a dispute agreed or decided is not undone by a rejection once the item is back
        raise TransitionNotAllowed(
            _("This return was agreed or decided in dispute %(number)s: confirm receipt instead.")
            % {"number": decided},
            data={"action": "reject", "dispute": decided},
        )
    if not step.data.get("condition") or not case.reason.code.startswith(NO_REASON):
        return
    sides = {MessageParty.MERCHANT}
    if party_of(step.actor) is MessageParty.PLATFORM:
        sides.add(MessageParty.PLATFORM)
    if not Evidence.objects.filter(case=case, party__in=sides).exists():
        raise ValidationFailed(
            _("Attach a photo of the item's condition before rejecting the return for it."),
            code="case.condition_evidence_required",
            fields={"evidence": _("Attach at least one photo that shows the item's condition.")},
        )


def effect_escalate(step: StepContext) -> None:
    """A case is disputed through a dispute, which holds the consumer's claim and statement."""
    _dispute_required(
        step, "claim", _("To ask the platform to step in, open a dispute with what you want.")
    )


def effect_settle_refund(step: StepContext) -> None:
    """A dispute settled for money: the agreed or ruled amount is refunded now, like the
    ``refund`` action."""
    _dispute_required(step, "reason", IN_DISPUTE)
    _apply_terms(step)
    case: Case = step.subject
    if case.refund_amount <= 0:
        raise ValidationFailed(fields={"refund_amount": _("Give the amount to refund.")})
    refund_for_case(case=case, actor=step.actor, at=step.at)


def effect_close(step: StepContext) -> None:
    """A disputed case closes only through its dispute (a rejected claim, a withdrawal)."""
    if step.from_state == CaseStatus.DISPUTED:
        _dispute_required(step, "reason", IN_DISPUTE)


def effect_compensate(step: StepContext) -> None:
    """The platform compensated the consumer (先行赔付, paid by the disputes app): no refund here."""
    _dispute_required(step, "dispute", _("Name the dispute that compensated the consumer."))


def effect_ship_return(step: StepContext) -> None:
    case: Case = step.subject
    case.return_carrier = step.data.get("carrier") or ""
    case.return_tracking_number = step.data.get("tracking_number") or ""
    case.return_pickup = bool(step.data.get("pickup"))
    case.save(
        update_fields=["return_carrier", "return_tracking_number", "return_pickup", "updated_at"]
    )


def effect_confirm_receipt(step: StepContext) -> None:
    case: Case = step.subject
    case.inspection = {
        "result": step.data.get("inspection", "ok"),
        "note": step.data.get("note", ""),
        "at": step.at.isoformat(),
        "by": step.actor.audit_label(),
    }
    case.save(update_fields=["inspection", "updated_at"])


def effect_ship_back(step: StepContext) -> None:
    case: Case = step.subject
    case.replacement_carrier = step.data["carrier"]
    case.replacement_tracking_number = step.data["tracking_number"]
    case.save(update_fields=["replacement_carrier", "replacement_tracking_number", "updated_at"])


def effect_revise(step: StepContext) -> None:
    """A revised request is judged again, as if new (the units it held are its own)."""
    case: Case = step.subject
    changes = step.data
    if changes.get("type"):
        case.type = changes["type"]
    if changes.get("reason_code"):
        case.reason = reason_get(changes["reason_code"])
    if changes.get("quantity"):
        case.quantity = changes["quantity"]
    if "description" in changes:
        case.description = changes["description"]
    _line, decision = decision_for(
        line_id=case.line_id,
        quantity=case.quantity,
        request_type=case.type,
        reason=case.reason,
        keep_gifts=case.keep_gifts,
        at=step.at,
        exclude_case_id=case.pk,
    )
    if not decision.allowed:
        raise not_eligible(decision)
    case.refund_amount = decision.refundable_amount
    case.freight_payer = decision.freight_payer
    case.rule = decision.rule
    case.explanation = decision_explanation(decision)
    case.save()


def effect_refund(step: StepContext) -> None:
    """The money side of the ``refund`` transition: the ledger issues it, or nothing commits."""
    refund_for_case(case=step.subject, actor=step.actor, at=step.at)


def stamp_moved(step: StepContext) -> None:
    """When the status last changed: a case left alone for 72 h may be escalated."""
    case: Case = step.subject
    case.moved_at = step.at
    case.save(update_fields=["moved_at"])


def notify_parties(step: StepContext) -> None:
    case_transition_notify(step=step)  # outbox rows commit with the transition


def case_survey_subject(case: Case) -> SurveySubject | None:
    """Whom a finished case's satisfaction survey asks: the consumer's active login; none for a
    shop's customer record without one (nobody to ask)."""
    user = case.customer.user
    if user is None or not user.is_active:
        return None
    return SurveySubject(
        subject_type=SubjectType.CASE,
        subject_id=case.pk,
        number=case.number,
        recipient=user,
        email=user.email or "",
        language=user.language,
        merchant_id=case.merchant_id,
    )


def survey_when_finished(step: StepContext) -> None:
    """Every way into a final state (people, the sweeper) passes here: one survey."""
    if step.to_state not in TERMINAL:
        return
    subject = case_survey_subject(step.subject)
    if subject is not None:
        survey_after_close(subject=subject, at=step.at)


register(
    CASE_WORKFLOW,
    history=History("cases.caseevent", subject_field="case", data=step_data),
    effects={
        "approve": effect_approve,
        "reject": effect_reject,
        "escalate": effect_escalate,
        "settle_refund": effect_settle_refund,
        "compensate": effect_compensate,
        "close": effect_close,
        "ship_return": effect_ship_return,
        "confirm_receipt": effect_confirm_receipt,
        "ship_replacement": effect_ship_back,
        "ship_repaired": effect_ship_back,
        "revise": effect_revise,
        "refund": effect_refund,
    },
    after_record=[stamp_moved, notify_parties, survey_when_finished],
)


# --- the refund machine (ledger.py drives it) ------------------------------------------------------


def effect_settle(step: StepContext) -> None:
    refund: Refund = step.subject
    refund.provider_reference = str(step.data.get("reference", ""))[:100]
    refund.settled_at = step.at
    refund.save(update_fields=["provider_reference", "settled_at", "updated_at"])


def effect_failed(step: StepContext) -> None:
    refund: Refund = step.subject
    refund.attempts += 1
    refund.last_error = str(step.data.get("error", ""))[:300]
    refund.save(update_fields=["attempts", "last_error", "updated_at"])


def effect_ask_provider(step: StepContext) -> None:
    """Retrying and rechecking both ask the provider again, after the commit."""
    on_commit(refund_execute, refund_id=step.subject.pk)


register(
    REFUND_WORKFLOW,
    effects={
        "succeed": effect_settle,
        "fail": effect_failed,
        "retry": effect_ask_provider,
        "recheck": effect_ask_provider,
    },
)
