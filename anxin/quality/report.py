"""The monthly quality report of a merchant: its SKUs' return rates against their categories over
the 90 days to the month's end, the alerts of the month, unfinished tasks and rectifications, the
描述相符 score and what to do — read by ``quality_report_for`` and sent once a month to every
merchant by ``quality_reports_send`` (idempotent: one ``MonthlyReport`` row per shop and month).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.catalog.models import Merchant, Sku
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import NotFound
from anxin.notifications.outbox import Subject, notify

from .accuracy import Score, accuracy_inputs, merchants_accuracy, sku_aspects
from .charts import Interval, wilson
from .choices import TASK_TERMINAL, Metric, RectificationStatus, TaskStatus
from .lexicon import AspectCount
from .models import MonthlyReport, QualityAlert, QualityTask, Rectification


@dataclass(frozen=True)
class MetricFigure:
    returns: int
    rate: float
    category_rate: float


@dataclass(frozen=True)
class SkuReportRow:
    sku_id: int
    code: str
    name: str
    category: str
    units: int
    rates: dict[str, MetricFigure]
    nad_interval: Interval
    flagged: bool
    aspects: list[AspectCount] = field(default_factory=list)


@dataclass(frozen=True)
class QualityReport:
    merchant_id: int
    month: date
    since: date
    until: date
    skus: list[SkuReportRow]
    alerts: list[QualityAlert]
    open_tasks: list[QualityTask]
    rectifications: list[Rectification]
    score: Score
    todo: list[str]


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def last_month(today: date | None = None) -> date:
    today = today or clock.localnow().date()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _todo(
    rows: list[SkuReportRow], tasks: list[QualityTask], rects: list[Rectification]
) -> list[str]:
    todo: list[str] = []
    for r in rects:
        todo.append(gettext("Submit the rectification of %(sku)s by %(due)s.")
                    % {"sku": r.task.sku.code, "due": r.due_at.date().isoformat()})  # fmt: skip
    for row in rows:
        if row.flagged:
            advice = "; ".join(a.advice for a in row.aspects[:2]) or gettext("Review the listing.")
            todo.append(gettext("%(sku)s is returned as not as described more often than its category: %(advice)s")
                        % {"sku": row.code, "advice": advice})  # fmt: skip
    for task in tasks:
        if task.status in (TaskStatus.OPEN, TaskStatus.INSPECTING):
            todo.append(gettext("%(sku)s is being inspected (task %(number)s): keep samples available.")
                        % {"sku": task.sku.code, "number": task.number})  # fmt: skip
    if not todo:
        todo.append(gettext("Nothing to put right this month. Keep it up."))
    return todo


def _report(merchant_id: int, month: date, accuracy: object, norms: dict[tuple[int, str], float],
            figures: dict, with_words: bool = True) -> QualityReport:  # fmt: skip
    first, last = month_bounds(month)
    acc = accuracy  # MerchantAccuracy
    skus = {pk: (code, name, cat) for pk, code, name, cat in Sku.objects.filter(
        merchant_id=merchant_id, pk__in=[s.sku_id for s in acc.skus]  # type: ignore[attr-defined]
    ).values_list("pk", "code", "name", "category__code")}  # fmt: skip
    rows: list[SkuReportRow] = []
    for s in acc.skus:  # type: ignore[attr-defined]
        f = figures[s.sku_id]
        rates = {
            m.value: MetricFigure(
                f.returns(m.value),
                f.returns(m.value) / f.units if f.units else 0.0,
                norms.get((f.category_id, m.value), 0.0),
            )
            for m in Metric
        }
        code, name, cat = skus.get(s.sku_id, ("", "", ""))
        rows.append(SkuReportRow(
            s.sku_id, code, name, cat, s.units, rates, wilson(s.returns, s.units), s.flagged,
            sku_aspects(sku_id=s.sku_id) if (s.flagged and with_words) else [],
        ))  # fmt: skip
    alerts = list(
        QualityAlert.unscoped.filter(
            merchant_id=merchant_id, raised_at__date__gte=first, raised_at__date__lte=last
        ).select_related("sku")
    )
    tasks = list(
        QualityTask.unscoped.filter(merchant_id=merchant_id)
        .exclude(status__in=TASK_TERMINAL)
        .select_related("sku")
    )
    rects = list(
        Rectification.unscoped.filter(
            merchant_id=merchant_id,
            status__in=[RectificationStatus.REQUESTED, RectificationStatus.OVERDUE],
        ).select_related("task", "task__sku")
    )
    return QualityReport(
        merchant_id=merchant_id,
        month=first,
        since=acc.since,  # type: ignore[attr-defined]
        until=acc.until,  # type: ignore[attr-defined]
        skus=rows,
        alerts=alerts,
        open_tasks=tasks,
        rectifications=rects,
        score=acc.score,  # type: ignore[attr-defined]
        todo=_todo(rows, tasks, rects),
    )


def quality_report_for(
    *, actor: Actor, merchant_id: int, month: date | None = None
) -> QualityReport:
    """A merchant's report for ``month`` (default: the current month so far)."""
    if not actor.can_see_merchant(merchant_id):
        raise NotFound()
    month = (month or clock.localnow().date()).replace(day=1)
    _first, last = month_bounds(month)
    today = min(last, clock.localnow().date())
    inputs = accuracy_inputs(merchant_ids=[merchant_id], today=today)
    accuracy = merchants_accuracy(merchant_ids=[merchant_id], inputs=inputs)[merchant_id]
    return _report(merchant_id, month, accuracy, inputs.norms, inputs.figures)


