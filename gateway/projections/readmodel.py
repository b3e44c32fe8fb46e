"""What every projection's read model shares: its tables in one read schema, the handler each
event is applied by, and the statements most handlers are made of, written once here.

A row change is given as columns and values (`insert(w, "praise", id=..., unit_id=...)`); the
statement for each shape of change is built once and cached (replay applies millions of events,
time travel projects into schemas of its own), so a handler costs no more than its hand-written
statement did, and inserts still go through the writer's queue.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from gateway.log import LogEvent, ServiceLog, uuid_or_none
from gateway.projections.writer import ProjectionWriter

_CREATE_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS \{schema\}\.(\w+)")
Handler = Callable[[ProjectionWriter, LogEvent], Awaitable[None]]


@functools.lru_cache(maxsize=1024)
def insert_sql(table: str, columns: tuple[str, ...], conflict: str | None) -> str:
    """`INSERT INTO table (columns) VALUES ($1, ...)`, doing nothing on a `conflict` of that key
    (None: no clause; "": on any conflict).
    """
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"
    if conflict is None:
        return sql
    return f"{sql} ON CONFLICT {f'({conflict}) ' if conflict else ''}DO NOTHING"


@functools.lru_cache(maxsize=1024)
def update_sql(table: str, keys: tuple[str, ...], columns: tuple[str, ...]) -> str:
    """`UPDATE table SET columns = ... WHERE keys = ...`, the keys' values first."""
    where = " AND ".join(f"{k} = ${i}" for i, k in enumerate(keys, start=1))
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(columns, start=len(keys) + 1))
    return f"UPDATE {table} SET {sets} WHERE {where}"


@dataclass(frozen=True)
class Revisions:
    """A table of a record's revisions: the record's id in `of`, the version in `number`, when
    in `at`.
    """

    table: str
    of: str
    number: str
    at: str


def actor(e: LogEvent) -> UUID | None:
    """Who did what the event records, as its metadata says."""
    return uuid_or_none(e.meta.get("actor_id"))


def versioned(e: LogEvent) -> dict[str, Any]:
    """The columns of a record the event brings to its version: as of when, which, from where."""
    return {"updated_at": e.timestamp, "version": e.originator_version, "position": e.position}


def recorded(e: LogEvent, by: str = "recorded_by", at: str = "recorded_at") -> dict[str, Any]:
    """The columns of a row the event records once: who, when, from where in the log."""
    return {by: actor(e), at: e.timestamp, "position": e.position}


class ReadModel:
    """The base of a projection: `schema_sql` is its tables' DDL (`{schema}` for the schema);
    an event is applied by its `on_<EventName>` method where there is one, then, if `versions`
    names the table of the record it belongs to, brings that record to the event's version
    (after its entry in the record's history, for the events in `histories`).
    """

    log: ServiceLog
    tables: tuple[str, ...]  # in the order `schema_sql` creates them
    schema_sql: ClassVar[str]
    versions: ClassVar[Mapping[str, str]] = {}
    histories: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.tables = tuple(_CREATE_TABLE.findall(cls.schema_sql))

    def __init__(self, schema: str) -> None:
        self.schema = schema

    def ddl(self) -> str:
        """The tables this projection owns."""
        return self.schema_sql.format(schema=self.schema)

    def table(self, name: str) -> str:
        """A read table of this projection."""
        return f"{self.schema}.{name}"

    def handler(self, event: LogEvent) -> Handler | None:
        """The method that applies `event`, if this read model keeps anything of it."""
        found: Handler | None = getattr(self, f"on_{event.name}", None)
        return found

    async def apply(self, w: ProjectionWriter, event: LogEvent) -> None:
        """Project one event."""
        handler = self.handler(event)
        if handler is not None:
            await handler(w, event)
        table = self.versions.get(event.name)
        if table is not None:
            if event.name in self.histories:
                await self.record_history(w, event)
            await self.touch(w, table, event)

    async def record_history(self, w: ProjectionWriter, e: LogEvent) -> None:
        """The entry of an event of `histories` in its record's history."""
        raise NotImplementedError(f"{type(self).__name__} keeps no history of {e.name}")

    async def insert(
        self, w: ProjectionWriter, table: str, /, *, conflict: str | None = "id", **row: Any
    ) -> None:
        """Queue a new row of `table` (nothing where its `conflict` key is already there)."""
        await w.insert(insert_sql(self.table(table), tuple(row), conflict), *row.values())

    async def create(self, w: ProjectionWriter, table: str, e: LogEvent, /, **columns: Any) -> None:
        """Queue the row of a new record of a unit: the record the event's originator is, of the
        unit the event names (nothing if the record is there already).
        """
        await self.insert(
            w, table, id=e.originator_id, unit_id=uuid_or_none(e.data["unit_id"]), **columns
        )

    async def insert_list(
        self, w: ProjectionWriter, table: str, conflict: str, rows: list[dict[str, Any]]
    ) -> None:
        """Write the rows of a list the event carries at once (after everything queued), each
        with its place in the list as its `ordinal`.
        """
        if rows:
            sql = insert_sql(self.table(table), (*rows[0], "ordinal"), conflict)
            await w.executemany(sql, [(*row.values(), i) for i, row in enumerate(rows)])

    async def update(
        self, w: ProjectionWriter, table: str, key: Mapping[str, Any], /, **columns: Any
    ) -> None:
        """Set `columns` of the rows of `table` that match `key`."""
        sql = update_sql(self.table(table), tuple(key), tuple(columns))
        await w.execute(sql, *key.values(), *columns.values())

    async def change(self, w: ProjectionWriter, table: str, e: LogEvent, /, **columns: Any) -> None:
        """Set `columns` of the record the event's originator is."""
        await self.update(w, table, {"id": e.originator_id}, **columns)

    async def touch(self, w: ProjectionWriter, table: str, e: LogEvent, *, at: bool = True) -> None:
        """Bring the record the event belongs to to its version and position (and its time, if
        `at`): a stamp, as only the last of a batch counts.
        """
        stamped = versioned(e) if at else {"version": e.originator_version, "position": e.position}
        sql = update_sql(self.table(table), ("id",), tuple(stamped))
        await w.stamp(sql, e.originator_id, e.originator_id, *stamped.values())

    async def revision(
        self, w: ProjectionWriter, revisions: Revisions, e: LogEvent, /, **columns: Any
    ) -> None:
        """One row of a record's `revisions`: the event's version of it, by whom and when, once
        per version.
        """
        await self.insert(
            w,
            revisions.table,
            conflict=f"{revisions.of}, {revisions.number}",
            **{revisions.of: e.originator_id, revisions.number: e.originator_version},
            **{revisions.at: e.timestamp},
            actor_id=actor(e),
            **columns,
        )

    async def history(
        self, w: ProjectionWriter, table: str, e: LogEvent, /, **columns: Any
    ) -> None:
        """One entry of a history table: the event with its metadata, once per log position."""
        await self.insert(
            w,
            table,
            conflict="position",
            position=e.position,
            event=e.name,
            actor_id=actor(e),
            actor_role=e.meta.get("actor_role"),
            at=e.timestamp,
            **columns,
        )
