"""Shapes every capability's read side shares: a code's Chinese label as a field; Relay pages
(`Connection[GoalSet]`, published as `GoalSetConnection` with `GoalSetEdge`s) and the keyset
query that reads a page's rows; one record by its `id` argument; an optional id argument; and an
argument refused as INVALID_INPUT."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, Self, TypeVar
from uuid import UUID

import asyncpg
import strawberry
from graphql import GraphQLError
from strawberry.dataloader import DataLoader

from gateway.graphql.context import Context
from gateway.graphql.plumbing import (
    PageInfo,
    after_key,
    encode_cursor,
    page_info,
    page_size,
    parse_id,
)
from kernel.labels import Labelled

N = TypeVar("N")
R = TypeVar("R")


def invalid(field: str, rule: str, message: str) -> GraphQLError:
    """Bad input, naming the argument and the rule."""
    return GraphQLError(
        message, extensions={"code": "INVALID_INPUT", "status": 422, "field": field, "rule": rule}
    )


def parse_optional_id(value: strawberry.ID | None, field: str) -> UUID | None:
    """An optional id argument as a UUID, or None where it is not given (`parse_id`)."""
    return parse_id(value, field) if value else None


async def readable_row(
    ctx: Context, loader: DataLoader[UUID, asyncpg.Record | None], row_id: strawberry.ID
) -> asyncpg.Record | None:
    """The row an `id` argument names, through one of the request's loaders, or None; refused
    unless the caller may read the row's unit."""
    row = await loader.load(parse_id(row_id, "id"))
    if row is not None:
        ctx.ensure_unit(row["unit_id"])
    return row


def label_of(code: type[Labelled], field: str, description: str) -> Any:
    """A field with the Chinese label of the code in `field` (null where the code is): declare
    it as `event_label: str = label_of(GoalSetEvent, "event", ...)`."""

    def resolve(root: Any) -> str | None:
        value = getattr(root, field)
        return code(value).label if value else None

    return strawberry.field(resolver=resolve, description=description)


@strawberry.type
class Edge(Generic[N]):
    cursor: str = strawberry.field(description="Opaque; pass as `after` for the next page")
    node: N


@strawberry.type
class Connection(Generic[N]):
    """A page of `N`s; a subclass names it and says its order in its description."""

    edges: Sequence[Edge[N]]
    page_info: PageInfo

    @classmethod
    def of(
        cls,
        rows: Sequence[R],
        size: int,
        cursor: Callable[[R], str],
        node: Callable[[R], N],
        **fields: Any,
    ) -> Self:
        """The page of `rows` fetched one row long (the extra row says there is a next page),
        each row an edge with its cursor and node; `fields` are the subclass's own."""
        edges = [Edge(cursor=cursor(r), node=node(r)) for r in rows[:size]]
        return cls(edges=edges, page_info=page_info(list(rows), size, edges), **fields)


@strawberry.type
class CountedConnection(Connection[N]):
    """A page that also says how many rows match in all."""

    total_count: int

    @classmethod
    def of_rows(cls, rows: Rows, node: Callable[[asyncpg.Record], N], **fields: Any) -> Self:
        """The page of rows a keyset query read, each row a node."""
        return cls.of(
            rows.rows, rows.size, rows.order.cursor, node, total_count=rows.total, **fields
        )


@dataclasses.dataclass(frozen=True)
class Keyset:
    """The order a page is read in: by `column` (of SQL type `sql_type`), then by the row's id,
    ascending or descending. `alias` is the table's alias in the query, if it has one."""

    column: str
    sql_type: str = "text"
    descending: bool = False
    alias: str = ""

    def cursor(self, row: asyncpg.Record) -> str:
        """The cursor of a row in this order."""
        return encode_cursor(row[self.column], row["id"])

    def value(self, text: str) -> Any:
        """A cursor's sort value as the query takes it; anything else is a cursor this API did
        not issue."""
        try:
            return date.fromisoformat(text) if self.sql_type == "date" else text
        except ValueError:
            raise invalid("after", "cursor", "after: not a cursor this API issued") from None


@dataclasses.dataclass(frozen=True)
class Rows:
    """A page's rows, read one row long (the extra row says there is a next page), with the page
    size asked for and how many rows match in all."""

    rows: list[asyncpg.Record]
    size: int
    total: int
    order: Keyset

    @property
    def page(self) -> list[asyncpg.Record]:
        """The rows the page shows."""
        return self.rows[: self.size]


async def keyset_rows(
    ctx: Context,
    filters: str,
    args: Sequence[Any],
    order: Keyset,
    first: int,
    after: str | None,
) -> Rows:
    """The rows of `filters` (`FROM ... WHERE ...` over `args`) from the cursor `after` on, `first`
    of them, in `order`, and the count of all rows of `filters`."""
    size = page_size(first)
    key = after_key(after)
    table = f"{order.alias}." if order.alias else ""
    sort, row_id = f"{table}{order.column}", f"{table}id"
    n = len(args)
    value, after_id = f"${n + 1}::{order.sql_type}", f"${n + 2}::uuid"
    direction, beyond = ("DESC", "<") if order.descending else ("ASC", ">")
    rows = await ctx.pool.fetch(
        f"SELECT {table}* {filters} "
        f"AND ({value} IS NULL OR ({sort}, {row_id}) {beyond} ({value}, {after_id})) "
        f"ORDER BY {sort} {direction}, {row_id} {direction} LIMIT ${n + 3}",
        *args,
        order.value(key[0]) if key else None,
        UUID(key[1]) if key else None,
        size + 1,
    )
    total = await ctx.pool.fetchval(f"SELECT count(*) {filters}", *args)
    return Rows(rows, size, total, order)
