"""The year (年度): the annual top-grade (优秀) candidate list with its evidence and quota, and the
"taking turns" (轮流坐庄) view of each department's quarterly grades against its scores. Pure.

Both read the four confirmed quarters of one year, one `PersonYear` per person: each quarter's
grade, composite score and the department the person was appraised in (a move during the year
puts the person in two departments' views).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Any
from uuid import UUID

from kernel.errors import RuleViolatedError
from kernel.labels import Labelled
from services.reviews.domain import sanction_ends
from services.reviews.scheme import HUNDRED
from services.reviews.scoring import cents
from services.reviews.vocabulary import Grade, SanctionKind

QUARTERS = 4
DEFAULT_ANNUAL_PERCENT = Decimal(20)
DEFAULT_ANNUAL_CAP = Decimal(25)


# -- the input ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class QuarterResult:
    """One person's confirmed result in one quarter, and where they were appraised."""

    grade: Grade | None
    score: Decimal | None
    department_id: UUID | None = None
    department_name: str | None = None


@dataclasses.dataclass(frozen=True)
class PersonYear:
    """One person's year: four quarters, Q1 to Q4, None for a quarter they did not take part in."""

    person_id: UUID
    name: str
    quarters: tuple[QuarterResult | None, ...]

    def __post_init__(self) -> None:
        if len(self.quarters) != QUARTERS:
            raise RuleViolatedError(
                "reviews.four_quarters",
                f"{self.name}'s year has {len(self.quarters)} quarters, not 4 (Q1 to Q4; None "
                "for a quarter without a result)",
                field="quarters",
            )

    @classmethod
    def of(
        cls,
        person_id: UUID,
        name: str,
        grades: Sequence[Grade | None],
        scores: Sequence[Decimal | None],
        department_id: UUID | None = None,
        department_name: str | None = None,
    ) -> PersonYear:
        """A year spent in one department: grades and scores listed Q1 to Q4."""
        if len(grades) != QUARTERS or len(scores) != QUARTERS:
            raise RuleViolatedError(
                "reviews.four_quarters",
                f"give 4 grades and 4 scores for {name} (Q1 to Q4), None where there is none",
                field="grades" if len(grades) != QUARTERS else "scores",
            )
        return cls(
            person_id,
            name,
            tuple(
                QuarterResult(g, s, department_id, department_name)
                if g is not None or s is not None
                else None
                for g, s in zip(grades, scores, strict=True)
            ),
        )

    @property
    def grades(self) -> tuple[Grade | None, ...]:
        """The grades, Q1 to Q4."""
        return tuple(q.grade if q else None for q in self.quarters)

    @property
    def scores(self) -> tuple[Decimal | None, ...]:
        """The composite scores, Q1 to Q4."""
        return tuple(q.score if q else None for q in self.quarters)

    @property
    def department(self) -> tuple[UUID | None, str | None]:
        """The department of the person's latest quarter (for display)."""
        latest = next((q for q in reversed(self.quarters) if q is not None), None)
        return (latest.department_id, latest.department_name) if latest else (None, None)


@dataclasses.dataclass(frozen=True)
class SanctionPeriod:
    """A recorded disciplinary sanction (处分) and its period, the end day exclusive."""

    person_id: UUID
    kind: SanctionKind
    decided_on: date
    ends_on: date

    @classmethod
    def from_decision(cls, person_id: UUID, kind: SanctionKind, decided_on: date) -> SanctionPeriod:
        """A sanction's period from its kind and decision date (政务处分法 art. 8)."""
        return cls(person_id, kind, decided_on, sanction_ends(kind, decided_on))

    def overlaps(self, year: int) -> bool:
        """Whether any day of the period falls in `year`."""
        return self.decided_on <= date(year, 12, 31) and self.ends_on > date(year, 1, 1)


# -- the annual candidate list ---------------------------------------------------------------------


class Disqualifier(Labelled):
    """Why someone is not an annual top-grade candidate."""

    POOR_QUARTER = "POOR_QUARTER", "有较差等次季度"
    SANCTIONED = "SANCTIONED", "处分期内"
    NO_TOP_QUARTER = "NO_TOP_QUARTER", "无好等次季度"


@dataclasses.dataclass(frozen=True)
class Disqualification:
    """One reason someone is not a candidate, with the facts behind it."""

    code: Disqualifier
    detail: str

    def as_dict(self) -> dict[str, str]:
        """A JSON-ready view."""
        return {"code": self.code.value, "label": self.code.label, "detail": self.detail}


