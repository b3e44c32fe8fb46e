"""The GraphQL plumbing every capability's read side shares: the request's `Info_`, ids and years
as arguments, keyset pagination and its cursors, and forwarding a command to the service that owns
it, answered once the projections show the change (read-your-writes); a mutation that is its
command is derived from it (`mutation`)."""

from __future__ import annotations

import base64
import dataclasses
import functools
import inspect
import json
import operator
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from types import UnionType
from typing import (
    Annotated,
    Any,
    Protocol,
    Self,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
    runtime_checkable,
)
from uuid import UUID

import asyncpg
import httpx
import strawberry
from graphql import GraphQLError
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.types import Info
from strawberry.types.base import StrawberryOptional, get_object_definition
from strawberry.types.enum import StrawberryEnumDefinition

from gateway.graphql.context import Context
from kernel.dates import YEAR_PLAUSIBLE, year_problem
from kernel.routes import CommandRoute
from kernel.text import IDEMPOTENCY_KEY, idempotency_key_problem, storable_problem

Info_ = Info[Context, None]

T = TypeVar("T")
C = TypeVar("C", bound=type)


def _as_id(value: Any) -> strawberry.ID:
    return strawberry.ID(str(value))


def optional_id(value: Any) -> strawberry.ID | None:
    """A column that may be empty as an id, or null."""
    return strawberry.ID(str(value)) if value else None


def loads(value: Any) -> Any:
    """A jsonb column as read by asyncpg (text), as plain values."""
    return json.loads(value) if isinstance(value, str) else value


def _converter(field_type: Any) -> Callable[[Any], Any] | None:
    """How a column becomes a field of `field_type`: ids as `strawberry.ID`, codes as their
    enum; an optional one is None where the column is empty. None: the value as it is."""
    optional = isinstance(field_type, StrawberryOptional)
    inner = field_type.of_type if optional else field_type
    convert: Callable[[Any], Any]
    if inner is strawberry.ID:
        if optional:
            return optional_id
        convert = _as_id
    elif isinstance(inner, StrawberryEnumDefinition):
        convert = inner.wrapped_cls
    else:
        return None
    return (lambda v: convert(v) if v else None) if optional else convert


RowField = tuple[str, Callable[[Any], Any] | None, bool]
_ROW_FIELDS: dict[type, tuple[RowField, ...]] = {}


def _row_fields(cls: type) -> tuple[RowField, ...]:
    """A type's data fields (not those a resolver computes): name, converter, and whether it
    has a default (a column the row may lack). Worked out once per type."""
    if (known := _ROW_FIELDS.get(cls)) is not None:
        return known
    # Strawberry's fields know their GraphQL type, the dataclass's their default.
    defaulted = {
        f.name
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    }
    definition = get_object_definition(cls, strict=True)
    fields = _ROW_FIELDS[cls] = tuple(
        (f.python_name, _converter(f.type), f.python_name in defaulted)
        for f in definition.fields
        if f.base_resolver is None
    )
    return fields


def from_row(cls: type[T], row: asyncpg.Record | Mapping[str, Any], /, **given: Any) -> T:
    """A strawberry type from a read row whose columns bear its fields' names: ids and codes
    converted by the field's type, a code's `<name>_label` field its label; `given` fields
    (computed, or from a column of another name) as they are."""
    values: dict[str, Any] = {}
    for name, convert, has_default in _row_fields(cls):
        if name in given:
            values[name] = given[name]
        elif name.endswith("_label") and (code := name.removesuffix("_label")) in values:
            values[name] = values[code].label if values[code] is not None else None
        elif name in row or not has_default:
            value = row[name]
            values[name] = convert(value) if convert is not None else value
    return cls(**values)


class FromRow:
    """A type whose read row maps onto its fields by name: `X.from_row(row)` is `from_row`."""

    @classmethod
    def from_row(cls, row: asyncpg.Record | Mapping[str, Any], /, **given: Any) -> Self:
        return from_row(cls, row, **given)


def encode_cursor(*key: Any) -> str:
    """An opaque, stable cursor from a sort key."""
    return base64.urlsafe_b64encode(json.dumps([str(k) for k in key]).encode()).decode()


