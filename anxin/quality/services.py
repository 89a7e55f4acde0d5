"""Quality services: raise an alert, open a task, take a task step, record an inspection, submit a
rectification, manage sampling plans. Each checks who may act, then writes (task status only
through ``QUALITY_TASK_WORKFLOW``), audited, notifications queued in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, BinaryIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Category, Merchant, Sku
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from anxin.core.sequences import number_next
from anxin.core.validation import model_parse
from anxin.core.workflow import TransitionResult, arm_state_deadlines, subject_lock, transition

from .choices import (
    AlertStatus,
    InspectionMethod,
    InspectionResult,
    RectificationStatus,
    TaskOrigin,
    TaskStatus,
)
from .files import report_clean
from .inputs import ActIn, InspectionIn, PlanChangeIn, PlanIn, RectifyIn, TaskOpenIn
from .models import InspectionRecord, QualityAlert, QualityTask, Rectification, SamplingPlan
from .notify import alert_notify, task_notify
from .permissions import INSPECTOR_ACTIONS, can_inspect, can_rectify
from .workflow import QUALITY_TASK_WORKFLOW

S = TaskStatus


def _audit(actor: Actor, action: str, obj: Any, merchant_id: int | None, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"quality.{action}",
        merchant_id=merchant_id,
        subject_type=f"quality.{type(obj).__name__.lower()}",
        subject_id=obj.pk,
        data=data,
    )


# --- alerts and tasks -----------------------------------------------------------------------------


def task_open(
    *,
    actor: Actor,
    sku_id: int,
    origin: str,
    alert: QualityAlert | None = None,
    plan: SamplingPlan | None = None,
) -> QualityTask:
    """Open a quality task for one SKU (an alert, a sampling plan, or an inspector's decision)."""
    if not (actor.is_system or can_inspect(actor)):
        raise Forbidden()
    sku = Sku.objects.only("pk", "merchant_id").get(pk=sku_id)
    now = clock.now()
    with transaction.atomic():
        task = QualityTask.unscoped.create(
            number=number_next(prefix="QT"),
            merchant_id=sku.merchant_id,
            sku_id=sku.pk,
            origin=origin,
            alert=alert,
            plan=plan,
            opened_at=now,
        )
        arm_state_deadlines(QUALITY_TASK_WORKFLOW, task, at=now)
        _audit(actor, "task.open", task, task.merchant_id, origin=origin, number=task.number,
               alert=alert.number if alert else None, plan=plan.pk if plan else None)  # fmt: skip
        task_notify(task=task, action="opened", at=now)
    return task


def task_open_by_hand(*, actor: Actor, payload: dict[str, Any]) -> QualityTask:
    """An inspector opens a task for a SKU named by its shop's code and its SKU code."""
    if not can_inspect(actor):
        raise Forbidden()
    data: TaskOpenIn = model_parse(TaskOpenIn, payload)
    sku = Sku.objects.filter(merchant__code=data.merchant, code=data.sku).first()
    if sku is None:
        raise ValidationFailed(fields={"sku": _("No such SKU at this shop.")})
    if QualityTask.unscoped.filter(sku=sku, closed_at__isnull=True).exists():
        raise Conflict(
            _("This product already has an unfinished quality task."), code="quality.task_open"
        )
    return task_open(actor=actor, sku_id=sku.pk, origin=TaskOrigin.MANUAL)


def alert_raise(
    *,
    sku_id: int,
    metric: str,
    period_start: date,
    returns: int,
    units: int,
    centre: float,
    ucl: float,
    tail: float,
    baseline_source: str,
    baseline_units: int,
) -> QualityAlert:
    """Record a signalling cohort as an alert and open its task (the scan's one write). Raises
    IntegrityError when the SKU already has an open alert or the cohort already raised one."""
    sku = Sku.objects.select_related("merchant").get(pk=sku_id)
    now = clock.now()
    with transaction.atomic():
        alert = QualityAlert.unscoped.create(
            number=number_next(prefix="QA"),
            merchant_id=sku.merchant_id,
            sku=sku,
            category_id=sku.category_id,
            metric=metric,
            period_start=period_start,
            period_end=period_start + timedelta(days=6),
            returns=returns,
            units=units,
            rate=returns / units,
            centre=centre,
            ucl=ucl,
            tail=tail,
            baseline_source=baseline_source,
            baseline_units=baseline_units,
            raised_at=now,
        )
        _audit(SYSTEM, "alert.raise", alert, sku.merchant_id, number=alert.number, metric=metric,
               returns=returns, units=units, ucl=round(ucl, 5))  # fmt: skip
        alert_notify(alert=alert, sku=sku, at=now)
        task_open(actor=SYSTEM, sku_id=sku.pk, origin=TaskOrigin.ALERT, alert=alert)
    return alert


def alert_dismiss(*, actor: Actor, alert: QualityAlert, payload: dict[str, Any]) -> QualityAlert:
    """An inspector closes an alert as a false alarm: its task is cancelled with the reason."""
    if not can_inspect(actor):
        raise Forbidden()
    data: ActIn = model_parse(ActIn, payload)
    if alert.status != AlertStatus.OPEN:
        raise Conflict(_("This alert is closed."), code="quality.alert_closed")
    task = QualityTask.unscoped.filter(alert=alert).first()
    if task is None:
        raise NotFound()
    task_act(actor=actor, task=task, action="cancel", payload={"reason": data.reason})
    return QualityAlert.unscoped.get(pk=alert.pk)


def task_act(
    *, actor: Actor, task: QualityTask, action: str, payload: dict[str, Any] | None = None
) -> TransitionResult:
    """Take one step of a task: ``start`` or ``cancel`` (inspectors), ``rectify`` (the shop);
    ``pass``/``fail`` follow an inspection record (``inspection_record``)."""
    payload = dict(payload or {})
    if action in INSPECTOR_ACTIONS and not can_inspect(actor):
        raise Forbidden()
    if action == "rectify":
        if not can_rectify(actor):
            raise Forbidden()
        data: ActIn | RectifyIn = model_parse(RectifyIn, payload)
        step_data = {"response": data.response}  # type: ignore[union-attr]
        reason = ""
    else:
        data = model_parse(ActIn, payload)
        step_data = {}
        reason = data.reason
    return transition(
        QUALITY_TASK_WORKFLOW,
        subject=task,
        action=action,
        actor=actor,
        reason=reason,
        data=step_data,
    )


def rectification_submit(
    *,
    actor: Actor,
    task: QualityTask,
    payload: dict[str, Any],
    file: BinaryIO | bytes | None = None,
) -> QualityTask:
    """The shop says what it changed, optionally with a file (a supplier certificate, a test
    report, photos of the corrected listing: a PDF or a JPEG/PNG/WebP image, checked like an
    inspection report, refused as ``fields={"file": …}``); the task goes to re-inspection."""
    if not can_rectify(actor):
        raise Forbidden()
    clean = report_clean(file, field="file") if file is not None else None
    with transaction.atomic():
        task_act(actor=actor, task=task, action="rectify", payload=payload)
        if clean is not None:
            rectification = (
                Rectification.unscoped.filter(task=task, status=RectificationStatus.SUBMITTED)
                .order_by("-round", "-pk")
                .first()
            )
            if rectification is None:  # the step itself guarantees one; for the type checker
                raise NotFound()
            rectification.file.save(
                f"{clean.sha256}.{clean.extension}", ContentFile(clean.content), save=False
            )
            rectification.file_name = _file_name(file, clean.extension)
            rectification.file_content_type = clean.content_type
            rectification.file_size = len(clean.content)
            rectification.file_sha256 = clean.sha256
            rectification.save(update_fields=[*RECTIFICATION_FILE_FIELDS, "updated_at"])
            _audit(actor, "rectification.file", rectification, task.merchant_id,
                   task=task.number, round=rectification.round, sha256=clean.sha256,
                   content_type=clean.content_type, size=len(clean.content))  # fmt: skip
    return QualityTask.unscoped.get(pk=task.pk)


RECTIFICATION_FILE_FIELDS = ("file", "file_name", "file_content_type", "file_size", "file_sha256")


def _file_name(file: object, extension: str) -> str:
    """The uploaded file's own name, cut to its last path part and 200 characters, for people to
    recognise; stored files are named by their hash, so a name is never a path."""
    raw = str(getattr(file, "name", "") or "")
    name = raw.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "").strip()
    return (name or f"file.{extension}")[-200:]


