"""The platform's business-hours calendar, built from the CalendarDay table."""

from __future__ import annotations

from datetime import datetime, timedelta

from .calendars import BusinessCalendar
from .models import CalendarDay


def business_calendar() -> BusinessCalendar:
    """09:00–18:00, Monday to Friday, less public holidays, plus make-up working days."""
    days = list(CalendarDay.objects.values_list("date", "kind"))
    return BusinessCalendar(
        holidays=frozenset(d for d, kind in days if kind == CalendarDay.HOLIDAY),
        workdays=frozenset(d for d, kind in days if kind == CalendarDay.WORKDAY),
    )


def business_due(start: datetime, delay: timedelta) -> datetime:
    return business_calendar().add(start, delay)
