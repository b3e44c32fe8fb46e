"""GraphQL types of the quarter's appraisal (季度平时考核): cycles and their locked configuration,
each participant's summary, ratings, composite score with its derivation, grade, objection and
feedback talk. Each code carries its Chinese label beside it.

What a field shows depends on who asks: a participant's appraisal holds what the record says
and the caller's view of it (`gateway/reviews/access.py`); each field's permission decides by
that view whether it reads null.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import strawberry
from strawberry.scalars import JSON

from gateway.directory.types import Person, person_of
from gateway.graphql.access import withheld
from gateway.graphql.plumbing import FromRow, PageInfo, from_row, loads, optional_id
from gateway.reviews.access import SeesGrade, SeesInFull, SeesProgress, SeesSummary, View
from services.directory.managers import ManagerRelation
from services.directory.vocabulary import PositionCategory as PositionCategoryCode
from services.reviews.scheme import CycleConfig
from services.reviews.scheme import FeedbackFormula as FormulaParameters
from services.reviews.vocabulary import CycleStatus as CycleStatusCode
from services.reviews.vocabulary import Grade as GradeCode
from services.reviews.vocabulary import IndicatorSource as IndicatorSourceCode
from services.reviews.vocabulary import ObjectionStatus as ObjectionStatusCode
from services.reviews.vocabulary import Rounding as RoundingCode
from services.reviews.vocabulary import SanctionKind as SanctionKindCode

strawberry.enum(
    GradeCode, description="平时考核等次: 好 GOOD, 较好 FAIRLY_GOOD, 一般 AVERAGE, 较差 POOR"
)
strawberry.enum(CycleStatusCode, description="Where a quarter's cycle stands")
strawberry.enum(
    ManagerRelation, name="RaterRelation", description="How a rater manages the appraisee"
)
strawberry.enum(IndicatorSourceCode, description="Where an indicator's score comes from")
strawberry.enum(RoundingCode, description="How the quota percentage becomes a number of people")
strawberry.enum(ObjectionStatusCode, description="Where an objection (异议) stands")
strawberry.enum(SanctionKindCode, description="政务处分: disciplinary sanctions")


def grade_label(code: str | None) -> str | None:
    """The Chinese term of a grade code."""
    return GradeCode(code).label if code else None


# -- configuration -----------------------------------------------------------------------------


@strawberry.type(description="An indicator (考核指标) and its weight in points out of 100")
class Indicator:
    code: str
    name: str = strawberry.field(description="The indicator's name, e.g. 政治素质")
    weight: Decimal
    source: IndicatorSourceCode
    source_label: str

    @classmethod
    def of(cls, d: dict[str, Any]) -> Indicator:
        source = IndicatorSourceCode(d["source"])
        return cls(
            code=d["code"],
            name=d["name"],
            weight=Decimal(d["weight"]),
            source=source,
            source_label=source.label,
        )


@strawberry.type(description="A position category's indicators: the common ones, then its own")
class CategoryIndicators:
    category: PositionCategoryCode
    category_label: str
    indicators: list[Indicator]


@strawberry.type(description="A grade band: composite scores from min_score up get the grade")
class GradeBand:
    grade: GradeCode
    grade_label: str
    min_score: Decimal


@strawberry.type(description="A rater relation's weight in the composite")
class RaterWeight:
    relation: ManagerRelation
    relation_label: str
    weight: Decimal

    @classmethod
    def each(cls, weights: dict[Any, Any]) -> list[RaterWeight]:
        """One per relation of a {relation code: number} mapping, as stored or configured."""
        return [
            cls(relation=(r := ManagerRelation(code)), relation_label=r.label, weight=Decimal(w))
            for code, w in weights.items()
        ]


@strawberry.type(description="How feedback facts become the feedback indicator's score")
class FeedbackFormula:
    no_survey_score: Decimal = strawberry.field(
        description="The satisfaction part when the department had no survey result"
    )
    praise_points: Decimal = strawberry.field(description="Added per praise (表扬) of the person")
    complaint_points: Decimal = strawberry.field(
        description="Taken per complaint not handled on time and to the complainant's "
        "satisfaction (dismissed ones do not count)"
    )
    overdue_points: Decimal = strawberry.field(
        description="Taken per complaint still open past its deadline when appraisal began"
    )
    rule: str = strawberry.field(description="The formula in words")


@strawberry.type(description="A cycle's configuration (考核方案), locked when it opened")
class CycleConfiguration:
    common: list[Indicator] = strawberry.field(description="Indicators for everyone")
    categories: list[CategoryIndicators] = strawberry.field(
        description="Per position category: all its indicators (weights sum to 100)"
    )
    bands: list[GradeBand]
    rater_weights: list[RaterWeight]
    quota_percent: Decimal = strawberry.field(
        description="The top grade (好) is at most this percentage of the participants"
    )
    quota_rounding: RoundingCode
    quota_rounding_label: str
    publicity_days: int = strawberry.field(description="公示期, in Chinese working days")
    objection_days: int = strawberry.field(
        description="Objections are taken for this many working days from publication"
    )
    feedback_formula: FeedbackFormula

    @classmethod
    def of(cls, data: dict[str, Any]) -> CycleConfiguration:
        config = CycleConfig.from_dict(data)
        f = config.feedback_formula
        return cls(
            common=[Indicator.of(i.as_dict()) for i in config.common],
            categories=[
                CategoryIndicators(
                    category=c,
                    category_label=c.label,
                    indicators=[Indicator.of(i.as_dict()) for i in config.indicators_for(c)],
                )
                for c in PositionCategoryCode
            ],
            bands=[GradeBand(grade=g, grade_label=g.label, min_score=m) for g, m in config.bands],
            rater_weights=RaterWeight.each(config.rater_weights),
            quota_percent=config.quota_percent,
            quota_rounding=config.quota_rounding,
            quota_rounding_label=config.quota_rounding.label,
            publicity_days=config.publicity_days,
            objection_days=config.objection_days,
            feedback_formula=FeedbackFormula(
                no_survey_score=f.no_survey_score,
                praise_points=f.praise_points,
                complaint_points=f.complaint_points,
                overdue_points=f.overdue_points,
                rule=" ".join((FormulaParameters.__doc__ or "").split()),
            ),
        )


@strawberry.type(description="The top-grade count against the quota")
class QuotaCheck:
    participants: int
    limit: int = strawberry.field(description="How many may have the top grade (好)")
    top: int = strawberry.field(description="How many have it now")
    ok: bool

    @classmethod
    def of(cls, d: dict[str, Any] | None) -> QuotaCheck | None:
        if not d:
            return None
        return cls(participants=d["participants"], limit=d["limit"], top=d["top"], ok=d["ok"])


# -- one participant ---------------------------------------------------------------------------


@strawberry.type(description="The report on one approved goal")
class GoalReport:
    item_id: str
    what: str = strawberry.field(description="The goal as approved")
    report: str


@strawberry.type(description="The personal summary (个人小结)")
class Summary:
    goal_set_version: int | None = strawberry.field(
        description="The approved version of the quarter's goals reported on"
    )
    reports: list[GoalReport]
    extra_work: list[str] = strawberry.field(description="Work outside the approved goals")
    submitted_at: datetime
    versions: int = strawberry.field(description="How many times it was submitted")


@strawberry.type(description="One indicator's score by one rater")
class IndicatorScore:
    code: str
    score: Decimal


@strawberry.type(description="A rating (领导评鉴) by someone who manages the appraisee")
class Rating:
    relation: ManagerRelation
    relation_label: str
    rater_id: strawberry.ID
    scores: list[IndicatorScore]
    opinion: str
    at: datetime

    rater: Person | None = person_of("rater_id", "The rater")


@strawberry.type(description="One indicator's part in a composite score")
class DerivationLine:
    code: str
    name: str
    weight: Decimal
    source: IndicatorSourceCode
    source_label: str
    rater_scores: list[RaterWeight] = strawberry.field(
        description="Each rater's score for the indicator (weight holds the score here)"
    )
    score: Decimal | None = strawberry.field(description="The indicator's score")
    contribution: Decimal | None = strawberry.field(description="weight x score / 100")


@strawberry.type(description="How a composite score (综合得分) was derived")
class Derivation:
    lines: list[DerivationLine]
    rater_weights: list[RaterWeight]
    score: Decimal | None
    missing: list[ManagerRelation] = strawberry.field(description="Ratings still awaited")
    rule: str = strawberry.field(description="The rule in words")

    @classmethod
    def of(cls, d: dict[str, Any] | None) -> Derivation | None:
        if not d:
            return None
        return cls(
            lines=[
                DerivationLine(
                    code=line["code"],
                    name=line["name"],
                    weight=Decimal(line["weight"]),
                    source=IndicatorSourceCode(line["source"]),
                    source_label=IndicatorSourceCode(line["source"]).label,
                    rater_scores=RaterWeight.each(line["scores"]),
                    score=Decimal(line["score"]) if line["score"] is not None else None,
                    contribution=Decimal(line["contribution"])
                    if line["contribution"] is not None
                    else None,
                )
                for line in d["lines"]
            ],
            rater_weights=RaterWeight.each(d["rater_weights"]),
            score=Decimal(d["score"]) if d.get("score") is not None else None,
            missing=[ManagerRelation(m) for m in d.get("missing", [])],
            rule="each indicator's score is the raters' scores weighted by their relation's "
            "weight (or the feedback formula's score); the composite is the sum of weight x "
            "score / 100, rounded half up to 2 places once, at the end",
        )


@strawberry.type(description="The feedback facts fixed when appraisal began, and the score")
class FeedbackDerivation:
    department_mean: Decimal | None = strawberry.field(
        description="The department's survey mean (满意度)"
    )
    praise: int
    complaints: int
    handled_well: int = strawberry.field(description="Resolved on time, complainant satisfied")
    dismissed: int
    overdue: int
    score: Decimal
    steps: list[str] = strawberry.field(description="Each step of the formula")

    @classmethod
    def of(cls, d: dict[str, Any] | None) -> FeedbackDerivation | None:
        if not d:
            return None
        facts = d["facts"]
        mean = facts.get("department_mean")
        return cls(
            department_mean=Decimal(mean) if mean is not None else None,
            praise=facts["praise"],
            complaints=facts["complaints"],
            handled_well=facts["handled_well"],
            dismissed=facts["dismissed"],
            overdue=facts["overdue"],
            score=Decimal(d["score"]),
            steps=list(d["steps"]),
        )


@strawberry.type(description="A shortcoming named in a talk, with its facts")
class Shortcoming:
    shortcoming: str
    facts: str


@strawberry.type(description="The feedback talk (谈心谈话) after confirmation")
class Talk:
    leader_id: strawberry.ID
    relation: ManagerRelation
    grade: GradeCode
    grade_label: str
    held_on: date
    reasons: str | None = strawberry.field(description="For a top grade: why")
    shortcomings: list[Shortcoming]
    improvements: str | None
    recorded_at: datetime
    acknowledged_at: datetime | None = strawberry.field(
        description="When the appraisee acknowledged it (签字确认)"
    )
    acknowledgement: str | None

    leader: Person | None = person_of("leader_id", "The leader who held the talk")


# What a missing rating is called, by relation (the progress view names it per participant).
_RATING_BY = {r.value: f"rating by {r.value} ({r.label})" for r in ManagerRelation}


def missing_of(
    *,
    has_summary: bool,
    raters_missing: list[str] | None,
    graded: bool,
    needs_justification: bool,
) -> list[str]:
    """What an appraisal still lacks before finalisation (`raters_missing` None: not rated at
    all; a grade above a higher-scoring peer's needs a justification).
    """
    missing: list[str] = []
    if not has_summary:
        missing.append("summary (个人小结)")
    if raters_missing is None:
        missing.append("ratings (领导评鉴)")
    else:
        missing += [_RATING_BY[r] for r in raters_missing]
    if not graded:
        missing.append("grade (等次)")
    elif needs_justification:
        missing.append("justification (说明)")
    return missing


@strawberry.type(
    description="One participant's quarter: summary, ratings, composite and grade, talk. Fields "
    "the caller may not see are null"
)
class Appraisal:
    cycle_id: strawberry.ID
    quarter: str
    person_id: strawberry.ID
    name: str = strawberry.field(description="The participant's name when the cycle opened")
    department_id: strawberry.ID | None
    department_name: str | None = strawberry.field(description="The department at opening")
    position_category: PositionCategoryCode
    position_category_label: str
    summary: Summary | None = withheld(SeesSummary)
    required_raters: list[ManagerRelation] | None = withheld(
        SeesInFull, "Whose ratings the composite waits for"
    )
    ratings: list[Rating] | None = withheld(SeesInFull)
    feedback: FeedbackDerivation | None = withheld(
        SeesInFull, "For service positions: the feedback facts and the computed score"
    )
    composite: Decimal | None = withheld(SeesInFull, "综合得分; null until fully rated")
    derivation: Derivation | None = withheld(SeesInFull)
    band_grade: GradeCode | None = withheld(SeesInFull, "The grade the composite's band gives")
    grade: GradeCode | None = withheld(
        SeesGrade, "The grade proposed (before finalisation) or final (after)"
    )
    grade_label: str | None = withheld(SeesGrade)
    grade_from_bands: bool | None = withheld(SeesInFull)
    justification: str | None = withheld(
        SeesInFull, "Why the grade departs from the evidence, where it does"
    )
    out_of_line_with: strawberry.ID | None = withheld(
        SeesInFull,
        "A peer with a higher composite score and a lower grade, if any: the grade then needs "
        "a justification",
    )
    talk: Talk | None = withheld(SeesInFull)
    missing: list[str] | None = withheld(
        SeesProgress, "What this participant still lacks before the grades can be final"
    )
    # The caller's view of this participant and whether the cycle is published: what the
    # fields' permissions above decide by (`gateway/reviews/access.py`).
    view: strawberry.Private[View]
    published: strawberry.Private[bool]

    person: Person | None = person_of("person_id", "The participant")

    @classmethod
    def from_row(
        cls,
        row: asyncpg.Record,
        view: View,
        status: CycleStatusCode,
        config: CycleConfig,
        out_of_line_with: UUID | None,
    ) -> Appraisal:
        """The participant's appraisal as recorded, with the caller's `view` of it."""
        summary = loads(row["summary"])
        talk = loads(row["talk"])
        grade = row["final_grade"] or row["grade"]
        composite = row["composite"]
        derivation = loads(row["derivation"])
        return from_row(
            cls,
            row,
            summary=Summary(
                goal_set_version=summary.get("goal_set_version"),
                reports=[GoalReport(**r) for r in summary["reports"]],
                extra_work=list(summary["extra_work"]),
                submitted_at=row["summary_at"],
                versions=row["summary_versions"],
            )
            if summary
            else None,
            required_raters=[ManagerRelation(r) for r in row["required"]],
            ratings=[
                Rating(
                    relation=ManagerRelation(r),
                    relation_label=ManagerRelation(r).label,
                    rater_id=strawberry.ID(v["rater_id"]),
                    scores=[
                        IndicatorScore(code=c, score=Decimal(s)) for c, s in v["scores"].items()
                    ],
                    opinion=v["opinion"],
                    at=datetime.fromisoformat(v["at"]),
                )
                for r, v in (loads(row["ratings"]) or {}).items()
            ],
            feedback=FeedbackDerivation.of(loads(row["feedback"])),
            derivation=Derivation.of(derivation),
            band_grade=config.grade_for(composite) if composite is not None else None,
            grade=GradeCode(grade) if grade else None,
            out_of_line_with=optional_id(out_of_line_with),
            talk=Talk(
                leader_id=strawberry.ID(talk["leader_id"]),
                relation=ManagerRelation(talk["relation"]),
                grade=GradeCode(talk["grade"]),
                grade_label=GradeCode(talk["grade"]).label,
                held_on=date.fromisoformat(talk["held_on"]),
                reasons=talk.get("reasons"),
                shortcomings=[Shortcoming(**s) for s in talk.get("shortcomings", [])],
                improvements=talk.get("improvements"),
                recorded_at=row["talk_at"],
                acknowledged_at=row["acknowledged_at"],
                acknowledgement=row["acknowledgement"],
            )
            if talk
            else None,
            missing=missing_of(
                has_summary=summary is not None,
                raters_missing=derivation["missing"] if derivation is not None else None,
                graded=grade is not None,
                needs_justification=out_of_line_with is not None and not row["justification"],
            ),
            view=view,
            published=status in (CycleStatusCode.PUBLISHED, CycleStatusCode.CONFIRMED),
        )


@strawberry.type(description="A page of appraisals")
class AppraisalConnection:
    nodes: list[Appraisal]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="An objection (异议/复核) to a published grade")
class Objection(FromRow):
    id: strawberry.ID
    cycle_id: strawberry.ID
    person_id: strawberry.ID
    reason: str
    filed_on: date
    status: ObjectionStatusCode
    status_label: str
    grade_before: GradeCode | None
    grade_after: GradeCode | None
    resolution: str | None = strawberry.field(description="The reasons of the resolution")
    resolved_on: date | None

    person: Person | None = person_of("person_id", "Who objected")


@strawberry.type(description="A step or act in a cycle's history, from the log")
class ReviewHistoryEntry:
    position: int = strawberry.field(description="The reviews log position")
    event: str
    person_id: strawberry.ID | None
    actor_id: strawberry.ID | None
    actor_role: str | None
    reason: str | None
    at: datetime
    detail: JSON | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> ReviewHistoryEntry:
        return from_row(cls, row, detail=loads(row["detail"]))


@strawberry.type(description="A disciplinary sanction (处分)")
class Sanction(FromRow):
    id: strawberry.ID
    person_id: strawberry.ID
    kind: SanctionKindCode
    kind_label: str
    decided_on: date
    ends_on: date = strawberry.field(
        description="The end of its period, during which the person is not eligible for 优秀"
    )
    document: str
