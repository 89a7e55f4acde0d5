"""The platform console's pages for the screenshot run: (name, username, url builder)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from .world import dispute_of


def _case(world: Any) -> str:
    return reverse("console:case", args=[world.case.number])


def _lookup(world: Any) -> str:
    return reverse("console:lookup") + "?q=13812341234"


def _disputes(world: Any) -> str:
    dispute_of(world)
    return reverse("console_disputes:queue")


def _dispute(world: Any) -> str:
    return reverse("console_disputes:dispute", args=[dispute_of(world).number])


def _arbitration(world: Any) -> str:
    dispute_of(world)
    return reverse("console_disputes:arbitration")


PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("console-home", "agent", lambda world: reverse("console:home")),
    ("console-cases", "agent", lambda world: reverse("console:cases")),
    ("console-board", "agent", lambda world: reverse("console:board")),
    ("console-case", "agent", _case),
    ("console-lookup", "agent", _lookup),
    ("console-disputes", "agent", _disputes),
    ("console-dispute", "agent", _dispute),
    ("console-arbitration", "agent", _arbitration),
]
