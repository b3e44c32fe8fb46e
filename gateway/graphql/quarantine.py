"""Quarantined events in GraphQL: the `quarantinedEvents` query for the appraisal office,
auditors and administrators, and the schema extension that adds a READ_MODEL_INCOMPLETE error to
every answer showing a record whose events were quarantined (see
`gateway.projections.quarantine`).

Which answers carry the error (`QuarantineErrors`), for each quarantined event the caller's unit
may see (auditors and administrators: every unit's):
- an object of the answer whose `id` is one of the event's records (its aggregate; for the
  directory, also the people and departments the event names), at that object's path;
- a query field asked about one of those records or about the event's unit (an argument's value)
  when the field reads the event's service (`monthlySummaries(unitId:)` for a goals event): the
  record may be missing from the answer altogether, when the event that made it was the poison.
The extension does nothing while no event is quarantined.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from graphql import (
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from gateway.freshness import Quarantine, incomplete_error
from gateway.graphql.access import QuarantineReaders, ReadsUnit
from gateway.graphql.context import Context
from gateway.graphql.plumbing import Info_, parse_id
from gateway.projections.quarantine import Quarantined
from kernel.store import SERVICES


@strawberry.type(description="An event the read side could not apply, set aside (quarantined)")
class QuarantinedEvent:
    service: str = strawberry.field(description="The service log it is in")
    position: int = strawberry.field(description="Its position in that log")
    record_id: strawberry.ID = strawberry.field(
        description="The record (aggregate) it belongs to, whose read model lacks it"
    )
    record_version: int = strawberry.field(description="Its version within the record")
    event_type: str = strawberry.field(description="The event's name, e.g. SummarySubmitted")
    unit_id: strawberry.ID | None = strawberry.field(
        description="Its unit, when the event could be read far enough to say"
    )
    error_class: str = strawberry.field(
        description="The kind of failure, e.g. a Python or SQL error"
    )
    error: str = strawberry.field(description="What failed, in short")
    state_sha256: str = strawberry.field(
        description="SHA-256 of the event's stored bytes (the evidence, in the audit trail)"
    )
    first_seen: datetime = strawberry.field(description="When this read schema set it aside")


@strawberry.type
class QuarantineQuery:
    @strawberry.field(
        description="Events of a unit that the read side could not apply (考核办, 审计/纪检, "
        "系统管理员); without `unitId`, the caller's unit (auditors and administrators: every "
        "unit, and events whose unit cannot be read)",
        permission_classes=[QuarantineReaders, ReadsUnit],
    )
    async def quarantined_events(
        self, info: Info_, unit_id: strawberry.ID | None = None
    ) -> list[QuarantinedEvent]:
        ctx = info.context
        unit: UUID | None = None
        if unit_id is not None:
            unit = parse_id(unit_id, "unitId")
        elif not ctx.sees_every_unit():
            unit = ctx.actor.tenant_id
            if unit is None:
                return []
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('quarantine')} WHERE ($1::uuid IS NULL OR unit_id = $1) "
            "ORDER BY service, position",
            unit,
        )
        return [
            QuarantinedEvent(
                service=r["service"],
                position=r["position"],
                record_id=strawberry.ID(str(r["originator_id"])),
                record_version=r["originator_version"],
                event_type=r["event_name"],
                unit_id=strawberry.ID(str(r["unit_id"])) if r["unit_id"] else None,
                error_class=r["error_class"],
                error=r["error_message"],
                state_sha256=r["state_sha256"],
                first_seen=r["first_seen"],
            )
            for r in rows
        ]


def service_of_module(module: str) -> str | None:
    """The service whose read model a query module reads: a capability's read side is
    `gateway.<service>.*` (`gateway.goals.queries`: goals); None for the others (audit, time
    travel: derived from the logs themselves).
    """
    parts = module.split(".")
    if len(parts) != 3 or parts[0] != "gateway" or parts[2] == "time_travel":
        return None
    return parts[1] if parts[1] in SERVICES else None


@functools.lru_cache(maxsize=4)
def _query_services(schema: strawberry.Schema) -> dict[str, str]:
    """Each query field's GraphQL name -> the service it reads."""
    found: dict[str, str] = {}
    query = schema.get_type_by_name("Query")
    for field in getattr(query, "fields", []):
        resolver = getattr(field, "base_resolver", None)
        module = getattr(getattr(resolver, "wrapped_func", None), "__module__", None)
        service = service_of_module(module) if module else None
        if service is not None:
            found[schema.config.name_converter.get_graphql_name(field)] = service
    return found


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@dataclasses.dataclass
class _Finder:
    """Collects, once each, the quarantined events an answer shows (with where and which id)."""

    book: Quarantine
    visible: Any
    found: dict[tuple[str, int], GraphQLError] = dataclasses.field(default_factory=dict)

    def note(self, events: list[Quarantined], record: str | None, path: list[str | int]) -> None:
        """Note `events` as shown at `path`, as lacking from `record` (None: their own)."""
        for q in events:
            if (q.service, q.position) not in self.found and self.visible(q):
                shown = UUID(record) if record else q.originator_id
                self.found[(q.service, q.position)] = incomplete_error(q, shown, path)

    def walk(self, value: Any, path: list[str | int]) -> None:
        if isinstance(value, dict):
            record = value.get("id")
            if isinstance(record, str) and record in self.book.by_record:
                self.note(self.book.by_record[record], record, path)
            for key, item in value.items():
                if isinstance(item, dict | list):
                    self.walk(item, [*path, key])
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict | list):
                    self.walk(item, [*path, i])


class QuarantineErrors(SchemaExtension):
    """Adds a READ_MODEL_INCOMPLETE error beside the data for each quarantined event that an
    answer's records lack (see the module's docstring).
    """

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        ec = self.execution_context
        ctx = ec.context
        result = ec.result
        if (
            not isinstance(ctx, Context)
            or not ctx.freshness.quarantine
            or result is None
            or not hasattr(result, "errors")
            or getattr(result, "data", None) is None
        ):
            return
        tenant = ctx.actor.tenant_id
        every = ctx.sees_every_unit()
        finder = _Finder(ctx.freshness.quarantine, lambda q: every or q.unit_id == tenant)
        data: dict[str, Any] = result.data or {}
        finder.walk(data, [])
        operation = _operation(ec.graphql_document, ec.operation_name)
        if operation is not None and operation.operation == OperationType.QUERY:
            self._asked_about(finder, operation, data, result.errors or [])
        if finder.found:
            result.errors = [*(result.errors or []), *finder.found.values()]

    def _asked_about(
        self,
        finder: _Finder,
        operation: OperationDefinitionNode,
        data: dict[str, Any],
        errors: list[GraphQLError],
    ) -> None:
        services = _query_services(self.execution_context.schema)
        failed = {e.path[0] for e in errors if e.path}
        variables = self.execution_context.variables or {}
        for node in operation.selection_set.selections:
            if not isinstance(node, FieldNode):
                continue
            key = node.alias.value if node.alias else node.name.value
            service = services.get(node.name.value)
            if service is None or key in failed or key not in data:
                continue
            for argument in node.arguments or ():
                for value in _strings(value_from_ast_untyped(argument.value, variables)):
                    finder.note(finder.book.by_record.get(value, []), value, [key])
                    finder.note(finder.book.by_unit.get((service, value), []), None, [key])


def _operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    operations = [
        d for d in getattr(document, "definitions", []) if isinstance(d, OperationDefinitionNode)
    ]
    for operation in operations:
        if name is None or (operation.name is not None and operation.name.value == name):
            return operation
    return None
