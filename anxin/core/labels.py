"""A stored choice code in the reader's words."""

from __future__ import annotations

from typing import Any


def choice_label(choices: Any, value: str, *, unknown: str | None = None) -> str:
    """The translated label of ``value`` in the ``TextChoices`` class ``choices``; for a code the
    class no longer knows, ``unknown`` (or the code itself when ``unknown`` is None)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value if unknown is None else unknown
