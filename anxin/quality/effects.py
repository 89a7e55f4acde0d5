"""What each quality task step does besides changing the status, in the step's transaction, and
the registration of ``QUALITY_TASK_WORKFLOW`` with its history table.

A failed first inspection: the SKU is taken off sale (``catalog.services.sku_delist``), the
penalty is deducted from the merchant's deposit (once per task: the ledger key is the task's),
a public notice is published and a rectification is requested with its deadline (the FAILED
state's deadline in ``workflow.py`` counts to it). A failed re-inspection rejects the
rectification and asks for a new one; the SKU stays off sale and no second penalty is taken.
A pass after a rectification puts the SKU back on sale and marks the notice rectified.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Sku
from anxin.catalog.services import sku_delist, sku_relist
from anxin.core.errors import ValidationFailed
from anxin.core.sequences import number_next
from anxin.core.workflow import History, StepContext, register
from anxin.disputes.deposit import deposit_deduct

from .accuracy import sku_aspects
from .choices import METRIC_REASONS, AlertStatus, RectificationStatus, TaskStatus
from .models import InspectionRecord, QualityAlert, QualityNotice, QualityTask, Rectification
from .notify import (
    RECTIFICATION_REQUESTED,
    SKU_DELISTED,
    SKU_RELISTED,
    task_transition_notify,
    webhook_send,
)
from .workflow import QUALITY_TASK_WORKFLOW, RECTIFY_DAYS, RECTIFY_MAX_DAYS, RECTIFY_MIN_DAYS

S = TaskStatus
PENALTY_DEFAULT = Decimal(str(getattr(settings, "ANXIN_QUALITY_PENALTY", "500.00")))
# The rectification request lists what consumers said in any quality-related request.
QUALITY_REASONS = tuple(code for codes in METRIC_REASONS.values() for code in codes)
PENALTY_MAX = Decimal("100000.00")


def _save(task: QualityTask, *fields: str) -> None:
    task.save(update_fields=[*fields, "updated_at"])


def _record(task: QualityTask) -> InspectionRecord:
    """The inspection the step rests on (the guard made sure it exists)."""
    return task.inspections.filter(round=task.round).order_by("-inspected_at", "-pk").first()  # type: ignore[return-value]


def _close(task: QualityTask, step: StepContext, why: str) -> None:
    task.closed_at = step.at
    task.due_at = None
    _save(task, "closed_at", "due_at")
    if task.alert_id is not None:
        QualityAlert.unscoped.filter(pk=task.alert_id, status=AlertStatus.OPEN).update(
            status=AlertStatus.CLOSED, closed_at=step.at, close_reason=why[:300]
        )


def _penalty(step: StepContext) -> Decimal:
    raw = step.data.get("penalty")
    try:
        amount = PENALTY_DEFAULT if raw in (None, "") else Decimal(str(raw))
    except InvalidOperation:
        amount = Decimal(-1)
    if amount < 0 or amount > PENALTY_MAX or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(
            fields={"penalty": _("Enter a penalty from 0 to %(max)s.") % {"max": PENALTY_MAX}}
        )
    return amount


def _rectify_days(step: StepContext) -> int:
    raw = step.data.get("rectify_days") or RECTIFY_DAYS
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = 0
    if not RECTIFY_MIN_DAYS <= days <= RECTIFY_MAX_DAYS:
        raise ValidationFailed(
            fields={"rectify_days": _("Give the merchant %(min)s to %(max)s days.")
                    % {"min": RECTIFY_MIN_DAYS, "max": RECTIFY_MAX_DAYS}}
        )  # fmt: skip
    return days


def effect_start(step: StepContext) -> None:
    task: QualityTask = step.subject
    if step.actor.user_id is not None:
        task.inspector_id = step.actor.user_id
        _save(task, "inspector")


def _request_rectification(step: StepContext, record: InspectionRecord, sku: Sku) -> Rectification:
    task: QualityTask = step.subject
    due = step.at + timedelta(days=_rectify_days(step))
    aspects = [
        {"aspect": a.aspect, "count": a.count, "words": [w for w, _n in a.words[:5]]}
        for a in sku_aspects(sku_id=sku.pk, reasons=QUALITY_REASONS)
    ]
    request = (
        str(step.data.get("request") or "").strip()
        or record.notes
        or str(_("Put right what the inspection found and describe what you changed."))
    )
    rectification = Rectification.unscoped.create(
        task=task,
        merchant_id=task.merchant_id,
        round=task.round,
        request=request[:4000],
        aspects=aspects,
        requested_at=step.at,
        due_at=due,
    )
    task.due_at = due
    _save(task, "due_at")
    step.data.update(rectification_due=due.isoformat())
    webhook_send(
        event=RECTIFICATION_REQUESTED,
        merchant_id=task.merchant_id,
        at=step.at,
        payload=lambda: {"task_number": task.number, "sku": sku.code, "due_at": due.isoformat()},
    )
    return rectification


def effect_fail(step: StepContext) -> None:
    task: QualityTask = step.subject
    record = _record(task)
    sku = Sku.objects.get(pk=task.sku_id)
    if step.from_state == S.REINSPECTING:
        task.rectifications.filter(status=RectificationStatus.SUBMITTED).update(
            status=RectificationStatus.REJECTED, decided_at=step.at
        )
        _request_rectification(step, record, sku)
        return
    penalty = _penalty(step)
    reason = str(_("Failed quality inspection (task %(number)s).") % {"number": task.number})
    sku_delist(actor=step.actor, sku=sku, reason=reason)
    task.delisted = True
    task.penalty = penalty
    _save(task, "delisted", "penalty")
    if penalty > 0:
        deposit_deduct(
            actor=step.actor,
            merchant_id=task.merchant_id,
            amount=penalty,
            key=f"quality:{task.number}:penalty",
            note=reason,
            at=step.at,
        )
    merchant = sku.merchant
    QualityNotice.unscoped.create(
        number=number_next(prefix="QN"),
        task=task,
        merchant_id=task.merchant_id,
        merchant_name=merchant.name,
        sku_code=sku.code,
        product_name=sku.name,
        category_code=sku.category.code,
        method=record.method,
        lab_name=record.lab_name,
        sample_size=record.sample_size,
        defects_found=record.defects_found,
        findings=(str(step.data.get("public_findings") or "").strip() or record.notes)[:4000],
        measures=str(
            _(
                "Taken off sale; penalty of %(penalty)s deducted from the deposit; rectification requested."
            )
            % {"penalty": f"{penalty:.2f}"}
        ),
        penalty=penalty,
        published_at=step.at,
    )
    _request_rectification(step, record, sku)
    step.data.update(penalty=str(penalty), delisted=True)
    webhook_send(
        event=SKU_DELISTED,
        merchant_id=task.merchant_id,
        at=step.at,
        payload=lambda: {
            "task_number": task.number,
            "sku": sku.code,
            "penalty": f"{penalty:.2f}",
            "notice": task.notice.number,
        },
    )


def effect_pass(step: StepContext) -> None:
    task: QualityTask = step.subject
    if step.from_state == S.REINSPECTING:
        task.rectifications.filter(status=RectificationStatus.SUBMITTED).update(
            status=RectificationStatus.ACCEPTED, decided_at=step.at
        )
        if task.delisted:
            sku = Sku.objects.get(pk=task.sku_id)
            sku_relist(
                actor=step.actor,
                sku=sku,
                reason=str(_("Passed re-inspection (task %(number)s).") % {"number": task.number}),
            )
            QualityNotice.unscoped.filter(task=task, resolved_at__isnull=True).update(
                resolved_at=step.at
            )
            step.data.update(relisted=True)
            webhook_send(
                event=SKU_RELISTED,
                merchant_id=task.merchant_id,
                at=step.at,
                payload=lambda: {"task_number": task.number, "sku": sku.code},
            )
    _close(task, step, "inspection passed")


def effect_rectify(step: StepContext) -> None:
    task: QualityTask = step.subject
    response = str(step.data.get("response") or "").strip()
    if not response:
        raise ValidationFailed(fields={"response": _("Describe what you changed.")})
    if len(response) > 4000:
        raise ValidationFailed(fields={"response": _("At most %(n)s characters.") % {"n": 4000}})
    updated = task.rectifications.filter(
        status__in=[RectificationStatus.REQUESTED, RectificationStatus.OVERDUE]
    ).update(
        status=RectificationStatus.SUBMITTED,
        response=response,
        submitted_at=step.at,
        submitted_by=step.actor.audit_label(),
    )
    if not updated:
        raise ValidationFailed(fields={"response": _("No rectification is asked of you now.")})
    task.round += 1
    task.due_at = None
    _save(task, "round", "due_at")
    step.data.pop("response", None)  # kept on the rectification, not twice in the history


def effect_lapse(step: StepContext) -> None:
    task: QualityTask = step.subject
    task.rectifications.filter(status=RectificationStatus.REQUESTED).update(
        status=RectificationStatus.OVERDUE
    )


def effect_cancel(step: StepContext) -> None:
    if not step.reason:
        raise ValidationFailed(fields={"reason": _("Say why the task is cancelled.")})
    _close(step.subject, step, f"task cancelled: {step.reason}")


def _history_data(step: StepContext) -> dict[str, Any]:
    return {k: v for k, v in step.data.items() if k not in {"version"}}


register(
    QUALITY_TASK_WORKFLOW,
    history=History("quality.qualitytaskevent", subject_field="task", data=_history_data),
    effects={
        "start": effect_start,
        "pass": effect_pass,
        "fail": effect_fail,
        "rectify": effect_rectify,
        "lapse": effect_lapse,
        "cancel": effect_cancel,
    },
    after_record=[task_transition_notify],
)
