"""The JetStream relay against the NATS server named by NATS_URL, on a real PostgreSQL: every event
once, in log order, with its id as `Nats-Msg-Id`, even when a relay died before recording what it
had published.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import nats
import pytest
from nats.js import JetStreamContext
from prometheus_client import REGISTRY

from gateway.integrations.feed import read_log, services
from gateway.integrations.nats_relay import StreamSettings, ensure_stream, publish, relay_batch
from gateway.integrations.store import relay_position
from tests.integration.recorded import record_unit

NATS_URL = os.environ.get("NATS_URL", "")
pytestmark = pytest.mark.skipif(
    not NATS_URL,
    reason="NATS_URL is unset: the JetStream relay needs a NATS server to test against",
)


@pytest.fixture
async def jetstream() -> AsyncIterator[tuple[JetStreamContext, StreamSettings]]:
    name = uuid4().hex[:10]
    stream = StreamSettings(stream=f"KAOHE_TEST_{name.upper()}", prefix=f"kaohetest{name}")
    nc = await nats.connect(NATS_URL)
    js = nc.jetstream()
    await ensure_stream(js, stream)
    try:
        yield js, stream
    finally:
        await js.delete_stream(stream.stream)
        await nc.close()


async def relay_everything(database: str, js: JetStreamContext, stream: StreamSettings) -> None:
    """Relay every service log to the stream, from wherever the relay's position is."""
    conn = await asyncpg.connect(database)
    try:
        while await relay_batch(conn, js, stream):
            pass
    finally:
        await conn.close()


async def stream_ids(js: JetStreamContext, stream: StreamSettings) -> dict[str, list[str]]:
    """The event ids in the stream, per service log, in stream order."""
    info = await js.stream_info(stream.stream)
    ids: dict[str, list[str]] = {s: [] for s in services()}
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(stream.stream, seq)
        assert msg.headers is not None
        body = json.loads(msg.data or b"{}")
        assert body["id"] == msg.headers["Nats-Msg-Id"]
        ids[body["service"]].append(body["id"])
    return ids


async def every_event_id(conn: asyncpg.Connection) -> dict[str, list[str]]:
    """The event ids of every service log, in log order."""
    return {s: [e.event_id for e in await read_log(conn, s, 0, 1_000_000)] for s in services()}


async def test_the_relay_publishes_every_event_once_in_log_order_with_its_id(
    database: str, jetstream: tuple[JetStreamContext, StreamSettings]
) -> None:
    js, stream = jetstream
    unit = record_unit(database, people=3)
    conn = await asyncpg.connect(database)
    try:
        while await relay_batch(conn, js, stream, batch=4):
            pass
        published = await stream_ids(js, stream)
        assert published == await every_event_id(conn)
        events = await read_log(conn, "directory", 0, 1_000_000)
        ours = [e for e in events if e.unit_id == unit]
        msg = await js.get_last_msg(stream.stream, stream.subject(ours[-1]))
        assert msg.subject == f"{stream.prefix}.{unit}.directory.PersonJoined.v1"
        # Nothing new: nothing published twice.
        assert await relay_batch(conn, js, stream) == 0
        assert await stream_ids(js, stream) == published
    finally:
        await conn.close()


def _duplicates_counted() -> float:
    labels = {"service": "directory", "outcome": "duplicate"}
    return REGISTRY.get_sample_value("kaohe_jetstream_published_total", labels) or 0.0


async def test_a_relay_that_died_before_recording_its_position_resumes_without_a_gap_or_repeat(
    database: str, jetstream: tuple[JetStreamContext, StreamSettings]
) -> None:
    js, stream = jetstream
    await relay_everything(database, js, stream)
    record_unit(database, people=5)
    conn = await asyncpg.connect(database)
    try:
        # The relay that died had published the first four new events and recorded nothing.
        before = await relay_position(conn, stream.relay, "directory")
        for event in await read_log(conn, "directory", before, 4):
            assert await publish(js, stream, event)
        assert await relay_position(conn, stream.relay, "directory") == before
        repeats = _duplicates_counted()

        while await relay_batch(conn, js, stream, batch=3):
            pass

        # The four published again were dropped by JetStream, and counted as duplicates.
        assert _duplicates_counted() - repeats == 4

        published = await stream_ids(js, stream)
        assert published == await every_event_id(conn)
        every = [i for ids in published.values() for i in ids]
        assert len(set(every)) == len(every)
    finally:
        await conn.close()
