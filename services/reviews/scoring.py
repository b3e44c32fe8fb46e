"""How numbers are derived: the feedback indicator score, the composite score with every step
shown, the top-grade quota and grades out of line with the evidence. Pure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from services.directory.managers import ManagerRelation
from services.directory.vocabulary import PositionCategory
from services.reviews.scheme import HUNDRED, CycleConfig, FeedbackFormula
from services.reviews.vocabulary import Grade, IndicatorSource

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Rounded half up to 2 decimal places: the one rounding step, at the end of a derivation."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclasses.dataclass(frozen=True)
class FeedbackFacts:
    """A person's feedback in a quarter, as the feedback log recorded it when appraisal began."""

    department_mean: Decimal | None = None
    scale_low: Decimal = Decimal(0)
    scale_high: Decimal = HUNDRED
    praise: int = 0
    complaints: int = 0
    handled_well: int = 0
    dismissed: int = 0
    overdue: int = 0

    @property
    def not_handled_well(self) -> int:
        """Complaints (not dismissed) not handled both on time and to the complainant's
        satisfaction, including those still open.
        """
        return max(self.complaints - self.dismissed - self.handled_well, 0)

    def as_dict(self) -> dict[str, Any]:
        """The recorded form."""
        return {
            "department_mean": str(self.department_mean)
            if self.department_mean is not None
            else None,
            "scale_low": str(self.scale_low),
            "scale_high": str(self.scale_high),
            "praise": self.praise,
            "complaints": self.complaints,
            "handled_well": self.handled_well,
            "dismissed": self.dismissed,
            "overdue": self.overdue,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FeedbackFacts:
        """Read back the recorded form."""
        mean = d.get("department_mean")
        return cls(
            department_mean=Decimal(mean) if mean is not None else None,
            scale_low=Decimal(d.get("scale_low", "0")),
            scale_high=Decimal(d.get("scale_high", "100")),
            praise=int(d.get("praise", 0)),
            complaints=int(d.get("complaints", 0)),
            handled_well=int(d.get("handled_well", 0)),
            dismissed=int(d.get("dismissed", 0)),
            overdue=int(d.get("overdue", 0)),
        )


@dataclasses.dataclass(frozen=True)
class Derived:
    """A number and the steps that produced it, in words a reader can check."""

    value: Decimal
    steps: tuple[str, ...]


def feedback_score(formula: FeedbackFormula, facts: FeedbackFacts) -> Derived:
    """The feedback indicator's score (0 to 100), following the cycle's formula."""
    steps = []
    if facts.department_mean is None:
        base = formula.no_survey_score
        steps.append(f"满意度 satisfaction: no survey result, {base}")
    else:
        span = facts.scale_high - facts.scale_low
        base = (facts.department_mean - facts.scale_low) / span * HUNDRED
        steps.append(
            f"满意度 satisfaction: ({facts.department_mean} - {facts.scale_low}) / "
            f"({facts.scale_high} - {facts.scale_low}) x 100 = {cents(base)}"
        )
    plus = formula.praise_points * facts.praise
    minus = (
        formula.complaint_points * facts.not_handled_well + formula.overdue_points * facts.overdue
    )
    steps.append(f"表扬 praise: {facts.praise} x {formula.praise_points} = +{plus}")
    steps.append(
        f"投诉 complaints not handled on time and properly: {facts.not_handled_well} x "
        f"{formula.complaint_points}; overdue: {facts.overdue} x {formula.overdue_points} "
        f"= -{minus}"
    )
    raw = base + plus - minus
    value = cents(min(max(raw, Decimal(0)), HUNDRED))
    steps.append(f"clamped to 0..100 and rounded: {value}")
    return Derived(value, tuple(steps))


@dataclasses.dataclass(frozen=True)
class IndicatorLine:
    """One indicator's part of a composite score."""

    code: str
    name: str
    weight: Decimal
    source: IndicatorSource
    scores: dict[ManagerRelation, Decimal]  # rated: each rater's score
    score: Decimal | None  # the indicator's score (raters' weighted mean, or the formula's)
    contribution: Decimal | None  # weight x score / 100

    def as_dict(self) -> dict[str, Any]:
        """The recorded form."""
        return {
            "code": self.code,
            "name": self.name,
            "weight": str(self.weight),
            "source": self.source.value,
            "scores": {r.value: str(s) for r, s in self.scores.items()},
            "score": str(self.score) if self.score is not None else None,
            "contribution": str(self.contribution) if self.contribution is not None else None,
        }


@dataclasses.dataclass(frozen=True)
class Composite:
    """A composite score (综合得分) with each step of its derivation."""

    lines: tuple[IndicatorLine, ...]
    rater_weights: dict[ManagerRelation, Decimal]
    score: Decimal | None  # None while a required rating is missing
    missing: tuple[ManagerRelation, ...]

    def as_dict(self) -> dict[str, Any]:
        """The recorded form."""
        return {
            "lines": [line.as_dict() for line in self.lines],
            "rater_weights": {r.value: str(w) for r, w in self.rater_weights.items()},
            "score": str(self.score) if self.score is not None else None,
            "missing": [m.value for m in self.missing],
        }


def composite(
    config: CycleConfig,
    category: PositionCategory,
    required: tuple[ManagerRelation, ...],
    ratings: Mapping[ManagerRelation, Mapping[str, Decimal]],
    feedback: Decimal | None,
) -> Composite:
    """The composite score: for each indicator, its score (the required raters' scores weighted by
    the configured rater weights, or the feedback formula's) times its weight over 100, summed and
    rounded half up to 2 places once, at the end. None while a required rating is missing.
    """
    present = tuple(r for r in required if r in ratings)
    missing = tuple(r for r in required if r not in ratings)
    weights = {r: config.rater_weight(r) for r in present}
    total_weight = sum(weights.values(), Decimal(0))
    lines = []
    exact: list[Decimal] = []
    for indicator in config.indicators_for(category):
        scores: dict[ManagerRelation, Decimal] = {}
        score: Decimal | None = None
        if indicator.source is IndicatorSource.FEEDBACK:
            score = feedback
        else:
            scores = {r: ratings[r][indicator.code] for r in present}
            if scores and not missing:
                weighted = sum((weights[r] * s for r, s in scores.items()), Decimal(0))
                score = weighted / total_weight
        contribution = indicator.weight * score / HUNDRED if score is not None else None
        if contribution is not None:
            exact.append(contribution)
        lines.append(
            IndicatorLine(
                indicator.code,
                indicator.name,
                indicator.weight,
                indicator.source,
                scores,
                cents(score) if score is not None else None,
                cents(contribution) if contribution is not None else None,
            )
        )
    complete = bool(required) and not missing and len(exact) == len(lines)
    return Composite(
        tuple(lines), weights, cents(sum(exact, Decimal(0))) if complete else None, missing
    )


# -- grades ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class QuotaCheck:
    """The top-grade count against its limit."""

    participants: int
    limit: int
    top: int

    @property
    def ok(self) -> bool:
        """Whether the top grade stays within the quota."""
        return self.top <= self.limit

    def as_dict(self) -> dict[str, Any]:
        """The recorded form."""
        return {
            "participants": self.participants,
            "limit": self.limit,
            "top": self.top,
            "ok": self.ok,
        }


def quota_check(config: CycleConfig, participants: int, grades: Mapping[UUID, Grade]) -> QuotaCheck:
    """Count the top grades against the cycle's quota."""
    top = sum(1 for g in grades.values() if g is Grade.GOOD)
    return QuotaCheck(participants, config.quota_limit(participants), top)


def out_of_line(
    grades: Mapping[UUID, Grade], scores: Mapping[UUID, Decimal | None]
) -> dict[UUID, UUID]:
    """Each person whose grade is higher than that of a peer with a higher composite score,
    mapped to that peer (the highest-scoring one): their grade needs a written justification.
    """
    found: dict[UUID, UUID] = {}
    scored = sorted(
        ((p, s) for p, s in scores.items() if s is not None and p in grades),
        key=lambda ps: (-ps[1], str(ps[0])),
    )
    for person, score in scored:
        assert score is not None
        for peer, peer_score in scored:
            assert peer_score is not None
            if peer_score <= score:
                break
            if grades[person].better_than(grades[peer]):
                found[person] = peer
                break
    return found
