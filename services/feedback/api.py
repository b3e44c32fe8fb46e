"""The feedback service's command API (FastAPI). The appraisal office runs surveys, records praise
and complaints and sees them handled; served cadres (服务对象) may respond and complain themselves;
the person a complaint is assigned to responds to it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from kernel.calendar import china_date
from kernel.context import Actor, acting, current_context
from kernel.errors import NotPermittedError
from kernel.roles import Role
from kernel.store import Committed
from kernel.web.caller import CurrentActor, require_role, require_unit
from kernel.web.commands import run_versioned
from kernel.web.error_shape import error_response
from services.feedback.application import Feedback
from services.feedback.commands import (
    ASSIGN_COMPLAINT,
    CHECK_OVERDUE,
    CLOSE_SURVEY,
    DISCLOSE_FILER,
    DISMISS_COMPLAINT,
    FILE_COMPLAINT,
    IMPORT_RESPONSES,
    OPEN_SURVEY,
    RECORD_PRAISE,
    RECORD_RESPONSE,
    RESOLVE_COMPLAINT,
    RESPOND_TO_COMPLAINT,
    SET_POLICY,
    Assign,
    ComplaintIn,
    Disclose,
    Dismiss,
    Empty,
    ImportCsv,
    OpenSurvey,
    PraiseIn,
    Resolve,
    Respond,
    Response,
    SetPolicy,
)
from services.feedback.overdue import scheduler_context
from services.feedback.vocabulary import FiledBy


class _NothingAcceptedError(Exception):
    """No CSV row passed validation: nothing is recorded, the rows are reported."""


def feedback(request: Request) -> Feedback:
    """The feedback application of this process."""
    app: Feedback = request.app.state.feedback
    return app


FeedbackApp = Annotated[Feedback, Depends(feedback)]
router = APIRouter(tags=["feedback"])


def _office(actor: Actor, unit_id: UUID) -> Role:
    require_role(actor, Role.APPRAISAL_OFFICE, tenant_id=unit_id)
    return Role.APPRAISAL_OFFICE


def _office_or_cadre(actor: Actor, unit_id: UUID) -> Role:
    require_unit(actor, unit_id)
    if actor.has(Role.APPRAISAL_OFFICE):
        return Role.APPRAISAL_OFFICE
    if actor.has(Role.SERVED_CADRE):
        return Role.SERVED_CADRE
    raise NotPermittedError(
        "feedback.office_or_served_cadre",
        "only the appraisal office (考核办) or a served cadre (服务对象) records this",
        missing_role="APPRAISAL_OFFICE",
    )


def _today() -> date:
    return china_date(current_context().now)


@router.post(SET_POLICY.path, status_code=201)
def set_policy(
    unit_id: UUID, body: SetPolicy, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Configure the complaint handling deadline and the survey scale (考核办)."""
    role = _office(actor, unit_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda _: app.set_policy(unit_id, body.handling_days, body.scale_low, body.scale_high),
        body.reason,
    )


