"""How a deadline's due time is computed: natural time, or business hours of a calendar.

Core knows only natural time; the policies app registers the business-hours calendar (09:00–18:00,
weekends, Chinese public holidays and make-up workdays from its table) when it starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

DueFunction = Callable[[datetime, timedelta], datetime]

_CALENDARS: dict[str, DueFunction] = {"natural": lambda start, delay: start + delay}


def calendar_register(name: str, due: DueFunction) -> None:
    _CALENDARS[name] = due


def due_at(calendar: str, start: datetime, delay: timedelta) -> datetime:
    """When a deadline of ``delay`` started at ``start`` falls due on ``calendar``."""
    try:
        return _CALENDARS[calendar](start, delay)
    except KeyError:
        raise LookupError(f"no calendar named {calendar!r}") from None
