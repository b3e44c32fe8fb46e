"""End to end: the processes started as `make run` starts them, driven over HTTP with real tokens,
as a frontend and an auditor would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import psycopg
import pytest

from kernel.auth import mint_token
from kernel.roles import Role
from kernel.settings import Settings
from tests.e2e.conftest import System

pytestmark = pytest.mark.e2e


REGISTER = """mutation($name: String!, $code: String!) {
  registerUnit(name: $name, code: $code) { unit { id name code version } position } }"""
OPEN = """mutation($unit: ID!, $name: String!, $category: DepartmentCategory!, $kind: ServiceKind,
  $on: Date, $version: Int) {
  openDepartment(unitId: $unit, name: $name, category: $category, serviceKind: $kind,
    openedOn: $on, expectedVersion: $version) {
    department { id name category categoryLabel serviceKindLabel } unit { version } } }"""
ADD = """mutation($unit: ID!, $name: String!, $login: String!, $cat: PositionCategory!,
  $dept: ID, $on: Date, $key: String) {
  addPerson(unitId: $unit, name: $name, login: $login, positionCategory: $cat,
    departmentId: $dept, joinedOn: $on, idempotencyKey: $key) {
    person { id name login positionCategoryLabel department { name } } } }"""
GRANT = """mutation($unit: ID!, $person: ID!, $role: OfficeRole!, $on: Date) {
  grantOfficeRole(unitId: $unit, personId: $person, role: $role, effectiveOn: $on) { position } }"""
HEAD = """mutation($unit: ID!, $dept: ID!, $person: ID!, $on: Date) {
  appointDepartmentHead(unitId: $unit, departmentId: $dept, personId: $person, effectiveOn: $on) {
    department { head(at: "2026-06-01T00:00:00+08:00") { name } } } }"""
SUPERVISE = """mutation($unit: ID!, $leader: ID!, $depts: [ID!]!, $on: Date) {
  assignSupervisingLeader(unitId: $unit, leaderId: $leader, departmentIds: $depts,
    effectiveOn: $on) { position } }"""
MOVE = """mutation($unit: ID!, $person: ID!, $dept: ID!, $on: Date, $reason: String!) {
  movePerson(unitId: $unit, personId: $person, departmentId: $dept, effectiveOn: $on,
    reason: $reason) { person { id } } }"""
MANAGERS = """query($person: ID!, $at: DateTime) {
  managers(personId: $person, at: $at) {
    department { name } departmentHead { name } supervisingLeader { name }
    directManager { name } } }"""
PEOPLE_NAMED = """query($unit: ID!, $name: String!) {
  people(unitId: $unit, nameContains: $name) { totalCount } }"""


@dataclass
class Unit:
    id: str
    office: str
    departments: dict[str, str]
    people: dict[str, str]


def people_named(system: System, unit: Unit, name: str) -> int:
    """How many people of the unit have `name` in their names."""
    data = system.data(unit.office, PEOPLE_NAMED, unit=unit.id, name=name)
    count: int = data["people"]["totalCount"]
    return count


@pytest.fixture(scope="module")
def unit(system: System) -> Unit:
    """A small unit built through GraphQL: an office, two departments, a leader, a move."""
    admin = system.token([Role.ADMIN])
    unit_id = system.data(admin, REGISTER, name="测试机关事务中心", code="E2E-UNIT")[
        "registerUnit"
    ]["unit"]["id"]
    general = system.data(
        admin, OPEN, unit=unit_id, name="综合科", category="GENERAL", on="2025-01-01"
    )["openDepartment"]["department"]["id"]
    office_id = system.data(
        admin,
        ADD,
        unit=unit_id,
        name="王芳",
        login="wangfang",
        cat="GENERAL",
        dept=general,
        on="2025-01-01",
    )["addPerson"]["person"]["id"]
    system.data(
        admin, GRANT, unit=unit_id, person=office_id, role="APPRAISAL_OFFICE", on="2025-01-01"
    )
    office = system.token(
        [Role.APPRAISEE, Role.APPRAISAL_OFFICE], person_id=UUID(office_id), tenant_id=UUID(unit_id)
    )
    vehicles = system.data(
        office,
        OPEN,
        unit=unit_id,
        name="公车服务科",
        category="SERVICE",
        kind="VEHICLES",
        on="2025-01-01",
    )["openDepartment"]["department"]["id"]
    people: dict[str, str] = {"wangfang": office_id}
    for name, login, cat, dept in [
        ("刘明", "liuming", "LEADER", None),
        ("张伟", "zhangwei", "GENERAL", general),
        ("李强", "liqiang", "SERVICE", vehicles),
        ("赵敏", "zhaomin", "SERVICE", vehicles),
    ]:
        people[login] = system.data(
            office, ADD, unit=unit_id, name=name, login=login, cat=cat, dept=dept, on="2025-01-01"
        )["addPerson"]["person"]["id"]
    system.data(office, HEAD, unit=unit_id, dept=general, person=office_id, on="2025-01-01")
    system.data(
        office, HEAD, unit=unit_id, dept=vehicles, person=people["liqiang"], on="2025-01-01"
    )
    system.data(
        office,
        SUPERVISE,
        unit=unit_id,
        leader=people["liuming"],
        depts=[general, vehicles],
        on="2025-01-01",
    )
    system.data(
        office,
        MOVE,
        unit=unit_id,
        person=people["zhangwei"],
        dept=vehicles,
        on="2026-04-01",
        reason="充实公车服务力量",
    )
    return Unit(unit_id, office, {"general": general, "vehicles": vehicles}, people)


def test_a_request_without_a_token_is_refused_with_401_and_the_reason(system: System) -> None:
    response = system.http(None, "{ me { roles { code } } }")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "UNAUTHENTICATED"
    assert "no bearer token" in error["message"]


def test_a_token_signed_by_another_key_is_refused(system: System, tmp_path: Path) -> None:
    stranger = Settings(kaohe_data_dir=tmp_path)
    forged = mint_token(
        stranger, person_id=uuid4(), tenant_id=None, login="x", name="x", roles=[Role.ADMIN]
    )
    response = system.http(forged, "{ me { roles { code } } }")
    assert response.status_code == 401
    assert "signature" in response.json()["error"]["message"]


def test_an_expired_token_is_refused_at_the_gateway_and_the_service(system: System) -> None:
    expired = system.token([Role.ADMIN], ttl=timedelta(seconds=-60))
    assert system.http(expired, "{ me { roles { code } } }").json()["error"]["message"] == (
        "token expired"
    )
    response = httpx.post(
        f"{system.directory_url}/units",
        json={"name": "x", "code": "XX"},
        headers={"Authorization": f"Bearer {expired}"},
    )
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "token expired"


def test_a_mutation_answers_with_the_change_already_readable(system: System, unit: Unit) -> None:
    data = system.data(
        unit.office,
        ADD,
        unit=unit.id,
        name="孙丽",
        login="sunli",
        cat="SERVICE",
        dept=unit.departments["vehicles"],
    )
    person = data["addPerson"]["person"]
    assert person["name"] == "孙丽"
    assert person["positionCategoryLabel"] == "事务服务"
    assert person["department"]["name"] == "公车服务科"


def test_codes_come_with_their_chinese_labels(system: System, unit: Unit) -> None:
    data = system.data(unit.office, "{ me { roles { code label } } }")
    assert {"code": "APPRAISAL_OFFICE", "label": "考核办"} in data["me"]["roles"]
    department = system.data(
        unit.office,
        "query($id: ID!) { department(id: $id) { categoryLabel serviceKindLabel } }",
        id=unit.departments["vehicles"],
    )["department"]
    assert department == {"categoryLabel": "事务服务", "serviceKindLabel": "公车"}


def test_staff_cannot_change_the_org_chart_and_are_told_the_missing_role(
    system: System, unit: Unit
) -> None:
    staff = system.token(
        [Role.APPRAISEE], person_id=UUID(unit.people["zhaomin"]), tenant_id=UUID(unit.id)
    )
    error = system.error(staff, ADD, unit=unit.id, name="钱多", login="qianduo", cat="GENERAL")
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["missing_role"] == "APPRAISAL_OFFICE"


def test_bad_input_is_refused_naming_the_field_and_nothing_is_recorded(
    system: System, unit: Unit
) -> None:
    error = system.error(
        unit.office, ADD, unit=unit.id, name="钱多", login="Bad Login!", cat="GENERAL"
    )
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["field"] == "login"
    assert people_named(system, unit, "钱多") == 0


def test_a_domain_rule_refusal_names_the_rule(system: System, unit: Unit) -> None:
    error = system.error(
        unit.office, ADD, unit=unit.id, name="另一个王芳", login="wangfang", cat="GENERAL"
    )
    assert error["extensions"]["rule"] == "directory.login_unique"
    assert error["extensions"]["field"] == "login"


def test_a_retried_mutation_with_the_same_key_records_nothing_twice(
    system: System, unit: Unit
) -> None:
    variables = {
        "unit": unit.id,
        "name": "周杰",
        "login": "zhoujie",
        "cat": "GENERAL",
        "dept": unit.departments["general"],
        "key": "add-zhoujie-once",
    }
    first = system.data(unit.office, ADD, **variables)["addPerson"]["person"]["id"]
    again = system.data(unit.office, ADD, **variables)["addPerson"]["person"]["id"]
    assert again == first
    assert people_named(system, unit, "周杰") == 1


def test_a_change_decided_on_a_stale_version_is_a_conflict(system: System, unit: Unit) -> None:
    version = system.data(unit.office, "query($id: ID!) { unit(id: $id) { version } }", id=unit.id)[
        "unit"
    ]["version"]
    system.data(
        unit.office,
        OPEN,
        unit=unit.id,
        name="会议服务科",
        category="SERVICE",
        kind="MEETINGS",
        version=version,
    )
    error = system.error(
        unit.office,
        OPEN,
        unit=unit.id,
        name="物业管理科",
        category="SERVICE",
        kind="PROPERTY",
        version=version,
    )
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["rule"] == "kernel.optimistic_concurrency"


def test_who_managed_whom_follows_the_move(system: System, unit: Unit) -> None:
    before = system.data(
        unit.office, MANAGERS, person=unit.people["zhangwei"], at="2026-03-31T12:00:00+08:00"
    )["managers"]
    after = system.data(
        unit.office, MANAGERS, person=unit.people["zhangwei"], at="2026-04-01T09:00:00+08:00"
    )["managers"]
    assert before["department"]["name"] == "综合科"
    assert before["departmentHead"]["name"] == "王芳"
    assert after["department"]["name"] == "公车服务科"
    assert after["departmentHead"]["name"] == "李强"
    assert after["supervisingLeader"]["name"] == "刘明"
    head = system.data(unit.office, MANAGERS, person=unit.people["liqiang"])["managers"]
    assert head["departmentHead"] is None
    assert head["directManager"]["name"] == "刘明"


def test_a_departments_members_each_get_their_own_managers_at_the_instant_asked(
    system: System, unit: Unit
) -> None:
    # Every member's managers are loaded together (batched), yet each keeps its own answer.
    query = """query($dept: ID!, $at: DateTime) { department(id: $dept) {
      members(at: $at) { login department(at: $at) { name }
        managers(at: $at) { departmentHead { login } directManager { login } } } } }"""
    march = system.data(
        unit.office, query, dept=unit.departments["vehicles"], at="2026-03-31T12:00:00+08:00"
    )["department"]["members"]
    april = system.data(
        unit.office, query, dept=unit.departments["vehicles"], at="2026-04-01T09:00:00+08:00"
    )["department"]["members"]

    def managers(members: list[dict[str, Any]]) -> dict[str, tuple[str | None, str | None]]:
        def login(person: dict[str, str] | None) -> str | None:
            return person["login"] if person else None

        return {
            m["login"]: (
                login(m["managers"]["departmentHead"]),
                login(m["managers"]["directManager"]),
            )
            for m in members
        }

    assert managers(march) == {"liqiang": (None, "liuming"), "zhaomin": ("liqiang", "liqiang")}
    assert managers(april) == {
        "liqiang": (None, "liuming"),
        "zhaomin": ("liqiang", "liqiang"),
        "zhangwei": ("liqiang", "liqiang"),
    }
    assert {m["department"]["name"] for m in april} == {"公车服务科"}


def test_people_are_paged_with_stable_cursors(system: System, unit: Unit) -> None:
    query = """query($u: ID!, $after: String) { people(unitId: $u, first: 2, after: $after) {
        totalCount edges { cursor node { login } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = system.data(unit.office, query, u=unit.id, after=after)["people"]
        seen += [e["node"]["login"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] == len(set(seen))


def test_another_units_member_cannot_read_this_unit(system: System, unit: Unit) -> None:
    outsider = system.outsider()
    error = system.error(outsider, "query($id: ID!) { unit(id: $id) { name } }", id=unit.id)
    assert error["extensions"]["missing_relation"] == "MEMBER_OF_UNIT"


def test_queries_deeper_than_the_limit_are_refused(system: System, unit: Unit) -> None:
    deep = (
        "{ units { departments { edges { node { head { department { head { department {"
        " head { department { head { name } } } } } } } } } } } }"
    )
    error = system.error(unit.office, deep)
    assert "exceeds maximum operation depth" in error["message"]


def test_the_auditor_command_verifies_the_chain_and_names_a_tampered_row(
    system: System, unit: Unit
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": system.database,
        "KAOHE_DATA_DIR": str(system.settings.kaohe_data_dir),
    }
    command = [sys.executable, "-m", "deploy.cli", "audit", "verify"]
    intact = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "intact" in intact.stdout

    with psycopg.connect(system.database, autocommit=True) as conn:
        row = conn.execute(
            "SELECT notification_id, state FROM directory.directory_events "
            "ORDER BY notification_id OFFSET 3 LIMIT 1"
        ).fetchone()
        assert row is not None
        position, original = row
        conn.execute(
            "UPDATE directory.directory_events SET state = %s WHERE notification_id = %s",
            (bytes(original).replace("测试".encode(), "篡改".encode()) + b" ", position),
        )
        try:
            broken = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        finally:
            conn.execute(
                "UPDATE directory.directory_events SET state = %s WHERE notification_id = %s",
                (original, position),
            )
    assert broken.returncode == 1
    assert f"BROKEN at position {position}" in broken.stdout.replace("\n", " ")
