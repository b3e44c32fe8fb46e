"""Recording real events for the integration tests: a unit's org chart, built in the directory;
the unit whose quarter the reviews tests appraise; goal items due this quarter; projecting it all.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import psycopg
from fastapi.testclient import TestClient

from gateway.projections.catalogue import projections
from gateway.projections.runner import catch_up, create_read_schema
from kernel.calendar import china_date
from kernel.context import CommandContext, acting
from kernel.roles import Role
from kernel.store import Committed
from services.directory.application import Directory
from services.directory.vocabulary import DepartmentCategory, PositionCategory, ServiceKind
from services.feedback.application import Feedback
from services.feedback.vocabulary import FiledBy, TargetKind
from services.goals.application import Goals

FOUNDED = date(2025, 1, 1)
APPRAISED = "2025-Q4"  # the quarter the reviews tests appraise
TODAY = china_date()
QUARTER = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"
QUARTER_END = (
    date(TODAY.year, 12, 31)
    if QUARTER.endswith("4")
    else date(TODAY.year, 3 * ((TODAY.month - 1) // 3 + 1) + 1, 1) - timedelta(days=1)
)
# The scores a rater gives unless told otherwise (service staff are rated on service quality,
# the others on competence).
RATED = {"POLITICAL_QUALITY": "95", "INTEGRITY": "95", "WORK_STYLE": "90", "GOAL_DELIVERY": "90"}


def context(
    role: Role,
    unit: UUID | None = None,
    *,
    person: UUID | None = None,
    now: datetime | None = None,
    reason: str | None = None,
) -> CommandContext:
    """The context of a command given in `role` for `unit` by `person` (a new id if None), at
    `now` (the clock's if None)."""
    return CommandContext(
        actor_id=person or uuid4(),
        actor_role=role,
        now=now or datetime.now(UTC),
        tenant_id=unit,
        reason=reason,
    )


def office_context() -> CommandContext:
    """The appraisal office entering the org chart (组织机构录入), at a fixed time."""
    return context(
        Role.APPRAISAL_OFFICE, now=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), reason="组织机构录入"
    )


def record_unit(database: str, people: int = 3) -> UUID:
    """Register a unit with a department and `people` members (2 + `people` directory events)."""
    directory = Directory.on_postgres(database)
    founded = date(2025, 1, 1)
    try:
        with acting(context(Role.ADMIN)):
            unit = UUID(
                directory.register_unit("集成测试单位", f"I-{uuid4().hex[:8].upper()}").result[
                    "unit_id"
                ]
            )
        with acting(context(Role.APPRAISAL_OFFICE, unit)):
            general = UUID(
                directory.open_department(
                    unit, "综合科", DepartmentCategory.GENERAL, None, founded
                ).result["department_id"]
            )
            for i in range(people):
                directory.add_person(
                    unit, f"成员{i}", f"m{i}", PositionCategory.GENERAL, general, founded
                )
    finally:
        directory.close()
    return unit


def scalar(database: str, query: str, *params: object) -> int:
    """The one number `query` answers on `database`."""
    with psycopg.connect(database) as conn:
        row = conn.execute(query, params).fetchone()
    assert row is not None
    return int(row[0])


def unit_over_rest(
    client: TestClient, headers: dict[str, str], name: str, code: str
) -> tuple[str, str]:
    """Register a unit through the directory's REST API and open its 综合科: their ids."""
    unit: str = client.post("/units", json={"name": name, "code": code}, headers=headers).json()[
        "unit_id"
    ]
    department: str = client.post(
        f"/units/{unit}/departments",
        json={"name": "综合科", "category": "GENERAL"},
        headers=headers,
    ).json()["department_id"]
    return unit, department


async def project_all(database: str, schema: str) -> None:
    """Project every log recorded so far into the read schema `schema` (made if missing)."""
    conn = await asyncpg.connect(database)
    try:
        await create_read_schema(conn, schema, projections(schema))
        for projection in projections(schema):
            if await projection.log.exists(conn):
                await catch_up(conn, schema, projection)
    finally:
        await conn.close()


def goal_items(*ids: str) -> list[dict[str, Any]]:
    """Goal items with these ids, due at the end of this quarter, serving a job duty."""
    return [
        {
            "item_id": i,
            "what": f"目标{i}",
            "measure": "按期完成",
            "due_on": QUARTER_END.isoformat(),
            "weight": None,
            "serves": [{"kind": "JOB_DUTY", "ref": None, "text": "岗位职责"}],
        }
        for i in ids
    ]


