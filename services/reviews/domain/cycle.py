"""A quarter's cycle (季度平时考核): its configuration locked at opening, the participants as the
org chart had them, appraisal begun once the survey has closed, grades proposed and finalised
within the quota, publication, objections (异议) and confirmation.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import NotFoundError, NotPermittedError, RuleViolatedError
from services.directory.vocabulary import PositionCategory
from services.reviews.domain.shared import (
    NAMESPACE,
    check_cycle_step,
    check_not_future,
    check_owner,
    check_text,
    quarter_span,
)
from services.reviews.scheme import CycleConfig
from services.reviews.scoring import FeedbackFacts, feedback_score, out_of_line, quota_check
from services.reviews.vocabulary import CycleStatus, Grade, IndicatorSource, ObjectionStatus


@dataclasses.dataclass(frozen=True)
class Participant:
    """A person taking part in a cycle, as the org chart had them when it opened."""

    person_id: UUID
    name: str
    department_id: UUID | None
    department_name: str | None
    position_category: PositionCategory

    def as_dict(self) -> dict[str, Any]:
        """The recorded form."""
        return {
            "person_id": str(self.person_id),
            "name": self.name,
            "department_id": str(self.department_id) if self.department_id else None,
            "department_name": self.department_name,
            "position_category": self.position_category.value,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Participant:
        """Read back the recorded form."""
        return cls(
            UUID(d["person_id"]),
            d["name"],
            UUID(d["department_id"]) if d.get("department_id") else None,
            d.get("department_name"),
            PositionCategory(d["position_category"]),
        )


@dataclasses.dataclass
class Objection:
    """An appraisee's objection (异议) to their published grade."""

    objection_id: UUID
    person_id: UUID
    reason: str
    filed_on: date
    status: ObjectionStatus = ObjectionStatus.OPEN


