"""Load the demo year of appraisals through GraphQL, each step by the person whose step it is:
the office opens and steers each quarter, people write summaries, their managers today rate
them, the principal leader finalises, supervising leaders hold the talks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.progress import Progress

from deploy.demo_reviews import (
    IMPROVEMENT,
    OBJECTION,
    QUARTERS,
    SANCTIONED,
    SHORTCOMING,
    SUMMARY_WORK,
    TALKS_PENDING_LEADER,
    ability,
    grades,
    rated_codes,
    score,
    survey_csv,
)
from deploy.demo_unit import DEPARTMENTS, DemoPerson

SURVEY = """mutation($unit: ID!, $quarter: String!, $key: String) {
  openSurvey(unitId: $unit, quarter: $quarter, idempotencyKey: $key) { survey { id } } }"""
IMPORT = """mutation($id: ID!, $csv: String!, $key: String) {
  importSurveyResponses(surveyId: $id, csv: $csv, idempotencyKey: $key) { accepted } }"""
CLOSE = """mutation($id: ID!, $key: String) {
  closeSurvey(surveyId: $id, idempotencyKey: $key) { survey { id } } }"""
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
    client_for: Any,
    principal_client: Any,
    unit_id: str,
    roster: list[DemoPerson],
    person_ids: dict[str, str],
    office: Any,
) -> None:
    """The four quarters of 2025, from the survey to the acknowledged talks."""
    keys = {pid: key for key, pid in person_ids.items()}
    by_key = {p.key: p for p in roster}
    participants = [p.key for p in roster if p.key != "leader0"]
    levels = ability(participants)
    managers: dict[str, tuple[str | None, str | None, str | None]] = {}
    for key in participants:
        m = office(MANAGERS, person=person_ids[key])["managers"]
        managers[key] = tuple(  # type: ignore[assignment]
            (m[role] or {}).get("id")
            for role in ("departmentHead", "supervisingLeader", "principalLeader")
        )
    service = {d.key: d.name for d in DEPARTMENTS if d.category == "SERVICE"}
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
    with Progress() as progress:
        task = progress.add_task("Loading a year of appraisals", total=len(QUARTERS) * 4)
        for index, q in enumerate(QUARTERS):
            prefix = f"demo:review:{q.quarter}"
            survey = office(SURVEY, unit=unit_id, quarter=q.quarter, key=f"{prefix}:survey")[
                "openSurvey"
            ]["survey"]["id"]
            office(IMPORT, id=survey, csv=survey_csv(q.quarter, service), key=f"{prefix}:import")
            office(CLOSE, id=survey, key=f"{prefix}:close")
            cycle = office(OPEN, unit=unit_id, quarter=q.quarter, key=f"{prefix}:open")[
                "openReviewCycle"
            ]["cycle"]["id"]
            office(BEGIN, cycle=cycle, key=f"{prefix}:begin")
            for i, key in enumerate(participants):
                client_for(person_ids[key])(
                    SUMMARY,
                    cycle=cycle,
                    extra=[SUMMARY_WORK[(i + index) % len(SUMMARY_WORK)]],
                    key=f"{prefix}:summary:{key}",
                )
            progress.advance(task)
            for key in participants:
                head, supervisor, boss = managers[key]
                raters = [r for r in (head, supervisor) if r] or ([boss] if boss else [])
                codes = rated_codes(by_key[key].position_category)
                for rater in raters:
                    client_for(rater)(
                        RATE,
                        cycle=cycle,
                        person=person_ids[key],
                        scores=[
                            {"code": c, "score": str(score(levels[key], key, q.quarter, c + rater))}
                            for c in codes
                        ],
                        opinion="工作认真负责，完成季度目标",
                        key=f"{prefix}:rate:{key}:{rater}",
                    )
            progress.advance(task)
            read = office(COMPOSITES, cycle=cycle)["reviewCycle"]
            composites = {
                keys[n["personId"]]: Decimal(n["composite"]) for n in read["appraisals"]["nodes"]
            }
            limit = int(Decimal(read["participantCount"]) * Decimal("0.4"))
            proposal = grades(
                composites, {k: by_key[k].department for k in composites}, index, limit
            )
            office(
                PROPOSE,
                cycle=cycle,
                proposals=[
                    {"personId": person_ids[k], "grade": g.value, "justification": j}
                    for k, (g, j) in proposal.items()
                ],
                key=f"{prefix}:propose",
            )
            principal_client(FINALISE, cycle=cycle, key=f"{prefix}:finalise")
            office(PUBLISH, cycle=cycle, on=q.published_on.isoformat(), key=f"{prefix}:publish")
            if OBJECTION[0] == q.quarter:
                _, who, reason, filed_on, resolution, resolved_on = OBJECTION
                objection = client_for(person_ids[who])(
                    OBJECT, cycle=cycle, reason=reason, on=filed_on.isoformat(), key=f"{prefix}:o"
                )["fileObjection"]["objection"]["id"]
                office(
                    RESOLVE,
                    cycle=cycle,
                    objection=objection,
                    reason=resolution,
                    on=resolved_on.isoformat(),
                    key=f"{prefix}:o:resolve",
                )
            office(CONFIRM, cycle=cycle, key=f"{prefix}:confirm")
            progress.advance(task)
            last = index == len(QUARTERS) - 1
            for key in participants:
                head, supervisor, boss = managers[key]
                leader = supervisor or (boss if not head else None)
                if leader is None or (last and leader == person_ids[TALKS_PENDING_LEADER]):
                    continue
                top = proposal[key][0].value == "GOOD"
                client_for(leader)(
                    TALK,
                    cycle=cycle,
                    person=person_ids[key],
                    on=q.talks_on.isoformat(),
                    reasons="目标完成好，服务对象评价高，予以肯定" if top else None,
                    shortcomings=None
                    if top
                    else [{"shortcoming": SHORTCOMING[0], "facts": SHORTCOMING[1]}],
                    improvements=None if top else IMPROVEMENT,
                    key=f"{prefix}:talk:{key}",
                )
                if not (last and key.endswith("3")):
                    client_for(person_ids[key])(ACKNOWLEDGE, cycle=cycle, key=f"{prefix}:ack:{key}")
            progress.advance(task)