def rated(service: bool, **overrides: str) -> dict[str, Decimal]:
    """A rating's scores: `RATED`, with `overrides`."""
    scores = {**RATED, **({"SERVICE_QUALITY": "90"} if service else {"COMPETENCE": "85"})}
    return {k: Decimal(v) for k, v in {**scores, **overrides}.items()}


@dataclasses.dataclass
class AppraisedUnit:
    """A unit as `record_appraised_unit` built it: ids by the keys the tests use."""

    unit: UUID
    people: dict[str, UUID]
    departments: dict[str, UUID]


def record_appraised_unit(directory: Directory, name: str, code: str) -> AppraisedUnit:
    """The unit the reviews tests appraise, founded on `FOUNDED` (call it inside `acting`): a
    service department (vehicles) and the general office, each with a head and one member; a
    principal leader, and a leader who supervises both departments."""
    unit = UUID(directory.register_unit(name, code).result["unit_id"])
    departments = {
        key: UUID(
            directory.open_department(unit, title, category, kind, FOUNDED).result["department_id"]
        )
        for key, title, category, kind in (
            ("vehicles", "公车科", DepartmentCategory.SERVICE, ServiceKind.VEHICLES),
            ("general", "综合科", DepartmentCategory.GENERAL, None),
        )
    }
    people = {
        key: UUID(
            directory.add_person(
                unit,
                title,
                f"{key}-{uuid4().hex[:6]}",
                position,
                departments.get(department or ""),
                FOUNDED,
            ).result["person_id"]
        )
        for key, title, position, department in (
            ("principal", "主任", PositionCategory.LEADER, None),
            ("leader", "副主任", PositionCategory.LEADER, None),
            ("head_v", "公车科长", PositionCategory.SERVICE, "vehicles"),
            ("driver", "司机甲", PositionCategory.SERVICE, "vehicles"),
            ("head_g", "综合科长", PositionCategory.GENERAL, "general"),
            ("clerk", "科员乙", PositionCategory.GENERAL, "general"),
        )
    }
    directory.appoint_principal_leader(unit, people["principal"], FOUNDED)
    directory.assign_supervising_leader(unit, people["leader"], list(departments.values()), FOUNDED)
    directory.appoint_department_head(unit, departments["vehicles"], people["head_v"], FOUNDED)
    directory.appoint_department_head(unit, departments["general"], people["head_g"], FOUNDED)
    return AppraisedUnit(unit, people, departments)


def current_quarter() -> tuple[str, str]:
    today = china_date()
    quarter = (today.month - 1) // 3 + 1
    last_month = 3 * quarter
    due = date(today.year, last_month, 28)
    return f"{today.year}-Q{quarter}", due.isoformat()


def submitted_goal_set(goals: Goals, unit: UUID, staff: UUID) -> UUID:
    """`staff`'s goal set for this quarter, one item due on the 28th of its last month,
    drafted and submitted."""
    period, due = current_quarter()
    item = {
        "what": "完成综合文稿",
        "measure": "按时报送",
        "due_on": due,
        "weight": None,
        "serves": [{"kind": "JOB_DUTY", "ref": None, "text": "文稿起草"}],
    }
    with acting(context(Role.APPRAISEE, person=staff, reason="测试")):
        now = datetime.now(UTC)
        goal_set = UUID(
            goals.draft_goal_set(unit, staff, period, [item], now).result["goal_set_id"]
        )
        goals.submit_goal_set(goal_set, staff, now)
    return goal_set


def file_late_dispatch_complaint(feedback: Feedback, unit: UUID, vehicles: UUID) -> Committed:
    """The office files, on behalf of an anonymous caller, a complaint about the vehicles
    department received on 30 September 2026 (call it inside `acting`): overdue from
    14 October, past the National Day holiday."""
    return feedback.file_complaint(
        unit,
        TargetKind.DEPARTMENT,
        vehicles,
        FiledBy.OFFICE_ON_BEHALF,
        None,
        "派车迟到",
        date(2026, 9, 30),
        date(2026, 10, 1),
    )


def record_survey_and_praise(feedback: Feedback, unit: AppraisedUnit, today: date) -> UUID:
    """The appraised quarter's survey opened, one respondent scoring the vehicles department 92,
    and the driver praised (call it inside `acting`); returns the survey's id, still open."""
    survey = UUID(feedback.open_survey(unit.unit, APPRAISED, None).result["survey_id"])
    feedback.record_response(
        survey,
        {"respondent_agency": "市财政局", "scores": {str(unit.departments["vehicles"]): "92"}},
    )
    feedback.record_praise(
        unit.unit,
        TargetKind.PERSON,
        unit.people["driver"],
        "市委办公室",
        "雪天保障准时",
        date(2025, 11, 5),
        today,
    )
    return survey
