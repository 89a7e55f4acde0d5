"""The business calendar: a year's public holidays and make-up working days (调休), as month grids
and a list; set or clear a day's override. Business-hours deadlines read this table."""

from __future__ import annotations

import calendar as month_math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.core import clock
from anxin.core.errors import DomainError
from anxin.policies.models import CalendarDay
from anxin.policies.services import calendar_day_clear, calendar_day_set

from ..common import ADMINS, actor, audience
from .common import INVALID, is_zh, name_of, page, posted, refused

FIRST_YEAR, LAST_YEAR = 2000, 2100
DAY_FIELDS = ("date", "kind", "name_zh", "name_en")


@dataclass(frozen=True)
class Cell:
    day: date
    in_month: bool
    kind: str  # "holiday", "workday", "weekend" or ""
    title: str
    today: bool


def _short_weekday(number: int) -> str:
    """ "Mon" in English; "一" rather than "星期一" in Chinese (a month grid is narrow)."""
    name = str(WEEKDAYS_ABBR[number])
    return name[-1] if is_zh() and len(name) > 1 else name


def _year(request: HttpRequest, today: date) -> int:
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= LAST_YEAR else today.year


def _months(year: int, days: dict[date, CalendarDay], today: date) -> list[dict[str, Any]]:
    weeks_of = month_math.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in weeks_of.monthdatescalendar(year, month):
            cells = []
            for d in week:
                override = days.get(d)
                if override is not None:
                    kind, title = override.kind, name_of(override)
                else:
                    kind, title = ("weekend" if d.weekday() >= 5 else ""), ""
                cells.append(Cell(d, d.month == month, kind, title, d == today))
            weeks.append(cells)
        months.append({"number": month, "name": MONTHS[month], "weeks": weeks})
    return months


def _render(
    request: HttpRequest,
    year: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate(clock.now())
    rows = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    days = {row.date: row for row in rows}
    if form is None:
        form = {"date": "", "kind": CalendarDay.HOLIDAY, "name_zh": "", "name_en": ""}
        wanted = request.GET.get("date", "")
        try:
            chosen = date.fromisoformat(wanted) if wanted else None
        except ValueError:
            chosen = None
        if chosen is not None:
            existing = days.get(chosen) or CalendarDay.objects.filter(date=chosen).first()
            form["date"] = chosen.isoformat()
            if existing is not None:
                form.update(
                    kind=existing.kind,
                    name_zh=existing.name_zh,
                    name_en=existing.name_en,
                    provisional=existing.provisional,
                )
            elif chosen.weekday() >= 5:
                form["kind"] = CalendarDay.WORKDAY
    context = {
        "year": year,
        "years": (year - 1, year + 1),
        "months": _months(year, days, today),
        "weekdays": [(_short_weekday(i), WEEKDAYS[i]) for i in range(7)],
        "rows": [
            {"row": row, "weekday": WEEKDAYS[row.date.weekday()], "name": name_of(row)}
            for row in rows
        ],
        "provisional": sum(1 for row in rows if row.provisional),
        "form": form,
        "errors": errors or {},
        "kinds": [
            (CalendarDay.HOLIDAY, _("Public holiday")),
            (CalendarDay.WORKDAY, _("Make-up working day")),
        ],
    }
    return page(request, "web/manage/calendar.html", context, nav="calendar", status=status)


@audience(ADMINS)
def calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate(clock.now())
    year = _year(request, today)
    if request.method != "POST":
        return _render(request, year)
    data = posted(request, DAY_FIELDS, booleans={"provisional"})
    for name in ("name_zh", "name_en"):
        data[name] = data[name] or ""
    try:
        day = calendar_day_set(actor=actor(request), data=data)
    except DomainError as error:
        form = {k: ("" if v is None else v) for k, v in data.items()}
        return _render(request, year, form=form, errors=refused(request, error), status=INVALID)
    messages.success(
        request,
        _("%(date)s is now: %(kind)s.")
        % {"date": day.date.isoformat(), "kind": day.get_kind_display()},
    )
    return redirect(f"{reverse('manage:calendar')}?year={day.date.year}#day-{day.date.isoformat()}")


@audience(ADMINS)
@require_POST
def calendar_clear(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("date", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("Enter a date such as 2026-11-20."))
        return _render(request, timezone.localdate(clock.now()).year, status=400)
    try:
        calendar_day_clear(actor=actor(request), date=day)
    except DomainError as error:
        refused(request, error)
        year = day.year if FIRST_YEAR <= day.year <= LAST_YEAR else clock.now().year
        return _render(request, year, status=404)
    messages.success(request, _("%(date)s follows the ordinary week again.") % {"date": raw})
    return redirect(f"{reverse('manage:calendar')}?year={day.year}")
