"""Replay: rebuild every read model from position zero into a fresh schema, compare it table by
table with the live one, and optionally switch the gateway over to it without downtime.

Comparison. Both schemas are read in one snapshot taken while the live projections are held
still (a SHARE lock on the live `tracking` table) and the rebuilt schema has been brought to
exactly the live positions; the snapshot is exported (`pg_export_snapshot`) to the connection
that compares, and the lock is released at once, so the live projections pause only while the
rebuilt one catches up the last few events, not while tables are compared. Each table's digest
is the md5 over the ordered md5s of its rows' text; a table whose digests differ is reported
with every row found only on one side (`EXCEPT ALL`, so duplicates count). Surrogate keys drawn
from sequences (`bigserial` ids), the tracking table's `updated_at` and the quarantine's
`first_seen` are not derived from the events (a sequence is not rolled back with its
transaction) and are left out of the comparison. A rebuild quarantines the events the live side
quarantined (`gateway.projections.quarantine`), so the quarantine table is compared like the rest.

Switching. One transaction takes an ACCESS EXCLUSIVE lock on the live `tracking` table (the
live runners finish their batch and then wait), brings the rebuilt schema up to the log heads,
renames the live schema to `<live>_replaced_<timestamp>` and the rebuilt one to the live name,
and commits. Queries keep being answered throughout (they never touch `tracking`); statements
resolve names again after the rename, so the running gateways read the rebuilt tables and their
runners continue from the rebuilt `tracking` positions, which are at least the old ones. The
replaced schema is kept for inspection; dropping it is the operator's decision.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import asyncpg

from gateway.projections.runner import (
    Projection,
    create_read_schema,
    position_of,
    project_batch,
)

Progress = Callable[[str, int, int], None]


@dataclasses.dataclass(frozen=True)
class TableDigest:
    """A table's row count and digest (md5 over the ordered md5s of its rows)."""

    rows: int
    digest: str


@dataclasses.dataclass(frozen=True)
class TableComparison:
    """One read table, live against rebuilt."""

    table: str
    live: TableDigest
    rebuilt: TableDigest
    only_live: tuple[str, ...] = ()
    only_rebuilt: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()

    @property
    def same(self) -> bool:
        """Whether the table was rebuilt exactly as it is live."""
        return self.live == self.rebuilt


def differing(comparisons: Sequence[TableComparison]) -> list[TableComparison]:
    """The tables whose rebuilt content differs from the live one."""
    return [c for c in comparisons if not c.same]


def fresh_schema_name(now: datetime | None = None) -> str:
    """A new schema name for a rebuild, e.g. `replay_20261124t183000`."""
    return "replay_" + (now or datetime.now(UTC)).strftime("%Y%m%dt%H%M%S")


def table_names(projections: Sequence[Projection]) -> list[str]:
    """Every read table the projections own, the tracking table and the quarantine."""
    return [t for p in projections for t in p.tables] + ["tracking", "quarantine"]


async def schema_exists(conn: asyncpg.Connection, schema: str) -> bool:
    """Whether a schema exists."""
    found = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema
    )
    return bool(found)


async def live_positions(
    conn: asyncpg.Connection, schema: str, projections: Sequence[Projection]
) -> dict[str, int]:
    """How far each live projection has got."""
    return {p.log.service: await position_of(conn, schema, p.log.service) for p in projections}


async def rebuild(
    conn: asyncpg.Connection,
    schema: str,
    projections: Sequence[Projection],
    progress: Progress | None = None,
    until: dict[str, int] | None = None,
) -> dict[str, int]:
    """Project every log from position zero (or from where `schema` has got) into `schema`,
    up to the heads of the logs or to `until`; returns the positions reached.
    """
    await create_read_schema(conn, schema, list(projections))
    reached = {}
    for projection in projections:
        service = projection.log.service
        if not await projection.log.exists(conn):
            reached[service] = 0
            if progress is not None:
                progress(service, 0, 0)
            continue
        head = await projection.log.last_position(conn)
        bound = until.get(service, 0) if until is not None else None
        total = min(head, bound) if bound is not None else head
        while await project_batch(conn, schema, projection, until=bound):
            if progress is not None:
                progress(service, await position_of(conn, schema, service), total)
        reached[service] = await position_of(conn, schema, service)
        if progress is not None:
            progress(service, reached[service], total)
    return reached


# The columns of the runner's own tables that record when something happened, not what.
_WHEN_COLUMNS = {("tracking", "updated_at"), ("quarantine", "first_seen")}


