"""Deadlines in Chinese working days, across holidays and adjusted working weekends."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.calendar import add_working_days, is_working_day


def test_national_day_holidays_do_not_count_and_the_adjusted_saturday_does() -> None:
    # 2026-10-01..07 are holidays; Saturday 2026-10-10 is an adjusted working day.
    assert add_working_days(date(2026, 9, 30), 3).due_on == date(2026, 10, 10)


def test_an_adjusted_working_sunday_counts() -> None:
    # Sunday 2026-09-20 is worked in exchange for the National Day holiday.
    assert add_working_days(date(2026, 9, 18), 1).due_on == date(2026, 9, 20)


def test_a_year_the_calendar_does_not_know_yet_is_provisional() -> None:
    deadline = add_working_days(date(2026, 12, 30), 3)
    assert deadline.provisional
    assert deadline.due_on == date(2027, 1, 4)


@settings(max_examples=80, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30)), st.integers(0, 15))
def test_the_deadline_is_a_working_day_with_exactly_n_working_days_up_to_it(
    start: date, days: int
) -> None:
    deadline = add_working_days(start, days)
    counted = sum(
        is_working_day(start + timedelta(days=i))[0]
        for i in range(1, (deadline.due_on - start).days + 1)
    )
    assert counted == days
    if days:
        assert is_working_day(deadline.due_on)[0]
