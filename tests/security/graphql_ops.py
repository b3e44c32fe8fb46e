"""Every query and mutation of the gateway's schema as a request the suite can send: a document
built from the field's arguments, and argument values pointing at one seeded unit's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    is_list_type,
    is_non_null_type,
)

from gateway.graphql.schema import build_schema
from kernel.calendar import china_date

SCHEMA: GraphQLSchema = build_schema(10)._schema

# The seeded records live in the present: goals of a closed period are read-only.
TODAY = china_date()
QUARTER = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"
MONTH = f"{TODAY.year}-{TODAY.month:02d}"
WEEK = "{}-W{:02d}".format(*TODAY.isocalendar()[:2])
NOW = datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class Operation:
    kind: str  # "query" or "mutation"
    name: str
    field: GraphQLField

    @property
    def id(self) -> str:
        return f"{self.kind}.{self.name}"


def operations() -> list[Operation]:
    """Every query and mutation field of the schema, in schema order."""
    found: list[Operation] = []
    for kind, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        assert root is not None
        found.extend(Operation(kind, name, field) for name, field in root.fields.items())
    return found


def _has_id(gql_type: Any) -> bool:
    named = get_named_type(gql_type)
    return isinstance(named, GraphQLObjectType) and "id" in named.fields


def selection(output: Any) -> str:
    """The least selection that shows whether a field answered and whose records it answered:
    ids, at the top and one level down.
    """
    named = get_named_type(output)
    if not isinstance(named, GraphQLObjectType):
        return ""
    chosen = ["__typename"]
    if "totalCount" in named.fields:
        chosen.append("totalCount")
    if "id" in named.fields:
        chosen.append("id")
    if "position" in named.fields:
        # A command's answer: its log position says it was recorded, whatever else it holds.
        chosen.append("position")
    chosen.extend(
        f"{name} {{ id }}"
        for name, field in named.fields.items()
        if name != "id"
        and _has_id(field.type)
        and not any(is_non_null_type(a.type) for a in field.args.values())
    )
    if len(chosen) == 1:
        # Nothing with an id: a plain field (or a page's cursors) shows whether anything came back.
        plain = [
            name
            for name, f in named.fields.items()
            if isinstance(get_named_type(f.type), GraphQLScalarType | GraphQLEnumType)
            and not any(is_non_null_type(a.type) for a in f.args.values())
        ]
        chosen.append("edges { cursor }" if "edges" in named.fields else plain[0])
    return "{ " + " ".join(chosen) + " }"


def document(op: Operation, arguments: dict[str, Any]) -> str:
    """`op` as a document whose variables are `arguments`' names."""
    declared = ", ".join(f"${n}: {op.field.args[n].type}" for n in arguments)
    passed = ", ".join(f"{n}: ${n}" for n in arguments)
    head = f"{op.kind} Probe" + (f"({declared})" if declared else "")
    call = op.name + (f"({passed})" if passed else "")
    return f"{head} {{ {call} {selection(op.field.type)} }}"


@dataclass(frozen=True)
class Records:
    """One seeded unit's ids, by what they are."""

    unit: str
    department: str
    office: str
    principal: str
    leader: str
    head: str
    appraisee: str
    auditor: str
    goal_set: str
    summary: str
    report: str
    survey: str
    complaint: str
    cycle: str
    objection: str
    subscription: str
    event: str


# What an `id` argument names, per operation (the other id arguments say it in their name).
ID_OF: dict[str, str] = {
    "unit": "unit",
    "department": "department",
    "person": "appraisee",
    "goalSet": "goal_set",
    "goalSetAsOf": "goal_set",
    "survey": "survey",
    "complaint": "complaint",
    "complaintAsOf": "complaint",
    "reviewCycle": "cycle",
    "reviewCycleAsOf": "cycle",
    "webhookSubscription": "subscription",
}

ARGUMENT_RECORD: dict[str, str] = {
    "unitId": "unit",
    "departmentId": "department",
    "personId": "appraisee",
    "leaderId": "leader",
    "handlerId": "head",
    "goalSetId": "goal_set",
    "summaryId": "summary",
    "reportId": "report",
    "surveyId": "survey",
    "complaintId": "complaint",
    "cycleId": "cycle",
    "objectionId": "objection",
    "subscriptionId": "subscription",
    "eventId": "event",
    "targetId": "appraisee",
    "actorId": "appraisee",
    "streamId": "goal_set",
    "subjectId": "appraisee",
    "viewerId": "appraisee",
}

# Values that keep a command from changing the seeded records once it is authorised: a version
# the record never had (decided, then refused with CONFLICT), dates before anyone joined.
STRING_VALUES: dict[str, str] = {
    "period": QUARTER,
    "quarter": QUARTER,
    "month": MONTH,
    "week": WEEK,
    "code": "SEC-A",
    "url": "https://93.184.215.14/kaohe-security-suite",
    "webhookUrl": "https://93.184.215.14/kaohe-security-suite",
    "secret": "SEC0123456789abcdef",
    "service": "goals",
    "login": "probe.person",
    "after": "",
    "csv": "department,score\n",
    "startAfter": "",
    "itemId": "no-such-item",
}


def scalar_value(name: str, type_name: str) -> Any:
    """A plausible value of a scalar argument called `name`."""
    if type_name == "Int":
        return {"year": 2025, "first": 5, "position": 1, "expectedVersion": 999}.get(name, 1)
    if type_name == "Decimal":
        return "20" if name == "quotaPercent" else "90"
    if type_name == "Boolean":
        return False
    if type_name == "Date":
        return "2020-01-01"
    if type_name == "DateTime":
        return "2026-06-01T00:00:00+08:00"
    if type_name == "ID":
        return "00000000-0000-4000-8000-000000000000"
    return STRING_VALUES.get(name, "安全测试 probe")


def value_of(name: str, gql_type: Any, records: Records, op: Operation) -> Any:
    """A value for an argument (or input field) of type `gql_type` aimed at `records`' unit."""
    if is_non_null_type(gql_type):
        return value_of(name, gql_type.of_type, records, op)
    if is_list_type(gql_type):
        return [value_of(name, gql_type.of_type, records, op)]
    if isinstance(gql_type, GraphQLEnumType):
        return next(iter(gql_type.values))
    if isinstance(gql_type, GraphQLInputObjectType):
        if "instant" in gql_type.fields:
            # A one-of input (asOf): as of now.
            return {"instant": NOW}
        return {
            field_name: value_of(field_name, field.type, records, op)
            for field_name, field in gql_type.fields.items()
            if is_non_null_type(field.type)
        }
    assert isinstance(gql_type, GraphQLScalarType)
    if gql_type.name == "ID":
        if name == "id":
            return getattr(records, ID_OF[op.name])
        if name in {"departmentIds"}:
            return records.department
        if name in ARGUMENT_RECORD:
            return getattr(records, ARGUMENT_RECORD[name])
    return scalar_value(name, gql_type.name)


# Arguments the probe always passes although optional: they aim a filter at the unit, or pin a
# version so that an authorised command is refused before it changes anything.
ALWAYS = {"expectedVersion", "first", "unitId", "id"}


def arguments(op: Operation, records: Records) -> dict[str, Any]:
    """The probe's arguments for `op` against `records`' unit."""
    chosen: dict[str, Any] = {}
    for name, arg in op.field.args.items():
        if is_non_null_type(arg.type) or name in ALWAYS:
            chosen[name] = value_of(name, arg.type, records, op)
    return chosen
