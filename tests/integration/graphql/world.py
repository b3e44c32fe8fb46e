"""The records the in-process GraphQL tests read: one unit's org chart with a history (a move,
an auditor who joined later), a quarter appraised and published and this quarter's cycle opened,
goal sets in force, revised and awaiting approval, reference goals, an amended monthly summary,
praise and complaints (named, anonymous, filed by a served cadre), a platform auditor, and a
second unit whose person is the outsider. Recorded by the real service applications in process,
each command inside `acting(...)` as the services' APIs run them.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID, uuid4

from kernel.context import CommandContext, acting
from kernel.roles import Role
from kernel.store import ServiceApplication, postgres_env
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import OfficeRole, PositionCategory
from services.feedback.application import Feedback
from services.feedback.reader import FeedbackLog
from services.feedback.vocabulary import FiledBy, Satisfaction, TargetKind
from services.goals.application import Goals
from services.goals.reader import GoalsLog
from services.goals.vocabulary import ReferenceKind
from services.reviews.application import Reviews
from services.reviews.scheme import CycleConfig
from services.reviews.vocabulary import Grade
from tests.integration.recorded import (
    APPRAISED,
    FOUNDED,
    QUARTER,
    TODAY,
    AppraisedUnit,
    goal_items,
    rated,
    record_appraised_unit,
    record_survey_and_praise,
)

# After the appraised quarter (APPRAISED, published) the clerk moves from the general office to
# the vehicles department.
MOVED_ON = date(2026, 4, 1)
# What the driver's goal set went through, in order (`Recorder.goal_sets`).
DRIVER_GOAL_SET_EVENTS = [
    "Drafted",
    "Submitted",
    "Approved",
    "ProgressRecorded",
    "RevisionProposed",
    "RevisionApproved",
]
COMPLAINANT = {"name": "赵先生", "agency": "市财政局", "contact": "0537-1234567"}


@dataclasses.dataclass
class World:
    """What was recorded, by the names the tests use."""

    unit: UUID
    other_unit: UUID
    people: dict[str, UUID]
    departments: dict[str, UUID]
    cycle: UUID
    open_cycle: UUID  # this quarter's, opened only
    goal_sets: dict[str, UUID]
    complaints: dict[str, UUID]
    anonymous_filer: UUID
    platform_auditor: UUID
    # Instants between the steps, for questions "as it was at".
    before_approval: datetime
    before_move: datetime


def as_(person: UUID, role: Role, unit: UUID | None = None) -> CommandContext:
    return CommandContext(
        actor_id=person, actor_role=role, now=datetime.now(UTC), tenant_id=unit, reason="测试"
    )


def small_env(cls: type[ServiceApplication], database: str) -> dict[str, str]:
    """`cls.postgres_env`, holding one connection (two when busy) instead of four: the commands
    here run one at a time, and the server's hundred connections are shared."""
    return postgres_env(database, cls.schema, 1, 1)


