"""GraphQL mutations: forwarded to the owning service with the caller's token, answered only once
the projections show the change (read-your-writes).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import strawberry

from gateway.directory.types import Department, Person, Unit
from gateway.graphql.plumbing import IdempotencyKey, Info_, forward, parse_id
from services.directory.vocabulary import DepartmentCategory as DepartmentCategoryCode
from services.directory.vocabulary import OfficeRole as OfficeRoleCode
from services.directory.vocabulary import PositionCategory as PositionCategoryCode
from services.directory.vocabulary import ServiceKind as ServiceKindCode

EXPECTED = "The unit version this change was decided against (If-Match): stale is refused"
ExpectedVersion = Annotated[int | None, strawberry.argument(description=EXPECTED)]


async def to_directory(
    info: Info_,
    path: str,
    body: dict[str, Any],
    idempotency_key: str | None,
    expected_version: int | None = None,
) -> tuple[dict[str, Any], int]:
    """A command for the directory service."""
    url = info.context.settings.directory_url
    return await forward(info, "directory", url, path, body, idempotency_key, expected_version)


async def _person(info: Info_, person_id: str) -> Person:
    row = await info.context.loaders.person.load(UUID(person_id))
    assert row is not None, "projected before answering"
    return Person.from_row(row)


async def _department(info: Info_, department_id: str) -> Department:
    row = await info.context.loaders.department.load(UUID(department_id))
    assert row is not None, "projected before answering"
    return Department.from_row(row)


async def _unit(info: Info_, unit_id: str) -> Unit:
    ctx = info.context
    row = await ctx.pool.fetchrow(
        f"SELECT * FROM {ctx.table('units')} WHERE id = $1", UUID(unit_id)
    )
    assert row is not None, "projected before answering"
    return Unit.from_row(row)


@strawberry.type(description="The result of a change to a unit")
class UnitPayload:
    unit: Unit
    position: int = strawberry.field(description="The directory log position of the change")


@strawberry.type(description="The result of a change to a department")
class DepartmentPayload:
    department: Department
    unit: Unit
    position: int


@strawberry.type(description="The result of appointing or revoking a platform auditor (纪检)")
class PlatformAuditorPayload:
    person_id: strawberry.ID = strawberry.field(
        description="The platform auditor's id: the `sub` of their platform-scope token"
    )
    position: int


@strawberry.type(description="The result of a change to a person")
class PersonPayload:
    person: Person
    unit: Unit
    position: int


def _unit_path(unit_id: strawberry.ID, tail: str = "") -> str:
    return f"/units/{parse_id(unit_id, 'unitId')}{tail}"


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Register a unit (platform administrator)")
    async def register_unit(
        self,
        info: Info_,
        name: str,
        code: str,
        idempotency_key: IdempotencyKey = None,
    ) -> UnitPayload:
        result, position = await to_directory(
            info, "/units", {"name": name, "code": code}, idempotency_key
        )
        return UnitPayload(unit=await _unit(info, result["unit_id"]), position=position)

    @strawberry.mutation(description="Open a department (考核办)")
    async def open_department(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        name: str,
        category: DepartmentCategoryCode,
        service_kind: ServiceKindCode | None = None,
        opened_on: date | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> DepartmentPayload:
        body = {
            "name": name,
            "category": category,
            "service_kind": service_kind,
            "opened_on": opened_on,
        }
        result, position = await to_directory(
            info, _unit_path(unit_id, "/departments"), body, idempotency_key, expected_version
        )
        return DepartmentPayload(
            department=await _department(info, result["department_id"]),
            unit=await _unit(info, str(unit_id)),
            position=position,
        )

    @strawberry.mutation(description="Add a person to the unit (考核办)")
    async def add_person(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        name: str,
        login: str,
        position_category: PositionCategoryCode,
        department_id: strawberry.ID | None = None,
        joined_on: date | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> PersonPayload:
        body = {
            "name": name,
            "login": login,
            "position_category": position_category,
            "department_id": department_id,
            "joined_on": joined_on,
        }
        result, position = await to_directory(
            info, _unit_path(unit_id, "/people"), body, idempotency_key, expected_version
        )
        return PersonPayload(
            person=await _person(info, result["person_id"]),
            unit=await _unit(info, str(unit_id)),
            position=position,
        )

    @strawberry.mutation(description="Move a person to another department from a date (考核办)")
    async def move_person(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID,
        department_id: strawberry.ID,
        reason: str,
        effective_on: date | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> PersonPayload:
        body = {"department_id": department_id, "reason": reason, "effective_on": effective_on}
        _, position = await to_directory(
            info,
            _unit_path(unit_id, f"/people/{parse_id(person_id, 'personId')}/moves"),
            body,
            idempotency_key,
            expected_version,
        )
        return await _person_payload(info, unit_id, person_id, position)

    @strawberry.mutation(description="Record that a person left the unit (考核办)")
    async def remove_person(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID,
        reason: str,
        effective_on: date | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> PersonPayload:
        body = {"reason": reason, "effective_on": effective_on}
        _, position = await to_directory(
            info,
            _unit_path(unit_id, f"/people/{parse_id(person_id, 'personId')}/departure"),
            body,
            idempotency_key,
            expected_version,
        )
        return await _person_payload(info, unit_id, person_id, position)

    @strawberry.mutation(description="Appoint a department head (考核办)")
    async def appoint_department_head(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        department_id: strawberry.ID,
        person_id: strawberry.ID,
        effective_on: date | None = None,
        reason: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> DepartmentPayload:
        body = {"person_id": person_id, "effective_on": effective_on, "reason": reason}
        _, position = await to_directory(
            info,
            _unit_path(unit_id, f"/departments/{parse_id(department_id, 'departmentId')}/head"),
            body,
            idempotency_key,
            expected_version,
        )
        return DepartmentPayload(
            department=await _department(info, str(department_id)),
            unit=await _unit(info, str(unit_id)),
            position=position,
        )

    @strawberry.mutation(description="Assign departments to a supervising leader (考核办)")
    async def assign_supervising_leader(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        leader_id: strawberry.ID,
        department_ids: list[strawberry.ID],
        effective_on: date | None = None,
        reason: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> PersonPayload:
        body = {
            "leader_id": leader_id,
            "department_ids": [str(d) for d in department_ids],
            "effective_on": effective_on,
            "reason": reason,
        }
        _, position = await to_directory(
            info, _unit_path(unit_id, "/supervision"), body, idempotency_key, expected_version
        )
        return await _person_payload(info, unit_id, leader_id, position)

    @strawberry.mutation(description="Appoint the principal leader (考核办)")
    async def appoint_principal_leader(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID,
        effective_on: date | None = None,
        reason: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> PersonPayload:
        body = {"person_id": person_id, "effective_on": effective_on, "reason": reason}
        _, position = await to_directory(
            info, _unit_path(unit_id, "/principal-leader"), body, idempotency_key, expected_version
        )
        return await _person_payload(info, unit_id, person_id, position)

    @strawberry.mutation(description="Grant a unit-wide role: 考核办 or 审计/纪检 (考核办)")
    async def grant_office_role(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID,
        role: OfficeRoleCode,
        effective_on: date | None = None,
        reason: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> PersonPayload:
        body = {
            "person_id": person_id,
            "role": role,
            "effective_on": effective_on,
            "reason": reason,
        }
        _, position = await to_directory(
            info, _unit_path(unit_id, "/office-roles"), body, idempotency_key, expected_version
        )
        return await _person_payload(info, unit_id, person_id, position)

    @strawberry.mutation(
        description="End a unit-wide role (考核办 or 审计/纪检) from a date (考核办); tokens "
        "claiming it are refused from then on"
    )
    async def revoke_office_role(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID,
        role: OfficeRoleCode,
        effective_on: date | None = None,
        reason: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> PersonPayload:
        body = {
            "person_id": person_id,
            "role": role,
            "effective_on": effective_on,
            "reason": reason,
        }
        _, position = await to_directory(
            info,
            _unit_path(unit_id, "/office-roles/revocations"),
            body,
            idempotency_key,
            expected_version,
        )
        return await _person_payload(info, unit_id, person_id, position)

    @strawberry.mutation(
        description="Appoint a platform-wide auditor (纪检) of a discipline-inspection body, who "
        "reads every unit. The platform administrator's act only (系统管理员), recorded with the "
        "reason; a unit's office grants auditors of its own unit (grantOfficeRole)"
    )
    async def appoint_platform_auditor(
        self,
        info: Info_,
        name: str,
        login: str,
        body: Annotated[str, strawberry.argument(description="The body served (纪检监察组)")],
        reason: str,
        effective_on: date | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> PlatformAuditorPayload:
        command = {
            "name": name,
            "login": login,
            "body": body,
            "reason": reason,
            "effective_on": effective_on,
        }
        result, position = await to_directory(info, "/platform/auditors", command, idempotency_key)
        return PlatformAuditorPayload(
            person_id=strawberry.ID(result["person_id"]), position=position
        )

    @strawberry.mutation(
        description="End a platform auditor's appointment (系统管理员 only), with the reason; "
        "their tokens are refused from then on"
    )
    async def revoke_platform_auditor(
        self,
        info: Info_,
        person_id: strawberry.ID,
        reason: str,
        effective_on: date | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> PlatformAuditorPayload:
        command = {"reason": reason, "effective_on": effective_on}
        _, position = await to_directory(
            info,
            f"/platform/auditors/{parse_id(person_id, 'personId')}/revocation",
            command,
            idempotency_key,
        )
        return PlatformAuditorPayload(person_id=person_id, position=position)


async def _person_payload(
    info: Info_, unit_id: strawberry.ID, person_id: strawberry.ID, position: int
) -> PersonPayload:
    return PersonPayload(
        person=await _person(info, str(person_id)),
        unit=await _unit(info, str(unit_id)),
        position=position,
    )
