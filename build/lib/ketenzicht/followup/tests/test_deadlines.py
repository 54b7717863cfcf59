"""Working days across weekends and Dutch public holidays, and escalation by time travel."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketenzicht.followup.deadlines import add_working_days, is_working_day, working_days_between

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 4, 2), 2, D(2026, 4, 8)),  # Good Friday, weekend, Easter Monday
        (D(2026, 4, 24), 1, D(2026, 4, 28)),  # weekend, King's Day (Monday 27 April)
        (D(2026, 5, 4), 1, D(2026, 5, 6)),  # Liberation Day counts every year
        (D(2026, 5, 13), 1, D(2026, 5, 15)),  # Ascension Day
        (D(2026, 5, 22), 1, D(2026, 5, 26)),  # weekend and Whit Monday
        (D(2026, 12, 24), 1, D(2026, 12, 28)),  # Christmas on Friday and Saturday
        (D(2026, 12, 31), 1, D(2027, 1, 4)),  # New Year's Day and a weekend
        (D(2026, 11, 27), 0, D(2026, 11, 27)),
    ],
)
def test_add_working_days(start: dt.date, days: int, due: dt.date) -> None:
    assert add_working_days(start, days) == due


@given(st.dates(D(2020, 1, 1), D(2035, 12, 31)), st.integers(0, 60))
def test_working_days_round_trip(start: dt.date, days: int) -> None:
    due = add_working_days(start, days)
    assert working_days_between(start, due) == days
    assert days == 0 or is_working_day(due)
    # The day before the due date is never a skipped working day beyond the count.
    assert working_days_between(start, due - dt.timedelta(days=1)) == max(days - 1, 0)