def decode_cursor(cursor: str) -> list[str]:
    """The sort key inside a cursor; a malformed cursor is a clear error."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"after: {cursor!r} is not a cursor this API issued") from None
    if not isinstance(key, list):
        raise ValueError(f"after: {cursor!r} is not a cursor this API issued")
    return [str(k) for k in key]


@strawberry.type(description="Pagination state of a connection")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


MAX_PAGE = 200


def parse_id(value: str, field: str) -> UUID:
    """An id argument as a UUID; anything else is refused naming the argument."""
    try:
        return UUID(str(value))
    except ValueError:
        raise GraphQLError(
            f"{field}: {value!r} is not a UUID",
            extensions={"code": "INVALID_INPUT", "status": 422, "field": field, "rule": "uuid"},
        ) from None


def parse_year(value: int, field: str = "year") -> int:
    """A year argument within the years Kaohe holds records for (`kernel.year_plausible`)."""
    if (problem := year_problem(value)) is not None:
        raise GraphQLError(
            f"{field}: {problem}",
            extensions={
                "code": "INVALID_INPUT",
                "status": 422,
                "field": field,
                "rule": YEAR_PLAUSIBLE,
            },
        )
    return value


def page_size(first: int) -> int:
    """The page size asked for, within bounds."""
    if not 1 <= first <= MAX_PAGE:
        raise GraphQLError(
            f"first: must be between 1 and {MAX_PAGE}, got {first}",
            extensions={"code": "INVALID_INPUT", "status": 422, "field": "first", "rule": "range"},
        )
    return first


def after_key(after: str | None) -> tuple[str, str] | None:
    """The (sort value, id) a cursor carries; a malformed cursor names the argument."""
    if after is None:
        return None
    try:
        name, row_id = decode_cursor(after)
        UUID(row_id)  # a forged cursor must not reach SQL (nor show ValueError's text)
        if storable_problem(name) is not None:
            raise ValueError(name)
    except ValueError:
        raise GraphQLError(
            f"after: {after!r} is not a cursor this API issued",
            extensions={"code": "INVALID_INPUT", "status": 422, "field": "after", "rule": "cursor"},
        ) from None
    return name, row_id


class Edge(Protocol):
    """What a page needs of an edge."""

    @property
    def cursor(self) -> str: ...


def page_info(rows: list[Any], size: int, edges: Sequence[Edge]) -> PageInfo:
    """Pages are fetched one row long: the extra row says whether there is a next page."""
    return PageInfo(has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None)


IDEMPOTENCY = "A key that makes a retry answer the first result and record nothing twice"


IdempotencyKey = Annotated[str | None, strawberry.argument(description=IDEMPOTENCY)]

EXPECTED = (
    "The version of the record this change was decided against (If-Match): stale is refused "
    "with CONFLICT"
)
ExpectedVersion = Annotated[int | None, strawberry.argument(description=EXPECTED)]


def _service_error(service: str, response: httpx.Response) -> GraphQLError:
    """A service's refusal as a GraphQL error: its own error shape passed on as it is; anything
    else (an answer of the HTTP server itself, such as 414 for a path too long) as a refusal
    with a code, never the answer's own text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("code"):
        extensions = {k: v for k, v in error.items() if k != "message"}
        return GraphQLError(str(error.get("message") or ""), extensions=extensions)
    status = response.status_code
    refused = status < 500
    return GraphQLError(
        f"the {service} service refused the request (HTTP {status})"
        if refused
        else f"the {service} service failed (HTTP {status}); try again later",
        extensions={
            "code": "INVALID_INPUT" if refused else "SERVICE_UNAVAILABLE",
            "status": 422 if refused else 503,
            "rule": "gateway.service_answer",
        },
    )


@runtime_checkable
class BodyInput(Protocol):
    """An input whose shape is not the command body's: it says what the service reads."""

    def as_body(self) -> Any: ...


