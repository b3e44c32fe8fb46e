"""The directory's command API (FastAPI). Commands are for the appraisal office of the unit
(考核办) and the platform administrator; reads are for anyone of the unit and auditors.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from kernel.context import Actor
from kernel.errors import NotPermittedError
from kernel.roles import Role
from kernel.store import Committed
from kernel.web.caller import CurrentActor, require_role
from kernel.web.endpoints import Call, CommandRoutes, application
from services.directory.application import Directory
from services.directory.commands import (
    ADD_PERSON,
    APPOINT_DEPARTMENT_HEAD,
    APPOINT_PLATFORM_AUDITOR,
    APPOINT_PRINCIPAL_LEADER,
    ASSIGN_SUPERVISING_LEADER,
    GRANT_OFFICE_ROLE,
    MOVE_PERSON,
    OPEN_DEPARTMENT,
    REGISTER_UNIT,
    REMOVE_PERSON,
    REVOKE_OFFICE_ROLE,
    REVOKE_PLATFORM_AUDITOR,
    AddPerson,
    AppointHead,
    AppointPlatformAuditor,
    AppointPrincipal,
    AssignSupervision,
    ChangeOfficeRole,
    MovePerson,
    OpenDepartment,
    RegisterUnit,
    RemovePerson,
    RevokePlatformAuditor,
    today_in_china,
)

DirectoryApp = Annotated[Directory, application("directory")]


def office_role(actor: Actor, unit_id: UUID) -> Role:
    """The role the caller acts in for a directory command: the unit's office, or the admin."""
    if actor.has(Role.ADMIN):
        return Role.ADMIN
    return require_role(actor, Role.APPRAISAL_OFFICE, tenant_id=unit_id)


def reader_role(actor: Actor, unit_id: UUID) -> None:
    """Anyone of the unit (its auditors included) may read the directory; of another unit,
    only the platform administrator and platform auditors."""
    if actor.reads_unit(unit_id):
        return
    raise NotPermittedError(
        "directory.read_own_unit",
        f"the caller belongs to unit {actor.tenant_id}, not {unit_id}",
        missing_relation="MEMBER_OF_UNIT",
    )


router = APIRouter(tags=["directory"])
command = CommandRoutes(router, DirectoryApp)


def _admin(c: Call[Directory, Any]) -> Role:
    return require_role(c.actor, Role.ADMIN)


def _office(c: Call[Directory, Any]) -> Role:
    return office_role(c.actor, c.path["unit_id"])


@command(REGISTER_UNIT, guard=_admin, versioned=False)
def register_unit(c: Call[Directory, RegisterUnit]) -> Committed:
    """Register a unit (tenant). Platform administrator only."""
    return c.app.register_unit(c.body.name, c.body.code)


@command(OPEN_DEPARTMENT, guard=_office)
def open_department(c: Call[Directory, OpenDepartment]) -> Committed:
    """Open a department (科室)."""
    b = c.body
    return c.app.open_department(
        c.path["unit_id"], b.name, b.category, b.service_kind, b.opened_on, c.version
    )


@command(ADD_PERSON, guard=_office)
def add_person(c: Call[Directory, AddPerson]) -> Committed:
    """Add a person to the unit, in a department (unit leaders may have none)."""
    b = c.body
    return c.app.add_person(
        c.path["unit_id"],
        b.name,
        b.login,
        b.position_category,
        b.department_id,
        b.joined_on,
        c.version,
    )


@command(MOVE_PERSON, guard=_office)
def move_person(c: Call[Directory, MovePerson]) -> Committed:
    """Move a person to another department from a date, with the reason."""
    unit_id, person_id = c.path["unit_id"], c.path["person_id"]
    return c.app.move_person(
        unit_id, person_id, c.body.department_id, c.body.effective_on, c.version
    )


@command(REMOVE_PERSON, guard=_office)
def remove_person(c: Call[Directory, RemovePerson]) -> Committed:
    """Record that a person left the unit, with the reason."""
    return c.app.remove_person(
        c.path["unit_id"], c.path["person_id"], c.body.effective_on, c.version
    )


@command(APPOINT_DEPARTMENT_HEAD, guard=_office)
def appoint_department_head(c: Call[Directory, AppointHead]) -> Committed:
    """Appoint a department head (科室负责人)."""
    unit_id, department_id = c.path["unit_id"], c.path["department_id"]
    return c.app.appoint_department_head(
        unit_id, department_id, c.body.person_id, c.body.effective_on, c.version
    )


