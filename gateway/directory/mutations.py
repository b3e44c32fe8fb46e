"""GraphQL mutations: forwarded to the owning service with the caller's token, answered only once
the projections show the change (read-your-writes).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from gateway.directory.types import Department, Person, Unit
from gateway.graphql.plumbing import ExpectedVersion, IdempotencyKey, Info_, forward
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
        result, position = await forward(
            info, directory.REGISTER_UNIT, idempotency_key, None, name=name, code=code
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
        result, position = await forward(
            info,
            directory.OPEN_DEPARTMENT,
            idempotency_key,
            expected_version,
            unit_id=unit_id,
            name=name,
            category=category,
            service_kind=service_kind,
            opened_on=opened_on,
        )
        return await _department_payload(info, unit_id, result["department_id"], position)

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
        result, position = await forward(
            info,
            directory.ADD_PERSON,
            idempotency_key,
            expected_version,
            unit_id=unit_id,
            name=name,
            login=login,
            position_category=position_category,
            department_id=department_id,
            joined_on=joined_on,
        )
        return await _person_payload(info, unit_id, result["person_id"], position)

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
        _, position = await forward(
            info,
            directory.MOVE_PERSON,
            idempotency_key,
            expected_version,
            unit_id=unit_id,
            person_id=person_id,
            department_id=department_id,
            reason=reason,
            effective_on=effective_on,
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
        _, position = await forward(
            info,
            directory.REMOVE_PERSON,
            idempotency_key,
            expected_version,
            unit_id=unit_id,
            person_id=person_id,
            reason=reason,
            effective_on=effective_on,
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
        _, position = await forward(
            info,
            directory.APPOINT_DEPARTMENT_HEAD,
            idempotency_key,
            expected_version,
            unit_id=unit_id,
            department_id=department_id,
            person_id=person_id,
            effective_on=effective_on,
            reason=reason,
        )
        return await _department_payload(info, unit_id, department_id, position)

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
        _, position = await forward(
            info,
            directory.ASSIGN_SUPERVISING_LEADER,
            idempotency_key,
            expected_version,
            unit_id=unit_id,
            leader_id=leader_id,
            department_ids=department_ids,
            effective_on=effective_on,
            reason=reason,
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
        _, position = await forward(
            info,
            directory.APPOINT_PRINCIPAL_LEADER,
            idempotency_key,
            expected_version,
            unit_id=unit_id,
            person_id=person_id,
            effective_on=effective_on,
            reason=reason,
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
        _, position = await forward(
            info,
            directory.GRANT_OFFICE_ROLE,
            idempotency_key,
            expected_version,
            unit_id=unit_id,
            person_id=person_id,
            role=role,
            effective_on=effective_on,
            reason=reason,
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
        _, position = await forward(
            info,
            directory.REVOKE_OFFICE_ROLE,
            idempotency_key,
            expected_version,
            unit_id=unit_id,
            person_id=person_id,
            role=role,
            effective_on=effective_on,
            reason=reason,
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
        result, position = await forward(
            info,
            directory.APPOINT_PLATFORM_AUDITOR,
            idempotency_key,
            None,
            name=name,
            login=login,
            body=body,
            reason=reason,
            effective_on=effective_on,
        )
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
        _, position = await forward(
            info,
            directory.REVOKE_PLATFORM_AUDITOR,
            idempotency_key,
            None,
            person_id=person_id,
            reason=reason,
            effective_on=effective_on,
        )
        return PlatformAuditorPayload(person_id=person_id, position=position)


async def _person_payload(
    info: Info_, unit_id: str, person_id: str, position: int
) -> PersonPayload:
    return PersonPayload(
        person=await _person(info, str(person_id)),
        unit=await _unit(info, str(unit_id)),
        position=position,
    )


async def _department_payload(
    info: Info_, unit_id: str, department_id: str, position: int
) -> DepartmentPayload:
    return DepartmentPayload(
        department=await _department(info, str(department_id)),
        unit=await _unit(info, str(unit_id)),
        position=position,
    )
