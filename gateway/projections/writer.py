"""What projections write through: a connection that holds back the writes which cannot change
what any later statement sees, and sends them a table at a time.

Replaying a log one statement per event spends its time waiting for PostgreSQL's answers (three
round trips an event for a person joining). Most of a projection's writes are inserts of new
rows and "stamps" (the version and position a record has reached), and neither is read back by
the projection inside a batch. So, inside the runner's transaction:

- `insert` queues a row for a plain `INSERT ... VALUES` (or `ON CONFLICT DO NOTHING`); the rows
  of each table are sent as one statement over arrays of their values (`unnest`, in the order
  they were queued), which PostgreSQL inserts twice as fast as the same rows one by one.
- `stamp` queues an `UPDATE` of one row that a later stamp of the same row supersedes; only
  the last of each is sent, after the inserts.
- Anything else (`execute`, `executemany`, the fetches) first sends what is queued, then runs:
  every read sees every earlier write, and every other update follows the writes before it.

The result is the same as sending each statement in turn, because what is reordered commutes:
inserts into different tables (the read tables have no foreign keys or triggers), and updates of
rows that exist against inserts into other tables. Where that might not hold, the writer sends
what it holds first: a second kind of insert into a table, or an insert into a table with a
stamp queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
from typing import Any

import asyncpg

# How many queued rows the writer sends at once without waiting for a read or the batch's end.
CHUNK = 2000


@functools.lru_cache(maxsize=1024)
def _table_of_insert(sql: str) -> str:
    words = sql.split(None, 3)
    if len(words) < 3 or words[0].upper() != "INSERT" or words[1].upper() != "INTO":
        raise ValueError(f"not an INSERT INTO statement: {sql[:60]!r}")
    upper = sql.upper()
    if "DO UPDATE" in upper or "SELECT" in upper or "RETURNING" in upper:
        # An upsert overwrites, INSERT ... SELECT reads, RETURNING answers: none can wait.
        raise ValueError(f"only plain inserts can be queued: {sql[:60]!r}")
    return words[2].split("(", 1)[0]


@functools.lru_cache(maxsize=1024)
def _table_of_update(sql: str) -> str:
    words = sql.split(None, 2)
    if len(words) < 2 or words[0].upper() != "UPDATE":
        raise ValueError(f"not an UPDATE statement: {sql[:60]!r}")
    return words[1]


_PARAMETER = re.compile(r"\$(\d+)")
# statement -> the same over arrays, or "" where it cannot be (see `_over_arrays`). Bounded:
# time travel projects into a schema of its own per request, so its statements are all new.
_ARRAY_FORMS: dict[str, str] = {}
_ARRAY_FORMS_KEPT = 1024


def _values_span(sql: str) -> tuple[int, int] | None:
    """Where the parenthesised list after VALUES starts and ends (None if not found)."""
    found = re.search(r"\bVALUES\s*\(", sql, flags=re.IGNORECASE)
    if found is None:
        return None
    depth, quoted = 0, False
    for i in range(found.end() - 1, len(sql)):
        ch = sql[i]
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
            if depth == 0:
                return found.start(), i + 1
    return None


async def _over_arrays(conn: asyncpg.Connection, sql: str) -> str:
    """`INSERT INTO t (a, b) VALUES ($1, $2::int) ...` as `INSERT INTO t (a, b) SELECT u.p1,
    u.p2::int FROM unnest($1::type[], $2::type[]) WITH ORDINALITY AS u(p1, p2, o) ORDER BY u.o
    ...`: one statement for many rows, in their order. "" where a parameter is not a scalar or
    the statement is not of that shape.
    """
    if sql in _ARRAY_FORMS:
        return _ARRAY_FORMS[sql]
    form = ""
    span = _values_span(sql)
    if span is not None:
        parameters = (await conn.prepare(sql)).get_parameters()
        if parameters and all(p.kind == "scalar" for p in parameters):
            start, end = span
            values = _PARAMETER.sub(r"u.p\1", sql[start:end].split("(", 1)[1][:-1])
            arrays = ", ".join(
                f"${i}::{p.schema}.{p.name}[]" for i, p in enumerate(parameters, start=1)
            )
            names = ", ".join(f"p{i}" for i in range(1, len(parameters) + 1))
            form = (
                f"{sql[:start]}SELECT {values} FROM unnest({arrays}) WITH ORDINALITY "
                f"AS u({names}, o) ORDER BY u.o{sql[end:]}"
            )
    if len(_ARRAY_FORMS) >= _ARRAY_FORMS_KEPT:
        _ARRAY_FORMS.pop(next(iter(_ARRAY_FORMS)))
    _ARRAY_FORMS[sql] = form
    return form


class ProjectionWriter:
    """A connection for one batch of projected events (see the module's docstring).

    Use it as `async with ProjectionWriter(conn) as writer:`; everything is written when the
    block ends. Queued rows are sent in chunks while the projection goes on with the next events
    (at most one chunk in flight): PostgreSQL inserts one chunk on one core while Python decodes
    and applies the next on the other.
    """

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        # table -> (its insert statement, the rows queued for it)
        self._inserts: dict[str, tuple[str, list[tuple[Any, ...]]]] = {}
        # (statement, the row's key) -> arguments; insertion order is the order of last stamps
        self._stamps: dict[tuple[str, Any], tuple[Any, ...]] = {}
        self._stamped_tables: set[str] = set()
        self._queued = 0
        self._sending: asyncio.Task[None] | None = None

    async def __aenter__(self) -> ProjectionWriter:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            await self.drain()
        elif self._sending is not None:
            # The batch failed: let the chunk in flight end (its transaction is rolled back by
            # the caller, which needs the connection free), whatever it raised.
            self._sending.cancel()
            with contextlib.suppress(BaseException):
                await self._sending
            self._sending = None

    async def insert(self, sql: str, *args: Any) -> None:
        """Queue one row for a plain INSERT (written before the next read or other write)."""
        table = _table_of_insert(sql)
        queued = self._inserts.get(table)
        if (queued is not None and queued[0] != sql) or table in self._stamped_tables:
            await self.flush()
            queued = None
        if queued is None:
            queued = (sql, [])
            self._inserts[table] = queued
        queued[1].append(args)
        await self._count()

    async def stamp(self, sql: str, key: Any, *args: Any) -> None:
        """Queue an UPDATE of the row `key` which a later stamp of that row supersedes.

        `args` are the statement's parameters; `key` identifies the row it updates.
        """
        table = _table_of_update(sql)
        self._stamps.pop((sql, key), None)
        self._stamps[(sql, key)] = args
        self._stamped_tables.add(table)
        await self._count()

    async def _count(self) -> None:
        self._queued += 1
        if self._queued >= CHUNK:
            await self.flush()

    async def flush(self) -> None:
        """Start sending everything queued (after what is in flight), without waiting for it."""
        await self._settle()
        if not self._inserts and not self._stamps:
            return
        inserts, stamps = self._inserts, self._stamps
        self._inserts, self._stamps, self._stamped_tables, self._queued = {}, {}, set(), 0
        self._sending = asyncio.ensure_future(self._send(inserts, stamps))

    async def drain(self) -> None:
        """Write everything queued and wait until it is written."""
        await self.flush()
        await self._settle()

    async def _settle(self) -> None:
        if self._sending is not None:
            sending, self._sending = self._sending, None
            await sending

    async def _send(
        self,
        inserts: dict[str, tuple[str, list[tuple[Any, ...]]]],
        stamps: dict[tuple[str, Any], tuple[Any, ...]],
    ) -> None:
        for sql, rows in inserts.values():
            form = await _over_arrays(self.conn, sql) if len(rows) > 1 else ""
            if form:
                await self.conn.execute(form, *(list(column) for column in zip(*rows, strict=True)))
            else:
                await self.conn.executemany(sql, rows)
        # In the order of the last stamps, a run of one statement at a time: two statements
        # stamping one row keep their order.
        run_sql, run = "", list[tuple[Any, ...]]()
        for (sql, _), args in stamps.items():
            if sql != run_sql and run:
                await self.conn.executemany(run_sql, run)
                run = []
            run_sql = sql
            run.append(args)
        if run:
            await self.conn.executemany(run_sql, run)

    async def execute(self, sql: str, *args: Any) -> str:
        """Run a statement after everything queued is written."""
        await self.drain()
        result: str = await self.conn.execute(sql, *args)
        return result

    async def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Run a statement for each row, after everything queued is written."""
        await self.drain()
        await self.conn.executemany(sql, rows)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """A value read after everything queued is written."""
        await self.drain()
        return await self.conn.fetchval(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        """A row read after everything queued is written."""
        await self.drain()
        row: asyncpg.Record | None = await self.conn.fetchrow(sql, *args)
        return row
