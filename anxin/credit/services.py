"""Writes on merchant credit: the merchant's appeal, the administrators' decisions (appeals,
exit proposals) and the thresholds. The daily computation is ``recompute.credit_recompute``;
the steps the ladder takes are in ``sanctions.py``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO, Protocol

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from anxin.catalog.choices import MerchantStatus
from anxin.catalog.models import Merchant
from anxin.catalog.services import merchant_deposit_set, merchant_transition
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed

from .choices import APPEALABLE, AppealDecision, SanctionStatus, Step
from .models import Appeal, CreditThreshold, Sanction
from .notify import appeal_filed_notify, sanction_decided_notify
from .permissions import can_appeal, can_decide

STATEMENT_MAX = 2000
NOTE_MAX = 1000
FILE_MAX = 5 * 1024 * 1024
# What an appeal may attach, by its first bytes: a PDF or a photo.
FILE_KINDS = {b"%PDF-": ".pdf", b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


def _locked(sanction: Sanction) -> Sanction:
    return Sanction.unscoped.select_for_update().get(pk=sanction.pk)


def _file_checked(upload: Upload | BinaryIO) -> tuple[bytes, str]:
    content = upload.read(FILE_MAX + 1)
    if len(content) > FILE_MAX:
        raise ValidationFailed(fields={"file": _("The file is larger than 5 MB.")})
    for magic, extension in FILE_KINDS.items():
        if content.startswith(magic):
            return content, extension
    raise ValidationFailed(fields={"file": _("Attach a PDF, PNG or JPEG file.")})


def appeal_file(
    *, actor: Actor, sanction: Sanction, statement: str, file: Upload | BinaryIO | None = None
) -> Appeal:
    """The shop appeals a sanction once, with a statement (and a file, e.g. a rectification
    report); the administrators are told. The sanction stays in force until they decide."""
    if not actor.can_see_merchant(sanction.merchant_id):
        raise NotFound()
    if not can_appeal(actor, sanction.merchant_id):
        raise Forbidden()
    statement = (statement or "").strip()
    if not statement:
        raise ValidationFailed(
            fields={"statement": _("Say why the sanction should be overturned.")}
        )
    if len(statement) > STATEMENT_MAX:
        raise ValidationFailed(
            fields={"statement": _("At most %(n)s characters.") % {"n": STATEMENT_MAX}}
        )
    content = _file_checked(file) if file is not None else None
    at = clock.now()
    with transaction.atomic():
        sanction = _locked(sanction)
        if Appeal.unscoped.filter(sanction=sanction).exists():
            raise Conflict(_("This sanction was already appealed."), code="credit.appeal_exists")
        if sanction.status not in APPEALABLE:
            raise Conflict(
                _("This sanction can no longer be appealed."), code="credit.not_appealable"
            )
        appeal = Appeal(
            sanction=sanction,
            merchant_id=sanction.merchant_id,
            statement=statement,
            filed_by=actor.audit_label(),
            filed_by_user_id=actor.user_id,
            created_at=at,
        )
        if content is not None:
            data, extension = content
            appeal.file_name = (getattr(file, "name", "") or f"appeal{extension}")[-120:]
            appeal.file.save(f"appeal{extension}", ContentFile(data), save=False)
        appeal.save()
        sanction.data = {**sanction.data, "before_appeal": sanction.status}
        sanction.status = SanctionStatus.APPEALED
        sanction.save(update_fields=["status", "data", "updated_at"])
        audit_record(
            actor=actor,
            action="credit.appeal.file",
            merchant_id=sanction.merchant_id,
            subject_type="credit.sanction",
            subject_id=sanction.public_id,
            data={"step": sanction.step, "with_file": content is not None},
        )
        appeal_filed_notify(sanction, at=at)
    return appeal


def _note_checked(note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(
            fields={field: _("Give the reason for the decision: the shop reads it.")}
        )
    if len(note) > NOTE_MAX:
        raise ValidationFailed(fields={field: _("At most %(n)s characters.") % {"n": NOTE_MAX}})
    return note


def _undo(*, actor: Actor, sanction: Sanction, note: str) -> dict[str, Any]:
    """Undo what an overturned sanction changed, as far as it still can be: the warning cleared
    (if the shop is still only warned), the restriction lifted, the deposit put back, an exit
    proposal dropped. Says what it did."""
    merchant = Merchant.unscoped.get(pk=sanction.merchant_id)
    done: dict[str, Any] = {}
    if sanction.step == Step.WARN and merchant.status == MerchantStatus.WARNED:
        merchant_transition(actor=actor, merchant=merchant, action="clear_warning", reason=note)
        done["cleared"] = "warning"
    elif sanction.step == Step.RESTRICT and merchant.status == MerchantStatus.RESTRICTED:
        merchant_transition(actor=actor, merchant=merchant, action="lift_restriction", reason=note)
        done["cleared"] = "restriction"
    elif sanction.step == Step.DEPOSIT_INCREASE and "from" in sanction.data:
        merchant_deposit_set(
            actor=actor, merchant=merchant, amount=Decimal(sanction.data["from"]), note=note[:500]
        )
        done["deposit_restored"] = sanction.data["from"]
    return done


def _exit_confirm(*, actor: Actor, sanction: Sanction, note: str) -> None:
    merchant = Merchant.unscoped.get(pk=sanction.merchant_id)
    if merchant.status != MerchantStatus.EXITED:
        merchant_transition(actor=actor, merchant=merchant, action="exit", reason=note)


def _decided(sanction: Sanction, *, status: str, actor: Actor, note: str, at: datetime) -> None:
    sanction.status = status
    sanction.decided_at = at
    sanction.decided_by = actor.audit_label()
    sanction.decision_note = note
    sanction.save(
        update_fields=["status", "decided_at", "decided_by", "decision_note", "data", "updated_at"]
    )


def appeal_decide(*, actor: Actor, appeal: Appeal, decision: str, note: str) -> Appeal:
    """An administrator upholds or overturns an appeal. Overturning undoes what it can; upholding
    an appealed exit proposal confirms the exit (after the administrator's review)."""
    if not can_decide(actor):
        raise Forbidden()
    if decision not in AppealDecision.values:
        raise ValidationFailed(fields={"decision": _("Choose uphold or overturn.")})
    note = _note_checked(note)
    at = clock.now()
    with transaction.atomic():
        appeal = Appeal.unscoped.select_for_update().get(pk=appeal.pk)
        if appeal.decision:
            raise Conflict(_("This appeal was already decided."), code="credit.appeal_decided")
        sanction = _locked(appeal.sanction)
        exit_step = sanction.step == Step.EXIT
        if decision == AppealDecision.OVERTURN:
            sanction.data = {
                **sanction.data,
                "undone": _undo(actor=actor, sanction=sanction, note=note),
            }
            status = SanctionStatus.OVERTURNED
        elif exit_step:
            _exit_confirm(actor=actor, sanction=sanction, note=note)
            status = SanctionStatus.CONFIRMED
        else:
            status = SanctionStatus.UPHELD
        _decided(sanction, status=status, actor=actor, note=note, at=at)
        appeal.decision = decision
        appeal.decision_note = note
        appeal.decided_by = actor.audit_label()
        appeal.decided_at = at
        appeal.save(
            update_fields=["decision", "decision_note", "decided_by", "decided_at", "updated_at"]
        )
        audit_record(
            actor=actor,
            action=f"credit.appeal.{decision}",
            merchant_id=sanction.merchant_id,
            subject_type="credit.sanction",
            subject_id=sanction.public_id,
            data={"step": sanction.step, "status": status, "note": note, **sanction.data},
        )
        sanction_decided_notify(sanction, note=note, at=at)
    return appeal


def exit_decide(*, actor: Actor, sanction: Sanction, confirm: bool, note: str) -> Sanction:
    """An administrator decides a proposed exit after reviewing the shop: confirm (the shop
    exits) or decline. Never automatic, always with the reviewer's reason."""
    if not can_decide(actor):
        raise Forbidden()
    note = _note_checked(note)
    at = clock.now()
    with transaction.atomic():
        sanction = _locked(sanction)
        if sanction.step != Step.EXIT or sanction.status not in (
            SanctionStatus.PROPOSED,
            SanctionStatus.APPEALED,
        ):
            raise Conflict(_("This is not an open exit proposal."), code="credit.not_proposed")
        if confirm:
            _exit_confirm(actor=actor, sanction=sanction, note=note)
        status = SanctionStatus.CONFIRMED if confirm else SanctionStatus.DISMISSED
        _decided(sanction, status=status, actor=actor, note=note, at=at)
        appeal = Appeal.unscoped.filter(sanction=sanction, decision="").first()
        if appeal is not None:  # the exit decision answers the shop's appeal too
            appeal.decision = AppealDecision.UPHOLD if confirm else AppealDecision.OVERTURN
            appeal.decision_note, appeal.decided_by, appeal.decided_at = (
                note,
                actor.audit_label(),
                at,
            )
            appeal.save(
                update_fields=[
                    "decision",
                    "decision_note",
                    "decided_by",
                    "decided_at",
                    "updated_at",
                ]
            )
        audit_record(
            actor=actor,
            action="credit.exit.confirm" if confirm else "credit.exit.dismiss",
            merchant_id=sanction.merchant_id,
            subject_type="credit.sanction",
            subject_id=sanction.public_id,
            data={"note": note, "score": sanction.score},
        )
        sanction_decided_notify(sanction, note=note, at=at)
    return sanction


def _decimal(value: Any, field: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number < low or number > high:
        raise ValidationFailed(
            fields={
                field: _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            }
        )
    return number


def _int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            fields={
                field: _("Enter a whole number from %(low)s to %(high)s.")
                % {"low": low, "high": high}
            }
        )
    return value


def threshold_update(*, actor: Actor, step: str, data: dict[str, Any]) -> CreditThreshold:
    """An administrator edits one policy row of the ladder (fields given are changed)."""
    if not can_decide(actor):
        raise Forbidden()
    threshold = CreditThreshold.objects.filter(step=step).first()
    if threshold is None:
        raise NotFound()
    before = {
        "below": str(threshold.below),
        "days": threshold.days,
        "deposit_factor": str(threshold.deposit_factor) if threshold.deposit_factor else None,
        "grace_days": threshold.grace_days,
        "enabled": threshold.enabled,
    }
    if data.get("below") is not None:
        threshold.below = _decimal(data["below"], "below", Decimal(0), Decimal(100))
    if data.get("days") is not None:
        threshold.days = _int(data["days"], "days", 1, 30)
    if data.get("grace_days") is not None:
        threshold.grace_days = _int(data["grace_days"], "grace_days", 0, 365)
    if data.get("deposit_factor") is not None:
        if step != Step.DEPOSIT_INCREASE:
            raise ValidationFailed(
                fields={"deposit_factor": _("Only the deposit increase has a factor.")}
            )
        threshold.deposit_factor = _decimal(
            data["deposit_factor"], "deposit_factor", Decimal(1), Decimal(10)
        )
    if data.get("enabled") is not None:
        threshold.enabled = bool(data["enabled"])
    if data.get("note") is not None:
        threshold.note = str(data["note"]).strip()[:300]
    others = CreditThreshold.objects.exclude(pk=threshold.pk)
    order = list(Step)
    for other in others:
        higher = order.index(Step(other.step)) < order.index(Step(step))
        if (higher and other.below < threshold.below) or (
            not higher and other.below > threshold.below
        ):
            raise ValidationFailed(
                fields={
                    "below": _(
                        "Each step's line must be at or below the line of the step before it."
                    )
                }
            )
    threshold.updated_by = actor.audit_label()
    with transaction.atomic():
        threshold.save()
        audit_record(
            actor=actor,
            action="credit.threshold.update",
            subject_type="credit.threshold",
            subject_id=step,
            data={"from": before, "to": {k: data[k] for k in sorted(data) if data[k] is not None}},
        )
    return threshold