@dataclasses.dataclass(frozen=True)
class CandidateRow:
    """One person's evidence for the annual top grade and where it places them."""

    person_id: UUID
    name: str
    department_id: UUID | None
    department_name: str | None
    grades: tuple[Grade | None, ...]
    scores: tuple[Decimal | None, ...]
    counts: dict[Grade, int]  # quarters at each grade
    quarters_graded: int
    mean_score: Decimal | None  # mean composite over the quarters with a score, to 2 places
    disqualified_by: tuple[Disqualification, ...]
    rank: int | None  # 1-based among candidates; None when disqualified
    within_quota: bool
    tied_at_limit: bool  # ranked level with the last place inside the quota, across the cut

    @property
    def top_quarters(self) -> int:
        """Quarters at the top ordinary grade (好)."""
        return self.counts[Grade.GOOD]

    @property
    def candidate(self) -> bool:
        """Whether nothing disqualifies the person."""
        return not self.disqualified_by

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "person_id": str(self.person_id),
            "name": self.name,
            "department_id": str(self.department_id) if self.department_id else None,
            "department_name": self.department_name,
            "grades": [g.value if g else None for g in self.grades],
            "scores": [str(s) if s is not None else None for s in self.scores],
            "counts": {g.value: n for g, n in self.counts.items()},
            "quarters_graded": self.quarters_graded,
            "mean_score": str(self.mean_score) if self.mean_score is not None else None,
            "disqualified_by": [d.as_dict() for d in self.disqualified_by],
            "rank": self.rank,
            "within_quota": self.within_quota,
            "tied_at_limit": self.tied_at_limit,
        }


@dataclasses.dataclass(frozen=True)
class AnnualCandidates:
    """The proposed candidate list (优秀候选人) for a year, with its quota."""

    year: int
    appraised: int  # people with at least one graded quarter
    quota_percent: Decimal
    cap: Decimal
    limit: int  # floor(appraised x quota_percent / 100)
    rows: tuple[CandidateRow, ...]  # candidates by rank, then the disqualified

    @property
    def candidates(self) -> tuple[CandidateRow, ...]:
        """The rows nothing disqualifies, best first."""
        return tuple(r for r in self.rows if r.candidate)

    @property
    def within_quota(self) -> tuple[CandidateRow, ...]:
        """The candidates inside the quota."""
        return tuple(r for r in self.rows if r.within_quota)


def check_annual_quota(quota_percent: Decimal, cap: Decimal) -> None:
    """The annual quota is a percentage above 0 and at most the cap (at most 25% by default)."""
    if not Decimal(0) < cap <= HUNDRED:
        raise RuleViolatedError(
            "reviews.annual_quota_cap",
            f"the cap on the annual top-grade quota is a percentage above 0, not {cap}",
            field="cap",
        )
    if quota_percent <= 0:
        raise RuleViolatedError(
            "reviews.quota_percent",
            f"the annual top-grade quota is a percentage above 0, not {quota_percent}",
            field="quota_percent",
        )
    if quota_percent > cap:
        raise RuleViolatedError(
            "reviews.annual_quota_cap",
            f"the annual top-grade quota (优秀) is at most {cap}% of those appraised, "
            f"not {quota_percent}%",
            field="quota_percent",
        )


def annual_limit(appraised: int, quota_percent: Decimal) -> int:
    """How many may be proposed for the annual top grade: floor(appraised x percent / 100)."""
    exact = Decimal(appraised) * quota_percent / HUNDRED
    return int(exact.to_integral_value(rounding=ROUND_FLOOR))


def _mean(scores: Iterable[Decimal | None]) -> Decimal | None:
    present = [s for s in scores if s is not None]
    return cents(sum(present, Decimal(0)) / len(present)) if present else None


def _disqualifications(
    person: PersonYear, year: int, sanctions: Sequence[SanctionPeriod]
) -> tuple[Disqualification, ...]:
    found = []
    poor = [f"Q{i + 1}" for i, g in enumerate(person.grades) if g is Grade.POOR]
    if poor:
        found.append(
            Disqualification(
                Disqualifier.POOR_QUARTER,
                f"{Grade.POOR.label} ({Grade.POOR.value}) in {year}-{', '.join(poor)}",
            )
        )
    for sanction in sanctions:
        if sanction.person_id == person.person_id and sanction.overlaps(year):
            found.append(
                Disqualification(
                    Disqualifier.SANCTIONED,
                    f"{sanction.kind.label} ({sanction.kind.value}) decided on "
                    f"{sanction.decided_on.isoformat()}, in force until "
                    f"{sanction.ends_on.isoformat()}",
                )
            )
    if Grade.GOOD not in person.grades:
        found.append(
            Disqualification(
                Disqualifier.NO_TOP_QUARTER,
                f"no quarter of {year} at the top grade ({Grade.GOOD.label})",
            )
        )
    return tuple(found)


