"""GraphQL mutations: forwarded to the owning service with the caller's token, answered only once
the projections show the change (read-your-writes).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry

from gateway.directory.types import Department, Person, Unit
from gateway.graphql.plumbing import Answer, Info_, mutation, projected, projected_row
from services.directory import commands as directory


async def _person(info: Info_, person_id: str) -> Person:
    row = await info.context.loaders.person.load(UUID(person_id))
    assert row is not None, "projected before answering"
    return Person.from_row(row)


async def _department(info: Info_, department_id: str) -> Department:
    row = await info.context.loaders.department.load(UUID(department_id))
    assert row is not None, "projected before answering"
    return Department.from_row(row)


async def _unit(info: Info_, unit_id: str) -> Unit:
    return Unit.from_row(await projected_row(info, "units", unit_id))


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


_unit_answer = projected(UnitPayload, "units", "unit_id")


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
    register_unit = mutation(
        directory.REGISTER_UNIT,
        _unit_answer,
        description="Register a unit (platform administrator)",
        versioned=False,
    )

    open_department = mutation(
        directory.OPEN_DEPARTMENT, _department_answer, description="Open a department (考核办)"
    )

    add_person = mutation(
        directory.ADD_PERSON, _person_answer(), description="Add a person to the unit (考核办)"
    )

    move_person = mutation(
        directory.MOVE_PERSON,
        _person_answer(),
        description="Move a person to another department from a date (考核办)",
    )

    remove_person = mutation(
        directory.REMOVE_PERSON,
        _person_answer(),
        description="Record that a person left the unit (考核办)",
    )

    appoint_department_head = mutation(
        directory.APPOINT_DEPARTMENT_HEAD,
        _department_answer,
        description="Appoint a department head (考核办)",
    )

    assign_supervising_leader = mutation(
        directory.ASSIGN_SUPERVISING_LEADER,
        _person_answer("leader_id"),
        description="Assign departments to a supervising leader (考核办)",
    )

    appoint_principal_leader = mutation(
        directory.APPOINT_PRINCIPAL_LEADER,
        _person_answer(),
        description="Appoint the principal leader (考核办)",
    )

    grant_office_role = mutation(
        directory.GRANT_OFFICE_ROLE,
        _person_answer(),
        description="Grant a unit-wide role: 考核办 or 审计/纪检 (考核办)",
    )

    revoke_office_role = mutation(
        directory.REVOKE_OFFICE_ROLE,
        _person_answer(),
        description="End a unit-wide role (考核办 or 审计/纪检) from a date (考核办); tokens "
        "claiming it are refused from then on",
    )

    appoint_platform_auditor = mutation(
        directory.APPOINT_PLATFORM_AUDITOR,
        _auditor_answer,
        description="Appoint a platform-wide auditor (纪检) of a discipline-inspection body, who "
        "reads every unit. The platform administrator's act only (系统管理员), recorded with the "
        "reason; a unit's office grants auditors of its own unit (grantOfficeRole)",
        versioned=False,
    )

    revoke_platform_auditor = mutation(
        directory.REVOKE_PLATFORM_AUDITOR,
        _auditor_answer,
        description="End a platform auditor's appointment (系统管理员 only), with the reason; "
        "their tokens are refused from then on",
        versioned=False,
    )
