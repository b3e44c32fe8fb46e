"""A corpus of hostile input against every text, date and id argument of every query and
mutation, and every string field of every REST command body.

Whatever comes in, the answer is a refusal in the error shape (GraphQL errors with
`extensions.code`) or an ordinary answer; never a 5xx, a hang, or internal text. Input that no
record may hold (NUL, lone surrogates, megabyte strings, invisible-only text, impossible or
implausible dates, malformed ids) is refused, naming the argument.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass
from typing import Any
from uuid import uuid4

import httpx
import pytest
from graphql import get_named_type, is_non_null_type

from kernel.errors import ERROR_FIELDS
from kernel.roles import Role
from tests.security.conftest import Secured
from tests.security.expected_failures import HOSTILE as XFAIL
from tests.security.expected_matrix import EXPECTED
from tests.security.graphql_ops import Operation, arguments, document, operations
from tests.security.probe import graphql

INTERNAL = ("Traceback", "psycopg", "asyncpg", "codec", "hexadecimal", "out of range")


@dataclass(frozen=True)
class Hostile:
    name: str
    value: Any
    refuse: bool  # no record may hold it: the answer must be a refusal naming the argument


MEGABYTE = "x" * (1024 * 1024)
TEXT = [
    Hostile("nul", "工作\x00总结", True),
    Hostile("lone-surrogate", "工作\ud800总结", True),
    Hostile("megabyte", MEGABYTE, False),
    Hostile("zero-width-only", "\u200b\u200c\u200d\ufeff", False),
    Hostile("blank", "   ", False),
    Hostile("rtl-override", "\u202egnp.exe\u202c 王芳", False),
    Hostile(
        "injection",
        """'; DROP TABLE gateway.people; -- {"$where": "1==1", "__proto__": {"admin": true}}"""
        """ ") { __schema { types { name } } } #""",
        False,
    ),
    Hostile("non-ascii", "考核\U0001f600🙂", False),
]
KEY = [TEXT[0], TEXT[2], Hostile("non-ascii", "键-考核", False)]
DATE = [
    Hostile("0001-01-01", "0001-01-01", False),
    Hostile("9999-12-31", "9999-12-31", False),
    Hostile("2024-02-30", "2024-02-30", True),
    Hostile("year-0", "0000-06-01", True),
    Hostile("year-minus-1", "-0001-06-01", True),
    Hostile("year-10000", "10000-06-01", True),
    Hostile("not-a-date", "tomorrow", True),
]
DATETIME = [
    Hostile("0001-01-01", "0001-01-01T00:00:00+00:00", False),
    Hostile("9999-12-31", "9999-12-31T23:59:59+00:00", False),
    Hostile("2024-02-30", "2024-02-30T00:00:00+08:00", True),
    Hostile("year-10000", "10000-01-01T00:00:00+00:00", True),
    Hostile("not-a-datetime", "yesterday", True),
]
ID = [
    Hostile("malformed-uuid", "1234abcd-not-a-uuid", True),
    Hostile("uuid-with-nul", "00000000-0000-4000-8000-00000000000\x00", True),
    Hostile("other-units-id", None, False),  # filled with the other unit's record
]


@dataclass(frozen=True)
class Case:
    op: Operation
    argument: str
    hostile: Hostile

    @property
    def id(self) -> str:
        return f"{self.op.id}.{self.argument}[{self.hostile.name}]"


# Idempotency keys are read by one kernel function for every command: one command per service.
KEYED = {"addPerson", "draftGoalSet", "fileComplaint", "openReviewCycle"}
# Only commands store text: blank, invisible and megabyte text matter there.
COMMAND_ONLY = {"megabyte", "zero-width-only", "blank"}


def corpus_for(op: Operation, argument: str) -> list[Hostile]:
    named = get_named_type(op.field.args[argument].type).name
    if argument == "idempotencyKey":
        return KEY if op.name in KEYED else []
    if named == "String":
        return [h for h in TEXT if op.kind == "mutation" or h.name not in COMMAND_ONLY]
    return {"Date": DATE, "DateTime": DATETIME, "ID": ID}.get(named, [])


CASES = [
    Case(op, argument, hostile)
    for op in operations()
    for argument in op.field.args
    for hostile in corpus_for(op, argument)
]


