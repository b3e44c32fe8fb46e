"""The projections' metrics: how many events each live projection has applied, and how far it
is behind its log (the log's head position minus the projected one), per service log. Replays
into scratch schemas are not counted: only the runner that keeps the live read schema measures.
"""

from __future__ import annotations

import asyncpg
from prometheus_client import Counter, Gauge

from gateway.log import ServiceLog

PROJECTED_EVENTS = Counter(
    "kaohe_projection_events",
    "Events the live projections applied (or set aside), by service log",
    ["service"],
)
PROJECTION_LAG = Gauge(
    "kaohe_projection_lag_events",
    "Events recorded in a service log and not projected yet: the log's head position minus "
    "the projected position, measured after each batch and at least every second",
    ["service"],
)


def lag(head: int, projected: int) -> int:
    """How many positions the projection is behind (never below zero: a log read before the
    projection's last commit may look shorter than it is)."""
    return max(head - projected, 0)


async def measure(conn: asyncpg.Connection, schema: str, log: ServiceLog, applied: int) -> None:
    """Count `applied` events of `log`'s projection and measure its lag now."""
    PROJECTED_EVENTS.labels(log.service).inc(applied)
    row = await conn.fetchrow(
        f"SELECT (SELECT max(notification_id) FROM {log.table}) AS head, "
        f"(SELECT position FROM {schema}.tracking WHERE service = $1) AS projected",
        log.service,
    )
    assert row is not None
    PROJECTION_LAG.labels(log.service).set(lag(row["head"] or 0, row["projected"] or 0))
