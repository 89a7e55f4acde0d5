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
