"""The hostile corpus against every string field of every REST command body of the services.

Each field is sent alone (so the answer is the validation's, and nothing is recorded: path ids
are unknown), by the unit's office. Every answer: below 500, in the error shape, no internal
text; text PostgreSQL cannot hold, impossible dates and malformed ids are named in the refusal's
details.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

from kernel.errors import ERROR_FIELDS
from kernel.roles import Role
from tests.security.conftest import Secured
from tests.security.documents import openapi
from tests.security.expected_failures import REST as XFAIL
from tests.security.probe import CLIENT
from tests.security.test_hostile_inputs import DATE, ID, INTERNAL, TEXT, Hostile

SERVICES = ("directory", "goals", "feedback", "reviews")
ALWAYS_NAMED = {"nul", "lone-surrogate", "2024-02-30", "year-0", "year-minus-1", "year-10000"}
ALWAYS_NAMED |= {"not-a-date", "malformed-uuid", "uuid-with-nul"}


@dataclass(frozen=True)
class Field:
    service: str
    path: str
    name: str
    format: str | None

    @property
    def id(self) -> str:
        return f"{self.service} POST {self.path} {self.name}"


def _string_format(schema: dict[str, Any]) -> tuple[bool, str | None]:
    for option in [schema, *schema.get("anyOf", [])]:
        if option.get("type") == "string":
            return True, option.get("format")
    return False, None


def fields() -> list[Field]:
    found = []
    for service in SERVICES:
        document = openapi(service)
        schemas = document["components"]["schemas"]
        for path, operations in document["paths"].items():
            body = operations.get("post", {}).get("requestBody")
            if body is None:
                continue
            ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            for name, schema in schemas[ref].get("properties", {}).items():
                is_string, fmt = _string_format(schema)
                if is_string:
                    found.append(Field(service, path, name, fmt))
    return found


def corpus(field: Field) -> list[Hostile]:
    if field.format == "date":
        return DATE
    if field.format == "uuid":
        return [h for h in ID if h.value is not None]
    return TEXT


CASES = [(f, h) for f in fields() for h in corpus(f)]


def params() -> list[Any]:
    found = []
    for field, hostile in CASES:
        name = f"{field.id}[{hostile.name}]"
        marks = [pytest.mark.xfail(strict=True, reason=XFAIL[name])] if name in XFAIL else []
        found.append(pytest.param(field, hostile, id=name, marks=marks))
    return found


@pytest.mark.parametrize(("field", "hostile"), params())
def test_hostile_body_fields_are_refused_cleanly(
    scratch: Secured, field: Field, hostile: Hostile
) -> None:
    settings = scratch.system.settings
    base = {
        "directory": settings.directory_url,
        "goals": settings.goals_url,
        "feedback": settings.feedback_url,
        "reviews": settings.reviews_url,
    }[field.service]
    path = field.path
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + str(uuid4()) + path[end + 1 :]
    answer = CLIENT.post(
        base + path,
        content=json.dumps({field.name: hostile.value}).encode(),
        headers={
            "Authorization": f"Bearer {scratch.own.tokens[Role.APPRAISAL_OFFICE]}",
            "Content-Type": "application/json",
        },
    )
    assert answer.status_code < 500, answer.text[:500]
    leaked = [word for word in INTERNAL if word in answer.text]
    assert not leaked, f"internal text {leaked}: {answer.text[:500]}"
    if answer.status_code >= 400:
        body = answer.json()
        assert set(body) == {"error"}, body
        assert set(body["error"]) == set(ERROR_FIELDS), body
        if hostile.name in ALWAYS_NAMED:
            named = [d.get("field") for d in body["error"]["details"]] + [body["error"]["field"]]
            assert field.name in named, f"{field.name} not named: {body['error']}"
    elif hostile.name in ALWAYS_NAMED:
        pytest.fail(f"accepted: {answer.status_code} {answer.text[:300]}")
