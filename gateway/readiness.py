"""The gateway's readiness checks (`GET /ready`, kernel/readiness.py): its read pool answers, each
projection runs, and none lags its log by more than KAOHE_READY_MAX_LAG events. A gateway that
has just started on a long log is not ready until it has caught up: its answers would be stale.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

import asyncpg

from gateway.log import DATABASE_LOST, ServiceLog
from kernel.readiness import Check, running


def projections_caught_up(
    pool: asyncpg.Pool,
    schema: str,
    logs: Sequence[ServiceLog],
    tasks: Sequence[asyncio.Task[None]],
    bound: int,
) -> Check:
    """Every projection task runs, and each log's projection is within `bound` of its head."""

    async def check() -> str | None:
        if problem := await running(dict(zip((log.service for log in logs), tasks, strict=True)))():
            return problem
        behind = []
        try:
            async with pool.acquire() as proxy:
                # A pooled connection is a proxy for a Connection, which ServiceLog's queries take.
                conn = cast(asyncpg.Connection, proxy)
                rows = await conn.fetch(f"SELECT service, position FROM {schema}.tracking")
                projected = {row["service"]: row["position"] for row in rows}
                for log in logs:
                    if not await log.exists(conn):
                        continue  # the service has recorded nothing yet
                    lag = await log.last_position(conn) - projected.get(log.service, 0)
                    if lag > bound:
                        behind.append(f"{log.service} {lag} events behind")
        except DATABASE_LOST:
            return "the database does not answer"
        return "; ".join(behind) or None

    return check