def _standing(row: CandidateRow) -> tuple[int, Decimal]:
    """What the ranking compares: more top quarters first, then the higher mean composite (a
    person with no score after everyone with one).
    """
    mean = row.mean_score if row.mean_score is not None else Decimal(-1)
    return (-row.top_quarters, -mean)


def _evidence(person: PersonYear, year: int, sanctions: Sequence[SanctionPeriod]) -> CandidateRow:
    """A person's row before ranking."""
    department_id, department_name = person.department
    return CandidateRow(
        person_id=person.person_id,
        name=person.name,
        department_id=department_id,
        department_name=department_name,
        grades=person.grades,
        scores=person.scores,
        counts={g: sum(1 for x in person.grades if x is g) for g in Grade},
        quarters_graded=sum(1 for g in person.grades if g is not None),
        mean_score=_mean(person.scores),
        disqualified_by=_disqualifications(person, year, sanctions),
        rank=None,
        within_quota=False,
        tied_at_limit=False,
    )


def annual_candidates(
    people: Sequence[PersonYear],
    quota_percent: Decimal = DEFAULT_ANNUAL_PERCENT,
    cap: Decimal = DEFAULT_ANNUAL_CAP,
    sanctioned: Sequence[SanctionPeriod] = (),
    *,
    year: int,
) -> AnnualCandidates:
    """Propose the year's top-grade candidates with their evidence.

    Disqualified: anyone with a poor (较差) quarter, anyone under a sanction whose period overlaps
    the year, anyone with no top (好) quarter. Candidates are ranked by the number of top quarters,
    then by the mean composite score over their scored quarters (as shown, to 2 places; a person
    with no score comes after those with one). People level on both follow each other in the order
    of their names (then ids), an order that decides nothing: where such a tie straddles the quota
    line, everyone in it is marked `tied_at_limit` for the office to decide. The quota is
    floor(appraised x quota_percent / 100), `appraised` counting everyone with at least one graded
    quarter; a percentage above `cap` is refused (field quota_percent). The disqualified follow
    the candidates, in the same order, without a rank.
    """
    check_annual_quota(quota_percent, cap)
    appraised = sum(1 for p in people if any(g is not None for g in p.grades))
    limit = annual_limit(appraised, quota_percent)
    drafts = sorted(
        (_evidence(p, year, sanctioned) for p in people),
        key=lambda r: (not r.candidate, _standing(r), r.name, str(r.person_id)),
    )
    eligible = [r for r in drafts if r.candidate]
    inside, outside = eligible[:limit], eligible[limit:]
    cut = _standing(inside[-1]) if inside else None
    straddles = cut is not None and any(_standing(r) == cut for r in outside)
    rows = tuple(
        dataclasses.replace(
            row,
            rank=rank,
            within_quota=rank <= limit,
            tied_at_limit=straddles and _standing(row) == cut,
        )
        for rank, row in enumerate(eligible, start=1)
    ) + tuple(r for r in drafts if not r.candidate)
    return AnnualCandidates(year, appraised, quota_percent, cap, limit, rows)


# -- taking turns ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TurnRow:
    """One person's quarters in one department: grade next to score rank there."""

    person_id: UUID
    name: str
    grades: tuple[Grade | None, ...]  # None for a quarter outside this department
    scores: tuple[Decimal | None, ...]
    score_ranks: tuple[int | None, ...]  # 1 = highest score in the department that quarter

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "person_id": str(self.person_id),
            "name": self.name,
            "grades": [g.value if g else None for g in self.grades],
            "scores": [str(s) if s is not None else None for s in self.scores],
            "score_ranks": list(self.score_ranks),
        }


@dataclasses.dataclass(frozen=True)
class Inversion:
    """In one quarter and department, someone who scored higher got a lower grade."""

    quarter: int  # 1 to 4
    higher_scorer: UUID  # scored higher, got the lower grade
    lower_scorer: UUID  # scored lower, got the higher grade

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "quarter": self.quarter,
            "higher_scorer": str(self.higher_scorer),
            "lower_scorer": str(self.lower_scorer),
        }


