"""Load the demo quarter of feedback through GraphQL: the survey platform's export imported and
the survey closed, praise, and complaints through their handling.
"""

from __future__ import annotations

from typing import Any

from deploy.demo_feedback import COMPLAINTS, DISMISS_REASON, PRAISE, QUARTER, survey_rows
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
    client_for: Any,
    unit_id: str,
    person_ids: dict[str, str],
    departments: dict[str, str],
    office: Any,
) -> None:
    """The third quarter's survey, praise and complaints, as the office and handlers do them."""
    survey = office(OPEN, unit=unit_id, quarter=QUARTER, key="demo:survey")["openSurvey"]["survey"][
        "id"
    ]
    service = {d.key: d.name for d in DEPARTMENTS if d.category == "SERVICE"}
    office(IMPORT, id=survey, csv=survey_rows(service), key="demo:survey-import")
    office(CLOSE, id=survey, key="demo:survey-close")

    def target(key: str) -> tuple[str, str]:
        if key in departments:
            return "DEPARTMENT", departments[key]
        return "PERSON", person_ids[key]

    for i, (who, source, what, on) in enumerate(PRAISE):
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

    for i, (who, complainant, content, received, outcome, handler, closed) in enumerate(COMPLAINTS):
        kind, target_id = target(who)
        key = f"demo:complaint:{i}"
        complaint = office(
            FILE,
            unit=unit_id,
            kind=kind,
            target=target_id,
            content=content,
            complainant=complainant,
            on=received.isoformat(),
            key=key,
        )["fileComplaint"]["complaint"]["id"]
        if outcome == "dismissed":
            office(DISMISS, id=complaint, reason=DISMISS_REASON, key=f"{key}:dismiss")
            continue
        office(ASSIGN, id=complaint, handler=person_ids[handler], key=f"{key}:assign")
        if outcome == "open":
            continue
        client_for(person_ids[handler])(
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
    office(OVERDUE)
