"""The delivery workers' own state, in the `integrations` schema of the shared PostgreSQL:
how far each relay has got in each service log (updated in the transaction that records what was
delivered), webhook subscriptions and every delivery attempt. Its tables are made by the
migrations (kernel/migrations).
"""

from __future__ import annotations

import asyncpg
from asyncpg.pool import PoolConnectionProxy

SCHEMA = "integrations"

WEBHOOKS_CHANNEL = "kaohe_webhooks"


async def relay_position(
    conn: asyncpg.Connection | PoolConnectionProxy, relay: str, service: str
) -> int:
    """The last position of `service`'s log that `relay` has delivered."""
    value = await conn.fetchval(
        f"SELECT position FROM {SCHEMA}.relay_positions WHERE relay = $1 AND service = $2",
        relay,
        service,
    )
    return int(value or 0)


async def record_relay_position(
    conn: asyncpg.Connection, relay: str, service: str, position: int
) -> None:
    """Remember that `relay` has delivered `service`'s log up to `position` (never backwards)."""
    await conn.execute(
        f"INSERT INTO {SCHEMA}.relay_positions (relay, service, position) VALUES ($1, $2, $3) "
        "ON CONFLICT (relay, service) DO UPDATE SET "
        "position = greatest(relay_positions.position, excluded.position), updated_at = now()",
        relay,
        service,
        position,
    )


async def hold_lock(conn: asyncpg.Connection, name: str) -> bool:
    """Try to become the one worker running `name` (a session advisory lock on `conn`)."""
    return bool(await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", name))
