"""Webhook delivery, following Standard Webhooks v1 (signed by the `standardwebhooks` library).

Each subscription is delivered in order: its cursor moves past an event only once the receiver
has answered 2xx, so a receiver that fails, times out or answers 500 gets the same event again
(same `webhook-id`, fresh timestamp and signature) after a backoff from the retry schedule with
jitter, or after its `Retry-After` if that is longer, and everything after it only then. At
least once: a receiver may see an event twice (a 2xx lost on the way) and de-duplicates by
`webhook-id`. A receiver failing for longer than `disable_after` seconds has the event it is stuck
on dead-lettered and the subscription disabled; a 410 Gone disables it at once. Every attempt is
recorded (status, latency, a bounded snippet of the reply) in the transaction that moves the
cursor or schedules the retry.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from uuid import UUID

import asyncpg
import httpx
import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from standardwebhooks.webhooks import Webhook

from gateway.integrations import dingtalk, metrics, outbound
from gateway.integrations.cursor import Cursor
from gateway.integrations.envelope import RecordedEvent, redacted_event, to_json_bytes
from gateway.integrations.feed import Conn, EventFilter, read_log, read_page, services
from gateway.integrations.scopes import NO_PERSONAL_FIELDS, Scope
from gateway.integrations.store import SCHEMA, WEBHOOKS_CHANNEL, hold_lock
from gateway.integrations.subscriptions import subscription_scope
from kernel.settings import Settings
from kernel.waiting import first_of, pause

log = structlog.get_logger("kaohe.integrations.webhooks")

LOCK = "kaohe.webhooks"
# Standard Webhooks' suggested schedule: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
DEFAULT_SCHEDULE = "0,5,300,1800,7200,18000,36000,36000"


@dataclasses.dataclass(frozen=True)
class WebhookSettings:
    """How deliveries are retried and when a failing endpoint is given up on."""

    schedule: tuple[float, ...] = tuple(float(s) for s in DEFAULT_SCHEDULE.split(","))
    jitter: float = 0.2
    disable_after: float = 5 * 86400.0
    timeout: float = 10.0
    batch: int = 50
    concurrency: int = 8
    policy: outbound.OutboundPolicy = dataclasses.field(default_factory=outbound.OutboundPolicy)

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookSettings:
        """The delivery settings the environment describes."""
        return cls(
            schedule=tuple(float(s) for s in settings.kaohe_webhook_retry_schedule.split(",")),
            disable_after=settings.kaohe_webhook_disable_after_seconds,
            timeout=settings.kaohe_webhook_timeout_seconds,
            policy=outbound.policy(settings.kaohe_outbound_allow),
        )

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds before the next attempt after `failures` failures in a row."""
        base = self.schedule[min(failures, len(self.schedule) - 1)]
        jittered = base * random.uniform(1 - self.jitter, 1 + self.jitter)
        return max(jittered, retry_after or 0.0)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one attempt got back."""

    status_code: int | None
    error: str | None
    latency_ms: float
    snippet: str | None
    retry_after: float | None
    refused: bool = False

    @property
    def succeeded(self) -> bool:
        """Only a 2xx is a success (and, for DingTalk, only with errcode 0)."""
        ok = self.status_code is not None and 200 <= self.status_code < 300
        return ok and self.error is None

    @property
    def gone(self) -> bool:
        """The receiver said the endpoint is gone for good."""
        return self.status_code == 410

    @property
    def final(self) -> bool:
        """Retrying cannot help: the receiver is gone, or the outbound policy refuses it."""
        return self.gone or self.refused

    def describe(self) -> str:
        """The failure in words (a status line at most of what the receiver said)."""
        return self.error or outbound.status_line(self.status_code) or "no answer"


def signed_request(
    secret: str,
    event: RecordedEvent,
    cursor: str | None,
    now: datetime,
    signing_key: bytes | None = None,
    scope: Scope = NO_PERSONAL_FIELDS,
) -> tuple[bytes, dict[str, str]]:
    """The body and Standard Webhooks headers of one delivery attempt.

    Signed `v1` (HMAC-SHA256, by the `standardwebhooks` library) and, with a `signing_key`, also
    `v1a` (Ed25519 over the same `{id}.{timestamp}.{body}`, which the library cannot make yet):
    receivers verify whichever they hold the key for.
    """
    body = to_json_bytes(event, cursor, scope)
    signature = Webhook(secret).sign(event.event_id, now, body.decode())
    if signing_key is not None:
        signed = f"{event.event_id}.{int(now.timestamp())}.".encode() + body
        v1a = Ed25519PrivateKey.from_private_bytes(signing_key).sign(signed)
        signature += " v1a," + base64.b64encode(v1a).decode()
    headers = {
        "webhook-id": event.event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/cloudevents+json",
        "user-agent": "Kaohe-Webhooks/1",
    }
    return body, headers


def _retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    with contextlib.suppress(TypeError, ValueError):
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    return None


async def send(
    http: httpx.AsyncClient,
    url: str,
    secret: str,
    event: RecordedEvent,
    cursor: str | None,
    timeout: float,
    kind: str = "STANDARD",
    signing_key: bytes | None = None,
    scope: Scope = NO_PERSONAL_FIELDS,
) -> Outcome:
    """POST one signed event, as `scope` may see it; never raises for what the receiver, the
    network or the outbound policy did (a refusal by the policy is an outcome with `refused`).
    """
    now = datetime.now(UTC)
    started = time.perf_counter()
    refusal = None
    try:
        outbound.check_url(url)
        if kind == "DINGTALK":
            shown = redacted_event(event, scope)
            response, refusal = await dingtalk.post(http, url, secret, shown, timeout)
        else:
            body, headers = signed_request(secret, event, cursor, now, signing_key, scope)
            response = await http.post(url, content=body, headers=headers, timeout=timeout)
    except outbound.OutboundRefusedError as exc:
        error = f"refused by the outbound policy ({exc.rule}): {exc.message}"
        return Outcome(None, error, _ms(started), None, None, refused=True)
    except httpx.TimeoutException:
        return Outcome(None, f"timed out after {timeout:g} s", _ms(started), None, None)
    except httpx.HTTPError as exc:
        error = outbound.sanitised(f"{type(exc).__name__}: {exc}")
        return Outcome(None, error, _ms(started), None, None)
    return Outcome(
        response.status_code,
        refusal,
        _ms(started),
        outbound.status_line(response.status_code),
        _retry_after(response.headers.get("retry-after"), now),
    )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


async def record_attempt(
    conn: Conn,
    subscription_id: UUID,
    event: RecordedEvent,
    kind: str,
    attempt: int,
    attempted_at: datetime,
    outcome: Outcome,
) -> None:
    """Record one attempt (in the caller's transaction) and count it."""
    metrics.webhook_attempt(kind, outcome.succeeded)
    await conn.execute(
        f"INSERT INTO {SCHEMA}.webhook_attempts (subscription_id, event_id, event_type, service, "
        "position, kind, attempt, attempted_at, status_code, error, latency_ms, "
        "response_snippet, succeeded) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        subscription_id,
        UUID(event.event_id),
        event.type,
        event.service,
        event.position,
        kind,
        attempt,
        attempted_at,
        outcome.status_code,
        outcome.error,
        outcome.latency_ms,
        outcome.snippet,
        outcome.succeeded,
    )


async def deliver_subscription(
    conn: Conn,
    http: httpx.AsyncClient,
    sub: asyncpg.Record,
    settings: WebhookSettings,
) -> int:
    """Deliver a subscription's next events in order until one fails; returns how many succeeded."""
    cursor = Cursor.decode(sub["cursor"], field="cursor")
    event_filter = EventFilter(
        unit_id=sub["unit_id"], types=frozenset(sub["types"]) if sub["types"] else None
    )
    page = await read_page(conn, cursor, event_filter, settings.batch)
    failures, failing_since = sub["failures"], sub["failing_since"]
    delivered = 0
    stored: str = sub["cursor"]
    for event, after in page.events:
        attempted_at = datetime.now(UTC)
        outcome = await send(
            http,
            sub["url"],
            sub["secret"],
            event,
            after.encode(),
            settings.timeout,
            sub["kind"],
            sub["signing_key"],
            subscription_scope(sub["kind"], sub["scope"]),
        )
        async with conn.transaction():
            await record_attempt(
                conn, sub["id"], event, "DELIVERY", failures + 1, attempted_at, outcome
            )
            if outcome.succeeded:
                if not await _move_cursor(conn, sub["id"], stored, after.encode()):
                    return delivered
                stored, failures, failing_since = after.encode(), 0, None
                delivered += 1
                continue
            failures += 1
            failing_since = failing_since or attempted_at
            await _failed(
                conn, sub["id"], stored, event, outcome, failures, failing_since, settings
            )
            return delivered
    if page.cursor.encode() != stored:
        # Every accepted event was delivered: step over the rows the filter left out too.
        await _move_cursor(conn, sub["id"], stored, page.cursor.encode())
    return delivered


async def _move_cursor(conn: Conn, sub_id: UUID, old: str, new: str) -> bool:
    """Move the cursor unless the office replayed or paused it meanwhile."""
    result = await conn.execute(
        f"UPDATE {SCHEMA}.webhook_subscriptions SET cursor = $3, failures = 0, "
        "failing_since = NULL, next_attempt_at = NULL, updated_at = now() "
        "WHERE id = $1 AND cursor = $2 AND status = 'ACTIVE'",
        sub_id,
        old,
        new,
    )
    return str(result) != "UPDATE 0"


async def _failed(
    conn: Conn,
    sub_id: UUID,
    stored: str,
    event: RecordedEvent,
    outcome: Outcome,
    failures: int,
    failing_since: datetime,
    settings: WebhookSettings,
) -> None:
    now = datetime.now(UTC)
    given_up = (now - failing_since).total_seconds() >= settings.disable_after
    if outcome.final or given_up:
        reason = (
            "the receiver answered 410 Gone"
            if outcome.gone
            else outcome.describe()
            if outcome.refused
            else f"failing since {failing_since.isoformat()}: {outcome.describe()}"
        )
        disabled = await conn.execute(
            f"UPDATE {SCHEMA}.webhook_subscriptions SET status = 'DISABLED', disabled_reason = $2, "
            "failures = $3, failing_since = $4, next_attempt_at = NULL, updated_at = now() "
            "WHERE id = $1 AND cursor = $5",
            sub_id,
            reason,
            failures,
            failing_since,
            stored,
        )
        if str(disabled) == "UPDATE 0":
            return  # the office replayed meanwhile: this failure is of an old position
        await conn.execute(
            f"INSERT INTO {SCHEMA}.webhook_dead_letters (subscription_id, event_id, event_type, "
            "service, position, dead_at, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (subscription_id, event_id) DO UPDATE SET dead_at = excluded.dead_at, "
            "last_error = excluded.last_error",
            sub_id,
            UUID(event.event_id),
            event.type,
            event.service,
            event.position,
            now,
            outcome.describe(),
        )
        metrics.WEBHOOK_DEAD_LETTERS.inc()
        log.warning("webhook_disabled", subscription=str(sub_id), reason=reason)
        return
    retry_at = now + timedelta(seconds=settings.delay(failures, outcome.retry_after))
    await conn.execute(
        f"UPDATE {SCHEMA}.webhook_subscriptions SET failures = $2, failing_since = $3, "
        "next_attempt_at = $4, updated_at = now() WHERE id = $1 AND cursor = $5",
        sub_id,
        failures,
        failing_since,
        retry_at,
        stored,
    )


async def redeliver_requested(
    conn: Conn, http: httpx.AsyncClient, settings: WebhookSettings
) -> int:
    """Carry out the redeliveries the office asked for (one attempt each, recorded)."""
    rows = await conn.fetch(
        f"SELECT r.id, r.subscription_id, r.service, r.position, s.url, s.secret, s.kind, "
        "s.signing_key, s.scope "
        f"FROM {SCHEMA}.webhook_requests r JOIN {SCHEMA}.webhook_subscriptions s "
        "ON s.id = r.subscription_id WHERE r.kind = 'REDELIVER' AND r.done_at IS NULL "
        "ORDER BY r.id LIMIT 100"
    )
    for row in rows:
        events = await read_log(conn, row["service"], row["position"] - 1, 1)
        attempted_at = datetime.now(UTC)
        async with conn.transaction():
            if events:
                event = events[0]
                outcome = await send(
                    http,
                    row["url"],
                    row["secret"],
                    event,
                    None,
                    settings.timeout,
                    row["kind"],
                    row["signing_key"],
                    subscription_scope(row["kind"], row["scope"]),
                )
                count = await conn.fetchval(
                    f"SELECT count(*) FROM {SCHEMA}.webhook_attempts "
                    "WHERE subscription_id = $1 AND event_id = $2",
                    row["subscription_id"],
                    UUID(event.event_id),
                )
                await record_attempt(
                    conn,
                    row["subscription_id"],
                    event,
                    "REDELIVERY",
                    int(count) + 1,
                    attempted_at,
                    outcome,
                )
            await conn.execute(
                f"UPDATE {SCHEMA}.webhook_requests SET done_at = now() WHERE id = $1", row["id"]
            )
    return len(rows)


async def due_subscriptions(conn: Conn) -> list[asyncpg.Record]:
    """Active subscriptions whose next attempt is due."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT * FROM {SCHEMA}.webhook_subscriptions WHERE status = 'ACTIVE' "
        "AND (next_attempt_at IS NULL OR next_attempt_at <= now()) ORDER BY created_at"
    )
    return rows


async def next_due_in(conn: Conn) -> float | None:
    """Seconds until the earliest scheduled retry, if any."""
    value = await conn.fetchval(
        f"SELECT extract(epoch FROM min(next_attempt_at) - now()) "
        f"FROM {SCHEMA}.webhook_subscriptions WHERE status = 'ACTIVE'"
    )
    return None if value is None else max(0.0, float(value))


async def dispatch_once(
    pool: asyncpg.Pool, http: httpx.AsyncClient, settings: WebhookSettings
) -> int:
    """One round: every due subscription (concurrently, each in order), then redeliveries."""
    async with pool.acquire() as conn:
        subs = await due_subscriptions(conn)
    gate = asyncio.Semaphore(settings.concurrency)

    async def one(sub: asyncpg.Record) -> int:
        async with gate, pool.acquire() as conn:
            return await deliver_subscription(conn, http, sub, settings)

    delivered = sum(await asyncio.gather(*(one(s) for s in subs)))
    async with pool.acquire() as conn:
        await redeliver_requested(conn, http, settings)
    return delivered


async def run_webhooks(
    dsn: str, settings: WebhookSettings, stop: asyncio.Event, poll: float = 1.0
) -> None:
    """Deliver until `stop`, woken by new events, changed subscriptions and retries falling due."""
    lock: asyncpg.Connection = await asyncpg.connect(dsn)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=settings.concurrency + 1)
    http = outbound.client(settings.policy)
    woken = asyncio.Event()
    try:
        while not await hold_lock(lock, LOCK):
            if await pause(stop, poll):
                return
        for channel in [*(f"{s}_events" for s in services()), WEBHOOKS_CHANNEL]:
            await lock.add_listener(channel, lambda *_: woken.set())
        while not stop.is_set():
            woken.clear()
            await dispatch_once(pool, http, settings)
            wait = poll
            async with pool.acquire() as conn:
                due = await next_due_in(conn)
            if due is not None:
                wait = min(wait, due)
            await first_of(wait, woken, stop)
    finally:
        await http.aclose()
        await pool.close()
        await lock.close()
