"""`kaohe demo`: load the demo unit through the gateway's GraphQL API, as a frontend would.

Every mutation carries an Idempotency-Key, so running it twice records nothing twice.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import httpx

from deploy.demo_feedback_loader import load_feedback
from deploy.demo_goals_loader import load_goals
from deploy.demo_progress import WORKERS, Loading, loading
from deploy.demo_reviews_loader import load_reviews
from deploy.demo_unit import (
    APPRAISAL_OFFICE,
    AUDITORS,
    DEPARTMENTS,
    FOUNDED,
    REORGANISATION,
    SUPERVISION,
    UNIT_CODE,
    UNIT_NAME,
    DemoPerson,
    people,
)
from kernel.auth import DEFAULT_TOKEN_TTL, mint_token
from kernel.roles import Role
from kernel.settings import Settings

ADMIN_ID = uuid5(NAMESPACE_URL, "https://kaohe.invalid/platform-admin")


RATE_LIMIT_RETRIES = 20


@dataclasses.dataclass(frozen=True)
class Gateway:
    """The gateway's GraphQL URL and the load's one connection pool (a connection per request
    cost a TCP handshake each)."""

    url: str
    http: httpx.Client


class GraphQLClient:
    """A minimal GraphQL-over-HTTP client that raises on errors. A refusal by the gateway's
    per-caller rate limit (429) is retried after the time it names: every demo mutation carries
    its Idempotency-Key, so a retry records nothing twice."""

    def __init__(self, gateway: Gateway, token: str) -> None:
        self.gateway = gateway
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        for _ in range(RATE_LIMIT_RETRIES):
            response = self.gateway.http.post(
                self.gateway.url,
                json={"query": query, "variables": variables},
                headers=self.headers,
            )
            if response.status_code != 429:
                break
            time.sleep(float(response.headers.get("Retry-After", "1")))
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            msg = f"GraphQL error: {body.get('errors') or body}"
            raise RuntimeError(msg)
        data: dict[str, Any] = body["data"]
        return data


def admin_token(settings: Settings, ttl: timedelta = DEFAULT_TOKEN_TTL) -> str:
    """A token for the platform administrator (系统管理员)."""
    return mint_token(
        settings,
        person_id=ADMIN_ID,
        tenant_id=None,
        login="admin",
        name="系统管理员",
        roles=[Role.ADMIN],
        ttl=ttl,
    )


def person_client(
    settings: Settings,
    gateway: Gateway,
    unit_id: UUID,
    person_id: str,
    *,
    login: str,
    name: str,
    roles: list[Role],
) -> GraphQLClient:
    """A GraphQL client acting as a person of the demo unit in `roles`."""
    token = mint_token(
        settings,
        person_id=UUID(person_id),
        tenant_id=unit_id,
        login=login,
        name=name,
        roles=roles,
    )
    return GraphQLClient(gateway, token)


def token_client(
    settings: Settings, gateway: Gateway, unit_id: UUID, people: dict[str, str]
) -> Callable[[str], GraphQLClient]:
    """A GraphQL client acting as a person of the demo unit as an appraisee, by person id."""
    names = {v: k for k, v in people.items()}

    @functools.cache
    def client_for(person_id: str) -> GraphQLClient:
        name = names.get(person_id, "")
        return person_client(
            settings, gateway, unit_id, person_id, login=name, name=name, roles=[Role.APPRAISEE]
        )

    return client_for


OPEN = """mutation($unit: ID!, $name: String!, $category: DepartmentCategory!,
  $kind: ServiceKind, $on: Date, $key: String) {
  openDepartment(unitId: $unit, name: $name, category: $category, serviceKind: $kind,
    openedOn: $on, idempotencyKey: $key) { department { id } } }"""
ADD = """mutation($unit: ID!, $name: String!, $login: String!, $cat: PositionCategory!,
  $dept: ID, $on: Date, $key: String) {
  addPerson(unitId: $unit, name: $name, login: $login, positionCategory: $cat,
    departmentId: $dept, joinedOn: $on, idempotencyKey: $key) { person { id } } }"""
GRANT = """mutation($unit: ID!, $person: ID!, $role: OfficeRole!, $on: Date, $key: String) {
  grantOfficeRole(unitId: $unit, personId: $person, role: $role, effectiveOn: $on,
    idempotencyKey: $key) { position } }"""
HEAD = """mutation($unit: ID!, $dept: ID!, $person: ID!, $on: Date, $reason: String, $key: String) {
  appointDepartmentHead(unitId: $unit, departmentId: $dept, personId: $person, effectiveOn: $on,
    reason: $reason, idempotencyKey: $key) { position } }"""
SUPERVISE = """mutation($unit: ID!, $leader: ID!, $depts: [ID!]!, $on: Date, $reason: String,
  $key: String) {
  assignSupervisingLeader(unitId: $unit, leaderId: $leader, departmentIds: $depts,
    effectiveOn: $on, reason: $reason, idempotencyKey: $key) { position } }"""
PRINCIPAL = """mutation($unit: ID!, $person: ID!, $on: Date, $key: String) {
  appointPrincipalLeader(unitId: $unit, personId: $person, effectiveOn: $on,
    idempotencyKey: $key) { position } }"""
MOVE = """mutation($unit: ID!, $person: ID!, $dept: ID!, $on: Date, $reason: String!,
  $key: String) {
  movePerson(unitId: $unit, personId: $person, departmentId: $dept, effectiveOn: $on,
    reason: $reason, idempotencyKey: $key) { position } }"""


@dataclasses.dataclass(frozen=True)
class LoadedUnit:
    """The demo unit as loaded: ids by the demo's keys, and the office's client."""

    unit_id: UUID
    person_ids: dict[str, str]
    departments: dict[str, str]
    office: GraphQLClient


def load_demo(settings: Settings, graphql_url: str) -> UUID:
    """Load the demo unit, its quarter of goals and of feedback, and a year of appraisals;
    returns its id. Progress goes to standard error (deploy.demo_progress).
    """
    # Sized for the steps the demo sends at once (deploy.demo_progress.WORKERS).
    limits = httpx.Limits(max_connections=2 * WORKERS)
    with httpx.Client(timeout=30, limits=limits) as http, loading() as stages:
        return _load_demo(settings, Gateway(graphql_url, http), stages)


def _load_demo(settings: Settings, gateway: Gateway, stages: Loading) -> UUID:
    loaded = load_unit(settings, gateway, stages)
    unit_id, person_ids, departments = loaded.unit_id, loaded.person_ids, loaded.departments
    client_for = token_client(settings, gateway, unit_id, person_ids)
    load_goals(stages, client_for, unit_id, people(), person_ids, departments, loaded.office)
    load_feedback(stages, client_for, str(unit_id), person_ids, departments, loaded.office)
    principal = next(p for p in people() if p.key == "leader0")
    principal_client = person_client(
        settings,
        gateway,
        unit_id,
        person_ids["leader0"],
        login=principal.login,
        name=principal.name,
        roles=[Role.APPRAISEE, Role.PRINCIPAL_LEADER],
    )
    load_reviews(
        stages, client_for, principal_client, str(unit_id), people(), person_ids, loaded.office
    )
    return unit_id


@dataclasses.dataclass
class _OrgChart:
    """The demo unit's org chart as it is recorded: ids by the demo's keys. Each step carries
    its own Idempotency-Key, so a rerun records nothing twice.
    """

    unit: str
    by_key: dict[str, DemoPerson]
    departments: dict[str, str] = dataclasses.field(default_factory=dict)
    person_ids: dict[str, str] = dataclasses.field(default_factory=dict)

    def open_department(self, client: GraphQLClient, key: str, on: str) -> None:
        d = next(d for d in DEPARTMENTS if d.key == key)
        self.departments[key] = client(
            OPEN,
            unit=self.unit,
            name=d.name,
            category=d.category,
            kind=d.service_kind,
            on=on,
            key=f"demo:department:{key}",
        )["openDepartment"]["department"]["id"]

    def add(self, client: GraphQLClient, key: str, on: str) -> None:
        p = self.by_key[key]
        self.person_ids[key] = client(
            ADD,
            unit=self.unit,
            name=p.name,
            login=p.login,
            cat=p.position_category,
            dept=self.departments.get(p.department or ""),
            on=on,
            key=f"demo:person:{key}",
        )["addPerson"]["person"]["id"]

    def grant(self, client: GraphQLClient, person: str, role: str, on: str, key: str) -> None:
        client(GRANT, unit=self.unit, person=self.person_ids[person], role=role, on=on, key=key)

    def head(
        self, client: GraphQLClient, dept: str, person: str, on: str, reason: str | None, key: str
    ) -> None:
        client(
            HEAD,
            unit=self.unit,
            dept=self.departments[dept],
            person=self.person_ids[person],
            on=on,
            reason=reason,
            key=key,
        )

    def supervise(
        self,
        client: GraphQLClient,
        leader: str,
        depts: list[str],
        on: str,
        reason: str | None,
        key: str,
    ) -> None:
        client(
            SUPERVISE,
            unit=self.unit,
            leader=self.person_ids[leader],
            depts=[self.departments[k] for k in depts],
            on=on,
            reason=reason,
            key=key,
        )

    def move(
        self, client: GraphQLClient, person: str, dept: str, on: str, reason: str, key: str
    ) -> None:
        client(
            MOVE,
            unit=self.unit,
            person=self.person_ids[person],
            dept=self.departments[dept],
            on=on,
            reason=reason,
            key=key,
        )


def load_unit(settings: Settings, gateway: Gateway, stages: Loading) -> LoadedUnit:
    """Load the demo unit's org chart and history."""
    admin = GraphQLClient(gateway, admin_token(settings))
    unit = admin(
        "mutation($n: String!, $c: String!) { registerUnit(name: $n, code: $c, "
        'idempotencyKey: "demo:unit") { unit { id } } }',
        n=UNIT_NAME,
        c=UNIT_CODE,
    )["registerUnit"]["unit"]["id"]
    roster = people()
    chart = _OrgChart(unit, {p.key: p for p in roster})
    office = _bootstrap_office(settings, gateway, admin, chart)
    _record_structure(stages, office, chart, roster)
    _record_offices(stages, office, chart)
    _record_reorganisation(stages, office, chart)
    # In the demo's own order, not the order the concurrent steps happened to finish in: the
    # loaders pick by position (every fifth department's report waits for review), and a rerun
    # must pick the same ones.
    person_ids = {p.key: chart.person_ids[p.key] for p in roster}
    departments = {d.key: chart.departments[d.key] for d in DEPARTMENTS}
    return LoadedUnit(UUID(unit), person_ids, departments, office)