def _normal(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def names_argument(error: dict[str, Any], argument: str) -> bool:
    """Whether a refusal says which argument it refused (by the GraphQL name, or the service's
    name of the field it becomes: `webhookUrl` is the body's `url`).
    """
    field = _normal(str(error.get("field") or ""))
    if field and (field in _normal(argument) or _normal(argument) in field):
        return True
    return _normal(argument) in _normal(str(error.get("message", "")))


def not_judged(error: dict[str, Any]) -> bool:
    """A refusal of the caller, not of the input: the role matrix holds who may call what."""
    return int(error.get("status") or 0) == 403


def refusals(answer: httpx.Response) -> list[dict[str, Any]]:
    """The refusals in an answer, each with its code, rule, field and message; [] for none."""
    body = answer.json()
    # A refusal before GraphQL runs (413, 429) is still in GraphQL's shape on /graphql.
    if answer.status_code != 200 and "errors" not in body:
        error = body["error"]
        assert set(error) == set(ERROR_FIELDS), body
        return [error]
    found = []
    for error in body.get("errors") or []:
        extensions = error.get("extensions") or {}
        assert extensions.get("code"), f"a GraphQL error without extensions.code: {error}"
        found.append({**extensions, "message": error.get("message", "")})
    return found


# Text no record may hold whatever it is; blank or invisible-only names; megabytes in a command.
ALWAYS_REFUSED = {"nul", "lone-surrogate"}
NAMES = {"name", "title"}


def must_refuse(case: Case) -> bool:
    """Whether no answer but a refusal naming the argument will do."""
    if case.hostile.refuse or case.hostile.name in ALWAYS_REFUSED:
        return True
    if case.op.kind != "mutation":
        return False
    if case.hostile.name in {"0001-01-01", "9999-12-31"}:
        # Valid dates, but no appraisal record is dated in year 1 or 9999 (issue 13, finding 7).
        return True
    return case.hostile.name in {"blank", "zero-width-only"} and case.argument in NAMES


def check(case: Case, answer: httpx.Response, foreign_ids: set[str]) -> None:
    """The properties every answer to hostile input has."""
    assert answer.status_code < 500, f"{answer.status_code}: {answer.text[:500]}"
    leaked = [word for word in INTERNAL if word in answer.text]
    assert not leaked, f"internal text {leaked}: {answer.text[:500]}"
    found = refusals(answer)
    if must_refuse(case):
        assert found, f"accepted: {answer.text[:300]}"
        assert any(names_argument(e, case.argument) or not_judged(e) for e in found), (
            f"the refusal does not name {case.argument}: {found}"
        )
    if case.hostile.name == "other-units-id" and answer.status_code == 200:
        # A refusal may repeat the id asked for; the data must hold nothing of that unit.
        data = json.dumps(answer.json().get("data"))
        shown = [i for i in foreign_ids if i in data]
        assert not shown, f"another unit's records answered: {answer.text[:300]}"


PREFERRED = [
    Role.APPRAISAL_OFFICE,
    Role.AUDITOR,
    Role.APPRAISEE,
    Role.DEPARTMENT_HEAD,
    Role.SUPERVISING_LEADER,
    Role.PRINCIPAL_LEADER,
    Role.SERVED_CADRE,
    Role.ADMIN,
    Role.INTEGRATION,
]


def caller(op: Operation) -> Role:
    """A role the matrix lets through to `op` on its own unit, so that input is what is judged."""
    row = EXPECTED[op.id]
    return next((r for r in PREFERRED if not row[r][0].startswith("FORBIDDEN")), PREFERRED[0])


def params() -> list[Any]:
    found = []
    for c in CASES:
        marks = []
        if c.id in XFAIL:
            marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[c.id]))
        found.append(pytest.param(c, id=c.id, marks=marks))
    return found


@pytest.mark.parametrize("case", params())
def test_hostile_input_is_refused_cleanly(scratch: Secured, case: Case) -> None:
    own, other = scratch.own, scratch.other
    # Only what the operation needs, and the argument under test: nothing else to refuse first.
    args = {
        name: value
        for name, value in arguments(case.op, own.records).items()
        if is_non_null_type(case.op.field.args[name].type)
    }
    # A fresh unit code and login, so that no uniqueness rule refuses before the input is judged.
    fresh = uuid4().hex[:8]
    for name, value in (("code", f"SEC-{fresh.upper()}"), ("login", f"probe.{fresh}")):
        if name in args:
            args[name] = value
    value = case.hostile.value
    if case.hostile.name == "other-units-id":
        value = arguments(case.op, other.records).get(case.argument) or other.records.unit
        value = value[0] if isinstance(value, list) else value
    expected = case.op.field.args[case.argument].type
    args[case.argument] = [value] if "[" in str(expected) else value
    token = own.tokens[caller(case.op)]
    try:
        answer = graphql(scratch.system, token, document(case.op, args), args)
    except httpx.TimeoutException:
        pytest.fail("no answer within the timeout")
    check(case, answer, set(astuple(other.records)))
