"""A cycle's configuration (考核方案): indicators and weights, grade bands, the top-grade quota, the
publicity period and the feedback formula. Fixed when the cycle opens and recorded in full.

Pure; every check names the field it refuses, with the path into the configuration.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from kernel.errors import RuleViolatedError
from kernel.text import is_visible
from services.directory.managers import ManagerRelation
from services.directory.vocabulary import PositionCategory
from services.reviews.vocabulary import Grade, IndicatorSource, Rounding

HUNDRED = Decimal(100)
CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")


def decimal(value: object, field: str) -> Decimal:
    """A number, or an error naming the field."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise RuleViolatedError(
            "reviews.number", f"{value!r} is not a number", field=field
        ) from None
    if not number.is_finite():
        raise RuleViolatedError("reviews.number", f"{value!r} is not a number", field=field)
    return number


def whole(value: object, field: str) -> int:
    """A whole number, or an error naming the field (0 stays 0, for the range check to refuse)."""
    number = decimal(value, field)
    if number != number.to_integral_value():
        raise RuleViolatedError("reviews.number", f"{value!r} is not a whole number", field=field)
    return int(number)


@dataclasses.dataclass(frozen=True)
class Indicator:
    """One indicator (考核指标) with its weight in points out of 100."""

    code: str
    name: str
    weight: Decimal
    source: IndicatorSource = IndicatorSource.RATED

    def as_dict(self) -> dict[str, Any]:
        """The recorded form."""
        return {
            "code": self.code,
            "name": self.name,
            "weight": str(self.weight),
            "source": self.source.value,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], field: str = "indicator") -> Indicator:
        """Parse and check one indicator."""
        code = str(d.get("code") or "")
        if not CODE.fullmatch(code):
            raise RuleViolatedError(
                "reviews.indicator_code",
                f"{code!r} is not an indicator code: upper-case letters, digits and _",
                field=f"{field}.code",
            )
        name = str(d.get("name") or "").strip()
        if not is_visible(name):
            raise RuleViolatedError(
                "reviews.indicator_name",
                "name the indicator with at least one visible character",
                field=f"{field}.name",
            )
        weight = decimal(d.get("weight"), f"{field}.weight")
        if not Decimal(0) < weight <= HUNDRED:
            raise RuleViolatedError(
                "reviews.indicator_weight",
                f"a weight is more than 0 and at most 100 points, not {weight}",
                field=f"{field}.weight",
            )
        try:
            source = IndicatorSource(d.get("source") or "RATED")
        except ValueError:
            raise RuleViolatedError(
                "reviews.indicator_source",
                f"source is RATED or FEEDBACK, not {d.get('source')!r}",
                field=f"{field}.source",
            ) from None
        return cls(code, name, weight, source)


