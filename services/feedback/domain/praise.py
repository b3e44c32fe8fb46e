"""Praise (表扬) of a person or a department, with its source and what happened."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import RuleViolatedError
from services.feedback.vocabulary import (
    TargetKind,
)


def check_praised_by(occurred_on: date, today: date) -> None:
    """Praise records something that has happened: never a day after today."""
    if occurred_on > today:
        raise RuleViolatedError(
            "feedback.praise_not_in_future",
            f"praise is for what has happened, not for {occurred_on.isoformat()}, after today "
            f"({today.isoformat()})",
            field="occurred_on",
        )


class Praise(KaoheAggregate):
    """Praise (表扬) of a person or a department, with its source and what happened."""

    @event("PraiseRecorded")
    def __init__(
        self,
        unit_id: UUID,
        target_kind: TargetKind,
        target_id: UUID,
        department_id: UUID | None,
        source: str,
        what_happened: str,
        occurred_on: date,
        quarter: str,
    ) -> None:
        self.unit_id = unit_id
        self.target_kind = TargetKind(target_kind)
        self.target_id = target_id
        self.department_id = department_id
        self.occurred_on = occurred_on
        self.quarter = quarter
