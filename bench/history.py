"""A generated history, for the measures that need many events: replaying the read models from
position zero, and verifying the hash chain.

The events are real directory events (units, departments, people) decided by the domain and
recorded through Kaohe's store (chained, group-committed), in a schema of their own
(`bench_history`), so the running gateway does not project them while other figures are
measured. Replay rebuilds the directory read model from them into a fresh schema with the
gateway's own projection and runner; its baseline is a raw scan of the same table in the same
batches. Verification runs `services.audit.verify` over them; its baseline is hashlib
over the same bytes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import random
import time
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import uuid4

import asyncpg
import psycopg
from psycopg import sql

from gateway.directory.projection import DirectoryProjection
from gateway.log import ServiceLog
from gateway.projections.runner import BATCH, catch_up, create_read_schema
from kernel.chain import GENESIS
from kernel.context import CommandContext, acting
from kernel.roles import Role
from services.audit.verify import verify_service
from services.directory.application import Directory
from services.directory.domain import Unit
from services.directory.vocabulary import DepartmentCategory, PositionCategory

SCHEMA = "bench_history"
REPLAY_SCHEMA = "bench_replay"
PEOPLE_PER_UNIT = 200
SAVE_EVENTS = 2000


class HistoryDirectory(Directory):
    """The directory application, recording into the bench's own schema."""

    name = "directory"
    schema: ClassVar[str] = SCHEMA

    @classmethod
    def postgres_env(cls, database_url: str, *, reader: bool = False) -> dict[str, str]:
        """The bench's scratch log, which no migration makes: its schema made here, its tables
        by the library."""
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
        return {**super().postgres_env(database_url, reader=reader), "CREATE_TABLE": "y"}


def generate(database: str, events: int, rng: random.Random) -> dict[str, Any]:
    """Record `events` directory events: units of up to 200 people in 8 departments."""
    app = HistoryDirectory.on_postgres(database)
    ctx = CommandContext(
        actor_id=uuid4(), actor_role=Role.APPRAISAL_OFFICE, now=datetime.now(UTC), tenant_id=None
    )
    started = time.perf_counter()
    made = 0
    pending: list[Unit] = []
    try:
        with acting(ctx):
            while made < events:
                unit = Unit(name="生成单位", code=f"H-{rng.randrange(16**10):010X}")
                day = date(2025, 1, 1)
                departments = [
                    unit.open_department(f"科室{i}", DepartmentCategory.GENERAL, None, day)
                    for i in range(min(8, max(1, events - made - 1)))
                ]
                room = min(PEOPLE_PER_UNIT, events - made - len(unit.pending_events))
                for i in range(max(0, room)):
                    unit.add_person(
                        f"同事{i}",
                        f"p{i}",
                        PositionCategory.GENERAL,
                        departments[i % len(departments)],
                        day,
                    )
                made += len(unit.pending_events)
                pending.append(unit)
                if sum(len(u.pending_events) for u in pending) >= SAVE_EVENTS:
                    app.save(*pending)
                    pending = []
            if pending:
                app.save(*pending)
    finally:
        app.close()
    return {"events": made, "generate_seconds": round(time.perf_counter() - started, 2)}


async def _replay(database: str) -> dict[str, Any]:
    projection = DirectoryProjection(REPLAY_SCHEMA)
    # The projection reads the generated log instead of the live directory's.
    projection.log = ServiceLog(service="directory", schema=SCHEMA)
    conn: asyncpg.Connection = await asyncpg.connect(database)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {REPLAY_SCHEMA} CASCADE")
        await create_read_schema(conn, REPLAY_SCHEMA, [projection])
        started = time.perf_counter()
        applied = await catch_up(conn, REPLAY_SCHEMA, projection)
        replay_seconds = time.perf_counter() - started
        started = time.perf_counter()
        scanned, after = 0, 0
        while rows := await conn.fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {SCHEMA}.directory_events WHERE notification_id > $1 "
            "ORDER BY notification_id LIMIT $2",
            after,
            BATCH,
        ):
            scanned += len(rows)
            after = rows[-1]["notification_id"]
        scan_seconds = time.perf_counter() - started
    finally:
        await conn.close()
    return {
        "events": applied,
        "replay_seconds": round(replay_seconds, 3),
        "replay_events_per_second": round(applied / replay_seconds, 1) if replay_seconds else 0,
        "scan_events": scanned,
        "scan_seconds": round(scan_seconds, 3),
        "scan_events_per_second": round(scanned / scan_seconds, 1) if scan_seconds else 0,
    }


def replay(database: str) -> dict[str, Any]:
    """Rebuild the directory read model from the generated log, beside a raw scan of it."""
    result = asyncio.run(_replay(database))
    result["ratio"] = (
        round(result["replay_events_per_second"] / result["scan_events_per_second"], 3)
        if result["scan_events_per_second"]
        else None
    )
    return result


@dataclasses.dataclass(frozen=True)
class _Verified:
    events: int
    ok: bool
    seconds: float


def verify(database: str) -> dict[str, Any]:
    """`services.audit.verify` over the generated log, beside sha256 chaining the same bytes."""
    started = time.perf_counter()
    report = verify_service(database, "directory", schema=SCHEMA)
    verified = _Verified(report.events, report.ok, time.perf_counter() - started)
    with psycopg.connect(database) as conn:
        states = [
            bytes(r[0])
            for r in conn.execute(
                f"SELECT state FROM {SCHEMA}.directory_events ORDER BY notification_id"
            )
        ]
    started = time.perf_counter()
    previous = GENESIS
    for state in states:
        previous = hashlib.sha256(previous + state).digest()
    hash_seconds = time.perf_counter() - started
    verify_rate = round(verified.events / verified.seconds, 1) if verified.seconds else 0.0
    hash_rate = round(len(states) / hash_seconds, 1) if hash_seconds else 0.0
    return {
        "events": verified.events,
        "chains_ok": verified.ok,
        "verify_seconds": round(verified.seconds, 4),
        "verify_events_per_second": verify_rate,
        "hashlib_seconds": round(hash_seconds, 6),
        "hashlib_events_per_second": hash_rate,
        "ratio": round(verify_rate / hash_rate, 3) if hash_rate else None,
    }
