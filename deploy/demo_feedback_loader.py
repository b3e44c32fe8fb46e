"""Load the demo quarter of feedback through GraphQL: the survey platform's export imported and
the survey closed, praise, and complaints through their handling.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from deploy.demo_feedback import COMPLAINTS, DISMISS_REASON, PRAISE, QUARTER, survey_rows
from deploy.demo_progress import Loading
from deploy.demo_unit import DEPARTMENTS

OPEN = """mutation($unit: ID!, $quarter: String!, $key: String) {
  openSurvey(unitId: $unit, quarter: $quarter, idempotencyKey: $key) { survey { id } } }"""
IMPORT = """mutation($id: ID!, $csv: String!, $key: String) {
  importSurveyResponses(surveyId: $id, csv: $csv, idempotencyKey: $key) {
    accepted rejected { line rule } } }"""
CLOSE = """mutation($id: ID!, $key: String) {
  closeSurvey(surveyId: $id, idempotencyKey: $key) { survey { id } } }"""
PRAISE_MUTATION = """mutation($unit: ID!, $kind: TargetKind!, $target: ID!, $source: String!,
  $what: String!, $on: Date!, $key: String) {
  recordPraise(unitId: $unit, targetKind: $kind, targetId: $target, source: $source,
    whatHappened: $what, occurredOn: $on, idempotencyKey: $key) { praise { id } } }"""
FILE = """mutation($unit: ID!, $kind: TargetKind!, $target: ID!, $content: String!,
  $complainant: ComplainantInput, $on: Date, $key: String) {
  fileComplaint(unitId: $unit, targetKind: $kind, targetId: $target, content: $content,
    complainant: $complainant, receivedOn: $on, idempotencyKey: $key) { complaint { id } } }"""
ASSIGN = """mutation($id: ID!, $handler: ID!, $key: String) {
  assignComplaint(complaintId: $id, handlerId: $handler, idempotencyKey: $key) {
    complaint { id } } }"""
RESPOND = """mutation($id: ID!, $text: String!, $key: String) {
  respondToComplaint(complaintId: $id, response: $text, idempotencyKey: $key) {
    complaint { id } } }"""
RESOLVE = """mutation($id: ID!, $satisfaction: Satisfaction!, $on: Date, $key: String) {
  resolveComplaint(complaintId: $id, satisfaction: $satisfaction, resolvedOn: $on,
    idempotencyKey: $key) { complaint { id } } }"""
DISMISS = """mutation($id: ID!, $reason: String!, $key: String) {
  dismissComplaint(complaintId: $id, reason: $reason, idempotencyKey: $key) {
    complaint { id } } }"""
OVERDUE = """mutation { checkOverdueComplaints { __typename } }"""


def load_feedback(
    stages: Loading,
    client_for: Any,
    unit_id: str,
    person_ids: dict[str, str],
    departments: dict[str, str],
    office: Any,
) -> None:
    """The third quarter's survey, praise and complaints, as the office and handlers do them.
    Praise and complaints are recorded in the order they came, as an office records them.
    """
    service = {d.key: d.name for d in DEPARTMENTS if d.category == "SERVICE"}
    stages.one(
        "satisfaction survey imported",
        partial(
            record_survey,
            office,
            unit_id,
            QUARTER,
            survey_rows(service),
            ("demo:survey", "demo:survey-import", "demo:survey-close"),
        ),
    )

    def target(key: str) -> tuple[str, str]:
        if key in departments:
            return "DEPARTMENT", departments[key]
        return "PERSON", person_ids[key]

    def praise(i: int, who: str, source: str, what: str, on: date) -> None:
        kind, target_id = target(who)
        office(
            PRAISE_MUTATION,
            unit=unit_id,
            kind=kind,
            target=target_id,
            source=source,
            what=what,
            on=on.isoformat(),
            key=f"demo:praise:{i}",
        )

    def complaint(
        i: int,
        who: str,
        complainant: Any,
        content: str,
        received: date,
        outcome: str,
        handler: str,
        closed: date | None,
    ) -> None:
        kind, target_id = target(who)
        key = f"demo:complaint:{i}"
        filed = office(
            FILE,
            unit=unit_id,
            kind=kind,
            target=target_id,
            content=content,
            complainant=complainant,
            on=received.isoformat(),
            key=key,
        )["fileComplaint"]["complaint"]["id"]
        _handle(client_for, office, filed, key, outcome, person_ids[handler], closed)

    stages.run(
        "praise recorded", [partial(praise, i, *p) for i, p in enumerate(PRAISE)], in_order=True
    )
    stages.run(
        "complaints handled",
        [partial(complaint, i, *c) for i, c in enumerate(COMPLAINTS)],
        in_order=True,
    )
    stages.one("overdue complaints flagged", partial(office, OVERDUE))


def record_survey(
    office: Any, unit_id: str, quarter: str, csv: str, keys: tuple[str, str, str]
) -> None:
    """Open a quarter's satisfaction survey, import the survey platform's export and close it;
    `keys` are the three steps' Idempotency-Keys.
    """
    open_key, import_key, close_key = keys
    opened = office(OPEN, unit=unit_id, quarter=quarter, key=open_key)
    survey = opened["openSurvey"]["survey"]["id"]
    office(IMPORT, id=survey, csv=csv, key=import_key)
    office(CLOSE, id=survey, key=close_key)


def _handle(
    client_for: Any,
    office: Any,
    complaint: str,
    key: str,
    outcome: str,
    handler: str,
    closed: date | None,
) -> None:
    """Take a filed complaint as far as its `outcome`: dismissed, or assigned to `handler`, and
    unless still open, answered by them and resolved by the office.
    """
    if outcome == "dismissed":
        office(DISMISS, id=complaint, reason=DISMISS_REASON, key=f"{key}:dismiss")
        return
    office(ASSIGN, id=complaint, handler=handler, key=f"{key}:assign")
    if outcome == "open":
        return
    client_for(handler)(
        RESPOND,
        id=complaint,
        text="已核实情况，向投诉人当面致歉并落实整改措施",
        key=f"{key}:respond",
    )
    satisfaction = "DISSATISFIED" if outcome == "resolved_dissatisfied" else "SATISFIED"
    assert closed is not None
    office(
        RESOLVE,
        id=complaint,
        satisfaction=satisfaction,
        on=closed.isoformat(),
        key=f"{key}:resolve",
    )