@dataclasses.dataclass(frozen=True)
class DepartmentTurns:
    """One department's year: who held which grade, against how they scored."""

    department_id: UUID | None
    department_name: str | None
    people: tuple[TurnRow, ...]
    inversions: tuple[Inversion, ...]
    top_holders: int  # distinct people at the top grade in some quarter
    top_holders_by_score: int  # the same, had each quarter's top grades gone by score

    @property
    def inversions_by_quarter(self) -> tuple[int, ...]:
        """How many inversions in each quarter, Q1 to Q4."""
        return tuple(sum(1 for i in self.inversions if i.quarter == q) for q in range(1, 5))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "department_id": str(self.department_id) if self.department_id else None,
            "department_name": self.department_name,
            "people": [p.as_dict() for p in self.people],
            "inversions": [i.as_dict() for i in self.inversions],
            "inversions_by_quarter": list(self.inversions_by_quarter),
            "top_holders": self.top_holders,
            "top_holders_by_score": self.top_holders_by_score,
        }


def competition_ranks(scores: Mapping[UUID, Decimal]) -> dict[UUID, int]:
    """Rank by score, highest first; equal scores share a rank and the next rank is skipped
    (95, 90, 90, 80 -> 1, 2, 2, 4).
    """
    ordered = sorted(scores.values(), reverse=True)
    return {p: ordered.index(s) + 1 for p, s in scores.items()}


def _by_score(entries: Mapping[UUID, QuarterResult], names: Mapping[UUID, str]) -> set[UUID]:
    """Who would hold the quarter's top grades had they gone to the highest scores: as many as
    were given, among the scored; at equal scores those who were given it stay first.
    """
    given = sum(1 for e in entries.values() if e.grade is Grade.GOOD)
    scored = sorted(
        (p for p, e in entries.items() if e.score is not None),
        key=lambda p: (
            -(entries[p].score or Decimal(0)),
            entries[p].grade is not Grade.GOOD,
            names[p],
            str(p),
        ),
    )
    return set(scored[:given])


def taking_turns(people: Sequence[PersonYear]) -> tuple[DepartmentTurns, ...]:
    """Each department's grade sequences next to score ranks, with the inversions counted.

    A person appears under each department they were appraised in, with the quarters spent
    elsewhere left empty. An inversion is a pair in the same department and quarter where one
    scored strictly higher but got a strictly lower grade; each pair counts once. Departments come
    in the order of their names, people in the order of their names.
    """
    names = {p.person_id: p.name for p in people}
    departments: dict[UUID | None, str | None] = {}
    # department -> quarter index -> person -> result
    placed: dict[UUID | None, list[dict[UUID, QuarterResult]]] = {}
    for person in people:
        for q, result in enumerate(person.quarters):
            if result is None:
                continue
            departments.setdefault(result.department_id, result.department_name)
            placed.setdefault(result.department_id, [{} for _ in range(QUARTERS)])[q][
                person.person_id
            ] = result
    views = []
    for department_id, quarters in placed.items():
        ranks = [
            competition_ranks({p: e.score for p, e in entries.items() if e.score is not None})
            for entries in quarters
        ]
        members = sorted(
            {p for entries in quarters for p in entries}, key=lambda p: (names[p], str(p))
        )
        rows = tuple(
            TurnRow(
                person_id=p,
                name=names[p],
                grades=tuple(entries[p].grade if p in entries else None for entries in quarters),
                scores=tuple(entries[p].score if p in entries else None for entries in quarters),
                score_ranks=tuple(rank.get(p) for rank in ranks),
            )
            for p in members
        )
        inversions = []
        for q, entries in enumerate(quarters):
            graded = [
                (p, e.score, e.grade)
                for p, e in entries.items()
                if e.score is not None and e.grade is not None
            ]
            for a, score_a, grade_a in graded:
                for b, score_b, grade_b in graded:
                    if score_a > score_b and grade_b.better_than(grade_a):
                        inversions.append(Inversion(q + 1, a, b))
        inversions.sort(key=lambda i: (i.quarter, names[i.higher_scorer], names[i.lower_scorer]))
        holders = {p for entries in quarters for p, e in entries.items() if e.grade is Grade.GOOD}
        by_score = set[UUID]().union(*(_by_score(entries, names) for entries in quarters))
        views.append(
            DepartmentTurns(
                department_id=department_id,
                department_name=departments[department_id],
                people=rows,
                inversions=tuple(inversions),
                top_holders=len(holders),
                top_holders_by_score=len(by_score),
            )
        )
    views.sort(key=lambda v: (v.department_name or "", str(v.department_id)))
    return tuple(views)
