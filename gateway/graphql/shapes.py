"""Shapes every capability's GraphQL types share: a code's Chinese label as a field, and Relay
pages (`Connection[GoalSet]`, published as `GoalSetConnection` with `GoalSetEdge`s) built from the
rows of a keyset query."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Self, TypeVar

import strawberry

from gateway.graphql.plumbing import PageInfo, page_info
from kernel.labels import Labelled

N = TypeVar("N")
R = TypeVar("R")


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
