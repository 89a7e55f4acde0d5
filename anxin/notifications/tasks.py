"""Celery task: deliver due outbox messages (scheduled by beat when REDIS_URL is set)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .delivery import outbox_deliver_until_idle


@shared_task(name="anxin.notifications.outbox_deliver")
def outbox_deliver_task() -> Any:
    """Send every due e-mail and webhook this worker can claim (at least once, with retries)."""
    return outbox_deliver_until_idle()
