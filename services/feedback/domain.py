"""Feedback from those served (服务对象): satisfaction surveys, praise (表扬) and complaints (投诉)
and how promptly and properly they were handled.

Pure: dates and deadlines come in with each command (deadlines computed on the Chinese
working-day calendar by the application); who acted comes from the kernel's command context.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import NotPermittedError, RuleViolatedError
from services.feedback.vocabulary import (
    ComplaintStatus,
    FiledBy,
    Satisfaction,
    SurveyStatus,
    TargetKind,
)

NAMESPACE = uuid5(NAMESPACE_URL, "https://kaohe.invalid/feedback")
MEAN_RULE = (
    "arithmetic mean of every score given to the department in the survey, rounded half up to "
    "2 decimal places; a department without responses has no result"
)


def quarter_of(day: date) -> str:
    """The quarter a day falls in, as `2026-Q4`."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def check_reason(reason: str | None, field: str = "reason") -> str:
    """Rules that ask for a reason get a real one."""
    if reason is None or len(reason.strip()) < 2:
        raise RuleViolatedError("feedback.reason_required", "give the reason", field=field)
    return reason.strip()


# -- satisfaction surveys --------------------------------------------------------------------


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


# -- praise ----------------------------------------------------------------------------------


def check_praised_by(occurred_on: date, today: date) -> None:
    """Praise records something that has happened: never a day after today."""
    if occurred_on > today:
        raise RuleViolatedError(
            "feedback.praise_not_in_future",
            f"praise is for what has happened, not for {occurred_on.isoformat()}, after today "
            f"({today.isoformat()})",
            field="occurred_on",
        )


class Praise(KaoheAggregate):
    """Praise (表扬) of a person or a department, with its source and what happened."""

    @event("PraiseRecorded")
    def __init__(
        self,
        unit_id: UUID,
        target_kind: TargetKind,
        target_id: UUID,
        department_id: UUID | None,
        source: str,
        what_happened: str,
        occurred_on: date,
        quarter: str,
    ) -> None:
        self.unit_id = unit_id
        self.target_kind = TargetKind(target_kind)
        self.target_id = target_id
        self.department_id = department_id
        self.occurred_on = occurred_on
        self.quarter = quarter


# -- complaints ------------------------------------------------------------------------------


