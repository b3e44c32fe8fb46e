"""Dates as the users live them: org changes and deadlines count China's calendar days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_date(at: datetime | None = None) -> date:
    """The calendar date in China at an instant (now if absent; a naive instant is China time)."""
    instant = at or datetime.now(UTC)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=CHINA)
    return instant.astimezone(CHINA).date()
