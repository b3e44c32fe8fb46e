"""The directory's domain with no I/O: named rules, who manages whom over time, event metadata."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import cast
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.aggregate import KaoheAggregate
from kernel.chain import GENESIS, ChainVerifier, StoredRow, canonical_bytes, link
from kernel.context import CommandContext, NoCommandContextError, acting, with_reason
from kernel.errors import NotFoundError, RuleViolatedError
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.domain import Unit
from services.directory.vocabulary import (
    DepartmentCategory,
    OfficeRole,
    PositionCategory,
    ServiceKind,
)

D0 = date(2025, 1, 1)
OFFICE = uuid4()


@pytest.fixture(autouse=True)
def office() -> Iterator[CommandContext]:
    ctx = CommandContext(
        actor_id=OFFICE,
        actor_role=Role.APPRAISAL_OFFICE,
        now=datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
        tenant_id=uuid4(),
    )
    with acting(ctx):
        yield ctx


class Chart:
    """A small unit: a general office and a vehicles department, a head each, one leader."""

    def __init__(self) -> None:
        self.unit = Unit(name="测试中心", code="TEST")
        u = self.unit
        self.general = u.open_department("综合科", DepartmentCategory.GENERAL, None, D0)
        self.vehicles = u.open_department(
            "公车科", DepartmentCategory.SERVICE, ServiceKind.VEHICLES, D0
        )
        self.principal = u.add_person("刘明", "liuming", PositionCategory.LEADER, None, D0)
        self.leader = u.add_person("胡涛", "hutao", PositionCategory.LEADER, None, D0)
        self.head_g = u.add_person("王芳", "wangfang", PositionCategory.GENERAL, self.general, D0)
        self.head_v = u.add_person("李强", "liqiang", PositionCategory.SERVICE, self.vehicles, D0)
        self.staff = u.add_person("张伟", "zhangwei", PositionCategory.GENERAL, self.general, D0)
        u.appoint_principal_leader(self.principal, D0)
        u.assign_supervising_leader(self.leader, [self.general, self.vehicles], D0)
        u.appoint_department_head(self.general, self.head_g, D0)
        u.appoint_department_head(self.vehicles, self.head_v, D0)


def test_staff_are_managed_by_their_head_and_supervising_leader() -> None:
    c = Chart()
    managers = c.unit.managers_of(c.staff, date(2025, 6, 1))
    assert managers.department_head == c.head_g
    assert managers.supervising_leader == c.leader
    assert managers.direct_manager == c.head_g


def test_a_head_is_managed_by_the_supervising_leader_not_by_themself() -> None:
    c = Chart()
    managers = c.unit.managers_of(c.head_g, date(2025, 6, 1))
    assert managers.department_head is None
    assert managers.direct_manager == c.leader
    assert not managers.manages(c.head_g)


def test_a_supervising_leader_is_managed_by_the_principal_leader() -> None:
    c = Chart()
    managers = c.unit.managers_of(c.leader, date(2025, 6, 1))
    assert managers.direct_manager == c.principal
    assert managers.department_head is None
    assert managers.supervising_leader is None


def test_after_a_move_the_new_head_manages_from_the_move_on() -> None:
    c = Chart()
    c.unit.move_person(c.staff, c.vehicles, date(2026, 4, 1))
    assert c.unit.managers_of(c.staff, date(2026, 3, 31)).department_head == c.head_g
    assert c.unit.managers_of(c.staff, date(2026, 4, 1)).department_head == c.head_v


def test_a_change_of_supervising_leader_takes_effect_on_its_date() -> None:
    c = Chart()
    other = c.unit.add_person("林艳", "linyan", PositionCategory.LEADER, None, D0)
    c.unit.assign_supervising_leader(other, [c.vehicles], date(2026, 7, 1))
    assert c.unit.managers_of(c.head_v, date(2026, 6, 30)).supervising_leader == c.leader
    assert c.unit.managers_of(c.head_v, date(2026, 7, 1)).supervising_leader == other
    assert c.unit.managers_of(c.head_v, date(2026, 7, 1)).direct_manager == other
    assert c.unit.supervisor_of(c.vehicles, date(2026, 6, 30)) == c.leader
    assert c.unit.supervisor_of(c.vehicles, date(2026, 7, 1)) == other


def test_roles_follow_appointments_and_end_when_a_person_leaves() -> None:
    c = Chart()
    c.unit.grant_office_role(c.staff, OfficeRole.APPRAISAL_OFFICE, D0)
    on = date(2025, 6, 1)
    assert c.unit.roles_of(c.head_g, on) == [Role.APPRAISEE, Role.DEPARTMENT_HEAD]
    assert Role.SUPERVISING_LEADER in c.unit.roles_of(c.leader, on)
    assert Role.PRINCIPAL_LEADER in c.unit.roles_of(c.principal, on)
    assert Role.APPRAISAL_OFFICE in c.unit.roles_of(c.staff, on)
    c.unit.remove_person(c.staff, date(2026, 1, 1))
    assert c.unit.roles_of(c.staff, date(2026, 1, 1)) == []
    assert c.unit.department_of(c.staff, date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("rule", "field", "act"),
    [
        (
            "directory.department_name_unique",
            "name",
            lambda c: c.unit.open_department("综合科", DepartmentCategory.GENERAL, None, D0),
        ),
        (
            "directory.service_kind_required",
            "service_kind",
            lambda c: c.unit.open_department("物业科", DepartmentCategory.SERVICE, None, D0),
        ),
        (
            "directory.service_kind_only_for_service",
            "service_kind",
            lambda c: c.unit.open_department(
                "法规科", DepartmentCategory.PAPERWORK, ServiceKind.CANTEEN, D0
            ),
        ),
        (
            "directory.login_unique",
            "login",
            lambda c: c.unit.add_person("王芳二", "wangfang", PositionCategory.GENERAL, None, D0),
        ),
        (
            "directory.department_open",
            "joined_on",
            lambda c: c.unit.add_person(
                "赵敏", "zhaomin", PositionCategory.GENERAL, c.general, date(2024, 12, 31)
            ),
        ),
        (
            "directory.effective_order",
            "effective_on",
            lambda c: (
                c.unit.move_person(c.staff, c.vehicles, date(2026, 4, 1)),
                c.unit.move_person(c.staff, c.general, date(2026, 3, 1)),
            ),
        ),
        (
            "directory.move_changes_department",
            "department_id",
            lambda c: c.unit.move_person(c.staff, c.general, date(2026, 4, 1)),
        ),
        (
            "directory.head_is_member",
            "person_id",
            lambda c: c.unit.appoint_department_head(c.vehicles, c.staff, date(2026, 4, 1)),
        ),
        (
            "directory.leader_position",
            "leader_id",
            lambda c: c.unit.assign_supervising_leader(c.staff, [c.general], date(2026, 4, 1)),
        ),
        (
            "directory.supervision_names_departments",
            "department_ids",
            lambda c: c.unit.assign_supervising_leader(c.leader, [], date(2026, 4, 1)),
        ),
        (
            "directory.person_active",
            "person_id",
            lambda c: (
                c.unit.remove_person(c.staff, date(2026, 1, 1)),
                c.unit.move_person(c.staff, c.vehicles, date(2026, 2, 1)),
            ),
        ),
        (
            "directory.role_not_held",
            "role",
            lambda c: (
                c.unit.grant_office_role(c.staff, OfficeRole.AUDITOR, D0),
                c.unit.grant_office_role(c.staff, OfficeRole.AUDITOR, D0),
            ),
        ),
        (
            "directory.role_held",
            "role",
            lambda c: c.unit.revoke_office_role(c.staff, OfficeRole.AUDITOR, D0),
        ),
        (
            "directory.person_exists",
            "person_id",
            lambda c: c.unit.move_person(uuid4(), c.general, D0),
        ),
        (
            "directory.department_exists",
            "department_id",
            lambda c: c.unit.move_person(c.staff, uuid4(), D0),
        ),
    ],
)
def test_each_rule_refuses_by_name(rule: str, field: str, act: Callable[[Chart], object]) -> None:
    chart = Chart()
    version = chart.unit.version
    with pytest.raises((RuleViolatedError, NotFoundError)) as refusal:
        act(chart)
    assert refusal.value.rule == rule
    assert refusal.value.field == field
    if rule not in {
        "directory.effective_order",
        "directory.person_active",
        "directory.role_not_held",
    }:
        assert chart.unit.version == version, "a refused command records nothing"


def test_every_event_carries_the_commands_metadata(office: CommandContext) -> None:
    chart = Chart()
    with with_reason("调整分工"):
        chart.unit.move_person(chart.staff, chart.vehicles, date(2026, 4, 1))
    events = [cast(KaoheAggregate.Event, e) for e in chart.unit.collect_events()]
    assert all(e.meta.actor_id == OFFICE for e in events)
    assert all(e.meta.actor_role is Role.APPRAISAL_OFFICE for e in events)
    assert all(e.meta.tenant_id == office.tenant_id for e in events)
    assert all(e.timestamp == office.now for e in events)
    assert events[-1].meta.reason == "调整分工"
    assert events[0].meta.reason is None


def test_an_event_outside_a_command_context_is_refused() -> None:
    chart = Chart()
    with pytest.raises(NoCommandContextError):
        contextvars.Context().run(chart.unit.move_person, chart.staff, chart.vehicles, D0)


def test_the_org_chart_survives_a_round_trip_through_the_store() -> None:
    app = Directory()
    unit_id = UUID(app.register_unit("测试中心", "RT").result["unit_id"])
    department = UUID(
        app.open_department(
            unit_id, "公车科", DepartmentCategory.SERVICE, ServiceKind.VEHICLES, D0
        ).result["department_id"]
    )
    leader = UUID(
        app.add_person(unit_id, "胡涛", "hutao", PositionCategory.LEADER, None, D0).result[
            "person_id"
        ]
    )
    app.assign_supervising_leader(unit_id, leader, [department], D0)
    app.grant_office_role(unit_id, leader, OfficeRole.AUDITOR, D0)
    reloaded = app.get_unit(unit_id)
    assert reloaded.departments[department].service_kind is ServiceKind.VEHICLES
    assert reloaded.people[leader].position_category is PositionCategory.LEADER
    assert reloaded.roles_of(leader, D0) == [Role.APPRAISEE, Role.SUPERVISING_LEADER, Role.AUDITOR]


@settings(max_examples=60, deadline=None)
@given(moves=st.lists(st.tuples(st.integers(1, 60), st.integers(0, 2)), max_size=8))
def test_nobody_ever_manages_themself(moves: list[tuple[int, int]]) -> None:
    c = Chart()
    third = c.unit.open_department("法规科", DepartmentCategory.PAPERWORK, None, D0)
    departments = [c.general, c.vehicles, third]
    day = D0
    for gap, target in moves:
        day += timedelta(days=gap)
        if c.unit.department_of(c.head_g, day) != departments[target]:
            c.unit.move_person(c.head_g, departments[target], day)
    probe = D0
    while probe <= day + timedelta(days=1):
        for person in (c.head_g, c.head_v, c.staff, c.leader, c.principal):
            managers = c.unit.managers_of(person, probe)
            assert not managers.manages(person)
            assert managers.direct_manager != person
            if managers.department_head is not None:
                dept = c.unit.department_of(person, probe)
                assert dept is not None
                assert c.unit.head_of(dept, probe) == managers.department_head
        probe += timedelta(days=7)


def chain_of(rows: list[StoredRow]) -> list[bytes]:
    hashes, previous = [], GENESIS
    for r in rows:
        previous = link(
            previous,
            canonical_bytes(
                r.notification_id, r.originator_id, r.originator_version, r.topic, r.state
            ),
        )
        hashes.append(previous)
    return hashes


rows_strategy = st.lists(st.binary(min_size=1, max_size=40), min_size=2, max_size=12).map(
    lambda states: [
        StoredRow(i + 1, str(UUID(int=7)), i + 1, "t:E", s) for i, s in enumerate(states)
    ]
)


@settings(max_examples=100, deadline=None)
@given(rows=rows_strategy, data=st.data())
def test_the_chain_verifier_names_the_first_altered_row(
    rows: list[StoredRow], data: st.DataObject
) -> None:
    hashes = chain_of(rows)
    intact = ChainVerifier()
    intact.feed((r, r.notification_id, h) for r, h in zip(rows, hashes, strict=True))
    assert intact.broken is None
    assert intact.count == len(rows)

    victim = data.draw(st.integers(0, len(rows) - 1))
    altered = list(rows)
    original = rows[victim]
    altered[victim] = StoredRow(
        original.notification_id,
        original.originator_id,
        original.originator_version,
        original.topic,
        original.state + b"!",
    )
    verifier = ChainVerifier()
    verifier.feed((r, r.notification_id, h) for r, h in zip(altered, hashes, strict=True))
    assert verifier.broken is not None
    assert verifier.broken.notification_id == original.notification_id

    dropped = ChainVerifier()
    dropped.feed(
        (None if i == victim else r, r.notification_id, h)
        for i, (r, h) in enumerate(zip(rows, hashes, strict=True))
    )
    assert dropped.broken is not None
    assert dropped.broken.notification_id == original.notification_id
