"""Reference goals: the unit's work priorities (工作要点) and special plans (专项业务规划), a
department's annual and phase goals, published and revised in versions.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import RuleViolatedError
from services.goals.domain.shared import NAMESPACE, check_reason
from services.goals.vocabulary import (
    Period,
    ReferenceKind,
)


class ReferenceGoals(KaoheAggregate):
    """Published, versioned reference goals: the unit's work priorities (工作要点) and special plans
    (专项业务规划), a department's annual and phase goals.
    """

    @staticmethod
    def create_id(
        unit_id: UUID, kind: ReferenceKind, department_id: UUID | None, period: str
    ) -> UUID:
        """One document per unit (or department), kind and period."""
        return uuid5(NAMESPACE, f"reference/{unit_id}/{kind.value}/{department_id}/{period}")

    @event("Published")
    def __init__(
        self,
        unit_id: UUID,
        kind: ReferenceKind,
        department_id: UUID | None,
        period: str,
        title: str,
        items: list[dict[str, Any]],
    ) -> None:
        self.unit_id = unit_id
        self.kind = ReferenceKind(kind)
        self.department_id = department_id
        self.period = period
        self.title = title
        self.items = items
        self.revision = 1

    @staticmethod
    def check_document(
        kind: ReferenceKind, department_id: UUID | None, period: str, items: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Department goals name their department; others none; items have titles."""
        Period.parse(period)
        if kind.by_department and department_id is None:
            raise RuleViolatedError(
                "goals.department_goals_name_department",
                f"{kind.label} belong to a department: give department_id",
                field="department_id",
            )
        if not kind.by_department and department_id is not None:
            raise RuleViolatedError(
                "goals.unit_goals_have_no_department",
                f"{kind.label} are the unit's: give no department_id",
                field="department_id",
            )
        if not items:
            raise RuleViolatedError("goals.not_empty", "publish at least one item", field="items")
        return [{**d, "ref_id": d.get("ref_id") or str(uuid4())} for d in items]

    def revise(self, title: str, items: list[dict[str, Any]], reason: str) -> None:
        """Publish a new version; the old one stays in the history."""
        checked = self.check_document(self.kind, self.department_id, self.period, items)
        self._revised(title, checked, check_reason(reason))

    @event("Revised")
    def _revised(self, title: str, items: list[dict[str, Any]], reason: str) -> None:
        self.title = title
        self.items = items
        self.revision += 1
