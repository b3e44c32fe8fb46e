"""The reviews service's commands against its event store.

Org-chart facts come from the directory log, approved goals from the goals log and feedback facts
from the feedback log, each read at the moment of the decision (see the `reader` modules).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Self, TypeVar
from uuid import UUID

from eventsourcing.utils import EnvType

from kernel.calendar import add_working_days
from kernel.errors import ConflictError
from kernel.store import Committed, ServiceApplication
from services.directory.reader import OrgChart, Unit
from services.feedback.reader import FeedbackLog, QuarterFeedback
from services.goals.reader import GoalsLog
from services.reviews.domain import Appraisal, Cycle, Participant, Sanction
from services.reviews.relations import rater_relation, required_raters, talk_relation
from services.reviews.scheme import CycleConfig
from services.reviews.scoring import FeedbackFacts, composite
from services.reviews.vocabulary import CycleStatus, Grade, SanctionKind

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class CycleFacts:
    """What a participant's command needs of the cycle, read without copying the cycle."""

    cycle_id: UUID
    unit_id: UUID
    quarter: str
    status: CycleStatus
    participant: Participant
    config: CycleConfig
    grade: Grade | None


class Reviews(ServiceApplication):
    """Quarterly cycles, appraisals and sanctions."""

    name = "reviews"
    schema: ClassVar[str] = "reviews"

    def __init__(
        self,
        org: OrgChart,
        goals: GoalsLog,
        feedback: FeedbackLog,
        env: EnvType | None = None,
    ) -> None:
        super().__init__(env)
        self.org = org
        self.goals = goals
        self.feedback = feedback

    @classmethod
    def on_postgres(
        cls, database_url: str, *, org: OrgChart, goals: GoalsLog, feedback: FeedbackLog
    ) -> Self:
        """The reviews service on the PostgreSQL at `database_url`, deciding with what the
        directory, goals and feedback logs say, read through their published readers."""
        return cls(org, goals, feedback, env=cls.postgres_env(database_url))

    # -- reading --

    def ask_cycle(self, cycle_id: UUID, question: Callable[[Cycle], T]) -> T:
        """Answer `question` about a cycle as recorded now, without copying it (a cycle holds
        every participant); `question` must not keep or change the cycle.
        """
        return self.asking(Cycle, cycle_id, question, "cycle", "cycle_id")

    def get_cycle(self, cycle_id: UUID) -> Cycle:
        """A copy of a cycle, or NotFoundError."""
        cycle: Cycle = self.ask_cycle(cycle_id, copy.deepcopy)
        return cycle

    def cycle_unit(self, cycle_id: UUID) -> UUID:
        """The unit a cycle belongs to."""
        unit: UUID = self.ask_cycle(cycle_id, lambda cycle: cycle.unit_id)
        return unit

    def _deciding(
        self, cycle_id: UUID, expected: int | None
    ) -> contextlib.AbstractContextManager[Cycle]:
        # Commands on one cycle take turns in this process, on the cycle itself (not a copy).
        return self.deciding_on(Cycle, cycle_id, expected, "cycle", "cycle_id")

    def facts(self, cycle_id: UUID, person_id: UUID) -> CycleFacts:
        """What a participant's command needs of the cycle."""

        def question(cycle: Cycle) -> CycleFacts:
            return CycleFacts(
                cycle.id,
                cycle.unit_id,
                cycle.quarter,
                cycle.status,
                cycle.participant(person_id),
                cycle.config,
                cycle.grades.get(person_id),
            )

        found: CycleFacts = self.ask_cycle(cycle_id, question)
        return found

    def find_appraisal(self, cycle_id: UUID, person_id: UUID) -> Appraisal | None:
        """The participant's appraisal, if anything has been recorded in it."""
        return self.find(Appraisal, Appraisal.create_id(cycle_id, person_id))

    def appraisal(self, facts: CycleFacts) -> Appraisal:
        """The participant's appraisal, started on first use."""
        person_id = facts.participant.person_id
        return self.find_appraisal(facts.cycle_id, person_id) or Appraisal(
            facts.cycle_id, facts.unit_id, facts.quarter, person_id
        )

    def scores(
        self, cycle: Cycle, unit: Unit, today: date
    ) -> tuple[dict[UUID, Decimal | None], dict[UUID, list[str]]]:
        """Each participant's composite score now, and what each still lacks (summary,
        ratings) before the grades can be final.
        """
        config = cycle.config
        scores: dict[UUID, Decimal | None] = {}
        missing: dict[UUID, list[str]] = {}
        for person_id, participant in cycle.participants.items():
            appraisal = self.find_appraisal(cycle.id, person_id)
            # The relations recorded with the latest rating; before any, the managers today.
            required = (
                appraisal.required
                if appraisal and appraisal.required
                else required_raters(unit.managers_of(person_id, today))
            )
            ratings = appraisal.ratings if appraisal else {}
            result = composite(
                config,
                participant.position_category,
                required,
                {r: rating.scores for r, rating in ratings.items()},
                cycle.feedback_score_of(person_id),
            )
            scores[person_id] = result.score
            gaps = []
            if appraisal is None or appraisal.summary is None:
                gaps.append("summary (个人小结)")
            gaps += [f"rating by {r.value} ({r.label})" for r in result.missing]
            if not required:
                gaps.append("a rater (nobody manages this person)")
            missing[person_id] = gaps
        return scores, missing

    # -- the cycle --

    def open_cycle(
        self, unit_id: UUID, quarter: str, config: CycleConfig, today: date
    ) -> Committed:
        """Open a quarter's cycle: its configuration is locked, its participants are the unit's
        people on the day it opens (the principal leader is appraised by the level above).
        """
        cycle_id = Cycle.create_id(unit_id, quarter)
        existing = self.find(Cycle, cycle_id)
        if existing is not None:
            raise ConflictError(
                "reviews.one_cycle_per_quarter",
                f"the {quarter} cycle opened on {existing.opened_on.isoformat()}",
                field="quarter",
            )
        unit = self.org.unit(unit_id)
        principal = unit.principal_on(today)
        participants = []
        for person in sorted(unit.people.values(), key=lambda p: p.name):
            if not person.active_on(today) or person.id == principal:
                continue
            department_id = unit.department_of(person.id, today)
            participants.append(
                Participant(
                    person.id,
                    person.name,
                    department_id,
                    unit.departments[department_id].name if department_id else None,
                    person.position_category,
                )
            )
        cycle = Cycle.open(unit_id, quarter, config, participants, today)
        return self.commit(
            cycle, result={"cycle_id": str(cycle.id), "participants": len(participants)}
        )

    def reconfigure(self, cycle_id: UUID) -> Committed:
        """Refused: a cycle's configuration is locked once it opens."""
        self.ask_cycle(cycle_id, lambda cycle: cycle.reconfigure())
        raise AssertionError("unreachable: reconfigure always refuses")

    def begin_appraisal(self, cycle_id: UUID, expected: int | None = None) -> Committed:
        """Start summaries and ratings once the quarter's survey has closed."""
        unit_id, code = self.ask_cycle(cycle_id, lambda cycle: (cycle.unit_id, cycle.quarter))
        quarter = self.feedback.quarter(unit_id, code)
        low, high = quarter.scale
        with self._deciding(cycle_id, expected) as cycle:
            return self._begin(cycle, quarter, low, high)

    def _begin(
        self, cycle: Cycle, quarter: QuarterFeedback, low: Decimal, high: Decimal
    ) -> Committed:
        facts = {}
        for person_id, participant in cycle.participants.items():
            own = quarter.people.get(person_id)
            mean = (
                quarter.department_means.get(participant.department_id)
                if participant.department_id
                else None
            )
            facts[person_id] = FeedbackFacts(
                department_mean=mean,
                scale_low=low,
                scale_high=high,
                praise=own.praise if own else 0,
                complaints=own.complaints if own else 0,
                handled_well=own.handled_well if own else 0,
                dismissed=own.dismissed if own else 0,
                overdue=own.overdue if own else 0,
            )
        cycle.begin_appraisal(quarter.survey_closed, facts)
        return self.commit(cycle, result={"cycle_id": str(cycle.id)})

    def propose_grades(
        self,
        cycle_id: UUID,
        proposals: dict[UUID, tuple[Grade | None, str | None]],
        today: date,
        expected: int | None = None,
    ) -> Committed:
        """The office proposes grades (all participants' bands when none are given)."""
        with self._deciding(cycle_id, expected) as cycle:
            scores, _ = self.scores(cycle, self.org.unit(cycle.unit_id), today)
            if not proposals:
                proposals = {p: (None, None) for p, s in scores.items() if s is not None}
            cycle.propose_grades(proposals, scores)
            return self.commit(cycle, result={"cycle_id": str(cycle.id)})

    def finalise(
        self, cycle_id: UUID, actor_id: UUID, today: date, expected: int | None = None
    ) -> Committed:
        """The principal leader finalises the grades."""
        with self._deciding(cycle_id, expected) as cycle:
            unit = self.org.unit(cycle.unit_id)
            scores, missing = self.scores(cycle, unit, today)
            cycle.finalise(actor_id, unit.principal_on(today), missing, scores)
            return self.commit(cycle, result={"cycle_id": str(cycle.id)})

    def publish(
        self, cycle_id: UUID, published_on: date, today: date, expected: int | None = None
    ) -> Committed:
        """Publish the results for the publicity period, counted in Chinese working days."""
        with self._deciding(cycle_id, expected) as cycle:
            config = cycle.config
            ends = add_working_days(published_on, config.publicity_days)
            until = add_working_days(published_on, config.objection_days)
            cycle.publish(published_on, ends.due_on, until.due_on, today)
            return self.commit(
                cycle,
                result={
                    "cycle_id": str(cycle.id),
                    "publicity_ends_on": ends.due_on.isoformat(),
                    "objections_until": until.due_on.isoformat(),
                    "provisional": ends.provisional,
                },
            )

    def object(
        self,
        cycle_id: UUID,
        actor_id: UUID,
        person_id: UUID,
        reason: str,
        filed_on: date,
        today: date,
    ) -> Committed:
        """A participant objects to their grade (异议)."""
        with self._deciding(cycle_id, None) as cycle:
            objection_id = cycle.object(actor_id, person_id, reason, filed_on, today)
            return self.commit(
                cycle, result={"cycle_id": str(cycle.id), "objection_id": str(objection_id)}
            )

    def resolve_objection(
        self,
        cycle_id: UUID,
        objection_id: UUID,
        upheld: bool,
        new_grade: Grade | None,
        reason: str,
        resolved_on: date,
        today: date,
        expected: int | None = None,
    ) -> Committed:
        """The office resolves an objection with reasons."""
        with self._deciding(cycle_id, expected) as cycle:
            cycle.resolve_objection(objection_id, upheld, new_grade, reason, resolved_on, today)
            return self.commit(
                cycle, result={"cycle_id": str(cycle.id), "objection_id": str(objection_id)}
            )

    def confirm(self, cycle_id: UUID, today: date, expected: int | None = None) -> Committed:
        """Confirm the results after the publicity period."""
        with self._deciding(cycle_id, expected) as cycle:
            cycle.confirm(today)
            return self.commit(cycle, result={"cycle_id": str(cycle.id)})

    # -- one participant --

    def submit_summary(
        self,
        cycle_id: UUID,
        person_id: UUID,
        actor_id: UUID,
        reports: list[dict[str, str]],
        extra_work: list[str],
    ) -> Committed:
        """The appraisee's personal summary, on the approved goals of the quarter."""
        facts = self.facts(cycle_id, person_id)
        appraisal = self.appraisal(facts)
        version, items = self.goals.approved_items(facts.unit_id, person_id, facts.quarter)
        appraisal.submit_summary(actor_id, facts.status, items, version, reports, extra_work)
        return self.commit(appraisal, result=self._ids(appraisal))

    def rate(
        self,
        cycle_id: UUID,
        person_id: UUID,
        actor_id: UUID,
        scores: dict[str, Decimal],
        opinion: str,
        today: date,
    ) -> Committed:
        """A manager rates the participant."""
        facts = self.facts(cycle_id, person_id)
        appraisal = self.appraisal(facts)
        managers = self.org.managers_of(facts.unit_id, person_id, today)
        relation = rater_relation(actor_id, managers)
        indicators = facts.config.indicators_for(facts.participant.position_category)
        appraisal.rate(
            actor_id,
            relation,
            required_raters(managers),
            facts.status,
            indicators,
            scores,
            opinion,
        )
        return self.commit(appraisal, result={**self._ids(appraisal), "as": relation})

    def record_talk(
        self,
        cycle_id: UUID,
        person_id: UUID,
        actor_id: UUID,
        held_on: date,
        today: date,
        reasons: str | None,
        shortcomings: list[dict[str, str]],
        improvements: str | None,
    ) -> Committed:
        """The supervising leader records the feedback talk."""
        facts = self.facts(cycle_id, person_id)
        appraisal = self.appraisal(facts)
        relation = talk_relation(actor_id, self.org.managers_of(facts.unit_id, person_id, today))
        appraisal.record_talk(
            actor_id,
            relation,
            facts.status,
            facts.grade,
            held_on,
            today,
            reasons,
            shortcomings,
            improvements,
        )
        return self.commit(appraisal, result=self._ids(appraisal))

    def acknowledge_talk(
        self, cycle_id: UUID, person_id: UUID, actor_id: UUID, comment: str | None
    ) -> Committed:
        """The appraisee acknowledges the talk."""
        appraisal = self.appraisal(self.facts(cycle_id, person_id))
        appraisal.acknowledge_talk(actor_id, comment)
        return self.commit(appraisal, result=self._ids(appraisal))

    @staticmethod
    def _ids(appraisal: Appraisal) -> dict[str, Any]:
        return {"cycle_id": str(appraisal.cycle_id), "appraisal_id": str(appraisal.id)}

    # -- sanctions --

    def record_sanction(
        self,
        unit_id: UUID,
        person_id: UUID,
        kind: SanctionKind,
        decided_on: date,
        document: str,
        today: date,
    ) -> Committed:
        """The office records a disciplinary sanction (处分)."""
        self.org.unit(unit_id).person(person_id)
        sanction = Sanction.record(unit_id, person_id, kind, decided_on, document, today)
        return self.commit(
            sanction,
            result={"sanction_id": str(sanction.id), "ends_on": sanction.ends_on.isoformat()},
        )