def _bootstrap_office(
    settings: Settings, gateway: Gateway, admin: GraphQLClient, chart: _OrgChart
) -> GraphQLClient:
    """The administrator bootstraps the appraisal office; the office records the rest."""
    on = FOUNDED.isoformat()
    first_office = APPRAISAL_OFFICE[0]
    chart.open_department(admin, "general", on)
    chart.add(admin, first_office, on)
    chart.grant(admin, first_office, "APPRAISAL_OFFICE", on, "demo:office:0")
    office_person = chart.by_key[first_office]
    return person_client(
        settings,
        gateway,
        UUID(chart.unit),
        chart.person_ids[first_office],
        login=office_person.login,
        name=office_person.name,
        roles=[Role.APPRAISEE, Role.APPRAISAL_OFFICE],
    )


def _record_structure(
    stages: Loading, office: GraphQLClient, chart: _OrgChart, roster: list[DemoPerson]
) -> None:
    """The departments, the people, and who leads what on the day the unit was founded."""
    on = FOUNDED.isoformat()
    stages.run(
        "departments opened",
        [partial(chart.open_department, office, d.key, on) for d in DEPARTMENTS[1:]],
    )
    stages.run(
        "people added",
        [partial(chart.add, office, p.key, on) for p in roster if p.key not in chart.person_ids],
    )
    principal = partial(
        office,
        PRINCIPAL,
        unit=chart.unit,
        person=chart.person_ids["leader0"],
        on=on,
        key="demo:principal",
    )
    supervisors = [
        partial(chart.supervise, office, leader, keys, on, None, f"demo:supervision:{leader}")
        for leader, keys in SUPERVISION.items()
    ]
    heads = [
        partial(chart.head, office, d.key, f"{d.key}0", on, None, f"demo:head:{d.key}")
        for d in DEPARTMENTS
    ]
    appointments: list[Callable[[], object]] = [principal, *supervisors, *heads]
    stages.run("leaders appointed", appointments)


