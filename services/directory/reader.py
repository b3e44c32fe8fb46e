"""The org-chart facts other services decide with, read from the directory's published log.

Each decision reads the unit's history from the directory's event store at that moment, so the
"direct manager at that instant" is never stale. No synchronous call to the directory service is
made.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.directory.application import Directory
from services.directory.domain import Managers, Unit


class OrgChart:
    """Read-only questions about the org chart, answered from the directory log."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    def unit(self, unit_id: UUID) -> Unit:
        """The unit's org chart as recorded now."""
        return self._directory.get_unit(unit_id)

    def managers_of(self, unit_id: UUID, person_id: UUID, on: date) -> Managers:
        """Who manages the person on `on`."""
        return self.unit(unit_id).managers_of(person_id, on)

    def department_of(self, unit_id: UUID, person_id: UUID, on: date) -> UUID | None:
        """The person's department on `on`."""
        unit = self.unit(unit_id)
        unit.person(person_id)
        return unit.department_of(person_id, on)

    def members(self, unit_id: UUID, department_id: UUID, on: date) -> list[tuple[UUID, str]]:
        """The department's members on `on`, with their names."""
        unit = self.unit(unit_id)
        unit.department(department_id)
        return [
            (p.id, p.name)
            for p in unit.people.values()
            if unit.department_of(p.id, on) == department_id
        ]

    def department_name(self, unit_id: UUID, department_id: UUID) -> str:
        """The department's name."""
        return self.unit(unit_id).department(department_id).name

    def close(self) -> None:
        """Release the directory store's connections."""
        self._directory.close()
