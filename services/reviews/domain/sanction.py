"""Disciplinary sanctions (政务处分) recorded by the appraisal office, and the period each bars the
person from the annual top grade.
"""

from __future__ import annotations

import calendar
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from services.reviews.domain.shared import check_not_future, check_text
from services.reviews.vocabulary import SanctionKind

# eligible for the annual top grade.
SANCTION_MONTHS = {
    SanctionKind.WARNING: 6,
    SanctionKind.DEMERIT: 12,
    SanctionKind.MAJOR_DEMERIT: 18,
    SanctionKind.DEMOTION: 24,
    SanctionKind.REMOVAL: 24,
}


def sanction_ends(kind: SanctionKind, decided_on: date) -> date:
    """The day a sanction's period ends (exclusive)."""
    months = decided_on.month - 1 + SANCTION_MONTHS[kind]
    year, month = decided_on.year + months // 12, months % 12 + 1
    # The same day of the month, or the month's last day where it is shorter (31 Aug + 6 -> 28 Feb).
    day = min(decided_on.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


class Sanction(KaoheAggregate):
    """A disciplinary sanction (处分) recorded by the appraisal office; it bars the person from the
    annual top grade for its period.
    """

    @event("SanctionRecorded")
    def __init__(
        self,
        unit_id: UUID,
        person_id: UUID,
        kind: SanctionKind,
        decided_on: date,
        ends_on: date,
        document: str,
    ) -> None:
        self.unit_id = unit_id
        self.person_id = person_id
        self.kind = SanctionKind(kind)
        self.decided_on = decided_on
        self.ends_on = ends_on
        self.document = document

    @classmethod
    def record(
        cls,
        unit_id: UUID,
        person_id: UUID,
        kind: SanctionKind,
        decided_on: date,
        document: str,
        today: date,
    ) -> Sanction:
        """Record a sanction decided on a date, citing its decision document."""
        check_not_future(decided_on, today, "decided_on")
        return cls(
            unit_id,
            person_id,
            kind,
            decided_on,
            sanction_ends(kind, decided_on),
            check_text(document, "document"),
        )
