"""The one source of "now" for domain code, controllable in tests and demos.

Domain code calls ``clock.now()`` instead of ``timezone.now()`` so that deadlines can be tested by
moving time rather than by sleeping. The override is process-wide on purpose: sweeper threads started
by a test see the same time as the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from threading import Lock

from django.utils import timezone

_lock = Lock()
_frozen: datetime | None = None


def now() -> datetime:
    """Aware current time (UTC), or the frozen time when a test froze the clock."""
    return _frozen if _frozen is not None else timezone.now()


def localnow() -> datetime:
    """Current time in the configured time zone (Asia/Shanghai by default)."""
    return timezone.localtime(now())


def freeze(at: datetime) -> None:
    global _frozen
    if timezone.is_naive(at):
        raise ValueError("clock.freeze() needs an aware datetime")
    with _lock:
        _frozen = at


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock forward (freezes it at the real time first if it was running)."""
    global _frozen
    with _lock:
        _frozen = (_frozen or timezone.now()) + delta
        return _frozen


def unfreeze() -> None:
    global _frozen
    with _lock:
        _frozen = None


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    previous = _frozen
    freeze(at)
    try:
        yield
    finally:
        with _lock:
            globals()["_frozen"] = previous
