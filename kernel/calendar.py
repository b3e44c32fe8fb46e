"""Dates as the users live them: China time, and deadlines in Chinese working days (with the
State Council's holidays and adjusted working weekends, from the `chinese-calendar` library).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

CHINA = ZoneInfo("Asia/Shanghai")


def china_date(at: datetime | None = None) -> date:
    """The calendar date in China at an instant (now if absent; a naive instant is China time)."""
    instant = at or datetime.now(UTC)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=CHINA)
    return instant.astimezone(CHINA).date()


@dataclasses.dataclass(frozen=True)
class WorkingDeadline:
    """A deadline counted in Chinese working days, and whether the official calendar covered it.

    The State Council publishes each year's holidays and adjusted working weekends late in the
    year before; for a year the calendar library does not know yet, weekends count as rest days
    and the deadline is marked provisional.
    """

    due_on: date
    provisional: bool


def is_working_day(day: date) -> tuple[bool, bool]:
    """Whether `day` is a working day in China, and whether that is only provisional."""
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5, True


def add_working_days(start: date, days: int) -> WorkingDeadline:
    """The `days`-th working day after `start` (the day of `start` itself is not counted)."""
    if days < 0:
        msg = f"days must not be negative, got {days}"
        raise ValueError(msg)
    day, provisional, counted = start, False, 0
    while counted < days:
        day += timedelta(days=1)
        working, unsure = is_working_day(day)
        provisional = provisional or unsure
        counted += working
    return WorkingDeadline(day, provisional)
