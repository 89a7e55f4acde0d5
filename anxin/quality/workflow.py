"""The quality task machine (DOMAIN.md §8) as data.

open → inspecting → passed | failed. A failed inspection takes the SKU off sale, deducts the
penalty from the merchant's deposit, publishes a notice (公示) and asks the merchant to rectify
(整改) by a deadline; the merchant's submission sends the task to re-inspection, which passes
(the SKU goes back on sale) or fails again (a new rectification request, the SKU stays off sale).
A rectification not submitted by its deadline makes the task ``overdue`` (the merchant may still
submit). What each move does besides changing the status is in ``effects.py``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.workflow import Start, Workflow, row

from .choices import InspectionResult
from .choices import TaskStatus as S

QI = Role.QUALITY_INSPECTOR
ADM = Role.ADMIN
M = (Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN)
SYS = Role.SYSTEM

RECTIFY_DAYS = 15  # default time the merchant gets to rectify (rule Q-1)
RECTIFY_MIN_DAYS, RECTIFY_MAX_DAYS = 3, 60  # what the inspector may set instead


def _until_due(task: Any) -> timedelta | None:
    if task.due_at is None:
        return None
    return max(task.due_at - clock.now(), timedelta(0))


def _latest_result(task: Any) -> str | None:
    found = task.inspections.filter(round=task.round).order_by("-inspected_at", "-pk").first()
    return found.result if found is not None else None


def _guard_passing_record(task: Any, actor: Any) -> Any:
    if _latest_result(task) != InspectionResult.PASS:
        return _("Record a passing inspection of this round first.")
    return None


def _guard_failing_record(task: Any, actor: Any) -> Any:
    if _latest_result(task) != InspectionResult.FAIL:
        return _("Record a failing inspection of this round first.")
    return None


DEADLINES: dict[str, list[Start]] = {
    S.FAILED: [Start("rectification", "lapse", _until_due,
                     "Q-1: the rectification was not submitted by its deadline")],
}  # fmt: skip

INSPECTED = [S.INSPECTING, S.REINSPECTING]

TRANSITIONS = [
    #    action      from                     to              roles        guard
    row("start",    [S.OPEN],                S.INSPECTING,   [QI, ADM]),
    row("pass",     INSPECTED,               S.PASSED,       [QI, ADM],   _guard_passing_record),
    row("fail",     INSPECTED,               S.FAILED,       [QI, ADM],   _guard_failing_record),
    row("rectify",  [S.FAILED, S.OVERDUE],   S.REINSPECTING, [*M]),
    row("lapse",    [S.FAILED],              S.OVERDUE,      [SYS]),
    row("cancel",   [S.OPEN, S.INSPECTING],  S.CANCELLED,    [QI, ADM]),
]  # fmt: skip


QUALITY_TASK_WORKFLOW = Workflow(
    model_label="quality.qualitytask",
    transitions=TRANSITIONS,
    tenant_of=lambda task: task.merchant_id,
    state_deadlines=DEADLINES,
)
