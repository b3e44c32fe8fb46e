"""The reviews service's command API (FastAPI). The appraisal office opens and steers the quarter's
cycle; appraisees write their summaries, object and acknowledge talks; their managers rate them
and hold the feedback talks; the principal leader finalises the grades.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
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
from services.reviews.application import Reviews
from services.reviews.scheme import CycleConfig
from services.reviews.vocabulary import Grade, SanctionKind

Text = Annotated[str, Field(min_length=1, max_length=4000)]
QUARTER = r"^20[0-9]{2}-Q[1-4]$"  # ASCII digits: a regex \d also matches ٢٠٢٦


class OpenCycle(Command):
    quarter: str = Field(pattern=QUARTER, description="the quarter appraised, e.g. 2026-Q3")
    config: dict[str, Any] | None = Field(
        default=None,
        description="the cycle's configuration (indicators, bands, quota, periods, formula); "
        "absent parts take the defaults",
    )


class Reconfigure(Command):
    config: dict[str, Any]
    reason: str | None = Field(default=None, max_length=2000)


class Empty(Command):
    pass


class GoalReport(Command):
    item_id: str = Field(min_length=1, max_length=100)
    report: Text


class Summary(Command):
    reports: list[GoalReport] = Field(default_factory=list, max_length=100)
    extra_work: list[Text] = Field(default_factory=list, max_length=50)


class RatingIn(Command):
    scores: dict[str, Decimal] = Field(min_length=1, description="indicator code -> 0 to 100")
    opinion: Text


class GradeProposal(Command):
    person_id: UUID
    grade: Grade | None = Field(default=None, description="absent: the band of the score")
    justification: str | None = Field(default=None, max_length=4000)


class ProposeGrades(Command):
    proposals: list[GradeProposal] = Field(
        default_factory=list, description="empty: every scored participant's band"
    )


class Publish(Command):
    published_on: date | None = Field(default=None, description="today in China if absent")


class ObjectionIn(Command):
    reason: Reason
    filed_on: date | None = None


class Resolution(Command):
    upheld: bool
    new_grade: Grade | None = None
    reason: Reason
    resolved_on: date | None = None


class Shortcoming(Command):
    shortcoming: Text
    facts: Text


class TalkIn(Command):
    held_on: date | None = None
    reasons: str | None = Field(default=None, max_length=4000)
    shortcomings: list[Shortcoming] = Field(default_factory=list, max_length=20)
    improvements: str | None = Field(default=None, max_length=4000)


class Acknowledgement(Command):
    comment: str | None = Field(default=None, max_length=4000)


class SanctionIn(Command):
    person_id: UUID
    kind: SanctionKind
    decided_on: date
    document: Title = Field(description="the decision document, e.g. 济机关纪〔2026〕3号")


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


@router.post("/units/{unit_id}/cycles", status_code=201)
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


@router.post("/cycles/{cycle_id}/configuration", status_code=201)
def reconfigure(
    cycle_id: UUID, body: Reconfigure, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Change a cycle's configuration: always refused once it has opened."""
    role = _office(app, actor, cycle_id)
    return run_versioned(
        app, request, actor, role, body, lambda _: app.reconfigure(cycle_id), body.reason
    )


@router.post("/cycles/{cycle_id}/appraisal", status_code=201)
def begin_appraisal(
    cycle_id: UUID, body: Empty, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Open summaries and ratings, once the quarter's survey has closed (考核办)."""
    role = _office(app, actor, cycle_id)
    return run_versioned(
        app, request, actor, role, body, lambda v: app.begin_appraisal(cycle_id, v)
    )


@router.post("/cycles/{cycle_id}/summaries/{person_id}", status_code=201)
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


@router.post("/cycles/{cycle_id}/ratings/{person_id}", status_code=201)
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


@router.post("/cycles/{cycle_id}/grades", status_code=201)
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


@router.post("/cycles/{cycle_id}/finalisation", status_code=201)
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


@router.post("/cycles/{cycle_id}/publication", status_code=201)
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


@router.post("/cycles/{cycle_id}/objections", status_code=201)
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


@router.post("/cycles/{cycle_id}/objections/{objection_id}/resolution", status_code=201)
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


@router.post("/cycles/{cycle_id}/confirmation", status_code=201)
def confirm(
    cycle_id: UUID, body: Empty, request: Request, actor: CurrentActor, app: ReviewsApp
) -> JSONResponse:
    """Confirm the results after the publicity period, with no objection open (考核办)."""
    role = _office(app, actor, cycle_id)
    return run_versioned(
        app, request, actor, role, body, lambda v: app.confirm(cycle_id, _today(), v)
    )


@router.post("/cycles/{cycle_id}/talks/{person_id}", status_code=201)
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


@router.post("/cycles/{cycle_id}/talks/{person_id}/acknowledgement", status_code=201)
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


@router.post("/units/{unit_id}/sanctions", status_code=201)
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
