"""Celery tasks of the core: the deadline sweep (scheduled by beat when REDIS_URL is set)."""

from __future__ import annotations

from celery import shared_task

from .audit import audit_chain_all
from .sweeper import sweep_until_idle


@shared_task(name="anxin.core.deadline_sweep")
def deadline_sweep_task(batch_size: int = 500) -> dict[str, int]:
    """Fire every due deadline this worker can claim; safe on any number of workers at once."""
    result = sweep_until_idle(batch_size=batch_size)
    return {
        "fired": result.fired,
        "noop": result.noop,
        "busy": result.busy,
        "retried": result.retried,
        "failed": result.failed,
    }


@shared_task(name="anxin.core.audit_chain")
def audit_chain_task() -> int:
    """Chain audit rows a crash left unchained (each is normally chained right after commit)."""
    return audit_chain_all()
