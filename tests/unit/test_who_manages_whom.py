"""Who manages whom on which date: "whoever manages, rates" (谁管理谁认定), as the chart changes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta
from uuid import UUID

import pytest

from kernel.context import CommandContext
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.domain import Unit
from services.directory.managers import Managers
from services.directory.vocabulary import (
    DepartmentCategory,
    OfficeRole,
    PositionCategory,
    ServiceKind,
)

AsOffice = Callable[..., AbstractContextManager[CommandContext]]

START = date(2024, 1, 1)
MOVE_DAY = date(2024, 7, 1)
HANDOVER_DAY = date(2024, 10, 1)
LEAVING_DAY = date(2024, 9, 1)


@dataclasses.dataclass
class Chart:
    """济宁 Government Offices Administration, simplified.

    王 is the principal leader; 李 supervises 综合科 and 车管科, 赵 supervises 督查科.
    陈, 刘 and 何 head 综合科, 车管科 and 督查科; 孙 works in 综合科 and 周 in 车管科.
    """

    unit: Unit
    general: UUID
    vehicles: UUID
    patrol: UUID
    wang: UUID
    li: UUID
    zhao: UUID
    chen: UUID
    liu: UUID
    he: UUID
    sun: UUID
    zhou: UUID

    @property
    def people(self) -> list[UUID]:
        c = self
        return [c.wang, c.li, c.zhao, c.chen, c.liu, c.he, c.sun, c.zhou]


def build_chart() -> Chart:
    """The chart as of START; call inside `acting()`."""
    unit = Unit(name="济宁市机关事务服务中心", code="jining-jgsw")
    general = unit.open_department("综合科", DepartmentCategory.GENERAL, None, START)
    vehicles = unit.open_department(
        "车管科", DepartmentCategory.SERVICE, ServiceKind.VEHICLES, START
    )
    patrol = unit.open_department("督查科", DepartmentCategory.PATROL, None, START)
    leader, general_staff = PositionCategory.LEADER, PositionCategory.GENERAL
    wang = unit.add_person("王主任", "wang", leader, None, START)
    li = unit.add_person("李副主任", "li", leader, None, START)
    zhao = unit.add_person("赵副主任", "zhao", leader, None, START)
    chen = unit.add_person("陈科长", "chen", general_staff, general, START)
    liu = unit.add_person("刘科长", "liu", PositionCategory.SERVICE, vehicles, START)
    he = unit.add_person("何科长", "he", PositionCategory.PATROL, patrol, START)
    sun = unit.add_person("孙科员", "sun", general_staff, general, START)
    zhou = unit.add_person("周科员", "zhou", PositionCategory.SERVICE, vehicles, START)
    unit.appoint_principal_leader(wang, START)
    unit.assign_supervising_leader(li, [general, vehicles], START)
    unit.assign_supervising_leader(zhao, [patrol], START)
    unit.appoint_department_head(general, chen, START)
    unit.appoint_department_head(vehicles, liu, START)
    unit.appoint_department_head(patrol, he, START)
    return Chart(unit, general, vehicles, patrol, wang, li, zhao, chen, liu, he, sun, zhou)


def apply_the_years_changes(c: Chart) -> None:
    """孙 moves to 车管科 on MOVE_DAY, 周 leaves on LEAVING_DAY, 赵 takes over 车管科 on
    HANDOVER_DAY; 孙 is an auditor from February to May, 何 is in the appraisal office."""
    c.unit.grant_office_role(c.sun, OfficeRole.AUDITOR, date(2024, 2, 1))
    c.unit.revoke_office_role(c.sun, OfficeRole.AUDITOR, date(2024, 5, 1))
    c.unit.grant_office_role(c.he, OfficeRole.APPRAISAL_OFFICE, START)
    c.unit.move_person(c.sun, c.vehicles, MOVE_DAY)
    c.unit.remove_person(c.zhou, LEAVING_DAY)
    c.unit.assign_supervising_leader(c.zhao, [c.vehicles], HANDOVER_DAY)


@pytest.fixture
def chart(office: CommandContext) -> Chart:
    return build_chart()


@pytest.fixture
def changed_chart(as_office: AsOffice) -> Chart:
    """The chart a year on, built as the office (only while it is built)."""
    with as_office():
        chart = build_chart()
        apply_the_years_changes(chart)
    return chart


def managers(
    person: UUID,
    on: date,
    *,
    department: UUID | None,
    head: UUID | None,
    supervisor: UUID | None,
    principal: UUID | None,
) -> Managers:
    return Managers(person, on, department, head, supervisor, principal)


# -- who manages whom -------------------------------------------------------------------------


def test_staff_are_managed_by_their_department_head_and_its_supervising_leader(
    chart: Chart,
) -> None:
    m = chart.unit.managers_of(chart.sun, date(2024, 3, 1))

    assert m == managers(
        chart.sun,
        date(2024, 3, 1),
        department=chart.general,
        head=chart.chen,
        supervisor=chart.li,
        principal=chart.wang,
    )
    assert m.direct_manager == chart.chen
    assert m.manages(chart.chen)
    assert m.manages(chart.li)
    assert not m.manages(chart.wang)  # the principal approves grades but does not rate
    assert not m.manages(chart.zhao)
    assert not m.manages(chart.sun)


def test_a_department_head_is_managed_by_the_supervising_leader_not_by_themself(
    chart: Chart,
) -> None:
    m = chart.unit.managers_of(chart.chen, date(2024, 3, 1))

    assert m.department_id == chart.general
    assert m.department_head is None
    assert m.supervising_leader == chart.li
    assert m.direct_manager == chart.li
    assert not m.manages(chart.chen)


def test_a_supervising_leader_is_managed_by_the_principal_leader(chart: Chart) -> None:
    m = chart.unit.managers_of(chart.li, date(2024, 3, 1))

    assert m == managers(
        chart.li, date(2024, 3, 1), department=None, head=None, supervisor=None,
        principal=chart.wang,
    )  # fmt: skip
    assert m.direct_manager == chart.wang


def test_the_principal_leader_is_managed_by_nobody(chart: Chart) -> None:
    m = chart.unit.managers_of(chart.wang, date(2024, 3, 1))

    assert m.direct_manager is None
    assert not m.manages(chart.wang)


def test_the_principal_leader_who_also_supervises_is_still_managed_by_nobody(chart: Chart) -> None:
    chart.unit.assign_supervising_leader(chart.wang, [chart.patrol], date(2024, 4, 1))

    m = chart.unit.managers_of(chart.wang, date(2024, 4, 1))

    assert (m.department_head, m.supervising_leader, m.direct_manager) == (None, None, None)
    assert chart.unit.managers_of(chart.he, date(2024, 4, 1)).supervising_leader == chart.wang


def test_after_a_move_the_new_head_manages_from_its_effective_date(chart: Chart) -> None:
    chart.unit.move_person(chart.sun, chart.vehicles, MOVE_DAY)

    before = chart.unit.managers_of(chart.sun, MOVE_DAY - timedelta(days=1))
    on_the_day = chart.unit.managers_of(chart.sun, MOVE_DAY)

    assert (before.department_id, before.department_head) == (chart.general, chart.chen)
    assert (on_the_day.department_id, on_the_day.department_head) == (chart.vehicles, chart.liu)
    assert before.manages(chart.chen)
    assert not on_the_day.manages(chart.chen)
    assert on_the_day.manages(chart.liu)


def test_a_move_is_answered_the_same_when_asked_about_an_earlier_date(chart: Chart) -> None:
    # Given a move recorded today, effective in the summer
    chart.unit.move_person(chart.sun, chart.patrol, MOVE_DAY)

    # Then the spring is still answered as it was
    m = chart.unit.managers_of(chart.sun, date(2024, 4, 1))
    assert (m.department_head, m.supervising_leader) == (chart.chen, chart.li)
    m = chart.unit.managers_of(chart.sun, MOVE_DAY)
    assert (m.department_head, m.supervising_leader) == (chart.he, chart.zhao)


def test_a_change_of_supervising_leader_takes_effect_on_its_date(chart: Chart) -> None:
    chart.unit.assign_supervising_leader(chart.zhao, [chart.vehicles], HANDOVER_DAY)

    day_before = HANDOVER_DAY - timedelta(days=1)
    assert chart.unit.managers_of(chart.zhou, day_before).supervising_leader == chart.li
    assert chart.unit.managers_of(chart.zhou, HANDOVER_DAY).supervising_leader == chart.zhao
    assert chart.unit.managers_of(chart.liu, HANDOVER_DAY).direct_manager == chart.zhao
    # 李 still supervises 综合科
    assert chart.unit.managers_of(chart.sun, HANDOVER_DAY).supervising_leader == chart.li


def test_a_new_department_head_takes_over_on_the_effective_date(chart: Chart) -> None:
    chart.unit.appoint_department_head(chart.general, chart.sun, date(2024, 5, 1))

    assert chart.unit.managers_of(chart.chen, date(2024, 4, 30)).department_head is None
    assert chart.unit.managers_of(chart.chen, date(2024, 5, 1)).department_head == chart.sun
    assert chart.unit.managers_of(chart.sun, date(2024, 4, 30)).department_head == chart.chen
    assert chart.unit.managers_of(chart.sun, date(2024, 5, 1)).department_head is None


def test_a_head_who_moves_away_stops_heading_the_old_department_that_day(chart: Chart) -> None:
    chart.unit.move_person(chart.chen, chart.patrol, MOVE_DAY)

    assert chart.unit.head_of(chart.general, MOVE_DAY - timedelta(days=1)) == chart.chen
    assert chart.unit.head_of(chart.general, MOVE_DAY) is None
    m = chart.unit.managers_of(chart.sun, MOVE_DAY)
    assert m.department_head is None
    assert m.direct_manager == chart.li
    assert chart.unit.managers_of(chart.chen, MOVE_DAY).department_head == chart.he


def test_a_person_who_left_has_no_department_afterwards(chart: Chart) -> None:
    chart.unit.remove_person(chart.zhou, LEAVING_DAY)

    before = chart.unit.managers_of(chart.zhou, LEAVING_DAY - timedelta(days=1))
    after = chart.unit.managers_of(chart.zhou, LEAVING_DAY)

    assert before.department_id == chart.vehicles
    assert before.department_head == chart.liu
    assert chart.unit.department_of(chart.zhou, LEAVING_DAY) is None
    assert after.department_id is None
    assert after.department_head is None
    assert after.supervising_leader is None
    assert not after.manages(chart.liu)
    assert not after.manages(chart.li)


def test_a_head_who_left_heads_nothing_afterwards(chart: Chart) -> None:
    chart.unit.remove_person(chart.liu, LEAVING_DAY)

    assert chart.unit.head_of(chart.vehicles, LEAVING_DAY) is None
    assert chart.unit.managers_of(chart.zhou, LEAVING_DAY).direct_manager == chart.li


def test_a_leader_who_left_supervises_nothing_afterwards(chart: Chart) -> None:
    chart.unit.remove_person(chart.li, LEAVING_DAY)

    assert chart.unit.supervisor_of(chart.general, LEAVING_DAY) is None
    m = chart.unit.managers_of(chart.chen, LEAVING_DAY)
    assert m.supervising_leader is None
    assert m.direct_manager == chart.wang


def test_a_person_not_yet_joined_belongs_to_no_department(chart: Chart) -> None:
    m = chart.unit.managers_of(chart.sun, START - timedelta(days=1))

    assert (m.department_id, m.department_head, m.supervising_leader) == (None, None, None)


# -- roles ------------------------------------------------------------------------------------


def test_roles_follow_the_appointments(chart: Chart) -> None:
    on = date(2024, 3, 1)
    roles = chart.unit.roles_of

    assert roles(chart.wang, on) == [Role.APPRAISEE, Role.PRINCIPAL_LEADER]
    assert roles(chart.li, on) == [Role.APPRAISEE, Role.SUPERVISING_LEADER]
    assert roles(chart.chen, on) == [Role.APPRAISEE, Role.DEPARTMENT_HEAD]
    assert roles(chart.sun, on) == [Role.APPRAISEE]


def test_office_roles_are_held_between_grant_and_revocation(chart: Chart) -> None:
    chart.unit.grant_office_role(chart.sun, OfficeRole.AUDITOR, date(2024, 2, 1))
    chart.unit.grant_office_role(chart.sun, OfficeRole.APPRAISAL_OFFICE, date(2024, 3, 1))
    chart.unit.revoke_office_role(chart.sun, OfficeRole.AUDITOR, date(2024, 5, 1))

    roles = chart.unit.roles_of
    assert roles(chart.sun, date(2024, 1, 31)) == [Role.APPRAISEE]
    assert roles(chart.sun, date(2024, 2, 1)) == [Role.APPRAISEE, Role.AUDITOR]
    assert roles(chart.sun, date(2024, 3, 1)) == [
        Role.APPRAISEE,
        Role.APPRAISAL_OFFICE,
        Role.AUDITOR,
    ]
    assert roles(chart.sun, date(2024, 5, 1)) == [Role.APPRAISEE, Role.APPRAISAL_OFFICE]


def test_an_office_role_can_be_granted_again_after_revocation(chart: Chart) -> None:
    chart.unit.grant_office_role(chart.sun, OfficeRole.AUDITOR, date(2024, 2, 1))
    chart.unit.revoke_office_role(chart.sun, OfficeRole.AUDITOR, date(2024, 3, 1))
    chart.unit.grant_office_role(chart.sun, OfficeRole.AUDITOR, date(2024, 6, 1))

    assert Role.AUDITOR in chart.unit.roles_of(chart.sun, date(2024, 2, 15))
    assert Role.AUDITOR not in chart.unit.roles_of(chart.sun, date(2024, 4, 1))
    assert Role.AUDITOR in chart.unit.roles_of(chart.sun, date(2024, 6, 1))


def test_a_head_who_moves_away_is_no_longer_a_department_head(chart: Chart) -> None:
    chart.unit.move_person(chart.chen, chart.patrol, MOVE_DAY)

    assert Role.DEPARTMENT_HEAD in chart.unit.roles_of(chart.chen, MOVE_DAY - timedelta(days=1))
    assert chart.unit.roles_of(chart.chen, MOVE_DAY) == [Role.APPRAISEE]


def test_a_leader_whose_departments_were_all_handed_over_no_longer_supervises(
    chart: Chart,
) -> None:
    chart.unit.assign_supervising_leader(chart.li, [chart.patrol], HANDOVER_DAY)

    assert Role.SUPERVISING_LEADER in chart.unit.roles_of(chart.zhao, HANDOVER_DAY - timedelta(1))
    assert chart.unit.roles_of(chart.zhao, HANDOVER_DAY) == [Role.APPRAISEE]
    # a leader without departments to supervise is managed by the principal
    assert chart.unit.managers_of(chart.zhao, HANDOVER_DAY).direct_manager == chart.wang


def test_nobody_holds_any_role_after_leaving(chart: Chart) -> None:
    chart.unit.grant_office_role(chart.li, OfficeRole.AUDITOR, START)
    chart.unit.remove_person(chart.li, LEAVING_DAY)
    chart.unit.remove_person(chart.wang, LEAVING_DAY)
    chart.unit.remove_person(chart.chen, LEAVING_DAY)

    for person in (chart.li, chart.wang, chart.chen):
        assert chart.unit.roles_of(person, LEAVING_DAY - timedelta(days=1)) != []
        assert chart.unit.roles_of(person, LEAVING_DAY) == []
        assert chart.unit.roles_of(person, date(2030, 1, 1)) == []
    assert chart.unit.principal_on(LEAVING_DAY) is None


def test_nobody_holds_any_role_before_joining(chart: Chart) -> None:
    assert chart.unit.roles_of(chart.wang, START - timedelta(days=1)) == []


# -- the same answers after a round trip through the event store ------------------------------

DATES = [
    START - timedelta(days=1),
    START,
    date(2024, 2, 1),
    date(2024, 4, 30),
    date(2024, 5, 1),
    MOVE_DAY - timedelta(days=1),
    MOVE_DAY,
    LEAVING_DAY,
    HANDOVER_DAY,
    date(2025, 1, 1),
]


def answers(unit: Unit, people: list[UUID]) -> list[tuple[Managers, list[Role]]]:
    return [(unit.managers_of(p, d), unit.roles_of(p, d)) for p in people for d in DATES]


def test_directory_without_environment_runs_in_memory(directory: Directory) -> None:
    assert type(directory.recorder).__module__ == "eventsourcing.popo"


def test_a_reloaded_unit_answers_the_same_as_the_one_that_was_saved(
    directory: Directory, changed_chart: Chart
) -> None:
    chart = changed_chart
    expected = answers(chart.unit, chart.people)
    directory.save(chart.unit)

    reloaded: Unit = directory.repository.get(chart.unit.id)

    assert reloaded.version == chart.unit.version
    assert answers(reloaded, chart.people) == expected
    assert reloaded.departments == chart.unit.departments
    assert reloaded.people == chart.unit.people
    assert reloaded.memberships == chart.unit.memberships
    assert reloaded.heads == chart.unit.heads
    assert reloaded.supervisors == chart.unit.supervisors
    assert reloaded.principals == chart.unit.principals
    assert reloaded.office_roles == chart.unit.office_roles


def test_a_reloaded_unit_keeps_its_codes_and_dates_typed(
    directory: Directory, changed_chart: Chart, as_office: AsOffice
) -> None:
    chart = changed_chart
    directory.save(chart.unit)

    reloaded: Unit = directory.repository.get(chart.unit.id)

    vehicles = reloaded.departments[chart.vehicles]
    assert type(vehicles.category) is DepartmentCategory
    assert type(vehicles.service_kind) is ServiceKind
    assert vehicles.service_kind.label == "公车"
    assert type(vehicles.opened_on) is date
    sun = reloaded.people[chart.sun]
    assert type(sun.position_category) is PositionCategory
    assert type(sun.joined_on) is date
    zhou = reloaded.people[chart.zhou]
    assert type(zhou.left_on) is date
    terms = [*reloaded.memberships[chart.sun], *reloaded.supervisors[chart.vehicles]]
    assert all(type(t.start) is date and type(t.holder) is UUID for t in terms)
    assert all(type(role) is OfficeRole for role in reloaded.office_roles)
    # and the reloaded unit takes further commands on the same footing
    with as_office():
        reloaded.revoke_office_role(chart.he, OfficeRole.APPRAISAL_OFFICE, date(2025, 1, 1))
        reloaded.open_department("会议科", DepartmentCategory.SERVICE, ServiceKind.MEETINGS, START)
    assert reloaded.roles_of(chart.he, date(2025, 1, 1)) == [Role.APPRAISEE, Role.DEPARTMENT_HEAD]


def test_the_directory_answers_who_manages_whom_through_its_commands(
    directory: Directory, as_office: AsOffice
) -> None:
    with as_office():
        unit_id = UUID(
            directory.register_unit("济宁市机关事务服务中心", "jining").result["unit_id"]
        )

        def opened(name: str, category: DepartmentCategory, kind: ServiceKind | None) -> UUID:
            done = directory.open_department(unit_id, name, category, kind, START)
            return UUID(done.result["department_id"])

        def joined(name: str, category: PositionCategory, department: UUID | None) -> UUID:
            done = directory.add_person(unit_id, name, name, category, department, START)
            return UUID(done.result["person_id"])

        general = opened("综合科", DepartmentCategory.GENERAL, None)
        canteen = opened("食堂管理科", DepartmentCategory.SERVICE, ServiceKind.CANTEEN)
        wang = joined("wang", PositionCategory.LEADER, None)
        li = joined("li", PositionCategory.LEADER, None)
        chen = joined("chen", PositionCategory.GENERAL, general)
        ma = joined("ma", PositionCategory.SERVICE, canteen)
        sun = joined("sun", PositionCategory.GENERAL, general)
        directory.appoint_principal_leader(unit_id, wang, START)
        directory.assign_supervising_leader(unit_id, li, [general, canteen], START)
        directory.appoint_department_head(unit_id, general, chen, START)
        directory.appoint_department_head(unit_id, canteen, ma, START)
        directory.grant_office_role(unit_id, sun, OfficeRole.APPRAISAL_OFFICE, START)
        directory.move_person(unit_id, sun, canteen, MOVE_DAY)
        directory.revoke_office_role(unit_id, sun, OfficeRole.APPRAISAL_OFFICE, MOVE_DAY)
        done = directory.remove_person(unit_id, chen, LEAVING_DAY)

    assert done.versions == {str(unit_id): 16}
    assert done.positions == [16]
    before = directory.get_managers(unit_id, sun, MOVE_DAY - timedelta(days=1))
    after = directory.get_managers(unit_id, sun, MOVE_DAY)
    assert (before.department_id, before.department_head, before.supervising_leader) == (
        general,
        chen,
        li,
    )
    assert (after.department_id, after.department_head, after.supervising_leader) == (
        canteen,
        ma,
        li,
    )
    unit = directory.get_unit(unit_id)
    assert unit.roles_of(sun, START) == [Role.APPRAISEE, Role.APPRAISAL_OFFICE]
    assert unit.roles_of(sun, MOVE_DAY) == [Role.APPRAISEE]
    assert unit.roles_of(chen, LEAVING_DAY) == []
    assert unit.head_of(general, LEAVING_DAY) is None


# -- terms bounded by what is already recorded of their holder ------------------------------


def test_a_head_appointed_with_an_earlier_date_stops_heading_when_they_moved_away(
    chart: Chart,
) -> None:
    # Given 孙's move to 车管科 on MOVE_DAY is already recorded
    chart.unit.move_person(chart.sun, chart.vehicles, MOVE_DAY)
    # When 孙 is appointed head of 综合科 from an earlier date (allowed: a member then)
    chart.unit.appoint_department_head(chart.general, chart.sun, date(2024, 5, 1))

    # Then 孙 heads 综合科 only until the move
    assert chart.unit.head_of(chart.general, date(2024, 5, 1)) == chart.sun
    assert chart.unit.head_of(chart.general, MOVE_DAY) is None


def test_a_leader_who_left_supervises_nothing_even_if_assigned_with_an_earlier_date(
    chart: Chart,
) -> None:
    deputy = chart.unit.add_person("钱副主任", "qian", PositionCategory.LEADER, None, START)
    chart.unit.remove_person(deputy, LEAVING_DAY)
    chart.unit.assign_supervising_leader(deputy, [chart.patrol], date(2024, 5, 1))

    assert chart.unit.supervisor_of(chart.patrol, date(2024, 5, 1)) == deputy
    assert chart.unit.managers_of(chart.he, LEAVING_DAY).supervising_leader is None


def test_the_two_hundredth_event_of_a_unit_is_committed_without_error(
    directory: Directory, as_office: AsOffice
) -> None:
    with as_office():
        chart = build_chart()
        directory.save(chart.unit)
        unit: Unit = directory.repository.get(chart.unit.id)
        day = START
        while unit.version < 199:
            day += timedelta(days=1)
            unit.grant_office_role(chart.sun, OfficeRole.AUDITOR, day)
            unit.revoke_office_role(chart.sun, OfficeRole.AUDITOR, day + timedelta(days=1))
            day += timedelta(days=1)
        if unit.version == 199:
            unit.grant_office_role(chart.sun, OfficeRole.AUDITOR, day + timedelta(days=1))
        assert unit.version == 200

        directory.commit(unit, result={})
