"""Audit trails: the raw service logs (`<svc>.<svc>_events` with each event's chain hash from
`<svc>.<svc>_chain`), filtered and paged for auditors, merged across services in time order.

Order: the instant the event's command happened (its `EventMeta.occurred_at`), then the service
(in `SERVICES` order), then the position in that service's log. The cursor carries that key, so
a page never repeats or skips an event, however many are recorded meanwhile. Filtering decodes
the stored JSON in SQL (`convert_from(state, 'UTF8')::jsonb`): the logs are stored uncompressed
and unencrypted; a service that turns either on needs its filters done after decoding instead.

A log may hold an event PostgreSQL cannot decode (a NUL in its text, which `jsonb` refuses; bytes
that are not UTF-8 or not JSON, written by another writer or an old version): such an event is
evidence and is shown, never a reason for a trail to fail. When the page query of a log fails on
its data, that log's page is made in Python instead (slower: the log is read in chunks and
filtered after decoding, with the same order and filters). An event whose stored bytes do not
decode at all is shown with its payload `{"undecodable": {...}}`: the reason, the SHA-256 and the
base64 of the stored bytes; metadata that does not read as the kernel writes it (an id that is
not a UUID, a schema version that is not a number) is shown in the payload as `_meta_`. An event
whose instant cannot be read stands at `UNKNOWN_INSTANT` (0001-01-01), first in the trail.
"""

from __future__ import annotations

import base64
import dataclasses
import heapq
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from gateway.log import decode_or_evidence, event_name
from kernel.store import SERVICES
from services.feedback.anonymity import anonymised_meta

# Anything that runs a query: a pool, a connection, or a connection taken from a pool.
Db = asyncpg.Pool | asyncpg.Connection | PoolConnectionProxy


UNKNOWN_INSTANT = datetime(1, 1, 1, tzinfo=UTC)
_UNKNOWN_SQL = "'0001-01-01 00:00:00+00'::timestamptz"
_ID_KEYS = ("actor_id", "tenant_id", "correlation_id", "causation_id")
# How many stored events a page made in Python reads at a time.
_CHUNK = 2000


class TrailCursorError(ValueError):
    """A cursor this API did not issue."""


@dataclasses.dataclass(frozen=True, order=True)
class TrailKey:
    """Where an event stands in the merged trail: (occurred at, service rank, position)."""

    occurred_at: datetime
    rank: int
    position: int


def encode_trail_cursor(service: str, occurred_at: datetime, position: int) -> str:
    """An opaque cursor pointing just after one event of the trail."""
    raw = json.dumps(["trail", occurred_at.isoformat(), service, position])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_trail_cursor(
    cursor: str, services: Sequence[str] = SERVICES
) -> tuple[str, datetime, int]:
    """The (service, occurred at, position) inside a cursor; anything else is refused."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        tag, at, service, position = key
        if tag != "trail" or service not in services or not isinstance(position, int):
            raise ValueError(cursor)
        occurred_at = datetime.fromisoformat(at)
        if occurred_at.tzinfo is None:
            raise ValueError(cursor)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise TrailCursorError(f"after: {cursor!r} is not a trail cursor this API issued") from None
    return service, occurred_at, position


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrailFilter:
    """What an auditor narrows a trail to; None means any."""

    services: tuple[str, ...] = SERVICES
    actor_id: UUID | None = None
    unit_id: UUID | None = None
    streams: tuple[UUID, ...] | None = None
    event_types: tuple[str, ...] | None = None
    occurred_from: datetime | None = None
    occurred_until: datetime | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrailEvent:
    """One stored event as an auditor reads it."""

    service: str
    position: int
    stream: UUID
    version: int
    topic: str
    event_type: str
    occurred_at: datetime
    recorded_at: datetime | None
    meta: dict[str, Any]
    payload: dict[str, Any]
    chain_hash: str | None

    @property
    def key(self) -> TrailKey:
        """Where the event stands in the merged trail."""
        return TrailKey(self.occurred_at, SERVICES.index(self.service), self.position)

    @property
    def cursor(self) -> str:
        """The cursor just after this event."""
        return encode_trail_cursor(self.service, self.occurred_at, self.position)

    @property
    def actor_id(self) -> UUID | None:
        """Who acted, from the event's metadata."""
        value = self.meta.get("actor_id")
        return UUID(str(value)) if value else None

    @property
    def actor_role(self) -> str | None:
        """The role they acted in."""
        value = self.meta.get("actor_role")
        return str(value) if value else None


