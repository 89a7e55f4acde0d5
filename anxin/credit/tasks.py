"""The daily credit computation as a Celery task (beat, when REDIS_URL is set) and as a job of
the embedded loop (``make run``), which ticks every second and runs it once an hour — the
computation is idempotent per day, so an hourly run refreshes today's figures and takes any
step only once."""

from __future__ import annotations

import time

from celery import shared_task

from .recompute import credit_recompute

EMBEDDED_EVERY_SECONDS = 3600.0
_last_run = {"at": float("-inf")}


@shared_task(name="anxin.credit.recompute_daily")
def credit_recompute_task() -> dict[str, int]:
    result = credit_recompute()
    return {
        "merchants": result.merchants,
        "snapshots": result.snapshots,
        "tier_changes": result.tier_changes,
        "sanctions": len(result.sanctions),
    }


def credit_recompute_job() -> int:
    now = time.monotonic()
    if now - _last_run["at"] < EMBEDDED_EVERY_SECONDS:
        return 0
    _last_run["at"] = now
    return credit_recompute().snapshots
