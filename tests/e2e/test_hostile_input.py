"""End to end: hostile and careless input (issue 13, findings 1 and 7) against the running
processes. Text PostgreSQL cannot hold is refused at every command of every service, naming the
field; names must be visible; dates and years must be plausible; a malformed id, key or year is
a refusal in the error shape, never a 500 or an internal message.

The REST cases are generated from each service's OpenAPI document: every string a command body
can hold gets a NUL, so a new route or field is covered without touching this file.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import FastAPI

from kernel.calendar import china_date
from kernel.roles import Role
from kernel.settings import Settings
from services.directory.main import create_app as directory_app
from services.feedback.main import create_app as feedback_app
from services.goals.main import create_app as goals_app
from services.reviews.main import create_app as reviews_app
from tests.e2e.conftest import System

pytestmark = pytest.mark.e2e

NUL = "a\x00b"
APPS = {
    "directory": directory_app,
    "goals": goals_app,
    "feedback": feedback_app,
    "reviews": reviews_app,
}
Path = tuple[str | int, ...]


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def string_slots(
    schema: dict[str, Any], document: dict[str, Any], path: Path = ()
) -> Iterator[tuple[Path, bool]]:
    """Every place of a body that holds a string: its path, and whether any string goes there
    (no pattern, format or enum to refuse a NUL first)."""
    schema = _resolve(schema, document)
    if len(path) > 8:
        return
    options = [_resolve(o, document) for o in schema.get("anyOf", []) + schema.get("oneOf", [])]
    # A string that stands for a number (Decimal) is refused as a number, not as text.
    numeric = any(o.get("type") in {"number", "integer"} for o in options)
    for option in options:
        for slot, plain in string_slots(option, document, path):
            yield slot, plain and not numeric
    kind = schema.get("type")
    if kind == "string" and "enum" not in schema and "const" not in schema:
        yield path, not ({"pattern", "format"} & schema.keys())
    elif kind == "array" and "items" in schema:
        yield from string_slots(schema["items"], document, (*path, 0))
    elif kind == "object" or "properties" in schema:
        for name, prop in schema.get("properties", {}).items():
            yield from string_slots(prop, document, (*path, name))
        extra = schema.get("additionalProperties")
        if extra is True or extra == {}:
            yield (*path, "k"), True
        elif isinstance(extra, dict):
            yield from string_slots(extra, document, (*path, "k"))


def with_value(path: Path, value: Any) -> Any:
    """The smallest body that holds `value` at `path`."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    return [with_value(rest, value)] if isinstance(head, int) else {head: with_value(rest, value)}


