"""The directory's commands and queries against its event store."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from datetime import date
from typing import ClassVar, Self, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from kernel.errors import ConflictError, check_version
from kernel.roles import Role
from kernel.store import Committed, ServiceApplication
from services.directory.domain import PLATFORM_ID, Platform, Unit, unit_id_for
from services.directory.managers import Managers
from services.directory.vocabulary import (
    DepartmentCategory,
    OfficeRole,
    PositionCategory,
    ServiceKind,
)

T = TypeVar("T")


class Directory(ServiceApplication):
    """Units, departments, people and who manages whom, over time."""

    name = "directory"
    schema: ClassVar[str] = "directory"

    @classmethod
    def on_postgres(cls, database_url: str, *, reader: bool = False) -> Self:
        """The directory on the PostgreSQL at `database_url`; as a `reader`, for another
        service's `OrgChart`, with a smaller pool."""
        return cls(env=cls.postgres_env(database_url, reader=reader))

    def register_unit(self, name: str, code: str) -> Committed:
        """Register a unit (tenant)."""
        unit_id = unit_id_for(code)
        try:
            self.reading(unit_id, lambda unit: unit.version)
        except AggregateNotFoundError:
            unit = Unit(name=name, code=code)
            return self.commit(unit, result={"unit_id": str(unit.id)})
        raise ConflictError(
            "directory.unit_code_unique", f"a unit with code {code!r} exists", field="code"
        )

    def get_unit(self, unit_id: UUID, expected_version: int | None = None) -> Unit:
        """The unit's current org chart; with `expected_version`, only if it is still current."""
        unit = self.ask(unit_id, copy.deepcopy)
        check_version(expected_version, unit.version)
        return unit

    def _deciding(
        self, unit_id: UUID, expected_version: int | None
    ) -> contextlib.AbstractContextManager[Unit]:
        # Every org-chart command decides on the unit's one aggregate: one at a time here.
        return self.deciding_on(Unit, unit_id, expected_version, "unit", "unit_id")

    def ask(self, unit_id: UUID, question: Callable[[Unit], T]) -> T:
        """Answer `question` about the unit's org chart as recorded now (without copying it)."""
        return self.asking(Unit, unit_id, question, "unit", "unit_id")

    def open_department(
        self,
        unit_id: UUID,
        name: str,
        category: DepartmentCategory,
        service_kind: ServiceKind | None,
        opened_on: date,
        expected_version: int | None = None,
    ) -> Committed:
        """Open a department in a unit."""
        with self._deciding(unit_id, expected_version) as unit:
            department_id = unit.open_department(name, category, service_kind, opened_on)
            return self.commit(unit, result={"department_id": str(department_id)})

    def add_person(
        self,
        unit_id: UUID,
        name: str,
        login: str,
        position_category: PositionCategory,
        department_id: UUID | None,
        joined_on: date,
        expected_version: int | None = None,
    ) -> Committed:
        """Add a person to a unit."""
        with self._deciding(unit_id, expected_version) as unit:
            person_id = unit.add_person(name, login, position_category, department_id, joined_on)
            return self.commit(unit, result={"person_id": str(person_id)})

    def move_person(
        self,
        unit_id: UUID,
        person_id: UUID,
        department_id: UUID,
        effective_on: date,
        expected_version: int | None = None,
    ) -> Committed:
        """Move a person to another department."""
        with self._deciding(unit_id, expected_version) as unit:
            unit.move_person(person_id, department_id, effective_on)
            return self.commit(unit, result={"person_id": str(person_id)})

    def remove_person(
        self,
        unit_id: UUID,
        person_id: UUID,
        effective_on: date,
        expected_version: int | None = None,
    ) -> Committed:
        """Record that a person left the unit."""
        with self._deciding(unit_id, expected_version) as unit:
            unit.remove_person(person_id, effective_on)
            return self.commit(unit, result={"person_id": str(person_id)})

    def appoint_department_head(
        self,
        unit_id: UUID,
        department_id: UUID,
        person_id: UUID,
        effective_on: date,
        expected_version: int | None = None,
    ) -> Committed:
        """Appoint a department head."""
        with self._deciding(unit_id, expected_version) as unit:
            unit.appoint_department_head(department_id, person_id, effective_on)
            return self.commit(unit, result={"department_id": str(department_id)})

    def assign_supervising_leader(
        self,
        unit_id: UUID,
        leader_id: UUID,
        department_ids: list[UUID],
        effective_on: date,
        expected_version: int | None = None,
    ) -> Committed:
        """Assign departments to a supervising leader."""
        with self._deciding(unit_id, expected_version) as unit:
            unit.assign_supervising_leader(leader_id, department_ids, effective_on)
            return self.commit(unit, result={"leader_id": str(leader_id)})

    def appoint_principal_leader(
        self,
        unit_id: UUID,
        person_id: UUID,
        effective_on: date,
        expected_version: int | None = None,
    ) -> Committed:
        """Appoint the principal leader."""
        with self._deciding(unit_id, expected_version) as unit:
            unit.appoint_principal_leader(person_id, effective_on)
            return self.commit(unit, result={"person_id": str(person_id)})

    def grant_office_role(
        self,
        unit_id: UUID,
        person_id: UUID,
        role: OfficeRole,
        effective_on: date,
        expected_version: int | None = None,
    ) -> Committed:
        """Grant a unit-wide role."""
        with self._deciding(unit_id, expected_version) as unit:
            unit.grant_office_role(person_id, role, effective_on)
            return self.commit(unit, result={"person_id": str(person_id)})

    def revoke_office_role(
        self,
        unit_id: UUID,
        person_id: UUID,
        role: OfficeRole,
        effective_on: date,
        expected_version: int | None = None,
    ) -> Committed:
        """End a unit-wide role."""
        with self._deciding(unit_id, expected_version) as unit:
            unit.revoke_office_role(person_id, role, effective_on)
            return self.commit(unit, result={"person_id": str(person_id)})

    def get_managers(self, unit_id: UUID, person_id: UUID, on: date) -> Managers:
        """Who manages the person on `on`."""
        return self.ask(unit_id, lambda unit: unit.managers_of(person_id, on))

    def appoint_platform_auditor(
        self, by: Role, name: str, login: str, body: str, effective_on: date
    ) -> Committed:
        """Appoint a platform-wide auditor (纪检): the platform administrator's act."""
        with self._platform() as platform:
            person_id = platform.appoint_auditor(by, name, login, body, effective_on)
            return self.commit(platform, result={"person_id": str(person_id)})

    def revoke_platform_auditor(self, by: Role, person_id: UUID, effective_on: date) -> Committed:
        """End a platform auditor's appointment."""
        with self._platform() as platform:
            platform.revoke_auditor(by, person_id, effective_on)
            return self.commit(platform, result={"person_id": str(person_id)})

    @contextlib.contextmanager
    def _platform(self) -> Iterator[Platform]:
        try:
            with self.deciding(PLATFORM_ID) as platform:
                yield platform
        except AggregateNotFoundError:
            # The first appointment establishes the platform's record.
            with self._stripe(PLATFORM_ID):
                yield Platform()

    def ask_platform(self, question: Callable[[Platform | None], T]) -> T:
        """Answer `question` about the platform's record as it is now (None: nothing recorded
        yet); `question` must not keep or change it."""
        try:
            return self.reading(PLATFORM_ID, question)
        except AggregateNotFoundError:
            return question(None)
