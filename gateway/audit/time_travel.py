"""Time travel: a record as it stood at a past log position or instant, derived from the events
up to then, never from the mutable read tables.

How: inside one transaction that is always rolled back, a scratch schema gets the read tables of
the service's projection, the very projection code applies the record's stream (the goal set's,
the complaint's, the unit's for the org chart) up to the position or instant, and the answer is
read from those scratch tables. Nothing is left behind, and the answer is by construction what
a replay up to that point gives for that stream (a property test checks it against full
replays). An instant selects the events whose command happened at or before it
(`EventMeta.occurred_at`); a position, the events at or before that position of the log.

A poison event in the stream (`gateway.projections.quarantine`) is set aside in the scratch
schema as the live projection sets it aside, so the record is answered as far as it can be; the
live quarantine then names it in the answer's READ_MODEL_INCOMPLETE error.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID, uuid4

import asyncpg

from gateway.log import LogEvent
from gateway.projections import quarantine
from gateway.projections.runner import Projection, apply_one_by_one
from gateway.projections.writer import ProjectionWriter
from services.directory.managers import Managers, managers_from_row, managers_sql


@dataclasses.dataclass(frozen=True)
class AsOfPoint:
    """Up to where the log was read: a position, or an instant (None: everything)."""

    position: int | None = None
    instant: datetime | None = None


@dataclasses.dataclass(frozen=True)
class Scratch:
    """A scratch read schema inside a transaction, and how far its stream was applied."""

    conn: asyncpg.Connection
    schema: str
    position: int

    def table(self, name: str) -> str:
        """A scratch read table."""
        return f"{self.schema}.{name}"


async def stream_rows(
    conn: asyncpg.Connection, service: str, stream: UUID | Sequence[UUID], point: AsOfPoint
) -> list[asyncpg.Record]:
    """The stored events of one stream (or of several, interleaved) up to the point, in log
    order.
    """
    streams = [stream] if isinstance(stream, UUID) else list(stream)
    rows = await conn.fetch(
        f"SELECT notification_id, originator_id, originator_version, topic, state "
        f'FROM "{service}"."{service}_events" WHERE originator_id = ANY($1::uuid[]) '
        "AND ($2::bigint IS NULL OR notification_id <= $2) ORDER BY notification_id",
        streams,
        point.position,
    )
    if point.instant is None:
        return list(rows)
    instant = point.instant
    return [r for r in rows if (at := stored_instant(r)) is None or at <= instant]


def stored_instant(row: asyncpg.Record) -> datetime | None:
    """When a stored event's command happened; None when its bytes do not say (a poison event,
    which is kept so that it is set aside as the live projection set it aside).
    """
    try:
        return occurred_at(LogEvent.from_row(row))
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError, RecursionError):
        return None


def occurred_at(event: LogEvent) -> datetime:
    """When the event's command happened."""
    at: Any = event.meta.get("occurred_at") or event.data["timestamp"]
    return datetime.fromisoformat(str(at))


@contextlib.asynccontextmanager
async def as_of(
    pool: asyncpg.Pool,
    projection_for: Callable[[str], Projection],
    stream: UUID | Sequence[UUID],
    point: AsOfPoint,
) -> AsyncIterator[Scratch]:
    """The read tables of one projection holding only `stream` (or several streams of one
    log, such as a cycle and its appraisals) up to `point`, for reading inside the block;
    everything is rolled back after it.
    """
    schema = f"asof_{uuid4().hex[:16]}"
    projection = projection_for(schema)
    async with pool.acquire() as pooled:
        # The projections are typed for plain connections; a pooled one behaves the same.
        conn = cast("asyncpg.Connection", pooled)
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute(f"CREATE SCHEMA {schema}")
            await conn.execute(projection.ddl())
            await conn.execute(quarantine.quarantine_ddl(schema))
            rows = await stream_rows(conn, projection.log.service, stream, point)
            try:
                async with conn.transaction(), ProjectionWriter(conn) as writer:
                    for row in rows:
                        await projection.apply(writer, LogEvent.from_row(row))
            except Exception as exc:
                if not quarantine.is_the_events_fault(exc):
                    raise
                await apply_one_by_one(conn, schema, projection, rows)
            yield Scratch(conn, schema, rows[-1]["notification_id"] if rows else 0)
        finally:
            await transaction.rollback()


async def manager_ids(scratch: Scratch, person_id: UUID, on: date) -> Managers | None:
    """Who managed a person on a date, by the org chart in the scratch tables (the directory's
    rule, in its SQL twin)."""
    row = await scratch.conn.fetchrow(managers_sql(scratch.table, "$1", "$2"), person_id, on)
    return managers_from_row(row, on) if row is not None else None