def command_cases() -> Iterator[Any]:
    """(service, method, path, field path, plain) for every string of every command body."""
    for service, create in APPS.items():
        app: FastAPI = create(Settings())
        document = app.openapi()
        for route, operations in document["paths"].items():
            for method, operation in operations.items():
                content = operation.get("requestBody", {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                if schema is None:
                    continue
                seen = set()
                for slot, plain in string_slots(schema, document):
                    if slot in seen:
                        continue
                    seen.add(slot)
                    field = ".".join(str(p) for p in slot)
                    yield pytest.param(
                        service, method, route, slot, plain, id=f"{service} {route} {field}"
                    )


def concrete(route: str) -> str:
    """A route's path with its parameters filled: ids of nothing, an item id."""
    parts = []
    for part in route.split("/"):
        if part == "{item_id}":
            parts.append("item-1")
        elif part.startswith("{"):
            parts.append(str(uuid4()))
        else:
            parts.append(part)
    return "/".join(parts)


def base_url(system: System, service: str) -> str:
    url: str = getattr(system.settings, f"{service}_url")
    return url


@pytest.fixture(scope="module")
def outsider(system: System) -> str:
    """A token of a person of another unit, holding no office role."""
    return system.outsider()


@pytest.mark.parametrize(("service", "method", "route", "slot", "plain"), list(command_cases()))
def test_a_nul_in_any_string_of_any_command_is_refused_naming_the_field(
    system: System, outsider: str, service: str, method: str, route: str, slot: Path, plain: bool
) -> None:
    # A caller of another unit with no office role: had the body passed, the route would refuse
    # them (403) or find nothing (404); the 422 shows the text was refused before either.
    token = outsider
    answer = httpx.request(
        method.upper(),
        base_url(system, service) + concrete(route),
        json=with_value(slot, NUL),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    field = ".".join(str(p) for p in slot)
    found = {d["field"]: d["rule"] for d in error["details"]}
    assert field in found, error
    if plain:
        assert found[field] == "kernel.text_storable", error


def test_a_nul_in_a_query_parameter_is_refused_not_passed_to_postgresql(system: System) -> None:
    gateway = system.graphql_url.removesuffix("/graphql")
    answer = httpx.get(f"{gateway}/audit/checkpoints?service=goals%00", timeout=30)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == "query.service"
    assert answer.json()["error"]["rule"] == "kernel.text_storable"


# -- over GraphQL, as a frontend sends it --

REGISTER = """mutation($name: String!, $code: String!, $key: String) {
  registerUnit(name: $name, code: $code, idempotencyKey: $key) { unit { id } } }"""
OPEN = """mutation($unit: ID!, $name: String!) {
  openDepartment(unitId: $unit, name: $name, category: SERVICE, serviceKind: VEHICLES,
    openedOn: "2025-01-01") { department { id } } }"""
ADD = """mutation($unit: ID!, $name: String!, $login: String!, $dept: ID) {
  addPerson(unitId: $unit, name: $name, login: $login, positionCategory: SERVICE,
    departmentId: $dept, joinedOn: "2025-01-01") { person { id } } }"""
GRANT = """mutation($unit: ID!, $person: ID!) {
  grantOfficeRole(unitId: $unit, personId: $person, role: APPRAISAL_OFFICE,
    effectiveOn: "2025-01-01") { position } }"""
MOVE = """mutation($unit: ID!, $person: ID!, $dept: ID!, $on: Date) {
  movePerson(unitId: $unit, personId: $person, departmentId: $dept, reason: "工作需要",
    effectiveOn: $on) { person { id } } }"""
PRAISE = """mutation($unit: ID!, $target: ID!, $on: Date!) {
  recordPraise(unitId: $unit, targetKind: PERSON, targetId: $target, source: "市委办公室",
    whatHappened: "雪天保障", occurredOn: $on) { praise { id } } }"""
COMPLAINT = """mutation($unit: ID!, $target: ID!, $on: Date) {
  fileComplaint(unitId: $unit, targetKind: PERSON, targetId: $target, content: "迟到",
    receivedOn: $on) { complaint { id } } }"""
PEOPLE = """query($unit: ID!, $name: String, $after: String) {
  people(unitId: $unit, nameContains: $name, after: $after) { totalCount } }"""


class Unit:
    def __init__(self, system: System) -> None:
        admin = system.token([Role.ADMIN])
        self.id = system.data(admin, REGISTER, name="输入测试中心", code="E2E-INPUT")[
            "registerUnit"
        ]["unit"]["id"]
        self.departments = [
            system.data(admin, OPEN, unit=self.id, name=name)["openDepartment"]["department"]["id"]
            for name in ("公车服务科", "物业服务科")
        ]
        self.person = system.data(
            admin, ADD, unit=self.id, name="李强", login="liqiang", dept=self.departments[0]
        )["addPerson"]["person"]["id"]
        system.data(admin, GRANT, unit=self.id, person=self.person)
        self.office = system.token(
            [Role.APPRAISEE, Role.APPRAISAL_OFFICE],
            person_id=UUID(self.person),
            tenant_id=UUID(self.id),
        )


@pytest.fixture(scope="module")
def unit(system: System) -> Unit:
    return Unit(system)


def extensions(error: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = error.get("extensions") or {}
    return found


LITERAL_NUL = 'mutation { registerUnit(name: "a\\u0000b", code: "E2E-NUL") { unit { id } } }'


def test_a_nul_sent_through_graphql_is_refused_naming_the_argument(system: System) -> None:
    admin = system.token([Role.ADMIN])
    for error in [
        system.error(admin, REGISTER, name=NUL, code="E2E-NUL"),
        system.error(admin, LITERAL_NUL),
    ]:
        assert extensions(error)["code"] == "INVALID_INPUT", error
        assert extensions(error)["field"] == "name", error
        assert extensions(error)["rule"] == "kernel.text_storable", error


def test_a_nul_in_a_query_argument_is_refused_not_passed_to_postgresql(
    system: System, unit: Unit
) -> None:
    error = system.error(unit.office, PEOPLE, unit=unit.id, name="张\x00")
    assert (extensions(error)["field"], extensions(error)["rule"]) == (
        "name",
        "kernel.text_storable",
    )
    assert "0x00" not in error["message"]
    assert "UTF8" not in error["message"]


@pytest.mark.parametrize("key", [["张三", "not-a-uuid"], ["a\x00", str(uuid4())], ["only-one"]])
def test_a_forged_cursor_is_refused_naming_the_argument(
    system: System, unit: Unit, key: list[str]
) -> None:
    forged = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
    error = system.error(unit.office, PEOPLE, unit=unit.id, after=forged)
    assert (extensions(error)["field"], extensions(error)["rule"]) == ("after", "cursor")
    assert "hexadecimal" not in error["message"]
    assert "unpack" not in error["message"]


def test_a_service_refusal_comes_back_through_graphql_with_its_field_and_rule(
    system: System,
) -> None:
    admin = system.token([Role.ADMIN])
    error = system.error(admin, REGISTER, name="\u200b\ufeff ", code="E2E-BLANK")
    assert extensions(error)["code"] == "INVALID_INPUT", error
    assert (extensions(error)["field"], extensions(error)["rule"]) == (
        "name",
        "kernel.name_visible",
    )


def test_a_department_named_only_with_invisible_characters_is_refused(
    system: System, unit: Unit
) -> None:
    error = system.error(unit.office, OPEN, unit=unit.id, name="\u3000\u200b")
    assert extensions(error)["rule"] == "kernel.name_visible"


def test_a_non_ascii_idempotency_key_is_refused_in_the_error_shape(system: System) -> None:
    admin = system.token([Role.ADMIN])
    error = system.error(admin, REGISTER, name="键测试", code="E2E-KEY", key="键")
    assert (extensions(error)["field"], extensions(error)["rule"]) == (
        "idempotencyKey",
        "kernel.idempotency_key",
    )
    assert "codec" not in error["message"]
    answer = httpx.post(
        system.directory_url + "/units",
        json={"name": "键测试", "code": "E2E-KEY"},
        headers=[
            (b"Authorization", f"Bearer {admin}".encode()),
            (b"Idempotency-Key", "键".encode()),
        ],
        timeout=30,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["rule"] == "kernel.idempotency_key"


def test_an_id_that_is_not_a_uuid_is_refused_naming_the_argument(
    system: System, unit: Unit
) -> None:
    for variables, field in [
        ({"unit": "not-a-uuid", "person": unit.person, "dept": unit.departments[1]}, "unitId"),
        ({"unit": unit.id, "person": "xyz", "dept": unit.departments[1]}, "personId"),
    ]:
        error = system.error(unit.office, MOVE, **variables)
        assert extensions(error)["code"] == "INVALID_INPUT", error
        assert extensions(error)["field"] == field, error
        assert "hexadecimal" not in error["message"]
    error = system.error(unit.office, MOVE, unit=unit.id, person=unit.person, dept="xyz")
    assert extensions(error)["field"] == "department_id", error
    answer = httpx.post(
        f"{system.directory_url}/units/nope/people/{unit.person}/moves",
        json={"department_id": unit.departments[1], "reason": "工作需要"},
        headers={"Authorization": f"Bearer {unit.office}"},
        timeout=30,
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "path.unit_id"


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_a_complaint_received_on_an_implausible_date_is_refused(
    system: System, unit: Unit, on: str
) -> None:
    error = system.error(unit.office, COMPLAINT, unit=unit.id, target=unit.person, on=on)
    assert extensions(error)["code"] == "INVALID_INPUT", error
    assert (extensions(error)["field"], extensions(error)["rule"]) == (
        "received_on",
        "kernel.date_plausible",
    )


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01"])
def test_praise_on_an_implausible_date_is_refused(system: System, unit: Unit, on: str) -> None:
    error = system.error(unit.office, PRAISE, unit=unit.id, target=unit.person, on=on)
    assert (extensions(error)["field"], extensions(error)["rule"]) == (
        "occurred_on",
        "kernel.date_plausible",
    )


def test_praise_for_tomorrow_is_refused(system: System, unit: Unit) -> None:
    tomorrow = (china_date() + timedelta(days=1)).isoformat()
    error = system.error(unit.office, PRAISE, unit=unit.id, target=unit.person, on=tomorrow)
    assert (extensions(error)["field"], extensions(error)["rule"]) == (
        "occurred_on",
        "feedback.praise_not_in_future",
    )


def test_a_move_dated_9999_is_refused_and_blocks_nothing(system: System, unit: Unit) -> None:
    move = {"unit": unit.id, "person": unit.person, "dept": unit.departments[1]}
    error = system.error(unit.office, MOVE, **move, on="9999-12-31")
    assert (extensions(error)["field"], extensions(error)["rule"]) == (
        "effective_on",
        "kernel.date_plausible",
    )
    system.data(unit.office, MOVE, **move)


ANNUAL = """query($unit: ID!, $year: Int!) {
  annualAppraisal(unitId: $unit, year: $year) { year quarters { quarter } } }"""
APPRAISALS = """query($person: ID!, $year: Int) {
  personAppraisals(personId: $person, year: $year) { quarter } }"""
CYCLE = """query($unit: ID!, $quarter: String!) {
  reviewCycle(unitId: $unit, quarter: $quarter) { id } }"""


@pytest.mark.parametrize("year", [0, -1, 1999, 2101, 99999])
def test_a_year_outside_2000_to_2100_is_refused_naming_the_argument(
    system: System, unit: Unit, year: int
) -> None:
    error = system.error(unit.office, ANNUAL, unit=unit.id, year=year)
    assert (extensions(error)["field"], extensions(error)["rule"]) == (
        "year",
        "kernel.year_plausible",
    )
    error = system.error(unit.office, APPRAISALS, person=unit.person, year=year)
    assert extensions(error)["field"] == "year"


def test_a_plausible_year_still_answers_its_quarters(system: System, unit: Unit) -> None:
    annual = system.data(unit.office, ANNUAL, unit=unit.id, year=2026)["annualAppraisal"]
    assert [q["quarter"] for q in annual["quarters"]] == [f"2026-Q{q}" for q in range(1, 5)]


@pytest.mark.parametrize("quarter", ["0000-Q1", "9999-Q4", "٢٠٢٦-Q1"])
def test_a_quarter_of_an_implausible_year_is_refused(
    system: System, unit: Unit, quarter: str
) -> None:
    error = system.error(unit.office, CYCLE, unit=unit.id, quarter=quarter)
    assert extensions(error)["field"] == "quarter", error
    assert extensions(error)["code"] == "INVALID_INPUT"
