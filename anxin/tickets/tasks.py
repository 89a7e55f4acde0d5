"""Celery tasks of the desk (beat schedules them when REDIS_URL is set)."""

from __future__ import annotations

import time

from celery import shared_task

from .followup import revisits_generate
from .nps import nps_invite_run

NPS_EMBEDDED_EVERY_SECONDS = 3600.0
_nps_last_run = {"at": float("-inf")}


@shared_task(name="anxin.tickets.revisits_generate")
def revisits_generate_task() -> int:
    """Create revisit tasks for repairs that completed (idempotent)."""
    return revisits_generate()


# The task keeps its feedback name: the beat schedule and messages already queued still find it.
@shared_task(name="anxin.feedback.nps_invite_due")
def nps_invite_due_task() -> int:
    """Invite the consumers served in the last 90 days to this quarter's NPS (idempotent)."""
    return nps_invite_run()


def nps_invite_job() -> int:
    """The embedded loop ticks every second; invitations need looking at once an hour."""
    now = time.monotonic()
    if now - _nps_last_run["at"] < NPS_EMBEDDED_EVERY_SECONDS:
        return 0
    _nps_last_run["at"] = now
    return nps_invite_run()
