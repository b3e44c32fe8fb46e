"""The projection writer on a real PostgreSQL: whatever a projection sends through it, in any
order, the tables end as they would had every statement been sent in turn, row ids included,
and every read inside the batch sees every write before it.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import gateway.projections.writer as writer_module
from gateway.projections.writer import ProjectionWriter

SCHEMA_SQL = """
CREATE TABLE {s}.a (id bigserial PRIMARY KEY, k int NOT NULL UNIQUE, v text, w text);
CREATE TABLE {s}.b (id bigserial PRIMARY KEY, k int NOT NULL, v text);
"""

# (kind, statement, how many parameters): the shapes the projections use.
INSERT_A = "INSERT INTO {s}.a (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING"
INSERT_B = "INSERT INTO {s}.b (k, v) VALUES ($1, $2)"
INSERT_B_OTHER = "INSERT INTO {s}.b (k, v) VALUES ($1, 'x' || $2)"
STAMP_V = "UPDATE {s}.a SET v = $2 WHERE k = $1"
STAMP_W = "UPDATE {s}.a SET w = $2, v = upper($2) WHERE k = $1"
UPDATE_B = "UPDATE {s}.b SET v = v || $2 WHERE k = $1"
COUNT = (
    "SELECT count(*) || ':' || "
    "coalesce(string_agg(k || v || coalesce(w, ''), ',' ORDER BY id), '') FROM {s}.a"
)

operations = st.lists(
    st.tuples(
        st.sampled_from(
            ["insert_a", "insert_b", "insert_b_other", "stamp_v", "stamp_w", "update_b", "read"]
        ),
        st.integers(0, 4),
        st.sampled_from(["p", "q", "r"]),
    ),
    max_size=40,
)


async def _run(
    conn: asyncpg.Connection, schema: str, ops: list[tuple[str, int, str]], through_writer: bool
) -> tuple[list[Any], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    def sql(template: str) -> str:
        return template.format(s=schema)

    reads: list[Any] = []
    async with conn.transaction():
        if through_writer:
            async with ProjectionWriter(conn) as w:
                for kind, k, v in ops:
                    if kind == "insert_a":
                        await w.insert(sql(INSERT_A), k, v)
                    elif kind == "insert_b":
                        await w.insert(sql(INSERT_B), k, v)
                    elif kind == "insert_b_other":
                        await w.insert(sql(INSERT_B_OTHER), k, v)
                    elif kind == "stamp_v":
                        await w.stamp(sql(STAMP_V), k, k, v)
                    elif kind == "stamp_w":
                        await w.stamp(sql(STAMP_W), k, k, v)
                    elif kind == "update_b":
                        await w.execute(sql(UPDATE_B), k, v)
                    else:
                        reads.append(await w.fetchval(sql(COUNT)))
        else:
            statements = {
                "insert_a": INSERT_A,
                "insert_b": INSERT_B,
                "insert_b_other": INSERT_B_OTHER,
                "stamp_v": STAMP_V,
                "stamp_w": STAMP_W,
                "update_b": UPDATE_B,
            }
            for kind, k, v in ops:
                if kind == "read":
                    reads.append(await conn.fetchval(sql(COUNT)))
                else:
                    await conn.execute(sql(statements[kind]), k, v)
    a = [tuple(r) for r in await conn.fetch(f"SELECT id, k, v, w FROM {schema}.a ORDER BY id")]
    b = [tuple(r) for r in await conn.fetch(f"SELECT id, k, v FROM {schema}.b ORDER BY id")]
    return reads, a, b


async def _compare(database: str, ops: list[tuple[str, int, str]]) -> None:
    conn: asyncpg.Connection = await asyncpg.connect(database)
    schemas = [f"w_{uuid4().hex[:12]}" for _ in range(2)]
    try:
        for schema in schemas:
            await conn.execute(f"CREATE SCHEMA {schema}")
            await conn.execute(SCHEMA_SQL.format(s=schema))
        direct = await _run(conn, schemas[0], ops, through_writer=False)
        written = await _run(conn, schemas[1], ops, through_writer=True)
        assert written == direct
    finally:
        for schema in schemas:
            await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations, chunk=st.sampled_from([1, 3, 2000]))
# A later stamp of a row after another statement's stamp of it: the last stamps keep their order.
@example(
    ops=[("insert_a", 1, "p"), ("stamp_v", 1, "p"), ("stamp_w", 1, "q"), ("stamp_v", 1, "r")],
    chunk=2000,
)
# A stamp before its row exists stamps nothing, even if the row's insert is queued after it.
@example(ops=[("stamp_v", 2, "q"), ("insert_a", 2, "p")], chunk=2000)
def test_writes_through_the_writer_end_as_statements_sent_in_turn(
    database: str, ops: list[tuple[str, int, str]], chunk: int
) -> None:
    saved = writer_module.CHUNK
    writer_module.CHUNK = chunk  # small chunks: several in flight while the batch goes on
    try:
        asyncio.run(_compare(database, ops))
    finally:
        writer_module.CHUNK = saved


def test_a_failed_chunk_fails_the_batch_and_leaves_nothing(database: str) -> None:
    async def scenario() -> None:
        conn: asyncpg.Connection = await asyncpg.connect(database)
        schema = f"w_{uuid4().hex[:12]}"
        try:
            await conn.execute(f"CREATE SCHEMA {schema}")
            await conn.execute(SCHEMA_SQL.format(s=schema))

            async def batch() -> None:
                async with conn.transaction(), ProjectionWriter(conn) as w:
                    await w.insert(INSERT_B.format(s=schema), 1, "p")
                    await w.insert(INSERT_B.format(s=schema), None, "q")

            with pytest.raises(asyncpg.NotNullViolationError):
                await batch()
            assert await conn.fetchval(f"SELECT count(*) FROM {schema}.b") == 0
            # The connection is free again for the next batch.
            assert await conn.fetchval("SELECT 1") == 1
        finally:
            await conn.execute(f"DROP SCHEMA {schema} CASCADE")
            await conn.close()

    asyncio.run(scenario())
