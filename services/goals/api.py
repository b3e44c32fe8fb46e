"""The goals service's command API (FastAPI). Appraisees act on their own goals; their direct
manager decides; the appraisal office publishes the unit's reference goals and weekly reports.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from kernel.calendar import china_date
from kernel.context import Actor, current_context
from kernel.roles import Role
from kernel.web.caller import CurrentActor, require_role, require_unit
from kernel.web.commands import run_versioned
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


def goals(request: Request) -> Goals:
    """The goals application of this process."""
    app: Goals = request.app.state.goals
    return app


GoalsApp = Annotated[Goals, Depends(goals)]
router = APIRouter(tags=["goals"])


def _items(items: list[GoalItemIn]) -> list[dict[str, Any]]:
    return [i.model_dump(mode="json") for i in items]


def _now() -> datetime:
    return current_context().now


@router.post(PUBLISH_REFERENCE.path, status_code=201)
def publish_reference(
    unit_id: UUID, body: PublishReference, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """Publish reference goals: 工作要点 and 专项业务规划 (office), department goals (head)."""
    require_unit(actor, unit_id)
    if body.kind.by_department:
        role = Role.DEPARTMENT_HEAD
    else:
        require_role(actor, Role.APPRAISAL_OFFICE)
        role = Role.APPRAISAL_OFFICE
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda v: app.publish_reference(
            unit_id,
            actor.person_id,
            actor.has(Role.APPRAISAL_OFFICE),
            body.kind,
            body.department_id,
            body.period,
            body.title,
            [i.model_dump(mode="json") for i in body.items],
            body.reason,
            _now(),
            v,
        ),
        body.reason,
    )


@router.post(DRAFT_GOAL_SET.path, status_code=201)
def draft_goal_set(
    unit_id: UUID, body: DraftGoalSet, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """Draft the caller's goal set for a period (季目标 / 年度目标)."""
    require_unit(actor, unit_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda _: app.draft_goal_set(
            unit_id, actor.person_id, body.period, _items(body.items), _now()
        ),
    )


def _own(app: Goals, actor: Actor, goal_set_id: UUID) -> None:
    require_unit(actor, app.get_goal_set(goal_set_id).unit_id)


