"""`kaohe demo`: load the demo unit through the gateway's GraphQL API, as a frontend would.

Every mutation carries an Idempotency-Key, so running it twice records nothing twice.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import httpx
from rich.progress import Progress

from deploy.demo_feedback_loader import load_feedback
from deploy.demo_goals_loader import load_goals, token_client
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
    people,
)
from kernel.auth import mint_token
from kernel.roles import Role
from kernel.settings import Settings

ADMIN_ID = uuid5(NAMESPACE_URL, "https://kaohe.invalid/platform-admin")


class GraphQLClient:
    """A minimal GraphQL-over-HTTP client that raises on errors."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = httpx.post(
            self.url,
            json={"query": query, "variables": variables},
            headers=self.headers,
            timeout=30,
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            msg = f"GraphQL error: {body.get('errors') or body}"
            raise RuntimeError(msg)
        data: dict[str, Any] = body["data"]
        return data


def admin_token(settings: Settings) -> str:
    """A token for the platform administrator (系统管理员)."""
    return mint_token(
        settings,
        person_id=ADMIN_ID,
        tenant_id=None,
        login="admin",
        name="系统管理员",
        roles=[Role.ADMIN],
    )


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
    returns its id.
    """
    loaded = load_unit(settings, graphql_url)
    client_for = token_client(
        settings, graphql_url, loaded.unit_id, loaded.person_ids, GraphQLClient
    )
    load_goals(
        settings,
        client_for,
        loaded.unit_id,
        people(),
        loaded.person_ids,
        loaded.departments,
        loaded.office,
    )
    load_feedback(
        client_for, str(loaded.unit_id), loaded.person_ids, loaded.departments, loaded.office
    )
    principal = next(p for p in people() if p.key == "leader0")
    principal_client = GraphQLClient(
        graphql_url,
        mint_token(
            settings,
            person_id=UUID(loaded.person_ids["leader0"]),
            tenant_id=loaded.unit_id,
            login=principal.login,
            name=principal.name,
            roles=[Role.APPRAISEE, Role.PRINCIPAL_LEADER],
        ),
    )
    load_reviews(
        client_for,
        principal_client,
        str(loaded.unit_id),
        people(),
        loaded.person_ids,
        loaded.office,
    )
    return loaded.unit_id


def load_unit(settings: Settings, graphql_url: str) -> LoadedUnit:
    """Load the demo unit's org chart and history."""
    admin = GraphQLClient(graphql_url, admin_token(settings))
    on = FOUNDED.isoformat()
    unit = admin(
        "mutation($n: String!, $c: String!) { registerUnit(name: $n, code: $c, "
        'idempotencyKey: "demo:unit") { unit { id } } }',
        n=UNIT_NAME,
        c=UNIT_CODE,
    )["registerUnit"]["unit"]["id"]
    roster = people()
    by_key = {p.key: p for p in roster}
    departments: dict[str, str] = {}
    person_ids: dict[str, str] = {}

    def open_department(client: GraphQLClient, key: str) -> None:
        d = next(d for d in DEPARTMENTS if d.key == key)
        departments[key] = client(
            OPEN,
            unit=unit,
            name=d.name,
            category=d.category,
            kind=d.service_kind,
            on=on,
            key=f"demo:department:{key}",
        )["openDepartment"]["department"]["id"]

    def add(client: GraphQLClient, key: str) -> None:
        p = by_key[key]
        person_ids[key] = client(
            ADD,
            unit=unit,
            name=p.name,
            login=p.login,
            cat=p.position_category,
            dept=departments.get(p.department or ""),
            on=on,
            key=f"demo:person:{key}",
        )["addPerson"]["person"]["id"]

    # The administrator bootstraps the appraisal office; the office records the rest.
    first_office = APPRAISAL_OFFICE[0]
    open_department(admin, "general")
    add(admin, first_office)
    admin(
        GRANT,
        unit=unit,
        person=person_ids[first_office],
        role="APPRAISAL_OFFICE",
        on=on,
        key="demo:office:0",
    )
    office_person = by_key[first_office]
    office = GraphQLClient(
        graphql_url,
        mint_token(
            settings,
            person_id=UUID(person_ids[first_office]),
            tenant_id=UUID(unit),
            login=office_person.login,
            name=office_person.name,
            roles=[Role.APPRAISEE, Role.APPRAISAL_OFFICE],
        ),
    )
    with Progress() as progress:
        task = progress.add_task("Loading the demo unit", total=len(roster) + len(DEPARTMENTS) + 20)
        for d in DEPARTMENTS[1:]:
            open_department(office, d.key)
            progress.advance(task)
        for p in roster:
            if p.key not in person_ids:
                add(office, p.key)
            progress.advance(task)
        office(PRINCIPAL, unit=unit, person=person_ids["leader0"], on=on, key="demo:principal")
        for leader, keys in SUPERVISION.items():
            office(
                SUPERVISE,
                unit=unit,
                leader=person_ids[leader],
                depts=[departments[k] for k in keys],
                on=on,
                reason=None,
                key=f"demo:supervision:{leader}",
            )
            progress.advance(task)
        for d in DEPARTMENTS:
            office(
                HEAD,
                unit=unit,
                dept=departments[d.key],
                person=person_ids[f"{d.key}0"],
                on=on,
                reason=None,
                key=f"demo:head:{d.key}",
            )
            progress.advance(task)
        for i, key in enumerate(APPRAISAL_OFFICE[1:], start=1):
            office(
                GRANT,
                unit=unit,
                person=person_ids[key],
                role="APPRAISAL_OFFICE",
                on=on,
                key=f"demo:office:{i}",
            )
        for i, key in enumerate(AUDITORS):
            office(
                GRANT,
                unit=unit,
                person=person_ids[key],
                role="AUDITOR",
                on=on,
                key=f"demo:auditor:{i}",
            )
        for i, (when, what, details, reason) in enumerate(REORGANISATION):
            key = f"demo:reorganisation:{i}"
            if what == "head":
                office(
                    HEAD,
                    unit=unit,
                    dept=departments[details["department"]],
                    person=person_ids[details["person"]],
                    on=when.isoformat(),
                    reason=reason,
                    key=key,
                )
            elif what == "move":
                office(
                    MOVE,
                    unit=unit,
                    person=person_ids[details["person"]],
                    dept=departments[details["department"]],
                    on=when.isoformat(),
                    reason=reason,
                    key=key,
                )
            else:
                office(
                    SUPERVISE,
                    unit=unit,
                    leader=person_ids[details["leader"]],
                    depts=[departments[k] for k in details["departments"]],
                    on=when.isoformat(),
                    reason=reason,
                    key=key,
                )
            progress.advance(task)
    return LoadedUnit(UUID(unit), person_ids, departments, office)
