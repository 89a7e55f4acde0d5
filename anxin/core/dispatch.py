"""Side effects leave only after the transaction commits (Zulip's queue_event_on_commit)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def on_commit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run ``func(*args, **kwargs)`` after the current transaction commits; never on rollback.

    ``robust=True``: one failing side effect is logged and does not stop the others.
    """
    transaction.on_commit(lambda: func(*args, **kwargs), robust=True)


class _Once:
    """A commit callback that remembers whether it ran (a test's captured callbacks stay listed)."""

    def __init__(self, func: Callable[[], Any]) -> None:
        self.func = func
        self.ran = False
        # Django names the callback by ``__qualname__`` when it logs a failure.
        self.__qualname__ = f"once({getattr(func, '__qualname__', func)!r})"

    def __call__(self) -> None:
        self.ran = True
        self.func()


def on_commit_once(func: Callable[[], Any]) -> None:
    """Run ``func()`` once after the current transaction commits, however often it is asked for
    in that transaction; never on rollback. Outside a transaction it runs at once.

    The pending callbacks of the connection are the memory: a savepoint that rolls back drops
    the callback it registered, so the next request registers it again.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _sids, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _Once) and callback.func is func and not callback.ran:
                return
    transaction.on_commit(_Once(func), robust=True)
