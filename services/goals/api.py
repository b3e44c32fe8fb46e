"""The goals service's command API (FastAPI). Appraisees act on their own goals; their direct
manager decides; the appraisal office publishes the unit's reference goals and weekly reports.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from kernel.calendar import china_date
from kernel.roles import Role
from kernel.store import Committed
from kernel.web.caller import as_appraisee, require_role, require_unit
from kernel.web.endpoints import Call, CommandRoutes, application
from services.goals.application import Goals
from services.goals.commands import (
    AMEND_MONTHLY_SUMMARY,
    APPROVE_GOAL_SET,
    APPROVE_REVISION,
    COMPILE_WEEKLY_REPORT,
    COMPLETE_ITEM,
    DRAFT_GOAL_SET,
    DROP_ITEM,
    EDIT_GOAL_SET,
    PROPOSE_REVISION,
    PUBLISH_REFERENCE,
    PUBLISH_WEEKLY_REPORT,
    RECORD_PROGRESS,
    REJECT_REVISION,
    RETURN_GOAL_SET,
    SUBMIT_GOAL_SET,
    SUBMIT_MONTHLY_SUMMARY,
    AmendSummary,
    Comments,
    CompileReport,
    Completion,
    Decision,
    DraftGoalSet,
    EditGoalSet,
    Empty,
    GoalItemIn,
    Progress,
    ProposeRevision,
    PublishReference,
    ReasonOnly,
    SubmitSummary,
)

GoalsApp = Annotated[Goals, application("goals")]
router = APIRouter(tags=["goals"])
command = CommandRoutes(router, GoalsApp)


def _items(items: list[GoalItemIn]) -> list[dict[str, Any]]:
    return [i.model_dump(mode="json") for i in items]


def _publisher(c: Call[Goals, PublishReference]) -> Role:
    require_unit(c.actor, c.path["unit_id"])
    if c.body.kind.by_department:
        return Role.DEPARTMENT_HEAD
    return require_role(c.actor, Role.APPRAISAL_OFFICE)


def _of_unit(c: Call[Goals, Any]) -> Role:
    return as_appraisee(c.actor, c.path["unit_id"])


def _own(c: Call[Goals, Any]) -> Role:
    return as_appraisee(c.actor, c.app.get_goal_set(c.path["goal_set_id"]).unit_id)


def _manager_role(c: Call[Goals, Any]) -> Role:
    """The role the caller decides in: their relation to the person on this day."""
    goal_set = c.app.get_goal_set(c.path["goal_set_id"])
    require_unit(c.actor, goal_set.unit_id)
    managers = c.app.org.managers_of(goal_set.unit_id, goal_set.person_id, china_date())
    return managers.role_of(c.actor.person_id)


def _own_summary(c: Call[Goals, Any]) -> Role:
    return as_appraisee(c.actor, c.app.monthly_summary_unit(c.path["summary_id"]))


def _office_of_unit(c: Call[Goals, Any]) -> Role:
    return require_role(c.actor, Role.APPRAISAL_OFFICE, tenant_id=c.path["unit_id"])


def _office_of_report(c: Call[Goals, Any]) -> Role:
    unit_id = c.app.weekly_report_unit(c.path["report_id"])
    return require_role(c.actor, Role.APPRAISAL_OFFICE, tenant_id=unit_id)


@command(PUBLISH_REFERENCE, guard=_publisher)
def publish_reference(c: Call[Goals, PublishReference]) -> Committed:
    """Publish reference goals: 工作要点 and 专项业务规划 (office), department goals (head)."""
    b = c.body
    return c.app.publish_reference(
        c.path["unit_id"],
        c.actor.person_id,
        c.actor.has(Role.APPRAISAL_OFFICE),
        b.kind,
        b.department_id,
        b.period,
        b.title,
        [i.model_dump(mode="json") for i in b.items],
        b.reason,
        c.now,
        c.version,
    )


@command(DRAFT_GOAL_SET, guard=_of_unit)
def draft_goal_set(c: Call[Goals, DraftGoalSet]) -> Committed:
    """Draft the caller's goal set for a period (季目标 / 年度目标)."""
    return c.app.draft_goal_set(
        c.path["unit_id"], c.actor.person_id, c.body.period, _items(c.body.items), c.now
    )


@command(EDIT_GOAL_SET, guard=_own)
def edit_goal_set(c: Call[Goals, EditGoalSet]) -> Committed:
    """Replace the items of a draft or returned goal set."""
    return c.app.edit_goal_set(
        c.path["goal_set_id"], c.actor.person_id, _items(c.body.items), c.now, c.version
    )


