"""The feedback facts other services decide with, read from the feedback service's published log.

The reviews service reads a quarter's survey and each person's praise and complaints when the
quarter's appraisal begins; no synchronous call to the feedback service is made.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from uuid import UUID

from kernel.store import LogReading, ServiceApplication
from services.feedback.application import Feedback
from services.feedback.domain import Complaint, Praise, Survey
from services.feedback.vocabulary import (
    ComplaintStatus,
    Satisfaction,
    SurveyStatus,
    TargetKind,
)


@dataclasses.dataclass
class PersonFeedback:
    """A person's own praise and complaints in a quarter."""

    praise: int = 0
    complaints: int = 0
    handled_well: int = 0  # resolved on time with the complainant satisfied
    dismissed: int = 0
    overdue: int = 0


@dataclasses.dataclass(frozen=True)
class QuarterFeedback:
    """What the feedback log says of one unit's quarter."""

    survey_closed: bool | None  # None: no survey was opened
    scale: tuple[Decimal, Decimal]
    department_means: dict[UUID, Decimal]
    people: dict[UUID, PersonFeedback]


class FeedbackLog:
    """Read-only questions about feedback, answered from the feedback log."""

    def __init__(self, feedback: ServiceApplication) -> None:
        self._feedback = feedback

    @classmethod
    def on_postgres(cls, database_url: str) -> FeedbackLog:
        """The feedback log on the PostgreSQL at `database_url`, with a reader's small pool."""
        return cls(LogReading(Feedback, database_url))

    def quarter(self, unit_id: UUID, quarter: str) -> QuarterFeedback:
        """The quarter's survey state and results, and each person's praise and complaints."""
        survey = self._feedback.find(Survey, Survey.create_id(unit_id, quarter))
        people: dict[UUID, PersonFeedback] = {}
        for praise_id in self._feedback.created_ids(Praise.PraiseRecorded):  # type: ignore[attr-defined]
            praise: Praise = self._feedback.repository.get(praise_id)
            if (praise.unit_id, praise.quarter, praise.target_kind) == (
                unit_id,
                quarter,
                TargetKind.PERSON,
            ):
                people.setdefault(praise.target_id, PersonFeedback()).praise += 1
        for complaint_id in self._feedback.created_ids(Complaint.ComplaintFiled):  # type: ignore[attr-defined]
            c: Complaint = self._feedback.repository.get(complaint_id)
            if (c.unit_id, c.quarter, c.target_kind) != (unit_id, quarter, TargetKind.PERSON):
                continue
            facts = people.setdefault(c.target_id, PersonFeedback())
            facts.complaints += 1
            if c.status is ComplaintStatus.DISMISSED:
                facts.dismissed += 1
            elif (
                c.status is ComplaintStatus.RESOLVED
                and not c.late
                and c.satisfaction is Satisfaction.SATISFIED
            ):
                facts.handled_well += 1
            if c.overdue and c.status not in (ComplaintStatus.RESOLVED, ComplaintStatus.DISMISSED):
                facts.overdue += 1
        if survey is None:
            return QuarterFeedback(None, (Decimal(0), Decimal(100)), {}, people)
        means = {
            UUID(r["department_id"]): Decimal(r["mean"])
            for r in survey.results
            if r.get("mean") is not None
        }
        return QuarterFeedback(
            survey.status is SurveyStatus.CLOSED,
            (survey.scale.low, survey.scale.high),
            means,
            people,
        )

    def close(self) -> None:
        """Release the feedback store's connections."""
        self._feedback.close()