async def comparable_columns(conn: asyncpg.Connection, schema: str, table: str) -> list[str]:
    """The columns whose values the events decide (see the module's docstring)."""
    rows = await conn.fetch(
        "SELECT column_name, column_default FROM information_schema.columns "
        "WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
        schema,
        table,
    )
    return [
        r["column_name"]
        for r in rows
        if not str(r["column_default"] or "").startswith("nextval(")
        and (table, r["column_name"]) not in _WHEN_COLUMNS
    ]


def _rows_sql(schema: str, table: str, columns: Sequence[str]) -> str:
    listed = ", ".join(f'"{c}"' for c in columns)
    return f'SELECT ROW({listed})::text AS r FROM "{schema}"."{table}"'


async def table_digest(
    conn: asyncpg.Connection, schema: str, table: str, columns: Sequence[str]
) -> TableDigest:
    """A table's row count and digest over the given columns."""
    row = await conn.fetchrow(
        "SELECT count(*) AS n, md5(coalesce(string_agg(md5(r), '' ORDER BY md5(r)), '')) AS d "
        f"FROM ({_rows_sql(schema, table, columns)}) t"
    )
    assert row is not None
    return TableDigest(int(row["n"]), str(row["d"]))


async def compare_tables(
    conn: asyncpg.Connection, live: str, rebuilt: str, tables: Sequence[str]
) -> list[TableComparison]:
    """Compare each table of `rebuilt` with the same table of `live`, in `conn`'s snapshot."""
    comparisons = []
    for table in tables:
        columns = await comparable_columns(conn, live, table)
        live_digest = await table_digest(conn, live, table, columns)
        rebuilt_digest = await table_digest(conn, rebuilt, table, columns)
        only_live: tuple[str, ...] = ()
        only_rebuilt: tuple[str, ...] = ()
        if live_digest != rebuilt_digest:
            a, b = _rows_sql(live, table, columns), _rows_sql(rebuilt, table, columns)
            only_live = tuple(r["r"] for r in await conn.fetch(f"{a} EXCEPT ALL {b} ORDER BY 1"))
            only_rebuilt = tuple(r["r"] for r in await conn.fetch(f"{b} EXCEPT ALL {a} ORDER BY 1"))
        comparisons.append(
            TableComparison(
                table, live_digest, rebuilt_digest, only_live, only_rebuilt, tuple(columns)
            )
        )
    return comparisons


async def compare(
    dsn: str, live: str, rebuilt: str, projections: Sequence[Projection]
) -> list[TableComparison]:
    """Bring `rebuilt` to exactly the live positions and compare both in one snapshot."""
    holder: asyncpg.Connection = await asyncpg.connect(dsn)
    worker: asyncpg.Connection = await asyncpg.connect(dsn)
    reader: asyncpg.Connection = await asyncpg.connect(dsn)
    try:
        hold = holder.transaction(isolation="repeatable_read")
        await hold.start()
        try:
            # Before any query, so the snapshot below is taken with the live side held still.
            await holder.execute(f'LOCK TABLE "{live}".tracking IN SHARE MODE')
            positions = await live_positions(worker, live, projections)
            await rebuild(worker, rebuilt, projections, until=positions)
            snapshot = await holder.fetchval("SELECT pg_export_snapshot()")
            read = reader.transaction(isolation="repeatable_read", readonly=True)
            await read.start()
            await reader.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        finally:
            await hold.rollback()
        try:
            return await compare_tables(reader, live, rebuilt, table_names(projections))
        finally:
            await read.rollback()
    finally:
        for conn in (holder, worker, reader):
            await conn.close()


async def switch(
    conn: asyncpg.Connection,
    live: str,
    rebuilt: str,
    projections: Sequence[Projection],
    now: datetime | None = None,
) -> str:
    """Make `rebuilt` the live read schema in one transaction; returns the replaced schema's
    new name.
    """
    retired = f"{live}_replaced_" + (now or datetime.now(UTC)).strftime("%Y%m%dt%H%M%S")
    async with conn.transaction():
        await conn.execute(f'LOCK TABLE "{live}".tracking IN ACCESS EXCLUSIVE MODE')
        for projection in projections:
            if await projection.log.exists(conn):
                while await project_batch(conn, rebuilt, projection):
                    pass
        await conn.execute(f'ALTER SCHEMA "{live}" RENAME TO "{retired}"')
        await conn.execute(f'ALTER SCHEMA "{rebuilt}" RENAME TO "{live}"')
    return retired


async def drop_schema(conn: asyncpg.Connection, schema: str) -> None:
    """Drop a rebuilt schema that is not switched to (a read model: derived, disposable)."""
    await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
