"""The feedback service's command API (FastAPI). The appraisal office runs surveys, records praise
and complaints and sees them handled; served cadres (服务对象) may respond and complain themselves;
the person a complaint is assigned to responds to it.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kernel.calendar import china_date
from kernel.context import Actor, acting
from kernel.errors import NotPermittedError, RuleViolatedError
from kernel.roles import Role
from kernel.store import Committed
from kernel.web.caller import CurrentActor, as_appraisee, require_role, require_unit
from kernel.web.commands import run_versioned
from kernel.web.endpoints import Call, CommandRoutes, application
from kernel.web.error_shape import error_response
from kernel.web.metrics import counted_command
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


class _NothingAcceptedError(RuleViolatedError):
    """No CSV row passed validation: nothing is recorded, the rows are reported."""

    def __init__(self) -> None:
        super().__init__("feedback.csv_rows", "no row of the CSV was accepted", field="csv")


FeedbackApp = Annotated[Feedback, application("feedback")]
router = APIRouter(tags=["feedback"])
command = CommandRoutes(router, FeedbackApp)


def _office(actor: Actor, unit_id: UUID) -> Role:
    return require_role(actor, Role.APPRAISAL_OFFICE, tenant_id=unit_id)


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


def _office_of_unit(c: Call[Feedback, Any]) -> Role:
    return _office(c.actor, c.path["unit_id"])


def _office_of_survey(c: Call[Feedback, Any]) -> Role:
    return _office(c.actor, c.app.get_survey(c.path["survey_id"]).unit_id)


def _office_of_complaint(c: Call[Feedback, Any]) -> Role:
    return _office(c.actor, c.app.get_complaint(c.path["complaint_id"]).unit_id)


@command(SET_POLICY, guard=_office_of_unit)
def set_policy(c: Call[Feedback, SetPolicy]) -> Committed:
    """Configure the complaint handling deadline and the survey scale (考核办)."""
    b = c.body
    return c.app.set_policy(c.path["unit_id"], b.handling_days, b.scale_low, b.scale_high)


@command(OPEN_SURVEY, guard=_office_of_unit)
def open_survey(c: Call[Feedback, OpenSurvey]) -> Committed:
    """Open a quarter's satisfaction survey of the service departments (考核办)."""
    return c.app.open_survey(c.path["unit_id"], c.body.quarter, c.body.department_ids)


def _respondent(c: Call[Feedback, Any]) -> Role:
    return _office_or_cadre(c.actor, c.app.get_survey(c.path["survey_id"]).unit_id)


@command(RECORD_RESPONSE, guard=_respondent)
def record_response(c: Call[Feedback, Response]) -> Committed:
    """Record one respondent's scores (考核办, or the served cadre themself)."""
    return c.app.record_response(c.path["survey_id"], c.body.model_dump(mode="json"))


