"""End to end: with the system running, poison events are written straight into the logs (as an
old version or another writer could have left them). The read side sets them aside: a mutation
in another unit still answers at once with its data, a query of the poisoned records answers
with its data and a READ_MODEL_INCOMPLETE error naming the event, the office lists its unit's
quarantined events, the gateway's /metrics counts them, and the audit trail shows them as stored.

The module runs on a database of its own: the poison never reaches another module's system.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID, uuid4

import httpx
import pytest

from bench.system import fresh_database
from kernel.roles import Role
from tests.e2e.conftest import System
from tests.poison import NUL, write_copy

pytestmark = pytest.mark.e2e

REGISTER = """mutation($name: String!, $code: String!) {
  registerUnit(name: $name, code: $code) { unit { id } } }"""
OPEN = """mutation($unit: ID!) {
  openDepartment(unitId: $unit, name: "综合科", category: GENERAL, openedOn: "2025-01-01") {
    department { id } } }"""
ADD = """mutation($unit: ID!, $login: String!, $dept: ID) {
  addPerson(unitId: $unit, name: "王芳", login: $login, positionCategory: GENERAL,
    departmentId: $dept, joinedOn: "2025-01-01") { person { id } } }"""
SUBMIT_SUMMARY = """mutation($unit: ID!, $text: String!) {
  submitMonthlySummary(unitId: $unit, month: "2026-02", text: $text) {
    monthlySummary { id version text } position } }"""
SUMMARIES = """query($unit: ID!) { monthlySummaries(unitId: $unit) { id text } }"""
PRAISE = """mutation($unit: ID!, $target: ID!, $what: String!) {
  recordPraise(unitId: $unit, targetKind: PERSON, targetId: $target, source: "市委办公室",
    whatHappened: $what, occurredOn: "2026-02-05") { praise { id whatHappened } position } }"""
PRAISE_PAGE = """query($unit: ID!) { praise(unitId: $unit) { edges { node { id } } } }"""
QUARANTINED = """query($unit: ID) { quarantinedEvents(unitId: $unit) {
  service position recordId eventType unitId errorClass error stateSha256 } }"""
TRAIL = """query($unit: ID!) { auditTrail(unitId: $unit, first: 100) {
  edges { node { service position eventType payload chainHash } } } }"""


@pytest.fixture(scope="module")
def database(postgres_server: str) -> Iterator[str]:
    """This module's own database (its logs hold poison), for its own system."""
    with fresh_database(postgres_server, "kaohe_e2e_poison") as url:
        yield url


@dataclass
class Unit:
    id: str
    person: str
    office: str
    staff: str


def unit(system: System, code: str) -> Unit:
    admin = system.token([Role.ADMIN])
    unit_id = system.data(admin, REGISTER, name=f"{code}单位", code=code)["registerUnit"]["unit"][
        "id"
    ]
    office = system.office(unit_id)
    dept = system.data(office, OPEN, unit=unit_id)["openDepartment"]["department"]["id"]
    person = system.data(office, ADD, unit=unit_id, login=f"wf-{code.lower()}", dept=dept)[
        "addPerson"
    ]["person"]["id"]
    staff = system.token([Role.APPRAISEE], person_id=UUID(person), tenant_id=UUID(unit_id))
    return Unit(unit_id, person, office, staff)


@dataclass
class Poisoned:
    a: Unit
    b: Unit
    summary: str  # a real summary whose amendment in the log is poison
    summary_poison: int
    praise_poison: int


def projected(system: System, service: str, position: int) -> None:
    """Wait until the gateway's projection of `service` is past `position`."""
    health = f"http://127.0.0.1:{system.settings.kaohe_gateway_port}/health"
    deadline = time.monotonic() + 20
    while httpx.get(health).json()["projected"].get(service, 0) < position:
        assert time.monotonic() < deadline, f"{service} never projected {position}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def poisoned(system: System) -> Poisoned:
    a, b = unit(system, "POISON-A"), unit(system, "POISON-B")
    submitted = system.data(a.staff, SUBMIT_SUMMARY, unit=a.id, text="二月工作小结")[
        "submitMonthlySummary"
    ]
    praised = system.data(a.office, PRAISE, unit=a.id, target=a.person, what="雪天保障准时")[
        "recordPraise"
    ]
    summary_poison = write_copy(
        system.database,
        "goals",
        submitted["position"],
        {"text": f"修改{NUL}", "reason": "补充"},
        version=2,
        topic="services.goals.domain:MonthlySummary.SummaryAmended",
    )
    praise_poison = write_copy(
        system.database,
        "feedback",
        praised["position"],
        {"what_happened": f"表扬{NUL}"},
        originator_id=uuid4(),
    )
    projected(system, "goals", summary_poison)
    projected(system, "feedback", praise_poison)
    return Poisoned(a, b, submitted["monthlySummary"]["id"], summary_poison, praise_poison)