def _usable(meta: dict[str, Any]) -> bool:
    """Whether metadata reads as the kernel writes it (ids as UUIDs, a numeric version)."""
    try:
        for key in _ID_KEYS:
            if meta.get(key):
                UUID(str(meta[key]))
        int(meta.get("schema_version") or 1)
    except (ValueError, TypeError):
        return False
    return meta.get("reason") is None or isinstance(meta.get("reason"), str)


def _instant(value: Any) -> datetime:
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return UNKNOWN_INSTANT
    return at if at.tzinfo is not None else UNKNOWN_INSTANT


def trail_event(service: str, row: asyncpg.Record | dict[str, Any]) -> TrailEvent:
    """A trail event from a stored row (events joined with their chain hash, and the instant
    its page query read, if it did); whatever the stored bytes hold.
    """
    data = decode_or_evidence(bytes(row["state"]))
    meta = data.pop("meta", None) or {}
    keys = row.keys() if isinstance(row, asyncpg.Record) else row
    if "occurred_at" in keys:
        occurred: datetime = row["occurred_at"]  # the page query's, which ordered the page
    else:
        occurred = _instant(meta.get("occurred_at") if isinstance(meta, dict) else None)
    if not isinstance(meta, dict) or not _usable(meta):
        data["_meta_"], meta = meta, {}
    else:
        # An anonymous complaint's filer is shown as the pseudonym (the stored bytes keep theirs).
        meta = anonymised_meta(
            service, event_name(row["topic"]), row["originator_id"], {**data, "meta": meta}
        )
    timestamp = data.get("timestamp")
    digest = row["hash"]
    recorded = _instant(timestamp) if timestamp else UNKNOWN_INSTANT
    return TrailEvent(
        service=service,
        position=row["notification_id"],
        stream=row["originator_id"],
        version=row["originator_version"],
        topic=row["topic"],
        event_type=event_name(row["topic"]),
        occurred_at=occurred,
        recorded_at=recorded if recorded != UNKNOWN_INSTANT else None,
        meta=meta,
        payload=data,
        chain_hash=bytes(digest).hex() if digest is not None else None,
    )


# The stored state's metadata, as SQL over the decoded JSON.
_META = "m.meta"
_OCCURRED = "m.occurred_at"
_NAME = "regexp_replace(e.topic, '^.*[.:]', '')"


def service_sql(service: str) -> str:
    """The page query over one service's log. Parameters: $1 actor, $2 unit (the events recorded
    for it, and every event of a stream whose id is the unit's: the directory's Unit aggregate,
    whose registration by the platform administrator carries no unit), $3 streams,
    $4 event types, $5 from, $6 until, $7/$8 the key after which to start, $9 the limit.
    """
    events = f'"{service}"."{service}_events"'
    chain = f'"{service}"."{service}_chain"'
    return (
        "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
        f"c.hash, {_OCCURRED} AS occurred_at "
        f"FROM {events} e LEFT JOIN {chain} c ON c.notification_id = e.notification_id "
        # Decode each stored state once per row, whatever the filters use of it.
        "CROSS JOIN LATERAL (SELECT x.meta, "
        f"COALESCE((x.meta ->> 'occurred_at')::timestamptz, {_UNKNOWN_SQL}) AS occurred_at "
        "FROM (SELECT convert_from(e.state, 'UTF8')::jsonb -> 'meta' -> '_data_' AS meta) x) m "
        f"WHERE ($1::text IS NULL OR {_META} ->> 'actor_id' = $1) "
        f"AND ($2::text IS NULL OR {_META} ->> 'tenant_id' = $2 OR e.originator_id = $2::uuid) "
        "AND ($3::uuid[] IS NULL OR e.originator_id = ANY($3)) "
        f"AND ($4::text[] IS NULL OR {_NAME} = ANY($4)) "
        f"AND ($5::timestamptz IS NULL OR {_OCCURRED} >= $5) "
        f"AND ($6::timestamptz IS NULL OR {_OCCURRED} < $6) "
        f"AND ($7::timestamptz IS NULL OR ({_OCCURRED}, e.notification_id) > ($7, $8::bigint)) "
        f"ORDER BY {_OCCURRED}, e.notification_id LIMIT $9"
    )


