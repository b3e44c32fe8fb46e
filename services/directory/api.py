"""The directory's command API (FastAPI). Commands are for the appraisal office of the unit
(考核办) and the platform administrator; reads are for anyone of the unit and auditors.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from kernel.context import Actor
from kernel.errors import NotPermittedError
from kernel.roles import Role
from kernel.store import Committed
from kernel.web.caller import CurrentActor, require_role
from kernel.web.commands import Command, expected_version, run_command
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


def directory(request: Request) -> Directory:
    """The directory application of this process."""
    app: Directory = request.app.state.directory
    return app


DirectoryApp = Annotated[Directory, Depends(directory)]


def office_role(actor: Actor, unit_id: UUID) -> Role:
    """The role the caller acts in for a directory command: the unit's office, or the admin."""
    if actor.has(Role.ADMIN):
        return Role.ADMIN
    require_role(actor, Role.APPRAISAL_OFFICE, tenant_id=unit_id)
    return Role.APPRAISAL_OFFICE


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


@router.post(REGISTER_UNIT.path, status_code=201)
def register_unit(
    body: RegisterUnit, request: Request, actor: CurrentActor, app: DirectoryApp
) -> JSONResponse:
    """Register a unit (tenant). Platform administrator only."""
    require_role(actor, Role.ADMIN)
    return run_command(
        app,
        request,
        actor,
        Role.ADMIN,
        lambda: app.register_unit(body.name, body.code),
        payload=body,
    )


def _unit_command(
    app: Directory,
    request: Request,
    actor: Actor,
    unit_id: UUID,
    body: Command,
    decide: Any,
) -> JSONResponse:
    role = office_role(actor, unit_id)
    version = expected_version(request)

    def run() -> Committed:
        result: Committed = decide(version)
        return result

    return run_command(
        app, request, actor, role, run, payload=body, reason=getattr(body, "reason", None)
    )


@router.post(OPEN_DEPARTMENT.path, status_code=201)
def open_department(
    unit_id: UUID, body: OpenDepartment, request: Request, actor: CurrentActor, app: DirectoryApp
) -> JSONResponse:
    """Open a department (科室)."""
    return _unit_command(
        app,
        request,
        actor,
        unit_id,
        body,
        lambda v: app.open_department(
            unit_id, body.name, body.category, body.service_kind, body.opened_on, v
        ),
    )


@router.post(ADD_PERSON.path, status_code=201)
def add_person(
    unit_id: UUID, body: AddPerson, request: Request, actor: CurrentActor, app: DirectoryApp
) -> JSONResponse:
    """Add a person to the unit, in a department (unit leaders may have none)."""
    return _unit_command(
        app,
        request,
        actor,
        unit_id,
        body,
        lambda v: app.add_person(
            unit_id,
            body.name,
            body.login,
            body.position_category,
            body.department_id,
            body.joined_on,
            v,
        ),
    )


@router.post(MOVE_PERSON.path, status_code=201)
def move_person(
    unit_id: UUID,
    person_id: UUID,
    body: MovePerson,
    request: Request,
    actor: CurrentActor,
    app: DirectoryApp,
) -> JSONResponse:
    """Move a person to another department from a date, with the reason."""
    return _unit_command(
        app,
        request,
        actor,
        unit_id,
        body,
        lambda v: app.move_person(unit_id, person_id, body.department_id, body.effective_on, v),
    )


@router.post(REMOVE_PERSON.path, status_code=201)
def remove_person(
    unit_id: UUID,
    person_id: UUID,
    body: RemovePerson,
    request: Request,
    actor: CurrentActor,
    app: DirectoryApp,
) -> JSONResponse:
    """Record that a person left the unit, with the reason."""
    return _unit_command(
        app,
        request,
        actor,
        unit_id,
        body,
        lambda v: app.remove_person(unit_id, person_id, body.effective_on, v),
    )