def incomplete(body: dict[str, object]) -> list[dict[str, object]]:
    errors = body.get("errors") or []
    assert isinstance(errors, list)
    return [e["extensions"] for e in errors if e["extensions"]["code"] == "READ_MODEL_INCOMPLETE"]


def test_a_mutation_in_another_unit_answers_at_once_with_its_data(
    system: System, poisoned: Poisoned
) -> None:
    b = poisoned.b
    started = time.monotonic()
    body = system.graphql(b.office, PRAISE, unit=b.id, target=b.person, what="账目清楚")

    assert time.monotonic() - started < 3
    assert body.get("errors") is None, body
    assert body["data"]["recordPraise"]["praise"]["whatHappened"] == "账目清楚"


def test_the_poisoned_record_answers_with_its_data_and_the_error(
    system: System, poisoned: Poisoned
) -> None:
    body = system.graphql(poisoned.a.office, SUMMARIES, unit=poisoned.a.id)

    assert body["data"]["monthlySummaries"] == [{"id": poisoned.summary, "text": "二月工作小结"}]
    assert incomplete(body) == [
        {
            "code": "READ_MODEL_INCOMPLETE",
            "rule": "gateway.quarantined_event",
            "service": "goals",
            "position": poisoned.summary_poison,
            "recordId": poisoned.summary,
        }
    ]


def test_a_list_missing_a_poisoned_record_says_so(system: System, poisoned: Poisoned) -> None:
    a = poisoned.a
    body = system.graphql(a.office, PRAISE_PAGE, unit=a.id)

    assert len(body["data"]["praise"]["edges"]) == 1  # the real praise, not the poison
    [error] = incomplete(body)
    assert (error["service"], error["position"]) == ("feedback", poisoned.praise_poison)
    # Another unit's answers are not concerned.
    b = poisoned.b
    assert incomplete(system.graphql(b.office, PRAISE_PAGE, unit=b.id)) == []


def test_the_office_lists_its_units_quarantined_events(system: System, poisoned: Poisoned) -> None:
    a, b = poisoned.a, poisoned.b
    listed = system.data(a.office, QUARANTINED, unit=a.id)["quarantinedEvents"]

    assert [(e["service"], e["position"], e["eventType"]) for e in listed] == [
        ("feedback", poisoned.praise_poison, "PraiseRecorded"),
        ("goals", poisoned.summary_poison, "SummaryAmended"),
    ]
    assert all(e["unitId"] == a.id and e["error"] and len(e["stateSha256"]) == 64 for e in listed)
    assert system.data(b.office, QUARANTINED, unit=None)["quarantinedEvents"] == []
    auditor = system.platform_auditor()
    assert len(system.data(auditor, QUARANTINED, unit=None)["quarantinedEvents"]) == 2
    refused = system.error(b.office, QUARANTINED, unit=a.id)
    assert refused["extensions"]["code"] == "FORBIDDEN"
    refused = system.error(a.staff, QUARANTINED, unit=a.id)
    assert refused["extensions"]["rule"] == "gateway.quarantine_readers"


def test_the_gateway_metrics_count_the_quarantined_events(
    system: System, poisoned: Poisoned
) -> None:
    metrics = httpx.get(f"http://127.0.0.1:{system.settings.kaohe_gateway_port}/metrics").text

    assert 'kaohe_projection_quarantined_total{service="goals"} 1.0' in metrics
    assert 'kaohe_projection_quarantined_total{service="feedback"} 1.0' in metrics
    assert 'kaohe_projection_quarantined_events{service="feedback"} 1.0' in metrics


def test_the_audit_trail_shows_the_poison_events_as_stored(
    system: System, poisoned: Poisoned
) -> None:
    trail = system.data(system.platform_auditor(), TRAIL, unit=poisoned.a.id)["auditTrail"]
    shown = {(e["node"]["service"], e["node"]["position"]): e["node"] for e in trail["edges"]}

    assert shown[("goals", poisoned.summary_poison)]["payload"]["text"] == f"修改{NUL}"
    assert shown[("feedback", poisoned.praise_poison)]["chainHash"]


def test_a_mutation_whose_own_event_cannot_be_projected_never_waits_for_it(
    system: System, poisoned: Poisoned
) -> None:
    """Refused at the command (422 naming the field), or recorded and then quarantined: either
    way the answer comes at once, never after the read-your-writes time-out."""
    b = poisoned.b
    started = time.monotonic()
    body = system.graphql(b.office, PRAISE, unit=b.id, target=b.person, what=f"表扬{NUL}")

    assert time.monotonic() - started < 3
    [error] = body["errors"]
    refused_at_the_command = error["extensions"].get("status") == 422
    assert refused_at_the_command or error["extensions"]["code"] == "READ_MODEL_INCOMPLETE", error
