"""GraphQL mutations of goals: forwarded to the goals service with the caller's token,
Idempotency-Key and If-Match, answered once the goals projection shows the change.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

import strawberry

from gateway.goals.types import GoalSet, MonthlySummary, ReferenceGoals, WeeklyReport
from gateway.graphql.plumbing import IdempotencyKey, Info_, forward, parse_id, projected_row
from services.goals.vocabulary import ReferenceKind as ReferenceKindCode
from services.goals.vocabulary import ServesKind as ServesKindCode

EXPECTED = (
    "The version of the goal set, summary or report this change was decided against "
    "(If-Match): stale is refused with CONFLICT"
)
ExpectedVersion = Annotated[int | None, strawberry.argument(description=EXPECTED)]


@strawberry.input(description="What a goal item serves: a reference goal by refId, or a job duty")
class GoalServesInput:
    kind: ServesKindCode
    ref: str | None = strawberry.field(default=None, description="The reference goal item's refId")
    text: str | None = strawberry.field(default=None, description="A job duty, in words")


@strawberry.input(description="One goal: what, the measure of done, by when, what it serves")
class GoalItemInput:
    what: str
    measure: str
    due_on: date = strawberry.field(description="Within the goal set's period")
    serves: list[GoalServesInput]
    weight: int | None = strawberry.field(
        default=None, description="1 to 100; give every item a weight, or none: they add to 100"
    )
    item_id: str | None = strawberry.field(
        default=None, description="Keep an item's id to keep its history across versions"
    )


@strawberry.input(description="One item of a reference document")
class ReferenceGoalItemInput:
    title: str
    detail: str | None = None
    ref_id: str | None = strawberry.field(
        default=None, description="Keep an item's id across revisions (goal items cite it)"
    )


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


async def to_goals(
    info: Info_,
    path: str,
    body: dict[str, Any],
    idempotency_key: str | None,
    expected_version: int | None = None,
) -> tuple[dict[str, Any], int]:
    """A command for the goals service."""
    url = info.context.settings.goals_url
    return await forward(info, "goals", url, path, body, idempotency_key, expected_version)


async def _goal_set(
    info: Info_,
    goal_set_id: strawberry.ID,
    tail: str,
    body: dict[str, Any],
    idempotency_key: str | None,
    expected_version: int | None,
) -> GoalSetPayload:
    """A command on an existing goal set, answered with the goal set as projected."""
    path = f"/goal-sets/{parse_id(goal_set_id, 'goalSetId')}{tail}"
    result, position = await to_goals(info, path, body, idempotency_key, expected_version)
    row = await projected_row(info, "goal_sets", result["goal_set_id"])
    return GoalSetPayload(goal_set=GoalSet.from_row(row), position=position)


def _item(item_id: str, tail: str) -> str:
    return f"/items/{quote(item_id, safe='')}{tail}"


@strawberry.type
class GoalsMutation:
    @strawberry.mutation(
        description="Draft the caller's goal set for a period: a quarter 2026-Q2 or a year 2026 "
        "(drafts may be empty until submitted)"
    )
    async def draft_goal_set(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        period: str,
        items: list[GoalItemInput] | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> GoalSetPayload:
        result, position = await to_goals(
            info,
            f"/units/{parse_id(unit_id, 'unitId')}/goal-sets",
            {"period": period, "items": items or []},
            idempotency_key,
        )
        row = await projected_row(info, "goal_sets", result["goal_set_id"])
        return GoalSetPayload(goal_set=GoalSet.from_row(row), position=position)

    @strawberry.mutation(description="Replace the items of a draft or returned goal set (owner)")
    async def edit_goal_set(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        items: list[GoalItemInput],
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info, goal_set_id, "/edits", {"items": items}, idempotency_key, expected_version
        )

    @strawberry.mutation(description="Submit the goal set to the direct manager (owner)")
    async def submit_goal_set(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info, goal_set_id, "/submission", {}, idempotency_key, expected_version
        )

    @strawberry.mutation(
        description="Approve a submitted goal set: its items become the person's phase goals "
        "(the person's direct manager now)"
    )
    async def approve_goal_set(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        comment: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info,
            goal_set_id,
            "/approval",
            {"comment": comment},
            idempotency_key,
            expected_version,
        )

    @strawberry.mutation(description="Return a submitted goal set with comments (direct manager)")
    async def return_goal_set(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        comments: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info,
            goal_set_id,
            "/return",
            {"comments": comments},
            idempotency_key,
            expected_version,
        )

    @strawberry.mutation(
        description="Propose adjusted goals (动态化调整) for an approved goal set, with the "
        "reason (owner)"
    )
    async def propose_goal_revision(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        items: list[GoalItemInput],
        reason: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info,
            goal_set_id,
            "/revisions",
            {"items": items, "reason": reason},
            idempotency_key,
            expected_version,
        )

    @strawberry.mutation(
        description="Approve the proposed revision: a new version is in force (direct manager)"
    )
    async def approve_goal_revision(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        comment: str | None = None,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info,
            goal_set_id,
            "/revisions/approval",
            {"comment": comment},
            idempotency_key,
            expected_version,
        )

    @strawberry.mutation(
        description="Reject the proposed revision, with the reason: the approved version stays "
        "in force (direct manager)"
    )
    async def reject_goal_revision(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        reason: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info,
            goal_set_id,
            "/revisions/rejection",
            {"reason": reason},
            idempotency_key,
            expected_version,
        )

    @strawberry.mutation(description="Report progress (0 to 100 percent) on an approved goal item")
    async def record_goal_progress(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        item_id: str,
        percent: int,
        note: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info,
            goal_set_id,
            _item(item_id, "/progress"),
            {"percent": percent, "note": note},
            idempotency_key,
            expected_version,
        )

    @strawberry.mutation(description="Mark an approved goal item delivered (owner)")
    async def complete_goal_item(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        item_id: str,
        note: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info,
            goal_set_id,
            _item(item_id, "/completion"),
            {"note": note},
            idempotency_key,
            expected_version,
        )

    @strawberry.mutation(description="Drop an approved goal item, with the reason (owner)")
    async def drop_goal_item(
        self,
        info: Info_,
        goal_set_id: strawberry.ID,
        item_id: str,
        reason: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> GoalSetPayload:
        return await _goal_set(
            info,
            goal_set_id,
            _item(item_id, "/drop"),
            {"reason": reason},
            idempotency_key,
            expected_version,
        )

    @strawberry.mutation(
        description="Publish reference goals, or a new revision of them (give the reason): "
        "工作要点 and 专项业务规划 by 考核办, a department's goals by its head"
    )
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
    ) -> ReferenceGoalsPayload:
        body = {
            "kind": kind,
            "department_id": department_id,
            "period": period,
            "title": title,
            "items": items,
            "reason": reason,
        }
        result, position = await to_goals(
            info, f"/units/{parse_id(unit_id, 'unitId')}/references", body, idempotency_key
        )
        row = await projected_row(info, "reference_goals", result["reference_id"])
        return ReferenceGoalsPayload(
            reference_goals=ReferenceGoals.from_row(row), position=position
        )

    @strawberry.mutation(description="Submit the caller's monthly summary (月小结) for a month")
    async def submit_monthly_summary(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        month: str,
        text: str,
        idempotency_key: IdempotencyKey = None,
    ) -> MonthlySummaryPayload:
        result, position = await to_goals(
            info,
            f"/units/{parse_id(unit_id, 'unitId')}/monthly-summaries",
            {"month": month, "text": text},
            idempotency_key,
        )
        row = await projected_row(info, "monthly_summaries", result["summary_id"])
        return MonthlySummaryPayload(
            monthly_summary=MonthlySummary.from_row(row), position=position
        )

    @strawberry.mutation(
        description="Amend a monthly summary with a new version, with the reason (owner)"
    )
    async def amend_monthly_summary(
        self,
        info: Info_,
        summary_id: strawberry.ID,
        text: str,
        reason: str,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> MonthlySummaryPayload:
        result, position = await to_goals(
            info,
            f"/monthly-summaries/{parse_id(summary_id, 'summaryId')}/amendments",
            {"text": text, "reason": reason},
            idempotency_key,
            expected_version,
        )
        row = await projected_row(info, "monthly_summaries", result["summary_id"])
        return MonthlySummaryPayload(
            monthly_summary=MonthlySummary.from_row(row), position=position
        )

    @strawberry.mutation(
        description="Compile (or compile again, before publishing) a department's weekly "
        "progress for an ISO week 2026-W17 (考核办)"
    )
    async def compile_weekly_report(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        department_id: strawberry.ID,
        week: str,
        free_text: str = "",
        idempotency_key: IdempotencyKey = None,
    ) -> WeeklyReportPayload:
        result, position = await to_goals(
            info,
            f"/units/{parse_id(unit_id, 'unitId')}/weekly-reports",
            {"department_id": department_id, "week": week, "free_text": free_text},
            idempotency_key,
        )
        row = await projected_row(info, "weekly_reports", result["report_id"])
        return WeeklyReportPayload(weekly_report=WeeklyReport.from_row(row), position=position)

    @strawberry.mutation(description="Publish a compiled weekly report to all staff (考核办)")
    async def publish_weekly_report(
        self,
        info: Info_,
        report_id: strawberry.ID,
        idempotency_key: IdempotencyKey = None,
        expected_version: ExpectedVersion = None,
    ) -> WeeklyReportPayload:
        result, position = await to_goals(
            info,
            f"/weekly-reports/{parse_id(report_id, 'reportId')}/publication",
            {},
            idempotency_key,
            expected_version,
        )
        row = await projected_row(info, "weekly_reports", result["report_id"])
        return WeeklyReportPayload(weekly_report=WeeklyReport.from_row(row), position=position)