@router.post(EDIT_GOAL_SET.path, status_code=201)
def edit_goal_set(
    goal_set_id: UUID, body: EditGoalSet, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """Replace the items of a draft or returned goal set."""
    _own(app, actor, goal_set_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda v: app.edit_goal_set(goal_set_id, actor.person_id, _items(body.items), _now(), v),
    )


@router.post(SUBMIT_GOAL_SET.path, status_code=201)
def submit_goal_set(
    goal_set_id: UUID, body: Empty, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """Submit the goal set to the direct manager."""
    _own(app, actor, goal_set_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda v: app.submit_goal_set(goal_set_id, actor.person_id, _now(), v),
    )


@router.post(PROPOSE_REVISION.path, status_code=201)
def propose_revision(
    goal_set_id: UUID, body: ProposeRevision, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """Propose adjusted goals (动态化调整), with the reason."""
    _own(app, actor, goal_set_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda v: app.propose_revision(
            goal_set_id, actor.person_id, _items(body.items), body.reason, _now(), v
        ),
        body.reason,
    )


@router.post(RECORD_PROGRESS.path, status_code=201)
def record_progress(
    goal_set_id: UUID,
    item_id: str,
    body: Progress,
    request: Request,
    actor: CurrentActor,
    app: GoalsApp,
) -> JSONResponse:
    """Report progress on an approved goal item."""
    _own(app, actor, goal_set_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda v: app.record_progress(
            goal_set_id, actor.person_id, item_id, body.percent, body.note, _now(), v
        ),
    )


@router.post(COMPLETE_ITEM.path, status_code=201)
def complete_item(
    goal_set_id: UUID,
    item_id: str,
    body: Completion,
    request: Request,
    actor: CurrentActor,
    app: GoalsApp,
) -> JSONResponse:
    """Mark an approved goal item delivered."""
    _own(app, actor, goal_set_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda v: app.complete_item(goal_set_id, actor.person_id, item_id, body.note, _now(), v),
    )


@router.post(DROP_ITEM.path, status_code=201)
def drop_item(
    goal_set_id: UUID,
    item_id: str,
    body: ReasonOnly,
    request: Request,
    actor: CurrentActor,
    app: GoalsApp,
) -> JSONResponse:
    """Drop an approved goal item, with the reason."""
    _own(app, actor, goal_set_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda v: app.drop_item(goal_set_id, actor.person_id, item_id, body.reason, _now(), v),
        body.reason,
    )


def _manager_role(app: Goals, actor: Actor, goal_set_id: UUID) -> Role:
    """The role the caller decides in: their relation to the person on this day."""
    goal_set = app.get_goal_set(goal_set_id)
    require_unit(actor, goal_set.unit_id)
    managers = app.org.managers_of(goal_set.unit_id, goal_set.person_id, china_date())
    return managers.role_of(actor.person_id)


def _decision(
    decision: str, text_of: Callable[[Any], str | None]
) -> Callable[[UUID, Any, Request, Actor, Goals], JSONResponse]:
    def route(
        goal_set_id: UUID, body: Any, request: Request, actor: Actor, app: Goals
    ) -> JSONResponse:
        role = _manager_role(app, actor, goal_set_id)
        text = text_of(body)
        return run_versioned(
            app,
            request,
            actor,
            role,
            body,
            lambda v: app.decide(goal_set_id, actor.person_id, decision, text, _now(), v),
            text,
        )

    return route


@router.post(APPROVE_GOAL_SET.path, status_code=201)
def approve_goal_set(
    goal_set_id: UUID, body: Decision, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """The direct manager approves: the goals become the person's phase goals."""
    return _decision("approve", lambda b: b.comment)(goal_set_id, body, request, actor, app)


@router.post(RETURN_GOAL_SET.path, status_code=201)
def return_goal_set(
    goal_set_id: UUID, body: Comments, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """The direct manager returns the goals with comments."""
    return _decision("return", lambda b: b.comments)(goal_set_id, body, request, actor, app)


@router.post(APPROVE_REVISION.path, status_code=201)
def approve_revision(
    goal_set_id: UUID, body: Decision, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """The direct manager approves the proposed revision: a new version is in force."""
    return _decision("approve_revision", lambda b: b.comment)(
        goal_set_id, body, request, actor, app
    )


@router.post(REJECT_REVISION.path, status_code=201)
def reject_revision(
    goal_set_id: UUID, body: ReasonOnly, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """The direct manager rejects the revision, with the reason."""
    return _decision("reject_revision", lambda b: b.reason)(goal_set_id, body, request, actor, app)


@router.post(SUBMIT_MONTHLY_SUMMARY.path, status_code=201)
def submit_monthly_summary(
    unit_id: UUID, body: SubmitSummary, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """Submit the caller's monthly summary (月小结)."""
    require_unit(actor, unit_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda _: app.submit_monthly_summary(
            unit_id, actor.person_id, body.month, body.text, _now()
        ),
    )


@router.post(AMEND_MONTHLY_SUMMARY.path, status_code=201)
def amend_monthly_summary(
    summary_id: UUID, body: AmendSummary, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """Amend a monthly summary with a new version, with the reason."""
    require_unit(actor, app.monthly_summary_unit(summary_id))
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda v: app.amend_monthly_summary(summary_id, actor.person_id, body.text, body.reason, v),
        body.reason,
    )


@router.post(COMPILE_WEEKLY_REPORT.path, status_code=201)
def compile_weekly_report(
    unit_id: UUID, body: CompileReport, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """Compile a department's weekly progress (appraisal office)."""
    require_role(actor, Role.APPRAISAL_OFFICE, tenant_id=unit_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISAL_OFFICE,
        body,
        lambda v: app.compile_weekly_report(
            unit_id, body.department_id, body.week, body.free_text, v
        ),
    )


@router.post(PUBLISH_WEEKLY_REPORT.path, status_code=201)
def publish_weekly_report(
    report_id: UUID, body: Empty, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """Publish a compiled weekly report to all staff (appraisal office)."""
    require_role(actor, Role.APPRAISAL_OFFICE, tenant_id=app.weekly_report_unit(report_id))
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISAL_OFFICE,
        body,
        lambda v: app.publish_weekly_report(report_id, v),
    )
