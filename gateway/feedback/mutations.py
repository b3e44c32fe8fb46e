"""GraphQL mutations of feedback: forwarded to the feedback service with the caller's token,
Idempotency-Key and If-Match, answered once the feedback projection shows the change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import strawberry

from gateway.feedback.types import Complaint, FeedbackPolicy, Praise, Survey
from gateway.graphql.access import readable_units, unit_sql
from gateway.graphql.plumbing import (
    IdempotencyKey,
    Info_,
    command_input,
    forward,
    forward_row,
    mutation,
    projected,
    projected_row,
    projected_up_to,
)
from gateway.log import FEEDBACK_LOG
from services.feedback import commands as feedback


@strawberry.input(description="The score a respondent gives one surveyed department")
class SurveyScoreInput:
    department_id: strawberry.ID
    score: Decimal = strawberry.field(description="Within the survey's scale")


@command_input(feedback.Complainant, "Who complains (leave it out for an anonymous complaint)")
class ComplainantInput:
    pass


@strawberry.type(description="The result of setting the unit's feedback policy")
class FeedbackPolicyPayload:
    policy: FeedbackPolicy
    position: int = strawberry.field(description="The feedback log position of the change")


@strawberry.type(description="The result of a change to a survey")
class SurveyPayload:
    survey: Survey
    position: int


@strawberry.type(description="The result of recording a survey response")
class SurveyResponsePayload:
    survey: Survey
    response_ids: list[strawberry.ID]
    position: int


@strawberry.type(description="A CSV row the import refused, with the rule it broke")
class SurveyImportRejection:
    line: int = strawberry.field(description="The line of the CSV, the header being line 1")
    rule: str | None
    field: str | None
    message: str


@strawberry.type(description="The result of importing a survey platform's CSV export")
class SurveyImportPayload:
    survey: Survey
    accepted: int = strawberry.field(description="Rows recorded")
    rejected: list[SurveyImportRejection] = strawberry.field(description="Rows refused")
    position: int


@strawberry.type(description="The result of recording praise")
class PraisePayload:
    praise: Praise
    position: int


@strawberry.type(description="The result of a change to a complaint")
class ComplaintPayload:
    complaint: Complaint
    position: int


@strawberry.type(description="The result of an overdue check")
class OverdueCheckPayload:
    flagged: list[Complaint] = strawberry.field(
        description="The complaints flagged overdue by this check (of the units the caller reads)"
    )
    position: int = strawberry.field(description="The feedback log position after the check")


async def _survey(info: Info_, survey_id: str) -> Survey:
    return Survey.from_row(await projected_row(info, "surveys", survey_id))


async def _policy_answer(
    info: Info_, _: dict[str, Any], position: int, args: dict[str, Any]
) -> FeedbackPolicyPayload:
    ctx = info.context
    row = await ctx.pool.fetchrow(
        f"SELECT * FROM {ctx.table('feedback_policies')} WHERE unit_id = $1",
        UUID(args["unit_id"]),
    )
    assert row is not None, "projected before answering"
    return FeedbackPolicyPayload(policy=FeedbackPolicy.from_row(row), position=position)


async def _import_answer(
    info: Info_, result: dict[str, Any], position: int, _: dict[str, Any]
) -> SurveyImportPayload:
    return SurveyImportPayload(
        survey=await _survey(info, result["survey_id"]),
        accepted=int(result["accepted"]),
        rejected=[
            SurveyImportRejection(
                line=int(r["line"]),
                rule=r.get("rule"),
                field=r.get("field"),
                message=r["message"],
            )
            for r in result.get("rejected") or []
        ],
        position=position,
    )


_survey_answer = projected(SurveyPayload, "surveys", "survey_id")
_praise_answer = projected(PraisePayload, "praise", "praise_id")
_complaint_answer = projected(ComplaintPayload, "complaints", "complaint_id")


@strawberry.type
class FeedbackMutation:
    set_feedback_policy = mutation(
        feedback.SET_POLICY,
        _policy_answer,
        description="Set the unit's complaint handling deadline (working days) and survey scale "
        "from now on (考核办)",
        versioned=False,
        scale_low=Annotated[
            Decimal | None, strawberry.argument(description="The lowest score (default 0)")
        ],
        scale_high=Annotated[
            Decimal | None, strawberry.argument(description="The highest score (default 100)")
        ],
    )

    @strawberry.mutation(
        description="Open a quarter's satisfaction survey of the service departments, on the "
        "policy's scale (考核办); all service departments unless departmentIds are given"
    )
    async def open_survey(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        quarter: str,
        department_ids: list[strawberry.ID] | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> SurveyPayload:
        row, position = await forward_row(
            info,
            feedback.OPEN_SURVEY,
            "surveys",
            "survey_id",
            idempotency_key,
            None,
            unit_id=unit_id,
            quarter=quarter,
            department_ids=department_ids or None,
        )
        return SurveyPayload(survey=Survey.from_row(row), position=position)

    @strawberry.mutation(
        description="Record one respondent's scores (考核办, or the served cadre themself); a "
        "respondent works for another agency"
    )
    async def record_survey_response(
        self,
        info: Info_,
        survey_id: strawberry.ID,
        respondent_agency: str,
        scores: list[SurveyScoreInput],
        respondent: str | None = None,
        comment: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> SurveyResponsePayload:
        result, position = await forward(
            info,
            feedback.RECORD_RESPONSE,
            idempotency_key,
            None,
            survey_id=survey_id,
            respondent_agency=respondent_agency,
            respondent=respondent,
            scores={str(s.department_id): s.score for s in scores},
            comment=comment,
        )
        return SurveyResponsePayload(
            survey=await _survey(info, result["survey_id"]),
            response_ids=[strawberry.ID(r) for r in result.get("response_ids") or []],
            position=position,
        )

    import_survey_responses = mutation(
        feedback.IMPORT_RESPONSES,
        _import_answer,
        description="Import a survey platform's CSV export (考核办): a respondent_agency column, "
        "optional respondent and comment, one column per department named as in the survey. "
        "Valid rows are recorded together; refused rows are reported by line. When no row is "
        "valid nothing is recorded and the error's details list the rows",
        versioned=False,
    )

    close_survey = mutation(
        feedback.CLOSE_SURVEY,
        _survey_answer,
        description="Close the survey: each department's result is fixed, and no more responses "
        "are accepted (考核办)",
    )

    record_praise = mutation(
        feedback.RECORD_PRAISE,
        _praise_answer,
        description="Record praise (表扬) of a person or a department (考核办)",
        versioned=False,
    )

    file_complaint = mutation(
        feedback.FILE_COMPLAINT,
        _complaint_answer,
        description="File a complaint (投诉) about a person or a department: a served cadre "
        "themself, or 考核办 on their behalf. Without a complainant it is anonymous. Its "
        "deadline is the policy's working days after receipt (receivedOn, default today)",
        versioned=False,
    )

    assign_complaint = mutation(
        feedback.ASSIGN_COMPLAINT,
        _complaint_answer,
        description="Assign (or reassign) a complaint to its handler (考核办)",
    )

    respond_to_complaint = mutation(
        feedback.RESPOND_TO_COMPLAINT,
        _complaint_answer,
        description="Respond to a complaint (the person it is assigned to)",
    )

    resolve_complaint = mutation(
        feedback.RESOLVE_COMPLAINT,
        _complaint_answer,
        description="Resolve an assigned complaint with the complainant's satisfaction "
        "(考核办); resolved after the deadline it is late",
    )

    dismiss_complaint = mutation(
        feedback.DISMISS_COMPLAINT,
        _complaint_answer,
        description="Dismiss a complaint as unfounded (查无实据), with the reason (考核办)",
    )

    @strawberry.mutation(
        description="Flag every complaint still open after its deadline, once (考核办; it also "
        "runs on a schedule). Running it again flags nothing new"
    )
    async def check_overdue_complaints(self, info: Info_) -> OverdueCheckPayload:
        ctx = info.context
        result, _ = await forward(info, feedback.CHECK_OVERDUE)
        # The check answers without positions: wait for the log as it stands after it.
        position = await FEEDBACK_LOG.last_position(ctx.pool)
        await projected_up_to(info, "feedback", position)
        ids = [UUID(c) for c in result.get("flagged") or []]
        # Only the complaints of units the caller reads (`gateway.read_own_unit`).
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('complaints')} WHERE id = ANY($1::uuid[]) "
            f"AND {unit_sql('$2', '$3', 'unit_id')} ORDER BY received_on, id",
            ids,
            *readable_units(ctx.actor),
        )
        return OverdueCheckPayload(flagged=[Complaint.from_row(r) for r in rows], position=position)
