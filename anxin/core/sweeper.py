"""The deadline sweeper: claims due deadlines and applies their actions exactly once.

A batch is one transaction: due rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` (on
PostgreSQL; SQLite serialises writers instead), each action runs through the subject's workflow as
actor ``system`` in a savepoint, and the rows are marked in the same transaction. A crash anywhere
rolls the whole batch back, so an action and its "fired" mark are committed together or not at all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import close_old_connections, transaction

from . import clock
from .actors import SYSTEM
from .errors import DomainError, NotFound
from .models import Deadline, DeadlineState
from .workflow import SubjectBusy, transition, workflow_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass
class SweepResult:
    fired: int = 0
    noop: int = 0
    busy: int = 0
    failed: int = 0
    retried: int = 0
    outcomes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return self.fired + self.noop + self.busy + self.failed + self.retried


def _apply(deadline: Deadline) -> None:
    workflow = workflow_for(deadline.subject_type)
    transition(
        workflow,
        subject=deadline.subject_id,
        action=deadline.action,
        actor=SYSTEM,
        reason=deadline.rule or deadline.kind,
        data={"deadline": deadline.pk, "kind": deadline.kind, "auto": True},
        skip_locked=True,
        expected_version=deadline.armed_version if deadline.cancel_on_transition else None,
    )


def deadline_sweep(*, batch_size: int = 200, now: datetime | None = None) -> SweepResult:
    """Fire up to ``batch_size`` due deadlines; safe to run from any number of processes at once."""
    now = now or clock.now()
    result = SweepResult()
    with transaction.atomic():
        batch = list(
            Deadline.objects.select_for_update(skip_locked=True)
            .filter(state=DeadlineState.PENDING, due_at__lte=now)
            .order_by("due_at", "pk")[:batch_size]
        )
        changed: list[Deadline] = []
        for deadline in batch:
            try:
                with transaction.atomic():
                    _apply(deadline)
            except SubjectBusy:
                result.busy += 1  # someone is changing the subject; look again next sweep
                continue
            except (DomainError, LookupError, NotFound) as exc:
                deadline.state = DeadlineState.NOOP
                deadline.outcome = f"{getattr(exc, 'code', type(exc).__name__)}: {exc}"[:300]
                result.noop += 1
            except Exception as exc:
                logger.exception("deadline %s failed", deadline.pk)
                deadline.attempts += 1
                deadline.outcome = f"error: {exc}"[:300]
                if deadline.attempts >= MAX_ATTEMPTS:
                    deadline.state = DeadlineState.FAILED
                    result.failed += 1
                else:
                    deadline.due_at = now + timedelta(minutes=2**deadline.attempts)
                    result.retried += 1
            else:
                deadline.state = DeadlineState.FIRED
                deadline.outcome = "applied"
                result.fired += 1
            deadline.fired_at = now if deadline.state != DeadlineState.PENDING else None
            changed.append(deadline)
            result.outcomes.append((deadline.pk, deadline.state))
        if changed:
            Deadline.objects.bulk_update(
                changed, ["state", "outcome", "fired_at", "attempts", "due_at"], batch_size=500
            )
    return result


def sweep_until_idle(
    *, batch_size: int = 200, now: datetime | None = None, stop: threading.Event | None = None
) -> SweepResult:
    """Sweep batch after batch until nothing due is left that this sweeper could claim (or a
    stop is asked for: checked between batches, so a backlog never delays a shutdown)."""
    total = SweepResult()
    while stop is None or not stop.is_set():
        step = deadline_sweep(batch_size=batch_size, now=now)
        for name in ("fired", "noop", "busy", "failed", "retried"):
            setattr(total, name, getattr(total, name) + getattr(step, name))
        total.outcomes.extend(step.outcomes)
        if step.claimed - step.busy == 0:
            return total
    return total


def run_forever(
    *,
    interval: float = 1.0,
    batch_size: int = 200,
    stop: threading.Event | None = None,
    also: Sequence[Callable[[], object]] = (),
) -> None:
    """The sweeper loop used by ``manage.py run_sweeper`` and the embedded thread; ``also`` are
    other periodic jobs of the embedded shape (e.g. delivering the outbox)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        close_old_connections()
        try:
            step = sweep_until_idle(batch_size=batch_size, stop=stop)
            if step.claimed:
                logger.info(
                    "sweep: fired=%s noop=%s busy=%s retried=%s failed=%s",
                    step.fired,
                    step.noop,
                    step.busy,
                    step.retried,
                    step.failed,
                )
        except Exception:
            logger.exception("sweep failed; retrying after %ss", interval)
        for job in also:
            try:
                job()
            except Exception:
                logger.exception("periodic job %s failed", getattr(job, "__name__", job))
        stop.wait(interval)
    close_old_connections()
