"""GraphQL views of a unit's year (年度): each person's four quarterly grades side by side, the
proposed annual top-grade (优秀) candidate list with its evidence and quota, and the "taking
turns" (轮流坐庄) view per department. Computed with the reviews service's pure rules
(`services.reviews.year`) from the projected final grades and scores.

For the appraisal office, the principal leader and auditors: the views carry everyone's scores.
Appraisees read their own year through `personAppraisals`.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import strawberry

from gateway.audit.access import AccessedRecord
from gateway.graphql.access import AnnualViewReaders
from gateway.graphql.plumbing import Info_, parse_id, parse_year
from gateway.graphql.shapes import invalid
from kernel.errors import RuleViolatedError
from services.reviews.vocabulary import CycleStatus as CycleStatusCode
from services.reviews.vocabulary import Grade as GradeCode
from services.reviews.vocabulary import SanctionKind
from services.reviews.year import (
    DEFAULT_ANNUAL_CAP,
    DEFAULT_ANNUAL_PERCENT,
    CandidateRow,
    DepartmentTurns,
    PersonYear,
    QuarterResult,
    SanctionPeriod,
    annual_candidates,
    taking_turns,
)


@strawberry.type(description="A quarter of the year: its cycle's status, if it has one")
class YearQuarter:
    quarter: str
    status: CycleStatusCode | None
    status_label: str | None


@strawberry.type(description="One quarter's grade and composite score, side by side")
class QuarterGrade:
    quarter: str
    grade: GradeCode | None
    grade_label: str | None
    score: Decimal | None
    department_name: str | None


@strawberry.type(description="Why someone is not an annual top-grade candidate")
class Disqualification:
    code: str
    label: str
    detail: str


@strawberry.type(description="One person's evidence for the annual top grade (优秀)")
class AnnualCandidate:
    person_id: strawberry.ID
    name: str
    department_name: str | None
    quarters: list[QuarterGrade]
    top_quarters: int = strawberry.field(description="Quarters at 好 (GOOD)")
    mean_score: Decimal | None = strawberry.field(description="Mean composite of the year")
    rank: int | None = strawberry.field(description="Among candidates; null when disqualified")
    within_quota: bool
    tied_at_limit: bool = strawberry.field(
        description="Level with the last place inside the quota, across the cut: the office decides"
    )
    disqualified_by: list[Disqualification]


@strawberry.type(description="The proposed annual candidate list (优秀候选人) and its quota")
class AnnualCandidateList:
    appraised: int = strawberry.field(description="People with at least one graded quarter")
    quota_percent: Decimal
    cap: Decimal = strawberry.field(description="The highest quota allowed (25%)")
    limit: int = strawberry.field(description="floor(appraised x quota_percent / 100)")
    rule: str
    rows: list[AnnualCandidate] = strawberry.field(
        description="Candidates by rank, then the disqualified"
    )


@strawberry.type(description="One person's grades in a department next to their score ranks")
class TurnPerson:
    person_id: strawberry.ID
    name: str
    quarters: list[QuarterGrade]
    score_ranks: list[int | None] = strawberry.field(
        description="1 = the department's highest composite that quarter"
    )


@strawberry.type(description="A higher scorer given a lower grade than a lower scorer")
class GradeInversion:
    quarter: str
    higher_scorer: strawberry.ID = strawberry.field(description="Scored higher, graded lower")
    lower_scorer: strawberry.ID = strawberry.field(description="Scored lower, graded higher")


@strawberry.type(description="A department's year: is the top grade 'taking turns' (轮流坐庄)?")
class DepartmentTurnsView:
    department_id: strawberry.ID | None
    department_name: str | None
    people: list[TurnPerson]
    inversions: list[GradeInversion]
    inversions_by_quarter: list[int]
    top_holders: int = strawberry.field(description="Distinct people at 好 during the year")
    top_holders_by_score: int = strawberry.field(
        description="The same, had each quarter's 好 gone to the highest scores"
    )


@strawberry.type(description="A unit's year of ordinary appraisal")
class AnnualAppraisal:
    year: int
    quarters: list[YearQuarter]
    candidates: AnnualCandidateList
    taking_turns: list[DepartmentTurnsView]


def _quarters(
    year: int,
    grades: tuple[GradeCode | None, ...],
    scores: tuple[Decimal | None, ...],
    departments: tuple[str | None, ...],
) -> list[QuarterGrade]:
    return [
        QuarterGrade(
            quarter=f"{year}-Q{i + 1}",
            grade=g,
            grade_label=g.label if g else None,
            score=s,
            department_name=d,
        )
        for i, (g, s, d) in enumerate(zip(grades, scores, departments, strict=True))
    ]


def _candidate(
    year: int, row: CandidateRow, departments: tuple[str | None, ...]
) -> AnnualCandidate:
    return AnnualCandidate(
        person_id=strawberry.ID(str(row.person_id)),
        name=row.name,
        department_name=row.department_name,
        quarters=_quarters(year, row.grades, row.scores, departments),
        top_quarters=row.top_quarters,
        mean_score=row.mean_score,
        rank=row.rank,
        within_quota=row.within_quota,
        tied_at_limit=row.tied_at_limit,
        disqualified_by=[
            Disqualification(code=d["code"], label=d["label"], detail=d["detail"])
            for d in (x.as_dict() for x in row.disqualified_by)
        ],
    )


def _turns(year: int, d: DepartmentTurns) -> DepartmentTurnsView:
    return DepartmentTurnsView(
        department_id=strawberry.ID(str(d.department_id)) if d.department_id else None,
        department_name=d.department_name,
        people=[
            TurnPerson(
                person_id=strawberry.ID(str(p.person_id)),
                name=p.name,
                quarters=_quarters(year, p.grades, p.scores, (d.department_name,) * 4),
                score_ranks=list(p.score_ranks),
            )
            for p in d.people
        ],
        inversions=[
            GradeInversion(
                quarter=f"{year}-Q{i.quarter}",
                higher_scorer=strawberry.ID(str(i.higher_scorer)),
                lower_scorer=strawberry.ID(str(i.lower_scorer)),
            )
            for i in d.inversions
        ],
        inversions_by_quarter=list(d.inversions_by_quarter),
        top_holders=d.top_holders,
        top_holders_by_score=d.top_holders_by_score,
    )


@strawberry.type
class ReviewsYearQuery:
    @strawberry.field(
        description="A unit's year (考核办, the principal leader, auditors): the four quarterly "
        "grades side by side, the proposed 优秀 candidate list (quota default 20%, at most 25%) "
        "and each department's 'taking turns' view. Only finalised grades count",
        permission_classes=[AnnualViewReaders],
    )
    async def annual_appraisal(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        year: int,
        quota_percent: Decimal = DEFAULT_ANNUAL_PERCENT,
    ) -> AnnualAppraisal:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        year = parse_year(year)
        cycles = await ctx.pool.fetch(
            f"SELECT id, quarter, status FROM {ctx.table('review_cycles')} "
            "WHERE unit_id = $1 AND quarter LIKE $2 ORDER BY quarter",
            unit,
            f"{year}-Q%",
        )
        status = {c["quarter"]: CycleStatusCode(c["status"]) for c in cycles}
        rows = await ctx.pool.fetch(
            f"SELECT p.person_id, p.name, p.quarter, p.department_id, p.department_name, "
            f"p.final_grade, p.final_score FROM {ctx.table('review_participants')} p "
            f"JOIN {ctx.table('review_cycles')} c ON c.id = p.cycle_id "
            "WHERE c.unit_id = $1 AND c.quarter LIKE $2 ORDER BY p.name, p.person_id",
            unit,
            f"{year}-Q%",
        )
        quarters: dict[UUID, list[QuarterResult | None]] = {}
        names: dict[UUID, str] = {}
        for r in rows:
            names[r["person_id"]] = r["name"]
            slots = quarters.setdefault(r["person_id"], [None] * 4)
            slots[int(r["quarter"][-1]) - 1] = QuarterResult(
                GradeCode(r["final_grade"]) if r["final_grade"] else None,
                r["final_score"],
                r["department_id"],
                r["department_name"],
            )
        people = [PersonYear(p, names[p], tuple(q)) for p, q in quarters.items()]
        for person in people:
            ctx.viewed(person.person_id, unit, AccessedRecord.APPRAISAL, "annualAppraisal")
        sanctions = await ctx.pool.fetch(
            f"SELECT person_id, kind, decided_on, ends_on FROM {ctx.table('review_sanctions')} "
            "WHERE unit_id = $1",
            unit,
        )
        periods = [
            SanctionPeriod(s["person_id"], SanctionKind(s["kind"]), s["decided_on"], s["ends_on"])
            for s in sanctions
        ]
        try:
            listed = annual_candidates(
                people, quota_percent, DEFAULT_ANNUAL_CAP, periods, year=year
            )
        except RuleViolatedError as refused:
            raise invalid(
                "quotaPercent", refused.rule, f"{refused.field}: {refused.message}"
            ) from None
        departments = {
            p.person_id: tuple(q.department_name if q else None for q in p.quarters) for p in people
        }
        return AnnualAppraisal(
            year=year,
            quarters=[
                YearQuarter(
                    quarter=f"{year}-Q{q}",
                    status=status.get(f"{year}-Q{q}"),
                    status_label=s.label if (s := status.get(f"{year}-Q{q}")) else None,
                )
                for q in range(1, 5)
            ],
            candidates=AnnualCandidateList(
                appraised=listed.appraised,
                quota_percent=listed.quota_percent,
                cap=listed.cap,
                limit=listed.limit,
                rule=" ".join((annual_candidates.__doc__ or "").split()),
                rows=[_candidate(year, r, departments[r.person_id]) for r in listed.rows],
            ),
            taking_turns=[_turns(year, d) for d in taking_turns(people)],
        )
