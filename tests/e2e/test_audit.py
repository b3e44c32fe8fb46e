"""End to end: auditors (审计/纪检) read the raw record over GraphQL: audit trails paged with
filters, a person's dossier for a quarter, and the access log of who read whose records.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import psycopg
import pytest

from kernel.roles import Role
from tests.e2e.conftest import System, Unit, new_unit
from tests.e2e.test_goals import APPROVE, DRAFT, GOAL_SETS, ONE, QUARTER, SUBMIT, goal

pytestmark = pytest.mark.e2e

TRAIL = """query($unit: ID, $actor: ID, $stream: ID, $types: [String!], $services: [String!],
  $first: Int, $after: String) {
  auditTrail(unitId: $unit, actorId: $actor, streamId: $stream, eventTypes: $types,
    services: $services, first: $first, after: $after) {
    edges { cursor node { service position stream version eventType occurredAt actorId
      actorRole { code label } actor { name } unitId reason correlationId payload chainHash } }
    pageInfo { hasNextPage endCursor } } }"""
DOSSIER = """query($person: ID!, $quarter: String!) {
  dossier(personId: $person, quarter: $quarter) {
    person { name } quarter departments { name }
    entries { why event { service position eventType stream actorRole { code label } } } } }"""
ACCESS = """query($viewer: ID, $subject: ID, $first: Int, $after: String) {
  accessLog(viewerId: $viewer, subjectId: $subject, first: $first, after: $after) {
    edges { cursor node { readAt viewerId viewerRoles { code label } viewer { name }
      subjectId subject { name } record recordLabel query } }
    pageInfo { hasNextPage endCursor } } }"""


@dataclass
class AuditedUnit(Unit):
    goal_sets: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def audited(system: System) -> AuditedUnit:
    """A unit with a head and two staff whose goal sets for this quarter were approved."""
    audited = AuditedUnit(**vars(new_unit(system, "审计测试中心", "E2E-AUDIT")))
    audited.open("vehicles", "公车服务科", "VEHICLES")
    audited.staff("vehicles", head="李强", zhaomin="赵敏", sunli="孙丽")
    audited.head("vehicles", "head")
    for login in ("zhaomin", "sunli"):
        staff = audited.token(login)
        drafted = system.data(
            staff, DRAFT, unit=audited.id, period=QUARTER.code, items=[goal(f"{login}的目标")]
        )["draftGoalSet"]["goalSet"]
        system.data(staff, SUBMIT, id=drafted["id"])
        system.data(audited.token("head", Role.DEPARTMENT_HEAD), APPROVE, id=drafted["id"])
        audited.goal_sets[login] = drafted["id"]
    return audited


def auditor(system: System) -> str:
    return system.platform_auditor()


def test_an_auditor_pages_through_a_units_trail_and_sees_every_event_once_in_order(
    system: System, audited: AuditedUnit
) -> None:
    token = auditor(system)
    whole = system.data(token, TRAIL, unit=audited.id, first=200)["auditTrail"]
    assert not whole["pageInfo"]["hasNextPage"]
    everything = [e["node"] for e in whole["edges"]]
    assert {e["service"] for e in everything} == {"directory", "goals"}
    # The platform administrator who registers a unit acts for no unit: the unit's own stream.
    assert all(e["unitId"] == audited.id or e["stream"] == audited.id for e in everything)
    assert [e["occurredAt"] for e in everything] == sorted(e["occurredAt"] for e in everything)

    paged: list[dict[str, Any]] = []
    after = None
    while True:
        page = system.data(token, TRAIL, unit=audited.id, first=3, after=after)["auditTrail"]
        paged.extend(e["node"] for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [(e["service"], e["position"]) for e in paged] == [
        (e["service"], e["position"]) for e in everything
    ]

    approved = next(e for e in everything if e["eventType"] == "Approved")
    assert approved["actorRole"]["label"] == Role(approved["actorRole"]["code"]).label
    assert approved["actor"]["name"] == "李强"
    assert len(approved["chainHash"]) == 64
    assert approved["payload"]["version_number"] == 1
    assert "meta" not in approved["payload"]


def test_an_auditor_filters_a_trail_by_actor_stream_event_type_and_service(
    system: System, audited: AuditedUnit
) -> None:
    token = auditor(system)
    by_head = system.data(token, TRAIL, actor=audited.people["head"], first=200)["auditTrail"]
    assert {e["node"]["eventType"] for e in by_head["edges"]} == {"Approved"}
    stream = audited.goal_sets["zhaomin"]
    one = system.data(token, TRAIL, stream=stream, first=200)["auditTrail"]["edges"]
    assert [e["node"]["eventType"] for e in one] == ["Drafted", "Submitted", "Approved"]
    assert [e["node"]["version"] for e in one] == [1, 2, 3]
    joined = system.data(
        token, TRAIL, unit=audited.id, types=["PersonJoined"], services=["directory"], first=200
    )["auditTrail"]["edges"]
    assert len(joined) == 4
    assert {e["node"]["service"] for e in joined} == {"directory"}


def test_a_trail_refuses_an_unknown_service_and_a_forged_cursor_naming_the_argument(
    system: System, audited: AuditedUnit
) -> None:
    token = auditor(system)
    error = system.error(token, TRAIL, services=["payroll"])
    assert error["extensions"]["field"] == "services"
    error = system.error(token, TRAIL, after="bm90LWEtY3Vyc29y")
    assert error["extensions"]["field"] == "after"
    assert error["extensions"]["rule"] == "cursor"


def test_anyone_but_an_auditor_is_refused_the_audit_queries_with_the_missing_role_named(
    system: System, audited: AuditedUnit
) -> None:
    office = audited.token("wangfang", Role.APPRAISAL_OFFICE)
    for query, variables in [
        (TRAIL, {}),
        (DOSSIER, {"person": audited.people["zhaomin"], "quarter": QUARTER.code}),
        (ACCESS, {}),
    ]:
        error = system.error(office, query, **variables)
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert error["extensions"]["missing_role"] == "AUDITOR"
        assert "审计/纪检" in error["message"]


def test_a_dossier_holds_the_persons_goal_set_and_org_changes_but_not_a_colleagues(
    system: System, audited: AuditedUnit
) -> None:
    dossier = system.data(
        auditor(system), DOSSIER, person=audited.people["zhaomin"], quarter=QUARTER.code
    )["dossier"]
    assert dossier["person"]["name"] == "赵敏"
    assert [d["name"] for d in dossier["departments"]] == ["公车服务科"]
    entries = dossier["entries"]
    goals = [e for e in entries if e["event"]["service"] == "goals"]
    assert {e["event"]["stream"] for e in goals} == {audited.goal_sets["zhaomin"]}
    assert [e["event"]["eventType"] for e in goals] == ["Drafted", "Submitted", "Approved"]
    org = [e for e in entries if e["event"]["service"] == "directory"]
    why = {(e["event"]["eventType"], e["why"]) for e in org}
    assert ("PersonJoined", "org change naming the person") in why
    assert ("DepartmentHeadAppointed", "org change of the person's department") in why
    # The general office's member joined another department: nothing to do with her quarter.
    assert len([e for e in org if e["event"]["eventType"] == "PersonJoined"]) == 3


def test_a_leader_reading_a_subordinates_goals_is_in_the_access_log_and_the_appraisee_is_not(
    system: System, audited: AuditedUnit
) -> None:
    zhaomin, head = audited.people["zhaomin"], audited.people["head"]
    system.data(audited.token("zhaomin"), ONE, id=audited.goal_sets["zhaomin"])
    system.data(
        audited.token("head", Role.DEPARTMENT_HEAD),
        GOAL_SETS,
        unit=audited.id,
        person=zhaomin,
    )

    log = system.data(auditor(system), ACCESS, subject=zhaomin, first=50)["accessLog"]["edges"]
    entries = [e["node"] for e in log]
    goal_reads = [e for e in entries if e["record"] == "GOAL_SET"]
    assert {e["viewerId"] for e in goal_reads} == {head}
    read = next(e for e in entries if e["query"] == "goalSets")
    assert read["record"] == "GOAL_SET"
    assert read["recordLabel"] == "目标"
    assert read["viewer"]["name"] == "李强"
    assert read["subject"]["name"] == "赵敏"
    assert {"code": "DEPARTMENT_HEAD", "label": "科室负责人"} in read["viewerRoles"]
    mine = system.data(auditor(system), ACCESS, viewer=zhaomin, first=50)["accessLog"]["edges"]
    assert mine == []


def test_the_access_log_pages_latest_first_and_records_the_auditors_dossier_reads(
    system: System, audited: AuditedUnit
) -> None:
    token = auditor(system)
    sunli = audited.people["sunli"]
    for _ in range(3):
        system.data(token, DOSSIER, person=sunli, quarter=QUARTER.code)
    first = system.data(token, ACCESS, subject=sunli, first=2)["accessLog"]
    assert first["pageInfo"]["hasNextPage"]
    rest = system.data(token, ACCESS, subject=sunli, first=50, after=first["pageInfo"]["endCursor"])
    entries = [e["node"] for e in first["edges"] + rest["accessLog"]["edges"]]
    dossier_reads = [e for e in entries if e["query"] == "dossier"]
    assert len(dossier_reads) == 3
    assert all(e["recordLabel"] == "考核档案" for e in dossier_reads)
    assert [e["readAt"] for e in entries] == sorted((e["readAt"] for e in entries), reverse=True)


GOAL_SET_AS_OF = """query($id: ID!, $position: Int, $instant: DateTime) {
  goalSetAsOf(id: $id, asOf: {position: $position, instant: $instant}) {
    asOf { service position requestedPosition }
    goalSet { status statusLabel currentVersionNumber items { what } versions { versionNumber }
      history { event eventLabel } person { name } } } }"""
FILE_COMPLAINT = """mutation($unit: ID!, $target: ID!, $content: String!,
  $complainant: ComplainantInput) {
  fileComplaint(unitId: $unit, targetKind: PERSON, targetId: $target, content: $content,
    complainant: $complainant) { complaint { id } } }"""
ASSIGN_COMPLAINT = """mutation($id: ID!, $handler: ID!) {
  assignComplaint(complaintId: $id, handlerId: $handler) { complaint { id } } }"""
MANAGERS_AS_OF = """query($person: ID!, $position: Int) {
  managersAsOf(personId: $person, asOf: {position: $position}) {
    asOf { service position } person { name } departmentHead { name } directManager { name } } }"""


def test_a_goal_set_and_its_managers_answer_as_they_stood_at_a_past_log_position(
    system: System, audited: AuditedUnit
) -> None:
    token = auditor(system)
    goal_set = audited.goal_sets["sunli"]
    steps = system.data(token, TRAIL, stream=goal_set, first=10)["auditTrail"]["edges"]
    drafted, _, approved = (e["node"]["position"] for e in steps[:3])

    before = system.data(token, GOAL_SET_AS_OF, id=goal_set, position=drafted - 1)["goalSetAsOf"]
    assert before["goalSet"] is None
    draft = system.data(token, GOAL_SET_AS_OF, id=goal_set, position=drafted)["goalSetAsOf"]
    assert draft["asOf"] == {"service": "goals", "position": drafted, "requestedPosition": drafted}
    assert draft["goalSet"]["status"] == "DRAFT"
    assert draft["goalSet"]["versions"] == []
    assert [h["event"] for h in draft["goalSet"]["history"]] == ["Drafted"]
    then = system.data(token, GOAL_SET_AS_OF, id=goal_set, position=approved)["goalSetAsOf"]
    assert then["goalSet"]["statusLabel"] == "已确定"
    assert then["goalSet"]["versions"] == [{"versionNumber": 1}]
    assert then["goalSet"]["items"] == [{"what": "sunli的目标"}]

    joined = next(
        e["node"]["position"]
        for e in system.data(token, TRAIL, unit=audited.id, types=["PersonJoined"], first=50)[
            "auditTrail"
        ]["edges"]
        if e["node"]["payload"]["person_id"] == UUID(audited.people["sunli"]).hex
    )
    early = system.data(token, MANAGERS_AS_OF, person=audited.people["sunli"], position=joined)
    assert early["managersAsOf"]["person"]["name"] == "孙丽"
    assert early["managersAsOf"]["departmentHead"] is None
    now = system.data(token, MANAGERS_AS_OF, person=audited.people["sunli"], position=10**9)
    assert now["managersAsOf"]["directManager"]["name"] == "李强"

    error = system.error(
        token, GOAL_SET_AS_OF, id=goal_set, position=1, instant="2026-01-01T00:00:00Z"
    )
    assert error["extensions"]["field"] == "asOf"


COMPLAINT_AS_OF = """query($id: ID!, $position: Int) {
  complaintAsOf(id: $id, asOf: {position: $position}) {
    asOf { position } complaint { status statusLabel complainant { name } handler { name }
      history { event } } } }"""


def test_a_complaint_answers_as_it_stood_and_joins_the_persons_dossier(
    system: System, audited: AuditedUnit
) -> None:
    office = audited.token("wangfang", Role.APPRAISAL_OFFICE)
    zhaomin = audited.people["zhaomin"]
    filed = system.data(
        office,
        FILE_COMPLAINT,
        unit=audited.id,
        target=zhaomin,
        content="接待态度生硬",
        complainant={"name": "张伟", "agency": "市财政局", "contact": "13800001111"},
    )["fileComplaint"]["complaint"]
    system.data(office, ASSIGN_COMPLAINT, id=filed["id"], handler=audited.people["head"])
    token = auditor(system)
    steps = system.data(token, TRAIL, stream=filed["id"], first=10)["auditTrail"]["edges"]
    filing, assigning = (e["node"]["position"] for e in steps)

    then = system.data(token, COMPLAINT_AS_OF, id=filed["id"], position=filing)["complaintAsOf"]
    assert then["complaint"]["status"] == "FILED"
    assert then["complaint"]["complainant"] == {"name": "张伟"}
    assert [h["event"] for h in then["complaint"]["history"]] == ["ComplaintFiled"]
    later = system.data(token, COMPLAINT_AS_OF, id=filed["id"], position=assigning)
    assert later["complaintAsOf"]["complaint"]["handler"] == {"name": "李强"}
    assert later["complaintAsOf"]["asOf"] == {"position": assigning}

    dossier = system.data(token, DOSSIER, person=zhaomin, quarter=QUARTER.code)["dossier"]
    about = [e for e in dossier["entries"] if e["event"]["stream"] == filed["id"]]
    assert [e["why"] for e in about] == ["complaint (投诉) about the person"] * 2
    reads = system.data(token, ACCESS, subject=zhaomin, first=50)["accessLog"]["edges"]
    assert "complaintAsOf" in {e["node"]["query"] for e in reads}


def kaohe(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": system.database,
        "KAOHE_DATA_DIR": str(system.settings.kaohe_data_dir),
        "COLUMNS": "200",
    }
    command = [sys.executable, "-m", "deploy.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def test_the_verify_command_checks_the_access_log_chain_too(
    system: System, audited: AuditedUnit
) -> None:
    system.data(auditor(system), DOSSIER, person=audited.people["head"], quarter=QUARTER.code)
    verified = kaohe(system, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    access = next(line for line in verified.stdout.splitlines() if "access log" in line)
    assert "intact" in access


def test_replay_rebuilds_the_read_models_finds_no_difference_and_switches_without_downtime(
    system: System, audited: AuditedUnit
) -> None:
    checked = kaohe(system, "replay")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Every read table matches its replay." in checked.stdout
    assert "goal_set_history" in checked.stdout

    switched = kaohe(system, "replay", "--switch")
    assert switched.returncode == 0, switched.stdout + switched.stderr
    assert "Switched" in switched.stdout
    with psycopg.connect(system.database) as conn:
        replaced = conn.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'gateway_replaced_%'"
        ).fetchone()
    assert replaced == (1,)

    # The running gateway reads the rebuilt models and keeps projecting into them.
    head = audited.token("head", Role.DEPARTMENT_HEAD)
    drafted = system.data(
        head, DRAFT, unit=audited.id, period=QUARTER.code, items=[goal("换模型后的目标")]
    )["draftGoalSet"]["goalSet"]
    assert drafted["items"][0]["what"] == "换模型后的目标"
    again = system.data(head, ONE, id=drafted["id"])["goalSet"]
    assert again["status"] == "DRAFT"
    with psycopg.connect(system.database) as conn:
        (retired,) = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'gateway_replaced_%'"
        ).fetchone() or ("",)
        in_retired = conn.execute(
            f"SELECT count(*) FROM {retired}.goal_sets WHERE id = %s", (drafted["id"],)
        ).fetchone()
        in_live = conn.execute(
            "SELECT count(*) FROM gateway.goal_sets WHERE id = %s", (drafted["id"],)
        ).fetchone()
    assert (in_retired, in_live) == ((0,), (1,))
