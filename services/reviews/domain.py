"""Reviews (考核评鉴): a quarter's cycle from its locked configuration to confirmed grades, each
participant's summary, ratings and feedback talk, and disciplinary sanctions.

Pure: dates (`today`, China time), org-chart facts (`Managers`), goals in force and feedback
facts come in with each command; who acted and when comes from the kernel's command context.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import NotFoundError, NotPermittedError, RuleViolatedError
from services.directory.vocabulary import PositionCategory
from services.reviews.scheme import HUNDRED, CycleConfig, Indicator
from services.reviews.scoring import FeedbackFacts, feedback_score, out_of_line, quota_check
from services.reviews.vocabulary import (
    CycleStatus,
    Grade,
    IndicatorSource,
    ObjectionStatus,
    RaterRelation,
    SanctionKind,
)

NAMESPACE = uuid5(NAMESPACE_URL, "https://kaohe.invalid/reviews")
QUARTER = re.compile(r"^(20[0-9][0-9])-Q([1-4])$")


def quarter_span(quarter: str) -> tuple[date, date]:
    """The first and last day of a quarter written `2026-Q2`."""
    match = QUARTER.fullmatch(quarter)
    if match is None:
        raise RuleViolatedError(
            "reviews.quarter_format",
            f"{quarter!r} is not a quarter: write it as 2026-Q2",
            field="quarter",
        )
    year, q = int(match[1]), int(match[2])
    start = date(year, 3 * q - 2, 1)
    end = date(year, 12, 31) if q == 4 else date(year, 3 * q + 1, 1) - timedelta(days=1)
    return start, end


def check_text(text: str | None, field: str, rule: str = "reviews.reason_required") -> str:
    """Rules that ask for words get real ones."""
    if text is None or len(text.strip()) < 2:
        raise RuleViolatedError(rule, f"write the {field.rsplit('.', 1)[-1]}", field=field)
    return text.strip()


def check_owner(actor_id: UUID, person_id: UUID, what: str) -> None:
    """People write their own summary, object to their own grade, acknowledge their own talk."""
    if actor_id != person_id:
        raise NotPermittedError(
            "reviews.own_record_only",
            f"only the appraisee may {what}",
            missing_relation="OWNER",
        )


def check_not_future(day: date, today: date, field: str) -> None:
    """Dates of acts are stated by the recorder, and are never in the future."""
    if day > today:
        raise RuleViolatedError(
            "reviews.date_not_future",
            f"{day.isoformat()} is after today ({today.isoformat()})",
            field=field,
        )


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


# -- the cycle -------------------------------------------------------------------------------


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
        if self.status not in allowed:
            wanted = " or ".join(f"{s.value} ({s.label})" for s in allowed)
            raise RuleViolatedError(
                "reviews.cycle_step",
                f"the {self.quarter} cycle is {self.status.value} ({self.status.label}); "
                f"this needs it {wanted}",
                field="status",
            )

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


# -- one participant's appraisal -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Rating:
    """One rater's scores and opinion."""

    rater_id: UUID
    relation: RaterRelation
    scores: dict[str, Decimal]
    opinion: str


