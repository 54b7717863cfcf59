"""Working days for referral deadlines.

A working day is Monday to Friday outside the Dutch public holidays. The holidays come from
the maintained ``holidays`` package (country NL: New Year, Good Friday, Easter, King's Day,
Ascension, Whit Monday, Christmas); Liberation Day (5 May) is added every year because the
Algemene termijnenwet counts it as a holiday for legal time limits, while the package lists
it only in lustrum years.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

LIBERATION_DAY = (5, 5)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    days = set(holidays.country_holidays("NL", years=year))
    days.add(dt.date(year, *LIBERATION_DAY))
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count, as
    in the termijnenwet: a period starts the day after the event)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