def _json(value: Any) -> Any:
    """Command bodies as JSON: dates as ISO strings, decimals as strings (exact), codes as their
    values, inputs (dataclasses) as objects, or as they say (`BodyInput`)."""
    if isinstance(value, BodyInput):
        return _json(value.as_body())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _json(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


async def forward(
    info: Info_,
    command: CommandRoute,
    idempotency_key: str | None = None,
    expected_version: int | None = None,
    /,
    **args: Any,
) -> tuple[dict[str, Any], int]:
    """Send a command to the service that owns it, its path parameters and body fields taken
    from `args` by name; wait until its positions are projected (read-your-writes)."""
    ctx = info.context
    path = {name: _path_param(command, name, args.pop(name)) for name in command.params}
    unknown = set(args) - set(command.body.model_fields)
    assert not unknown, f"{command.path} takes no {sorted(unknown)}"
    if idempotency_key is not None and (problem := idempotency_key_problem(idempotency_key)):
        # Checked here too: a header that is not ASCII cannot even be sent on to the service.
        raise GraphQLError(
            f"idempotencyKey: {problem}",
            extensions={
                "code": "INVALID_INPUT",
                "status": 422,
                "field": "idempotencyKey",
                "rule": IDEMPOTENCY_KEY,
            },
        )
    service = command.service
    payload = {k: _json(v) for k, v in args.items() if v is not None}
    try:
        response = await ctx.http.post(
            str(getattr(ctx.settings, f"{service}_url")) + command.url(**path),
            json=payload,
            headers=ctx.forward_headers(idempotency_key, expected_version),
        )
    except httpx.HTTPError as exc:
        raise GraphQLError(
            f"the {service} service is unreachable: {exc}",
            extensions={"code": "SERVICE_UNAVAILABLE", "status": 503},
        ) from None
    if response.status_code >= 400:
        raise _service_error(service, response)
    result: dict[str, Any] = response.json()
    position = max(result.get("positions") or [0])
    await projected_up_to(info, service, position)
    return result, position


async def forward_row(
    info: Info_,
    command: CommandRoute,
    table: str,
    answer: str,
    idempotency_key: str | None = None,
    expected_version: int | None = None,
    /,
    **args: Any,
) -> tuple[asyncpg.Record, int]:
    """Forward a command; the read row of the record whose id the service answers in `answer`,
    once projected, and the command's log position."""
    result, position = await forward(info, command, idempotency_key, expected_version, **args)
    return await projected_row(info, table, result[answer]), position


Answer = Callable[[Info_, dict[str, Any], int, dict[str, Any]], Awaitable[Any]]

_INPUTS: dict[type[BaseModel], type] = {}


def command_input(model: type[BaseModel], description: str) -> Callable[[C], C]:
    """The GraphQL input, named as the decorated class, derived from a command's nested body
    model (strawberry's pydantic integration, every field), and known to `mutation` as the
    argument type of that model. The class may declare a field to publish it otherwise."""

    def decorate(cls: C) -> C:
        derived = pydantic_input(model, description=description, all_fields=True)(cls)
        _INPUTS[model] = derived
        return cast(C, derived)

    return decorate


def _argument_type(annotation: Any) -> Any:
    """The GraphQL argument type of a body field's type: a UUID as an ID, a nested model as its
    `command_input`, lists and optionals of them alike; codes, text, numbers and dates as they
    are."""
    if annotation is UUID:
        return strawberry.ID
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in _INPUTS:
            raise TypeError(f"{annotation.__name__} has no GraphQL input: no command_input")
        return _INPUTS[annotation]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list:
        return list[_argument_type(args[0])]  # type: ignore[misc]
    if origin in (Union, UnionType):
        return functools.reduce(operator.or_, map(_argument_type, args))
    if origin is not None:
        raise TypeError(f"{annotation} has no GraphQL argument type: give it to `mutation`")
    return annotation


def _body_argument(name: str, field: FieldInfo, given: Any) -> inspect.Parameter:
    """A body field as an argument: required as it is; with a default GraphQL can show (text, a
    number) that default; any other default as null, which `forward` leaves out of the body so
    that the service applies its own. A `given` type is published as it is."""
    if field.is_required():
        default: Any = inspect.Parameter.empty
    elif isinstance(field.default, str | int) and field.default_factory is None:
        default = field.default
    else:
        default = None
    annotation = given
    if given is None:
        annotation = _argument_type(field.annotation)
        if default is None:
            annotation = annotation | None
        if field.description:
            annotation = Annotated[annotation, strawberry.argument(description=field.description)]
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _arguments(
    command: CommandRoute, versioned: bool, given: dict[str, Any]
) -> list[inspect.Parameter]:
    """The arguments of a mutation that is its command: the path's parameters (ids, or text the
    route names), the body's fields, then idempotencyKey and, if `versioned`, expectedVersion."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    unknown = set(given) - set(command.params) - set(command.body.model_fields)
    assert not unknown, f"{command.path} takes no {sorted(unknown)}"
    arguments = [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY),
        inspect.Parameter("info", keyword, annotation=Info_),
    ]
    arguments += [
        inspect.Parameter(
            name,
            keyword,
            annotation=given.get(name, str if name in command.text else strawberry.ID),
        )
        for name in command.params
    ]
    arguments += [
        _body_argument(name, field, given.get(name))
        for name, field in command.body.model_fields.items()
    ]
    arguments.append(
        inspect.Parameter("idempotency_key", keyword, annotation=IdempotencyKey, default=None)
    )
    if versioned:
        arguments.append(
            inspect.Parameter("expected_version", keyword, annotation=ExpectedVersion, default=None)
        )
    return arguments


def mutation(
    command: CommandRoute,
    answer: Answer,
    *,
    description: str,
    versioned: bool = True,
    **types: Any,
) -> Any:
    """A mutation that is its command: its arguments are the command's path parameters and body
    fields (`types` gives the GraphQL type of any of them by name, where the derived one is not
    what GraphQL publishes), then idempotencyKey and, where GraphQL offers to pin a version,
    expectedVersion (both travel as headers). `answer` builds the payload (its return type) from
    the service's answer, the log position and the arguments. A new command is then written
    once, in its service's commands.py, and GraphQL publishes it from there."""

    async def forward_command(_: Any, info: Info_, **args: Any) -> Any:
        key = args.pop("idempotency_key", None)
        version = args.pop("expected_version", None)
        result, position = await forward(info, command, key, version, **args)
        return await answer(info, result, position, args)

    # Strawberry reads a resolver's arguments from its signature.
    forward_command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        _arguments(command, versioned, types), return_annotation=get_type_hints(answer)["return"]
    )
    return strawberry.mutation(resolver=forward_command, description=description)


