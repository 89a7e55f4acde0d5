from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from anxin.core import clock
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.web.tests.conftest import reseed
from anxin.web.tests.world import NOW

from .desk import Desk, build_desk


@pytest.fixture
def desk(db: Any) -> Desk:
    return build_desk()


@pytest.fixture(scope="module")
def _module_desk(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Desk]:
    with rows_for_the_group(django_db_blocker):
        with django_db_blocker.unblock():
            reseed()  # a browser test on this worker may have flushed the seeded rows
            built = build_desk()
        clock.unfreeze()
        yield built


@pytest.fixture
def shared_desk(_module_desk: Desk, db: Any) -> Desk:
    """The desk built once per module (a module opts in by defining ``desk`` as this): what a
    test changes in the database rolls back after it, and each test gets its own copy of the
    objects, so one that changes an object in memory leaves the next test's desk as built."""
    clock.freeze(NOW)
    return copy.deepcopy(_module_desk)
