from __future__ import annotations

from typing import Any

import pytest

from anxin.tickets.tests.conftest import _module_desk, shared_desk  # noqa: F401 (fixtures)
from anxin.tickets.tests.desk import Desk, build_desk
from anxin.web.tests.conftest import reseed


@pytest.fixture
def desk(db: Any) -> Desk:
    reseed()
    return build_desk()
