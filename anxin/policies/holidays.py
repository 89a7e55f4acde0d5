"""Chinese public holidays and make-up working days (调休), as data.

Each row is one calendar day that differs from an ordinary week: a ``holiday`` is a day off (even
if it falls on a weekday), a ``workday`` is a Saturday or Sunday that is worked in exchange for a
longer holiday. Every other day follows the weekly pattern of the calendar that uses these rows.

2025 and 2026 are the State Council's published arrangements (国务院办公厅关于2025年/2026年部分节假日
安排的通知). The State Council publishes each year's arrangement only late in the year before, so the
2027 rows are the statutory holidays alone (全国年节及纪念日放假办法, as amended in 2024: New Year 1
day; Spring Festival eve and the first three days; Qingming 1; Labour Day 2; Dragon Boat 1;
Mid-Autumn 1; National Day 3) and are flagged ``provisional=True``. They have no bridge days and no
make-up working days, and a statutory day that falls on a weekend is not yet moved to a weekday.
**Administrators must load the official 2027 arrangement when it is published** and replace the
provisional rows.

This module is the seed: the rows become a database table that administrators maintain, and the
business-hours calendar (``anxin.policies.calendars``) reads them from there.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal, NamedTuple

Kind = Literal["holiday", "workday"]

HOLIDAY: Final = "holiday"  # a day off, even on a weekday
WORKDAY: Final = "workday"  # a weekend day that is a working day (调休上班)


class Day(NamedTuple):
    """One day that departs from the weekly pattern; ``provisional`` until officially published."""

    date: date
    kind: Kind
    name_zh: str
    name_en: str
    provisional: bool = False


# fmt: off
CHINA: Final[tuple[Day, ...]] = (
    #   date                 kind     name_zh          name_en
    # 2025
    Day(date(2025, 1, 1),   HOLIDAY, "元旦",           "New Year's Day"),                            # Wed
    Day(date(2025, 1, 26),  WORKDAY, "春节",           "Spring Festival"),                           # Sun
    Day(date(2025, 1, 28),  HOLIDAY, "春节",           "Spring Festival"),                           # Tue
    Day(date(2025, 1, 29),  HOLIDAY, "春节",           "Spring Festival"),                           # Wed
    Day(date(2025, 1, 30),  HOLIDAY, "春节",           "Spring Festival"),                           # Thu
    Day(date(2025, 1, 31),  HOLIDAY, "春节",           "Spring Festival"),                           # Fri
    Day(date(2025, 2, 1),   HOLIDAY, "春节",           "Spring Festival"),                           # Sat
    Day(date(2025, 2, 2),   HOLIDAY, "春节",           "Spring Festival"),                           # Sun
    Day(date(2025, 2, 3),   HOLIDAY, "春节",           "Spring Festival"),                           # Mon
    Day(date(2025, 2, 4),   HOLIDAY, "春节",           "Spring Festival"),                           # Tue
    Day(date(2025, 2, 8),   WORKDAY, "春节",           "Spring Festival"),                           # Sat
    Day(date(2025, 4, 4),   HOLIDAY, "清明节",         "Qingming Festival"),                         # Fri
    Day(date(2025, 4, 5),   HOLIDAY, "清明节",         "Qingming Festival"),                         # Sat
    Day(date(2025, 4, 6),   HOLIDAY, "清明节",         "Qingming Festival"),                         # Sun
    Day(date(2025, 4, 27),  WORKDAY, "劳动节",         "Labour Day"),                                # Sun
    Day(date(2025, 5, 1),   HOLIDAY, "劳动节",         "Labour Day"),                                # Thu
    Day(date(2025, 5, 2),   HOLIDAY, "劳动节",         "Labour Day"),                                # Fri
    Day(date(2025, 5, 3),   HOLIDAY, "劳动节",         "Labour Day"),                                # Sat
    Day(date(2025, 5, 4),   HOLIDAY, "劳动节",         "Labour Day"),                                # Sun
    Day(date(2025, 5, 5),   HOLIDAY, "劳动节",         "Labour Day"),                                # Mon
    Day(date(2025, 5, 31),  HOLIDAY, "端午节",         "Dragon Boat Festival"),                      # Sat
    Day(date(2025, 6, 1),   HOLIDAY, "端午节",         "Dragon Boat Festival"),                      # Sun
    Day(date(2025, 6, 2),   HOLIDAY, "端午节",         "Dragon Boat Festival"),                      # Mon
    Day(date(2025, 9, 28),  WORKDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Sun
    Day(date(2025, 10, 1),  HOLIDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Wed
    Day(date(2025, 10, 2),  HOLIDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Thu
    Day(date(2025, 10, 3),  HOLIDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Fri
    Day(date(2025, 10, 4),  HOLIDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Sat
    Day(date(2025, 10, 5),  HOLIDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Sun
    Day(date(2025, 10, 6),  HOLIDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Mon
    Day(date(2025, 10, 7),  HOLIDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Tue
    Day(date(2025, 10, 8),  HOLIDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Wed
    Day(date(2025, 10, 11), WORKDAY, "国庆节、中秋节", "National Day and Mid-Autumn Festival"),      # Sat
    # 2026
    Day(date(2026, 1, 1),   HOLIDAY, "元旦",           "New Year's Day"),                            # Thu
    Day(date(2026, 1, 2),   HOLIDAY, "元旦",           "New Year's Day"),                            # Fri
    Day(date(2026, 1, 3),   HOLIDAY, "元旦",           "New Year's Day"),                            # Sat
    Day(date(2026, 1, 4),   WORKDAY, "元旦",           "New Year's Day"),                            # Sun
    Day(date(2026, 2, 14),  WORKDAY, "春节",           "Spring Festival"),                           # Sat
    Day(date(2026, 2, 15),  HOLIDAY, "春节",           "Spring Festival"),                           # Sun
    Day(date(2026, 2, 16),  HOLIDAY, "春节",           "Spring Festival"),                           # Mon
    Day(date(2026, 2, 17),  HOLIDAY, "春节",           "Spring Festival"),                           # Tue
    Day(date(2026, 2, 18),  HOLIDAY, "春节",           "Spring Festival"),                           # Wed
    Day(date(2026, 2, 19),  HOLIDAY, "春节",           "Spring Festival"),                           # Thu
    Day(date(2026, 2, 20),  HOLIDAY, "春节",           "Spring Festival"),                           # Fri
    Day(date(2026, 2, 21),  HOLIDAY, "春节",           "Spring Festival"),                           # Sat
    Day(date(2026, 2, 22),  HOLIDAY, "春节",           "Spring Festival"),                           # Sun
    Day(date(2026, 2, 23),  HOLIDAY, "春节",           "Spring Festival"),                           # Mon
    Day(date(2026, 2, 28),  WORKDAY, "春节",           "Spring Festival"),                           # Sat
    Day(date(2026, 4, 4),   HOLIDAY, "清明节",         "Qingming Festival"),                         # Sat
    Day(date(2026, 4, 5),   HOLIDAY, "清明节",         "Qingming Festival"),                         # Sun
    Day(date(2026, 4, 6),   HOLIDAY, "清明节",         "Qingming Festival"),                         # Mon
    Day(date(2026, 5, 1),   HOLIDAY, "劳动节",         "Labour Day"),                                # Fri
    Day(date(2026, 5, 2),   HOLIDAY, "劳动节",         "Labour Day"),                                # Sat
    Day(date(2026, 5, 3),   HOLIDAY, "劳动节",         "Labour Day"),                                # Sun
    Day(date(2026, 5, 4),   HOLIDAY, "劳动节",         "Labour Day"),                                # Mon
    Day(date(2026, 5, 5),   HOLIDAY, "劳动节",         "Labour Day"),                                # Tue
    Day(date(2026, 5, 9),   WORKDAY, "劳动节",         "Labour Day"),                                # Sat
    Day(date(2026, 6, 19),  HOLIDAY, "端午节",         "Dragon Boat Festival"),                      # Fri
    Day(date(2026, 6, 20),  HOLIDAY, "端午节",         "Dragon Boat Festival"),                      # Sat
    Day(date(2026, 6, 21),  HOLIDAY, "端午节",         "Dragon Boat Festival"),                      # Sun
    Day(date(2026, 9, 20),  WORKDAY, "国庆节",         "National Day"),                              # Sun
    Day(date(2026, 9, 25),  HOLIDAY, "中秋节",         "Mid-Autumn Festival"),                       # Fri
    Day(date(2026, 9, 26),  HOLIDAY, "中秋节",         "Mid-Autumn Festival"),                       # Sat
    Day(date(2026, 9, 27),  HOLIDAY, "中秋节",         "Mid-Autumn Festival"),                       # Sun
    Day(date(2026, 10, 1),  HOLIDAY, "国庆节",         "National Day"),                              # Thu
    Day(date(2026, 10, 2),  HOLIDAY, "国庆节",         "National Day"),                              # Fri
    Day(date(2026, 10, 3),  HOLIDAY, "国庆节",         "National Day"),                              # Sat
    Day(date(2026, 10, 4),  HOLIDAY, "国庆节",         "National Day"),                              # Sun
    Day(date(2026, 10, 5),  HOLIDAY, "国庆节",         "National Day"),                              # Mon
    Day(date(2026, 10, 6),  HOLIDAY, "国庆节",         "National Day"),                              # Tue
    Day(date(2026, 10, 7),  HOLIDAY, "国庆节",         "National Day"),                              # Wed
    Day(date(2026, 10, 10), WORKDAY, "国庆节",         "National Day"),                              # Sat
    # 2027: statutory days only (provisional) until the official arrangement is published.
    Day(date(2027, 1, 1),   HOLIDAY, "元旦",           "New Year's Day", provisional=True),          # Fri
    Day(date(2027, 2, 5),   HOLIDAY, "春节",           "Spring Festival", provisional=True),         # Fri
    Day(date(2027, 2, 6),   HOLIDAY, "春节",           "Spring Festival", provisional=True),         # Sat
    Day(date(2027, 2, 7),   HOLIDAY, "春节",           "Spring Festival", provisional=True),         # Sun
    Day(date(2027, 2, 8),   HOLIDAY, "春节",           "Spring Festival", provisional=True),         # Mon
    Day(date(2027, 4, 5),   HOLIDAY, "清明节",         "Qingming Festival", provisional=True),       # Mon
    Day(date(2027, 5, 1),   HOLIDAY, "劳动节",         "Labour Day", provisional=True),              # Sat
    Day(date(2027, 5, 2),   HOLIDAY, "劳动节",         "Labour Day", provisional=True),              # Sun
    Day(date(2027, 6, 9),   HOLIDAY, "端午节",         "Dragon Boat Festival", provisional=True),    # Wed
    Day(date(2027, 9, 15),  HOLIDAY, "中秋节",         "Mid-Autumn Festival", provisional=True),     # Wed
    Day(date(2027, 10, 1),  HOLIDAY, "国庆节",         "National Day", provisional=True),            # Fri
    Day(date(2027, 10, 2),  HOLIDAY, "国庆节",         "National Day", provisional=True),            # Sat
    Day(date(2027, 10, 3),  HOLIDAY, "国庆节",         "National Day", provisional=True),            # Sun
)
# fmt: on


def dates_of(kind: Kind, *, days: tuple[Day, ...] = CHINA) -> frozenset[date]:
    """The dates of one kind, provisional rows included."""
    return frozenset(day.date for day in days if day.kind == kind)
