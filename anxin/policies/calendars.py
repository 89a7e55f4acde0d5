"""Business-hours arithmetic: "4 business hours from now", holidays and 调休 included.

A ``BusinessCalendar`` is a value: opening hours, the weekly rest days, and two sets of dates that
override the week (public holidays off, make-up working days on). It knows nothing about the
database; the policy that owns a calendar builds one from its rows and hands it to deadline code.

Business time runs only inside ``[work_start, work_end)`` on working days, in the calendar's time
zone. Arithmetic steps a day at a time, so 40 business hours costs a handful of iterations, not
thousands. Differences are taken in UTC, so the answer is exact to the microsecond and
``between(start, add(start, d)) == d`` always holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from . import holidays as china_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
SATURDAY, SUNDAY = 5, 6

# A calendar with no working day in a whole year is a configuration error, not a long wait.
_MAX_IDLE_DAYS = 366
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours on working days; holidays close a day, make-up workdays open a weekend day."""

    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    weekend: frozenset[int] = frozenset({SATURDAY, SUNDAY})  # date.weekday() numbers
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    tz: tzinfo = SHANGHAI

    def __post_init__(self) -> None:
        if self.work_start.tzinfo is not None or self.work_end.tzinfo is not None:
            raise ValueError("work_start and work_end are wall-clock times; the zone is `tz`")
        if not self.work_start < self.work_end:
            raise ValueError("work_start must be before work_end (overnight shifts unsupported)")
        if not self.weekend <= set(range(7)):
            raise ValueError("weekend holds date.weekday() numbers, 0 (Monday) to 6 (Sunday)")
        if clash := self.holidays & self.workdays:
            raise ValueError(f"dates both holiday and workday: {sorted(clash)}")

    @classmethod
    def china(
        cls,
        extra_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
    ) -> BusinessCalendar:
        """09:00–18:00 in Asia/Shanghai with the public holidays and 调休 of ``holidays.py``.

        Extra dates win over the table, so a merchant can, say, work on a listed holiday.
        """
        extra_off, extra_on = frozenset(extra_holidays), frozenset(extra_workdays)
        return cls(
            holidays=(china_days.dates_of(china_days.HOLIDAY) - extra_on) | extra_off,
            workdays=(china_days.dates_of(china_days.WORKDAY) - extra_off) | extra_on,
        )

    # --- days -------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Holidays are off, make-up workdays are on, otherwise the weekly pattern decides."""
        if d in self.holidays:
            return False
        if d in self.workdays:
            return True
        return d.weekday() not in self.weekend

    def _hours(self, d: date) -> tuple[datetime, datetime]:
        """Opening and closing instants of day ``d``, aware, in the calendar's zone."""
        return (
            datetime.combine(d, self.work_start, tzinfo=self.tz),
            datetime.combine(d, self.work_end, tzinfo=self.tz),
        )

    def _next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        for _ in range(_MAX_IDLE_DAYS):
            d += _ONE_DAY
            if self.is_working_day(d):
                return d
        raise ValueError(f"no working day within {_MAX_IDLE_DAYS} days after {d}")

    # --- instants ---------------------------------------------------------------------------

    def is_open(self, t: datetime) -> bool:
        """Whether business time is running at ``t`` (opening inclusive, closing exclusive)."""
        local = self._local(t)
        if not self.is_working_day(local.date()):
            return False
        opens, closes = self._hours(local.date())
        return opens <= local < closes

    def next_opening(self, t: datetime) -> datetime:
        """The first instant at or after ``t`` when business time runs: ``t`` itself if open."""
        local = self._local(t)
        d = local.date()
        if self.is_working_day(d):
            opens, closes = self._hours(d)
            if local < closes:
                return max(local, opens).astimezone(t.tzinfo)
        opens, _ = self._hours(self._next_working_day(d))
        return opens.astimezone(t.tzinfo)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of business time has run since ``start``.

        A start outside hours counts from the next opening; a deadline that uses up a day exactly
        falls at that day's closing time (Friday 16:00 + 2 h is Friday 18:00, + 4 h is Monday
        11:00). A zero duration returns ``start``. The result is in ``start``'s zone.
        """
        if duration < timedelta(0):
            raise ValueError("business durations are not negative")
        local = self._local(start)
        if not duration:
            return start
        remaining = duration
        d = local.date()
        if not self.is_working_day(d):
            d = self._next_working_day(d)
        while True:
            opens, closes = self._hours(d)
            begin = max(local, opens)
            if begin < closes:
                available = _elapsed(begin, closes)
                if remaining <= available:
                    return (begin.astimezone(UTC) + remaining).astimezone(start.tzinfo)
                remaining -= available
            d = self._next_working_day(d)

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time elapsed from ``a`` to ``b``; zero when ``b`` is not after ``a``."""
        if b <= a:
            return timedelta(0)
        a_local, b_local = self._local(a), self._local(b)
        total = timedelta(0)
        d, last = a_local.date(), b_local.date()
        while d <= last:
            if self.is_working_day(d):
                opens, closes = self._hours(d)
                begin, end = max(a_local, opens), min(b_local, closes)
                if begin < end:
                    total += _elapsed(begin, end)
            d += _ONE_DAY
        return total

    def _local(self, t: datetime) -> datetime:
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError("business-hours arithmetic needs aware datetimes")
        return t.astimezone(self.tz)


def _elapsed(a: datetime, b: datetime) -> timedelta:
    # Subtracting two datetimes that share a tzinfo compares wall clocks; UTC gives real time.
    return b.astimezone(UTC) - a.astimezone(UTC)