@router.post(IMPORT_RESPONSES.path, status_code=201)
def import_responses(
    survey_id: UUID, body: ImportCsv, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Import a survey platform's CSV export; rejected rows are reported line by line."""
    reports: list[dict[str, Any]] = []

    def decide(_: int | None) -> Committed:
        committed, report = app.import_responses(survey_id, body.csv)
        reports.append(report)
        if committed is None:
            raise _NothingAcceptedError
        return committed

    try:
        with counted_command(app.name, "import_responses"):
            role = _office(actor, app.get_survey(survey_id).unit_id)
            return run_versioned(app, request, actor, role, body, decide)
    except _NothingAcceptedError as refused:
        report = reports[-1]
        return error_response(
            422,
            "INVALID_INPUT",
            refused.message,
            rule=refused.rule,
            field=refused.field,
            details=report["rejected"],
        )


@command(CLOSE_SURVEY, guard=_office_of_survey)
def close_survey(c: Call[Feedback, Empty]) -> Committed:
    """Close the survey, fixing each department's result (考核办)."""
    return c.app.close_survey(c.path["survey_id"], c.version)


@command(RECORD_PRAISE, guard=_office_of_unit)
def record_praise(c: Call[Feedback, PraiseIn]) -> Committed:
    """Record praise (表扬) of a person or a department (考核办)."""
    b = c.body
    return c.app.record_praise(
        c.path["unit_id"],
        b.target_kind,
        b.target_id,
        b.source,
        b.what_happened,
        b.occurred_on,
        c.today,
    )


def _filer(c: Call[Feedback, Any]) -> Role:
    return _office_or_cadre(c.actor, c.path["unit_id"])


@command(FILE_COMPLAINT, guard=_filer)
def file_complaint(c: Call[Feedback, ComplaintIn]) -> Committed:
    """File a complaint (投诉): a served cadre themself, or the office on their behalf."""
    b = c.body
    on_behalf = c.role is Role.APPRAISAL_OFFICE
    return c.app.file_complaint(
        c.path["unit_id"],
        b.target_kind,
        b.target_id,
        FiledBy.OFFICE_ON_BEHALF if on_behalf else FiledBy.SERVED_CADRE,
        b.complainant.model_dump() if b.complainant else None,
        b.content,
        b.received_on or c.today,
        c.today,
        filer_details={"login": c.actor.login, "name": c.actor.name},
    )


@router.post(DISCLOSE_FILER.path, status_code=201)
def disclose_filer(
    complaint_id: UUID, body: Disclose, request: Request, actor: CurrentActor, app: FeedbackApp
) -> JSONResponse:
    """Open an anonymous complaint's sealed filer (审计/纪检 only, with a reason); the opening
    is recorded as an event of the complaint (who, when, why) before the filer is answered.
    """
    opened: dict[str, Any] = {}

    def decide(version: int | None) -> Committed:
        committed, filer = app.disclose_filer(complaint_id, version)
        opened.update(filer)
        return committed

    with counted_command(app.name, "disclose_filer"):
        unit_id = app.get_complaint(complaint_id).unit_id
        require_role(actor, Role.AUDITOR)
        if actor.tenant_id is not None:
            require_unit(actor, unit_id)
        answer = run_versioned(app, request, actor, Role.AUDITOR, body, decide, reason=body.reason)
    if not opened:
        # A replay of an earlier request: the opening it recorded answered then, not again.
        return answer
    result = json.loads(bytes(answer.body))
    result["filer"] = opened
    return JSONResponse(result, status_code=answer.status_code)


@command(ASSIGN_COMPLAINT, guard=_office_of_complaint)
def assign_complaint(c: Call[Feedback, Assign]) -> Committed:
    """Assign the complaint to whoever must handle it (考核办)."""
    return c.app.assign_complaint(c.path["complaint_id"], c.body.handler_id, c.version)


def _of_complaint_unit(c: Call[Feedback, Any]) -> Role:
    return as_appraisee(c.actor, c.app.get_complaint(c.path["complaint_id"]).unit_id)


@command(RESPOND_TO_COMPLAINT, guard=_of_complaint_unit)
def respond_to_complaint(c: Call[Feedback, Respond]) -> Committed:
    """The assigned handler responds."""
    complaint_id = c.path["complaint_id"]
    return c.app.respond_to_complaint(complaint_id, c.actor.person_id, c.body.response, c.version)


@command(RESOLVE_COMPLAINT, guard=_office_of_complaint, reason=lambda b: b.note)
def resolve_complaint(c: Call[Feedback, Resolve]) -> Committed:
    """Resolve, recording the complainant's satisfaction (考核办)."""
    b = c.body
    resolved_on = b.resolved_on or c.today
    return c.app.resolve_complaint(
        c.path["complaint_id"], b.satisfaction, resolved_on, b.note, c.today, c.version
    )


@command(DISMISS_COMPLAINT, guard=_office_of_complaint)
def dismiss_complaint(c: Call[Feedback, Dismiss]) -> Committed:
    """Dismiss as unfounded (查无实据), with the reason (考核办)."""
    return c.app.dismiss_complaint(c.path["complaint_id"], c.body.reason, c.today, c.version)


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
