"""The goals service on a real PostgreSQL: concurrent decisions, idempotent retries, metadata."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from kernel.calendar import china_date
from kernel.context import CommandContext, acting
from kernel.roles import Role
from kernel.store import IdempotencyClaim, idempotent
from services.audit.verify import verify_service
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import DepartmentCategory, PositionCategory
from services.goals.application import Goals
from tests.integration.recorded import context, submitted_goal_set
from tests.poison import stored


@pytest.fixture
def setup(database: str) -> Iterator[tuple[Goals, Goals, UUID, UUID, UUID]]:
    directory = Directory.on_postgres(database)
    first = Goals.on_postgres(database, org=OrgChart(directory))
    second = Goals.on_postgres(database, org=OrgChart(Directory.on_postgres(database)))
    founded = date(china_date().year, 1, 1)
    with acting(context(Role.APPRAISAL_OFFICE)):
        unit = UUID(
            directory.register_unit("并发测试", f"C-{uuid4().hex[:6].upper()}").result["unit_id"]
        )
        general = UUID(
            directory.open_department(
                unit, "综合科", DepartmentCategory.GENERAL, None, founded
            ).result["department_id"]
        )
        head = UUID(
            directory.add_person(
                unit, "王芳", "wangfang", PositionCategory.GENERAL, general, founded
            ).result["person_id"]
        )
        staff = UUID(
            directory.add_person(
                unit, "张伟", "zhangwei", PositionCategory.GENERAL, general, founded
            ).result["person_id"]
        )
        directory.appoint_department_head(unit, general, head, founded)
    yield first, second, unit, head, staff
    first.org.close()
    second.org.close()
    first.close()
    second.close()


def ctx(person: UUID, role: Role) -> CommandContext:
    return CommandContext(
        actor_id=person, actor_role=role, now=datetime.now(UTC), tenant_id=None, reason="测试"
    )


def test_concurrent_approve_and_return_of_one_version_exactly_one_wins(
    setup: tuple[Goals, Goals, UUID, UUID, UUID], database: str
) -> None:
    first, second, unit, head, staff = setup
    goal_set = submitted_goal_set(first, unit, staff)
    now = datetime.now(UTC)
    today = china_date(now)
    # Both decide against the same submitted version...
    a, b = first.get_goal_set(goal_set), second.get_goal_set(goal_set)
    managers = first.org.managers_of(unit, staff, today)
    with acting(ctx(head, Role.DEPARTMENT_HEAD)):
        a.approve(head, managers, "同意", today)
        b.return_for_changes(head, managers, "请补充", today)
        first.save(a)
        # ...and the second save loses: nothing of it is recorded.
        with pytest.raises(IntegrityError):
            second.save(b)

    assert first.get_goal_set(goal_set).status.value == "APPROVED"
    with psycopg.connect(database) as conn:
        names = [
            r[0].rsplit(".", 1)[-1]
            for r in conn.execute(
                "SELECT topic FROM goals.goals_events WHERE originator_id = %s "
                "ORDER BY originator_version",
                (goal_set,),
            ).fetchall()
        ]
    assert names == ["Drafted", "Submitted", "Approved"]
    assert verify_service(database, "goals").ok


def test_a_retried_decision_with_the_same_key_is_recorded_once(
    setup: tuple[Goals, Goals, UUID, UUID, UUID],
) -> None:
    goals, _, unit, head, staff = setup
    goal_set = submitted_goal_set(goals, unit, staff)
    claim = IdempotencyClaim(f"{head}:approve-{goal_set}", "fingerprint")
    with idempotent(claim), acting(ctx(head, Role.DEPARTMENT_HEAD)):
        first = goals.decide(goal_set, head, "approve", None, datetime.now(UTC))
        assert goals.recorded_result() is not None
        replay = goals.recorded_result()
    assert replay is not None
    assert replay["positions"] == first.positions
    assert goals.get_goal_set(goal_set).version == 3


def test_each_decision_carries_the_actor_role_and_reason(
    setup: tuple[Goals, Goals, UUID, UUID, UUID], database: str
) -> None:
    goals, _, unit, head, staff = setup
    goal_set = submitted_goal_set(goals, unit, staff)
    with acting(ctx(head, Role.DEPARTMENT_HEAD)):
        committed = goals.decide(goal_set, head, "return", "请细化衡量标准", datetime.now(UTC))
    *_, stored_state = stored(database, "goals", committed.positions[0])
    state = json.loads(stored_state)
    assert state["meta"]["_data_"]["actor_id"] == str(head)
    assert state["meta"]["_data_"]["actor_role"] == "DEPARTMENT_HEAD"
    assert state["comments"] == "请细化衡量标准"
    assert state["relation"] == "DEPARTMENT_HEAD"
