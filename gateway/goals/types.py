"""GraphQL types of goals (确定目标): goal sets, their versions and history, reference goals,
monthly summaries (月小结) and weekly reports. Each code carries its Chinese label beside it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import strawberry

from gateway.directory.types import Department, Person, department_of, person_of
from gateway.graphql.plumbing import FromRow, Info_, from_row, loads, optional_id
from gateway.graphql.shapes import CountedConnection, label_of
from kernel.calendar import CHINA
from kernel.labels import Labelled
from kernel.roles import Role as RoleCode
from services.goals.vocabulary import GoalSetStatus as GoalSetStatusCode
from services.goals.vocabulary import ItemStatus as ItemStatusCode
from services.goals.vocabulary import ReferenceKind as ReferenceKindCode
from services.goals.vocabulary import ServesKind as ServesKindCode


class PeriodKind(Labelled):
    """A goal set's period: a quarter (2026-Q2) or a year (2026)."""

    QUARTER = "QUARTER", "季度"
    YEAR = "YEAR", "年度"

    @classmethod
    def of(cls, period: str) -> PeriodKind:
        """The kind of a period code."""
        return cls.YEAR if len(period) == 4 else cls.QUARTER


class GoalSetEvent(Labelled):
    """What happened to a goal set: the events of the goals log, by name."""

    Drafted = "Drafted", "起草"
    Edited = "Edited", "修改"
    Submitted = "Submitted", "提交审核"
    Returned = "Returned", "退回修改"
    Approved = "Approved", "审核确定"
    RevisionProposed = "RevisionProposed", "申请调整"
    RevisionApproved = "RevisionApproved", "调整确定"
    RevisionRejected = "RevisionRejected", "调整未同意"
    ProgressRecorded = "ProgressRecorded", "报告进度"
    ItemCompleted = "ItemCompleted", "目标完成"
    ItemDropped = "ItemDropped", "目标取消"


class ProgressKind(Labelled):
    """A progress record in a weekly report."""

    PROGRESS = "PROGRESS", "进度"
    COMPLETED = "COMPLETED", "完成"
    DROPPED = "DROPPED", "取消"


class WeeklyReportStatus(Labelled):
    """Whether a weekly report is compiled only, or published to all staff."""

    COMPILED = "COMPILED", "已汇总"
    PUBLISHED = "PUBLISHED", "已发布"


strawberry.enum(GoalSetStatusCode, description="Where a goal set stands in its approval")
strawberry.enum(ItemStatusCode, description="Where one goal item stands")
strawberry.enum(ServesKindCode, description="What a goal item serves (目标依据)")
strawberry.enum(ReferenceKindCode, description="Kinds of published reference goals")
strawberry.enum(PeriodKind, description="季度 or 年度")
strawberry.enum(GoalSetEvent, description="What happened to a goal set (the log's event names)")
strawberry.enum(ProgressKind, description="Kinds of progress record")
strawberry.enum(WeeklyReportStatus, description="Compiled, or published to all staff")


def _role(value: str | None) -> RoleCode | None:
    return RoleCode(value) if value else None


@strawberry.type(description="What a goal item serves: a reference goal by id, or a job duty")
class GoalServes:
    kind: ServesKindCode
    ref: str | None = strawberry.field(description="The reference goal item's refId")
    text: str | None = strawberry.field(description="A job duty (岗位职责), in words")

    kind_label: str = label_of(ServesKindCode, "kind", "The kind's Chinese label, e.g. 科室目标")

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GoalServes:
        return cls(kind=ServesKindCode(d["kind"]), ref=d.get("ref"), text=d.get("text"))


