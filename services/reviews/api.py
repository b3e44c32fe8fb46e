"""The reviews service's command API (FastAPI). The appraisal office opens and steers the quarter's
cycle; appraisees write their summaries, object and acknowledge talks; their managers rate them
and hold the feedback talks; the principal leader finalises the grades.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from kernel.calendar import china_date
from kernel.context import Actor, current_context
from kernel.roles import Role
from kernel.web.caller import CurrentActor, require_role, require_unit
from kernel.web.commands import run_versioned
from services.reviews.application import Reviews
from services.reviews.commands import (
    ACKNOWLEDGE_TALK,
    BEGIN_APPRAISAL,
    CONFIRM,
    FILE_OBJECTION,
    FINALISE,
    OPEN_CYCLE,
    PROPOSE_GRADES,
    PUBLISH,
    RATE,
    RECONFIGURE,
    RECORD_SANCTION,
    RECORD_TALK,
    RESOLVE_OBJECTION,
    SUBMIT_SUMMARY,
    Acknowledgement,
    Empty,
    ObjectionIn,
    OpenCycle,
    ProposeGrades,
    Publish,
    RatingIn,
    Reconfigure,
    Resolution,
    SanctionIn,
    Summary,
    TalkIn,
)
from services.reviews.scheme import CycleConfig


def reviews(request: Request) -> Reviews:
    """The reviews application of this process."""
    app: Reviews = request.app.state.reviews
    return app


ReviewsApp = Annotated[Reviews, Depends(reviews)]
router = APIRouter(tags=["reviews"])


def _today() -> date:
    return china_date(current_context().now)


def _office(app: Reviews, actor: Actor, cycle_id: UUID) -> Role:
    require_role(actor, Role.APPRAISAL_OFFICE, tenant_id=app.cycle_unit(cycle_id))
    return Role.APPRAISAL_OFFICE


def _in_unit(app: Reviews, actor: Actor, cycle_id: UUID) -> None:
    require_unit(actor, app.cycle_unit(cycle_id))


def _manager_role(app: Reviews, actor: Actor, cycle_id: UUID, person_id: UUID) -> Role:
    """The role the caller acts in: their relation to the person today."""
    unit_id = app.cycle_unit(cycle_id)
    require_unit(actor, unit_id)
    return app.org.managers_of(unit_id, person_id, china_date()).role_of(actor.person_id)


@router.post(OPEN_CYCLE.path, status_code=201)
def open_cycle(
    unit_id: UUID, body: OpenCycle, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Open a quarter's cycle with its configuration, locked from then on (考核办)."""
    require_role(actor, Role.APPRAISAL_OFFICE, tenant_id=unit_id)
    config = CycleConfig.from_dict(body.config or {})
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISAL_OFFICE,
        body,
        lambda _: app.open_cycle(unit_id, body.quarter, config, _today()),
    )


