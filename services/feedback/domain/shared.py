"""What the feedback aggregates share: their id namespace and quarters."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, uuid5

NAMESPACE = uuid5(NAMESPACE_URL, "https://kaohe.invalid/feedback")


def quarter_of(day: date) -> str:
    """The quarter a day falls in, as `2026-Q4`."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
