"""GraphQL mutations of the quarter's appraisal: forwarded to the reviews service with the
caller's token, Idempotency-Key and If-Match, answered once the reviews projection shows the
change.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import strawberry

from gateway.graphql.plumbing import (
    ExpectedVersion,
    IdempotencyKey,
    Info_,
    command_input,
    forward,
    forward_row,
    loads,
    mutation,
    parse_id,
    projected_row,
)
from gateway.reviews.access import View, out_of_line_in, viewer
from gateway.reviews.queries import ReviewCycle, cycle_row
from gateway.reviews.types import Appraisal, Objection, Sanction
from kernel.routes import CommandRoute
from services.directory.vocabulary import PositionCategory as PositionCategoryCode
from services.reviews import commands as reviews
from services.reviews.scheme import CycleConfig
from services.reviews.vocabulary import CycleStatus as CycleStatusCode
from services.reviews.vocabulary import Grade as GradeCode
from services.reviews.vocabulary import IndicatorSource as IndicatorSourceCode
from services.reviews.vocabulary import RaterRelation as RaterRelationCode
from services.reviews.vocabulary import Rounding as RoundingCode
from services.reviews.vocabulary import SanctionKind as SanctionKindCode


@strawberry.input(description="An indicator (考核指标) and its weight in points")
class IndicatorInput:
    code: str = strawberry.field(description="Upper-case code, e.g. POLITICAL_QUALITY")
    name: str = strawberry.field(description="e.g. 政治素质")
    weight: Decimal
    source: IndicatorSourceCode = IndicatorSourceCode.RATED


@strawberry.input(description="A position category's individual indicators")
class CategoryIndicatorsInput:
    category: PositionCategoryCode
    indicators: list[IndicatorInput]


@strawberry.input(description="A grade band: composite scores from min_score up")
class GradeBandInput:
    grade: GradeCode
    min_score: Decimal


@strawberry.input(description="A rater relation's weight in the composite")
class RaterWeightInput:
    relation: RaterRelationCode
    weight: Decimal


@strawberry.input(description="The feedback formula's parameters (absent: the defaults)")
class FeedbackFormulaInput:
    no_survey_score: Decimal | None = None
    praise_points: Decimal | None = None
    complaint_points: Decimal | None = None
    overdue_points: Decimal | None = None


@strawberry.input(
    description="A cycle's configuration; every part left out takes the default (40% top-grade "
    "quota rounded down, bands 90/80/60, 5 working days of publicity)"
)
class CycleConfigInput:
    common: list[IndicatorInput] | None = None
    individual: list[CategoryIndicatorsInput] | None = strawberry.field(
        default=None, description="Replaces every category's individual indicators"
    )
    bands: list[GradeBandInput] | None = None
    rater_weights: list[RaterWeightInput] | None = None
    quota_percent: Decimal | None = None
    quota_rounding: RoundingCode | None = None
    publicity_days: int | None = None
    objection_days: int | None = None
    feedback_formula: FeedbackFormulaInput | None = None

    def as_body(self) -> dict[str, Any]:
        """The configuration as the reviews service reads it (`BodyInput`)."""

        def indicator(i: IndicatorInput) -> dict[str, Any]:
            return {
                "code": i.code,
                "name": i.name,
                "weight": str(i.weight),
                "source": i.source.value,
            }

        body: dict[str, Any] = {}
        if self.common is not None:
            body["common"] = [indicator(i) for i in self.common]
        if self.individual is not None:
            body["individual"] = {
                c.category.value: [indicator(i) for i in c.indicators] for c in self.individual
            }
        if self.bands is not None:
            body["bands"] = [
                {"grade": b.grade.value, "min_score": str(b.min_score)} for b in self.bands
            ]
        if self.rater_weights is not None:
            body["rater_weights"] = {w.relation.value: str(w.weight) for w in self.rater_weights}
        if self.quota_percent is not None:
            body["quota_percent"] = str(self.quota_percent)
        if self.quota_rounding is not None:
            body["quota_rounding"] = self.quota_rounding.value
        if self.publicity_days is not None:
            body["publicity_days"] = self.publicity_days
        if self.objection_days is not None:
            body["objection_days"] = self.objection_days
        if self.feedback_formula is not None:
            body["feedback_formula"] = {
                k: str(v)
                for k, v in dataclasses.asdict(self.feedback_formula).items()
                if v is not None
            }
        return body


@command_input(reviews.GoalReport, "The report on one approved goal item")
class GoalReportInput:
    pass


@strawberry.input(description="One indicator's score, 0 to 100")
class IndicatorScoreInput:
    code: str
    score: Decimal


@command_input(reviews.GradeProposal, "A proposed grade; without a grade, the band of the score")
class GradeProposalInput:
    # An ID, as every id the schema takes: refused naming the field when it is not a UUID.
    person_id: strawberry.ID


@command_input(reviews.Shortcoming, "A shortcoming named in a talk, on the basis of facts")
class ShortcomingInput:
    pass


@strawberry.type(description="The result of a change to a cycle")
class ReviewCyclePayload:
    cycle: ReviewCycle
    position: int = strawberry.field(description="The reviews log position of the change")


@strawberry.type(description="The result of a change to one participant's appraisal")
class AppraisalPayload:
    appraisal: Appraisal
    position: int


@strawberry.type(description="The result of filing or resolving an objection")
class ObjectionPayload:
    objection: Objection
    cycle: ReviewCycle
    position: int


@strawberry.type(description="The result of recording a sanction")
class SanctionPayload:
    sanction: Sanction
    position: int


async def _cycle(info: Info_, cycle_id: UUID | str) -> ReviewCycle:
    row = await cycle_row(info, UUID(str(cycle_id)))
    assert row is not None, "projected before answering"
    return ReviewCycle.from_row(row)


async def _appraisal(info: Info_, cycle_id: UUID, person_id: UUID) -> Appraisal:
    ctx = info.context
    cycle = await cycle_row(info, cycle_id)
    assert cycle is not None
    row = await ctx.pool.fetchrow(
        f"SELECT * FROM {ctx.table('review_participants')} WHERE cycle_id = $1 AND person_id = $2",
        cycle_id,
        person_id,
    )
    assert row is not None, "projected before answering"
    view = (await viewer(info, cycle["unit_id"], cycle["status"]))(person_id)
    flagged = await out_of_line_in(info, cycle_id)
    return Appraisal.from_row(
        row,
        view or View.OWN,
        CycleStatusCode(cycle["status"]),
        CycleConfig.from_dict(loads(cycle["config"])),
        flagged.get(person_id),
    )


async def _appraisal_command(
    info: Info_,
    command: CommandRoute,
    idempotency_key: str | None,
    /,
    *,
    cycle_id: UUID | str,
    person_id: UUID | str,
    **args: Any,
) -> AppraisalPayload:
    """A command on one participant's appraisal, answered with the appraisal as projected."""
    cycle = cycle_id if isinstance(cycle_id, UUID) else parse_id(cycle_id, "cycleId")
    person = person_id if isinstance(person_id, UUID) else parse_id(person_id, "personId")
    _, position = await forward(
        info, command, idempotency_key, None, cycle_id=cycle, person_id=person, **args
    )
    return AppraisalPayload(appraisal=await _appraisal(info, cycle, person), position=position)


