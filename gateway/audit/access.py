"""The access log: who read whose appraisal records, when, through which query.

Reading another person's records (their goal sets, monthly summaries, feedback, dossier; later
their appraisal) is itself a record, so it lives outside the read models (which replay rebuilds
and may replace) in its own schema, `audit.access_log` (made by the migrations), append-only: a
trigger refuses every UPDATE, DELETE and TRUNCATE, since nothing recorded is ever edited; and
hash-chained like the service logs (each row's hash covers the previous row's and the row's
canonical bytes), so an edit made by someone who dropped the trigger shows up in
`kaohe audit verify`.

A response that carries another person's records is sent only after its reads are committed (a
read that could not be recorded is refused), and concurrent requests share one transaction
(group commit), so recording costs a read about one short transaction, not one per record.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import psycopg
import structlog

from kernel.chain import GENESIS, ChainVerifier, StoredRow, canonical_bytes, link
from kernel.labels import Labelled
from services.audit.verify import ServiceReport

log = structlog.get_logger("kaohe.access")

ACCESS_LOG = "access log"

INSERT = """
INSERT INTO audit.access_log (id, read_at, viewer_id, viewer_unit, viewer_roles, subject_id,
    subject_unit, record, query, correlation_id, hash)
SELECT r.id, r.read_at, r.viewer_id, r.viewer_unit, string_to_array(r.viewer_roles, ','),
    r.subject_id, r.subject_unit, r.record, r.query, r.correlation_id, r.hash
FROM unnest($1::bigint[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::text[], $6::uuid[],
    $7::uuid[], $8::text[], $9::text[], $10::text[], $11::bytea[])
    AS r(id, read_at, viewer_id, viewer_unit, viewer_roles, subject_id, subject_unit, record,
         query, correlation_id, hash)
"""


class AccessedRecord(Labelled):
    """What kind of appraisal record was read; `label` is the Chinese term."""

    GOAL_SET = "GOAL_SET", "目标"
    MONTHLY_SUMMARY = "MONTHLY_SUMMARY", "月小结"
    FEEDBACK = "FEEDBACK", "表扬与投诉"
    DOSSIER = "DOSSIER", "考核档案"
    APPRAISAL = "APPRAISAL", "季度考核"


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccessRead:
    """One person's records read by someone else, through one query of one request."""

    read_at: datetime
    viewer_id: UUID
    viewer_unit: UUID | None
    viewer_roles: tuple[str, ...]
    subject_id: UUID
    subject_unit: UUID | None
    record: AccessedRecord
    query: str
    correlation_id: str | None = None


def canonical_read(row_id: int, read: AccessRead) -> StoredRow:
    """The bytes of one access-log row that its chain hash covers, in the shape the kernel's
    chain verifier reads (see `kernel.chain`): the row id, the subject, the record and query,
    and the rest as sorted JSON.
    """
    rest = {
        "read_at": read.read_at.astimezone(UTC).isoformat(),
        "viewer_id": str(read.viewer_id),
        "viewer_unit": str(read.viewer_unit) if read.viewer_unit else None,
        "viewer_roles": list(read.viewer_roles),
        "subject_unit": str(read.subject_unit) if read.subject_unit else None,
        "correlation_id": read.correlation_id,
    }
    state = json.dumps(rest, sort_keys=True, ensure_ascii=False).encode()
    return StoredRow(row_id, str(read.subject_id), 0, f"{read.record.value}:{read.query}", state)


def chain_hash(previous: bytes, row: StoredRow) -> bytes:
    """A row's chain hash, given the previous row's."""
    return link(
        previous,
        canonical_bytes(
            row.notification_id, row.originator_id, row.originator_version, row.topic, row.state
        ),
    )


async def write_reads(pool: asyncpg.Pool, reads: list[AccessRead]) -> None:
    """Append reads to the access log in one transaction, chained after the last row."""
    if not reads:
        return
    async with pool.acquire() as conn, conn.transaction():
        # One writer at a time across gateways, so the chain follows the ids.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('kaohe.access_log'))")
        last = await conn.fetchval("SELECT hash FROM audit.access_log ORDER BY id DESC LIMIT 1")
        previous = bytes(last) if last is not None else GENESIS
        ids = sorted(
            r["id"]
            for r in await conn.fetch(
                "SELECT nextval('audit.access_log_id_seq') AS id FROM generate_series(1, $1)",
                len(reads),
            )
        )
        hashes = []
        for row_id, read in zip(ids, reads, strict=True):
            previous = chain_hash(previous, canonical_read(row_id, read))
            hashes.append(previous)
        await conn.execute(
            INSERT,
            ids,
            [r.read_at for r in reads],
            [r.viewer_id for r in reads],
            [r.viewer_unit for r in reads],
            [",".join(r.viewer_roles) for r in reads],
            [r.subject_id for r in reads],
            [r.subject_unit for r in reads],
            [r.record.value for r in reads],
            [r.query for r in reads],
            [r.correlation_id for r in reads],
            hashes,
        )


def verify_access_log(database_url: str, batch: int = 5000) -> ServiceReport:
    """Recompute the access log's chain; name the first row that does not match."""
    verifier = ChainVerifier()
    with psycopg.connect(database_url) as conn:
        exists = conn.execute("SELECT to_regclass('audit.access_log')").fetchone()
        if exists is None or exists[0] is None:
            return ServiceReport(ACCESS_LOG, 0, None, None)
        with conn.cursor(name="verify_access_log") as cursor:
            cursor.itersize = batch
            cursor.execute(
                "SELECT id, read_at, viewer_id, viewer_unit, viewer_roles, subject_id, "
                "subject_unit, record, query, correlation_id, hash FROM audit.access_log "
                "ORDER BY id"
            )
            verifier.feed((canonical_read(r[0], _read_of(r)), r[0], bytes(r[10])) for r in cursor)
    head = verifier.previous.hex() if verifier.count else None
    return ServiceReport(ACCESS_LOG, verifier.count, head, verifier.broken)


def _read_of(r: tuple[Any, ...]) -> AccessRead:
    return AccessRead(
        read_at=r[1],
        viewer_id=r[2],
        viewer_unit=r[3],
        viewer_roles=tuple(r[4]),
        subject_id=r[5],
        subject_unit=r[6],
        record=AccessedRecord(r[7]),
        query=r[8],
        correlation_id=r[9],
    )


class AccessRecorder:
    """Group commit of reads: whatever requests are waiting go into the log in one INSERT."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._waiting: list[tuple[list[AccessRead], asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the writer."""
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Write what is waiting, then stop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._flush()

    async def record(self, reads: list[AccessRead]) -> None:
        """Return once `reads` are committed to the access log (raises if they could not be)."""
        if not reads:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((reads, done))
        self._wake.set()
        await done

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._flush()

    async def _flush(self) -> None:
        batch, self._waiting = self._waiting, []
        if not batch:
            return
        try:
            await write_reads(self._pool, [read for reads, _ in batch for read in reads])
        except (asyncpg.PostgresError, OSError) as exc:
            log.error("access_log_write_failed", error=str(exc), reads=len(batch))
            for _, done in batch:
                if not done.done():
                    done.set_exception(exc)
            return
        for _, done in batch:
            if not done.done():
                done.set_result(None)