def start_after(
    service: str, after: tuple[str, datetime, int] | None, services: Sequence[str] = SERVICES
) -> tuple[datetime | None, int]:
    """For one service, the (instant, position) its page starts after, given the cursor.

    A service ranked before the cursor's service starts after the cursor's instant, all of it;
    the cursor's own service after its position; a later service at the instant itself.
    """
    if after is None:
        return None, 0
    cursor_service, at, position = after
    rank, cursor_rank = services.index(service), services.index(cursor_service)
    if rank < cursor_rank:
        return at, 2**62
    if rank == cursor_rank:
        return at, position
    return at, -1


def merge_pages(pages: Iterable[Sequence[TrailEvent]], limit: int) -> list[TrailEvent]:
    """The first `limit` events of already ordered per-service pages, in trail order."""
    merged = heapq.merge(*pages, key=lambda e: e.key)
    return [event for _, event in zip(range(limit), merged, strict=False)]


async def log_exists(db: Db, service: str) -> bool:
    """Whether a service has created its log yet (a service not started has none)."""
    found = await db.fetchval(
        "SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL",
        f"{service}.{service}_events",
        f"{service}.{service}_chain",
    )
    return bool(found)


async def trail_page(
    db: Db,
    where: TrailFilter,
    limit: int,
    after: tuple[str, datetime, int] | None = None,
) -> list[TrailEvent]:
    """Up to `limit` events of the filtered trail after the cursor, in trail order."""
    pages: list[list[TrailEvent]] = []
    for service in where.services:
        if not await log_exists(db, service):
            continue
        at, position = start_after(service, after)
        try:
            rows = await db.fetch(
                service_sql(service),
                str(where.actor_id) if where.actor_id else None,
                str(where.unit_id) if where.unit_id else None,
                list(where.streams) if where.streams is not None else None,
                list(where.event_types) if where.event_types is not None else None,
                where.occurred_from,
                where.occurred_until,
                at,
                position,
                limit,
            )
        except asyncpg.DataError:
            # An event PostgreSQL cannot decode is in the log (see the module's docstring).
            pages.append(await _page_in_python(db, service, where, limit, at, position))
            continue
        events = [trail_event(service, r) for r in rows]
        if where.actor_id is not None:
            # The SQL matched the stored actor; an anonymous filer's events must not answer it.
            events = [e for e in events if e.actor_id == where.actor_id]
        pages.append(events)
    return merge_pages(pages, limit)


def _admits(e: TrailEvent, where: TrailFilter, at: datetime | None, position: int) -> bool:
    """The page query's filters, over a decoded event."""
    meta = e.meta
    return (
        (where.actor_id is None or str(meta.get("actor_id")) == str(where.actor_id))
        and (
            where.unit_id is None
            or str(meta.get("tenant_id")) == str(where.unit_id)
            or e.stream == where.unit_id
        )
        and (where.occurred_from is None or e.occurred_at >= where.occurred_from)
        and (where.occurred_until is None or e.occurred_at < where.occurred_until)
        and (at is None or (e.occurred_at, e.position) > (at, position))
    )


async def _page_in_python(
    db: Db,
    service: str,
    where: TrailFilter,
    limit: int,
    at: datetime | None,
    position: int,
) -> list[TrailEvent]:
    """`service_sql`'s page, decoding and filtering in Python (for a log SQL cannot decode)."""
    sql = (
        "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
        f'c.hash FROM "{service}"."{service}_events" e LEFT JOIN "{service}"."{service}_chain" c '
        "ON c.notification_id = e.notification_id WHERE e.notification_id > $1 "
        "AND ($2::uuid[] IS NULL OR e.originator_id = ANY($2)) "
        "AND ($3::text[] IS NULL OR regexp_replace(e.topic, '^.*[.:]', '') = ANY($3)) "
        "ORDER BY e.notification_id LIMIT $4"
    )
    best: list[TrailEvent] = []
    last = 0
    while True:
        rows = await db.fetch(
            sql,
            last,
            list(where.streams) if where.streams is not None else None,
            list(where.event_types) if where.event_types is not None else None,
            _CHUNK,
        )
        admitted = (trail_event(service, r) for r in rows)
        best = heapq.nsmallest(
            limit,
            [*best, *(e for e in admitted if _admits(e, where, at, position))],
            key=lambda e: e.key,
        )
        if len(rows) < _CHUNK:
            break
        last = rows[-1]["notification_id"]
    return best