class Appraisal(KaoheAggregate):
    """One participant's quarter: their summary, their managers' ratings, the feedback talk."""

    @staticmethod
    def create_id(cycle_id: UUID, person_id: UUID) -> UUID:
        """One appraisal per cycle and participant."""
        return uuid5(NAMESPACE, f"appraisal/{cycle_id}/{person_id}")

    @event("AppraisalCreated")
    def __init__(self, cycle_id: UUID, unit_id: UUID, quarter: str, person_id: UUID) -> None:
        self.cycle_id = cycle_id
        self.unit_id = unit_id
        self.quarter = quarter
        self.person_id = person_id
        self.summary: dict[str, Any] | None = None
        self.ratings: dict[RaterRelation, Rating] = {}
        self.required: tuple[RaterRelation, ...] = ()
        self.talk: dict[str, Any] | None = None
        self.acknowledged = False

    def submit_summary(
        self,
        actor_id: UUID,
        cycle_status: CycleStatus,
        goals: list[dict[str, str]],
        goal_set_version: int | None,
        reports: list[dict[str, str]],
        extra_work: list[str],
    ) -> None:
        """The appraisee's personal summary (个人小结): a report on each approved goal of the
        quarter, and any work outside them. May be revised until the grades are final.
        """
        check_owner(actor_id, self.person_id, "write their personal summary")
        _check_cycle(cycle_status, CycleStatus.APPRAISING)
        approved = {g["item_id"]: g["what"] for g in goals}
        seen: set[str] = set()
        checked = []
        for i, report in enumerate(reports):
            item_id = str(report.get("item_id") or "")
            if item_id not in approved:
                raise RuleViolatedError(
                    "reviews.report_on_approved_goals",
                    f"{item_id!r} is not an approved goal item of {self.quarter}",
                    field=f"reports.{i}.item_id",
                )
            if item_id in seen:
                raise RuleViolatedError(
                    "reviews.one_report_per_goal",
                    f"goal item {item_id} is reported twice",
                    field=f"reports.{i}.item_id",
                )
            seen.add(item_id)
            checked.append(
                {
                    "item_id": item_id,
                    "what": approved[item_id],
                    "report": check_text(report.get("report"), f"reports.{i}.report"),
                }
            )
        unreported = [item for item in approved if item not in seen]
        if unreported:
            raise RuleViolatedError(
                "reviews.summary_covers_each_goal",
                f"report on every approved goal: {approved[unreported[0]]} ({unreported[0]}) "
                "has no report",
                field="reports",
            )
        extra = [check_text(e, f"extra_work.{i}") for i, e in enumerate(extra_work)]
        if not checked and not extra:
            raise RuleViolatedError(
                "reviews.summary_not_empty",
                "the summary reports on the approved goals or on other work",
                field="reports",
            )
        self._summary_submitted(goal_set_version, checked, extra)

    @event("SummarySubmitted")
    def _summary_submitted(
        self, goal_set_version: int | None, reports: list[dict[str, str]], extra_work: list[str]
    ) -> None:
        self.summary = {
            "goal_set_version": goal_set_version,
            "reports": reports,
            "extra_work": extra_work,
        }

    def rate(
        self,
        actor_id: UUID,
        relation: RaterRelation,
        required: tuple[RaterRelation, ...],
        cycle_status: CycleStatus,
        indicators: tuple[Indicator, ...],
        scores: dict[str, Decimal],
        opinion: str,
    ) -> None:
        """A manager scores the rated indicators and gives an opinion (领导评鉴); the latest
        rating by each relation counts, earlier ones stay in the record. `required` (the relations
        the person had on the day) is recorded with it: the composite waits for those.
        """
        _check_cycle(cycle_status, CycleStatus.APPRAISING)
        rated = {i.code: i for i in indicators if i.source is IndicatorSource.RATED}
        computed = {i.code for i in indicators if i.source is IndicatorSource.FEEDBACK}
        checked: dict[str, str] = {}
        for code, score in scores.items():
            if code in computed:
                raise RuleViolatedError(
                    "reviews.feedback_scores_computed",
                    f"{code} is scored from the feedback of those served, not by raters",
                    field=f"scores.{code}",
                )
            if code not in rated:
                raise RuleViolatedError(
                    "reviews.indicator_in_scheme",
                    f"{code} is not an indicator of this person's scheme ({', '.join(rated)})",
                    field=f"scores.{code}",
                )
            if not Decimal(0) <= score <= HUNDRED:
                raise RuleViolatedError(
                    "reviews.score_range",
                    f"{rated[code].name}: a score is from 0 to 100, not {score}",
                    field=f"scores.{code}",
                )
            checked[code] = str(score)
        unscored = [code for code in rated if code not in checked]
        if unscored:
            raise RuleViolatedError(
                "reviews.score_every_indicator",
                f"score every indicator: {rated[unscored[0]].name} ({unscored[0]}) has no score",
                field=f"scores.{unscored[0]}",
            )
        self._rated(
            actor_id,
            relation.value,
            [r.value for r in required],
            checked,
            check_text(opinion, "opinion"),
        )

    @event("Rated")
    def _rated(
        self,
        rater_id: UUID,
        relation: str,
        required: list[str],
        scores: dict[str, str],
        opinion: str,
    ) -> None:
        self.required = tuple(RaterRelation(r) for r in required)
        kind = RaterRelation(relation)
        self.ratings[kind] = Rating(
            rater_id, kind, {c: Decimal(s) for c, s in scores.items()}, opinion
        )

    def record_talk(
        self,
        actor_id: UUID,
        relation: RaterRelation,
        cycle_status: CycleStatus,
        grade: Grade | None,
        held_on: date,
        today: date,
        reasons: str | None,
        shortcomings: list[dict[str, str]],
        improvements: str | None,
    ) -> None:
        """The supervising leader's feedback talk (谈心谈话) after confirmation: the reasons for a
        top grade; otherwise the shortcomings, each with its facts, and what to improve.
        """
        _check_cycle(cycle_status, CycleStatus.CONFIRMED)
        assert grade is not None, "a confirmed cycle has graded every participant"
        check_not_future(held_on, today, "held_on")
        if self.talk is not None:
            raise RuleViolatedError(
                "reviews.one_talk", "the talk for this quarter is recorded", field="person_id"
            )
        checked: list[dict[str, str]] = []
        if grade is Grade.GOOD:
            reasons = check_text(reasons, "reasons", "reviews.talk_states_reasons")
            improvements = improvements.strip() if improvements else None
        else:
            for i, item in enumerate(shortcomings):
                checked.append(
                    {
                        "shortcoming": check_text(
                            item.get("shortcoming"),
                            f"shortcomings.{i}.shortcoming",
                            "reviews.talk_names_shortcomings",
                        ),
                        "facts": check_text(
                            item.get("facts"),
                            f"shortcomings.{i}.facts",
                            "reviews.shortcomings_on_facts",
                        ),
                    }
                )
            if not checked:
                raise RuleViolatedError(
                    "reviews.talk_names_shortcomings",
                    f"for a {grade.value} ({grade.label}) grade the talk names the shortcomings, "
                    "each with its facts",
                    field="shortcomings",
                )
            improvements = check_text(
                improvements, "improvements", "reviews.talk_says_what_to_improve"
            )
            reasons = reasons.strip() if reasons else None
        self._talk_recorded(
            actor_id, relation.value, grade.value, held_on, reasons, checked, improvements
        )

    @event("TalkRecorded")
    def _talk_recorded(
        self,
        leader_id: UUID,
        relation: str,
        grade: str,
        held_on: date,
        reasons: str | None,
        shortcomings: list[dict[str, str]],
        improvements: str | None,
    ) -> None:
        self.talk = {"leader_id": leader_id, "grade": grade, "held_on": held_on}

    def acknowledge_talk(self, actor_id: UUID, comment: str | None) -> None:
        """The appraisee acknowledges the talk (签字确认)."""
        check_owner(actor_id, self.person_id, "acknowledge their talk")
        if self.talk is None:
            raise RuleViolatedError(
                "reviews.talk_first", "no talk has been recorded yet", field="person_id"
            )
        if self.acknowledged:
            raise RuleViolatedError(
                "reviews.acknowledged_once", "the talk is already acknowledged", field="person_id"
            )
        self._talk_acknowledged(comment.strip() if comment else None)

    @event("TalkAcknowledged")
    def _talk_acknowledged(self, comment: str | None) -> None:
        self.acknowledged = True


