"""The reviews service on a real PostgreSQL, deciding with the directory, goals and feedback logs:
a whole quarter from opening to the acknowledged talk, and summaries on approved goals.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import psycopg
import pytest

from kernel.context import CommandContext, acting
from kernel.errors import NotPermittedError, RuleViolatedError
from kernel.roles import Role
from kernel.store import Committed
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import PositionCategory
from services.feedback.application import Feedback
from services.feedback.reader import FeedbackLog
from services.feedback.vocabulary import FiledBy, Satisfaction, TargetKind
from services.goals.application import Goals
from services.goals.reader import GoalsLog
from services.reviews.application import Reviews
from services.reviews.domain import Sanction
from services.reviews.scheme import CycleConfig
from services.reviews.vocabulary import CycleStatus, Grade, SanctionKind
from tests.integration.recorded import (
    APPRAISED,
    AppraisedUnit,
    project_all,
    rated,
    record_appraised_unit,
    record_survey_and_praise,
)
from tests.poison import stored, write_copy

TODAY = datetime.now(UTC)


@dataclasses.dataclass
class World:
    directory: Directory
    goals: Goals
    feedback: Feedback
    reviews: Reviews
    unit: UUID
    people: dict[str, UUID]
    departments: dict[str, UUID]


def as_(person: UUID, role: Role, reason: str | None = None) -> CommandContext:
    return CommandContext(
        actor_id=person, actor_role=role, now=TODAY, tenant_id=None, reason=reason
    )


@pytest.fixture
def world(database: str) -> Iterator[World]:
    directory = Directory.on_postgres(database)
    goals = Goals.on_postgres(database, org=OrgChart(directory))
    feedback = Feedback.on_postgres(database, org=OrgChart(directory))
    reviews = Reviews.on_postgres(
        database, org=OrgChart(directory), goals=GoalsLog(goals), feedback=FeedbackLog(feedback)
    )
    with acting(as_(uuid4(), Role.APPRAISAL_OFFICE)):
        built = record_appraised_unit(directory, "测试中心", f"R-{uuid4().hex[:6].upper()}")
    yield World(directory, goals, feedback, reviews, built.unit, built.people, built.departments)
    for app in (reviews, feedback, goals, directory):
        app.close()


def test_a_quarter_goes_from_opening_to_an_acknowledged_talk(world: World, database: str) -> None:
    w, p = world, world.people
    office = as_(p["head_g"], Role.APPRAISAL_OFFICE)
    today = TODAY.date()
    with acting(office):
        opened = w.reviews.open_cycle(w.unit, APPRAISED, CycleConfig(), today)
        survey = record_survey_and_praise(
            w.feedback, AppraisedUnit(w.unit, w.people, w.departments), today
        )
        complaint = UUID(
            w.feedback.file_complaint(
                w.unit,
                TargetKind.PERSON,
                p["driver"],
                FiledBy.OFFICE_ON_BEHALF,
                None,
                "接站迟到",
                date(2025, 11, 10),
                today,
            ).result["complaint_id"]
        )
        w.feedback.assign_complaint(complaint, p["head_v"])
        w.feedback.resolve_complaint(
            complaint, Satisfaction.SATISFIED, date(2025, 11, 11), None, today
        )
    cycle_id = UUID(opened.result["cycle_id"])
    # The principal leader is appraised by the level above: five participants.
    assert opened.result["participants"] == 5

    # Given the survey still open, the appraisal cannot begin.
    with acting(office), pytest.raises(RuleViolatedError) as refused:
        w.reviews.begin_appraisal(cycle_id)
    assert refused.value.rule == "reviews.survey_closed_first"
    with acting(office):
        w.feedback.close_survey(survey)
        w.reviews.begin_appraisal(cycle_id)
    cycle = w.reviews.get_cycle(cycle_id)
    fixed = cycle.feedback[p["driver"]]
    # 92 on a 0-100 scale, one praise (+2), the complaint handled on time and properly (-0).
    assert fixed["score"] == "94.00"
    assert fixed["facts"]["praise"] == 1
    assert fixed["facts"]["handled_well"] == 1

    staff = ("leader", "head_v", "driver", "head_g", "clerk")
    for key in staff:
        with acting(as_(p[key], Role.APPRAISEE)):
            w.reviews.submit_summary(cycle_id, p[key], p[key], [], ["完成本季度日常工作"])
    # The clerk's department head and supervising leader rate; the clerk may not rate himself
    # and the other department's head may not rate him.
    with acting(as_(p["clerk"], Role.APPRAISEE)), pytest.raises(NotPermittedError) as self_rated:
        w.reviews.rate(cycle_id, p["clerk"], p["clerk"], rated(False), "自评", today)
    assert self_rated.value.rule == "reviews.no_self_rating"
    with acting(as_(p["head_v"], Role.DEPARTMENT_HEAD)), pytest.raises(NotPermittedError) as other:
        w.reviews.rate(cycle_id, p["clerk"], p["head_v"], rated(False), "越权", today)
    assert other.value.missing_relation == "DEPARTMENT_HEAD or SUPERVISING_LEADER"

    def rate(rater: str, person: str, service: bool, **overrides: str) -> None:
        with acting(as_(p[rater], Role.DEPARTMENT_HEAD)):
            w.reviews.rate(
                cycle_id, p[person], p[rater], rated(service, **overrides), "认真负责", today
            )

    rate("head_v", "driver", True)
    rate("leader", "driver", True, SERVICE_QUALITY="80")
    rate("head_g", "clerk", False, COMPETENCE="60", GOAL_DELIVERY="70")
    rate("leader", "clerk", False, COMPETENCE="60", GOAL_DELIVERY="70")
    rate("leader", "head_v", True)
    rate("leader", "head_g", False)
    rate("principal", "leader", False)

    scores, missing = w.reviews.scores(cycle, w.directory.get_unit(w.unit), today)
    assert all(not gaps for gaps in missing.values())
    # driver: (95x20 + 95x10 + 90x10 + 90x20 + 85x10 + 94x30) / 100 = 92.20, service quality
    # being the mean of the two raters (90 and 80) at equal weights
    assert scores[p["driver"]] == Decimal("92.20")

    with acting(office):
        w.reviews.propose_grades(cycle_id, {}, today)
    proposed = w.reviews.get_cycle(cycle_id).grades
    assert proposed[p["clerk"]] is Grade.AVERAGE
    # Five participants at 40% allow two top grades (FLOOR); four scored 90 or more.
    with acting(as_(p["principal"], Role.PRINCIPAL_LEADER)), pytest.raises(RuleViolatedError) as q:
        w.reviews.finalise(cycle_id, p["principal"], today)
    assert q.value.rule == "reviews.top_grade_quota"
    with acting(office):
        w.reviews.propose_grades(
            cycle_id,
            {
                p["head_g"]: (Grade.FAIRLY_GOOD, None),
                p["leader"]: (Grade.FAIRLY_GOOD, None),
            },
            today,
        )
    with acting(as_(p["leader"], Role.SUPERVISING_LEADER)), pytest.raises(NotPermittedError):
        w.reviews.finalise(cycle_id, p["leader"], today)
    with acting(as_(p["principal"], Role.PRINCIPAL_LEADER)):
        w.reviews.finalise(cycle_id, p["principal"], today)
    with acting(office):
        published = w.reviews.publish(cycle_id, date(2026, 1, 5), today)
    assert published.result["publicity_ends_on"] == "2026-01-12"
    with acting(as_(p["clerk"], Role.APPRAISEE)):
        objection = UUID(
            w.reviews.object(
                cycle_id, p["clerk"], p["clerk"], "季度目标均已完成", date(2026, 1, 6), today
            ).result["objection_id"]
        )
    with acting(office), pytest.raises(RuleViolatedError) as still_open:
        w.reviews.confirm(cycle_id, today)
    assert still_open.value.rule == "reviews.objections_open"
    with acting(office):
        w.reviews.resolve_objection(
            cycle_id, objection, False, None, "评分依据充分", date(2026, 1, 8), today
        )
        w.reviews.confirm(cycle_id, today)
    assert w.reviews.get_cycle(cycle_id).status is CycleStatus.CONFIRMED

    with acting(as_(p["leader"], Role.SUPERVISING_LEADER)):
        w.reviews.record_talk(
            cycle_id,
            p["clerk"],
            p["leader"],
            date(2026, 1, 20),
            today,
            None,
            [{"shortcoming": "材料报送不及时", "facts": "10月两次逾期报送周报"}],
            "按周报送，列清单跟踪",
        )
    with acting(as_(p["clerk"], Role.APPRAISEE)):
        w.reviews.acknowledge_talk(cycle_id, p["clerk"], p["clerk"], "接受")
        sanction = w.reviews.record_sanction(
            w.unit, p["clerk"], SanctionKind.WARNING, date(2026, 2, 1), "济机关纪〔2026〕1号", today
        )
    assert sanction.result["ends_on"] == "2026-08-01"

    # Every event carries who, in which role, and the command's correlation.
    with psycopg.connect(database) as conn:
        rows = conn.execute("SELECT state FROM reviews.reviews_events").fetchall()
    assert rows
    for (state,) in rows:
        assert b'"actor_id"' in bytes(state)
        assert b'"actor_role"' in bytes(state)
        assert b'"correlation_id"' in bytes(state)


def test_a_summary_reports_on_each_approved_goal_of_the_quarter(world: World) -> None:
    w, p = world, world.people
    today = TODAY.date()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    item = {
        "what": "完成公文办理",
        "measure": "按期办结",
        "due_on": today.isoformat(),
        "weight": None,
        "serves": [{"kind": "JOB_DUTY", "ref": None, "text": "综合事务"}],
    }
    with acting(as_(p["clerk"], Role.APPRAISEE)):
        goal_set = UUID(
            w.goals.draft_goal_set(w.unit, p["clerk"], quarter, [item], TODAY).result["goal_set_id"]
        )
        w.goals.submit_goal_set(goal_set, p["clerk"], TODAY)
    with acting(as_(p["head_g"], Role.DEPARTMENT_HEAD)):
        w.goals.decide(goal_set, p["head_g"], "approve", None, TODAY)
    config = CycleConfig.from_dict(
        {
            "individual": {
                c.value: [{"code": "GOAL_DELIVERY", "name": "目标完成", "weight": 60}]
                for c in PositionCategory
            }
        }
    )
    with acting(as_(p["head_g"], Role.APPRAISAL_OFFICE)):
        cycle_id = UUID(w.reviews.open_cycle(w.unit, quarter, config, today).result["cycle_id"])
        # No feedback indicator in this configuration: no survey needed.
        w.reviews.begin_appraisal(cycle_id)
    approved = w.goals.get_goal_set(goal_set).in_force
    assert approved is not None
    item_id = approved.items[0].item_id
    with acting(as_(p["clerk"], Role.APPRAISEE)):
        with pytest.raises(RuleViolatedError) as unreported:
            w.reviews.submit_summary(cycle_id, p["clerk"], p["clerk"], [], ["其他工作"])
        assert unreported.value.rule == "reviews.summary_covers_each_goal"
        w.reviews.submit_summary(
            cycle_id,
            p["clerk"],
            p["clerk"],
            [{"item_id": item_id, "report": "已按期办结全部公文"}],
            [],
        )
    appraisal = w.reviews.find_appraisal(cycle_id, p["clerk"])
    assert appraisal is not None
    assert appraisal.summary is not None
    assert appraisal.summary["goal_set_version"] == 1
    assert appraisal.summary["reports"][0]["what"] == "完成公文办理"


# Topics as the reviews log holds them since its first event, when every aggregate was defined in
# services/reviews/domain.py; the aggregates now live in modules of their own.
STORED_TOPIC = "services.reviews.domain:Sanction.SanctionRecorded"
STORED_AGGREGATE_TOPIC = "services.reviews.domain:Sanction"


def record_sanction(w: World, kind: SanctionKind, decided_on: date, document: str) -> Committed:
    with acting(as_(w.people["head_g"], Role.APPRAISAL_OFFICE)):
        return w.reviews.record_sanction(
            w.unit, w.people["clerk"], kind, decided_on, document, TODAY.date()
        )


def test_new_events_are_stored_under_the_topics_the_log_already_holds(
    world: World, database: str
) -> None:
    with acting(as_(world.people["head_g"], Role.APPRAISAL_OFFICE)):
        opened = world.reviews.open_cycle(world.unit, "2025-Q3", CycleConfig(), TODAY.date())
    recorded = record_sanction(world, SanctionKind.DEMERIT, date(2025, 9, 1), "济机关纪〔2025〕7号")
    assert [stored(database, "reviews", n)[2] for n in opened.positions + recorded.positions] == [
        "services.reviews.domain:Cycle.CycleOpened",
        STORED_TOPIC,
    ]


def test_an_event_recorded_under_the_old_topic_reads_back_and_projects(
    world: World, database: str
) -> None:
    # Given a sanction written into the log as the service wrote it before the split
    recorded = record_sanction(
        world, SanctionKind.WARNING, date(2025, 10, 8), "济机关纪〔2025〕9号"
    )
    old = uuid4()
    write_copy(
        database,
        "reviews",
        recorded.positions[0],
        {"originator_topic": STORED_AGGREGATE_TOPIC, "document": "济机关纪〔2024〕3号"},
        originator_id=old,
        version=1,
        topic=STORED_TOPIC,
    )

    # When the application reads it, and the gateway projects the log
    sanction: Sanction = world.reviews.repository.get(old)
    schema = f"topics_{uuid4().hex[:8]}"
    asyncio.run(asyncio.wait_for(project_all(database, schema), 60))

    # Then both see the sanction as it was recorded
    assert isinstance(sanction, Sanction)
    assert (sanction.kind, sanction.document) == (SanctionKind.WARNING, "济机关纪〔2024〕3号")
    assert sanction.ends_on == date(2026, 4, 8)
    with psycopg.connect(database) as conn:
        projected = conn.execute(
            f"SELECT person_id, kind, document, ends_on FROM {schema}.review_sanctions "
            "WHERE id = %s",
            (old,),
        ).fetchone()
    assert projected == (world.people["clerk"], "WARNING", "济机关纪〔2024〕3号", date(2026, 4, 8))
