"""A quarter's satisfaction survey (满意度调查) of the city's cadres about the service departments:
its scale, the responses, and the results fixed when it closes.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import RuleViolatedError
from services.feedback.domain.shared import NAMESPACE
from services.feedback.vocabulary import (
    SurveyStatus,
)

MEAN_RULE = (
    "arithmetic mean of every score given to the department in the survey, rounded half up to "
    "2 decimal places; a department without responses has no result"
)


@dataclasses.dataclass(frozen=True)
class Scale:
    """The scores a survey accepts, inclusive."""

    low: Decimal
    high: Decimal

    @property
    def width(self) -> Decimal:
        """Bins are one point wide on scales of up to 10 points, a tenth of the scale otherwise."""
        span = self.high - self.low
        return Decimal(1) if span <= 10 else span / 10

    def bins(self) -> list[tuple[Decimal, Decimal]]:
        """Distribution bins [from, to); the last one also holds the top of the scale."""
        count = int((self.high - self.low) / self.width) + (1 if self.width == 1 else 0)
        return [(self.low + self.width * i, self.low + self.width * (i + 1)) for i in range(count)]

    def bin_of(self, score: Decimal) -> int:
        """The bin a score on the scale falls in."""
        last = len(self.bins()) - 1
        return min(int((score - self.low) / self.width), last)


class Survey(KaoheAggregate):
    """A quarter's satisfaction survey of the city's cadres about the service departments."""

    @staticmethod
    def create_id(unit_id: UUID, quarter: str) -> UUID:
        """One survey per unit and quarter."""
        return uuid5(NAMESPACE, f"survey/{unit_id}/{quarter}")

    @event("SurveyOpened")
    def __init__(
        self,
        unit_id: UUID,
        quarter: str,
        unit_name: str,
        departments: list[dict[str, str]],
        scale_low: str,
        scale_high: str,
    ) -> None:
        self.unit_id = unit_id
        self.quarter = quarter
        self.unit_name = unit_name
        self.departments = {UUID(d["department_id"]): d["name"] for d in departments}
        self.scale = Scale(Decimal(scale_low), Decimal(scale_high))
        self.status = SurveyStatus.OPEN
        self.responses: list[dict[str, Any]] = []
        self.results: list[dict[str, Any]] = []

    @classmethod
    def open(
        cls,
        unit_id: UUID,
        quarter: str,
        unit_name: str,
        departments: list[tuple[UUID, str]],
        scale_low: Decimal,
        scale_high: Decimal,
    ) -> Survey:
        """Open a survey of the given service departments on a scale."""
        if not departments:
            raise RuleViolatedError(
                "feedback.survey_names_departments",
                "a survey asks about at least one service department",
                field="department_ids",
            )
        if scale_low >= scale_high:
            raise RuleViolatedError(
                "feedback.scale_range",
                f"the scale runs from low to high, not {scale_low} to {scale_high}",
                field="scale",
            )
        return cls(
            unit_id,
            quarter,
            unit_name,
            [{"department_id": str(d), "name": n} for d, n in departments],
            str(scale_low),
            str(scale_high),
        )

    def check_open(self) -> None:
        """A closed survey accepts no more responses."""
        if self.status is SurveyStatus.CLOSED:
            raise RuleViolatedError(
                "feedback.survey_closed",
                f"the {self.quarter} survey is closed: it accepts no more responses",
                field="survey_id",
            )

    def check_response(self, response: dict[str, Any], where: str = "") -> dict[str, Any]:
        """One respondent of another agency scores one or more of the survey's departments."""
        agency = str(response.get("respondent_agency") or "").strip()
        if not agency:
            raise RuleViolatedError(
                "feedback.respondent_agency",
                "say which agency the respondent works for",
                field=f"{where}respondent_agency",
            )
        if agency == self.unit_name:
            raise RuleViolatedError(
                "feedback.respondent_outside_unit",
                f"respondents are cadres of other agencies, not of {self.unit_name}",
                field=f"{where}respondent_agency",
            )
        scores = response.get("scores") or {}
        if not scores:
            raise RuleViolatedError(
                "feedback.response_scores",
                "score at least one department",
                field=f"{where}scores",
            )
        checked: dict[str, str] = {}
        for department, raw in scores.items():
            department_id = UUID(str(department))
            if department_id not in self.departments:
                raise RuleViolatedError(
                    "feedback.department_in_survey",
                    f"department {department} is not in the {self.quarter} survey",
                    field=f"{where}scores.{department}",
                )
            score = Decimal(str(raw))
            if not self.scale.low <= score <= self.scale.high:
                raise RuleViolatedError(
                    "feedback.score_in_scale",
                    f"{self.departments[department_id]}: {score} is outside the scale "
                    f"{self.scale.low} to {self.scale.high}",
                    field=f"{where}scores.{department}",
                )
            checked[str(department_id)] = str(score)
        return {
            "response_id": str(uuid4()),
            "respondent_agency": agency,
            "respondent": response.get("respondent"),
            "scores": checked,
            "comment": response.get("comment"),
        }

    def record_responses(self, responses: list[dict[str, Any]], source: str) -> list[str]:
        """Record valid responses (all or nothing); returns their ids."""
        self.check_open()
        checked = [
            self.check_response(r, f"responses.{i}." if len(responses) > 1 else "")
            for i, r in enumerate(responses)
        ]
        self._responses_recorded(checked, source)
        return [c["response_id"] for c in checked]

    @event("ResponsesRecorded")
    def _responses_recorded(self, responses: list[dict[str, Any]], source: str) -> None:
        self.responses.extend(responses)

    def close(self) -> list[dict[str, Any]]:
        """Close the survey, fixing each department's result."""
        self.check_open()
        results = [self.result_for(d) for d in self.departments]
        self._closed([r for r in results if r["count"]], MEAN_RULE)
        return self.results

    def result_for(self, department_id: UUID) -> dict[str, Any]:
        """Mean, count and distribution of the department's scores so far."""
        scores = [
            Decimal(r["scores"][str(department_id)])
            for r in self.responses
            if str(department_id) in r["scores"]
        ]
        bins = self.scale.bins()
        counts = [0] * len(bins)
        for score in scores:
            counts[self.scale.bin_of(score)] += 1
        cent = Decimal("0.01")
        mean = (
            (sum(scores, Decimal(0)) / len(scores)).quantize(cent, rounding=ROUND_HALF_UP)
            if scores
            else None
        )
        return {
            "department_id": str(department_id),
            "name": self.departments[department_id],
            "count": len(scores),
            "mean": str(mean) if mean is not None else None,
            "distribution": [
                {"from": str(low), "to": str(high), "count": n}
                for (low, high), n in zip(bins, counts, strict=True)
            ],
        }

    @event("SurveyClosed")
    def _closed(self, results: list[dict[str, Any]], rule: str) -> None:
        self.status = SurveyStatus.CLOSED
        self.results = results
