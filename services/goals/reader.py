"""The goals facts other services decide with, read from the goals service's published log.

The reviews service reads a person's approved goals for a quarter at the moment a summary is
submitted; no synchronous call to the goals service is made.
"""

from __future__ import annotations

from uuid import UUID

from kernel.store import LogReading, ServiceApplication
from services.goals.application import Goals
from services.goals.domain import GoalSet
from services.goals.vocabulary import ItemStatus


class GoalsLog:
    """Read-only questions about goals, answered from the goals log."""

    def __init__(self, goals: ServiceApplication) -> None:
        self._goals = goals

    @classmethod
    def on_postgres(cls, database_url: str) -> GoalsLog:
        """The goals log on the PostgreSQL at `database_url`, with a reader's small pool."""
        return cls(LogReading(Goals, database_url))

    def approved_items(
        self, unit_id: UUID, person_id: UUID, period: str
    ) -> tuple[int | None, list[dict[str, str]]]:
        """The approved version in force of the person's goals for the period (its number and
        its items, without dropped ones); (None, []) when nothing is approved.
        """
        goal_set = self._goals.find(GoalSet, GoalSet.create_id(unit_id, person_id, period))
        if goal_set is None or goal_set.in_force is None:
            return None, []
        in_force = goal_set.in_force
        items = [
            {"item_id": item.item_id, "what": item.what}
            for item in in_force.items
            if goal_set.progress.get(item.item_id) is None
            or goal_set.progress[item.item_id].status is not ItemStatus.DROPPED
        ]
        return in_force.number, items

    def close(self) -> None:
        """Release the goals store's connections."""
        self._goals.close()
