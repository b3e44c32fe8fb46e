"""The goals service's command API (FastAPI). Appraisees act on their own goals; their direct
manager decides; the appraisal office publishes the unit's reference goals and weekly reports.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from kernel.calendar import china_date
from kernel.context import Actor, current_context
from kernel.roles import Role
from kernel.text import Reason, Title
from kernel.web.caller import CurrentActor, require_role, require_unit
from kernel.web.commands import Command, run_versioned
from services.goals.application import Goals
from services.goals.vocabulary import ReferenceKind, ServesKind

Text = Annotated[str, Field(min_length=1, max_length=4000)]


class ServesIn(Command):
    kind: ServesKind
    ref: str | None = Field(default=None, description="the reference goal item's id")
    text: str | None = Field(default=None, description="a job duty, in words")


class GoalItemIn(Command):
    # An item id is indexed in the read model (at most about 8 KB a row): a short code.
    item_id: str | None = Field(
        default=None, max_length=64, description="keep an item's id across versions"
    )
    what: Text = Field(description="what will be delivered")
    measure: Text = Field(description="the measure of done")
    due_on: date
    weight: int | None = Field(default=None, ge=1, le=100)
    serves: list[ServesIn] = Field(min_length=1)


class ReferenceItemIn(Command):
    ref_id: str | None = Field(default=None, max_length=64)
    title: Title
    detail: str | None = Field(default=None, max_length=4000)


class PublishReference(Command):
    kind: ReferenceKind
    department_id: UUID | None = None
    period: str
    title: Title
    items: list[ReferenceItemIn] = Field(min_length=1)
    reason: str | None = Field(default=None, max_length=2000)


class DraftGoalSet(Command):
    period: str = Field(description="a quarter 2026-Q2 or a year 2026")
    items: list[GoalItemIn] = Field(default_factory=list)


class EditGoalSet(Command):
    items: list[GoalItemIn]


class Empty(Command):
    pass


class Decision(Command):
    comment: str | None = Field(default=None, max_length=2000)


class Comments(Command):
    comments: Reason


class ProposeRevision(Command):
    items: list[GoalItemIn] = Field(min_length=1)
    reason: Reason


class ReasonOnly(Command):
    reason: Reason


class Progress(Command):
    percent: int = Field(ge=0, le=100)
    note: Text


class Completion(Command):
    note: Text


class SubmitSummary(Command):
    month: str = Field(description="2026-04")
    text: Text


class AmendSummary(Command):
    text: Text
    reason: Reason


class CompileReport(Command):
    department_id: UUID
    week: str = Field(description="an ISO week, 2026-W17")
    free_text: str = ""


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


@router.post("/units/{unit_id}/references", status_code=201)
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


@router.post("/units/{unit_id}/goal-sets", status_code=201)
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


@router.post("/goal-sets/{goal_set_id}/edits", status_code=201)
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


@router.post("/goal-sets/{goal_set_id}/submission", status_code=201)
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


@router.post("/goal-sets/{goal_set_id}/revisions", status_code=201)
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


@router.post("/goal-sets/{goal_set_id}/items/{item_id}/progress", status_code=201)
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


@router.post("/goal-sets/{goal_set_id}/items/{item_id}/completion", status_code=201)
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


@router.post("/goal-sets/{goal_set_id}/items/{item_id}/drop", status_code=201)
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


@router.post("/goal-sets/{goal_set_id}/approval", status_code=201)
def approve_goal_set(
    goal_set_id: UUID, body: Decision, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """The direct manager approves: the goals become the person's phase goals."""
    return _decision("approve", lambda b: b.comment)(goal_set_id, body, request, actor, app)


@router.post("/goal-sets/{goal_set_id}/return", status_code=201)
def return_goal_set(
    goal_set_id: UUID, body: Comments, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """The direct manager returns the goals with comments."""
    return _decision("return", lambda b: b.comments)(goal_set_id, body, request, actor, app)


@router.post("/goal-sets/{goal_set_id}/revisions/approval", status_code=201)
def approve_revision(
    goal_set_id: UUID, body: Decision, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """The direct manager approves the proposed revision: a new version is in force."""
    return _decision("approve_revision", lambda b: b.comment)(
        goal_set_id, body, request, actor, app
    )


@router.post("/goal-sets/{goal_set_id}/revisions/rejection", status_code=201)
def reject_revision(
    goal_set_id: UUID, body: ReasonOnly, request: Request, actor: CurrentActor, app: GoalsApp
) -> JSONResponse:
    """The direct manager rejects the revision, with the reason."""
    return _decision("reject_revision", lambda b: b.reason)(goal_set_id, body, request, actor, app)


@router.post("/units/{unit_id}/monthly-summaries", status_code=201)
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


@router.post("/monthly-summaries/{summary_id}/amendments", status_code=201)
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


@router.post("/units/{unit_id}/weekly-reports", status_code=201)
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


@router.post("/weekly-reports/{report_id}/publication", status_code=201)
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
