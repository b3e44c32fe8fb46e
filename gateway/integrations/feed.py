"""Reading every service log from a cursor: the events a consumer may see, merged, with the cursor
to resume from.

Within one service log the order is the log's (gap-free, by position). Across logs there is no
global order to respect; the feed interleaves the logs by the time the events happened, keeping
each log's own order, and the cursor (one position per log) makes the interleaving irrelevant for
completeness: nothing is skipped, nothing repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import heapq
from collections.abc import Iterable, Sequence
from datetime import datetime
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from gateway.integrations.cursor import Cursor
from gateway.integrations.envelope import RecordedEvent
from gateway.listening import Listening
from gateway.log import decode_or_evidence, event_name
from kernel.store import SERVICES

# A connection of its own or one lent by a pool.
Conn = asyncpg.Connection | PoolConnectionProxy

# How many rows of one log are read to fill one page when a filter rejects most of them.
SCAN = 1000


def services() -> tuple[str, ...]:
    """The service logs integrations carry (`kernel.store.SERVICES`)."""
    return SERVICES


@dataclasses.dataclass(frozen=True)
class EventFilter:
    """Which events a consumer receives: its unit (None: every unit) and types (None: all).

    A type ending in `*` is a prefix (`kaohe.goals.*`); `subject` keeps one aggregate's events;
    `allowed` are the types the consumer's scope grants (None: every type), whatever it asks.
    """

    unit_id: UUID | None = None
    types: frozenset[str] | None = None
    every_unit: bool = False
    subject: UUID | None = None
    allowed: frozenset[str] | None = None

    def accepts(self, event: RecordedEvent) -> bool:
        """Whether the consumer receives `event`."""
        if self.subject is not None and event.originator_id != self.subject:
            return False
        if not self.every_unit and (self.unit_id is None or event.unit_id != self.unit_id):
            return False
        if self.every_unit and self.unit_id is not None and event.unit_id != self.unit_id:
            return False
        kind = event.type
        for types in (self.allowed, self.types):
            if types is not None and not any(
                kind.startswith(t[:-1]) if t.endswith("*") else kind == t for t in types
            ):
                return False
        return True


@dataclasses.dataclass(frozen=True)
class Page:
    """Events in delivery order, each with the cursor just after it, and the page's cursor."""

    events: list[tuple[RecordedEvent, Cursor]]
    cursor: Cursor
    has_more: bool


async def read_log(conn: Conn, service: str, after: int, limit: int) -> list[RecordedEvent]:
    """Up to `limit` events of `service`'s log after `after`, with their chain hashes."""
    table = f"{service}.{service}_events"
    exists = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", table)
    if not exists:
        return []
    rows = await conn.fetch(
        "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
        "c.hash "
        f'FROM "{service}"."{service}_events" e '
        f'LEFT JOIN "{service}"."{service}_chain" c ON c.notification_id = e.notification_id '
        "WHERE e.notification_id > $1 ORDER BY e.notification_id LIMIT $2",
        after,
        limit,
    )
    return [
        RecordedEvent(
            service=service,
            position=r["notification_id"],
            originator_id=r["originator_id"],
            originator_version=r["originator_version"],
            name=event_name(r["topic"]),
            state=decode_or_evidence(bytes(r["state"])),
            chain_hash=bytes(r["hash"]) if r["hash"] is not None else None,
        )
        for r in rows
    ]


def merge_page(
    scanned: dict[str, tuple[list[RecordedEvent], int]],
    cursor: Cursor,
    limit: int,
    full: Iterable[str] = (),
) -> Page:
    """Merge each log's accepted events into one page of at most `limit`.

    `scanned[service]` is (the accepted events in log order, the last position read); `full` names
    the logs whose read hit its limit (more may follow).
    """

    def key(e: RecordedEvent) -> tuple[datetime, str]:
        return (e.time, e.service)

    merged = heapq.merge(*(events for events, _ in scanned.values()), key=key)
    taken: list[tuple[RecordedEvent, Cursor]] = []
    running = cursor
    for event in merged:
        if len(taken) == limit:
            break
        running = running.advanced(event.service, event.position)
        taken.append((event, running))
    counts: dict[str, int] = {}
    for event, _ in taken:
        counts[event.service] = counts.get(event.service, 0) + 1
    final = cursor
    has_more = set(full) & set(scanned)
    for service, (events, last_read) in scanned.items():
        if counts.get(service, 0) == len(events):
            # Everything accepted was taken: skip the rejected rows too.
            final = final.advanced(service, max(last_read, cursor.position(service)))
        else:
            final = final.advanced(service, taken_last(taken, service, cursor))
            has_more.add(service)
    return Page(taken, final, bool(has_more))


def taken_last(taken: Sequence[tuple[RecordedEvent, Cursor]], service: str, cursor: Cursor) -> int:
    """The last position of `service` in `taken`, or the cursor's."""
    positions = [e.position for e, _ in taken if e.service == service]
    return positions[-1] if positions else cursor.position(service)


async def read_page(
    conn: Conn,
    cursor: Cursor,
    event_filter: EventFilter,
    limit: int,
    logs: Sequence[str] | None = None,
) -> Page:
    """The next page of accepted events after `cursor`."""
    scanned: dict[str, tuple[list[RecordedEvent], int]] = {}
    full: list[str] = []
    for service in logs or services():
        after = cursor.position(service)
        rows = await read_log(conn, service, after, max(SCAN, limit))
        if len(rows) == max(SCAN, limit):
            full.append(service)
        last = rows[-1].position if rows else after
        scanned[service] = ([e for e in rows if event_filter.accepts(e)], last)
    return merge_page(scanned, cursor, limit, full)


class LogWatcher:
    """Wakes waiters when any service log records events (the library NOTIFYs `<svc>_events`)."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()
        self._listening: Listening | None = None

    async def start(self, dsn: str) -> None:
        """Listen on every service log's channel (again after a lost connection, waking every
        waiter then: something may have been recorded meanwhile)."""
        channels = {f"{service}_events": self._notified for service in services()}
        self._listening = Listening(dsn, channels, self._wake_all)
        await self._listening.start()

    async def _wake_all(self, _conn: asyncpg.Connection) -> None:
        self._notified()

    async def stop(self) -> None:
        """Stop listening."""
        if self._listening is not None:
            await self._listening.stop()

    def _notified(self, *_: object) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def ticket(self) -> asyncio.Event:
        """Take before reading: set once anything is recorded after this moment."""
        return self._changed

    @staticmethod
    async def wait(ticket: asyncio.Event, timeout: float) -> None:
        """Until the ticket is set or `timeout` seconds have passed."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ticket.wait(), timeout=timeout)
