"""Merchant workbench pages for the screenshot run: (name, username, world -> url)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("merchant-home", "merchant", lambda world: "/shop/"),
    ("merchant-queue", "merchant", lambda world: "/shop/cases/"),
    ("merchant-case", "merchant", lambda world: f"/shop/cases/{world.case.number}/"),
    ("merchant-addresses", "merchant", lambda world: "/shop/addresses/"),
    ("merchant-notifications", "merchant", lambda world: "/shop/notifications/"),
]
