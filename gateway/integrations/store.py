"""The delivery workers' own state, in the `integrations` schema of the shared PostgreSQL:
how far each relay has got in each service log (updated in the transaction that records what was
delivered), webhook subscriptions and every delivery attempt.
"""

from __future__ import annotations

import asyncpg

SCHEMA = "integrations"

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.relay_positions (
    relay text NOT NULL,
    service text NOT NULL,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (relay, service)
);
"""


async def create_schema(conn: asyncpg.Connection) -> None:
    """Create the integrations schema and its tables (idempotent, safe under concurrent starts)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('kaohe.ddl'))")
        await conn.execute(DDL)


async def relay_position(conn: asyncpg.Connection, relay: str, service: str) -> int:
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