@router.post(RECONFIGURE.path, status_code=201)
def reconfigure(
    cycle_id: UUID, body: Reconfigure, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Change a cycle's configuration: always refused once it has opened."""
    role = _office(app, actor, cycle_id)
    return run_versioned(
        app, request, actor, role, body, lambda _: app.reconfigure(cycle_id), body.reason
    )


@router.post(BEGIN_APPRAISAL.path, status_code=201)
def begin_appraisal(
    cycle_id: UUID, body: Empty, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Open summaries and ratings, once the quarter's survey has closed (考核办)."""
    role = _office(app, actor, cycle_id)
    return run_versioned(
        app, request, actor, role, body, lambda v: app.begin_appraisal(cycle_id, v)
    )


@router.post(SUBMIT_SUMMARY.path, status_code=201)
def submit_summary(
    cycle_id: UUID,
    person_id: UUID,
    body: Summary,
    request: Request,
    actor: CurrentActor,
    app: ReviewsApp,
) -> JSONResponse:
    """The appraisee's personal summary (个人小结) on each approved goal, and other work."""
    _in_unit(app, actor, cycle_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda _: app.submit_summary(
            cycle_id,
            person_id,
            actor.person_id,
            [r.model_dump() for r in body.reports],
            list(body.extra_work),
        ),
    )


@router.post(RATE.path, status_code=201)
def rate(
    cycle_id: UUID,
    person_id: UUID,
    body: RatingIn,
    request: Request,
    actor: CurrentActor,
    app: ReviewsApp,
) -> JSONResponse:
    """A manager's scores and opinion (领导评鉴): the department head or supervising leader."""
    role = _manager_role(app, actor, cycle_id, person_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda _: app.rate(
            cycle_id, person_id, actor.person_id, dict(body.scores), body.opinion, _today()
        ),
    )


@router.post(PROPOSE_GRADES.path, status_code=201)
def propose_grades(
    cycle_id: UUID, body: ProposeGrades, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Propose grades (考核办): the quota is checked at once."""
    role = _office(app, actor, cycle_id)
    proposals = {p.person_id: (p.grade, p.justification) for p in body.proposals}
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda v: app.propose_grades(cycle_id, proposals, _today(), v),
    )


@router.post(FINALISE.path, status_code=201)
def finalise(
    cycle_id: UUID, body: Empty, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """The principal leader (主要负责人) finalises the grades."""
    require_role(actor, Role.PRINCIPAL_LEADER, tenant_id=app.cycle_unit(cycle_id))
    return run_versioned(
        app,
        request,
        actor,
        Role.PRINCIPAL_LEADER,
        body,
        lambda v: app.finalise(cycle_id, actor.person_id, _today(), v),
    )


@router.post(PUBLISH.path, status_code=201)
def publish(
    cycle_id: UUID, body: Publish, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Publish the results for the publicity period (结果公示, 考核办)."""
    role = _office(app, actor, cycle_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda v: app.publish(cycle_id, body.published_on or _today(), _today(), v),
    )


@router.post(FILE_OBJECTION.path, status_code=201)
def file_objection(
    cycle_id: UUID, body: ObjectionIn, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """The caller objects to their own published grade (异议/复核)."""
    _in_unit(app, actor, cycle_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda _: app.object(
            cycle_id,
            actor.person_id,
            actor.person_id,
            body.reason,
            body.filed_on or _today(),
            _today(),
        ),
        body.reason,
    )


@router.post(RESOLVE_OBJECTION.path, status_code=201)
def resolve_objection(
    cycle_id: UUID,
    objection_id: UUID,
    body: Resolution,
    request: Request,
    actor: CurrentActor,
    app: ReviewsApp,
) -> JSONResponse:
    """Resolve an objection with reasons (考核办): upheld with a new grade, or rejected."""
    role = _office(app, actor, cycle_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda v: app.resolve_objection(
            cycle_id,
            objection_id,
            body.upheld,
            body.new_grade,
            body.reason,
            body.resolved_on or _today(),
            _today(),
            v,
        ),
        body.reason,
    )


@router.post(CONFIRM.path, status_code=201)
def confirm(
    cycle_id: UUID, body: Empty, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Confirm the results after the publicity period, with no objection open (考核办)."""
    role = _office(app, actor, cycle_id)
    return run_versioned(
        app, request, actor, role, body, lambda v: app.confirm(cycle_id, _today(), v)
    )


@router.post(RECORD_TALK.path, status_code=201)
def record_talk(
    cycle_id: UUID,
    person_id: UUID,
    body: TalkIn,
    request: Request,
    actor: CurrentActor,
    app: ReviewsApp,
) -> JSONResponse:
    """The supervising leader records the feedback talk (谈心谈话)."""
    role = _manager_role(app, actor, cycle_id, person_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda _: app.record_talk(
            cycle_id,
            person_id,
            actor.person_id,
            body.held_on or _today(),
            _today(),
            body.reasons,
            [s.model_dump() for s in body.shortcomings],
            body.improvements,
        ),
    )


@router.post(ACKNOWLEDGE_TALK.path, status_code=201)
def acknowledge_talk(
    cycle_id: UUID,
    person_id: UUID,
    body: Acknowledgement,
    request: Request,
    actor: CurrentActor,
    app: ReviewsApp,
) -> JSONResponse:
    """The appraisee acknowledges the talk (签字确认)."""
    _in_unit(app, actor, cycle_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda _: app.acknowledge_talk(cycle_id, person_id, actor.person_id, body.comment),
    )


@router.post(RECORD_SANCTION.path, status_code=201)
def record_sanction(
    unit_id: UUID, body: SanctionIn, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Record a disciplinary sanction (处分) decided on a date (考核办)."""
    require_role(actor, Role.APPRAISAL_OFFICE, tenant_id=unit_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISAL_OFFICE,
        body,
        lambda _: app.record_sanction(
            unit_id, body.person_id, body.kind, body.decided_on, body.document, _today()
        ),
    )
