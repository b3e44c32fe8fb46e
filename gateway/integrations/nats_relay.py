"""The JetStream relay: every event of every service log, published in log order to
`<prefix>.<unit>.<service>.<EventName>.v<N>` (`platform` for an event of no unit), as a
CloudEvents JSON message whose `Nats-Msg-Id` header is the event id.

At least once from the relay, exactly once for consumers: the relay publishes a batch, waits for
each acknowledgement, then records its position in PostgreSQL. A relay that dies between the two
republishes at most that batch when it restarts, and JetStream drops the repeats by `Nats-Msg-Id`
within the stream's duplicate window. One relay runs at a time across all worker processes (a
PostgreSQL advisory lock); a second one waits to take over.

The stream (created if missing): subjects `<prefix>.>`, limits retention, file storage, messages
kept `KAOHE_NATS_MAX_AGE_DAYS` (365), duplicate window `KAOHE_NATS_DUPLICATE_WINDOW_SECONDS` (one
day: longer than any restart the relay needs).

What is published is `KAOHE_NATS_SCOPE` (scope tokens as in an integration token's claim,
`events:kaohe.goals.* fields:work`): by default every event type and no personal field, each
withheld field null and named in the event's `redacted` extension. Anyone who can subscribe to
the stream reads it, so widen the scope only for a NATS account as trusted as the scope.
"""

from __future__ import annotations

import asyncio
import dataclasses

import asyncpg
import nats
import nats.errors
import structlog
from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from gateway.integrations.envelope import RecordedEvent, to_json_bytes
from gateway.integrations.feed import read_log, services
from gateway.integrations.metrics import JETSTREAM_FAILURES, JETSTREAM_PUBLISHED
from gateway.integrations.scopes import NO_PERSONAL_FIELDS, Scope, parse_scope
from gateway.integrations.store import hold_lock, record_relay_position, relay_position
from kernel.settings import Settings
from kernel.waiting import first_of, pause

log = structlog.get_logger("kaohe.integrations.nats")

RELAY = "nats"
BATCH = 100


@dataclasses.dataclass(frozen=True)
class StreamSettings:
    """Where and how the relay publishes."""

    stream: str = "KAOHE"
    prefix: str = "kaohe"
    max_age_seconds: float = 365 * 86400.0
    duplicate_window_seconds: float = 86400.0
    # What of each event is published (KAOHE_NATS_SCOPE; default: no personal field).
    scope: Scope = NO_PERSONAL_FIELDS

    @classmethod
    def from_settings(cls, settings: Settings) -> StreamSettings:
        """The stream the settings describe."""
        return cls(
            stream=settings.kaohe_nats_stream,
            prefix=settings.kaohe_nats_subject_prefix,
            max_age_seconds=settings.kaohe_nats_max_age_days * 86400.0,
            duplicate_window_seconds=settings.kaohe_nats_duplicate_window_seconds,
            scope=parse_scope([settings.kaohe_nats_scope], field="KAOHE_NATS_SCOPE"),
        )

    def subject(self, event: RecordedEvent) -> str:
        """The subject an event is published on."""
        unit = str(event.unit_id) if event.unit_id else "platform"
        return f"{self.prefix}.{unit}.{event.service}.{event.name}.v{event.schema_version}"

    @property
    def relay(self) -> str:
        """The relay's name in the position table (one per stream)."""
        return f"{RELAY}:{self.stream}"


async def ensure_stream(js: JetStreamContext, stream: StreamSettings) -> None:
    """Create the stream if it does not exist yet."""
    try:
        await js.stream_info(stream.stream)
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=stream.stream,
                subjects=[f"{stream.prefix}.>"],
                retention=RetentionPolicy.LIMITS,
                storage=StorageType.FILE,
                max_age=stream.max_age_seconds,
                duplicate_window=stream.duplicate_window_seconds,
            )
        )


async def publish(js: JetStreamContext, stream: StreamSettings, event: RecordedEvent) -> bool:
    """Publish one event; whether JetStream stored it (False: a repeat it dropped)."""
    ack = await js.publish(
        stream.subject(event),
        to_json_bytes(event, scope=stream.scope),
        stream=stream.stream,
        headers={"Nats-Msg-Id": event.event_id, "Content-Type": "application/cloudevents+json"},
    )
    return not ack.duplicate


async def _published(js: JetStreamContext, stream: StreamSettings, event: RecordedEvent) -> None:
    """`publish`, counted (`gateway.integrations.metrics`)."""
    try:
        stored = await publish(js, stream, event)
    except (nats.errors.Error, OSError, TimeoutError):
        JETSTREAM_FAILURES.labels(event.service).inc()
        raise
    JETSTREAM_PUBLISHED.labels(event.service, "stored" if stored else "duplicate").inc()


async def relay_batch(
    conn: asyncpg.Connection, js: JetStreamContext, stream: StreamSettings, batch: int = BATCH
) -> int:
    """Publish the next batch of each service log; returns how many events were published."""
    published = 0
    for service in services():
        after = await relay_position(conn, stream.relay, service)
        events = await read_log(conn, service, after, batch)
        for event in events:
            if stream.scope.allows_type(event.type):
                await _published(js, stream, event)
        if events:
            await record_relay_position(conn, stream.relay, service, events[-1].position)
            published += len(events)
    return published


async def run_relay(
    dsn: str, nats_url: str, stream: StreamSettings, stop: asyncio.Event, poll: float = 1.0
) -> None:
    """Relay until `stop` is set: catch up, then wake on each log's NOTIFY (or every `poll` s)."""
    conn: asyncpg.Connection = await asyncpg.connect(dsn)
    nc = await nats.connect(nats_url)
    try:
        while not await hold_lock(conn, stream.relay):
            if await pause(stop, poll):
                return
        js = nc.jetstream()
        await ensure_stream(js, stream)
        woken = asyncio.Event()
        for service in services():
            await conn.add_listener(f"{service}_events", lambda *_: woken.set())
        while not stop.is_set():
            woken.clear()
            while await relay_batch(conn, js, stream):
                pass
            await first_of(poll, woken, stop)
    finally:
        await nc.close()
        await conn.close()