@router.post(APPOINT_DEPARTMENT_HEAD.path, status_code=201)
def appoint_department_head(
    unit_id: UUID,
    department_id: UUID,
    body: AppointHead,
    request: Request,
    actor: CurrentActor,
    app: DirectoryApp,
) -> JSONResponse:
    """Appoint a department head (科室负责人)."""
    return _unit_command(
        app,
        request,
        actor,
        unit_id,
        body,
        lambda v: app.appoint_department_head(
            unit_id, department_id, body.person_id, body.effective_on, v
        ),
    )


@router.post(ASSIGN_SUPERVISING_LEADER.path, status_code=201)
def assign_supervising_leader(
    unit_id: UUID,
    body: AssignSupervision,
    request: Request,
    actor: CurrentActor,
    app: DirectoryApp,
) -> JSONResponse:
    """Assign departments to a supervising leader (分管领导)."""
    return _unit_command(
        app,
        request,
        actor,
        unit_id,
        body,
        lambda v: app.assign_supervising_leader(
            unit_id, body.leader_id, body.department_ids, body.effective_on, v
        ),
    )


@router.post(APPOINT_PRINCIPAL_LEADER.path, status_code=201)
def appoint_principal_leader(
    unit_id: UUID,
    body: AppointPrincipal,
    request: Request,
    actor: CurrentActor,
    app: DirectoryApp,
) -> JSONResponse:
    """Appoint the principal leader (主要负责人)."""
    return _unit_command(
        app,
        request,
        actor,
        unit_id,
        body,
        lambda v: app.appoint_principal_leader(unit_id, body.person_id, body.effective_on, v),
    )


@router.post(GRANT_OFFICE_ROLE.path, status_code=201)
def grant_office_role(
    unit_id: UUID,
    body: ChangeOfficeRole,
    request: Request,
    actor: CurrentActor,
    app: DirectoryApp,
) -> JSONResponse:
    """Grant a unit-wide role: appraisal office (考核办) or auditor (审计/纪检)."""
    return _unit_command(
        app,
        request,
        actor,
        unit_id,
        body,
        lambda v: app.grant_office_role(unit_id, body.person_id, body.role, body.effective_on, v),
    )


@router.post(REVOKE_OFFICE_ROLE.path, status_code=201)
def revoke_office_role(
    unit_id: UUID,
    body: ChangeOfficeRole,
    request: Request,
    actor: CurrentActor,
    app: DirectoryApp,
) -> JSONResponse:
    """End a unit-wide role."""
    return _unit_command(
        app,
        request,
        actor,
        unit_id,
        body,
        lambda v: app.revoke_office_role(unit_id, body.person_id, body.role, body.effective_on, v),
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


@platform_router.post(APPOINT_PLATFORM_AUDITOR.path, status_code=201)
def appoint_platform_auditor(
    body: AppointPlatformAuditor, request: Request, actor: CurrentActor, app: DirectoryApp
) -> JSONResponse:
    """Appoint a platform-wide auditor (纪检), who reads every unit. Platform administrator
    only; a unit's office grants auditors of its own unit (office-roles)."""
    role = acting_role(actor)
    return run_command(
        app,
        request,
        actor,
        role,
        lambda: app.appoint_platform_auditor(
            role, body.name, body.login, body.body, body.effective_on
        ),
        payload=body,
        reason=body.reason,
    )


@platform_router.post(REVOKE_PLATFORM_AUDITOR.path, status_code=201)
def revoke_platform_auditor(
    person_id: UUID,
    body: RevokePlatformAuditor,
    request: Request,
    actor: CurrentActor,
    app: DirectoryApp,
) -> JSONResponse:
    """End a platform auditor's appointment. Platform administrator only."""
    role = acting_role(actor)
    return run_command(
        app,
        request,
        actor,
        role,
        lambda: app.revoke_platform_auditor(role, person_id, body.effective_on),
        payload=body,
        reason=body.reason,
    )
