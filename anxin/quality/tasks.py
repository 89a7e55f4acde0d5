"""Celery tasks of product quality (beat schedules them when REDIS_URL is set): the daily scan
(control charts and sampling plans) and the monthly reports to merchants. Both are idempotent."""

from __future__ import annotations

import time

from celery import shared_task

from anxin.core import clock

from .report import quality_reports_send
from .scan import quality_scan

EMBEDDED_EVERY_SECONDS = 3600.0
_last: dict[str, float] = {"at": float("-inf")}
_last_day: dict[str, str] = {"day": ""}


@shared_task(name="anxin.quality.scan_daily")
def quality_scan_task() -> dict[str, int]:
    """Chart every SKU, raise the alerts due, run the sampling plans due, store the day's
    描述相符 scores."""
    result = quality_scan()
    return {
        "skus": result.skus,
        "alerts": len(result.alerts),
        "sampled": len(result.sampled),
        "scores": result.scores,
    }


@shared_task(name="anxin.quality.reports_monthly")
def quality_reports_task() -> int:
    """Send last month's quality report to every merchant that has not had it."""
    return quality_reports_send()


def quality_daily_job() -> int:
    """The embedded loop ticks every second: the scan runs once a day (looked at hourly), and
    the monthly reports go out with the first scan of a month."""
    now = time.monotonic()
    if now - _last["at"] < EMBEDDED_EVERY_SECONDS:
        return 0
    _last["at"] = now
    today = clock.localnow().date().isoformat()
    if _last_day["day"] == today:
        return 0
    _last_day["day"] = today
    alerts = len(quality_scan().alerts)
    return alerts + quality_reports_send()