def _record_offices(stages: Loading, office: GraphQLClient, chart: _OrgChart) -> None:
    """The rest of the appraisal office (考核办) and the auditors (纪检)."""
    on = FOUNDED.isoformat()
    grants = [
        partial(chart.grant, office, key, "APPRAISAL_OFFICE", on, f"demo:office:{i}")
        for i, key in enumerate(APPRAISAL_OFFICE[1:], start=1)
    ]
    grants += [
        partial(chart.grant, office, key, "AUDITOR", on, f"demo:auditor:{i}")
        for i, key in enumerate(AUDITORS)
    ]
    stages.run("office and auditor roles granted", grants)


def _record_reorganisation(stages: Loading, office: GraphQLClient, chart: _OrgChart) -> None:
    """The history after the founding, in the order it happened: a new head, a move, a change
    of supervising leader."""

    def change(i: int, when: Any, what: str, details: dict[str, Any], reason: str) -> None:
        key, on = f"demo:reorganisation:{i}", when.isoformat()
        if what == "head":
            chart.head(office, details["department"], details["person"], on, reason, key)
        elif what == "move":
            chart.move(office, details["person"], details["department"], on, reason, key)
        else:
            chart.supervise(office, details["leader"], details["departments"], on, reason, key)

    steps = [partial(change, i, *step) for i, step in enumerate(REORGANISATION)]
    stages.run("reorganisation recorded", steps, in_order=True)