def projected(payload: type, table: str, answer: str) -> Answer:
    """An `Answer`: `payload` of the record whose id the service answers in `answer`, read from
    `table` once projected. The payload's fields are that record (its type's `from_row`) and the
    position."""
    hints = get_type_hints(payload)
    ((field, record),) = ((name, t) for name, t in hints.items() if name != "position")

    async def answered(info: Info_, result: dict[str, Any], position: int, _: Any) -> Any:
        row = await projected_row(info, table, result[answer])
        return payload(**{field: record.from_row(row)}, position=position)

    answered.__annotations__["return"] = payload
    return answered


def _path_param(command: CommandRoute, name: str, value: Any) -> UUID | str:
    """A path parameter as the service reads it: an id is refused here, naming the argument,
    before anything is sent."""
    if isinstance(value, UUID) or name in command.text:
        return value  # type: ignore[no-any-return]
    head, *rest = name.split("_")
    return parse_id(value, head + "".join(part.title() for part in rest))


async def projected_row(info: Info_, table: str, row_id: str) -> asyncpg.Record:
    """The read row a command has just written, once its projection has caught up."""
    ctx = info.context
    row = await ctx.pool.fetchrow(f"SELECT * FROM {ctx.table(table)} WHERE id = $1", UUID(row_id))
    assert row is not None, "projected before answering"
    return row


async def projected_up_to(info: Info_, service: str, position: int) -> None:
    """Wait until the projection of `service` has reached `position` (read-your-writes)."""
    ctx = info.context
    try:
        await ctx.freshness.wait_for(service, position, ctx.settings.kaohe_read_your_writes_timeout)
    except TimeoutError:
        raise GraphQLError(
            f"the {service} service recorded the change at position {position}, but the read "
            "side has not caught up yet: read it again shortly (a retry with the same "
            "idempotencyKey records nothing twice)",
            extensions={"code": "NOT_YET_READABLE", "status": 504, "position": position},
        ) from None
    ctx.forget_loaded()
