"""GraphQL mutations of goals: forwarded to the goals service with the caller's token,
Idempotency-Key and If-Match, answered once the goals projection shows the change.
"""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from gateway.goals.types import GoalSet, MonthlySummary, ReferenceGoals, WeeklyReport
from gateway.graphql.plumbing import (
    ExpectedVersion,
    IdempotencyKey,
    Info_,
    forwarded,
    projected,
)
from services.goals import commands as goals
from services.goals.vocabulary import ReferenceKind as ReferenceKindCode


@pydantic_input(
    goals.ServesIn,
    name="GoalServesInput",
    description="What a goal item serves: a reference goal by refId, or a job duty",
    all_fields=True,
)
class GoalServesInput:
    pass


@pydantic_input(
    goals.GoalItemIn,
    name="GoalItemInput",
    description="One goal: what, the measure of done, by when, what it serves",
    all_fields=True,
)
class GoalItemInput:
    pass


@pydantic_input(
    goals.ReferenceItemIn,
    name="ReferenceGoalItemInput",
    description="One item of a reference document",
    all_fields=True,
)
class ReferenceGoalItemInput:
    pass


@strawberry.type(description="The result of a change to a goal set")
class GoalSetPayload:
    goal_set: GoalSet
    position: int = strawberry.field(description="The goals log position of the change")


@strawberry.type(description="The result of publishing reference goals")
class ReferenceGoalsPayload:
    reference_goals: ReferenceGoals
    position: int


@strawberry.type(description="The result of a change to a monthly summary")
class MonthlySummaryPayload:
    monthly_summary: MonthlySummary
    position: int


@strawberry.type(description="The result of a change to a weekly report")
class WeeklyReportPayload:
    weekly_report: WeeklyReport
    position: int


_goal_set = projected(
    "goal_sets",
    "goal_set_id",
    lambda row, position: GoalSetPayload(goal_set=GoalSet.from_row(row), position=position),
)
_reference_goals = projected(
    "reference_goals",
    "reference_id",
    lambda row, position: ReferenceGoalsPayload(
        reference_goals=ReferenceGoals.from_row(row), position=position
    ),
)
_monthly_summary = projected(
    "monthly_summaries",
    "summary_id",
    lambda row, position: MonthlySummaryPayload(
        monthly_summary=MonthlySummary.from_row(row), position=position
    ),
)
_weekly_report = projected(
    "weekly_reports",
    "report_id",
    lambda row, position: WeeklyReportPayload(
        weekly_report=WeeklyReport.from_row(row), position=position
    ),
)


@strawberry.type
class GoalsMutation:
    @strawberry.mutation(
        description="Draft the caller's goal set for a period: a quarter 2026-Q2 or a year 2026 "
        "(drafts may be empty until submitted)"
    )
    @forwarded(goals.DRAFT_GOAL_SET, _goal_set)
    async def draft_goal_set(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        period: str,
        items: list[GoalItemInput] | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(description="Replace the items of a draft or returned goal set (owner)")
    @forwarded(goals.EDIT_GOAL_SET, _goal_set)
    async def edit_goal_set(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        items: list[GoalItemInput],
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(description="Submit the goal set to the direct manager (owner)")
    @forwarded(goals.SUBMIT_GOAL_SET, _goal_set)
    async def submit_goal_set(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(
        description="Approve a submitted goal set: its items become the person's phase goals "
        "(the person's direct manager now)"
    )
    @forwarded(goals.APPROVE_GOAL_SET, _goal_set)
    async def approve_goal_set(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        comment: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(description="Return a submitted goal set with comments (direct manager)")
    @forwarded(goals.RETURN_GOAL_SET, _goal_set)
    async def return_goal_set(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        comments: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(
        description="Propose adjusted goals (动态化调整) for an approved goal set, with the "
        "reason (owner)"
    )
    @forwarded(goals.PROPOSE_REVISION, _goal_set)
    async def propose_goal_revision(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        items: list[GoalItemInput],
        reason: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(
        description="Approve the proposed revision: a new version is in force (direct manager)"
    )
    @forwarded(goals.APPROVE_REVISION, _goal_set)
    async def approve_goal_revision(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        comment: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(
        description="Reject the proposed revision, with the reason: the approved version stays "
        "in force (direct manager)"
    )
    @forwarded(goals.REJECT_REVISION, _goal_set)
    async def reject_goal_revision(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        reason: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(description="Report progress (0 to 100 percent) on an approved goal item")
    @forwarded(goals.RECORD_PROGRESS, _goal_set)
    async def record_goal_progress(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        item_id: str,
        percent: int,
        note: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(description="Mark an approved goal item delivered (owner)")
    @forwarded(goals.COMPLETE_ITEM, _goal_set)
    async def complete_goal_item(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        item_id: str,
        note: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(description="Drop an approved goal item, with the reason (owner)")
    @forwarded(goals.DROP_ITEM, _goal_set)
    async def drop_goal_item(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        item_id: str,
        reason: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload: ...

    @strawberry.mutation(
        description="Publish reference goals, or a new revision of them (give the reason): "
        "工作要点 and 专项业务规划 by 考核办, a department's goals by its head"
    )
    @forwarded(goals.PUBLISH_REFERENCE, _reference_goals)
    async def publish_reference_goals(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        kind: ReferenceKindCode,
        period: str,
        title: str,
        items: list[ReferenceGoalItemInput],
        department_id: strawberry.ID | None = None,
        reason: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> ReferenceGoalsPayload: ...

    @strawberry.mutation(description="Submit the caller's monthly summary (月小结) for a month")
    @forwarded(goals.SUBMIT_MONTHLY_SUMMARY, _monthly_summary)
    async def submit_monthly_summary(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        month: str,
        text: str,
        idempotency_key: IdempotencyKey = None,
    ) -> MonthlySummaryPayload: ...

    @strawberry.mutation(
        description="Amend a monthly summary with a new version, with the reason (owner)"
    )
    @forwarded(goals.AMEND_MONTHLY_SUMMARY, _monthly_summary)
    async def amend_monthly_summary(
        self,
        info: Info_,
        summary_id: strawberry.ID,
        text: str,
        reason: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> MonthlySummaryPayload: ...

    @strawberry.mutation(
        description="Compile (or compile again, before publishing) a department's weekly "
        "progress for an ISO week 2026-W17 (考核办)"
    )
    @forwarded(goals.COMPILE_WEEKLY_REPORT, _weekly_report)
    async def compile_weekly_report(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        department_id: strawberry.ID,
        week: str,
        free_text: str = "",
        idempotency_key: IdempotencyKey = None,
    ) -> WeeklyReportPayload: ...

    @strawberry.mutation(description="Publish a compiled weekly report to all staff (考核办)")
    @forwarded(goals.PUBLISH_WEEKLY_REPORT, _weekly_report)
    async def publish_weekly_report(
        self,
        info: Info_,
        report_id: strawberry.ID,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> WeeklyReportPayload: ...