@command(SUBMIT_GOAL_SET, guard=_own)
def submit_goal_set(c: Call[Goals, Empty]) -> Committed:
    """Submit the goal set to the direct manager."""
    return c.app.submit_goal_set(c.path["goal_set_id"], c.actor.person_id, c.now, c.version)


@command(PROPOSE_REVISION, guard=_own)
def propose_revision(c: Call[Goals, ProposeRevision]) -> Committed:
    """Propose adjusted goals (动态化调整), with the reason."""
    return c.app.propose_revision(
        c.path["goal_set_id"],
        c.actor.person_id,
        _items(c.body.items),
        c.body.reason,
        c.now,
        c.version,
    )


@command(RECORD_PROGRESS, guard=_own)
def record_progress(c: Call[Goals, Progress]) -> Committed:
    """Report progress on an approved goal item."""
    return c.app.record_progress(
        c.path["goal_set_id"],
        c.actor.person_id,
        c.path["item_id"],
        c.body.percent,
        c.body.note,
        c.now,
        c.version,
    )


@command(COMPLETE_ITEM, guard=_own)
def complete_item(c: Call[Goals, Completion]) -> Committed:
    """Mark an approved goal item delivered."""
    return c.app.complete_item(
        c.path["goal_set_id"], c.actor.person_id, c.path["item_id"], c.body.note, c.now, c.version
    )


@command(DROP_ITEM, guard=_own)
def drop_item(c: Call[Goals, ReasonOnly]) -> Committed:
    """Drop an approved goal item, with the reason."""
    return c.app.drop_item(
        c.path["goal_set_id"], c.actor.person_id, c.path["item_id"], c.body.reason, c.now, c.version
    )


def _decide(c: Call[Goals, Any], decision: str, text: str | None) -> Committed:
    return c.app.decide(c.path["goal_set_id"], c.actor.person_id, decision, text, c.now, c.version)


@command(APPROVE_GOAL_SET, guard=_manager_role, reason=lambda b: b.comment)
def approve_goal_set(c: Call[Goals, Decision]) -> Committed:
    """The direct manager approves: the goals become the person's phase goals."""
    return _decide(c, "approve", c.body.comment)


@command(RETURN_GOAL_SET, guard=_manager_role, reason=lambda b: b.comments)
def return_goal_set(c: Call[Goals, Comments]) -> Committed:
    """The direct manager returns the goals with comments."""
    return _decide(c, "return", c.body.comments)


@command(APPROVE_REVISION, guard=_manager_role, reason=lambda b: b.comment)
def approve_revision(c: Call[Goals, Decision]) -> Committed:
    """The direct manager approves the proposed revision: a new version is in force."""
    return _decide(c, "approve_revision", c.body.comment)


@command(REJECT_REVISION, guard=_manager_role)
def reject_revision(c: Call[Goals, ReasonOnly]) -> Committed:
    """The direct manager rejects the revision, with the reason."""
    return _decide(c, "reject_revision", c.body.reason)


@command(SUBMIT_MONTHLY_SUMMARY, guard=_of_unit)
def submit_monthly_summary(c: Call[Goals, SubmitSummary]) -> Committed:
    """Submit the caller's monthly summary (月小结)."""
    return c.app.submit_monthly_summary(
        c.path["unit_id"], c.actor.person_id, c.body.month, c.body.text, c.now
    )


@command(AMEND_MONTHLY_SUMMARY, guard=_own_summary)
def amend_monthly_summary(c: Call[Goals, AmendSummary]) -> Committed:
    """Amend a monthly summary with a new version, with the reason."""
    return c.app.amend_monthly_summary(
        c.path["summary_id"], c.actor.person_id, c.body.text, c.body.reason, c.version
    )


@command(COMPILE_WEEKLY_REPORT, guard=_office_of_unit)
def compile_weekly_report(c: Call[Goals, CompileReport]) -> Committed:
    """Compile a department's weekly progress (appraisal office)."""
    b = c.body
    return c.app.compile_weekly_report(
        c.path["unit_id"], b.department_id, b.week, b.free_text, c.version
    )


@command(PUBLISH_WEEKLY_REPORT, guard=_office_of_report)
def publish_weekly_report(c: Call[Goals, Empty]) -> Committed:
    """Publish a compiled weekly report to all staff (appraisal office)."""
    return c.app.publish_weekly_report(c.path["report_id"], c.version)
