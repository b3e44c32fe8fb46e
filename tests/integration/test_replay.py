"""Replay on a real PostgreSQL: a rebuild of a populated database matches the live read models,
a read row altered by SQL is reported as a difference, and a switch leaves the running
projections writing into the rebuilt schema.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import asyncpg
import pytest

from gateway.audit.replay import TableComparison, compare, differing, rebuild, schema_exists, switch
from gateway.projections.catalogue import projections
from gateway.projections.runner import run_projection
from kernel.calendar import china_date
from kernel.context import CommandContext, acting
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import DepartmentCategory, PositionCategory
from services.goals.application import Goals
from tests.integration.recorded import project_all, submitted_goal_set


def as_(person: UUID, role: Role) -> CommandContext:
    return CommandContext(actor_id=person, actor_role=role, now=datetime.now(UTC), tenant_id=None)


@pytest.fixture(scope="module")
def populated(database: str) -> Iterator[tuple[Directory, UUID, UUID]]:
    """A unit with a reorganisation, a head, and a goal set drafted, submitted and approved."""
    directory = Directory.on_postgres(database)
    goals = Goals.on_postgres(database, org=OrgChart(Directory.on_postgres(database)))
    founded = date(china_date().year, 1, 1)
    office = uuid4()
    with acting(as_(office, Role.APPRAISAL_OFFICE)):
        unit = UUID(
            directory.register_unit("重放测试", f"R-{uuid4().hex[:6].upper()}").result["unit_id"]
        )
        general, vehicles = (
            UUID(
                directory.open_department(unit, name, category, None, founded).result[
                    "department_id"
                ]
            )
            for name, category in (
                ("综合科", DepartmentCategory.GENERAL),
                ("后勤科", DepartmentCategory.GENERAL),
            )
        )
        head, staff = (
            UUID(
                directory.add_person(
                    unit, name, login, PositionCategory.GENERAL, general, founded
                ).result["person_id"]
            )
            for name, login in (("王芳", "wangfang"), ("张伟", "zhangwei"))
        )
        directory.appoint_department_head(unit, general, head, founded)
        directory.move_person(unit, staff, vehicles, china_date())
        directory.move_person(unit, staff, general, china_date())
    today = china_date()
    goal_set = submitted_goal_set(goals, unit, staff)
    with acting(as_(head, Role.DEPARTMENT_HEAD)):
        found = goals.get_goal_set(goal_set)
        found.approve(head, goals.org.managers_of(unit, staff, today), "同意", today)
        goals.commit(found, result={})
    yield directory, unit, staff
    goals.org.close()
    goals.close()
    directory.close()


@pytest.fixture
async def live(database: str, populated: object) -> str:
    """A live read schema of this test, projected up to the heads of the logs."""
    schema = f"live_{uuid4().hex[:8]}"
    await project_all(database, schema)
    return schema


async def rebuilt_and_compared(database: str, live: str) -> tuple[str, list[TableComparison]]:
    target = f"rebuilt_{uuid4().hex[:8]}"
    conn = await asyncpg.connect(database)
    try:
        await rebuild(conn, target, projections(target))
    finally:
        await conn.close()
    return target, await compare(database, live, target, projections(target))


async def test_replaying_a_populated_database_reports_no_difference(
    database: str, live: str
) -> None:
    _, comparisons = await rebuilt_and_compared(database, live)
    assert differing(comparisons) == []
    tables = {c.table: c for c in comparisons}
    assert tables["goal_set_history"].live.rows >= 3
    assert tables["memberships"].live.rows >= 4


async def test_a_read_row_altered_by_sql_is_reported_with_both_versions(
    database: str, live: str, populated: tuple[Directory, UUID, UUID]
) -> None:
    _, _, staff = populated
    conn = await asyncpg.connect(database)
    try:
        await conn.execute(f"UPDATE {live}.people SET name = '篡改' WHERE id = $1", staff)
    finally:
        await conn.close()
    _, comparisons = await rebuilt_and_compared(database, live)
    (people,) = differing(comparisons)
    assert people.table == "people"
    assert len(people.only_live) == 1
    assert "篡改" in people.only_live[0]
    assert len(people.only_rebuilt) == 1
    assert "张伟" in people.only_rebuilt[0]


async def test_after_a_switch_the_running_projections_write_into_the_rebuilt_schema(
    database: str, live: str, populated: tuple[Directory, UUID, UUID]
) -> None:
    directory, unit, _ = populated
    stop = asyncio.Event()
    runners = [
        asyncio.create_task(run_projection(database, live, p, stop, poll=0.1))
        for p in projections(live)
    ]
    conn = await asyncpg.connect(database)
    try:
        target, _ = await rebuilt_and_compared(database, live)
        await conn.execute(f"UPDATE {live}.people SET name = '旧模型' WHERE unit_id = $1", unit)
        replaced = await switch(conn, live, target, projections(target))
        assert not await schema_exists(conn, target)
        with acting(as_(uuid4(), Role.APPRAISAL_OFFICE)):
            newcomer = UUID(
                directory.add_person(
                    unit,
                    "新人",
                    f"n{uuid4().hex[:6]}",
                    PositionCategory.LEADER,
                    None,
                    china_date(),
                ).result["person_id"]
            )
        async with asyncio.timeout(30):
            while not await conn.fetchval(
                f"SELECT EXISTS (SELECT 1 FROM {live}.people WHERE id = $1)", newcomer
            ):
                await asyncio.sleep(0.1)
        names = await conn.fetch(f"SELECT name FROM {live}.people WHERE unit_id = $1", unit)
        assert "旧模型" not in {r["name"] for r in names}
        assert not await conn.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM {replaced}.people WHERE id = $1)", newcomer
        )
    finally:
        stop.set()
        await asyncio.gather(*runners, return_exceptions=True)
        await conn.close()
