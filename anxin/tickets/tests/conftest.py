from __future__ import annotations

from typing import Any

import pytest

from .desk import Desk, build_desk


@pytest.fixture
def desk(db: Any) -> Desk:
    return build_desk()
