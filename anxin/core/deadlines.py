"""Arming and cancelling durable deadlines (the sweeper that fires them is in ``sweeper.py``)."""

from __future__ import annotations

from datetime import datetime

from django.db import models

from .models import Deadline, DeadlineState


def deadline_start(
    *,
    subject_type: str,
    subject_id: int,
    kind: str,
    action: str,
    due_at: datetime,
    at: datetime,
    rule: str = "",
    calendar: str = "natural",
    cancel_on_transition: bool = True,
    armed_version: int | None = None,
) -> Deadline:
    """Arm one deadline; it fires once, when the sweeper finds it due."""
    return Deadline.objects.create(
        subject_type=subject_type.lower(),
        subject_id=subject_id,
        kind=kind,
        action=action,
        rule=rule,
        calendar=calendar,
        due_at=due_at,
        created_at=at,
        cancel_on_transition=cancel_on_transition,
        armed_version=armed_version,
    )


def deadline_cancel_for(
    *, subject_type: str, subject_id: int, at: datetime, kinds: list[str] | None = None
) -> int:
    """Cancel the subject's pending deadlines that a state change makes moot.

    Rows a sweeper holds locked right now are skipped rather than waited for (no lock-order
    deadlock): such a row carries the subject's old ``state_version``, so when it comes due again
    it is recorded as a no-op instead of being applied to the new state.
    """
    query = Deadline.objects.filter(
        subject_type=subject_type.lower(),
        subject_id=subject_id,
        state=DeadlineState.PENDING,
    )
    if kinds is None:
        query = query.filter(cancel_on_transition=True)
    else:
        query = query.filter(kind__in=kinds)
    ids = list(query.select_for_update(skip_locked=True).values_list("pk", flat=True))
    if not ids:
        return 0
    return Deadline.objects.filter(pk__in=ids, state=DeadlineState.PENDING).update(
        state=DeadlineState.CANCELLED, fired_at=at, outcome="cancelled by a state change"
    )


def deadlines_open_for(*, subject_type: str, subject_id: int) -> models.QuerySet[Deadline]:
    return Deadline.objects.filter(
        subject_type=subject_type.lower(), subject_id=subject_id, state=DeadlineState.PENDING
    ).order_by("due_at")
