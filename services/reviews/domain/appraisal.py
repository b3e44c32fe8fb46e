"""One participant's quarter (个人考核): their personal summary, their managers' ratings, and the
feedback talk after confirmation.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import RuleViolatedError
from services.reviews.domain.shared import (
    NAMESPACE,
    check_cycle_step,
    check_not_future,
    check_owner,
    check_text,
)
from services.reviews.scheme import HUNDRED, Indicator
from services.reviews.vocabulary import CycleStatus, Grade, IndicatorSource, RaterRelation


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
        check_cycle_step("the cycle", cycle_status, (CycleStatus.APPRAISING,))
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
        check_cycle_step("the cycle", cycle_status, (CycleStatus.APPRAISING,))
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
        check_cycle_step("the cycle", cycle_status, (CycleStatus.CONFIRMED,))
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
