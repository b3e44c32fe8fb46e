"""The goals application in memory, with the org chart read from an in-memory directory log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from kernel.context import CommandContext, acting
from kernel.errors import NotPermittedError
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import DepartmentCategory, PositionCategory, ServiceKind
from services.goals.application import Goals
from services.goals.domain import WeeklyReport

D0 = date(2026, 1, 1)
MOVE = date(2026, 5, 1)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


@dataclass
class World:
    directory: Directory
    goals: Goals
    unit: UUID
    general: UUID
    vehicles: UUID
    head_general: UUID
    head_vehicles: UUID
    mover: UUID


def act(person: UUID, role: Role, day: date) -> CommandContext:
    return CommandContext(actor_id=person, actor_role=role, now=at(day), tenant_id=None)


@pytest.fixture
def world(directory: Directory) -> Iterator[World]:
    goals = Goals(OrgChart(directory))
    with acting(act(uuid4(), Role.APPRAISAL_OFFICE, D0)):
        unit = UUID(directory.register_unit("测试中心", "GOALS").result["unit_id"])

        def dept(name: str, cat: DepartmentCategory, kind: ServiceKind | None) -> UUID:
            return UUID(
                directory.open_department(unit, name, cat, kind, D0).result["department_id"]
            )

        def person(name: str, login: str, department: UUID) -> UUID:
            return UUID(
                directory.add_person(
                    unit, name, login, PositionCategory.GENERAL, department, D0
                ).result["person_id"]
            )

        general = dept("综合科", DepartmentCategory.GENERAL, None)
        vehicles = dept("公车科", DepartmentCategory.SERVICE, ServiceKind.VEHICLES)
        head_g, head_v = person("王芳", "wangfang", general), person("李强", "liqiang", vehicles)
        mover = person("张伟", "zhangwei", general)
        directory.appoint_department_head(unit, general, head_g, D0)
        directory.appoint_department_head(unit, vehicles, head_v, D0)
        directory.move_person(unit, mover, vehicles, MOVE)
    yield World(directory, goals, unit, general, vehicles, head_g, head_v, mover)
    goals.close()


ITEM = {
    "what": "完成季度工作",
    "measure": "按期完成",
    "due_on": "2026-06-30",
    "weight": None,
    "serves": [{"kind": "JOB_DUTY", "ref": None, "text": "综合事务"}],
}


def approved_goal_set(w: World, head: UUID, comment: str | None, day: date) -> UUID:
    """The mover's goal set for 2026-Q2 (ITEM), drafted and submitted on `day`, and approved by
    `head` the same day."""
    with acting(act(w.mover, Role.APPRAISEE, day)):
        goal_set = UUID(
            w.goals.draft_goal_set(w.unit, w.mover, "2026-Q2", [ITEM], at(day)).result[
                "goal_set_id"
            ]
        )
        w.goals.submit_goal_set(goal_set, w.mover, at(day))
    with acting(act(head, Role.DEPARTMENT_HEAD, day)):
        w.goals.decide(goal_set, head, "approve", comment, at(day))
    return goal_set


def test_after_a_move_the_new_manager_decides_and_old_decisions_stay_with_the_old_one(
    world: World,
) -> None:
    w = world
    april = date(2026, 4, 10)
    goal_set = approved_goal_set(w, w.head_general, "同意", april)

    may = date(2026, 5, 6)
    with acting(act(w.mover, Role.APPRAISEE, may)):
        w.goals.propose_revision(
            goal_set, w.mover, [ITEM, {**ITEM, "what": "熟悉车辆调度"}], "调入公车科", at(may)
        )
    with (
        acting(act(w.head_general, Role.DEPARTMENT_HEAD, may)),
        pytest.raises(NotPermittedError) as refused,
    ):
        w.goals.decide(goal_set, w.head_general, "approve_revision", None, at(may))
    assert refused.value.missing_relation == "DIRECT_MANAGER"

    with acting(act(w.head_vehicles, Role.DEPARTMENT_HEAD, may)):
        w.goals.decide(goal_set, w.head_vehicles, "approve_revision", "欢迎", at(may))

    versions = w.goals.get_goal_set(goal_set).versions
    assert [v.approved_by for v in versions] == [w.head_general, w.head_vehicles]


def test_the_goal_set_remembers_the_department_at_drafting(world: World) -> None:
    w = world
    april = date(2026, 4, 10)
    with acting(act(w.mover, Role.APPRAISEE, april)):
        goal_set = UUID(
            w.goals.draft_goal_set(w.unit, w.mover, "2026", [], at(april)).result["goal_set_id"]
        )
    assert w.goals.get_goal_set(goal_set).department_id == w.general


def test_the_weekly_report_gathers_the_weeks_progress_and_the_months_summary(
    world: World,
) -> None:
    w = world
    day = date(2026, 5, 6)  # Wednesday of 2026-W19
    goal_set = approved_goal_set(w, w.head_vehicles, None, day)
    item_id = w.goals.get_goal_set(goal_set).versions[0].items[0].item_id
    with acting(act(w.mover, Role.APPRAISEE, day)):
        w.goals.record_progress(goal_set, w.mover, item_id, 50, "完成一半", at(day))
        w.goals.submit_monthly_summary(w.unit, w.mover, "2026-05", "五月熟悉调度", at(day))
    with acting(act(uuid4(), Role.APPRAISAL_OFFICE, day)):
        report_id = UUID(
            w.goals.compile_weekly_report(w.unit, w.vehicles, "2026-W19", "平稳").result[
                "report_id"
            ]
        )
        w.goals.publish_weekly_report(report_id)

    report: WeeklyReport = w.goals.repository.get(report_id)
    entries = {e["name"]: e for e in report.entries}
    assert entries["张伟"]["progress"][0]["note"] == "完成一半"
    assert entries["张伟"]["monthly_summary"] == "五月熟悉调度"
    assert entries["李强"]["progress"] == []