def inspection_record(
    *,
    actor: Actor,
    task: QualityTask,
    payload: dict[str, Any],
    report: BinaryIO | bytes | None = None,
) -> InspectionRecord:
    """Record a sampling inspection of the task's current round and apply its result: ``pass``
    or ``fail`` (with what follows, ``effects.py``). An open task is taken on first."""
    if not can_inspect(actor):
        raise Forbidden()
    data: InspectionIn = model_parse(InspectionIn, payload)
    errors: dict[str, Any] = {}
    if data.method == InspectionMethod.LAB and not data.lab_name:
        errors["lab_name"] = _("Name the laboratory that tested the samples.")
    if data.defects_found > data.sample_size:
        errors["defects_found"] = _("More defective units than units sampled.")
    if data.result == InspectionResult.FAIL and not data.notes:
        errors["notes"] = _("Say what the inspection found.")
    if errors:
        raise ValidationFailed(fields=errors)
    clean = report_clean(report) if report is not None else None
    with transaction.atomic():
        locked = subject_lock(QUALITY_TASK_WORKFLOW, task)
        if locked.status == S.OPEN:
            transition(QUALITY_TASK_WORKFLOW, subject=locked, action="start", actor=actor)
            locked.refresh_from_db()
        if locked.status not in (S.INSPECTING, S.REINSPECTING):
            raise Conflict(_("This task is not being inspected."), code="quality.not_inspecting")
        record = InspectionRecord(
            task=locked,
            merchant_id=locked.merchant_id,
            round=locked.round,
            sample_size=data.sample_size,
            method=data.method,
            lab_name=data.lab_name,
            result=data.result,
            defects_found=data.defects_found,
            notes=data.notes,
            inspector_id=actor.user_id,
            inspected_by=actor.audit_label(),
            inspected_at=clock.now(),
        )
        if clean is not None:
            record.report.save(
                f"{clean.sha256}.{clean.extension}", ContentFile(clean.content), save=False
            )
            record.report_content_type = clean.content_type
            record.report_size = len(clean.content)
            record.report_sha256 = clean.sha256
        record.save()
        _audit(actor, "inspection.record", record, locked.merchant_id, task=locked.number,
               round=record.round, result=record.result, sha256=record.report_sha256)  # fmt: skip
        step: dict[str, Any] = {"inspection": record.pk, "round": record.round}
        if data.result == InspectionResult.FAIL:
            step |= {
                "penalty": str(data.penalty) if data.penalty is not None else None,
                "rectify_days": data.rectify_days,
                "request": data.request,
                "public_findings": data.public_findings,
            }
        transition(
            QUALITY_TASK_WORKFLOW,
            subject=locked,
            action="pass" if data.result == InspectionResult.PASS else "fail",
            actor=actor,
            reason=data.notes[:1000],
            data={k: v for k, v in step.items() if v not in (None, "")},
        )
    return record


