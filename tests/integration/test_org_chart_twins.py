"""The org chart's rules and their SQL twins agree, on a real PostgreSQL.

Generated org charts (departments, staff, unit leaders in and outside departments, heads,
supervising leaders, the principal leader, moves and departures, each taking effect on a
generated day) are recorded by the real directory; the real directory projection applies the
unit's events to real read tables (`gateway.audit.time_travel.as_of`: a scratch schema, rolled
back). Then, for every person on days around every change, the SQL twins answer as the Python
rules do: `managers_sql` as `Unit.managers_of` (including the direct manager), `managed_by_sql`
as `Managers.manages`, and `in_force_sql` / `overlaps_sql` as `in_force` / `overlaps` on every
term row.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.audit.time_travel import AsOfPoint, Scratch, as_of
from gateway.directory.projection import TERM_TABLES, DirectoryProjection
from kernel.context import CommandContext, acting
from kernel.errors import DomainError
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.domain import Unit
from services.directory.managers import managed_by_sql, managers_from_row, managers_sql
from services.directory.terms import in_force, in_force_sql, overlaps, overlaps_sql
from services.directory.vocabulary import DepartmentCategory, PositionCategory

START = date(2025, 1, 1)


# A step: what happens, to whom (an index into the leaders for "supervise" and "principal", else
# into everyone), and to which departments ("move" takes the first).
KINDS = ("move", "head", "supervise", "principal", "leave")
Step = tuple[str, int, tuple[int, ...]]


@dataclasses.dataclass(frozen=True)
class Chart:
    departments: int
    leaders: tuple[int | None, ...]  # each unit leader's department, if any
    staff: tuple[int, ...]  # each member of staff's department
    principal: bool  # whether leader 0 is the principal leader from the start
    steps: tuple[tuple[int, Step], ...]  # (days after the previous step, step)


@st.composite
def charts(draw: st.DrawFn) -> Chart:
    departments = draw(st.integers(1, 3))
    department = st.integers(0, departments - 1)
    leaders = tuple(draw(st.lists(st.none() | department, min_size=1, max_size=3)))
    staff = tuple(draw(st.lists(department, min_size=1, max_size=4)))
    step = st.tuples(
        st.sampled_from(KINDS), st.integers(0, 99), st.lists(department, min_size=1, max_size=2)
    ).map(lambda t: (t[0], t[1], tuple(t[2])))
    return Chart(
        departments=departments,
        leaders=leaders,
        staff=staff,
        principal=draw(st.booleans()),
        steps=tuple(draw(st.lists(st.tuples(st.integers(0, 45), step), max_size=12))),
    )


@dataclasses.dataclass
class Played:
    unit_id: UUID
    unit: Unit
    people: list[UUID]
    days: list[date]


def office() -> CommandContext:
    return CommandContext(
        actor_id=uuid4(), actor_role=Role.APPRAISAL_OFFICE, now=datetime.now(UTC), tenant_id=None
    )


def play(directory: Directory, chart: Chart) -> Played:
    """Record the chart in the directory; a step the directory refuses records nothing."""
    with acting(office()):
        unit_id = UUID(
            directory.register_unit("孪生检查", f"TW-{uuid4().hex[:10].upper()}").result["unit_id"]
        )
        departments = [
            UUID(
                directory.open_department(
                    unit_id, f"科室{i}", DepartmentCategory.GENERAL, None, START
                ).result["department_id"]
            )
            for i in range(chart.departments)
        ]

        def add(name: str, category: PositionCategory, department: int | None) -> UUID:
            where = departments[department] if department is not None else None
            return UUID(
                directory.add_person(
                    unit_id, name, f"{name}-{uuid4().hex[:6]}", category, where, START
                ).result["person_id"]
            )

        leaders = [add(f"领导{i}", PositionCategory.LEADER, d) for i, d in enumerate(chart.leaders)]
        staff = [add(f"科员{i}", PositionCategory.GENERAL, d) for i, d in enumerate(chart.staff)]
        people = [*leaders, *staff]
        # From the start each department has a supervising leader and, as its head, its last
        # member (staff, when it has any): unit leaders in departments with a head are common.
        for d, department in enumerate(departments):
            directory.assign_supervising_leader(
                unit_id, leaders[d % len(leaders)], [department], START
            )
            members = [
                p for p, w in zip(people, [*chart.leaders, *chart.staff], strict=True) if w == d
            ]
            if members:
                directory.appoint_department_head(unit_id, department, members[-1], START)
        if chart.principal:
            directory.appoint_principal_leader(unit_id, leaders[0], START)
        day = START
        days = {START - timedelta(days=1), START}
        for gap, step in chart.steps:
            day += timedelta(days=gap)
            days |= {day - timedelta(days=1), day}
            with contextlib.suppress(DomainError):
                take(directory, unit_id, step, day, people, leaders, departments)
        days.add(day + timedelta(days=1))
    return Played(unit_id, directory.get_unit(unit_id), people, sorted(days))


def take(
    directory: Directory,
    unit_id: UUID,
    step: Step,
    day: date,
    people: list[UUID],
    leaders: list[UUID],
    departments: list[UUID],
) -> None:
    """Record one step on `day`."""
    kind, n, targets = step
    person, leader = people[n % len(people)], leaders[n % len(leaders)]
    if kind == "move":
        directory.move_person(unit_id, person, departments[targets[0]], day)
    elif kind == "head":
        current = directory.get_unit(unit_id).department_of(person, day)
        if current is not None:
            directory.appoint_department_head(unit_id, current, person, day)
    elif kind == "supervise":
        directory.assign_supervising_leader(unit_id, leader, [departments[d] for d in targets], day)
    elif kind == "principal":
        directory.appoint_principal_leader(unit_id, leader, day)
    else:
        directory.remove_person(unit_id, person, day)


async def check_twins(scratch: Scratch, played: Played) -> None:
    conn, unit = scratch.conn, played.unit
    for on in played.days:
        for person in played.people:
            row = await conn.fetchrow(managers_sql(scratch.table, "$1", "$2"), person, on)
            assert row is not None
            expected = unit.managers_of(person, on)
            assert managers_from_row(row, on) == expected, (person, on)
            assert row["direct_manager"] == expected.direct_manager, (person, on)
        for actor in played.people:
            managed = await conn.fetch(managed_by_sql(scratch.table, "$1", "$2"), actor, on)
            assert {r["person_id"] for r in managed} == {
                p for p in played.people if unit.managers_of(p, on).manages(actor)
            }, (actor, on)
    for table in TERM_TABLES:
        for first, last in zip(played.days, played.days[1:], strict=False):
            rows = await conn.fetch(
                f"SELECT start_on, end_on, ({in_force_sql(None, '$1')}) AS held, "
                f"({overlaps_sql(None, '$1', '$2')}) AS overlapping FROM {scratch.table(table)}",
                first,
                last,
            )
            for r in rows:
                assert r["held"] == in_force(r["start_on"], r["end_on"], first), (table, r)
                assert r["overlapping"] == overlaps(r["start_on"], r["end_on"], first, last)


async def project_and_check(database: str, played: Played) -> None:
    pool = await asyncpg.create_pool(database, min_size=1, max_size=1)
    try:
        async with as_of(pool, DirectoryProjection, played.unit_id, AsOfPoint()) as scratch:
            await check_twins(scratch, played)
    finally:
        await pool.close()


@pytest.fixture(scope="module")
def directory(database: str) -> Iterator[Directory]:
    directory = Directory.on_postgres(database)
    yield directory
    directory.close()


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(chart=charts())
def test_the_sql_twins_answer_as_the_org_chart_rules(
    database: str, directory: Directory, chart: Chart
) -> None:
    played = play(directory, chart)
    asyncio.run(project_and_check(database, played))
