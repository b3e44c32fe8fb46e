"""The gateway's share of the input rules (docs/security.md, "Input validation"): arguments that
carry text PostgreSQL cannot hold are refused before anything runs, and an error the gateway did
not mean to raise never shows its text.

Every mutation is decided again by its service, which applies the same rules
(`kernel.web.commands`); the gateway checks the text too because its own queries and the webhook
operations put arguments into SQL directly, and PostgreSQL's own message would otherwise be the
answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import structlog
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, get_operation_ast, parse
from graphql.language import (
    ArgumentNode,
    DocumentNode,
    ListValueNode,
    Node,
    ObjectFieldNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
)
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import SchemaExtension
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.execution import ExecutionResult as StrawberryExecutionResult
from strawberry.types.scalar import ScalarDefinition

from kernel.calendar import china_date
from kernel.dates import DATE_PLAUSIBLE, date_problem
from kernel.errors import DomainError
from kernel.text import TEXT_STORABLE, storable_problem, unstorable_in
from kernel.web.correlation import current_correlation_id
from kernel.web.error_shape import STATUS_OF

log = structlog.get_logger("kaohe.gateway")


def literal_problems(node: Node, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """Each string literal of a document that PostgreSQL cannot hold: the argument path to it
    (`items.1.what`) and why."""
    if isinstance(node, StringValueNode):
        if (problem := storable_problem(node.value)) is not None:
            yield ".".join(path), problem
        return
    if isinstance(node, ListValueNode):
        for index, value in enumerate(node.values):
            yield from literal_problems(value, (*path, str(index)))
        return
    if isinstance(node, ArgumentNode):
        path = (node.name.value,)
    elif isinstance(node, ObjectFieldNode):
        path = (*path, node.name.value)
    for key in node.keys:
        child = getattr(node, key, None)
        if isinstance(child, Node):
            yield from literal_problems(child, path)
        elif isinstance(child, list | tuple):
            for item in child:
                if isinstance(item, Node):
                    yield from literal_problems(item, path)


def argument_problem(
    document: DocumentNode | None, variables: dict[str, Any] | None
) -> tuple[str, str] | None:
    """The first argument (literal or variable) holding unstorable text, and why."""
    if document is not None:
        for found in literal_problems(document):
            return found
    for path, problem in unstorable_in(variables or {}):
        return ".".join(str(p) for p in path), problem
    return None


class StorableArguments(SchemaExtension):
    """Refuse an operation whose arguments carry text PostgreSQL cannot hold
    (`kernel.text_storable`), before any resolver runs."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        found = argument_problem(context.graphql_document, context.variables)
        if found is not None:
            field, problem = found
            context.result = GraphQLExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        f"{field}: {problem}",
                        extensions={
                            "code": "INVALID_INPUT",
                            "status": 422,
                            "field": field,
                            "rule": TEXT_STORABLE,
                        },
                    )
                ],
            )
        yield


def unnamed_choice(query: str | None, operation_name: str | None) -> bool:
    """Whether a document holds several operations and the request does not say which to run:
    the GraphQL spec refuses that (strawberry would run the first). Read with the token limit,
    so a huge document costs no more here than the schema's own limit lets it."""
    if operation_name or not query:
        return False
    try:
        document = parse(query, max_tokens=4000)
    except GraphQLError:
        return False  # the schema's own parse refuses it, with its code
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    # An anonymous one among several is validation's to refuse (LoneAnonymousOperationRule).
    return len(operations) > 1 and all(o.name is not None for o in operations)


def subscribes(query: str | None, operation_name: str | None) -> bool:
    """Whether the operation the request runs is a subscription (a document the schema's own
    parse refuses is not: it is refused there, with its code)."""
    if not query:
        return False
    try:
        document = parse(query, max_tokens=4000)
    except GraphQLError:
        return False
    operation = get_operation_ast(document, operation_name)
    return operation is not None and operation.operation == OperationType.SUBSCRIPTION


