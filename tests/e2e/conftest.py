"""The running system for end-to-end tests: every process started as `make run` starts it, on
free ports and the session's database, and a client that speaks GraphQL with minted tokens.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from bench.system import environment, on_free_ports, token_for
from deploy.launcher import Running, running
from kernel.context import Scope
from kernel.roles import Role
from kernel.settings import Settings

APPOINT_PLATFORM_AUDITOR = """mutation($login: String!) {
  appointPlatformAuditor(name: "纪检测试", login: $login, body: "纪检监察组", reason: "测试审计") {
    personId } }"""

REGISTER_OUTSIDERS = """mutation($code: String!) {
  registerUnit(name: "另一单位", code: $code) { unit { id } } }"""
ADD_OUTSIDER = """mutation($unit: ID!) {
  addPerson(unitId: $unit, name: "外单位领导", login: "outsider", positionCategory: LEADER) {
    person { id } } }"""
ADD_OFFICER = """mutation($unit: ID!, $login: String!) {
  addPerson(unitId: $unit, name: "考核办", login: $login, positionCategory: LEADER) {
    person { id } } }"""
GRANT_OFFICE = """mutation($unit: ID!, $person: ID!) {
  grantOfficeRole(unitId: $unit, personId: $person, role: APPRAISAL_OFFICE) { position } }"""


@dataclass
class System:
    """The started system, as a frontend sees it."""

    settings: Settings
    database: str
    processes: Running | None = None
    platform_auditor_id: UUID | None = None

    @property
    def graphql_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.kaohe_gateway_port}/graphql"

    @property
    def directory_url(self) -> str:
        return self.settings.directory_url

    def token(
        self,
        roles: list[Role],
        *,
        person_id: UUID | None = None,
        tenant_id: UUID | None = None,
        ttl: timedelta = timedelta(hours=1),
        scope: Scope | None = None,
    ) -> str:
        return token_for(
            self.settings, roles, person_id=person_id, tenant_id=tenant_id, ttl=ttl, scope=scope
        )

    def platform_auditor(self) -> str:
        """A platform-scope AUDITOR token (纪检) for an auditor the administrator appointed,
        appointed at the first call: every request checks the appointment."""
        if self.platform_auditor_id is None:
            appointed = self.data(
                self.token([Role.ADMIN]),
                APPOINT_PLATFORM_AUDITOR,
                login=f"auditor-{uuid4().hex[:8]}",
            )
            self.platform_auditor_id = UUID(appointed["appointPlatformAuditor"]["personId"])
        return self.token([Role.AUDITOR], person_id=self.platform_auditor_id, scope=Scope.PLATFORM)

    def outsider(self) -> str:
        """An APPRAISEE token of a person of another unit (registered for the purpose): every
        request checks that the token's person holds its roles in its unit."""
        admin = self.token([Role.ADMIN])
        code = f"E2E-OUT-{uuid4().hex[:6].upper()}"
        unit = self.data(admin, REGISTER_OUTSIDERS, code=code)["registerUnit"]["unit"]["id"]
        person = self.data(admin, ADD_OUTSIDER, unit=unit)["addPerson"]["person"]["id"]
        return self.token([Role.APPRAISEE], person_id=UUID(person), tenant_id=UUID(unit))

    def officer(self, unit_id: str) -> UUID:
        """A person of the unit added and granted APPRAISAL_OFFICE for the purpose: every
        request checks that the token's person holds its roles."""
        admin = self.token([Role.ADMIN])
        login = f"officer-{uuid4().hex[:8]}"
        officer = self.data(admin, ADD_OFFICER, unit=unit_id, login=login)["addPerson"]["person"][
            "id"
        ]
        self.data(admin, GRANT_OFFICE, unit=unit_id, person=officer)
        return UUID(officer)

    def office(self, unit_id: str) -> str:
        """An APPRAISAL_OFFICE token of the unit, for a new officer (see `officer`)."""
        return self.token(
            [Role.APPRAISEE, Role.APPRAISAL_OFFICE],
            person_id=self.officer(unit_id),
            tenant_id=UUID(unit_id),
        )

    def http(self, token: str | None, query: str, **variables: Any) -> httpx.Response:
        """The raw HTTP answer to a GraphQL request."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.post(
            self.graphql_url,
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=30,
        )

    def graphql(self, token: str, query: str, **variables: Any) -> dict[str, Any]:
        """The GraphQL body of the answer."""
        body: dict[str, Any] = self.http(token, query, **variables).json()
        return body

    def data(self, token: str, query: str, **variables: Any) -> dict[str, Any]:
        answer = self.http(token, query, **variables)
        body: dict[str, Any] = answer.json()
        # An answer that is not GraphQL's (a 401, a 500) is shown whole, with its status.
        assert "data" in body, f"{answer.status_code}: {body}"
        assert not body.get("errors"), f"{answer.status_code}: {body}"
        data: dict[str, Any] = body["data"]
        return data

    def error(self, token: str, query: str, **variables: Any) -> dict[str, Any]:
        body = self.graphql(token, query, **variables)
        assert body.get("errors"), body
        error: dict[str, Any] = body["errors"][0]
        return error


# -- an org chart, built as the appraisal office builds it --

REGISTER = """mutation($name: String!, $code: String!) {
  registerUnit(name: $name, code: $code) { unit { id } } }"""
OPEN = """mutation($unit: ID!, $name: String!, $category: DepartmentCategory!, $kind: ServiceKind) {
  openDepartment(unitId: $unit, name: $name, category: $category, serviceKind: $kind,
    openedOn: "2025-01-01") { department { id } } }"""
ADD = """mutation($unit: ID!, $name: String!, $login: String!, $cat: PositionCategory!, $dept: ID) {
  addPerson(unitId: $unit, name: $name, login: $login, positionCategory: $cat,
    departmentId: $dept, joinedOn: "2025-01-01") { person { id } } }"""
GRANT = """mutation($unit: ID!, $person: ID!) {
  grantOfficeRole(unitId: $unit, personId: $person, role: APPRAISAL_OFFICE,
    effectiveOn: "2025-01-01") { position } }"""
HEAD = """mutation($unit: ID!, $dept: ID!, $person: ID!) {
  appointDepartmentHead(unitId: $unit, departmentId: $dept, personId: $person,
    effectiveOn: "2025-01-01") { position } }"""
SUPERVISE = """mutation($unit: ID!, $leader: ID!, $depts: [ID!]!) {
  assignSupervisingLeader(unitId: $unit, leaderId: $leader, departmentIds: $depts,
    effectiveOn: "2025-01-01") { position } }"""
PRINCIPAL = """mutation($unit: ID!, $person: ID!) {
  appointPrincipalLeader(unitId: $unit, personId: $person, effectiveOn: "2025-01-01") {
    position } }"""


@dataclass
class Unit:
    """A unit built over GraphQL by its appraisal office; departments and people by the names
    the tests use (a person's is its login)."""

    id: str
    office: str
    departments: dict[str, str]
    people: dict[str, str]
    system: System

    def token(self, login: str, *roles: Role) -> str:
        return self.system.token(
            [Role.APPRAISEE, *roles], person_id=UUID(self.people[login]), tenant_id=UUID(self.id)
        )

    def open(self, key: str, name: str, kind: str) -> str:
        """A service department, opened by the office."""
        self.departments[key] = self.system.data(
            self.office, OPEN, unit=self.id, name=name, category="SERVICE", kind=kind
        )["openDepartment"]["department"]["id"]
        return self.departments[key]

    def add(self, login: str, name: str, category: str, department: str | None = None) -> str:
        """A person, added by the office to the department named `department` (or to none)."""
        dept = self.departments[department] if department else None
        self.people[login] = self.system.data(
            self.office, ADD, unit=self.id, name=name, login=login, cat=category, dept=dept
        )["addPerson"]["person"]["id"]
        return self.people[login]

    def staff(self, department: str, **names: str) -> None:
        """Service staff of the department, by login, added in the order given."""
        for login, name in names.items():
            self.add(login, name, "SERVICE", department)

    def head(self, department: str, login: str) -> None:
        self.system.data(
            self.office,
            HEAD,
            unit=self.id,
            dept=self.departments[department],
            person=self.people[login],
        )

    def supervise(self, login: str, *departments: str) -> None:
        depts = [self.departments[d] for d in departments]
        self.system.data(
            self.office, SUPERVISE, unit=self.id, leader=self.people[login], depts=depts
        )

    def principal(self, login: str) -> None:
        self.system.data(self.office, PRINCIPAL, unit=self.id, person=self.people[login])


def new_unit(system: System, name: str, code: str, office: str = "wangfang") -> Unit:
    """A unit the administrator registered with 综合科 ("general") and 王芳 in it (login
    `office`), granted APPRAISAL_OFFICE: the rest is the office's to build."""
    admin = system.token([Role.ADMIN])
    unit_id = system.data(admin, REGISTER, name=name, code=code)["registerUnit"]["unit"]["id"]
    general = system.data(admin, OPEN, unit=unit_id, name="综合科", category="GENERAL")[
        "openDepartment"
    ]["department"]["id"]
    person = system.data(
        admin, ADD, unit=unit_id, name="王芳", login=office, cat="GENERAL", dept=general
    )["addPerson"]["person"]["id"]
    system.data(admin, GRANT, unit=unit_id, person=person)
    token = system.token(
        [Role.APPRAISEE, Role.APPRAISAL_OFFICE], person_id=UUID(person), tenant_id=UUID(unit_id)
    )
    return Unit(unit_id, token, {"general": general}, {office: person}, system)


@contextlib.contextmanager
def started(database: str, data_dir: Path, env: dict[str, str]) -> Iterator[System]:
    """Every process started as `make run` starts it, on free ports and `database`, with `env`
    added to the processes' environment (restored afterwards)."""
    settings = on_free_ports(database, data_dir)
    # The scheduled overdue check runs once at start-up; the tests run it when they mean to.
    # No JetStream relay unless asked for (it would publish to the developer's NATS).
    overrides = {"DATABASE_URL": database, "KAOHE_OVERDUE_CHECK_SECONDS": "3600", "NATS_URL": ""}
    overrides.update(env)
    with environment(overrides), running(settings) as processes:
        yield System(settings, database, processes)


@pytest.fixture(scope="module")
def system(database: str, data_dir: Path, request: pytest.FixtureRequest) -> Iterator[System]:
    # A test module may set more of the processes' environment (short webhook retries...).
    with started(database, data_dir, getattr(request.module, "SYSTEM_ENV", {})) as system:
        yield system
