"""Load the demo year of appraisals through GraphQL, each step by the person whose step it is:
the office opens and steers each quarter, people write summaries, their managers today rate
them, the principal leader finalises, supervising leaders hold the talks.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from deploy.demo_feedback_loader import record_survey
from deploy.demo_progress import Loading
from deploy.demo_reviews import (
    IMPROVEMENT,
    OBJECTION,
    QUARTERS,
    SANCTIONED,
    SHORTCOMING,
    SUMMARY_WORK,
    TALKS_PENDING_LEADER,
    DemoQuarter,
    ability,
    grades,
    rated_codes,
    score,
    survey_csv,
)
from deploy.demo_unit import DEPARTMENTS, DemoPerson
from services.reviews.vocabulary import Grade

MANAGERS = """query($person: ID!) { managers(personId: $person) {
  departmentHead { id } supervisingLeader { id } principalLeader { id } } }"""
OPEN = """mutation($unit: ID!, $quarter: String!, $key: String) {
  openReviewCycle(unitId: $unit, quarter: $quarter, idempotencyKey: $key) {
    cycle { id participantCount } } }"""
BEGIN = """mutation($cycle: ID!, $key: String) {
  beginAppraisal(cycleId: $cycle, idempotencyKey: $key) { position } }"""
SUMMARY = """mutation($cycle: ID!, $extra: [String!], $key: String) {
  submitSummary(cycleId: $cycle, reports: [], extraWork: $extra, idempotencyKey: $key) {
    position } }"""
RATE = """mutation($cycle: ID!, $person: ID!, $scores: [IndicatorScoreInput!]!, $opinion: String!,
  $key: String) {
  rateAppraisee(cycleId: $cycle, personId: $person, scores: $scores, opinion: $opinion,
    idempotencyKey: $key) { position } }"""
COMPOSITES = """query($cycle: ID!) { reviewCycle(id: $cycle) {
  participantCount appraisals(first: 200) { nodes { personId composite } } } }"""
PROPOSE = """mutation($cycle: ID!, $proposals: [GradeProposalInput!], $key: String) {
  proposeGrades(cycleId: $cycle, proposals: $proposals, idempotencyKey: $key) {
    cycle { quota { ok } } } }"""
FINALISE = """mutation($cycle: ID!, $key: String) {
  finaliseGrades(cycleId: $cycle, idempotencyKey: $key) { position } }"""
PUBLISH = """mutation($cycle: ID!, $on: Date!, $key: String) {
  publishResults(cycleId: $cycle, publishedOn: $on, idempotencyKey: $key) { position } }"""
OBJECT = """mutation($cycle: ID!, $reason: String!, $on: Date!, $key: String) {
  fileObjection(cycleId: $cycle, reason: $reason, filedOn: $on, idempotencyKey: $key) {
    objection { id } } }"""
RESOLVE = """mutation($cycle: ID!, $objection: ID!, $reason: String!, $on: Date!, $key: String) {
  resolveObjection(cycleId: $cycle, objectionId: $objection, upheld: false, reason: $reason,
    resolvedOn: $on, idempotencyKey: $key) { position } }"""
CONFIRM = """mutation($cycle: ID!, $key: String) {
  confirmResults(cycleId: $cycle, idempotencyKey: $key) { position } }"""
TALK = """mutation($cycle: ID!, $person: ID!, $on: Date!, $reasons: String,
  $shortcomings: [ShortcomingInput!], $improvements: String, $key: String) {
  recordFeedbackTalk(cycleId: $cycle, personId: $person, heldOn: $on, reasons: $reasons,
    shortcomings: $shortcomings, improvements: $improvements, idempotencyKey: $key) {
    position } }"""
ACKNOWLEDGE = """mutation($cycle: ID!, $key: String) {
  acknowledgeFeedbackTalk(cycleId: $cycle, comment: "已谈话，认可", idempotencyKey: $key) {
    position } }"""
SANCTION = """mutation($unit: ID!, $person: ID!, $kind: SanctionKind!, $on: Date!,
  $document: String!, $key: String) {
  recordSanction(unitId: $unit, personId: $person, kind: $kind, decidedOn: $on,
    document: $document, idempotencyKey: $key) { sanction { id } } }"""


def load_reviews(
    stages: Loading,
    client_for: Any,
    principal_client: Any,
    unit_id: str,
    roster: list[DemoPerson],
    person_ids: dict[str, str],
    office: Any,
) -> None:
    """The four quarters of 2025, from the survey to the acknowledged talks: the quarters in
    order, each quarter's stages in order, the steps of a stage (every summary, every rating,
    every talk) at once.
    """
    year = _ReviewYear(stages, client_for, principal_client, office, unit_id, roster, person_ids)
    sanction_key, decided_on, kind, document = SANCTIONED
    office(
        SANCTION,
        unit=unit_id,
        person=person_ids[sanction_key],
        kind=kind,
        on=decided_on.isoformat(),
        document=document,
        key="demo:sanction:0",
    )
    service = {d.key: d.name for d in DEPARTMENTS if d.category == "SERVICE"}
    for index, q in enumerate(QUARTERS):
        prefix = f"demo:review:{q.quarter}"
        stages.one(
            f"{q.quarter}: survey imported",
            partial(
                record_survey,
                office,
                unit_id,
                q.quarter,
                survey_csv(q.quarter, service),
                (f"{prefix}:survey", f"{prefix}:import", f"{prefix}:close"),
            ),
        )
        cycle = year.summaries(index, q.quarter, prefix)
        year.ratings(cycle, q.quarter, prefix)
        proposal = stages.one(
            f"{q.quarter}: grades proposed, finalised, published and confirmed",
            partial(year.grades, index, q, cycle, prefix),
        )
        year.talks(index == len(QUARTERS) - 1, q, cycle, proposal, prefix)


Managers = tuple[str | None, str | None, str | None]


class _ReviewYear:
    """The year's participants (everyone but the principal leader), their managers today and
    usual levels, and each quarter's steps, each taken by the person whose step it is.
    """

    def __init__(
        self,
        stages: Loading,
        client_for: Any,
        principal_client: Any,
        office: Any,
        unit_id: str,
        roster: list[DemoPerson],
        person_ids: dict[str, str],
    ) -> None:
        self.stages = stages
        self.client_for = client_for
        self.principal = principal_client
        self.office = office
        self.unit_id = unit_id
        self.person_ids = person_ids
        self.keys = {pid: key for key, pid in person_ids.items()}
        self.by_key = {p.key: p for p in roster}
        self.participants = [p.key for p in roster if p.key != "leader0"]
        self.levels = ability(self.participants)
        managers = stages.run(
            "participants' managers looked up",
            [partial(self._managers_of, key) for key in self.participants],
        )
        self.managers = dict(zip(self.participants, managers, strict=True))

    def _managers_of(self, key: str) -> Managers:
        """Department head, supervising leader, principal leader (ids, None where vacant)."""
        m = self.office(MANAGERS, person=self.person_ids[key])["managers"]
        head, supervisor, boss = (
            (m[role] or {}).get("id")
            for role in ("departmentHead", "supervisingLeader", "principalLeader")
        )
        return head, supervisor, boss

    def summaries(self, index: int, quarter: str, prefix: str) -> str:
        """Open the quarter's cycle and begin; every participant submits a summary. The cycle."""
        opened = self.office(OPEN, unit=self.unit_id, quarter=quarter, key=f"{prefix}:open")
        cycle: str = opened["openReviewCycle"]["cycle"]["id"]
        self.office(BEGIN, cycle=cycle, key=f"{prefix}:begin")
        self.stages.run(
            f"{quarter}: summaries submitted",
            [
                partial(
                    self.client_for(self.person_ids[key]),
                    SUMMARY,
                    cycle=cycle,
                    extra=[SUMMARY_WORK[(i + index) % len(SUMMARY_WORK)]],
                    key=f"{prefix}:summary:{key}",
                )
                for i, key in enumerate(self.participants)
            ],
        )
        return cycle

    def ratings(self, cycle: str, quarter: str, prefix: str) -> None:
        """Each participant's department head and supervising leader rate them (the principal
        leader when they have neither).
        """
        ratings = []
        for key in self.participants:
            head, supervisor, boss = self.managers[key]
            raters = [r for r in (head, supervisor) if r] or ([boss] if boss else [])
            codes = rated_codes(self.by_key[key].position_category)
            level = self.levels[key]
            for rater in raters:
                rating = partial(
                    self.client_for(rater),
                    RATE,
                    cycle=cycle,
                    person=self.person_ids[key],
                    scores=[
                        {"code": c, "score": str(score(level, key, quarter, c + rater))}
                        for c in codes
                    ],
                    opinion="工作认真负责，完成季度目标",
                    key=f"{prefix}:rate:{key}:{rater}",
                )
                ratings.append(rating)
        self.stages.run(f"{quarter}: ratings recorded", ratings)

    def grades(
        self, index: int, q: DemoQuarter, cycle: str, prefix: str
    ) -> dict[str, tuple[Grade, str | None]]:
        """The office proposes grades within the quota, the principal leader finalises, the
        office publishes, settles the year's objection and confirms. The proposal.
        """
        read = self.office(COMPOSITES, cycle=cycle)["reviewCycle"]
        composites = {
            self.keys[n["personId"]]: Decimal(n["composite"]) for n in read["appraisals"]["nodes"]
        }
        limit = int(Decimal(read["participantCount"]) * Decimal("0.4"))
        departments = {k: self.by_key[k].department for k in composites}
        proposal = grades(composites, departments, index, limit)
        self.office(
            PROPOSE,
            cycle=cycle,
            proposals=[
                {"personId": self.person_ids[k], "grade": g.value, "justification": j}
                for k, (g, j) in proposal.items()
            ],
            key=f"{prefix}:propose",
        )
        self.principal(FINALISE, cycle=cycle, key=f"{prefix}:finalise")
        self.office(PUBLISH, cycle=cycle, on=q.published_on.isoformat(), key=f"{prefix}:publish")
        if OBJECTION[0] == q.quarter:
            self._objection(cycle, prefix)
        self.office(CONFIRM, cycle=cycle, key=f"{prefix}:confirm")
        return proposal

    def _objection(self, cycle: str, prefix: str) -> None:
        """The year's objection, filed by its appraisee and not upheld by the office."""
        _, who, reason, filed_on, resolution, resolved_on = OBJECTION
        objection = self.client_for(self.person_ids[who])(
            OBJECT, cycle=cycle, reason=reason, on=filed_on.isoformat(), key=f"{prefix}:o"
        )["fileObjection"]["objection"]["id"]
        self.office(
            RESOLVE,
            cycle=cycle,
            objection=objection,
            reason=resolution,
            on=resolved_on.isoformat(),
            key=f"{prefix}:o:resolve",
        )

    def talks(
        self,
        last: bool,
        q: DemoQuarter,
        cycle: str,
        proposal: dict[str, tuple[Grade, str | None]],
        prefix: str,
    ) -> None:
        """Each participant's supervising leader (the principal leader for those with neither
        head nor supervisor) holds the feedback talk and the participant acknowledges it; in the
        last quarter one leader's talks and some acknowledgements are still to come.
        """

        def talk(key: str, leader: str) -> None:
            top = proposal[key][0].value == "GOOD"
            self.client_for(leader)(
                TALK,
                cycle=cycle,
                person=self.person_ids[key],
                on=q.talks_on.isoformat(),
                reasons="目标完成好，服务对象评价高，予以肯定" if top else None,
                shortcomings=None
                if top
                else [{"shortcoming": SHORTCOMING[0], "facts": SHORTCOMING[1]}],
                improvements=None if top else IMPROVEMENT,
                key=f"{prefix}:talk:{key}",
            )
            if not (last and key.endswith("3")):
                self.client_for(self.person_ids[key])(
                    ACKNOWLEDGE, cycle=cycle, key=f"{prefix}:ack:{key}"
                )

        talks = []
        for key in self.participants:
            head, supervisor, boss = self.managers[key]
            leader = supervisor or (boss if not head else None)
            if leader is None or (last and leader == self.person_ids[TALKS_PENDING_LEADER]):
                continue
            talks.append(partial(talk, key, leader))
        self.stages.run(f"{q.quarter}: feedback talks held and acknowledged", talks)
