"""Reading product quality for an actor: alerts, tasks, inspections, rectifications, plans, the
public notices, and a SKU's control charts. Out of scope is NotFound, the same as missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from anxin.catalog.models import Sku
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import NotFound
from anxin.core.workflow import Workflow

from .charts import series_points
from .choices import TASK_TERMINAL, AlertStatus, Metric, RectificationStatus, TaskStatus
from .figures import category_rates, figures_load
from .models import (
    InspectionRecord,
    QualityAlert,
    QualityNotice,
    QualityTask,
    QualityTaskEvent,
    Rectification,
    SamplingPlan,
)
from .permissions import can_inspect, can_rectify
from .workflow import QUALITY_TASK_WORKFLOW

TASK_QUEUES = ("open", "mine", "waiting_merchant", "reinspect", "all")


def alert_list_for(
    *, actor: Actor, status: str | None = None, merchant: str | None = None
) -> QuerySet[QualityAlert]:
    rows = QualityAlert.objects.for_actor(actor).select_related("sku", "merchant", "category")
    if status:
        rows = rows.filter(status=status)
    if merchant:
        rows = rows.filter(merchant__code=merchant)
    return rows.order_by("-raised_at", "-pk")


def alert_get_for(*, actor: Actor, number: str) -> QualityAlert:
    found = alert_list_for(actor=actor).filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


def task_list_for(
    *,
    actor: Actor,
    status: str | None = None,
    queue: str = "all",
    merchant: str | None = None,
) -> QuerySet[QualityTask]:
    rows = QualityTask.objects.for_actor(actor).select_related("sku", "merchant", "alert")
    if status:
        rows = rows.filter(status=status)
    if merchant:
        rows = rows.filter(merchant__code=merchant)
    if queue == "open":
        rows = rows.filter(status=TaskStatus.OPEN)
    elif queue == "mine":
        rows = rows.filter(inspector_id=actor.user_id, closed_at__isnull=True)
    elif queue == "waiting_merchant":
        rows = rows.filter(status__in=[TaskStatus.FAILED, TaskStatus.OVERDUE])
    elif queue == "reinspect":
        rows = rows.filter(status=TaskStatus.REINSPECTING)
    return rows.order_by("-opened_at", "-pk")


def task_get_for(*, actor: Actor, number: str) -> QualityTask:
    found = (
        task_list_for(actor=actor)
        .filter(number=number)
        .prefetch_related(
            Prefetch("events", queryset=QualityTaskEvent.objects.order_by("created_at", "pk")),
            Prefetch("inspections", queryset=InspectionRecord.unscoped.order_by("round", "pk")),
            Prefetch("rectifications", queryset=Rectification.unscoped.order_by("round")),
        )
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def task_actions_for(
    *, actor: Actor, task: QualityTask, workflow: Workflow = QUALITY_TASK_WORKFLOW
) -> list[str]:
    """What ``actor`` may do with the task now: ``inspect`` (record an inspection, which passes
    or fails it), ``start``, ``cancel``, ``rectify``."""
    actions: list[str] = []
    if can_inspect(actor):
        if task.status in (TaskStatus.OPEN, TaskStatus.INSPECTING, TaskStatus.REINSPECTING):
            actions.append("inspect")
        if task.status == TaskStatus.OPEN:
            actions.append("start")
        if task.status in (TaskStatus.OPEN, TaskStatus.INSPECTING):
            actions.append("cancel")
    if can_rectify(actor) and task.status in (TaskStatus.FAILED, TaskStatus.OVERDUE):
        actions.append("rectify")
    return actions


def rectification_list_for(*, actor: Actor, open_only: bool = False) -> QuerySet[Rectification]:
    rows = Rectification.objects.for_actor(actor).select_related("task", "task__sku")
    if open_only:
        rows = rows.filter(status__in=[RectificationStatus.REQUESTED, RectificationStatus.OVERDUE])
    return rows.order_by("due_at", "pk") if open_only else rows.order_by("-requested_at", "-pk")


def rectification_get_for(*, actor: Actor, public_id: str) -> Rectification:
    """One rectification the actor may read (platform staff, the shop); NotFound otherwise."""
    try:
        found = rectification_list_for(actor=actor).filter(public_id=public_id).first()
    except ValidationError:  # not a UUID
        found = None
    if found is None:
        raise NotFound()
    return found


def rectification_file_get_for(*, actor: Actor, public_id: str) -> Rectification:
    """A rectification whose attached file the actor may download (the shop, inspectors and
    platform staff); NotFound when out of scope or without a file. Serve ``.file`` with
    ``.file_content_type`` (a PDF under a sandbox CSP, as inspection reports)."""
    found = rectification_get_for(actor=actor, public_id=public_id)
    if not found.file:
        raise NotFound()
    return found


def inspection_list_for(
    *, actor: Actor, task: QualityTask | None = None
) -> QuerySet[InspectionRecord]:
    rows = InspectionRecord.objects.for_actor(actor).select_related("task", "task__sku")
    if task is not None:
        rows = rows.filter(task=task)
    return rows.order_by("-inspected_at", "-pk")


def inspection_get_for(*, actor: Actor, public_id: str) -> InspectionRecord:
    try:
        found = inspection_list_for(actor=actor).filter(public_id=public_id).first()
    except Exception:  # not a UUID
        found = None
    if found is None:
        raise NotFound()
    return found


def plan_list_for(*, actor: Actor) -> QuerySet[SamplingPlan]:
    return (
        SamplingPlan.objects.for_actor(actor)
        .select_related("category")
        .order_by("next_run_at", "pk")
    )


def plan_get_for(*, actor: Actor, pk: int) -> SamplingPlan:
    found = plan_list_for(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def notice_list_public(*, merchant: str | None = None) -> QuerySet[QualityNotice]:
    """Every published notice (public: nothing in a notice is personal)."""
    rows = QualityNotice.unscoped.all()
    if merchant:
        rows = rows.filter(merchant__code=merchant)
    return rows.order_by("-published_at", "-pk")


def notice_get_public(*, number: str) -> QualityNotice:
    found = notice_list_public().filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


def open_alert_count(*, actor: Actor) -> int:
    return QualityAlert.objects.for_actor(actor).filter(status=AlertStatus.OPEN).count()


def unfinished_tasks(*, actor: Actor) -> QuerySet[QualityTask]:
    return task_list_for(actor=actor).exclude(status__in=TASK_TERMINAL)


# --- control charts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPoint:
    week: date
    returns: int
    units: int
    rate: float
    centre: float
    ucl: float
    charted: bool
    signal: bool


@dataclass(frozen=True)
class ChartSeries:
    metric: str
    label: str
    points: list[ChartPoint]


def chart_for(
    *, actor: Actor, sku: Sku, metric: str | None = None, weeks: int = 26
) -> list[ChartSeries]:
    """The SKU's p-charts (one per metric) as the scan sees them, oldest week first."""
    if not actor.can_see_merchant(sku.merchant_id):
        raise NotFound()
    today = clock.localnow().date()
    monday = today - timedelta(days=today.weekday())
    since = monday - timedelta(weeks=weeks - 1)
    figures = figures_load(since=since, until=today, category_ids=[sku.category_id])
    norms = category_rates(figures)
    mine = figures.get(sku.pk)
    series: list[ChartSeries] = []
    for m in Metric:
        if metric and m.value != metric:
            continue
        rows = mine.series(m.value) if mine else []
        norm = norms.get((sku.category_id, m.value), 0.0)
        points = series_points([(r, u) for _w, r, u in rows], norm)
        series.append(ChartSeries(m.value, str(m.label), [
            ChartPoint(week, p.defects, p.units, p.rate, p.p0, p.ucl, p.charted, p.signal)
            for (week, _r, _u), p in zip(rows, points, strict=True)
        ]))  # fmt: skip
    return series
