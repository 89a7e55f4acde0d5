"""The daily quality scan: every SKU's p-charts (defective, not as described, damaged) over its
weekly delivery cohorts of the last ``HISTORY_WEEKS`` weeks, and routine sampling plans that are
due. Idempotent: run it as often as you like (``manage.py quality_scan``, the Celery beat task,
the embedded loop).

A cohort among the last ``RECENT_WEEKS`` that signals (``charts.point``) raises an alert unless
the SKU already has an open one or that cohort and metric already raised one; of several signals
of one SKU, the least probable under its baseline is raised. Each alert opens a quality task.
Last, every merchant's 描述相符 score of the day is stored (``scores.py``) for the public pages.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction

from anxin.catalog.choices import SkuStatus
from anxin.catalog.models import Sku
from anxin.core import clock
from anxin.core.actors import SYSTEM

from .charts import series_points
from .choices import AlertStatus, BaselineSource, Metric, PlanFrequency, TaskOrigin
from .figures import SkuFigures, category_rates, figures_load
from .models import QualityAlert, QualityTask, SamplingPlan
from .scores import accuracy_scores_store
from .services import alert_raise, task_open

logger = logging.getLogger(__name__)

HISTORY_WEEKS = 26
RECENT_WEEKS = 4


@dataclass(frozen=True)
class Signal:
    sku_id: int
    merchant_id: int
    category_id: int
    metric: str
    week: date
    returns: int
    units: int
    centre: float
    ucl: float
    tail: float
    baseline_units: int
    young: bool


@dataclass
class ScanResult:
    skus: int = 0
    signals: int = 0
    alerts: list[str] = field(default_factory=list)
    sampled: list[str] = field(default_factory=list)
    scores: int = 0  # merchants whose daily 描述相符 score was stored


def sku_signals(
    figures: SkuFigures, norms: dict[tuple[int, str], float], since_week: date
) -> list[Signal]:
    """The signalling cohorts of one SKU from ``since_week`` on, every metric."""
    found: list[Signal] = []
    for metric in Metric:
        series = figures.series(metric.value)
        norm = norms.get((figures.category_id, metric.value), 0.0)
        points = series_points([(r, u) for _w, r, u in series], norm)
        for (week, _r, _u), p in zip(series, points, strict=True):
            if p.signal and week >= since_week:
                found.append(Signal(
                    figures.sku_id, figures.merchant_id, figures.category_id, metric.value,
                    week, p.defects, p.units, p.p0, p.ucl, p.tail, p.history_units, p.young,
                ))  # fmt: skip
    return found


def quality_scan(*, today: date | None = None) -> ScanResult:
    """Chart every SKU delivered in the history window and raise the alerts due (see above)."""
    today = today or clock.localnow().date()
    since = week_of_date(today) - timedelta(weeks=HISTORY_WEEKS - 1)
    since_week = week_of_date(today) - timedelta(weeks=RECENT_WEEKS - 1)
    figures = figures_load(since=since, until=today)
    norms = category_rates(figures)
    result = ScanResult(skus=len(figures))
    busy = set(
        QualityAlert.unscoped.filter(status=AlertStatus.OPEN).values_list("sku_id", flat=True)
    )
    raised = set(
        QualityAlert.unscoped.filter(period_start__gte=since_week).values_list(
            "sku_id", "metric", "period_start"
        )
    )
    for sku_figures in figures.values():
        if sku_figures.sku_id in busy:
            continue
        signals = [
            s
            for s in sku_signals(sku_figures, norms, since_week)
            if (s.sku_id, s.metric, s.week) not in raised
        ]
        result.signals += len(signals)
        if not signals:
            continue
        worst = min(signals, key=lambda s: (s.tail, s.week))
        try:
            alert = alert_raise(
                sku_id=worst.sku_id,
                metric=worst.metric,
                period_start=worst.week,
                returns=worst.returns,
                units=worst.units,
                centre=worst.centre,
                ucl=worst.ucl,
                tail=worst.tail,
                baseline_source=BaselineSource.CATEGORY if worst.young else BaselineSource.SKU,
                baseline_units=worst.baseline_units,
            )
        except IntegrityError:  # another scan raised it first
            continue
        result.alerts.append(alert.number)
    result.sampled = sampling_run_due()
    result.scores = accuracy_scores_store(today=today)
    return result


def week_of_date(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_run(plan: SamplingPlan, after: datetime) -> datetime:
    if plan.frequency == PlanFrequency.WEEKLY:
        return after + timedelta(weeks=1)
    months = 1 if plan.frequency == PlanFrequency.MONTHLY else 3
    month = after.month - 1 + months
    year = after.year + month // 12
    day = min(after.day, 28)
    return after.replace(year=year, month=month % 12 + 1, day=day)


def sampling_run_due(*, now: datetime | None = None) -> list[str]:
    """Run every active plan whose time has come: draw its SKUs at random among the category's
    listed SKUs without an unfinished task, open a task for each, and set the next run."""
    now = now or clock.now()
    opened: list[str] = []
    due = SamplingPlan.unscoped.filter(active=True, next_run_at__lte=now).values_list(
        "pk", flat=True
    )
    for plan_id in list(due):
        with transaction.atomic():
            plan = SamplingPlan.unscoped.select_for_update().filter(pk=plan_id).first()
            if plan is None or not plan.active or plan.next_run_at > now:
                continue
            unfinished = QualityTask.unscoped.filter(closed_at__isnull=True).values("sku_id")
            candidates = list(
                Sku.objects.filter(category_id=plan.category_id, status=SkuStatus.LISTED)
                .exclude(pk__in=unfinished)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            rng = random.Random(f"{plan.pk}:{plan.next_run_at.isoformat()}")
            for sku_id in rng.sample(candidates, min(plan.sample_skus, len(candidates))):
                task = task_open(actor=SYSTEM, sku_id=sku_id, origin=TaskOrigin.SAMPLING, plan=plan)
                opened.append(task.number)
            plan.last_run_at = now
            plan.next_run_at = _next_run(plan, max(plan.next_run_at, now))
            plan.save(update_fields=["last_run_at", "next_run_at", "updated_at"])
    return opened
