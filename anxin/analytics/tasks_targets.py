"""The daily check of service targets and the monthly publication of the transparency report, as
Celery tasks (beat schedules them when REDIS_URL is set) and as jobs of the development server's
embedded loop. Both are idempotent: a target alerts once per day, a month is published once."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from anxin.core import clock

from .alerts import targets_check
from .transparency import last_complete_month, transparency_publish

_last_day: dict[str, date | None] = {"targets": None, "transparency": None}


@shared_task(name="anxin.analytics.targets_check")
def targets_check_task() -> int:
    """Measure every active target over its window ending yesterday; alert the missed ones."""
    return targets_check()


@shared_task(name="anxin.analytics.transparency_publish")
def transparency_publish_task() -> str:
    """Publish last month's transparency report (nothing when it is already published)."""
    report, created = transparency_publish(last_complete_month())
    return f"{report} {'published' if created else 'already published'}"


def _once_a_day(name: str) -> bool:
    today = clock.localnow().date()
    if _last_day[name] == today:
        return False
    _last_day[name] = today
    return True


def targets_job() -> int:
    """The embedded loop ticks every second; targets are checked once a local day."""
    return targets_check() if _once_a_day("targets") else 0


def transparency_job() -> int:
    """Once a local day, publish last month's report if it is not published yet."""
    if not _once_a_day("transparency"):
        return 0
    _report, created = transparency_publish(last_complete_month())
    return int(created)
