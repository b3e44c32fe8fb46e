"""The org-chart facts other services decide with, read from the directory's published log.

Each decision reads the unit's history from the directory's event store at that moment, so the
"direct manager at that instant" is never stale. No synchronous call to the directory service is
made.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar
from uuid import UUID

from kernel.roles import Role
from services.directory.application import Directory
from services.directory.domain import Unit
from services.directory.managers import Managers

# The org chart answers with a unit: other services name its type through this module, never
# through the directory's domain (Managers is published by services/directory/managers.py).
__all__ = ["OrgChart", "Unit"]

T = TypeVar("T")


class OrgChart:
    """Read-only questions about the org chart, answered from the directory log."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    @classmethod
    def on_postgres(cls, database_url: str) -> OrgChart:
        """The org chart read from the directory log on the PostgreSQL at `database_url`, with a
        reader's small pool."""
        return cls(Directory.on_postgres(database_url, reader=True))

    def unit(self, unit_id: UUID) -> Unit:
        """A copy of the unit's org chart as recorded now."""
        return self._directory.get_unit(unit_id)

    def ask(self, unit_id: UUID, question: Callable[[Unit], T]) -> T:
        """Answer `question` about the unit's org chart as recorded now, without copying it
        (a unit is hundreds of people); `question` must not keep or change the unit.
        """
        return self._directory.ask(unit_id, question)

    def managers_of(self, unit_id: UUID, person_id: UUID, on: date) -> Managers:
        """Who manages the person on `on`."""
        return self.ask(unit_id, lambda unit: unit.managers_of(person_id, on))

    def department_of(self, unit_id: UUID, person_id: UUID, on: date) -> UUID | None:
        """The person's department on `on`."""

        def question(unit: Unit) -> UUID | None:
            unit.person(person_id)
            return unit.department_of(person_id, on)

        return self.ask(unit_id, question)

    def members(self, unit_id: UUID, department_id: UUID, on: date) -> list[tuple[UUID, str]]:
        """The department's members on `on`, with their names."""

        def question(unit: Unit) -> list[tuple[UUID, str]]:
            unit.department(department_id)
            return [
                (p.id, p.name)
                for p in unit.people.values()
                if unit.department_of(p.id, on) == department_id
            ]

        return self.ask(unit_id, question)

    def department_name(self, unit_id: UUID, department_id: UUID) -> str:
        """The department's name."""
        return self.ask(unit_id, lambda unit: unit.department(department_id).name)

    def roles_of(self, unit_id: UUID, person_id: UUID, on: date) -> list[Role]:
        """The roles the person holds in the unit on `on` (none once they left)."""
        return self.ask(unit_id, lambda unit: unit.roles_of(person_id, on))

    def left_on(self, unit_id: UUID, person_id: UUID) -> date | None:
        """When the person left the unit, if they did."""
        return self.ask(unit_id, lambda unit: unit.person(person_id).left_on)

    def is_platform_auditor(self, person_id: UUID, on: date) -> bool:
        """Whether `person_id` is a platform-wide auditor, appointed and in force on `on`."""
        return self._directory.ask_platform(
            lambda p: p is not None and p.auditor_on(person_id, on) is not None
        )

    def position(self) -> int:
        """The directory log's latest position: nothing in the org chart changed while it
        stays the same."""
        return self._directory.recorder.max_notification_id() or 0

    def close(self) -> None:
        """Release the directory store's connections."""
        self._directory.close()
