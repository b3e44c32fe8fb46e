"""Runs projections: each consumes one service log in order and updates its read tables together
with its tracking position in one transaction (exactly-once effect, restartable anywhere).

Only one runner per (read schema, log) projects at a time, held by a PostgreSQL advisory lock, so
any number of gateway processes can run. After each commit it NOTIFYs `kaohe_projected`, which is
how gateways learn that a command's change is visible (read-your-writes).

An event that cannot be applied (see `gateway.projections.quarantine`) does not stop the log: the
batch that failed is rolled back and done again one event at a time, each in a savepoint with
the writer drained inside it (so a failure of its queued rows surfaces there), and the event at
fault is recorded in `<schema>.quarantine` and skipped; tracking moves past it in the same
transaction, so every other event is still applied exactly once.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import asyncpg
import structlog

from gateway.log import DATABASE_LOST, LogEvent, ServiceLog
from gateway.projections import metrics, quarantine
from gateway.projections.quarantine import QUARANTINED_TOTAL, Quarantined, is_the_events_fault
from gateway.projections.writer import ProjectionWriter
from kernel.waiting import first_of, pause

log = structlog.get_logger("kaohe.projections")

PROJECTED_CHANNEL = "kaohe_projected"
BATCH = 2000


class Projection(Protocol):
    """What the runner needs of a projection."""

    log: ServiceLog
    tables: tuple[str, ...]

    def ddl(self) -> str: ...

    async def apply(self, w: ProjectionWriter, event: LogEvent) -> None: ...


def tracking_ddl(schema: str) -> str:
    """The table of positions each projection has reached."""
    return (
        f"CREATE TABLE IF NOT EXISTS {schema}.tracking ("
        "service text PRIMARY KEY, position bigint NOT NULL, "
        "updated_at timestamptz NOT NULL DEFAULT now())"
    )


async def create_read_schema(
    conn: asyncpg.Connection, schema: str, projections: list[Projection]
) -> None:
    """Create the read schema, its tracking table and every projection's tables."""
    async with conn.transaction():
        # Serialise concurrent start-ups: CREATE ... IF NOT EXISTS races on the catalogue.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('kaohe.ddl'))")
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await conn.execute(tracking_ddl(schema))
        await conn.execute(quarantine.quarantine_ddl(schema))
        for projection in projections:
            await conn.execute(projection.ddl())


async def position_of(conn: asyncpg.Connection, schema: str, service: str) -> int:
    """How far the projection of `service` has got."""
    value = await conn.fetchval(
        f"SELECT position FROM {schema}.tracking WHERE service = $1",
        service,
    )
    return int(value or 0)


async def project_batch(
    conn: asyncpg.Connection,
    schema: str,
    projection: Projection,
    limit: int = BATCH,
    until: int | None = None,
) -> int:
    """Project the next batch of events (none beyond position `until`, if given); returns how
    many were applied or quarantined.
    """
    try:
        return await _project(conn, schema, projection, limit, until, one_by_one=False)
    except Exception as exc:
        if not is_the_events_fault(exc):
            raise
    # Something in the batch cannot be applied: the transaction is rolled back; find what.
    return await _project(conn, schema, projection, limit, until, one_by_one=True)


