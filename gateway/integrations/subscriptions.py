"""Webhook subscriptions as the unit's appraisal office manages them: create (the signing secret
is shown once, in the answer), pause and resume, replay from a cursor, redeliver one event.

Subscriptions are operational settings of the integration, not facts of the appraisal: they live
in the `integrations` schema, changed in place, with every replay and redelivery request kept in
`webhook_requests` (who asked, when) and every attempt in `webhook_attempts`.
"""

from __future__ import annotations

import base64
import re
import secrets
from uuid import UUID, uuid4

import asyncpg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.integrations import outbound
from gateway.integrations.cursor import Cursor
from gateway.integrations.feed import Conn, services
from gateway.integrations.scopes import Scope, parse_scope
from gateway.integrations.store import SCHEMA, WEBHOOKS_CHANNEL
from kernel.errors import NotFoundError, RuleViolatedError
from kernel.labels import Labelled

TYPE_PATTERN = re.compile(
    r"^kaohe\.[a-z_]+\.[A-Za-z]+\.v[0-9]+$|^kaohe\.([a-z_]+\.([A-Za-z]+)?)?\*$"
)


class SubscriptionStatus(Labelled):
    """Where a subscription stands; `label` is the Chinese term."""

    ACTIVE = "ACTIVE", "启用"
    PAUSED = "PAUSED", "已暂停"
    DISABLED = "DISABLED", "已停用(投递持续失败)"


class ReceiverKind(Labelled):
    """What receives a subscription's events; `label` is the Chinese term."""

    STANDARD = "STANDARD", "标准 Webhook"
    DINGTALK = "DINGTALK", "钉钉群机器人"