@router.post(OPEN_SURVEY.path, status_code=201)
def open_survey(
    unit_id: UUID, body: OpenSurvey, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Open a quarter's satisfaction survey of the service departments (考核办)."""
    role = _office(actor, unit_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda _: app.open_survey(unit_id, body.quarter, body.department_ids),
    )


@router.post(RECORD_RESPONSE.path, status_code=201)
def record_response(
    survey_id: UUID, body: Response, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Record one respondent's scores (考核办, or the served cadre themself)."""
    role = _office_or_cadre(actor, app.get_survey(survey_id).unit_id)
    response = body.model_dump(mode="json")
    return run_versioned(
        app, request, actor, role, body, lambda _: app.record_response(survey_id, response)
    )


@router.post(IMPORT_RESPONSES.path, status_code=201)
def import_responses(
    survey_id: UUID, body: ImportCsv, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Import a survey platform's CSV export; rejected rows are reported line by line."""
    role = _office(actor, app.get_survey(survey_id).unit_id)
    reports: list[dict[str, Any]] = []

    def decide(_: int | None) -> Committed:
        committed, report = app.import_responses(survey_id, body.csv)
        reports.append(report)
        if committed is None:
            raise _NothingAcceptedError
        return committed

    try:
        return run_versioned(app, request, actor, role, body, decide)
    except _NothingAcceptedError:
        report = reports[-1]
        return error_response(
            422,
            "INVALID_INPUT",
            "no row of the CSV was accepted",
            rule="feedback.csv_rows",
            field="csv",
            details=report["rejected"],
        )


@router.post(CLOSE_SURVEY.path, status_code=201)
def close_survey(
    survey_id: UUID, body: Empty, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Close the survey, fixing each department's result (考核办)."""
    role = _office(actor, app.get_survey(survey_id).unit_id)
    return run_versioned(app, request, actor, role, body, lambda v: app.close_survey(survey_id, v))


@router.post(RECORD_PRAISE.path, status_code=201)
def record_praise(
    unit_id: UUID, body: PraiseIn, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Record praise (表扬) of a person or a department (考核办)."""
    role = _office(actor, unit_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda _: app.record_praise(
            unit_id,
            body.target_kind,
            body.target_id,
            body.source,
            body.what_happened,
            body.occurred_on,
            _today(),
        ),
    )


@router.post(FILE_COMPLAINT.path, status_code=201)
def file_complaint(
    unit_id: UUID, body: ComplaintIn, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """File a complaint (投诉): a served cadre themself, or the office on their behalf."""
    role = _office_or_cadre(actor, unit_id)
    filed_by = FiledBy.OFFICE_ON_BEHALF if role is Role.APPRAISAL_OFFICE else FiledBy.SERVED_CADRE
    complainant = body.complainant.model_dump() if body.complainant else None
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda _: app.file_complaint(
            unit_id,
            body.target_kind,
            body.target_id,
            filed_by,
            complainant,
            body.content,
            body.received_on or _today(),
            _today(),
            filer_details={"login": actor.login, "name": actor.name},
        ),
    )


@router.post(DISCLOSE_FILER.path, status_code=201)
def disclose_filer(
    complaint_id: UUID, body: Disclose, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Open an anonymous complaint's sealed filer (审计/纪检 only, with a reason); the opening
    is recorded as an event of the complaint (who, when, why) before the filer is answered.
    """
    unit_id = app.get_complaint(complaint_id).unit_id
    require_role(actor, Role.AUDITOR)
    if actor.tenant_id is not None:
        require_unit(actor, unit_id)
    opened: dict[str, Any] = {}

    def decide(version: int | None) -> Committed:
        committed, filer = app.disclose_filer(complaint_id, version)
        opened.update(filer)
        return committed

    answer = run_versioned(app, request, actor, Role.AUDITOR, body, decide, reason=body.reason)
    if not opened:
        # A replay of an earlier request: the opening it recorded answered then, not again.
        return answer
    result = json.loads(bytes(answer.body))
    result["filer"] = opened
    return JSONResponse(result, status_code=answer.status_code)


@router.post(ASSIGN_COMPLAINT.path, status_code=201)
def assign_complaint(
    complaint_id: UUID, body: Assign, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Assign the complaint to whoever must handle it (考核办)."""
    role = _office(actor, app.get_complaint(complaint_id).unit_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda v: app.assign_complaint(complaint_id, body.handler_id, v),
    )


@router.post(RESPOND_TO_COMPLAINT.path, status_code=201)
def respond_to_complaint(
    complaint_id: UUID, body: Respond, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """The assigned handler responds."""
    require_unit(actor, app.get_complaint(complaint_id).unit_id)
    return run_versioned(
        app,
        request,
        actor,
        Role.APPRAISEE,
        body,
        lambda v: app.respond_to_complaint(complaint_id, actor.person_id, body.response, v),
    )


@router.post(RESOLVE_COMPLAINT.path, status_code=201)
def resolve_complaint(
    complaint_id: UUID, body: Resolve, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Resolve, recording the complainant's satisfaction (考核办)."""
    role = _office(actor, app.get_complaint(complaint_id).unit_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda v: app.resolve_complaint(
            complaint_id, body.satisfaction, body.resolved_on or _today(), body.note, _today(), v
        ),
        body.note,
    )


@router.post(DISMISS_COMPLAINT.path, status_code=201)
def dismiss_complaint(
    complaint_id: UUID, body: Dismiss, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Dismiss as unfounded (查无实据), with the reason (考核办)."""
    role = _office(actor, app.get_complaint(complaint_id).unit_id)
    return run_versioned(
        app,
        request,
        actor,
        role,
        body,
        lambda v: app.dismiss_complaint(complaint_id, body.reason, _today(), v),
        body.reason,
    )


@router.post(CHECK_OVERDUE.path)
def check_overdue(actor: CurrentActor, app: FeedbackApp) -> dict[str, Any]:
    """Run the overdue check now for the caller's unit (an administrator: every unit); it also
    runs on a schedule. Each complaint is flagged once.
    """
    if actor.has(Role.ADMIN):
        role, unit_id = Role.ADMIN, None
    else:
        require_role(actor, Role.APPRAISAL_OFFICE)
        role, unit_id = Role.APPRAISAL_OFFICE, actor.tenant_id
    with acting(scheduler_context(actor.person_id, role)):
        flagged = app.check_overdue(china_date(), unit_id)
    return {"flagged": [str(c) for c in flagged]}