class Recorder:
    """The four service applications on one database, deciding with each other's logs."""

    def __init__(self, database: str, disclosure_key: Path) -> None:
        self.directory = Directory(env=small_env(Directory, database))
        org = OrgChart(self.directory)
        self.goals = Goals(org, env=small_env(Goals, database))
        self.feedback = Feedback(org, disclosure_key, env=small_env(Feedback, database))
        self.reviews = Reviews(
            org, GoalsLog(self.goals), FeedbackLog(self.feedback), env=small_env(Reviews, database)
        )
        self.people: dict[str, UUID] = {}
        self.departments: dict[str, UUID] = {}

    def close(self) -> None:
        for app in (self.reviews, self.feedback, self.goals, self.directory):
            app.close()

    def record(self) -> World:
        unit = self.org_chart()
        other_unit, outsider = self.other_unit()
        self.people["outsider"] = outsider
        cycle = self.appraised_quarter(unit)
        before_move = datetime.now(UTC)
        self.reorganise(unit)
        goal_sets, before_approval = self.goal_sets(unit)
        complaints, filer = self.feedback_of_the_quarter(unit)
        with acting(as_(self.people["head_g"], Role.APPRAISAL_OFFICE, unit)):
            open_cycle = UUID(
                self.reviews.open_cycle(unit, QUARTER, CycleConfig(), TODAY).result["cycle_id"]
            )
        with acting(as_(uuid4(), Role.ADMIN)):
            platform_auditor = UUID(
                self.directory.appoint_platform_auditor(
                    Role.ADMIN, "纪检测试", f"gql-{uuid4().hex[:8]}", "纪检监察组", FOUNDED
                ).result["person_id"]
            )
        return World(
            unit=unit,
            other_unit=other_unit,
            people=self.people,
            departments=self.departments,
            cycle=cycle,
            open_cycle=open_cycle,
            goal_sets=goal_sets,
            complaints=complaints,
            anonymous_filer=filer,
            platform_auditor=platform_auditor,
            before_approval=before_approval,
            before_move=before_move,
        )

    def org_chart(self) -> UUID:
        """The reviews tests' unit (`record_appraised_unit`), the general office's head also
        its appraisal office (考核办)."""
        with acting(as_(uuid4(), Role.APPRAISAL_OFFICE)):
            built = record_appraised_unit(
                self.directory, "图测中心", f"G-{uuid4().hex[:6].upper()}"
            )
            self.directory.grant_office_role(
                built.unit, built.people["head_g"], OfficeRole.APPRAISAL_OFFICE, FOUNDED
            )
        self.people.update(built.people)
        self.departments.update(built.departments)
        return built.unit

    def person(
        self,
        unit: UUID,
        name: str,
        key: str,
        position: PositionCategory,
        department: str | None,
        joined: date,
    ) -> UUID:
        added = self.directory.add_person(
            unit,
            name,
            f"{key}-{uuid4().hex[:6]}",
            position,
            self.departments.get(department or ""),
            joined,
        )
        return UUID(added.result["person_id"])

    def other_unit(self) -> tuple[UUID, UUID]:
        with acting(as_(uuid4(), Role.ADMIN)):
            unit = UUID(
                self.directory.register_unit("另一单位", f"H-{uuid4().hex[:6].upper()}").result[
                    "unit_id"
                ]
            )
            outsider = self.person(
                unit, "外单位领导", "outsider", PositionCategory.LEADER, None, FOUNDED
            )
            # The other unit's office, for the refusals that need an office of another unit.
            self.directory.grant_office_role(unit, outsider, OfficeRole.APPRAISAL_OFFICE, FOUNDED)
        return unit, outsider

    def appraised_quarter(self, unit: UUID) -> UUID:
        """2025-Q4 from opening to publication, as the reviews store test records it."""
        w, p, today = self, self.people, TODAY

        def office() -> CommandContext:
            # A context of its own for each step, as each request gets: the trail orders by time.
            return as_(p["head_g"], Role.APPRAISAL_OFFICE, unit)

        with acting(office()):
            cycle = UUID(
                w.reviews.open_cycle(unit, APPRAISED, CycleConfig(), today).result["cycle_id"]
            )
            built = AppraisedUnit(unit, self.people, self.departments)
            w.feedback.close_survey(record_survey_and_praise(w.feedback, built, today))
            w.reviews.begin_appraisal(cycle)
        for key in ("leader", "head_v", "driver", "head_g", "clerk"):
            with acting(as_(p[key], Role.APPRAISEE, unit)):
                w.reviews.submit_summary(cycle, p[key], p[key], [], ["完成本季度日常工作"])
        for rater, person, service, overrides in (
            ("head_v", "driver", True, {}),
            ("leader", "driver", True, {"SERVICE_QUALITY": "80"}),
            ("head_g", "clerk", False, {"COMPETENCE": "60", "GOAL_DELIVERY": "70"}),
            ("leader", "clerk", False, {"COMPETENCE": "60", "GOAL_DELIVERY": "70"}),
            ("leader", "head_v", True, {}),
            ("leader", "head_g", False, {}),
            ("principal", "leader", False, {}),
        ):
            with acting(as_(p[rater], Role.DEPARTMENT_HEAD, unit)):
                w.reviews.rate(
                    cycle, p[person], p[rater], rated(service, **overrides), "认真负责", today
                )
        with acting(office()):
            w.reviews.propose_grades(cycle, {}, today)
            w.reviews.propose_grades(
                cycle,
                {p["head_g"]: (Grade.FAIRLY_GOOD, None), p["leader"]: (Grade.FAIRLY_GOOD, None)},
                today,
            )
        with acting(as_(p["principal"], Role.PRINCIPAL_LEADER, unit)):
            w.reviews.finalise(cycle, p["principal"], today)
        with acting(office()):
            w.reviews.publish(cycle, date(2026, 1, 5), today)
        return cycle

    def reorganise(self, unit: UUID) -> None:
        """After the appraised quarter: the clerk moves to the vehicles department, and the unit's
        auditor (纪检, granted by the office) joins the general office."""
        d, p = self.directory, self.people
        with acting(as_(p["head_g"], Role.APPRAISAL_OFFICE, unit)):
            d.move_person(unit, p["clerk"], self.departments["vehicles"], MOVED_ON)
            p["auditor"] = self.person(
                unit, "审计员", "auditor", PositionCategory.GENERAL, "general", date(2026, 1, 1)
            )
            d.grant_office_role(unit, p["auditor"], OfficeRole.AUDITOR, date(2026, 1, 1))

    def goal_sets(self, unit: UUID) -> tuple[dict[str, UUID], datetime]:
        """The driver's goal set approved, then revised (two versions); the clerk's submitted to
        his new head."""
        g, p = self.goals, self.people
        with acting(as_(p["driver"], Role.APPRAISEE, unit)):
            driver = UUID(
                g.draft_goal_set(
                    unit, p["driver"], QUARTER, goal_items("a", "b"), datetime.now(UTC)
                ).result["goal_set_id"]
            )
            g.submit_goal_set(driver, p["driver"], datetime.now(UTC))
        before_approval = datetime.now(UTC)
        with acting(as_(p["head_v"], Role.DEPARTMENT_HEAD, unit)):
            g.decide(driver, p["head_v"], "approve", "同意", datetime.now(UTC))
        with acting(as_(p["driver"], Role.APPRAISEE, unit)):
            g.record_progress(driver, p["driver"], "a", 40, "进行中", datetime.now(UTC))
            g.propose_revision(
                driver, p["driver"], goal_items("a", "c"), "任务调整", datetime.now(UTC)
            )
        with acting(as_(p["head_v"], Role.DEPARTMENT_HEAD, unit)):
            g.decide(driver, p["head_v"], "approve_revision", "同意调整", datetime.now(UTC))
        with acting(as_(p["clerk"], Role.APPRAISEE, unit)):
            clerk = UUID(
                g.draft_goal_set(
                    unit, p["clerk"], QUARTER, goal_items("x"), datetime.now(UTC)
                ).result["goal_set_id"]
            )
            g.submit_goal_set(clerk, p["clerk"], datetime.now(UTC))
        self.reference_goals_and_a_summary(unit)
        return {"driver": driver, "clerk": clerk}, before_approval

    def reference_goals_and_a_summary(self, unit: UUID) -> None:
        """The year's work priorities (the office's), the vehicles department's goals for the
        quarter (its head's), and the driver's monthly summary, amended once."""
        g, p, now = self.goals, self.people, datetime.now(UTC)
        with acting(as_(p["head_g"], Role.APPRAISAL_OFFICE, unit)):
            g.publish_reference(
                unit,
                p["head_g"],
                True,
                ReferenceKind.WORK_PRIORITIES,
                None,
                str(TODAY.year),
                "年度工作要点",
                [{"title": "节能降耗"}, {"title": "公车改革"}],
                None,
                now,
            )
        with acting(as_(p["head_v"], Role.DEPARTMENT_HEAD, unit)):
            g.publish_reference(
                unit,
                p["head_v"],
                False,
                ReferenceKind.DEPARTMENT_PHASE,
                self.departments["vehicles"],
                QUARTER,
                "公车科季度目标",
                [{"title": "派车零差错"}],
                None,
                now,
            )
        with acting(as_(p["driver"], Role.APPRAISEE, unit)):
            summary = UUID(
                g.submit_monthly_summary(
                    unit, p["driver"], f"{TODAY:%Y-%m}", "完成派车任务", now
                ).result["summary_id"]
            )
            g.amend_monthly_summary(summary, p["driver"], "完成派车任务三十次", "补充数量")

    def feedback_of_the_quarter(self, unit: UUID) -> tuple[dict[str, UUID], UUID]:
        """This quarter: praise of the driver; a complaint about him filed by the office on a
        named complainant's behalf and resolved; an anonymous one about the vehicles department
        filed by a served cadre; a named one a served cadre filed about the clerk."""
        f, p = self.feedback, self.people
        with acting(as_(p["head_g"], Role.APPRAISAL_OFFICE, unit)):
            f.record_praise(
                unit, TargetKind.PERSON, p["driver"], "市委办公室", "会议保障及时", TODAY, TODAY
            )
            named = UUID(
                f.file_complaint(
                    unit,
                    TargetKind.PERSON,
                    p["driver"],
                    FiledBy.OFFICE_ON_BEHALF,
                    COMPLAINANT,
                    "接站迟到",
                    TODAY,
                    TODAY,
                ).result["complaint_id"]
            )
            f.assign_complaint(named, p["head_v"])
            f.resolve_complaint(named, Satisfaction.SATISFIED, TODAY, None, TODAY)
        filer = uuid4()
        with acting(as_(filer, Role.SERVED_CADRE, unit)):
            anonymous = UUID(
                f.file_complaint(
                    unit,
                    TargetKind.DEPARTMENT,
                    self.departments["vehicles"],
                    FiledBy.SERVED_CADRE,
                    None,
                    "车辆脏乱",
                    TODAY,
                    TODAY,
                    {"login": "cadre", "name": "匿名者"},
                ).result["complaint_id"]
            )
            by_cadre = UUID(
                f.file_complaint(
                    unit,
                    TargetKind.PERSON,
                    p["clerk"],
                    FiledBy.SERVED_CADRE,
                    {"name": "钱女士", "agency": "市审计局", "contact": None},
                    "材料报送迟缓",
                    TODAY,
                    TODAY,
                ).result["complaint_id"]
            )
        complaints = {"named": named, "anonymous": anonymous, "by_cadre": by_cadre}
        return complaints, filer


def record_world(database: str, disclosure_key: Path) -> World:
    recorder = Recorder(database, disclosure_key)
    try:
        return recorder.record()
    finally:
        recorder.close()
