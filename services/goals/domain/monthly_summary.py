"""A person's monthly summary (月小结): submitted once, amended only by new versions."""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from services.goals.domain.shared import NAMESPACE, check_owner, check_reason


class MonthlySummary(KaoheAggregate):
    """A person's monthly summary (月小结): submitted once, amended only by new versions."""

    @staticmethod
    def create_id(unit_id: UUID, person_id: UUID, month: str) -> UUID:
        """One summary per person and month."""
        return uuid5(NAMESPACE, f"monthly/{unit_id}/{person_id}/{month}")

    @event("SummarySubmitted")
    def __init__(
        self, unit_id: UUID, person_id: UUID, department_id: UUID | None, month: str, text: str
    ) -> None:
        self.unit_id = unit_id
        self.person_id = person_id
        self.department_id = department_id
        self.month = month
        self.texts = [text]

    def amend(self, actor_id: UUID, text: str, reason: str) -> None:
        """A new version; the earlier ones stay on record."""
        check_owner(actor_id, self.person_id, "monthly summary")
        self._amended(text, check_reason(reason))

    @event("SummaryAmended")
    def _amended(self, text: str, reason: str) -> None:
        self.texts.append(text)
