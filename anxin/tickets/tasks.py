"""Celery tasks of the desk (beat schedules them when REDIS_URL is set)."""

from __future__ import annotations

from celery import shared_task

from .followup import revisits_generate


@shared_task(name="anxin.tickets.revisits_generate")
def revisits_generate_task() -> int:
    """Create revisit tasks for repairs that completed (idempotent)."""
    return revisits_generate()
