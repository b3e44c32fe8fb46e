"""The write-path floor: a bare FastAPI endpoint that inserts one comparable row with asyncpg.

Run by the bench in its own uvicorn process: `uvicorn bench.baseline_app:create_app --factory`,
with BENCH_DATABASE_URL naming the database.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import asyncpg
from fastapi import FastAPI, Request

DDL = """
CREATE SCHEMA IF NOT EXISTS bench_baseline;
CREATE TABLE IF NOT EXISTS bench_baseline.rows (
    id bigserial PRIMARY KEY, originator_id uuid NOT NULL, originator_version int NOT NULL,
    topic text NOT NULL, state bytea NOT NULL);
"""


def create_app() -> FastAPI:
    """The baseline app: POST /rows inserts one row, GET /health answers 200."""
    url = os.environ["BENCH_DATABASE_URL"]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(url, min_size=4, max_size=32)
        async with pool.acquire() as conn:
            await conn.execute(DDL)
        app.state.pool = pool
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/rows", status_code=201)
    async def insert(request: Request) -> dict[str, Any]:
        body = await request.json()
        pool: asyncpg.Pool = request.app.state.pool
        async with pool.acquire() as conn:
            row_id = await conn.fetchval(
                "INSERT INTO bench_baseline.rows (originator_id, originator_version, topic, state) "
                "VALUES ($1, 1, 'bench:Row', $2) RETURNING id",
                uuid4(),
                json.dumps(body).encode(),
            )
        return {"id": row_id}

    return app
