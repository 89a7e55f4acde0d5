"""Rows built once for a group of tests instead of once per test.

The rows live inside an outer transaction; each test's own transaction (pytest-django's ``db``)
nests in it as a savepoint, so whatever a test changes is rolled back after it, and the rows
themselves are rolled back when the group ends. Only for tests that use ``db``, never
``transactional_db`` (a flush would commit nothing and empty the tables under the group).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction


@contextmanager
def rows_for_the_group(django_db_blocker: Any) -> Iterator[None]:
    """Use in a class- or module-scoped fixture: build the rows inside, yield inside."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
