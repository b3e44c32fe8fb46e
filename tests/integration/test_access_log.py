"""The access log on a real PostgreSQL: concurrent reads share one group commit, and nothing
recorded can be edited, deleted or truncated.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import pytest

from gateway.audit.access import (
    AccessedRecord,
    AccessRead,
    AccessRecorder,
    verify_access_log,
)


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database, min_size=1, max_size=4)
    yield pool
    await pool.close()


def read() -> AccessRead:
    return AccessRead(
        read_at=datetime.now(UTC),
        viewer_id=uuid4(),
        viewer_unit=uuid4(),
        viewer_roles=("APPRAISEE", "DEPARTMENT_HEAD"),
        subject_id=uuid4(),
        subject_unit=None,
        record=AccessedRecord.GOAL_SET,
        query="goalSets",
    )


async def test_concurrent_requests_reads_are_all_committed_before_they_return(
    pool: asyncpg.Pool,
) -> None:
    recorder = AccessRecorder(pool)
    recorder.start()
    requests = [[read(), read()] for _ in range(20)]
    try:
        await asyncio.gather(*(recorder.record(r) for r in requests))
    finally:
        await recorder.stop()
    subjects = [r.subject_id for reads in requests for r in reads]
    rows = await pool.fetch(
        "SELECT subject_id, viewer_roles FROM audit.access_log WHERE subject_id = ANY($1)",
        subjects,
    )
    assert sorted(r["subject_id"] for r in rows) == sorted(subjects)
    assert all(r["viewer_roles"] == ["APPRAISEE", "DEPARTMENT_HEAD"] for r in rows)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit.access_log SET query = 'nothing to see'",
        "DELETE FROM audit.access_log",
        "TRUNCATE audit.access_log",
    ],
)
async def test_nothing_recorded_in_the_access_log_can_be_edited_or_removed(
    pool: asyncpg.Pool, statement: str
) -> None:
    recorder = AccessRecorder(pool)
    recorder.start()
    await recorder.record([read()])
    await recorder.stop()
    before = await pool.fetchval("SELECT count(*) FROM audit.access_log")
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await pool.execute(statement)
    assert await pool.fetchval("SELECT count(*) FROM audit.access_log") == before


async def test_an_access_log_row_edited_behind_the_triggers_back_is_named_by_verification(
    pool: asyncpg.Pool, database: str
) -> None:
    recorder = AccessRecorder(pool)
    recorder.start()
    await asyncio.gather(*(recorder.record([read(), read()]) for _ in range(3)))
    await recorder.stop()
    intact = verify_access_log(database)
    assert intact.ok
    assert intact.events >= 6
    row = await pool.fetchrow(
        "SELECT id, query FROM audit.access_log ORDER BY id DESC OFFSET 2 LIMIT 1"
    )
    assert row is not None
    victim, original = row["id"], row["query"]
    # An administrator who can drop the guard can edit the row; the chain still gives it away.
    async with pool.acquire() as conn:
        await conn.execute("ALTER TABLE audit.access_log DISABLE TRIGGER access_log_append_only")
        try:
            await conn.execute("UPDATE audit.access_log SET query = 'me' WHERE id = $1", victim)
            broken = verify_access_log(database)
            await conn.execute(
                "UPDATE audit.access_log SET query = $2 WHERE id = $1", victim, original
            )
        finally:
            await conn.execute("ALTER TABLE audit.access_log ENABLE TRIGGER access_log_append_only")
    assert broken.broken is not None
    assert broken.broken.notification_id == victim
    assert verify_access_log(database).ok