async def _cycle_answer(
    info: Info_, result: dict[str, Any], position: int, _: dict[str, Any]
) -> ReviewCyclePayload:
    return ReviewCyclePayload(cycle=await _cycle(info, result["cycle_id"]), position=position)


async def _objection_answer(
    info: Info_, result: dict[str, Any], position: int, args: dict[str, Any]
) -> ObjectionPayload:
    objection_id = str(args.get("objection_id") or result["objection_id"])
    row = await projected_row(info, "review_objections", objection_id)
    cycle = await _cycle(info, args["cycle_id"])
    return ObjectionPayload(objection=Objection.from_row(row), cycle=cycle, position=position)


async def _appraisal_answer(
    info: Info_, _: dict[str, Any], position: int, args: dict[str, Any]
) -> AppraisalPayload:
    appraisal = await _appraisal(info, UUID(args["cycle_id"]), UUID(args["person_id"]))
    return AppraisalPayload(appraisal=appraisal, position=position)


@strawberry.type
class ReviewsMutation:
    open_review_cycle = mutation(
        reviews.OPEN_CYCLE,
        _cycle_answer,
        description="Open a quarter's appraisal cycle with its configuration (考核办). The "
        "participants are the unit's people today (the principal leader is appraised by the "
        "level above); the configuration is locked from now on",
        versioned=False,
        config=CycleConfigInput | None,
    )

    reconfigure_review_cycle = mutation(
        reviews.RECONFIGURE,
        _cycle_answer,
        description="Change a cycle's configuration: refused once the cycle has opened "
        "(reviews.config_locked); the configuration in force is part of the record",
        versioned=False,
        config=CycleConfigInput,
    )

    begin_appraisal = mutation(
        reviews.BEGIN_APPRAISAL,
        _cycle_answer,
        description="Open summaries and ratings once the quarter's satisfaction survey has "
        "closed, fixing each service position's feedback facts and score (考核办)",
    )

    @strawberry.mutation(
        description="Submit (or revise) the caller's personal summary (个人小结): a report on "
        "each approved goal of the quarter, and work outside them"
    )
    async def submit_summary(
        self,
        info: Info_,
        cycle_id: strawberry.ID,
        reports: list[GoalReportInput],
        extra_work: list[str] | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> AppraisalPayload:
        me = info.context.actor.person_id
        return await _appraisal_command(
            info,
            reviews.SUBMIT_SUMMARY,
            idempotency_key,
            cycle_id=cycle_id,
            person_id=me,
            reports=reports,
            extra_work=extra_work or [],
        )

    @strawberry.mutation(
        description="Rate an appraisee (领导评鉴): their department head or supervising leader "
        "today scores every rated indicator (0 to 100) and gives an opinion; feedback "
        "indicators are computed, not typed"
    )
    async def rate_appraisee(
        self,
        info: Info_,
        cycle_id: strawberry.ID,
        person_id: strawberry.ID,
        scores: list[IndicatorScoreInput],
        opinion: str,
        idempotency_key: IdempotencyKey = None,
    ) -> AppraisalPayload:
        return await _appraisal_command(
            info,
            reviews.RATE,
            idempotency_key,
            cycle_id=cycle_id,
            person_id=person_id,
            scores={s.code: s.score for s in scores},
            opinion=opinion,
        )

    @strawberry.mutation(
        description="Propose grades (考核办): each given grade, or else the band of the "
        "composite score; with no proposals, every scored participant's band. The quota is "
        "checked at once (see the cycle's quota)"
    )
    async def propose_grades(
        self,
        info: Info_,
        cycle_id: strawberry.ID,
        proposals: list[GradeProposalInput] | None = None,
        expected_version: ExpectedVersion = None,
        idempotency_key: IdempotencyKey = None,
    ) -> ReviewCyclePayload:
        proposals_body = [
            {**vars(p), "person_id": str(parse_id(p.person_id, "proposals.personId"))}
            for p in proposals or []
        ]
        result, position = await forward(
            info,
            reviews.PROPOSE_GRADES,
            idempotency_key,
            expected_version,
            cycle_id=cycle_id,
            proposals=proposals_body,
        )
        return await _cycle_answer(info, result, position, {})

    finalise_grades = mutation(
        reviews.FINALISE,
        _cycle_answer,
        description="Finalise the grades (主要负责人): refused while anyone lacks a summary, a "
        "rating, a grade or a justification, or while the top-grade quota is broken",
    )

    publish_results = mutation(
        reviews.PUBLISH,
        _cycle_answer,
        description="Publish the final grades to the unit (结果公示, 考核办) from a date (today "
        "by default) for the publicity period in Chinese working days",
    )

    file_objection = mutation(
        reviews.FILE_OBJECTION,
        _objection_answer,
        description="Object to the caller's own published grade (异议/复核) within the window",
        versioned=False,
    )

    resolve_objection = mutation(
        reviews.RESOLVE_OBJECTION,
        _objection_answer,
        description="Resolve an objection with reasons (考核办): upheld with a new grade "
        "(re-checked against the quota), or rejected",
    )

    confirm_results = mutation(
        reviews.CONFIRM,
        _cycle_answer,
        description="Confirm the results once the publicity period has ended with no "
        "objection open (考核办)",
    )

    record_feedback_talk = mutation(
        reviews.RECORD_TALK,
        _appraisal_answer,
        description="Record the feedback talk (谈心谈话) with a person the caller supervises, "
        "after confirmation: the reasons for a top grade; otherwise the shortcomings with "
        "their facts and what to improve",
        versioned=False,
    )

    @strawberry.mutation(description="Acknowledge the caller's own feedback talk (签字确认)")
    async def acknowledge_feedback_talk(
        self,
        info: Info_,
        cycle_id: strawberry.ID,
        comment: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> AppraisalPayload:
        return await _appraisal_command(
            info,
            reviews.ACKNOWLEDGE_TALK,
            idempotency_key,
            cycle_id=cycle_id,
            person_id=info.context.actor.person_id,
            comment=comment,
        )

    @strawberry.mutation(
        description="Record a disciplinary sanction (处分) decided on a date, citing its "
        "decision document (考核办); it bars the person from 优秀 for its period"
    )
    async def record_sanction(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID,
        kind: SanctionKindCode,
        decided_on: date,
        document: str,
        idempotency_key: IdempotencyKey = None,
    ) -> SanctionPayload:
        row, position = await forward_row(
            info,
            reviews.RECORD_SANCTION,
            "review_sanctions",
            "sanction_id",
            idempotency_key,
            None,
            unit_id=unit_id,
            person_id=str(parse_id(person_id, "personId")),
            kind=kind,
            decided_on=decided_on,
            document=document,
        )
        return SanctionPayload(sanction=Sanction.from_row(row), position=position)
