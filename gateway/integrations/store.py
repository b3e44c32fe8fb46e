"""The delivery workers' own state, in the `integrations` schema of the shared PostgreSQL:
how far each relay has got in each service log (updated in the transaction that records what was
delivered), webhook subscriptions and every delivery attempt.
"""

from __future__ import annotations

import asyncpg
from asyncpg.pool import PoolConnectionProxy

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
CREATE TABLE IF NOT EXISTS {SCHEMA}.webhook_subscriptions (
    id uuid PRIMARY KEY,
    unit_id uuid NOT NULL,
    kind text NOT NULL DEFAULT 'STANDARD',
    url text NOT NULL,
    types text[],
    secret text NOT NULL,
    signing_key bytea,
    status text NOT NULL,
    disabled_reason text,
    cursor text NOT NULL DEFAULT '',
    failures integer NOT NULL DEFAULT 0,
    failing_since timestamptz,
    next_attempt_at timestamptz,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Columns added after the table's first version.
ALTER TABLE {SCHEMA}.webhook_subscriptions ADD COLUMN IF NOT EXISTS signing_key bytea;
-- The personal fields it receives (scope tokens, `fields:contact`); NULL: made before scopes.
ALTER TABLE {SCHEMA}.webhook_subscriptions ADD COLUMN IF NOT EXISTS scope text[];
CREATE INDEX IF NOT EXISTS webhook_subscriptions_unit ON {SCHEMA}.webhook_subscriptions (unit_id);
CREATE TABLE IF NOT EXISTS {SCHEMA}.webhook_attempts (
    id bigserial PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES {SCHEMA}.webhook_subscriptions (id),
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    service text NOT NULL,
    position bigint NOT NULL,
    kind text NOT NULL,
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL,
    status_code integer,
    error text,
    latency_ms double precision NOT NULL,
    response_snippet text,
    succeeded boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_attempts_subscription
    ON {SCHEMA}.webhook_attempts (subscription_id, id);
CREATE INDEX IF NOT EXISTS webhook_attempts_event
    ON {SCHEMA}.webhook_attempts (subscription_id, event_id);
CREATE TABLE IF NOT EXISTS {SCHEMA}.webhook_dead_letters (
    subscription_id uuid NOT NULL REFERENCES {SCHEMA}.webhook_subscriptions (id),
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    service text NOT NULL,
    position bigint NOT NULL,
    dead_at timestamptz NOT NULL,
    last_error text NOT NULL,
    PRIMARY KEY (subscription_id, event_id)
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.webhook_requests (
    id bigserial PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES {SCHEMA}.webhook_subscriptions (id),
    kind text NOT NULL,
    event_id uuid,
    service text,
    position bigint,
    cursor text,
    requested_by uuid NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    done_at timestamptz
);
"""

WEBHOOKS_CHANNEL = "kaohe_webhooks"


async def create_schema(conn: asyncpg.Connection | PoolConnectionProxy) -> None:
    """Create the integrations schema and its tables (idempotent, safe under concurrent starts)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('kaohe.ddl'))")
        await conn.execute(DDL)


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