REPORT_TITLE = _("Your quality report for %(month)s")
REPORT_BODY = _(
    "Description accuracy score: %(score)s. Alerts this month: %(alerts)s. Unfinished quality "
    "tasks: %(tasks)s. Rectifications to submit: %(rects)s. What to do: %(todo)s"
)


def _summary(report: QualityReport) -> dict[str, object]:
    return {
        "score": report.score.value,
        "alerts": [a.number for a in report.alerts],
        "open_tasks": [t.number for t in report.open_tasks],
        "rectifications": [r.task.number for r in report.rectifications],
        "flagged": [row.code for row in report.skus if row.flagged],
        "window": [report.since.isoformat(), report.until.isoformat()],
    }


def quality_reports_send(*, month: date | None = None) -> int:
    """Send ``month``'s report (default: last month) to every merchant with deliveries or quality
    rows that has not had it; returns how many were sent."""
    month = (month or last_month()).replace(day=1)
    _first, last = month_bounds(month)
    done = set(MonthlyReport.unscoped.filter(month=month).values_list("merchant_id", flat=True))
    # One read of the window's deliveries for every shop: the figures, the norms and each
    # merchant's accuracy all come from it.
    inputs = accuracy_inputs(today=last)
    delivered = {f.merchant_id for f in inputs.figures.values()}
    with_rows = set(QualityTask.unscoped.values_list("merchant_id", flat=True).distinct())
    merchants = sorted((delivered | with_rows) - done)
    accuracy = merchants_accuracy(merchant_ids=merchants, inputs=inputs)
    sent = 0
    for merchant_id in merchants:
        report = _report(merchant_id, month, accuracy[merchant_id], inputs.norms, inputs.figures)
        try:
            with transaction.atomic():
                MonthlyReport.unscoped.create(
                    merchant_id=merchant_id,
                    month=month,
                    summary=_summary(report),
                    sent_at=clock.now(),
                )
                _send(report)
        except IntegrityError:  # sent by another run meanwhile
            continue
        sent += 1
    return sent


def _send(report: QualityReport) -> None:
    code = Merchant.unscoped.values_list("code", flat=True).get(pk=report.merchant_id)
    recipients = list(
        User.objects.filter(Q(memberships__merchant_id=report.merchant_id), is_active=True)
        .distinct()
        .only("pk", "email", "language")
        .order_by("pk")
    )

    def render() -> tuple[str, str]:
        params = {
            "month": report.month.strftime("%Y-%m"),
            "score": f"{report.score.value:.1f}",
            "alerts": len(report.alerts),
            "tasks": len(report.open_tasks),
            "rects": len(report.rectifications),
            "todo": " ".join(_todo(report.skus, report.open_tasks, report.rectifications)),
        }
        return str(REPORT_TITLE) % params, str(REPORT_BODY) % params

    notify(
        recipients=recipients,
        kind="quality_report",
        render=render,
        at=clock.now(),
        merchant_id=report.merchant_id,
        subject=Subject(type="quality.monthlyreport", number=f"{code}-{report.month:%Y-%m}"),
        email_event="quality.report_monthly",
        email_data={"month": report.month.strftime("%Y-%m")},
    )
