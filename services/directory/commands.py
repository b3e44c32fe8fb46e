"""The directory's published commands: each body the service validates, and the route it is
posted to. The service's routes (api.py) and the gateway's mutations both read them here, so a
command is defined once.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field

from kernel.calendar import china_date
from kernel.routes import CommandRoute
from kernel.text import Name, Reason
from kernel.web.commands import Command
from services.directory.vocabulary import (
    DepartmentCategory,
    OfficeRole,
    PositionCategory,
    ServiceKind,
)


def today_in_china() -> date:
    """The calendar date in China now: the default effective date of an org change."""
    return china_date()


# The day an org change holds from: today in China unless the command names it.
DateOrToday = Annotated[date, Field(default_factory=today_in_china)]
OptionalReason = Annotated[str | None, Field(max_length=2000)]
Login = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]{1,63}$")]


class RegisterUnit(Command):
    name: Name
    code: Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")]


class OpenDepartment(Command):
    name: Name
    category: DepartmentCategory
    service_kind: ServiceKind | None = None
    opened_on: DateOrToday


class AddPerson(Command):
    name: Name
    login: Login
    position_category: PositionCategory
    department_id: UUID | None = None
    joined_on: DateOrToday


class MovePerson(Command):
    department_id: UUID
    effective_on: DateOrToday
    reason: Reason


class RemovePerson(Command):
    effective_on: DateOrToday
    reason: Reason


class AppointHead(Command):
    person_id: UUID
    effective_on: DateOrToday
    reason: OptionalReason = None


class AssignSupervision(Command):
    leader_id: UUID
    department_ids: list[UUID] = Field(min_length=1)
    effective_on: DateOrToday
    reason: OptionalReason = None


class AppointPrincipal(Command):
    person_id: UUID
    effective_on: DateOrToday
    reason: OptionalReason = None


class ChangeOfficeRole(Command):
    person_id: UUID
    role: OfficeRole
    effective_on: DateOrToday
    reason: OptionalReason = None


class AppointPlatformAuditor(Command):
    name: Name
    login: Login
    body: Annotated[
        str, Field(min_length=1, max_length=100, description="The body they serve (纪检监察组)")
    ]
    effective_on: DateOrToday
    reason: Reason


class RevokePlatformAuditor(Command):
    effective_on: DateOrToday
    reason: Reason


REGISTER_UNIT = CommandRoute("directory", "/units", RegisterUnit)
OPEN_DEPARTMENT = CommandRoute("directory", "/units/{unit_id}/departments", OpenDepartment)
ADD_PERSON = CommandRoute("directory", "/units/{unit_id}/people", AddPerson)
MOVE_PERSON = CommandRoute("directory", "/units/{unit_id}/people/{person_id}/moves", MovePerson)
REMOVE_PERSON = CommandRoute(
    "directory", "/units/{unit_id}/people/{person_id}/departure", RemovePerson
)
APPOINT_DEPARTMENT_HEAD = CommandRoute(
    "directory", "/units/{unit_id}/departments/{department_id}/head", AppointHead
)
ASSIGN_SUPERVISING_LEADER = CommandRoute(
    "directory", "/units/{unit_id}/supervision", AssignSupervision
)
APPOINT_PRINCIPAL_LEADER = CommandRoute(
    "directory", "/units/{unit_id}/principal-leader", AppointPrincipal
)
GRANT_OFFICE_ROLE = CommandRoute("directory", "/units/{unit_id}/office-roles", ChangeOfficeRole)
REVOKE_OFFICE_ROLE = CommandRoute(
    "directory", "/units/{unit_id}/office-roles/revocations", ChangeOfficeRole
)
APPOINT_PLATFORM_AUDITOR = CommandRoute("directory", "/platform/auditors", AppointPlatformAuditor)
REVOKE_PLATFORM_AUDITOR = CommandRoute(
    "directory", "/platform/auditors/{person_id}/revocation", RevokePlatformAuditor
)