@strawberry.type(description="One goal (目标): what, the measure of done, by when, what it serves")
class GoalItem:
    item_id: str = strawberry.field(description="Stable across versions of the goal set")
    what: str = strawberry.field(description="What will be delivered")
    measure: str = strawberry.field(description="The measure of done")
    due_on: date
    weight: int | None = strawberry.field(description="Weights of a goal set's items add to 100")
    serves: list[GoalServes]
    status: ItemStatusCode | None = strawberry.field(
        description="Progress of the goal set's current items; null in versions and proposals"
    )
    percent: int | None = strawberry.field(description="Percent done (current items only)")
    note: str | None = strawberry.field(description="The latest progress note or drop reason")

    status_label: str | None = label_of(ItemStatusCode, "status", "The status's Chinese label")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> GoalItem:
        return from_row(cls, row, serves=[GoalServes.from_json(s) for s in loads(row["serves"])])

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GoalItem:
        return cls(
            item_id=str(d["item_id"]),
            what=d["what"],
            measure=d["measure"],
            due_on=date.fromisoformat(str(d["due_on"])),
            weight=d.get("weight"),
            serves=[GoalServes.from_json(s) for s in d.get("serves") or []],
            status=None,
            percent=None,
            note=None,
        )


@strawberry.type(description="An approved version of a goal set: in force from approvedAt")
class GoalSetVersion:
    version_number: int = strawberry.field(description="1 for the first approval, then +1")
    items: list[GoalItem]
    approved_by_id: strawberry.ID
    relation: RoleCode = strawberry.field(
        description="How the approver managed the person then: DEPARTMENT_HEAD, "
        "SUPERVISING_LEADER or PRINCIPAL_LEADER"
    )
    comment: str | None
    approved_at: datetime = strawberry.field(
        description="From this instant the version is in force"
    )

    relation_label: str = label_of(
        RoleCode, "relation", "The relation's Chinese label, e.g. 科室负责人"
    )

    approved_by: Person | None = person_of(
        "approved_by_id", "Who approved: the person's direct manager at that instant"
    )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> GoalSetVersion:
        items = [GoalItem.from_json(d) for d in loads(row["items"])]
        return from_row(
            cls, row, items=items, approved_by_id=strawberry.ID(str(row["approved_by"]))
        )


@strawberry.type(description="One step in a goal set's history, as recorded in the goals log")
class GoalSetHistoryEntry(FromRow):
    position: int = strawberry.field(description="The goals log position of the event")
    event: GoalSetEvent
    actor_id: strawberry.ID | None
    actor_role: RoleCode | None = strawberry.field(description="The role the actor acted in")
    relation: RoleCode | None = strawberry.field(
        description="For a manager's decision: how they managed the person then"
    )
    text: str | None = strawberry.field(description="The comment, comments, reason or note")
    item_id: str | None = strawberry.field(description="The item progressed, completed or dropped")
    percent: int | None
    version_number: int | None = strawberry.field(description="The version an approval made")
    at: datetime

    event_label: str = label_of(GoalSetEvent, "event", "The event's Chinese label, e.g. 审核确定")
    actor_role_label: str | None = label_of(
        RoleCode, "actor_role", "The actor role's Chinese label"
    )
    relation_label: str | None = label_of(RoleCode, "relation", "The relation's Chinese label")

    actor: Person | None = person_of("actor_id", "Who acted")


@strawberry.type(description="Adjusted goals (动态化调整) awaiting the direct manager's decision")
class GoalRevisionProposal:
    items: list[GoalItem]
    reason: str
    proposed_by_id: strawberry.ID | None
    proposed_at: datetime

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> GoalRevisionProposal:
        items = [GoalItem.from_json(d) for d in loads(row["items"])]
        return from_row(cls, row, items=items, proposed_by_id=optional_id(row["proposed_by"]))


