"""The next deadline a dispute waits on in each state (``Dispute.due_at``/``due_kind``): set after
every step, read by the deadlines of ``workflow.py`` (which count to it) and by every page."""

from __future__ import annotations

from datetime import datetime

from anxin.core.workflow import StepContext

from .choices import DisputeStatus as S
from .choices import Remedy, RoundStatus
from .models import Dispute
from .rulings import first_ruling
from .workflow import (
    APPEAL_TARGET,
    APPEAL_WINDOW,
    ARBITRATION_TARGET,
    EXECUTION,
    MEDIATION_TARGET,
    NEGOTIATION,
    NEGOTIATION_LAPSE,
)


def next_due(dispute: Dispute) -> tuple[datetime | None, str]:
    """The deadline the dispute waits on in its current state, and its kind."""
    status = dispute.status
    if status == S.NEGOTIATING:
        if dispute.merchant_answered_at is None:
            return dispute.opened_at + NEGOTIATION, "negotiation"
        return dispute.opened_at + NEGOTIATION_LAPSE, "negotiation_lapse"
    if status == S.MEDIATION and dispute.intervened_at is not None:
        return dispute.intervened_at + MEDIATION_TARGET, "mediation_target"
    if status == S.ARBITRATION and dispute.referred_at is not None:
        return dispute.referred_at + ARBITRATION_TARGET, "arbitration_target"
    if status == S.APPEALED and dispute.appealed_at is not None:
        return dispute.appealed_at + APPEAL_TARGET, "appeal_target"
    if status == S.AWAITING_EVIDENCE:
        found = dispute.rounds.filter(status=RoundStatus.OPEN).first()
        return (found.due_at, "evidence_round") if found else (None, "")
    if status == S.JURY:
        return dispute.jury_until, "jury"
    if status == S.SUSPENDED:
        return dispute.suspended_until, "suspension"
    if status == S.RULED and dispute.ruled_at is not None:
        ruling = first_ruling(dispute)
        immediate = ruling.remedy == Remedy.REJECT
        return (dispute.ruled_at if immediate else dispute.ruled_at + EXECUTION), "execution"
    if status == S.EXECUTED and dispute.ruled_at is not None:
        return dispute.ruled_at + APPEAL_WINDOW, "appeal_window"
    return None, ""


def set_next_due(step: StepContext) -> None:
    dispute: Dispute = step.subject
    dispute.due_at, dispute.due_kind = next_due(dispute)
    dispute.save(update_fields=["due_at", "due_kind", "updated_at"])