async def _project(
    conn: asyncpg.Connection,
    schema: str,
    projection: Projection,
    limit: int,
    until: int | None,
    *,
    one_by_one: bool,
) -> int:
    service = projection.log.service
    set_aside: list[Quarantined] = []
    async with conn.transaction():
        # Lock the tracking row (made on first use) so two runners never apply the same events.
        position = await conn.fetchval(
            f"INSERT INTO {schema}.tracking AS t (service, position) VALUES ($1, 0) "
            "ON CONFLICT (service) DO UPDATE SET position = t.position RETURNING t.position",
            service,
        )
        rows = await projection.log.read_rows(conn, position, limit)
        if until is not None:
            rows = [r for r in rows if r["notification_id"] <= until]
        if not rows:
            return 0
        if one_by_one:
            set_aside = await apply_one_by_one(conn, schema, projection, rows)
        else:
            async with ProjectionWriter(conn) as writer:
                for row in rows:
                    # Decoded here, not before the loop, so that it overlaps the writer's sending.
                    await projection.apply(writer, LogEvent.from_row(row))
        last = rows[-1]["notification_id"]
        # A read model is rebuilt from the log whenever it is lost, and its position commits
        # with its rows: the projection need not wait for its commits to reach the disk.
        await conn.execute(
            f"WITH moved AS (UPDATE {schema}.tracking SET position = $2, updated_at = now() "
            "WHERE service = $1 RETURNING 1) "
            "SELECT set_config('synchronous_commit', 'off', true), pg_notify($3, $4) FROM moved",
            service,
            last,
            PROJECTED_CHANNEL,
            f"{schema}:{service}:{last}",
        )
    for q in set_aside:
        QUARANTINED_TOTAL.labels(service=service).inc()
        log.warning(
            "projection_event_quarantined",
            schema=schema,
            service=service,
            position=q.position,
            originator_id=str(q.originator_id),
            event_name=q.event_name,
            error_class=q.error_class,
            error=q.error_message,
        )
    return len(rows)


async def apply_one_by_one(
    conn: asyncpg.Connection, schema: str, projection: Projection, rows: list[asyncpg.Record]
) -> list[Quarantined]:
    """Apply each event of `rows` in a savepoint of its own, inside the caller's transaction;
    quarantine (in `schema`) those that fail through their own fault, and return them.
    """
    set_aside = []
    for row in rows:
        try:
            async with conn.transaction(), ProjectionWriter(conn) as writer:
                await projection.apply(writer, LogEvent.from_row(row))
        except Exception as exc:
            if not is_the_events_fault(exc):
                raise
            q = quarantine.quarantined(projection.log.service, row, exc)
            await quarantine.record(conn, schema, q)
            set_aside.append(q)
    return set_aside


async def catch_up(conn: asyncpg.Connection, schema: str, projection: Projection) -> int:
    """Project everything recorded so far, measuring the projection after each batch
    (`gateway.projections.metrics`); returns how many events were applied."""
    total = 0
    while True:
        applied = await project_batch(conn, schema, projection)
        total += applied
        await metrics.measure(conn, schema, projection.log, applied)
        if applied < BATCH:
            # A short batch read the log to its end: no empty transaction to say so (what is
            # recorded meanwhile NOTIFYs the runner again).
            return total


async def run_projection(
    dsn: str, schema: str, projection: Projection, stop: asyncio.Event, poll: float = 1.0
) -> None:
    """Follow one service log until `stop` is set: catch up, then wake on each NOTIFY."""
    woken = asyncio.Event()
    conn: asyncpg.Connection = await asyncpg.connect(dsn)
    try:
        while not stop.is_set() and not await projection.log.exists(conn):
            await pause(stop, poll)

        def wake(*_: object) -> None:
            woken.set()

        await conn.add_listener(projection.log.channel, wake)
        while not stop.is_set():
            woken.clear()
            try:
                applied = await catch_up(conn, schema, projection)
            except DATABASE_LOST:
                log.warning("projection_connection_lost", service=projection.log.service)
                raise
            if applied:
                log.debug("projected", service=projection.log.service, events=applied)
            await first_of(poll, woken, stop)
    finally:
        await conn.close()


async def supervise_projection(
    dsn: str, schema: str, projection: Projection, stop: asyncio.Event
) -> None:
    """Keep a projection running until `stop`; restart it after a lost connection."""
    while not stop.is_set():
        try:
            await run_projection(dsn, schema, projection, stop)
        except DATABASE_LOST as exc:
            log.warning("projection_restarting", service=projection.log.service, error=str(exc))
            await pause(stop, 1.0)
