"""Dashboard numbers for the cases an actor may see: counts by status, medians, overdue, a series.

Everything is computed with aggregate queries over the actor's scope (``Case.objects.for_actor``),
so a merchant sees their shops only and platform staff see every merchant. The medians need the single
durations, so those are computed in Python — but only over the cases approved or refunded in the
last 30 days, never over all cases.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.models import Deadline, DeadlineState

from .choices import TERMINAL, CaseStatus
from .models import Case, CaseEvent

WINDOW_DAYS = 30


@dataclass(frozen=True)
class DashboardStats:
    """What the dashboard teaser shows; hours are None when nothing happened in the window."""

    now: datetime
    by_status: dict[str, int]  # every status, as the cases stand now (zero counts included)
    open_total: int  # cases not refunded, completed or closed
    opened_today: int
    refunded_today: int
    overdue: int  # cases with a pending deadline that is already due
    median_hours_to_approve: float | None
    median_hours_to_refund: float | None
    approvals_counted: int
    refunds_counted: int
    days: list[date] = field(default_factory=list)  # the last 30 local days, oldest first
    opened_per_day: list[int] = field(default_factory=list)
    refunded_per_day: list[int] = field(default_factory=list)


def _day_start(day: date) -> datetime:
    """Midnight of a local (Asia/Shanghai) day, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _median_hours(
    cases: QuerySet[Case], *, action: str, since: datetime, until: datetime
) -> tuple[float | None, int]:
    """Median hours from a case's ``open`` event to its first ``action`` event, over the cases
    whose first such event falls in [since, until]."""
    recent = CaseEvent.objects.filter(
        action=action, created_at__gte=since, created_at__lte=until
    ).values("case_id")
    rows = (
        cases.filter(pk__in=recent)
        .annotate(
            opened_at=Min("events__created_at", filter=Q(events__action="open")),
            done_at=Min("events__created_at", filter=Q(events__action=action)),
        )
        .filter(done_at__gte=since)
        .values_list("opened_at", "done_at")
    )
    hours = [
        (done - opened).total_seconds() / 3600
        for opened, done in rows
        if opened is not None and done is not None
    ]
    if not hours:
        return None, 0
    return round(statistics.median(hours), 1), len(hours)


def _per_day(
    rows: QuerySet[CaseEvent] | QuerySet[Case], *, since: datetime, until: datetime
) -> dict[date, int]:
    """Rows per local day of their ``created_at`` within [since, until)."""
    counted = (
        rows.filter(created_at__gte=since, created_at__lt=until)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in counted}


def dashboard_stats(*, actor: Actor, merchant_id: int | None = None) -> DashboardStats:
    """The dashboard numbers for the cases ``actor`` may see (optionally one merchant of them)."""
    now = clock.now()
    today = timezone.localtime(now).date()
    tomorrow_start = _day_start(today + timedelta(days=1))
    first_day = today - timedelta(days=WINDOW_DAYS - 1)
    since = _day_start(first_day)

    cases = Case.objects.for_actor(actor)
    if merchant_id is not None:
        cases = cases.filter(merchant_id=merchant_id)

    counts = {
        row["status"]: row["n"] for row in cases.values("status").annotate(n=Count("pk")).order_by()
    }
    by_status = {status: counts.get(status, 0) for status in CaseStatus.values}
    open_total = sum(n for status, n in by_status.items() if status not in TERMINAL)

    refund_events = CaseEvent.objects.filter(action="refund", case__in=cases)
    opened = _per_day(cases, since=since, until=tomorrow_start)
    refunded = _per_day(refund_events, since=since, until=tomorrow_start)
    days = [first_day + timedelta(days=n) for n in range(WINDOW_DAYS)]

    overdue = (
        Deadline.objects.filter(
            subject_type="cases.case",
            state=DeadlineState.PENDING,
            due_at__lte=now,
            subject_id__in=cases.values("pk"),
        )
        .values("subject_id")
        .distinct()
        .count()
    )
    approve_hours, approvals = _median_hours(
        cases, action="approve", since=now - timedelta(days=WINDOW_DAYS), until=now
    )
    refund_hours, refunds = _median_hours(
        cases, action="refund", since=now - timedelta(days=WINDOW_DAYS), until=now
    )
    return DashboardStats(
        now=now,
        by_status=by_status,
        open_total=open_total,
        opened_today=opened.get(today, 0),
        refunded_today=refunded.get(today, 0),
        overdue=overdue,
        median_hours_to_approve=approve_hours,
        median_hours_to_refund=refund_hours,
        approvals_counted=approvals,
        refunds_counted=refunds,
        days=days,
        opened_per_day=[opened.get(day, 0) for day in days],
        refunded_per_day=[refunded.get(day, 0) for day in days],
    )
