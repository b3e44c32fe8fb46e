"""GraphQL mutations: forwarded to the owning service with the caller's token, answered only once
the projections show the change (read-your-writes).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import strawberry

from gateway.directory.types import Department, Person, Unit
from gateway.graphql.plumbing import Answer, ExpectedVersion, IdempotencyKey, Info_, forwarded
from services.directory import commands as directory
from services.directory.vocabulary import DepartmentCategory as DepartmentCategoryCode
from services.directory.vocabulary import OfficeRole as OfficeRoleCode
from services.directory.vocabulary import PositionCategory as PositionCategoryCode
from services.directory.vocabulary import ServiceKind as ServiceKindCode


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


def _changed(field: str, result: dict[str, Any], args: dict[str, Any]) -> str:
    """The id of the record a command changed: named in the arguments, else in the answer."""
    return str(args.get(field) or result[field])


async def _unit_answer(
    info: Info_, result: dict[str, Any], position: int, _: dict[str, Any]
) -> UnitPayload:
    return UnitPayload(unit=await _unit(info, result["unit_id"]), position=position)


async def _department_answer(
    info: Info_, result: dict[str, Any], position: int, args: dict[str, Any]
) -> DepartmentPayload:
    return DepartmentPayload(
        department=await _department(info, _changed("department_id", result, args)),
        unit=await _unit(info, str(args["unit_id"])),
        position=position,
    )


def _person_answer(field: str = "person_id") -> Answer:
    """The payload of a change to the person named by `field`."""

    async def answer(
        info: Info_, result: dict[str, Any], position: int, args: dict[str, Any]
    ) -> PersonPayload:
        return PersonPayload(
            person=await _person(info, _changed(field, result, args)),
            unit=await _unit(info, str(args["unit_id"])),
            position=position,
        )

    return answer


async def _auditor_answer(
    info: Info_, result: dict[str, Any], position: int, args: dict[str, Any]
) -> PlatformAuditorPayload:
    person_id = strawberry.ID(_changed("person_id", result, args))
    return PlatformAuditorPayload(person_id=person_id, position=position)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Register a unit (platform administrator)")
    @forwarded(directory.REGISTER_UNIT, _unit_answer)
    async def register_unit(
        self,
        info: Info_,
        name: str,
        code: str,
        idempotency_key: IdempotencyKey = None,
    ) -> UnitPayload: ...

    @strawberry.mutation(description="Open a department (考核办)")
    @forwarded(directory.OPEN_DEPARTMENT, _department_answer)
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
    ) -> DepartmentPayload: ...

    @strawberry.mutation(description="Add a person to the unit (考核办)")
    @forwarded(directory.ADD_PERSON, _person_answer())
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
    ) -> PersonPayload: ...

    @strawberry.mutation(description="Move a person to another department from a date (考核办)")
    @forwarded(directory.MOVE_PERSON, _person_answer())
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
    ) -> PersonPayload: ...

    @strawberry.mutation(description="Record that a person left the unit (考核办)")
    @forwarded(directory.REMOVE_PERSON, _person_answer())
    async def remove_person(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID,
        reason: str,
        effective_on: date | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> PersonPayload: ...

    @strawberry.mutation(description="Appoint a department head (考核办)")
    @forwarded(directory.APPOINT_DEPARTMENT_HEAD, _department_answer)
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
    ) -> DepartmentPayload: ...

    @strawberry.mutation(description="Assign departments to a supervising leader (考核办)")
    @forwarded(directory.ASSIGN_SUPERVISING_LEADER, _person_answer("leader_id"))
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
    ) -> PersonPayload: ...

    @strawberry.mutation(description="Appoint the principal leader (考核办)")
    @forwarded(directory.APPOINT_PRINCIPAL_LEADER, _person_answer())
    async def appoint_principal_leader(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID,
        effective_on: date | None = None,
        reason: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> PersonPayload: ...

    @strawberry.mutation(description="Grant a unit-wide role: 考核办 or 审计/纪检 (考核办)")
    @forwarded(directory.GRANT_OFFICE_ROLE, _person_answer())
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
    ) -> PersonPayload: ...

    @strawberry.mutation(
        description="End a unit-wide role (考核办 or 审计/纪检) from a date (考核办); tokens "
        "claiming it are refused from then on"
    )
    @forwarded(directory.REVOKE_OFFICE_ROLE, _person_answer())
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
    ) -> PersonPayload: ...

    @strawberry.mutation(
        description="Appoint a platform-wide auditor (纪检) of a discipline-inspection body, who "
        "reads every unit. The platform administrator's act only (系统管理员), recorded with the "
        "reason; a unit's office grants auditors of its own unit (grantOfficeRole)"
    )
    @forwarded(directory.APPOINT_PLATFORM_AUDITOR, _auditor_answer)
    async def appoint_platform_auditor(
        self,
        info: Info_,
        name: str,
        login: str,
        body: Annotated[str, strawberry.argument(description="The body served (纪检监察组)")],
        reason: str,
        effective_on: date | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> PlatformAuditorPayload: ...

    @strawberry.mutation(
        description="End a platform auditor's appointment (系统管理员 only), with the reason; "
        "their tokens are refused from then on"
    )
    @forwarded(directory.REVOKE_PLATFORM_AUDITOR, _auditor_answer)
    async def revoke_platform_auditor(
        self,
        info: Info_,
        person_id: strawberry.ID,
        reason: str,
        effective_on: date | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> PlatformAuditorPayload: ...
