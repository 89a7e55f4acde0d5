"""The analytics refresh as a Celery task (beat runs it every few minutes when REDIS_URL is set)
and as a job of the development server's embedded loop. Both fold in only what changed since
the last run, under the refresh lock, so running them often or twice is harmless."""

from __future__ import annotations

import time

from celery import shared_task

from .refresh import RefreshResult, analytics_refresh

EMBEDDED_EVERY_SECONDS = 300.0
_last: dict[str, float] = {"at": float("-inf")}


def _summary(result: RefreshResult) -> dict[str, float | int | bool]:
    return {
        "facts": result.facts,
        "days": result.days,
        "delivered_days": result.delivered_days,
        "desk": result.desk,
        "seconds": round(result.seconds, 3),
        "skipped": result.skipped,
    }


@shared_task(name="anxin.analytics.refresh")
def analytics_refresh_task() -> dict[str, float | int | bool]:
    """Bring the case facts, the rollups, the deliveries and the desk's tables up to date."""
    return _summary(analytics_refresh())


def analytics_job() -> int:
    """The embedded loop ticks every second: the refresh runs at most every five minutes."""
    now = time.monotonic()
    if now - _last["at"] < EMBEDDED_EVERY_SECONDS:
        return 0
    _last["at"] = now
    return analytics_refresh().facts