class Cycle(KaoheAggregate):
    """One unit's appraisal of one quarter (季度平时考核), from opening to confirmed results."""

    @staticmethod
    def create_id(unit_id: UUID, quarter: str) -> UUID:
        """One cycle per unit and quarter."""
        return uuid5(NAMESPACE, f"cycle/{unit_id}/{quarter}")

    @event("CycleOpened")
    def __init__(
        self,
        unit_id: UUID,
        quarter: str,
        config: dict[str, Any],
        participants: list[dict[str, Any]],
        opened_on: date,
    ) -> None:
        self.unit_id = unit_id
        self.quarter = quarter
        self.config_data = config
        # The configuration in force (locked at opening), parsed once.
        self.config = CycleConfig.from_dict(config)
        self.participants = {
            p.person_id: p for p in (Participant.from_dict(d) for d in participants)
        }
        self.opened_on = opened_on
        self.status = CycleStatus.OPENED
        self.feedback: dict[UUID, dict[str, Any]] = {}
        self.grades: dict[UUID, Grade] = {}
        self.justifications: dict[UUID, str] = {}
        self.published_on: date | None = None
        self.publicity_ends_on: date | None = None
        self.objections_until: date | None = None
        self.objections: dict[UUID, Objection] = {}

    @classmethod
    def open(
        cls,
        unit_id: UUID,
        quarter: str,
        config: CycleConfig,
        participants: list[Participant],
        today: date,
    ) -> Cycle:
        """Open the quarter's cycle with its configuration, locked from now on."""
        start, _ = quarter_span(quarter)
        if today < start:
            raise RuleViolatedError(
                "reviews.quarter_started",
                f"{quarter} starts on {start.isoformat()}: its cycle cannot open before",
                field="quarter",
            )
        if not participants:
            raise RuleViolatedError(
                "reviews.participants",
                "a cycle appraises at least one person",
                field="participants",
            )
        config.check()
        return cls(
            unit_id,
            quarter,
            config.as_dict(),
            [p.as_dict() for p in participants],
            today,
        )

    # -- queries --

    @property
    def span(self) -> tuple[date, date]:
        """The quarter's first and last day."""
        return quarter_span(self.quarter)

    def participant(self, person_id: UUID, field: str = "person_id") -> Participant:
        """A participant, or NotFoundError."""
        found = self.participants.get(person_id)
        if found is None:
            raise NotFoundError(
                "reviews.participant",
                f"{person_id} does not take part in the {self.quarter} cycle",
                field=field,
            )
        return found

    def feedback_score_of(self, person_id: UUID) -> Decimal | None:
        """The person's feedback indicator score, fixed when appraisal began."""
        fixed = self.feedback.get(person_id)
        return Decimal(fixed["score"]) if fixed else None

    def needs_feedback(self) -> bool:
        """Whether any participant has an indicator scored from feedback."""
        return any(
            i.source is IndicatorSource.FEEDBACK
            for p in self.participants.values()
            for i in self.config.indicators_for(p.position_category)
        )

    # -- guards --

    def check_status(self, *allowed: CycleStatus) -> None:
        """Each step happens only from the states that lead to it."""
        check_cycle_step(f"the {self.quarter} cycle", self.status, allowed)

    def reconfigure(self) -> None:
        """The configuration is locked once the cycle opens: it is part of the record."""
        raise RuleViolatedError(
            "reviews.config_locked",
            f"the {self.quarter} cycle opened on {self.opened_on.isoformat()} and its "
            "configuration is locked; open the next quarter's cycle with a new one",
            field="config",
        )

    # -- appraisal begins --

    def begin_appraisal(self, survey_closed: bool | None, facts: dict[UUID, FeedbackFacts]) -> None:
        """Open the appraisal steps once the quarter's satisfaction survey has closed, fixing
        each participant's feedback facts and the feedback indicator's score.
        """
        self.check_status(CycleStatus.OPENED)
        if self.needs_feedback() and not survey_closed:
            state = "has not been opened" if survey_closed is None else "is still open"
            raise RuleViolatedError(
                "reviews.survey_closed_first",
                f"the {self.quarter} satisfaction survey {state}: the appraisal starts once it "
                "has closed",
                field="quarter",
            )
        formula = self.config.feedback_formula
        fixed = {}
        for person_id, participant in self.participants.items():
            if not any(
                i.source is IndicatorSource.FEEDBACK
                for i in self.config.indicators_for(participant.position_category)
            ):
                continue
            person_facts = facts.get(person_id, FeedbackFacts())
            derived = feedback_score(formula, person_facts)
            fixed[str(person_id)] = {
                "facts": person_facts.as_dict(),
                "score": str(derived.value),
                "steps": list(derived.steps),
            }
        self._appraisal_began(fixed)

    @event("AppraisalBegan")
    def _appraisal_began(self, feedback: dict[str, dict[str, Any]]) -> None:
        self.status = CycleStatus.APPRAISING
        self.feedback = {UUID(k): v for k, v in feedback.items()}

    # -- grades --

    def propose_grades(
        self,
        proposals: dict[UUID, tuple[Grade | None, str | None]],
        scores: dict[UUID, Decimal | None],
    ) -> None:
        """The office proposes grades: a grade given, or else the band of the composite score;
        a justification where one is written. The quota is checked at once (and reported).
        """
        self.check_status(CycleStatus.APPRAISING)
        config = self.config
        grades: dict[str, dict[str, Any]] = {}
        for person_id, (grade, justification) in proposals.items():
            self.participant(person_id, f"grades.{person_id}")
            score = scores.get(person_id)
            if grade is None:
                if score is None:
                    raise RuleViolatedError(
                        "reviews.grade_from_bands",
                        f"{self.participants[person_id].name} has no composite score yet: "
                        "propose a grade explicitly or wait for the ratings",
                        field=f"grades.{person_id}.grade",
                    )
                grade = config.grade_for(score)
            grades[str(person_id)] = {
                "grade": grade.value,
                "justification": justification.strip() if justification else None,
                "from_bands": proposals[person_id][0] is None,
            }
        after = {**self.grades, **{UUID(k): Grade(v["grade"]) for k, v in grades.items()}}
        quota = quota_check(config, len(self.participants), after)
        self._grades_proposed(grades, quota.as_dict())

    @event("GradesProposed")
    def _grades_proposed(self, grades: dict[str, dict[str, Any]], quota: dict[str, Any]) -> None:
        for key, proposal in grades.items():
            person_id = UUID(key)
            self.grades[person_id] = Grade(proposal["grade"])
            if proposal["justification"]:
                self.justifications[person_id] = proposal["justification"]
            else:
                self.justifications.pop(person_id, None)

    def unjustified(self, scores: dict[UUID, Decimal | None]) -> dict[UUID, UUID]:
        """Grades out of line with the evidence and without a written justification."""
        return {
            p: peer
            for p, peer in out_of_line(self.grades, scores).items()
            if p not in self.justifications
        }

    def finalise(
        self,
        actor_id: UUID,
        principal_id: UUID | None,
        missing: dict[UUID, list[str]],
        scores: dict[UUID, Decimal | None],
    ) -> None:
        """The principal leader finalises the grades: refused while anyone lacks a summary, a
        rating, a grade or a justification, or while the quota is broken.
        """
        if actor_id != principal_id:
            raise NotPermittedError(
                "reviews.principal_finalises",
                "only the unit's principal leader (主要负责人) finalises the grades",
                missing_relation="PRINCIPAL_LEADER",
            )
        self.check_status(CycleStatus.APPRAISING)
        gaps = {p: list(items) for p, items in missing.items() if items}
        for person_id in self.participants:
            if person_id not in self.grades:
                gaps.setdefault(person_id, []).append("grade (等次)")
        for person_id, peer in self.unjustified(scores).items():
            gaps.setdefault(person_id, []).append(
                f"justification (说明): graded above {self.participants[peer].name}, who scored "
                "higher"
            )
        if gaps:
            listed = "; ".join(
                f"{self.participants[p].name}: {', '.join(items)}"
                for p, items in sorted(gaps.items(), key=lambda kv: self.participants[kv[0]].name)
            )
            raise RuleViolatedError(
                "reviews.complete_before_final",
                f"{len(gaps)} participant(s) are not ready: {listed}",
                field="participants",
            )
        quota = quota_check(self.config, len(self.participants), self.grades)
        if not quota.ok:
            raise RuleViolatedError(
                "reviews.top_grade_quota",
                f"{quota.top} people have the top grade (好), the quota allows {quota.limit} "
                f"({self.config.quota_percent}% of {quota.participants}, "
                f"{self.config.quota_rounding.label})",
                field="grades",
            )
        self._grades_finalised(
            {str(p): g.value for p, g in self.grades.items()},
            {str(p): str(s) for p, s in scores.items() if s is not None},
            quota.as_dict(),
        )

    @event("GradesFinalised")
    def _grades_finalised(
        self, grades: dict[str, str], scores: dict[str, str], quota: dict[str, Any]
    ) -> None:
        self.status = CycleStatus.FINALISED

    # -- publication, objections, confirmation --

    def publish(
        self, published_on: date, ends_on: date, objections_until: date, today: date
    ) -> None:
        """Publish the finalised grades to the unit for the publicity period (公示期)."""
        self.check_status(CycleStatus.FINALISED)
        check_not_future(published_on, today, "published_on")
        if published_on <= self.span[1]:
            raise RuleViolatedError(
                "reviews.publish_after_quarter",
                f"results are published after the quarter, which ends on "
                f"{self.span[1].isoformat()}",
                field="published_on",
            )
        # The event records the list as published, for the record and for integrations (the
        # unit's DingTalk group).
        results = [
            {
                "person_id": str(p.person_id),
                "name": p.name,
                "department_name": p.department_name,
                "grade": self.grades[p.person_id].value,
            }
            for p in self.participants.values()
        ]
        self._published(published_on, ends_on, objections_until, self.quarter, results)

    @event("ResultsPublished")
    def _published(
        self,
        published_on: date,
        ends_on: date,
        objections_until: date,
        quarter: str,
        results: list[dict[str, str | None]],
    ) -> None:
        self.status = CycleStatus.PUBLISHED
        self.published_on = published_on
        self.publicity_ends_on = ends_on
        self.objections_until = objections_until

    def object(
        self, actor_id: UUID, person_id: UUID, reason: str, filed_on: date, today: date
    ) -> UUID:
        """A participant objects to their own published grade within the objection window."""
        check_owner(actor_id, person_id, "object to their grade")
        self.participant(person_id)
        self.check_status(CycleStatus.PUBLISHED)
        check_not_future(filed_on, today, "filed_on")
        assert self.published_on is not None
        assert self.objections_until is not None
        if not self.published_on <= filed_on <= self.objections_until:
            raise RuleViolatedError(
                "reviews.objection_window",
                f"objections are taken from {self.published_on.isoformat()} to "
                f"{self.objections_until.isoformat()}",
                field="filed_on",
            )
        if any(
            o.person_id == person_id and o.status is ObjectionStatus.OPEN
            for o in self.objections.values()
        ):
            raise RuleViolatedError(
                "reviews.one_open_objection",
                "your objection is still being reviewed",
                field="person_id",
            )
        objection_id = uuid4()
        self._objection_filed(objection_id, person_id, check_text(reason, "reason"), filed_on)
        return objection_id

    @event("ObjectionFiled")
    def _objection_filed(
        self, objection_id: UUID, person_id: UUID, reason: str, filed_on: date
    ) -> None:
        self.objections[objection_id] = Objection(objection_id, person_id, reason, filed_on)

    def resolve_objection(
        self,
        objection_id: UUID,
        upheld: bool,
        new_grade: Grade | None,
        reason: str,
        resolved_on: date,
        today: date,
    ) -> None:
        """Resolve an objection with reasons: upheld with a grade change (re-checked against the
        quota), or rejected.
        """
        self.check_status(CycleStatus.PUBLISHED)
        objection = self.objections.get(objection_id)
        if objection is None:
            raise NotFoundError(
                "reviews.objection_exists", f"no objection {objection_id}", field="objection_id"
            )
        if objection.status is not ObjectionStatus.OPEN:
            raise RuleViolatedError(
                "reviews.objection_open",
                f"the objection was already {objection.status.value} ({objection.status.label})",
                field="objection_id",
            )
        check_not_future(resolved_on, today, "resolved_on")
        if resolved_on < objection.filed_on:
            raise RuleViolatedError(
                "reviews.resolved_after_filed",
                f"the objection was filed on {objection.filed_on.isoformat()}",
                field="resolved_on",
            )
        reason = check_text(reason, "reason")
        before = self.grades[objection.person_id]
        after = before
        if upheld:
            if new_grade is None or new_grade is before:
                raise RuleViolatedError(
                    "reviews.upheld_changes_grade",
                    f"an upheld objection changes the grade: give a grade other than "
                    f"{before.value} ({before.label})",
                    field="new_grade",
                )
            after = new_grade
            quota = quota_check(
                self.config, len(self.participants), {**self.grades, objection.person_id: after}
            )
            if not quota.ok:
                raise RuleViolatedError(
                    "reviews.top_grade_quota",
                    f"upholding would give {quota.top} people the top grade (好); the quota "
                    f"allows {quota.limit}",
                    field="new_grade",
                )
        elif new_grade is not None:
            raise RuleViolatedError(
                "reviews.rejected_keeps_grade",
                "a rejected objection leaves the grade as it is: give no new grade",
                field="new_grade",
            )
        self._objection_resolved(
            objection_id,
            objection.person_id,
            (ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED).value,
            before.value,
            after.value,
            reason,
            resolved_on,
        )

    @event("ObjectionResolved")
    def _objection_resolved(
        self,
        objection_id: UUID,
        person_id: UUID,
        status: str,
        grade_before: str,
        grade_after: str,
        reason: str,
        resolved_on: date,
    ) -> None:
        self.objections[objection_id].status = ObjectionStatus(status)
        self.grades[person_id] = Grade(grade_after)

    def confirm(self, today: date) -> None:
        """Confirm the results once the publicity period has ended with no objection open."""
        self.check_status(CycleStatus.PUBLISHED)
        assert self.publicity_ends_on is not None
        if today <= self.publicity_ends_on:
            raise RuleViolatedError(
                "reviews.publicity_period_running",
                f"the publicity period (公示期) runs until {self.publicity_ends_on.isoformat()}",
                field="status",
            )
        still_open = [o for o in self.objections.values() if o.status is ObjectionStatus.OPEN]
        if still_open:
            raise RuleViolatedError(
                "reviews.objections_open",
                f"{len(still_open)} objection(s) are still open: resolve them first",
                field="objections",
            )
        self._confirmed(today, {str(p): g.value for p, g in self.grades.items()})

    @event("ResultsConfirmed")
    def _confirmed(self, confirmed_on: date, grades: dict[str, str]) -> None:
        self.status = CycleStatus.CONFIRMED