def _check_cycle(status: CycleStatus, wanted: CycleStatus) -> None:
    if status is not wanted:
        raise RuleViolatedError(
            "reviews.cycle_step",
            f"the cycle is {status.value} ({status.label}); this needs it {wanted.value} "
            f"({wanted.label})",
            field="status",
        )


# -- disciplinary sanctions ------------------------------------------------------------------

# 政务处分 periods (公职人员政务处分法 art. 8): months during which the sanctioned person is not
# eligible for the annual top grade.
SANCTION_MONTHS = {
    SanctionKind.WARNING: 6,
    SanctionKind.DEMERIT: 12,
    SanctionKind.MAJOR_DEMERIT: 18,
    SanctionKind.DEMOTION: 24,
    SanctionKind.REMOVAL: 24,
}


def sanction_ends(kind: SanctionKind, decided_on: date) -> date:
    """The day a sanction's period ends (exclusive)."""
    months = decided_on.month - 1 + SANCTION_MONTHS[kind]
    year, month = decided_on.year + months // 12, months % 12 + 1
    # The same day of the month, or the month's last day where it is shorter (31 Aug + 6 -> 28 Feb).
    day = min(decided_on.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


class Sanction(KaoheAggregate):
    """A disciplinary sanction (处分) recorded by the appraisal office; it bars the person from the
    annual top grade for its period.
    """

    @event("SanctionRecorded")
    def __init__(
        self,
        unit_id: UUID,
        person_id: UUID,
        kind: SanctionKind,
        decided_on: date,
        ends_on: date,
        document: str,
    ) -> None:
        self.unit_id = unit_id
        self.person_id = person_id
        self.kind = SanctionKind(kind)
        self.decided_on = decided_on
        self.ends_on = ends_on
        self.document = document

    @classmethod
    def record(
        cls,
        unit_id: UUID,
        person_id: UUID,
        kind: SanctionKind,
        decided_on: date,
        document: str,
        today: date,
    ) -> Sanction:
        """Record a sanction decided on a date, citing its decision document."""
        check_not_future(decided_on, today, "decided_on")
        return cls(
            unit_id,
            person_id,
            kind,
            decided_on,
            sanction_ends(kind, decided_on),
            check_text(document, "document"),
        )