@command(ASSIGN_SUPERVISING_LEADER, guard=_office)
def assign_supervising_leader(c: Call[Directory, AssignSupervision]) -> Committed:
    """Assign departments to a supervising leader (分管领导)."""
    b = c.body
    return c.app.assign_supervising_leader(
        c.path["unit_id"], b.leader_id, b.department_ids, b.effective_on, c.version
    )


@command(APPOINT_PRINCIPAL_LEADER, guard=_office)
def appoint_principal_leader(c: Call[Directory, AppointPrincipal]) -> Committed:
    """Appoint the principal leader (主要负责人)."""
    return c.app.appoint_principal_leader(
        c.path["unit_id"], c.body.person_id, c.body.effective_on, c.version
    )


@command(GRANT_OFFICE_ROLE, guard=_office)
def grant_office_role(c: Call[Directory, ChangeOfficeRole]) -> Committed:
    """Grant a unit-wide role: appraisal office (考核办) or auditor (审计/纪检)."""
    b = c.body
    return c.app.grant_office_role(
        c.path["unit_id"], b.person_id, b.role, b.effective_on, c.version
    )


@command(REVOKE_OFFICE_ROLE, guard=_office)
def revoke_office_role(c: Call[Directory, ChangeOfficeRole]) -> Committed:
    """End a unit-wide role."""
    b = c.body
    return c.app.revoke_office_role(
        c.path["unit_id"], b.person_id, b.role, b.effective_on, c.version
    )


@router.get("/units/{unit_id}")
def get_unit(unit_id: UUID, actor: CurrentActor, app: DirectoryApp) -> JSONResponse:
    """The unit's name, code and version (send the version back as If-Match)."""
    reader_role(actor, unit_id)
    unit = app.get_unit(unit_id)
    return JSONResponse(
        {"unit_id": str(unit.id), "name": unit.name, "code": unit.code, "version": unit.version},
        headers={"ETag": f'"{unit.version}"'},
    )


@router.get("/units/{unit_id}/people/{person_id}/managers")
def get_managers(
    unit_id: UUID,
    person_id: UUID,
    actor: CurrentActor,
    app: DirectoryApp,
    on: Annotated[date | None, Query(description="the date; today in China if absent")] = None,
) -> dict[str, Any]:
    """Who manages the person on a date: department head, supervising leader, principal."""
    reader_role(actor, unit_id)
    managers = app.get_managers(unit_id, person_id, on or today_in_china())
    return {
        "person_id": str(managers.person_id),
        "on": managers.on.isoformat(),
        "department_id": _s(managers.department_id),
        "department_head": _s(managers.department_head),
        "supervising_leader": _s(managers.supervising_leader),
        "principal_leader": _s(managers.principal_leader),
        "direct_manager": _s(managers.direct_manager),
    }


def _s(value: UUID | None) -> str | None:
    return str(value) if value else None


platform_router = APIRouter(tags=["directory"])


def acting_role(actor: Actor) -> Role:
    """The role a platform command is decided in: the administrator's, else the office's or
    any other the caller holds (which the domain refuses, naming ADMIN)."""
    for role in (Role.ADMIN, Role.APPRAISAL_OFFICE):
        if actor.has(role):
            return role
    return min(actor.roles, default=Role.APPRAISEE)


def _acting(c: Call[Directory, Any]) -> Role:
    return acting_role(c.actor)


platform_command = CommandRoutes(platform_router, DirectoryApp)


@platform_command(APPOINT_PLATFORM_AUDITOR, guard=_acting, versioned=False)
def appoint_platform_auditor(c: Call[Directory, AppointPlatformAuditor]) -> Committed:
    """Appoint a platform-wide auditor (纪检), who reads every unit. Platform administrator
    only; a unit's office grants auditors of its own unit (office-roles)."""
    assert c.role is not None
    b = c.body
    return c.app.appoint_platform_auditor(c.role, b.name, b.login, b.body, b.effective_on)


@platform_command(REVOKE_PLATFORM_AUDITOR, guard=_acting, versioned=False)
def revoke_platform_auditor(c: Call[Directory, RevokePlatformAuditor]) -> Committed:
    """End a platform auditor's appointment. Platform administrator only."""
    assert c.role is not None
    return c.app.revoke_platform_auditor(c.role, c.path["person_id"], c.body.effective_on)