@strawberry.type(description="One person's goals for a quarter (季目标) or a year (年度目标)")
class GoalSet(FromRow):
    id: strawberry.ID
    unit_id: strawberry.ID
    person_id: strawberry.ID
    department_id: strawberry.ID | None = strawberry.field(
        description="The person's department when the goal set was drafted"
    )
    period: str = strawberry.field(description="A quarter 2026-Q2 or a year 2026")
    status: GoalSetStatusCode
    version: int = strawberry.field(
        description="The goal set's version; send it as expectedVersion"
    )
    current_version_number: int | None = strawberry.field(
        description="The approved version in force now, if any"
    )
    drafted_at: datetime
    updated_at: datetime

    status_label: str = label_of(
        GoalSetStatusCode, "status", "The status's Chinese label, e.g. 待审核"
    )

    @strawberry.field(description="QUARTER or YEAR")
    def period_kind(self) -> PeriodKind:
        return PeriodKind.of(self.period)

    @strawberry.field(description="季度 or 年度")
    def period_kind_label(self) -> str:
        return PeriodKind.of(self.period).label

    person: Person | None = person_of("person_id", "Whose goals these are")

    department: Department | None = department_of(
        "department_id", "The person's department when the goal set was drafted"
    )

    @strawberry.field(
        description="The current items: the draft while drafting, then the version in force, "
        "with each item's progress"
    )
    async def items(self, info: Info_) -> list[GoalItem]:
        rows = await info.context.loaders.goal_items.load(UUID(self.id))
        return [GoalItem.from_row(r) for r in rows]

    @strawberry.field(description="Every approved version, oldest first")
    async def versions(self, info: Info_) -> list[GoalSetVersion]:
        rows = await info.context.loaders.goal_versions.load(UUID(self.id))
        return [GoalSetVersion.from_row(r) for r in rows]

    @strawberry.field(
        description="The approved version in force at an instant (default: now): the latest "
        "approved at or before it"
    )
    async def version_in_force(
        self, info: Info_, at: datetime | None = None
    ) -> GoalSetVersion | None:
        rows = await info.context.loaders.goal_versions.load(UUID(self.id))
        instant = at or datetime.now(UTC)
        if instant.tzinfo is None:  # as everywhere in Kaohe, a naive instant is China time
            instant = instant.replace(tzinfo=CHINA)
        in_force = [r for r in rows if r["approved_at"] <= instant]
        return GoalSetVersion.from_row(in_force[-1]) if in_force else None

    @strawberry.field(description="Everything that happened to the goal set, oldest first")
    async def history(self, info: Info_) -> list[GoalSetHistoryEntry]:
        rows = await info.context.loaders.goal_history.load(UUID(self.id))
        return [GoalSetHistoryEntry.from_row(r) for r in rows]

    @strawberry.field(description="The revision awaiting the direct manager, if any")
    async def pending_revision(self, info: Info_) -> GoalRevisionProposal | None:
        row = await info.context.loaders.goal_proposal.load(UUID(self.id))
        return GoalRevisionProposal.from_row(row) if row else None


@strawberry.type(description="A page of goal sets, newest period first")
class GoalSetConnection(CountedConnection[GoalSet]):
    pass


@strawberry.type(description="One item of a reference document; goal items serve it by refId")
class ReferenceGoalItem:
    ref_id: str
    title: str
    detail: str | None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ReferenceGoalItem:
        return cls(ref_id=str(d["ref_id"]), title=d["title"], detail=d.get("detail"))


@strawberry.type(description="A published revision of a reference document")
class ReferenceGoalsRevision:
    revision: int
    title: str
    items: list[ReferenceGoalItem]
    reason: str | None = strawberry.field(description="Why it was revised (null for the first)")
    actor_id: strawberry.ID | None
    published_at: datetime

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> ReferenceGoalsRevision:
        return from_row(
            cls, row, items=[ReferenceGoalItem.from_json(d) for d in loads(row["items"])]
        )