@dataclasses.dataclass(frozen=True)
class FeedbackFormula:
    """How feedback facts become a service position's feedback indicator score (0 to 100).

    score = clamp(0, 100, satisfaction + praise_points x praise
                          - complaint_points x complaints not handled on time and properly
                          - overdue_points x complaints overdue)
    where satisfaction is the department's survey mean put on a 0-100 scale (mean - low) /
    (high - low) x 100, or `no_survey_score` when the department had no result; praise and
    complaints are the person's own in the quarter; dismissed complaints do not count.
    """

    no_survey_score: Decimal = Decimal(80)
    praise_points: Decimal = Decimal(2)
    complaint_points: Decimal = Decimal(5)
    overdue_points: Decimal = Decimal(10)

    def as_dict(self) -> dict[str, str]:
        """The recorded form."""
        return {f.name: str(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, d: dict[str, Any], field: str = "feedback_formula") -> FeedbackFormula:
        """Parse and check the formula's parameters."""
        values: dict[str, Decimal] = {}
        for f in dataclasses.fields(cls):
            if d.get(f.name) is None:
                continue
            number = decimal(d[f.name], f"{field}.{f.name}")
            if not Decimal(0) <= number <= HUNDRED:
                raise RuleViolatedError(
                    "reviews.formula_range",
                    f"{f.name} is between 0 and 100, not {number}",
                    field=f"{field}.{f.name}",
                )
            values[f.name] = number
        return cls(**values)


DEFAULT_COMMON = (
    Indicator("POLITICAL_QUALITY", "政治素质", Decimal(20)),
    Indicator("INTEGRITY", "廉洁自律", Decimal(10)),
    Indicator("WORK_STYLE", "工作作风", Decimal(10)),
)
DEFAULT_INDIVIDUAL: dict[PositionCategory, tuple[Indicator, ...]] = {
    category: (
        Indicator("GOAL_DELIVERY", "目标完成", Decimal(40)),
        Indicator("COMPETENCE", "业务能力", Decimal(20)),
    )
    for category in PositionCategory
    if category is not PositionCategory.SERVICE
}
DEFAULT_INDIVIDUAL[PositionCategory.SERVICE] = (
    Indicator("GOAL_DELIVERY", "目标完成", Decimal(20)),
    Indicator("SERVICE_QUALITY", "服务质量", Decimal(10)),
    Indicator("SERVED_FEEDBACK", "服务对象评价", Decimal(30), IndicatorSource.FEEDBACK),
)
DEFAULT_BANDS = (
    (Grade.GOOD, Decimal(90)),
    (Grade.FAIRLY_GOOD, Decimal(80)),
    (Grade.AVERAGE, Decimal(60)),
    (Grade.POOR, Decimal(0)),
)
DEFAULT_RATER_WEIGHTS = {
    ManagerRelation.DEPARTMENT_HEAD: Decimal(50),
    ManagerRelation.SUPERVISING_LEADER: Decimal(50),
}


@dataclasses.dataclass(frozen=True)
class CycleConfig:
    """Everything that decides scores, grades and deadlines in one cycle."""

    common: tuple[Indicator, ...] = DEFAULT_COMMON
    individual: dict[PositionCategory, tuple[Indicator, ...]] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_INDIVIDUAL)
    )
    bands: tuple[tuple[Grade, Decimal], ...] = DEFAULT_BANDS
    rater_weights: dict[ManagerRelation, Decimal] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_RATER_WEIGHTS)
    )
    quota_percent: Decimal = Decimal(40)
    quota_rounding: Rounding = Rounding.FLOOR
    publicity_days: int = 5
    objection_days: int = 5
    feedback_formula: FeedbackFormula = FeedbackFormula()

    # -- what the configuration decides --

    def indicators_for(self, category: PositionCategory) -> tuple[Indicator, ...]:
        """The common indicators, then the category's individual ones."""
        return self.common + self.individual.get(category, ())

    def grade_for(self, score: Decimal) -> Grade:
        """The grade a composite score falls in (the highest band whose minimum it reaches)."""
        for grade, minimum in self.bands:
            if score >= minimum:
                return grade
        return Grade.POOR

    def quota_limit(self, participants: int) -> int:
        """How many people may have the top grade: quota_percent of the participants, rounded by
        `quota_rounding` (FLOOR: 40% of 12 = 4.8 -> 4; HALF_UP: -> 5).
        """
        exact = Decimal(participants) * self.quota_percent / HUNDRED
        mode = ROUND_FLOOR if self.quota_rounding is Rounding.FLOOR else ROUND_HALF_UP
        return int(exact.to_integral_value(rounding=mode))

    def rater_weight(self, relation: ManagerRelation) -> Decimal:
        """A rater's weight; the principal leader rates alone (the unit's deputies), so any
        positive weight will do for them.
        """
        return self.rater_weights.get(relation, HUNDRED)

    # -- the recorded form --

    def as_dict(self) -> dict[str, Any]:
        """The configuration as recorded in the cycle's opening event."""
        return {
            "common": [i.as_dict() for i in self.common],
            "individual": {
                c.value: [i.as_dict() for i in inds] for c, inds in self.individual.items()
            },
            "bands": [{"grade": g.value, "min_score": str(m)} for g, m in self.bands],
            "rater_weights": {r.value: str(w) for r, w in self.rater_weights.items()},
            "quota_percent": str(self.quota_percent),
            "quota_rounding": self.quota_rounding.value,
            "publicity_days": self.publicity_days,
            "objection_days": self.objection_days,
            "feedback_formula": self.feedback_formula.as_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CycleConfig:
        """Parse and check a configuration; absent parts take the defaults."""
        default = cls()
        common = (
            tuple(Indicator.from_dict(x, f"config.common.{i}") for i, x in enumerate(d["common"]))
            if d.get("common") is not None
            else default.common
        )
        individual = dict(default.individual)
        if d.get("individual") is not None:
            individual = {}
            for key, items in d["individual"].items():
                try:
                    category = PositionCategory(key)
                except ValueError:
                    raise RuleViolatedError(
                        "reviews.position_category",
                        f"{key!r} is not a position category "
                        f"({', '.join(c.value for c in PositionCategory)})",
                        field=f"config.individual.{key}",
                    ) from None
                individual[category] = tuple(
                    Indicator.from_dict(x, f"config.individual.{key}.{i}")
                    for i, x in enumerate(items)
                )
        bands = default.bands
        if d.get("bands") is not None:
            parsed = []
            for i, band in enumerate(d["bands"]):
                try:
                    grade = Grade(band.get("grade"))
                except ValueError:
                    raise RuleViolatedError(
                        "reviews.band_grade",
                        f"{band.get('grade')!r} is not a grade",
                        field=f"config.bands.{i}.grade",
                    ) from None
                parsed.append(
                    (grade, decimal(band.get("min_score"), f"config.bands.{i}.min_score"))
                )
            bands = tuple(parsed)
        weights = default.rater_weights
        if d.get("rater_weights") is not None:
            weights = {}
            for key, value in d["rater_weights"].items():
                try:
                    relation = ManagerRelation(key)
                except ValueError:
                    raise RuleViolatedError(
                        "reviews.rater_relation",
                        f"{key!r} is not a rater relation",
                        field=f"config.rater_weights.{key}",
                    ) from None
                weights[relation] = decimal(value, f"config.rater_weights.{key}")
        try:
            rounding = Rounding(d.get("quota_rounding") or default.quota_rounding)
        except ValueError:
            raise RuleViolatedError(
                "reviews.quota_rounding",
                "quota_rounding is FLOOR (向下取整) or HALF_UP (四舍五入)",
                field="config.quota_rounding",
            ) from None
        config = cls(
            common=common,
            individual=individual,
            bands=bands,
            rater_weights=weights,
            quota_percent=decimal(
                default.quota_percent if d.get("quota_percent") is None else d["quota_percent"],
                "config.quota_percent",
            ),
            quota_rounding=rounding,
            publicity_days=whole(
                default.publicity_days if d.get("publicity_days") is None else d["publicity_days"],
                "config.publicity_days",
            ),
            objection_days=whole(
                default.objection_days if d.get("objection_days") is None else d["objection_days"],
                "config.objection_days",
            ),
            feedback_formula=FeedbackFormula.from_dict(
                d.get("feedback_formula") or {}, "config.feedback_formula"
            ),
        )
        config.check()
        return config

    # -- rules --

    def check(self) -> None:
        """Weights sum to 100 per category; bands descend and cover 0; the quota and periods are
        sensible; feedback indicators only for service positions.
        """
        for category in PositionCategory:
            indicators = self.indicators_for(category)
            where = (
                f"config.individual.{category.value}"
                if category in self.individual
                else "config.common"
            )
            codes = [i.code for i in indicators]
            duplicate = next((c for c in codes if codes.count(c) > 1), None)
            if duplicate:
                raise RuleViolatedError(
                    "reviews.indicator_unique",
                    f"indicator {duplicate} appears twice for {category.value} ({category.label})",
                    field=where,
                )
            total = sum((i.weight for i in indicators), Decimal(0))
            if total != HUNDRED:
                raise RuleViolatedError(
                    "reviews.weights_sum_to_100",
                    f"the weights for {category.value} ({category.label}) sum to {total}, not 100 "
                    "(common indicators plus the category's individual ones)",
                    field=where,
                )
            feedback = [i for i in indicators if i.source is IndicatorSource.FEEDBACK]
            if feedback and category is not PositionCategory.SERVICE:
                raise RuleViolatedError(
                    "reviews.feedback_for_service_positions",
                    f"{feedback[0].code} is scored from feedback, which only service positions "
                    "(SERVICE 事务服务) have",
                    field=where,
                )
        minima = [m for _, m in self.bands]
        grades = [g for g, _ in self.bands]
        if grades != list(Grade) or minima != sorted(minima, reverse=True) or minima[-1] != 0:
            raise RuleViolatedError(
                "reviews.bands",
                "give one band per grade, best first (GOOD, FAIRLY_GOOD, AVERAGE, POOR), with "
                "descending minimum scores, the last one 0",
                field="config.bands",
            )
        if len(set(minima)) != len(minima) or minima[0] > HUNDRED:
            raise RuleViolatedError(
                "reviews.bands",
                "band minimums are distinct scores from 0 to 100",
                field="config.bands",
            )
        if not Decimal(0) < self.quota_percent <= HUNDRED:
            raise RuleViolatedError(
                "reviews.quota_percent",
                f"the top-grade quota is a percentage above 0, not {self.quota_percent}",
                field="config.quota_percent",
            )
        for relation, weight in self.rater_weights.items():
            if weight <= 0:
                raise RuleViolatedError(
                    "reviews.rater_weight",
                    f"{relation.value} ({relation.label}) weighs more than 0",
                    field=f"config.rater_weights.{relation.value}",
                )
        if not 1 <= self.publicity_days <= 30:
            raise RuleViolatedError(
                "reviews.publicity_days",
                "the publicity period (公示期) is 1 to 30 working days",
                field="config.publicity_days",
            )
        if not 1 <= self.objection_days <= self.publicity_days:
            raise RuleViolatedError(
                "reviews.objection_window",
                "objections are taken for 1 working day up to the whole publicity period",
                field="config.objection_days",
            )
