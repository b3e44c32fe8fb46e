"""What the reviews aggregates share: their id namespace, quarters, and the guards on the words,
owners and dates of acts that every step checks.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from kernel.errors import RuleViolatedError, check_own
from kernel.labels import check_step
from kernel.text import check_words
from services.reviews.vocabulary import CycleStatus

NAMESPACE = uuid5(NAMESPACE_URL, "https://kaohe.invalid/reviews")
QUARTER = re.compile(r"^(20[0-9][0-9])-Q([1-4])$")


def quarter_span(quarter: str) -> tuple[date, date]:
    """The first and last day of a quarter written `2026-Q2`."""
    match = QUARTER.fullmatch(quarter)
    if match is None:
        raise RuleViolatedError(
            "reviews.quarter_format",
            f"{quarter!r} is not a quarter: write it as 2026-Q2",
            field="quarter",
        )
    year, q = int(match[1]), int(match[2])
    start = date(year, 3 * q - 2, 1)
    end = date(year, 12, 31) if q == 4 else date(year, 3 * q + 1, 1) - timedelta(days=1)
    return start, end


def check_cycle_step(cycle: str, status: CycleStatus, allowed: Collection[CycleStatus]) -> None:
    """A cycle's steps, and its participants', happen only from the cycle states that lead to
    them."""
    check_step("reviews.cycle_step", cycle, status, allowed)


def check_text(text: str | None, field: str, rule: str = "reviews.reason_required") -> str:
    """Rules that ask for words get real ones."""
    return check_words(text, rule, f"write the {field.rsplit('.', 1)[-1]}", field)


def check_owner(actor_id: UUID, person_id: UUID, what: str) -> None:
    """People write their own summary, object to their own grade, acknowledge their own talk."""
    check_own(actor_id, person_id, "reviews.own_record_only", f"only the appraisee may {what}")


def check_not_future(day: date, today: date, field: str) -> None:
    """Dates of acts are stated by the recorder, and are never in the future."""
    if day > today:
        raise RuleViolatedError(
            "reviews.date_not_future",
            f"{day.isoformat()} is after today ({today.isoformat()})",
            field=field,
        )
