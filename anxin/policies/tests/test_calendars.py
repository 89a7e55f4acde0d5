"""Business-hours arithmetic on the Chinese calendar: plain values, no database."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.policies import holidays
from anxin.policies.calendars import BusinessCalendar

SH = ZoneInfo("Asia/Shanghai")
CHINA = BusinessCalendar.china()
HOURS = timedelta(hours=1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


# --- add --------------------------------------------------------------------------------------


def test_add_within_one_day():
    # given a Tuesday morning
    start = at(2026, 3, 10, 10)
    # when
    due = CHINA.add(start, 3 * HOURS)
    # then
    assert due == at(2026, 3, 10, 13)


def test_add_carries_over_the_evening_into_the_next_morning():
    # given Tuesday 16:00, two business hours before closing
    start = at(2026, 3, 10, 16)
    # when
    due = CHINA.add(start, 4 * HOURS)
    # then
    assert due == at(2026, 3, 11, 11)


def test_add_that_uses_up_the_day_ends_at_closing_time():
    # given
    start = at(2026, 3, 10, 16)
    # when
    due = CHINA.add(start, 2 * HOURS)
    # then the deadline is the close, not the next opening
    assert due == at(2026, 3, 10, 18)


def test_add_before_opening_counts_from_opening():
    # given a start at 07:30
    start = at(2026, 3, 10, 7, 30)
    # when
    due = CHINA.add(start, HOURS)
    # then
    assert due == at(2026, 3, 10, 10)


def test_add_after_closing_counts_from_the_next_opening():
    # given a start at 20:00, and one at closing time exactly
    evening, closing = at(2026, 3, 10, 20), at(2026, 3, 10, 18)
    # when
    due_evening, due_closing = CHINA.add(evening, HOURS), CHINA.add(closing, HOURS)
    # then
    assert due_evening == due_closing == at(2026, 3, 11, 10)


def test_add_skips_the_weekend():
    # given Friday 16:00
    start = at(2026, 3, 13, 16)
    # when
    due = CHINA.add(start, 4 * HOURS)
    # then two hours on Friday, two on Monday
    assert due == at(2026, 3, 16, 11)


def test_add_from_a_saturday_starts_on_monday():
    # given
    start = at(2026, 3, 14, 12)
    # when
    due = CHINA.add(start, 4 * HOURS)
    # then
    assert due == at(2026, 3, 16, 13)


def test_add_skips_the_national_day_holiday():
    # given Wednesday 30 September 2026; 1-7 October are off and Thursday 8 October is worked
    start = at(2026, 9, 30, 16)
    # when (JD's "4 business hours" for supplementary evidence)
    due = CHINA.add(start, 4 * HOURS)
    # then
    assert due == at(2026, 10, 8, 11)


def test_add_uses_a_make_up_workday_on_a_saturday():
    # given Friday 13 February 2026; Saturday 14 February is a 调休 working day
    start = at(2026, 2, 13, 16)
    # when
    due = CHINA.add(start, 4 * HOURS)
    # then
    assert CHINA.is_working_day(date(2026, 2, 14))
    assert due == at(2026, 2, 14, 11)


def test_add_skips_the_whole_spring_festival_2026():
    # given the make-up Saturday before the holiday (15-23 February 2026 are off)
    start = at(2026, 2, 14, 16)
    # when
    due = CHINA.add(start, 4 * HOURS)
    # then the clock resumes on Tuesday 24 February
    assert due == at(2026, 2, 24, 11)
    assert not any(CHINA.is_working_day(date(2026, 2, day)) for day in range(15, 24))
    assert CHINA.is_working_day(date(2026, 2, 28))  # the second make-up Saturday


def test_add_forty_hours_is_a_business_week():
    # given Monday 09:00
    start = at(2026, 3, 9, 9)
    # when
    due = CHINA.add(start, 40 * HOURS)
    # then 9 h a day: four full days and four hours of Friday
    assert due == at(2026, 3, 13, 13)


def test_add_steps_by_day_not_by_minute(monkeypatch):
    # given a calendar that counts how many days it looks at
    looked_at = Counter[date]()
    original = BusinessCalendar._hours

    def counting(self, d):
        looked_at[d] += 1
        return original(self, d)

    monkeypatch.setattr(BusinessCalendar, "_hours", counting)
    # when adding 400 business hours (about ten weeks)
    CHINA.add(at(2026, 3, 9, 9), 400 * HOURS)
    # then each working day was looked at once
    assert len(looked_at) < 50
    assert set(looked_at.values()) == {1}


def test_add_keeps_the_zone_of_the_start():
    # given a UTC start: 02:00Z is 10:00 in Shanghai
    start = datetime(2026, 3, 10, 2, tzinfo=UTC)
    # when
    due = CHINA.add(start, 4 * HOURS)
    # then 4 h later in business time, still in UTC
    assert due.tzinfo is UTC
    assert due == datetime(2026, 3, 10, 6, tzinfo=UTC)


def test_add_zero_returns_the_start():
    # given a Sunday
    start = at(2026, 3, 15, 12)
    # when / then
    assert CHINA.add(start, timedelta(0)) == start


def test_add_refuses_naive_datetimes_and_negative_durations():
    # given / when / then
    with pytest.raises(ValueError, match="aware"):
        CHINA.add(datetime(2026, 3, 10, 10), HOURS)
    with pytest.raises(ValueError, match="negative"):
        CHINA.add(at(2026, 3, 10, 10), -HOURS)


# --- between ----------------------------------------------------------------------------------


def test_between_over_a_holiday_counts_only_working_days():
    # given Wednesday 30 September to Thursday 8 October 2026, both full working days
    start, end = at(2026, 9, 30, 9), at(2026, 10, 8, 18)
    # when
    elapsed = CHINA.between(start, end)
    # then two working days of nine hours
    assert elapsed == 18 * HOURS


def test_between_within_a_day_and_across_a_weekend():
    # given / when / then
    assert CHINA.between(at(2026, 3, 10, 10), at(2026, 3, 10, 12, 30)) == timedelta(hours=2.5)
    assert CHINA.between(at(2026, 3, 13, 17), at(2026, 3, 16, 10)) == 2 * HOURS
    assert CHINA.between(at(2026, 3, 14, 8), at(2026, 3, 15, 20)) == timedelta(0)


def test_between_is_zero_when_the_end_is_not_after_the_start():
    # given
    start = at(2026, 3, 10, 12)
    # when / then
    assert CHINA.between(start, start) == timedelta(0)
    assert CHINA.between(start, start - HOURS) == timedelta(0)


def test_between_mixes_zones():
    # given a Shanghai start and a UTC end (10:00Z is 18:00 in Shanghai)
    start, end = at(2026, 3, 10, 9), datetime(2026, 3, 10, 10, tzinfo=UTC)
    # when / then
    assert CHINA.between(start, end) == 9 * HOURS


# --- days and openings ------------------------------------------------------------------------


def test_next_opening():
    # given / when / then
    assert CHINA.next_opening(at(2026, 3, 10, 11)) == at(2026, 3, 10, 11)  # open already
    assert CHINA.next_opening(at(2026, 3, 10, 6)) == at(2026, 3, 10, 9)
    assert CHINA.next_opening(at(2026, 3, 13, 18)) == at(2026, 3, 16, 9)  # Friday's close
    assert CHINA.next_opening(at(2026, 9, 30, 19)) == at(2026, 10, 8, 9)


def test_is_open():
    # given / when / then
    assert CHINA.is_open(at(2026, 3, 10, 9))
    assert not CHINA.is_open(at(2026, 3, 10, 18))
    assert not CHINA.is_open(at(2026, 10, 5, 12))  # National Day
    assert CHINA.is_open(at(2026, 10, 10, 12))  # make-up Saturday


def test_extra_dates_override_the_table():
    # given a merchant that works on 1 May 2026 and closes on Monday 9 March 2026
    calendar = BusinessCalendar.china(
        extra_holidays=[date(2026, 3, 9)], extra_workdays=[date(2026, 5, 1)]
    )
    # when / then
    assert not calendar.is_working_day(date(2026, 3, 9))
    assert calendar.is_working_day(date(2026, 5, 1))
    assert calendar.add(at(2026, 3, 6, 17), 2 * HOURS) == at(2026, 3, 10, 10)


def test_custom_hours_and_weekend():
    # given a six-day shop open 10:00-22:00 in UTC
    calendar = BusinessCalendar(
        work_start=time(10), work_end=time(22), weekend=frozenset({6}), tz=UTC
    )
    start = datetime(2026, 3, 14, 20, tzinfo=UTC)  # a Saturday
    # when / then
    assert calendar.add(start, 4 * HOURS) == datetime(2026, 3, 16, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"work_start": time(18), "work_end": time(9)},
        {"weekend": frozenset({7})},
        {"holidays": frozenset({date(2026, 3, 14)}), "workdays": frozenset({date(2026, 3, 14)})},
    ],
)
def test_invalid_calendars_are_refused(kwargs):
    # given / when / then
    with pytest.raises(ValueError):
        BusinessCalendar(**kwargs)


def test_a_calendar_without_working_days_fails_loudly():
    # given
    closed = BusinessCalendar(weekend=frozenset(range(7)))
    # when / then
    with pytest.raises(ValueError, match="no working day"):
        closed.add(at(2026, 3, 10, 10), HOURS)


# --- the holiday table ------------------------------------------------------------------------


def test_holiday_table_is_consistent():
    # given
    rows = holidays.CHINA
    # when / then: one row per date, make-up workdays only on weekends, 2027 still provisional
    assert len({row.date for row in rows}) == len(rows)
    assert all(row.date.weekday() >= 5 for row in rows if row.kind == holidays.WORKDAY)
    assert all(row.provisional == (row.date.year == 2027) for row in rows)
    assert Counter(row.date.year for row in rows if row.kind == holidays.HOLIDAY) == {
        2025: 28,
        2026: 33,
        2027: 13,  # the statutory minimum since the 2024 amendment
    }


# --- properties -------------------------------------------------------------------------------

starts = st.datetimes(
    min_value=datetime(2024, 12, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from([SH, UTC]),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))


@given(start=starts, duration=durations)
def test_between_undoes_add(start, duration):
    # given / when
    due = CHINA.add(start, duration)
    # then
    assert CHINA.between(start, due) == duration


@given(start=starts, duration=durations.filter(bool))
def test_add_lands_in_working_hours_at_the_earliest_instant(start, duration):
    # given / when
    due = CHINA.add(start, duration)
    # then aware, in the start's zone, inside hours or exactly at a working day's close
    assert due.tzinfo is start.tzinfo
    local = due.astimezone(SH)
    assert CHINA.is_open(due) or (local.time() == time(18) and CHINA.is_working_day(local.date()))
    # and no earlier instant would do
    assert CHINA.between(start, due - timedelta(microseconds=1)) < duration


@given(start=starts, later_by=durations, duration=durations, more=durations)
def test_add_is_monotonic(start, later_by, duration, more):
    # given / when / then
    assert CHINA.add(start, duration) <= CHINA.add(start, duration + more)
    assert CHINA.add(start, duration) <= CHINA.add(start + later_by, duration)