@strawberry.type(
    description="Published reference goals: 工作要点, 专项业务规划, a department's annual or "
    "phase goals"
)
class ReferenceGoals:
    id: strawberry.ID
    unit_id: strawberry.ID
    kind: ReferenceKindCode
    department_id: strawberry.ID | None
    period: str
    title: str
    revision: int = strawberry.field(description="1 when published, +1 with each revision")
    items: list[ReferenceGoalItem]
    published_at: datetime = strawberry.field(description="When first published")
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> ReferenceGoals:
        return from_row(
            cls, row, items=[ReferenceGoalItem.from_json(d) for d in loads(row["items"])]
        )

    kind_label: str = label_of(
        ReferenceKindCode, "kind", "The kind's Chinese label, e.g. 年度工作要点"
    )

    department: Department | None = department_of(
        "department_id", "The department, for department goals"
    )

    @strawberry.field(description="Every revision, first published first")
    async def revisions(self, info: Info_) -> list[ReferenceGoalsRevision]:
        rows = await info.context.loaders.reference_goal_revisions.load(UUID(self.id))
        return [ReferenceGoalsRevision.from_row(r) for r in rows]


@strawberry.type(description="A version of a monthly summary's text")
class MonthlySummaryVersion(FromRow):
    version: int
    text: str
    reason: str | None = strawberry.field(description="Why it was amended (null for the first)")
    at: datetime


@strawberry.type(description="A person's monthly summary (月小结): amended only by new versions")
class MonthlySummary(FromRow):
    id: strawberry.ID
    unit_id: strawberry.ID
    person_id: strawberry.ID
    department_id: strawberry.ID | None
    month: str = strawberry.field(description="2026-04")
    version: int = strawberry.field(description="The summary's version; send it as expectedVersion")
    text: str = strawberry.field(description="The latest version's text")
    submitted_at: datetime
    updated_at: datetime

    person: Person | None = person_of("person_id", "Whose summary this is")

    department: Department | None = department_of(
        "department_id", "The person's department when submitted"
    )

    @strawberry.field(description="Every version, first submitted first")
    async def versions(self, info: Info_) -> list[MonthlySummaryVersion]:
        rows = await info.context.loaders.monthly_summary_versions.load(UUID(self.id))
        return [MonthlySummaryVersion.from_row(r) for r in rows]


@strawberry.type(description="A progress record of the week")
class WeeklyProgress:
    period: str = strawberry.field(description="The goal set's period")
    item_id: str
    what: str
    kind: ProgressKind
    percent: int | None
    note: str | None
    at: datetime

    kind_label: str = label_of(ProgressKind, "kind", "The kind's Chinese label")

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> WeeklyProgress:
        return cls(
            period=d["period"],
            item_id=str(d["item_id"]),
            what=d.get("what") or "",
            kind=ProgressKind(d["kind"]),
            percent=d.get("percent"),
            note=d.get("note"),
            at=datetime.fromisoformat(str(d["at"])),
        )


@strawberry.type(description="One member's week in a weekly report")
class WeeklyReportEntry:
    person_id: strawberry.ID
    name: str
    progress: list[WeeklyProgress]
    monthly_summary: str | None = strawberry.field(
        description="The member's summary of the month the week starts in"
    )

    person: Person | None = person_of("person_id", "The member")

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> WeeklyReportEntry:
        return cls(
            person_id=strawberry.ID(str(d["person_id"])),
            name=d["name"],
            progress=[WeeklyProgress.from_json(p) for p in d.get("progress") or []],
            monthly_summary=d.get("monthly_summary"),
        )


@strawberry.type(description="A department's weekly progress report, compiled by 考核办")
class WeeklyReport:
    id: strawberry.ID
    unit_id: strawberry.ID
    department_id: strawberry.ID
    department_name: str | None = strawberry.field(description="As published (null until then)")
    week: str = strawberry.field(description="An ISO week, 2026-W17")
    entries: list[WeeklyReportEntry]
    free_text: str
    status: WeeklyReportStatus
    compiled_at: datetime
    published_at: datetime | None
    version: int = strawberry.field(description="The report's version; send it as expectedVersion")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> WeeklyReport:
        return from_row(
            cls, row, entries=[WeeklyReportEntry.from_json(d) for d in loads(row["entries"])]
        )

    status_label: str = label_of(WeeklyReportStatus, "status", "The status's Chinese label")

    department: Department | None = department_of("department_id", "The department")
