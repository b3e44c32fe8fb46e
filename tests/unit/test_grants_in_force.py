"""Every request's roles are checked against the org chart as it is now (the in-memory directory
here): a revoked office role, a departed person and an unappointed platform auditor are refused
at once, naming `kernel.grant_in_force`; tokens of nobody's org chart pass; answers are cached
until the directory log moves on or the day changes."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from uuid import UUID, uuid4

import pytest

from kernel.auth import AuthenticationError
from kernel.context import Actor, CommandContext, Scope, acting
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.domain import unit_id_for
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart
from services.directory.vocabulary import DepartmentCategory, OfficeRole, PositionCategory

AsOffice = Callable[..., AbstractContextManager[CommandContext]]
D0 = date(2024, 1, 2)


class Today:
    def __init__(self) -> None:
        self.on = date(2024, 3, 15)

    def __call__(self) -> date:
        return self.on


def token(person: UUID, *roles: Role, unit: UUID | None = None, scope: Scope = Scope.UNIT) -> Actor:
    return Actor(
        person_id=person,
        tenant_id=unit,
        login="x",
        name="x",
        roles=frozenset(roles),
        scope=scope,
    )


def refusal(grants: GrantsInForce, actor: Actor) -> AuthenticationError:
    with pytest.raises(AuthenticationError) as refused:
        grants(actor)
    assert refused.value.rule == "kernel.grant_in_force"
    return refused.value


@pytest.fixture
def today() -> Today:
    return Today()


@pytest.fixture
def grants(directory: Directory, today: Today) -> GrantsInForce:
    return GrantsInForce(OrgChart(directory), today)


@pytest.fixture
def unit(directory: Directory, as_office: AsOffice) -> tuple[UUID, UUID, UUID]:
    """A unit with an office holder who is also its auditor, and a staff member."""
    with as_office():
        directory.register_unit("测试中心", "GRANTS")
        unit_id = unit_id_for("GRANTS")
        general = directory.open_department(
            unit_id, "综合科", DepartmentCategory.GENERAL, None, D0
        ).result["department_id"]
        office = UUID(
            directory.add_person(
                unit_id, "王芳", "wangfang", PositionCategory.GENERAL, UUID(general), D0
            ).result["person_id"]
        )
        staff = UUID(
            directory.add_person(
                unit_id, "张伟", "zhangwei", PositionCategory.GENERAL, UUID(general), D0
            ).result["person_id"]
        )
        directory.grant_office_role(unit_id, office, OfficeRole.APPRAISAL_OFFICE, D0)
        directory.grant_office_role(unit_id, office, OfficeRole.AUDITOR, D0)
    return unit_id, office, staff


def test_roles_held_today_pass_and_a_subset_of_them_too(
    grants: GrantsInForce, unit: tuple[UUID, UUID, UUID]
) -> None:
    unit_id, office, staff = unit
    grants(token(office, Role.APPRAISEE, Role.APPRAISAL_OFFICE, Role.AUDITOR, unit=unit_id))
    grants(token(office, Role.AUDITOR, unit=unit_id))
    grants(token(staff, Role.APPRAISEE, unit=unit_id))


def test_a_role_never_held_is_refused_naming_it(
    grants: GrantsInForce, unit: tuple[UUID, UUID, UUID]
) -> None:
    unit_id, _, staff = unit
    refused = refusal(grants, token(staff, Role.APPRAISEE, Role.APPRAISAL_OFFICE, unit=unit_id))
    assert "APPRAISAL_OFFICE" in refused.reason


def test_a_revoked_office_role_is_refused_at_the_next_check(
    grants: GrantsInForce,
    today: Today,
    directory: Directory,
    unit: tuple[UUID, UUID, UUID],
    as_office: AsOffice,
) -> None:
    unit_id, office, _ = unit
    claims = token(office, Role.APPRAISEE, Role.APPRAISAL_OFFICE, unit=unit_id)
    grants(claims)
    with as_office():
        directory.revoke_office_role(unit_id, office, OfficeRole.APPRAISAL_OFFICE, today.on)
    assert "APPRAISAL_OFFICE" in refusal(grants, claims).reason
    grants(token(office, Role.APPRAISEE, Role.AUDITOR, unit=unit_id))


def test_a_role_revoked_from_a_later_date_holds_until_that_day(
    grants: GrantsInForce,
    today: Today,
    directory: Directory,
    unit: tuple[UUID, UUID, UUID],
    as_office: AsOffice,
) -> None:
    unit_id, office, _ = unit
    claims = token(office, Role.AUDITOR, unit=unit_id)
    with as_office():
        directory.revoke_office_role(unit_id, office, OfficeRole.AUDITOR, date(2024, 3, 16))
    grants(claims)
    today.on = date(2024, 3, 16)
    refusal(grants, claims)


def test_a_departed_person_is_refused_naming_the_day_they_left(
    grants: GrantsInForce,
    today: Today,
    directory: Directory,
    unit: tuple[UUID, UUID, UUID],
    as_office: AsOffice,
) -> None:
    unit_id, _, staff = unit
    with as_office():
        directory.remove_person(unit_id, staff, today.on)
    refused = refusal(grants, token(staff, Role.APPRAISEE, unit=unit_id))
    assert today.on.isoformat() in refused.reason


def test_a_person_of_no_unit_or_another_unit_is_refused(
    grants: GrantsInForce, unit: tuple[UUID, UUID, UUID]
) -> None:
    unit_id, office, _ = unit
    refusal(grants, token(uuid4(), Role.APPRAISEE, unit=unit_id))
    refusal(grants, token(office, Role.APPRAISEE, unit=uuid4()))
    refusal(grants, token(office, Role.AUDITOR))


def test_tokens_that_claim_no_place_in_an_org_chart_pass(
    grants: GrantsInForce, unit: tuple[UUID, UUID, UUID]
) -> None:
    unit_id, _, _ = unit
    grants(token(uuid4(), Role.ADMIN, scope=Scope.PLATFORM))
    grants(token(uuid4(), Role.INTEGRATION, unit=unit_id))
    grants(token(uuid4(), Role.SERVED_CADRE, unit=unit_id))


def test_a_platform_auditor_is_checked_against_the_recorded_appointments(
    grants: GrantsInForce,
    today: Today,
    directory: Directory,
    office_context: Callable[..., CommandContext],
) -> None:
    refusal(grants, token(uuid4(), Role.AUDITOR, scope=Scope.PLATFORM))
    admin = office_context(tenant_id=None)
    with acting(admin):
        appointed = UUID(
            directory.appoint_platform_auditor(
                Role.ADMIN, "纪检甲", "jijian", "纪检监察组", date(2024, 3, 1)
            ).result["person_id"]
        )
    platform_auditor = token(appointed, Role.AUDITOR, scope=Scope.PLATFORM)
    grants(platform_auditor)
    with acting(admin):
        directory.revoke_platform_auditor(Role.ADMIN, appointed, today.on)
    assert "platform auditor" in refusal(grants, platform_auditor).reason


def test_nothing_is_read_again_while_the_log_and_the_day_stay_the_same(
    directory: Directory, unit: tuple[UUID, UUID, UUID]
) -> None:
    unit_id, office, _ = unit
    asked: list[UUID] = []

    class Counting(OrgChart):
        def roles_of(self, unit_id: UUID, person_id: UUID, on: date) -> list[Role]:
            asked.append(person_id)
            return super().roles_of(unit_id, person_id, on)

    today = Today()
    grants = GrantsInForce(Counting(directory), today)
    claims = token(office, Role.APPRAISAL_OFFICE, unit=unit_id)
    for _ in range(5):
        grants(claims)
    assert asked == [office]
    today.on = date(2024, 3, 16)
    grants(claims)
    assert asked == [office, office]
