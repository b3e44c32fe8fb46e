"""GraphQL mutations of goals: forwarded to the goals service with the caller's token,
Idempotency-Key and If-Match, answered once the goals projection shows the change.
"""

from __future__ import annotations

import strawberry

from gateway.goals.types import GoalSet, MonthlySummary, ReferenceGoals, WeeklyReport
from gateway.graphql.plumbing import command_input, mutation, projected
from services.goals import commands as goals


@command_input(goals.ServesIn, "What a goal item serves: a reference goal by refId, or a job duty")
class GoalServesInput:
    pass


@command_input(goals.GoalItemIn, "One goal: what, the measure of done, by when, what it serves")
class GoalItemInput:
    pass


@command_input(goals.ReferenceItemIn, "One item of a reference document")
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


_goal_set = projected(GoalSetPayload, "goal_sets", "goal_set_id")
_reference_goals = projected(ReferenceGoalsPayload, "reference_goals", "reference_id")
_monthly_summary = projected(MonthlySummaryPayload, "monthly_summaries", "summary_id")
_weekly_report = projected(WeeklyReportPayload, "weekly_reports", "report_id")


@strawberry.type
class GoalsMutation:
    draft_goal_set = mutation(
        goals.DRAFT_GOAL_SET,
        _goal_set,
        description="Draft the caller's goal set for a period: a quarter 2026-Q2 or a year 2026 "
        "(drafts may be empty until submitted)",
        versioned=False,
    )

    edit_goal_set = mutation(
        goals.EDIT_GOAL_SET,
        _goal_set,
        description="Replace the items of a draft or returned goal set (owner)",
    )

    submit_goal_set = mutation(
        goals.SUBMIT_GOAL_SET,
        _goal_set,
        description="Submit the goal set to the direct manager (owner)",
    )

    approve_goal_set = mutation(
        goals.APPROVE_GOAL_SET,
        _goal_set,
        description="Approve a submitted goal set: its items become the person's phase goals "
        "(the person's direct manager now)",
    )

    return_goal_set = mutation(
        goals.RETURN_GOAL_SET,
        _goal_set,
        description="Return a submitted goal set with comments (direct manager)",
    )

    propose_goal_revision = mutation(
        goals.PROPOSE_REVISION,
        _goal_set,
        description="Propose adjusted goals (动态化调整) for an approved goal set, with the "
        "reason (owner)",
    )

    approve_goal_revision = mutation(
        goals.APPROVE_REVISION,
        _goal_set,
        description="Approve the proposed revision: a new version is in force (direct manager)",
    )

    reject_goal_revision = mutation(
        goals.REJECT_REVISION,
        _goal_set,
        description="Reject the proposed revision, with the reason: the approved version stays "
        "in force (direct manager)",
    )

    record_goal_progress = mutation(
        goals.RECORD_PROGRESS,
        _goal_set,
        description="Report progress (0 to 100 percent) on an approved goal item",
    )

    complete_goal_item = mutation(
        goals.COMPLETE_ITEM, _goal_set, description="Mark an approved goal item delivered (owner)"
    )

    drop_goal_item = mutation(
        goals.DROP_ITEM,
        _goal_set,
        description="Drop an approved goal item, with the reason (owner)",
    )

    publish_reference_goals = mutation(
        goals.PUBLISH_REFERENCE,
        _reference_goals,
        description="Publish reference goals, or a new revision of them (give the reason): "
        "工作要点 and 专项业务规划 by 考核办, a department's goals by its head",
        versioned=False,
    )

    submit_monthly_summary = mutation(
        goals.SUBMIT_MONTHLY_SUMMARY,
        _monthly_summary,
        description="Submit the caller's monthly summary (月小结) for a month",
        versioned=False,
    )

    amend_monthly_summary = mutation(
        goals.AMEND_MONTHLY_SUMMARY,
        _monthly_summary,
        description="Amend a monthly summary with a new version, with the reason (owner)",
    )

    compile_weekly_report = mutation(
        goals.COMPILE_WEEKLY_REPORT,
        _weekly_report,
        description="Compile (or compile again, before publishing) a department's weekly "
        "progress for an ISO week 2026-W17 (考核办)",
        versioned=False,
    )

    publish_weekly_report = mutation(
        goals.PUBLISH_WEEKLY_REPORT,
        _weekly_report,
        description="Publish a compiled weekly report to all staff (考核办)",
    )
