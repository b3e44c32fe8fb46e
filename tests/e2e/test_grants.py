"""End to end: a unit's auditor reads their own unit only; a platform auditor is the platform
administrator's act and reads every unit; access ends with the grant, at the next request, not
when the token expires; tokens that live too long or say not when they were issued are refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import jwt
import pytest

from kernel.auth import load_or_create_signing_key
from kernel.context import Scope
from kernel.roles import Role
from tests.e2e.conftest import System
from tests.e2e.test_goals import DRAFT, QUARTER
from tests.e2e.test_integrations import GraphQLSocket

pytestmark = pytest.mark.e2e

REGISTER = """mutation($name: String!, $code: String!) {
  registerUnit(name: $name, code: $code) { unit { id } } }"""
OPEN = """mutation($unit: ID!) {
  openDepartment(unitId: $unit, name: "综合科", category: GENERAL) { department { id } } }"""
ADD = """mutation($unit: ID!, $name: String!, $login: String!, $dept: ID) {
  addPerson(unitId: $unit, name: $name, login: $login, positionCategory: GENERAL,
    departmentId: $dept) { person { id } } }"""
GRANT = """mutation($unit: ID!, $person: ID!, $role: OfficeRole!) {
  grantOfficeRole(unitId: $unit, personId: $person, role: $role) { position } }"""
REVOKE = """mutation($unit: ID!, $person: ID!, $role: OfficeRole!) {
  revokeOfficeRole(unitId: $unit, personId: $person, role: $role, reason: "调离考核办") {
    position } }"""
REMOVE = """mutation($unit: ID!, $person: ID!) {
  removePerson(unitId: $unit, personId: $person, reason: "调出本单位") { position } }"""
APPOINT = """mutation($name: String!, $login: String!) {
  appointPlatformAuditor(name: $name, login: $login, body: "市纪委监委派驻纪检监察组",
    reason: "派驻监督") { personId position } }"""
DISMISS = """mutation($person: ID!) {
  revokePlatformAuditor(personId: $person, reason: "任期届满") { personId } }"""
UNIT = "query($id: ID!) { unit(id: $id) { name } }"
UNITS = "{ units { id } }"
TRAIL = """query($unit: ID) { auditTrail(unitId: $unit, first: 100) {
  edges { node { unitId eventType } } } }"""


@dataclass
class Units:
    ours: str
    theirs: str
    department: str
    people: dict[str, str]


def person_token(system: System, units: Units, login: str, *roles: Role) -> str:
    return system.token(
        [Role.APPRAISEE, *roles], person_id=UUID(units.people[login]), tenant_id=UUID(units.ours)
    )


@pytest.fixture(scope="module")
def units(system: System) -> Units:
    """Two units; in ours an office holder, a unit auditor granted by the office, and staff."""
    admin = system.token([Role.ADMIN])
    ids, departments = [], []
    people: dict[str, str] = {}
    for code in ("E2E-GRANTS-A", "E2E-GRANTS-B"):
        unit = system.data(admin, REGISTER, name=f"单位{code}", code=code)["registerUnit"]["unit"]
        ids.append(unit["id"])
        dept = system.data(admin, OPEN, unit=unit["id"])["openDepartment"]["department"]["id"]
        departments.append(dept)
        for name, login in [("王芳", "office"), ("钱审", "auditor"), ("张伟", "staff")]:
            people[f"{login}{code[-1]}"] = system.data(
                admin, ADD, unit=unit["id"], name=name, login=login, dept=dept
            )["addPerson"]["person"]["id"]
    ours = ids[0]
    system.data(admin, GRANT, unit=ours, person=people["officeA"], role="APPRAISAL_OFFICE")
    units = Units(ours, ids[1], departments[0], {k.removesuffix("A"): v for k, v in people.items()})
    office = person_token(system, units, "office", Role.APPRAISAL_OFFICE)
    # The unit's office grants an auditor of its own unit: allowed, and scoped to the unit.
    system.data(office, GRANT, unit=ours, person=people["auditorA"], role="AUDITOR")
    return units


def feed(system: System, token: str, **params: Any) -> httpx.Response:
    return httpx.get(
        f"http://127.0.0.1:{system.settings.kaohe_gateway_port}/events",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def directory_get(system: System, token: str, unit_id: str) -> httpx.Response:
    return httpx.get(
        f"{system.directory_url}/units/{unit_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def test_a_units_auditor_reads_its_own_unit_and_no_other(system: System, units: Units) -> None:
    auditor = person_token(system, units, "auditor", Role.AUDITOR)
    assert system.data(auditor, UNIT, id=units.ours)["unit"]["name"]
    assert [u["id"] for u in system.data(auditor, UNITS)["units"]] == [units.ours]
    refused = system.error(auditor, UNIT, id=units.theirs)["extensions"]
    assert refused["rule"] == "gateway.read_own_unit"
    assert refused["missing_relation"] == "MEMBER_OF_UNIT"


def test_a_units_auditor_audits_its_own_unit_only(system: System, units: Units) -> None:
    auditor = person_token(system, units, "auditor", Role.AUDITOR)
    refused = system.error(auditor, TRAIL, unit=units.theirs)["extensions"]
    assert refused["rule"] == "gateway.read_own_unit"
    edges = system.data(auditor, TRAIL)["auditTrail"]["edges"]
    assert edges
    assert {e["node"]["unitId"] for e in edges} <= {units.ours, None}


DOSSIER = """query($person: ID!, $quarter: String!) {
  dossier(personId: $person, quarter: $quarter) { person { name } } }"""
ACCESS = "{ accessLog(first: 100) { edges { node { subject { id } } } } }"
HISTORY = "query($person: ID!) { goalHistory(personId: $person) { id } }"


def test_a_units_auditor_reads_no_dossier_of_another_unit(system: System, units: Units) -> None:
    auditor = person_token(system, units, "auditor", Role.AUDITOR)
    theirs = units.people["staffB"]
    refused = system.error(auditor, DOSSIER, person=theirs, quarter="2026-Q1")["extensions"]
    assert refused["rule"] == "gateway.read_own_unit"


def test_a_units_auditor_reads_its_own_units_access_log_only(system: System, units: Units) -> None:
    # Given a staff member of each unit drafted goals, which the administrator read
    admin = system.token([Role.ADMIN])
    for login, unit in (("staff", units.ours), ("staffB", units.theirs)):
        person = units.people[login]
        staff = system.token([Role.APPRAISEE], person_id=UUID(person), tenant_id=UUID(unit))
        system.data(staff, DRAFT, unit=unit, period=QUARTER.code, items=[])
        system.data(admin, HISTORY, person=person)
    # Then the unit's auditor sees the reads of their own unit's people only
    auditor = person_token(system, units, "auditor", Role.AUDITOR)
    edges = system.data(auditor, ACCESS)["accessLog"]["edges"]
    subjects = {e["node"]["subject"]["id"] for e in edges if e["node"]["subject"]}
    assert units.people["staff"] in subjects
    assert units.people["staffB"] not in subjects


def test_a_units_auditor_reads_its_own_units_feed_only(system: System, units: Units) -> None:
    auditor = person_token(system, units, "auditor", Role.AUDITOR)
    refused = feed(system, auditor, unit=units.theirs)
    assert refused.status_code == 403
    assert refused.json()["error"]["rule"] == "integrations.own_unit"
    events = feed(system, auditor, limit=1000).json()["events"]
    assert events
    assert {e["unit"] for e in events} == {units.ours}


def test_a_units_auditor_reads_its_own_units_directory_only(system: System, units: Units) -> None:
    auditor = person_token(system, units, "auditor", Role.AUDITOR)
    assert directory_get(system, auditor, units.ours).status_code == 200
    refused = directory_get(system, auditor, units.theirs)
    assert refused.status_code == 403
    assert refused.json()["error"]["rule"] == "directory.read_own_unit"


def test_the_office_cannot_appoint_a_platform_auditor(system: System, units: Units) -> None:
    office = person_token(system, units, "office", Role.APPRAISAL_OFFICE)
    refused = system.error(office, APPOINT, name="钱审", login="qianshen")["extensions"]
    assert refused["rule"] == "directory.platform_auditor_by_admin"
    assert refused["missing_role"] == "ADMIN"
    assert refused["status"] == 403


def test_a_platform_scope_token_for_nobody_appointed_is_refused(system: System) -> None:
    forged = system.token([Role.AUDITOR], person_id=uuid4(), scope=Scope.PLATFORM)
    answer = system.http(forged, UNITS)
    assert answer.status_code == 401
    assert answer.json()["error"]["rule"] == "kernel.grant_in_force"


def test_a_platform_auditor_appointed_by_the_administrator_reads_every_unit(
    system: System, units: Units
) -> None:
    admin = system.token([Role.ADMIN])
    # The platform is one per database, shared with the session's other modules: a login of its own.
    appointed = system.data(admin, APPOINT, name="纪检甲", login=f"jijian-{uuid4().hex[:8]}")
    person = appointed["appointPlatformAuditor"]["personId"]
    auditor = system.token([Role.AUDITOR], person_id=UUID(person), scope=Scope.PLATFORM)
    assert {units.ours, units.theirs} <= {u["id"] for u in system.data(auditor, UNITS)["units"]}
    assert system.data(auditor, UNIT, id=units.theirs)["unit"]["name"]
    assert system.data(auditor, TRAIL, unit=units.theirs)["auditTrail"]["edges"]
    assert feed(system, auditor, unit=units.theirs).status_code == 200
    assert directory_get(system, auditor, units.theirs).status_code == 200
    # Revoked by the administrator: refused at the next request.
    system.data(admin, DISMISS, person=person)
    answer = system.http(auditor, UNITS)
    assert answer.status_code == 401
    assert answer.json()["error"]["rule"] == "kernel.grant_in_force"


def test_a_revoked_office_role_is_refused_at_the_next_request(system: System, units: Units) -> None:
    admin = system.token([Role.ADMIN])
    person = units.people["staff"]
    system.data(admin, GRANT, unit=units.ours, person=person, role="APPRAISAL_OFFICE")
    office = person_token(system, units, "staff", Role.APPRAISAL_OFFICE)
    assert system.data(office, UNIT, id=units.ours)
    system.data(office, REVOKE, unit=units.ours, person=person, role="APPRAISAL_OFFICE")
    answer = system.http(office, UNIT, id=units.ours)
    assert answer.status_code == 401
    error = answer.json()["error"]
    assert error["rule"] == "kernel.grant_in_force"
    assert "APPRAISAL_OFFICE" in error["message"]
    rest = httpx.post(
        f"{system.directory_url}/units/{units.ours}/departments",
        json={"name": "新科室", "category": "GENERAL"},
        headers={"Authorization": f"Bearer {office}"},
        timeout=30,
    )
    assert rest.status_code == 401
    assert rest.json()["error"]["rule"] == "kernel.grant_in_force"
    # The roles still held work as before: the same person as staff.
    assert system.data(person_token(system, units, "staff"), UNIT, id=units.ours)


def test_a_person_who_left_is_refused_at_the_next_request(system: System, units: Units) -> None:
    admin = system.token([Role.ADMIN])
    person = system.data(
        admin, ADD, unit=units.ours, name="赵离", login="leaver", dept=units.department
    )["addPerson"]["person"]["id"]
    leaver = system.token([Role.APPRAISEE], person_id=UUID(person), tenant_id=UUID(units.ours))
    assert system.data(leaver, UNIT, id=units.ours)
    system.data(admin, REMOVE, unit=units.ours, person=person)
    answer = system.http(leaver, UNIT, id=units.ours)
    assert answer.status_code == 401
    assert answer.json()["error"]["rule"] == "kernel.grant_in_force"
    assert directory_get(system, leaver, units.ours).status_code == 401
    socket = GraphQLSocket(system, leaver)
    socket.close()
    assert socket.refused is not None
    assert socket.refused.rcvd is not None
    assert socket.refused.rcvd.code == 4403


def signed(system: System, **claims: Any) -> str:
    key = load_or_create_signing_key(system.settings.key_dir)
    body = {
        "iss": system.settings.kaohe_token_issuer,
        "aud": system.settings.kaohe_token_audience,
        "sub": str(uuid4()),
        "tenant": None,
        "roles": ["ADMIN"],
        **claims,
    }
    return jwt.encode(body, key.private, algorithm="EdDSA", headers={"kid": key.kid})


@pytest.mark.parametrize(
    "lifetime",
    [
        pytest.param({"iat": 0, "exp": 10 * 365 * 86400}, id="ten-years"),
        pytest.param({"exp": 3600}, id="without-iat"),
    ],
)
def test_a_token_living_too_long_or_without_issued_at_is_refused(
    system: System, lifetime: dict[str, int]
) -> None:
    now = int(datetime.now(UTC).timestamp())
    token = signed(system, **{k: now + v for k, v in lifetime.items()})
    answer = system.http(token, UNITS)
    assert answer.status_code == 401
    assert answer.json()["error"]["rule"] == "kernel.token_lifetime"
    rest = directory_get(system, token, str(uuid4()))
    assert rest.status_code == 401
    assert rest.json()["error"]["rule"] == "kernel.token_lifetime"


def kaohe_token(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": system.database,
        "KAOHE_DATA_DIR": str(system.settings.kaohe_data_dir),
    }
    command = [sys.executable, "-m", "deploy.cli", "token", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def test_the_cli_mints_a_platform_auditors_token_only_for_a_recorded_one(
    system: System, units: Units
) -> None:
    refused = kaohe_token(system, "nobody", "--platform")
    assert refused.returncode == 2
    assert "not a platform auditor" in refused.stdout
    admin = system.token([Role.ADMIN])
    login = f"jijian2-{uuid4().hex[:8]}"
    system.data(admin, APPOINT, name="纪检乙", login=login)
    minted = kaohe_token(system, login, "--platform")
    assert minted.returncode == 0, minted.stdout + minted.stderr
    token = minted.stdout.strip()
    assert {units.ours, units.theirs} <= {u["id"] for u in system.data(token, UNITS)["units"]}


def test_the_cli_refuses_a_token_longer_than_the_cap_or_a_role_not_held(
    system: System, units: Units
) -> None:
    assert kaohe_token(system, "admin", "--hours", "87600").returncode == 2
    code = "E2E-GRANTS-A"
    refused = kaohe_token(system, "staff", "--unit", code, "--role", "APPRAISAL_OFFICE")
    assert refused.returncode == 2
    assert "does not hold APPRAISAL_OFFICE" in refused.stdout