class ErrorShape(SchemaExtension):
    """Every error leaves with a `code`: a refusal by a domain rule as its REST twin would
    answer it, bad input that GraphQL itself refused as INVALID_INPUT, and anything unexpected
    as INTERNAL with a correlation id, its text and traceback kept for the log."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, GraphQLExecutionResult | StrawberryExecutionResult) and result.errors:
            result.errors = [shaped(error) for error in result.errors]


def log_errors(errors: list[GraphQLError]) -> None:
    """How the gateway logs an operation's errors, instead of strawberry's traceback for each: a
    refusal (a rule, a limit, a caller's bad document) is the caller's doing and one line; a
    fault of ours is left to `shaped`, which logs it once, with its traceback, under the
    correlation id it answers."""
    for error in errors:
        original = error.original_error
        if original is not None and not isinstance(original, DomainError | GraphQLError):
            continue
        extensions = error.extensions or {}
        log.info(
            "graphql_refused",
            code=extensions.get("code"),
            rule=original.rule if isinstance(original, DomainError) else extensions.get("rule"),
            path=".".join(str(p) for p in error.path) if error.path else None,
            message=error.message,
        )


def shaped(error: GraphQLError) -> GraphQLError:
    """`error` in the one error shape (see `ErrorShape`)."""
    original = error.original_error
    if isinstance(original, DomainError):
        status, code = next(
            (v for k, v in STATUS_OF.items() if isinstance(original, k)), (422, "RULE_VIOLATED")
        )
        return _with(
            error,
            original.message,
            {
                "code": code,
                "status": status,
                "rule": original.rule,
                "field": original.field,
                "missing_role": original.missing_role,
                "missing_relation": original.missing_relation,
            },
        )
    if original is not None and not isinstance(original, GraphQLError) and error.path:
        # The request's own: every other line it logged carries the same id.
        correlation_id = current_correlation_id()
        log.error(
            "unexpected_graphql_error",
            correlation_id=correlation_id,
            path=".".join(str(p) for p in error.path),
            exc_info=original,
        )
        return _with(
            error,
            f"an internal error occurred; quote correlation id {correlation_id} when reporting it",
            {
                "code": "INTERNAL",
                "status": 500,
                "rule": "kernel.internal_error",
                "correlation_id": correlation_id,
            },
        )
    if not (error.extensions or {}).get("code") and not error.path:
        # Parsing, validation and variable coercion: the caller's document or variables.
        return _with(error, error.message, document_error(error.message))
    return error


def document_error(message: str) -> dict[str, Any]:
    """The extensions of a refusal of the GraphQL document itself (its syntax or validity)."""
    rule = "graphql.syntax" if message.startswith("Syntax Error") else "graphql.validation"
    return {"code": "INVALID_INPUT", "status": 422, "rule": rule}


def _with(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), **extensions},
    )


def plausible(definition: ScalarDefinition) -> ScalarDefinition:
    """strawberry's DateTime (or Date) scalar, refusing (`kernel.date_plausible`) a value outside
    the plausible range of a record: a query's date or instant near year 1 or 9999 would
    otherwise overflow when moved to China time or by a day, and answer INTERNAL.
    """
    parse = definition.parse_value
    assert parse is not None  # strawberry's own scalars parse

    def parse_plausible(value: object) -> object:
        parsed = parse(value)
        day = parsed.date() if isinstance(parsed, dt.datetime) else parsed
        assert isinstance(day, dt.date)
        if (problem := date_problem(day, china_date())) is not None:
            raise StrawberryInputCoercionError(
                f"Value cannot represent a {definition.name}: {problem} ({DATE_PLAUSIBLE})"
            )
        return parsed

    return dataclasses.replace(definition, parse_value=parse_plausible)


EXAMPLES = {
    "Date": "date: write it as 2026-04-01",
    "DateTime": "date and time: write it as 2026-04-01T09:30:00+08:00",
}


def readable(definition: ScalarDefinition) -> ScalarDefinition:
    """strawberry's Date or DateTime scalar, refusing what it cannot parse in words a caller can
    act on (not the parser's: "day is out of range for month").
    """
    parse = definition.parse_value
    assert parse is not None

    def parse_readable(value: object) -> object:
        try:
            return parse(value)
        except StrawberryInputCoercionError:
            raise StrawberryInputCoercionError(
                f"Value cannot represent a {definition.name}: {str(value)[:40]!r} is not a real "
                f"{EXAMPLES[definition.name]}"
            ) from None

    return dataclasses.replace(definition, parse_value=parse_readable)


# The schema's Date and DateTime, refused in words a caller can act on; a DateTime also bounded
# as every command's dates are (see kernel.dates). Dates are bounded by the commands, whose
# refusal names the input field; a query's instants are the gateway's own to bound.
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    dt.date: readable(DateDefinition),
    dt.datetime: plausible(readable(DateTimeDefinition)),
}