class Complaint(KaoheAggregate):
    """A complaint (投诉) and its handling against a deadline in working days."""

    @event("ComplaintFiled")
    def __init__(
        self,
        unit_id: UUID,
        target_kind: TargetKind,
        target_id: UUID,
        department_id: UUID | None,
        filed_by: FiledBy,
        anonymous: bool,
        complainant: dict[str, Any] | None,
        content: str,
        received_on: date,
        deadline_on: date,
        deadline_provisional: bool,
        quarter: str,
    ) -> None:
        self.unit_id = unit_id
        self.target_kind = TargetKind(target_kind)
        self.target_id = target_id
        self.department_id = department_id
        self.anonymous = anonymous
        self.received_on = received_on
        self.deadline_on = deadline_on
        self.quarter = quarter
        self.status = ComplaintStatus.FILED
        self.handler_id: UUID | None = None
        self.overdue = False
        self.late: bool | None = None
        self.satisfaction: Satisfaction | None = None
        self.sealed_filer: str | None = None
        self.disclosures = 0

    @classmethod
    def file(
        cls,
        unit_id: UUID,
        target_kind: TargetKind,
        target_id: UUID,
        department_id: UUID | None,
        filed_by: FiledBy,
        complainant: dict[str, Any] | None,
        content: str,
        received_on: date,
        deadline_on: date,
        deadline_provisional: bool,
        today: date,
    ) -> Complaint:
        """File a complaint; an anonymous one carries no complainant."""
        anonymous = complainant is None
        if received_on > today:
            raise RuleViolatedError(
                "feedback.received_not_in_future",
                f"a complaint cannot be received after today ({today.isoformat()})",
                field="received_on",
            )
        return cls(
            unit_id,
            target_kind,
            target_id,
            department_id,
            filed_by,
            anonymous,
            complainant,
            content,
            received_on,
            deadline_on,
            deadline_provisional,
            quarter_of(received_on),
        )

    def seal_filer(self, sealed_filer: str, key_id: str) -> None:
        """Keep an anonymous complaint's filer sealed for the disclosure authority."""
        if not self.anonymous or self.sealed_filer is not None:
            raise RuleViolatedError(
                "feedback.seal_once_if_anonymous",
                "only an anonymous complaint has its filer sealed, once, when it is filed",
                field="complainant",
            )
        self._filer_sealed(sealed_filer, key_id)

    @event("ComplaintFilerSealed")
    def _filer_sealed(self, sealed_filer: str, key_id: str) -> None:
        self.sealed_filer = sealed_filer

    def disclose_filer(self) -> str:
        """Record that the disclosure authority opens the seal (who, when and why are the
        event's metadata); returns the seal to open.
        """
        if self.sealed_filer is None:
            raise RuleViolatedError(
                "feedback.filer_sealed",
                "this complaint has no sealed filer: it is not anonymous, or it was filed before "
                "filers were sealed (its filing event names the filer to the log's keepers only)",
                field="complaint_id",
            )
        self._filer_disclosed(self.disclosures + 1)
        return self.sealed_filer

    @event("ComplaintFilerDisclosed")
    def _filer_disclosed(self, disclosure: int) -> None:
        self.disclosures = disclosure

    def check_status(self, *allowed: ComplaintStatus) -> None:
        """Each handling step follows the one before it."""
        if self.status not in allowed:
            wanted = " or ".join(f"{s.value} ({s.label})" for s in allowed)
            raise RuleViolatedError(
                "feedback.complaint_status_allows",
                f"the complaint is {self.status.value} ({self.status.label}); "
                f"this needs it {wanted}",
                field="status",
            )

    def assign(self, handler_id: UUID) -> None:
        """Assign (or reassign) the complaint to whoever must handle it."""
        self.check_status(ComplaintStatus.FILED, ComplaintStatus.ASSIGNED)
        self._assigned(handler_id)

    @event("ComplaintAssigned")
    def _assigned(self, handler_id: UUID) -> None:
        self.handler_id = handler_id
        self.status = ComplaintStatus.ASSIGNED

    def respond(self, actor_id: UUID, response: str) -> None:
        """The assigned handler responds to the complainant."""
        self.check_status(ComplaintStatus.ASSIGNED, ComplaintStatus.RESPONDED)
        if actor_id != self.handler_id:
            raise NotPermittedError(
                "feedback.handler_responds",
                "only the person the complaint is assigned to responds to it",
                missing_relation="ASSIGNED_HANDLER",
            )
        self._responded(response)

    @event("ComplaintResponded")
    def _responded(self, response: str) -> None:
        self.status = ComplaintStatus.RESPONDED

    def check_handled_on(self, day: date, today: date, field: str) -> None:
        """Handling happens between receipt and today: never before, never in the future."""
        if day < self.received_on or day > today:
            raise RuleViolatedError(
                "feedback.handled_between_receipt_and_today",
                f"{day.isoformat()} is before the complaint was received "
                f"({self.received_on.isoformat()}) or after today ({today.isoformat()})",
                field=field,
            )

    def resolve(
        self, satisfaction: Satisfaction, resolved_on: date, note: str | None, today: date
    ) -> None:
        """Resolve with the complainant's satisfaction; resolved after the deadline is late."""
        if self.status is ComplaintStatus.FILED:
            raise RuleViolatedError(
                "feedback.assigned_before_resolved",
                "a complaint cannot be resolved before it is assigned to someone to handle",
                field="status",
            )
        self.check_status(ComplaintStatus.ASSIGNED, ComplaintStatus.RESPONDED)
        self.check_handled_on(resolved_on, today, "resolved_on")
        self._resolved(satisfaction, resolved_on, resolved_on > self.deadline_on, note)

    @event("ComplaintResolved")
    def _resolved(
        self, satisfaction: Satisfaction, resolved_on: date, late: bool, note: str | None
    ) -> None:
        self.status = ComplaintStatus.RESOLVED
        self.satisfaction = Satisfaction(satisfaction)
        self.late = late

    def dismiss(self, reason: str, dismissed_on: date) -> None:
        """Dismiss as unfounded (查无实据), with the reason; the dismissal stays on record."""
        self.check_status(
            ComplaintStatus.FILED, ComplaintStatus.ASSIGNED, ComplaintStatus.RESPONDED
        )
        self._dismissed(check_reason(reason), dismissed_on)

    @event("ComplaintDismissed")
    def _dismissed(self, reason: str, dismissed_on: date) -> None:
        self.status = ComplaintStatus.DISMISSED

    def check_overdue(self, today: date) -> bool:
        """Flag the complaint overdue once, if it is still open past its deadline."""
        if self.overdue or not self.status.is_open or today <= self.deadline_on:
            return False
        self._became_overdue(self.deadline_on, today)
        return True

    @event("ComplaintBecameOverdue")
    def _became_overdue(self, deadline_on: date, detected_on: date) -> None:
        self.overdue = True


# -- the unit's configuration ----------------------------------------------------------------


class FeedbackPolicy(KaoheAggregate):
    """The unit's feedback configuration: the complaint handling deadline in working days and
    the survey scale. Absent, the defaults apply (5 working days; 0 to 100).
    """

    DEFAULT_HANDLING_DAYS = 5
    DEFAULT_SCALE = (Decimal(0), Decimal(100))

    @staticmethod
    def create_id(unit_id: UUID) -> UUID:
        """One policy per unit."""
        return uuid5(NAMESPACE, f"policy/{unit_id}")

    @event("PolicySet")
    def __init__(self, unit_id: UUID, handling_days: int, scale_low: str, scale_high: str) -> None:
        self.unit_id = unit_id
        self.handling_days = handling_days
        self.scale = (Decimal(scale_low), Decimal(scale_high))

    @staticmethod
    def check(handling_days: int, scale_low: Decimal, scale_high: Decimal) -> None:
        """A deadline of 1 to 60 working days; a scale that runs upwards."""
        if not 1 <= handling_days <= 60:
            raise RuleViolatedError(
                "feedback.handling_days_range",
                f"the handling deadline is 1 to 60 working days, not {handling_days}",
                field="handling_days",
            )
        if scale_low >= scale_high:
            raise RuleViolatedError(
                "feedback.scale_range",
                f"the scale runs from low to high, not {scale_low} to {scale_high}",
                field="scale_low",
            )

    def change(self, handling_days: int, scale_low: Decimal, scale_high: Decimal) -> None:
        """Change the configuration from now on; what was decided before keeps its values."""
        self.check(handling_days, scale_low, scale_high)
        self._changed(handling_days, str(scale_low), str(scale_high))

    @event("PolicyChanged")
    def _changed(self, handling_days: int, scale_low: str, scale_high: str) -> None:
        self.handling_days = handling_days
        self.scale = (Decimal(scale_low), Decimal(scale_high))