# --- sampling plans -------------------------------------------------------------------------------


def _category(code: str) -> Category:
    found = Category.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed(fields={"category": _("No such category.")})
    return found


def plan_create(*, actor: Actor, payload: dict[str, Any]) -> SamplingPlan:
    """A routine sampling plan for one category (常态化抽检); the first run is now unless set."""
    if not can_inspect(actor):
        raise Forbidden()
    data: PlanIn = model_parse(PlanIn, payload)
    category = _category(data.category)
    with transaction.atomic():
        plan = SamplingPlan.unscoped.create(
            name=data.name,
            category=category,
            frequency=data.frequency,
            sample_skus=data.sample_skus,
            units_per_sku=data.units_per_sku,
            method=data.method,
            active=data.active,
            next_run_at=_aware(data.next_run_at) if data.next_run_at else clock.now(),
            created_by=actor.audit_label(),
            owner_id=actor.user_id,
        )
        _audit(actor, "plan.create", plan, None, **data.model_dump(mode="json"))
    return plan


def plan_change(*, actor: Actor, plan: SamplingPlan, payload: dict[str, Any]) -> SamplingPlan:
    if not can_inspect(actor):
        raise Forbidden()
    data: PlanChangeIn = model_parse(PlanChangeIn, payload)
    changes = data.model_dump(exclude_none=True)
    if "next_run_at" in changes:
        changes["next_run_at"] = _aware(changes["next_run_at"])
    with transaction.atomic():
        locked = SamplingPlan.unscoped.select_for_update().get(pk=plan.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*changes, "updated_at"])
        _audit(
            actor, "plan.change", locked, None, **data.model_dump(mode="json", exclude_none=True)
        )
    return locked


def _aware(value: Any) -> Any:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def merchant_of(code: str) -> Merchant:
    found = Merchant.unscoped.filter(code=code).first()
    if found is None:
        raise NotFound()
    return found
