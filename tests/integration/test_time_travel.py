"""Time travel on a real PostgreSQL: over generated goal-set histories, the record as time travel
derives it at every position of the goals log is the record a replay of the log up to that
position projects.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.audit.replay import rebuild
from gateway.audit.time_travel import AsOfPoint, as_of
from gateway.goals.projection import GoalsProjection
from kernel.context import CommandContext, acting
from kernel.errors import DomainError
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import DepartmentCategory, PositionCategory
from services.goals.application import Goals
from tests.integration.recorded import QUARTER, TODAY, goal_items

OPERATIONS = (
    "edit",
    "submit",
    "approve",
    "return",
    "propose",
    "approve_revision",
    "reject_revision",
    "progress",
    "complete",
    "drop",
)


class Org:
    def __init__(self, database: str) -> None:
        self.database = database
        self.directory = Directory.on_postgres(database)
        self.goals = Goals.on_postgres(database, org=OrgChart(Directory.on_postgres(database)))
        founded = date(TODAY.year, 1, 1)
        with acting(self.context(uuid4(), Role.APPRAISAL_OFFICE)):
            self.unit = UUID(
                self.directory.register_unit("时间旅行", f"T-{uuid4().hex[:6].upper()}").result[
                    "unit_id"
                ]
            )
            self.department = UUID(
                self.directory.open_department(
                    self.unit, "综合科", DepartmentCategory.GENERAL, None, founded
                ).result["department_id"]
            )
            self.head = self.person("王芳")
            self.directory.appoint_department_head(self.unit, self.department, self.head, founded)

    @staticmethod
    def context(actor: UUID, role: Role) -> CommandContext:
        return CommandContext(
            actor_id=actor, actor_role=role, now=datetime.now(UTC), tenant_id=None, reason="测试"
        )

    def person(self, name: str) -> UUID:
        with acting(self.context(uuid4(), Role.APPRAISAL_OFFICE)):
            return UUID(
                self.directory.add_person(
                    self.unit,
                    name,
                    f"p{uuid4().hex[:8]}",
                    PositionCategory.GENERAL,
                    self.department,
                    date(TODAY.year, 1, 1),
                ).result["person_id"]
            )

    def play(self, staff: UUID, operations: list[str]) -> UUID:
        """Draft a goal set, then try each operation; a refused one records nothing."""
        goals, now = self.goals, datetime.now(UTC)
        with acting(self.context(staff, Role.APPRAISEE)):
            goal_set = UUID(
                goals.draft_goal_set(self.unit, staff, QUARTER, goal_items("a", "b"), now).result[
                    "goal_set_id"
                ]
            )
        for n, operation in enumerate(operations):
            manager = operation in {"approve", "return", "approve_revision", "reject_revision"}
            who, role = (self.head, Role.DEPARTMENT_HEAD) if manager else (staff, Role.APPRAISEE)
            try:
                with acting(self.context(who, role)):
                    self.apply(goal_set, staff, operation, n)
            except DomainError:
                pass
        return goal_set

    def apply(self, goal_set: UUID, staff: UUID, operation: str, n: int) -> None:
        goals, now = self.goals, datetime.now(UTC)
        if operation == "edit":
            goals.edit_goal_set(goal_set, staff, goal_items("a", "b", f"e{n}"), now)
        elif operation == "submit":
            goals.submit_goal_set(goal_set, staff, now)
        elif operation in {"approve", "return", "approve_revision", "reject_revision"}:
            goals.decide(goal_set, self.head, operation, f"意见{n}", now)
        elif operation == "propose":
            goals.propose_revision(goal_set, staff, goal_items("a", f"r{n}"), f"调整{n}", now)
        elif operation == "progress":
            goals.record_progress(goal_set, staff, "a", 10 * (n % 10), f"进度{n}", now)
        elif operation == "complete":
            goals.complete_item(goal_set, staff, "a", f"完成{n}", now)
        else:
            goals.drop_item(goal_set, staff, "b", f"取消{n}", now)

    def close(self) -> None:
        self.goals.org.close()
        self.goals.close()
        self.directory.close()


@pytest.fixture(scope="module")
def org(database: str) -> Iterator[Org]:
    org = Org(database)
    yield org
    org.close()


async def record(conn: asyncpg.Connection, schema: str, goal_set: UUID) -> dict[str, Any]:
    """Everything the read model holds about one goal set."""
    queries = {
        "goal_sets": "SELECT * FROM {s}.goal_sets WHERE id = $1",
        "items": "SELECT * FROM {s}.goal_set_items WHERE goal_set_id = $1 ORDER BY item_id",
        "versions": "SELECT * FROM {s}.goal_set_versions WHERE goal_set_id = $1 "
        "ORDER BY version_number",
        "history": "SELECT * FROM {s}.goal_set_history WHERE goal_set_id = $1 ORDER BY position",
        "proposal": "SELECT * FROM {s}.goal_proposals WHERE goal_set_id = $1",
    }
    return {
        name: [dict(r) for r in await conn.fetch(sql.format(s=schema), goal_set)]
        for name, sql in queries.items()
    }


async def compare_at_every_position(database: str, goal_set: UUID) -> int:
    conn: asyncpg.Connection = await asyncpg.connect(database)
    pool = await asyncpg.create_pool(database, min_size=1, max_size=2)
    replayed = f"replay_{uuid4().hex[:8]}"
    try:
        positions = [
            r["notification_id"]
            for r in await conn.fetch(
                "SELECT notification_id FROM goals.goals_events WHERE originator_id = $1 "
                "ORDER BY notification_id",
                goal_set,
            )
        ]
        # Just before the goal set existed, at each of its events, and one before each event.
        points = sorted({0, positions[0] - 1, *positions, *(p - 1 for p in positions)})
        projection = [GoalsProjection(replayed)]
        for point in points:
            await rebuild(conn, replayed, projection, until={"goals": point})
            expected = await record(conn, replayed, goal_set)
            async with as_of(pool, GoalsProjection, goal_set, AsOfPoint(position=point)) as s:
                travelled = await record(s.conn, s.schema, goal_set)
                assert s.position == max((p for p in positions if p <= point), default=0)
            assert travelled == expected, f"at position {point}"
        return len(points)
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {replayed} CASCADE")
        await conn.close()
        await pool.close()


@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=12))
def test_time_travel_answers_match_a_replay_to_that_position_over_generated_histories(
    org: Org, operations: list[str]
) -> None:
    goal_set = org.play(org.person("张伟"), operations)
    assert asyncio.run(compare_at_every_position(org.database, goal_set)) >= 2


def test_a_goal_set_as_of_an_instant_before_its_approval_is_still_submitted(org: Org) -> None:
    goal_set = org.play(org.person("李娜"), ["submit"])
    submitted = datetime.now(UTC)
    with acting(org.context(org.head, Role.DEPARTMENT_HEAD)):
        org.goals.decide(goal_set, org.head, "approve", "同意", datetime.now(UTC))

    async def status_at(point: AsOfPoint) -> str | None:
        pool = await asyncpg.create_pool(org.database, min_size=1, max_size=1)
        try:
            async with as_of(pool, GoalsProjection, goal_set, point) as s:
                value: str | None = await s.conn.fetchval(
                    f"SELECT status FROM {s.table('goal_sets')} WHERE id = $1", goal_set
                )
                return value
        finally:
            await pool.close()

    assert asyncio.run(status_at(AsOfPoint(instant=submitted))) == "SUBMITTED"
    assert asyncio.run(status_at(AsOfPoint(instant=datetime.now(UTC)))) == "APPROVED"
    assert asyncio.run(status_at(AsOfPoint(instant=submitted - timedelta(days=1)))) is None
