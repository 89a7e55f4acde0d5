"""Merchant workbench pages for the screenshot run: (name, username, world -> url)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .world import dispute_of


def _disputes(world: Any) -> str:
    dispute_of(world)  # the queue shows one dispute waiting for the merchant's answer
    return "/shop/disputes/"


def _dispute(world: Any) -> str:
    return f"/shop/disputes/{dispute_of(world).number}/"


PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("merchant-home", "merchant", lambda world: "/shop/"),
    ("merchant-queue", "merchant", lambda world: "/shop/cases/"),
    ("merchant-case", "merchant", lambda world: f"/shop/cases/{world.case.number}/"),
    ("merchant-addresses", "merchant", lambda world: "/shop/addresses/"),
    ("merchant-notifications", "merchant", lambda world: "/shop/notifications/"),
    ("merchant-disputes", "merchant", _disputes),
    ("merchant-dispute", "merchant", _dispute),
    ("merchant-deposit", "merchant", lambda world: "/shop/deposit/"),
    ("merchant-credit", "merchant", lambda world: "/shop/credit/"),
    ("merchant-reviews", "merchant", lambda world: "/shop/reviews/"),
    ("merchant-quality", "merchant", lambda world: "/shop/quality/"),
]