class AttemptKind(Labelled):
    """Why an attempt was made; `label` is the Chinese term."""

    DELIVERY = "DELIVERY", "投递"
    REDELIVERY = "REDELIVERY", "重新投递"


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_signing_key() -> bytes:
    """A fresh Ed25519 private key (raw 32 bytes) for `v1a` signatures."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def public_key(signing_key: bytes) -> str:
    """The Standard Webhooks public key (`whpk_` and base64) receivers verify `v1a` with."""
    raw = (
        Ed25519PrivateKey.from_private_bytes(signing_key)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return "whpk_" + base64.b64encode(raw).decode()


def check_types(types: list[str] | None, field: str = "types") -> list[str] | None:
    """Event types (`kaohe.goals.Approved.v1`) or prefixes (`kaohe.goals.*`), or a refusal."""
    if not types:
        return None
    for kind in types:
        if not TYPE_PATTERN.fullmatch(kind):
            raise RuleViolatedError(
                "integrations.event_type",
                # Quoted at most 80 characters: the message is no echo of a megabyte.
                f"{field}: {kind[:80]!r} is neither an event type like kaohe.goals.Approved.v1 "
                "nor a prefix like kaohe.goals.*",
                field=field,
            )
    return sorted(set(types))


# What a DingTalk robot needs of the weekly reports it posts: who, and their work.
DINGTALK_SCOPE = ("fields:identity", "fields:work")


def check_scope(classes: list[str] | None, kind: ReceiverKind = ReceiverKind.STANDARD) -> list[str]:
    """A subscription's scope as stored: the classes of personal fields it receives (`contact`
    or `fields:contact`), or a refusal naming `scope`; none given: none for a webhook, the
    weekly reports' for a DingTalk robot.
    """
    if classes is None:
        return list(DINGTALK_SCOPE) if kind is ReceiverKind.DINGTALK else []
    tokens = [c if c.startswith("fields:") else f"fields:{c}" for c in classes]
    return parse_scope(tokens, field="scope").tokens()


def subscription_scope(kind: str, tokens: list[str] | None) -> Scope:
    """What a subscription receives of each event (a row made before scopes: the default)."""
    if tokens is None:
        tokens = check_scope(None, ReceiverKind(kind))
    return parse_scope(tokens, strict=False)


async def end_of_logs(conn: Conn) -> Cursor:
    """The cursor just after everything recorded so far."""
    cursor = Cursor()
    for service in services():
        if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", f"{service}.{service}_events"):
            last = await conn.fetchval(
                f'SELECT max(notification_id) FROM "{service}"."{service}_events"'
            )
            cursor = cursor.advanced(service, int(last or 0))
    return cursor


async def _notify(conn: Conn) -> None:
    await conn.execute("SELECT pg_notify($1, '')", WEBHOOKS_CHANNEL)


async def create(
    conn: Conn,
    *,
    unit_id: UUID,
    url: str,
    types: list[str] | None,
    active: bool,
    start_after: str | None,
    created_by: UUID,
    kind: ReceiverKind = ReceiverKind.STANDARD,
    secret: str | None = None,
    scope: list[str] | None = None,
) -> tuple[asyncpg.Record, str]:
    """A new subscription and its secret (the only time the secret is shown).

    A Standard Webhooks receiver gets a secret made here; a DingTalk robot comes with the secret
    DingTalk gave the group (`secret`). `scope`: the classes of personal fields it receives
    (`check_scope`).
    """
    # The rules that need no DNS; the caller vets where the host resolves (OutboundPolicy.vet_url).
    outbound.check_url(url)
    kinds = check_types(types)
    granted = check_scope(scope, kind)
    if kind is ReceiverKind.DINGTALK and not 1 <= len((secret or "").strip()) <= 200:
        # DingTalk's secrets are 'SEC' and 64 hex digits; 200 leaves room, a megabyte does not.
        raise RuleViolatedError(
            "integrations.dingtalk_secret",
            "secret: the robot's signing secret (加签, SEC...) is required, at most 200 characters",
            field="secret",
        )
    cursor = (
        Cursor.decode(start_after, field="startAfter")
        if start_after is not None
        else await end_of_logs(conn)
    )
    secret = secret.strip() if kind is ReceiverKind.DINGTALK and secret else new_secret()
    status = SubscriptionStatus.ACTIVE if active else SubscriptionStatus.PAUSED
    row = await conn.fetchrow(
        f"INSERT INTO {SCHEMA}.webhook_subscriptions (id, unit_id, url, types, secret, status, "
        "cursor, created_by, kind, signing_key, scope) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *",
        uuid4(),
        unit_id,
        url,
        kinds,
        secret,
        status.value,
        cursor.encode(),
        created_by,
        kind.value,
        new_signing_key() if kind is ReceiverKind.STANDARD else None,
        granted,
    )
    await _notify(conn)
    assert row is not None
    return row, secret


async def get(conn: Conn, subscription_id: UUID) -> asyncpg.Record:
    """The subscription, or NotFoundError naming the argument."""
    row = await conn.fetchrow(
        f"SELECT * FROM {SCHEMA}.webhook_subscriptions WHERE id = $1", subscription_id
    )
    if row is None:
        raise NotFoundError(
            "integrations.subscription_exists",
            f"no webhook subscription {subscription_id}",
            field="subscriptionId",
        )
    return row


async def set_active(conn: Conn, subscription_id: UUID, active: bool) -> asyncpg.Record:
    """Pause, or resume (also a disabled one: its failure count starts again) a subscription."""
    await get(conn, subscription_id)
    if active:
        row = await conn.fetchrow(
            f"UPDATE {SCHEMA}.webhook_subscriptions SET status = 'ACTIVE', disabled_reason = NULL, "
            "failures = 0, failing_since = NULL, next_attempt_at = NULL, updated_at = now() "
            "WHERE id = $1 RETURNING *",
            subscription_id,
        )
    else:
        row = await conn.fetchrow(
            f"UPDATE {SCHEMA}.webhook_subscriptions SET status = 'PAUSED', updated_at = now() "
            "WHERE id = $1 RETURNING *",
            subscription_id,
        )
    await _notify(conn)
    assert row is not None
    return row


async def replay(
    conn: Conn, subscription_id: UUID, after: str, requested_by: UUID
) -> asyncpg.Record:
    """Deliver again, in order, everything after the cursor `after`."""
    cursor = Cursor.decode(after, field="after")
    await get(conn, subscription_id)
    async with conn.transaction():
        row = await conn.fetchrow(
            f"UPDATE {SCHEMA}.webhook_subscriptions SET cursor = $2, failures = 0, "
            "failing_since = NULL, next_attempt_at = NULL, updated_at = now() "
            "WHERE id = $1 RETURNING *",
            subscription_id,
            cursor.encode(),
        )
        await conn.execute(
            f"INSERT INTO {SCHEMA}.webhook_requests (subscription_id, kind, cursor, requested_by, "
            "done_at) VALUES ($1, 'REPLAY', $2, $3, now())",
            subscription_id,
            cursor.encode(),
            requested_by,
        )
        await _notify(conn)
    assert row is not None
    return row


async def redeliver(conn: Conn, subscription_id: UUID, event_id: UUID, requested_by: UUID) -> int:
    """Ask for one more attempt at an event already attempted for this subscription."""
    await get(conn, subscription_id)
    found = await conn.fetchrow(
        f"SELECT service, position FROM {SCHEMA}.webhook_attempts "
        "WHERE subscription_id = $1 AND event_id = $2 LIMIT 1",
        subscription_id,
        event_id,
    )
    if found is None:
        raise NotFoundError(
            "integrations.event_attempted",
            f"event {event_id} was never sent to subscription {subscription_id}; "
            "replay from a cursor to send events it has not seen",
            field="eventId",
        )
    request_id = await conn.fetchval(
        f"INSERT INTO {SCHEMA}.webhook_requests (subscription_id, kind, event_id, service, "
        "position, requested_by) VALUES ($1, 'REDELIVER', $2, $3, $4, $5) RETURNING id",
        subscription_id,
        event_id,
        found["service"],
        found["position"],
        requested_by,
    )
    await _notify(conn)
    return int(request_id)
