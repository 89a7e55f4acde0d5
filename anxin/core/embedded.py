"""The embedded shape: a sweeper thread inside the development server (``make run``)."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from django.apps import apps
from django.conf import settings

logger = logging.getLogger(__name__)
_started = threading.Event()
# Periodic jobs other apps add to the embedded loop (registered in their AppConfig.ready). The
# outbox deliverer is one: without a Celery broker, e-mails and webhooks leave from this thread,
# never from the request that wrote them.
EMBEDDED_JOBS: list[Callable[[], object]] = []


def serving_process() -> bool:
    """True in the process that serves requests (runserver's reloader child, or --noreload)."""
    if "runserver" not in sys.argv:
        return False
    return os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv


def _loop_when_ready() -> None:
    """Wait until every app's ``ready()`` has run (the thread starts from the first one), so the
    first sweep never touches the database during app initialization."""
    from .sweeper import run_forever

    while not apps.ready:
        time.sleep(0.05)
    run_forever(interval=1.0, also=EMBEDDED_JOBS)


def embedded_sweeper_start() -> threading.Thread | None:
    """Start the sweeper loop in a daemon thread once, when the embedded shape asks for it."""
    if not settings.ANXIN_EMBEDDED_SWEEPER or not serving_process() or _started.is_set():
        return None
    _started.set()
    thread = threading.Thread(
        target=_loop_when_ready,
        name="anxin-sweeper",
        daemon=True,
    )
    thread.start()
    logger.info("embedded deadline sweeper started")
    return thread
