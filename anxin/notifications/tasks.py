"""Celery task: deliver due outbox messages (scheduled by beat when REDIS_URL is set)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from .delivery import outbox_deliver_until_idle


@shared_task(name="anxin.notifications.outbox_deliver")
def outbox_deliver_task() -> Any:
    """Send every due e-mail and webhook this worker can claim (at least once, with retries)."""
    return outbox_deliver_until_idle()


def outbox_deliver_soon() -> None:
    """After a commit that wrote outbox rows: hand them to a worker, never send them here.

    With a broker (production) a Celery worker runs the task at once. Without one (the embedded
    shape: eager Celery, ``make run``) running the task would send in the request's own thread,
    so nothing is done: the embedded loop delivers within about a second (its job is registered
    in ``NotificationsConfig.ready``), as ``manage.py deliver_outbox`` does elsewhere.
    """
    if not getattr(settings, "ANXIN_OUTBOX_DELIVER_ON_COMMIT", True):
        return  # e.g. while the demo data is written
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    outbox_deliver_task.delay()
