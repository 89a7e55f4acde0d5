"""Periodic work of the feedback app: NPS invitations (beat, or the embedded sweeper loop)."""

from __future__ import annotations

import time

from celery import shared_task

from .services import nps_invite_due

EMBEDDED_EVERY_SECONDS = 3600.0
_last_run = {"at": float("-inf")}


@shared_task(name="anxin.feedback.nps_invite_due")
def nps_invite_due_task() -> int:
    """Invite the consumers served in the last 90 days to this quarter's NPS (idempotent)."""
    return nps_invite_due()


def nps_invite_job() -> int:
    """The embedded loop ticks every second; invitations need looking at once an hour."""
    now = time.monotonic()
    if now - _last_run["at"] < EMBEDDED_EVERY_SECONDS:
        return 0
    _last_run["at"] = now
    return nps_invite_due()
