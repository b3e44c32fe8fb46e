"""Webhook delivery on a real PostgreSQL to a real local receiver: in order, at least once,
retried while the receiver fails, dead-lettered and disabled when it keeps failing, replayed and
redelivered on request, every attempt recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import asyncpg
import pytest
from prometheus_client import REGISTRY

from gateway.integrations import outbound, subscriptions
from gateway.integrations.cursor import Cursor
from gateway.integrations.feed import EventFilter, read_page
from gateway.integrations.store import SCHEMA
from gateway.integrations.webhooks import WebhookSettings, dispatch_once, run_webhooks
from tests.integration.recorded import record_unit
from tests.receiver import DingTalkRobot, Receiver, allowing_receivers

FAST = WebhookSettings(
    schedule=(0, 0.05, 0.1, 0.2), disable_after=3600, timeout=0.5, policy=allowing_receivers()
)
OFFICE = uuid4()


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    db = await asyncpg.create_pool(database, min_size=1, max_size=10)
    yield db
    await db.close()


async def unit_event_ids(pool: asyncpg.Pool, unit: UUID) -> list[str]:
    """Every event of the unit, page after page as a consumer reads them: the session's
    database holds other tests' units too, more than one page of them."""
    ids: list[str] = []
    cursor = Cursor()
    async with pool.acquire() as conn:
        while True:
            page = await read_page(conn, cursor, EventFilter(unit_id=unit), limit=1000)
            ids += [e.event_id for e, _ in page.events]
            if not page.has_more:
                return ids
            cursor = page.cursor


async def recorded_unit(database: str, pool: asyncpg.Pool, people: int) -> tuple[UUID, list[str]]:
    """A unit recorded with `people` members, and the ids of its events."""
    unit = record_unit(database, people=people)
    return unit, await unit_event_ids(pool, unit)


async def create(
    pool: asyncpg.Pool,
    unit: UUID,
    url: str,
    types: list[str] | None,
    kind: subscriptions.ReceiverKind = subscriptions.ReceiverKind.STANDARD,
    secret: str | None = None,
) -> tuple[asyncpg.Record, str]:
    """An active subscription of the office's from the start of the log, and its secret."""
    async with pool.acquire() as conn:
        return await subscriptions.create(
            conn,
            unit_id=unit,
            url=url,
            types=types,
            active=True,
            start_after=Cursor().encode(),
            created_by=OFFICE,
            kind=kind,
            secret=secret,
        )


async def subscribe(
    pool: asyncpg.Pool, unit: UUID, receiver: Receiver, types: list[str] | None = None
) -> UUID:
    row, receiver.secret = await create(pool, unit, receiver.url, types)
    sub_id: UUID = row["id"]
    return sub_id


async def deliver_until(pool: asyncpg.Pool, done: object, settings: WebhookSettings = FAST) -> None:
    """Run delivery rounds until `done()` holds (or a generous minute has passed)."""
    assert callable(done)
    deadline = time.monotonic() + 60
    async with outbound.client(allowing_receivers()) as http:
        while not done() and time.monotonic() < deadline:
            await dispatch_once(pool, http, settings)
            await asyncio.sleep(0.05)


async def subscription(pool: asyncpg.Pool, sub_id: UUID) -> asyncpg.Record:
    row = await pool.fetchrow(f"SELECT * FROM {SCHEMA}.webhook_subscriptions WHERE id = $1", sub_id)
    assert row is not None
    return row


async def attempts(pool: asyncpg.Pool, sub_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        f"SELECT * FROM {SCHEMA}.webhook_attempts WHERE subscription_id = $1 ORDER BY id", sub_id
    )
    return rows


def _attempts_counted(outcome: str) -> float:
    labels = {"kind": "delivery", "outcome": outcome}
    return REGISTRY.get_sample_value("kaohe_webhook_attempts_total", labels) or 0.0


async def test_a_receiver_that_fails_for_a_while_gets_every_event_once_in_order(
    database: str, pool: asyncpg.Pool
) -> None:
    unit = record_unit(database, people=4)
    record_unit(database, people=2)  # another unit's events must not arrive
    expected = await unit_event_ids(pool, unit)
    receiver = Receiver(plan=[500, "timeout", "retry-after", 502, 429], slow=2.0)
    delivered, failed = _attempts_counted("delivered"), _attempts_counted("failed")
    with receiver.running():
        sub_id = await subscribe(pool, unit, receiver)
        await deliver_until(pool, lambda: len(receiver.accepted) >= len(expected))

    assert receiver.accepted == expected
    # Counted too (at least: other tests' subscriptions may be delivered in the same rounds).
    assert _attempts_counted("delivered") - delivered >= len(expected)
    assert _attempts_counted("failed") - failed >= 5
    assert receiver.rejected == []
    # The failures were all on the first event, retried with the same webhook-id.
    assert {r.webhook_id for r in receiver.requests[:6]} == {expected[0]}
    recorded = await attempts(pool, sub_id)
    assert [a["succeeded"] for a in recorded] == [False] * 5 + [True] * len(expected)
    assert [a["status_code"] for a in recorded[:5]] == [500, None, 503, 502, 429]
    assert "timed out" in recorded[1]["error"]
    assert [a["attempt"] for a in recorded[:6]] == [1, 2, 3, 4, 5, 6]
    assert [a["response_snippet"] for a in recorded[:5]] == [
        "HTTP 500 Internal Server Error",
        None,
        "HTTP 503 Service Unavailable",
        "HTTP 502 Bad Gateway",
        "HTTP 429 Too Many Requests",
    ]
    sub = await subscription(pool, sub_id)
    assert sub["status"] == "ACTIVE"
    assert sub["failures"] == 0


async def test_a_receiver_failing_past_the_limit_is_disabled_and_its_event_dead_lettered(
    database: str, pool: asyncpg.Pool
) -> None:
    unit, expected = await recorded_unit(database, pool, people=1)
    receiver = Receiver(plan=[500] * 1000)
    give_up = WebhookSettings(schedule=(0, 0.05), disable_after=0.3, timeout=0.5)
    with receiver.running():
        sub_id = await subscribe(pool, unit, receiver)

        async def status() -> str:
            return str(
                await pool.fetchval(
                    f"SELECT status FROM {SCHEMA}.webhook_subscriptions WHERE id = $1", sub_id
                )
            )

        deadline = time.monotonic() + 60
        async with outbound.client(allowing_receivers()) as http:
            while await status() != "DISABLED" and time.monotonic() < deadline:
                await dispatch_once(pool, http, give_up)
                await asyncio.sleep(0.05)
        assert await status() == "DISABLED"
        dead = await pool.fetch(
            f"SELECT * FROM {SCHEMA}.webhook_dead_letters WHERE subscription_id = $1", sub_id
        )
        assert [str(d["event_id"]) for d in dead] == [expected[0]]
        assert dead[0]["last_error"] == "HTTP 500 Internal Server Error"
        # Disabled: no further attempts, whatever is due.
        before = len(await attempts(pool, sub_id))
        async with outbound.client(allowing_receivers()) as http:
            await dispatch_once(pool, http, give_up)
        assert len(await attempts(pool, sub_id)) == before

        # The office resumes it once the receiver is fixed: delivery goes on from the dead event.
        receiver.plan.clear()
        async with pool.acquire() as conn:
            await subscriptions.set_active(conn, sub_id, active=True)
        await deliver_until(pool, lambda: len(receiver.accepted) >= len(expected))
    assert receiver.accepted == expected


async def test_a_410_gone_disables_the_subscription_at_once(
    database: str, pool: asyncpg.Pool
) -> None:
    unit = record_unit(database, people=1)
    receiver = Receiver(plan=["gone"])
    dead = REGISTRY.get_sample_value("kaohe_webhook_dead_letters_total") or 0.0
    with receiver.running():
        sub_id = await subscribe(pool, unit, receiver)
        await deliver_until(pool, lambda: len(receiver.requests) >= 1)
    sub = await subscription(pool, sub_id)
    assert sub["status"] == "DISABLED"
    assert "410" in sub["disabled_reason"]
    assert (REGISTRY.get_sample_value("kaohe_webhook_dead_letters_total") or 0.0) >= dead + 1


async def test_replay_from_a_cursor_and_redelivery_of_one_event_send_them_again(
    database: str, pool: asyncpg.Pool
) -> None:
    unit, expected = await recorded_unit(database, pool, people=3)
    receiver = Receiver()
    with receiver.running():
        sub_id = await subscribe(pool, unit, receiver)
        await deliver_until(pool, lambda: len(receiver.accepted) >= len(expected))
        assert receiver.accepted == expected

        # Replay from the cursor carried by the second event: everything after it, in order.
        cursor = str(receiver.requests[1].body["cursor"])
        async with pool.acquire() as conn:
            await subscriptions.replay(conn, sub_id, cursor, OFFICE)
        await deliver_until(pool, lambda: len(receiver.accepted) >= 2 * len(expected) - 2)
        assert receiver.accepted == expected + expected[2:]

        async with pool.acquire() as conn:
            await subscriptions.redeliver(conn, sub_id, UUID(expected[0]), OFFICE)
        await deliver_until(pool, lambda: len(receiver.accepted) >= 2 * len(expected) - 1)
        assert receiver.accepted[-1] == expected[0]
    kinds = [a["kind"] for a in await attempts(pool, sub_id)]
    assert kinds.count("REDELIVERY") == 1


async def test_a_type_filter_sends_only_those_types(database: str, pool: asyncpg.Pool) -> None:
    unit = record_unit(database, people=2)
    receiver = Receiver()
    with receiver.running():
        await subscribe(pool, unit, receiver, types=["kaohe.directory.PersonJoined.v1"])
        await deliver_until(pool, lambda: len(receiver.accepted) >= 2)
    assert [r.body["type"] for r in receiver.requests] == ["kaohe.directory.PersonJoined.v1"] * 2


async def test_a_dingtalk_robot_gets_each_event_as_signed_markdown_retried_while_busy(
    database: str, pool: asyncpg.Pool
) -> None:
    unit = record_unit(database, people=2)
    robot = DingTalkRobot(secret="SEC" + uuid4().hex, busy=2)
    with robot.running():
        row, _ = await create(
            pool,
            unit,
            robot.url,
            ["kaohe.directory.*"],
            kind=subscriptions.ReceiverKind.DINGTALK,
            secret=robot.secret,
        )
        await deliver_until(pool, lambda: len(robot.messages) >= 4)
    assert robot.refused == []
    assert [m["msgtype"] for m in robot.messages] == ["markdown"] * 4
    assert [m["markdown"]["title"] for m in robot.messages] == [
        "directory.Registered",
        "directory.DepartmentOpened",
        "directory.PersonJoined",
        "directory.PersonJoined",
    ]
    failed = [a for a in await attempts(pool, row["id"]) if not a["succeeded"]]
    assert [a["error"] for a in failed] == ["DingTalk errcode 130101: send too fast"] * 2


async def test_a_dingtalk_robot_refuses_a_message_signed_with_another_secret(
    database: str, pool: asyncpg.Pool
) -> None:
    unit = record_unit(database, people=1)
    robot = DingTalkRobot(secret="SEC" + uuid4().hex)
    with robot.running():
        row, _ = await create(
            pool,
            unit,
            robot.url,
            None,
            kind=subscriptions.ReceiverKind.DINGTALK,
            secret="SEC-not-the-robots",
        )
        await deliver_until(pool, lambda: len(robot.refused) >= 2)
    assert robot.messages == []
    recorded = await attempts(pool, row["id"])
    assert recorded
    assert not any(a["succeeded"] for a in recorded)
    assert recorded[0]["error"] == "DingTalk errcode 310000: sign not match"


async def test_a_webhook_worker_stopped_mid_delivery_resumes_with_no_gap(
    database: str, pool: asyncpg.Pool
) -> None:
    unit, expected = await recorded_unit(database, pool, people=8)
    receiver = Receiver(pace=0.1)

    async def until(condition: object) -> None:
        assert callable(condition)
        deadline = time.monotonic() + 60
        while not condition() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    with receiver.running():
        await subscribe(pool, unit, receiver)
        stop = asyncio.Event()
        first = asyncio.create_task(run_webhooks(database, FAST, stop, poll=0.1))
        await until(lambda: len(receiver.accepted) >= 2)
        first.cancel()  # as abruptly as asyncio allows: mid-request, mid-transaction
        with contextlib.suppress(asyncio.CancelledError):
            await first
        second = asyncio.create_task(run_webhooks(database, FAST, stop, poll=0.1))
        await until(lambda: set(receiver.accepted) >= set(expected))
        stop.set()
        await second
    first_seen = list(dict.fromkeys(receiver.accepted))
    assert first_seen == expected
    assert len(receiver.accepted) - len(first_seen) <= 1


SECRET = "root:x:0:0 INTERNAL-ONLY-7f3a"


async def test_a_receiver_answering_a_secret_body_leaves_only_its_status_line_on_record(
    database: str, pool: asyncpg.Pool
) -> None:
    unit, expected = await recorded_unit(database, pool, people=1)
    receiver = Receiver(plan=[500, 404, 200], body=SECRET)
    with receiver.running():
        sub_id = await subscribe(pool, unit, receiver)
        await deliver_until(pool, lambda: len(receiver.accepted) >= len(expected) - 1)
    recorded = await attempts(pool, sub_id)
    assert [a["response_snippet"] for a in recorded[:3]] == [
        "HTTP 500 Internal Server Error",
        "HTTP 404 Not Found",
        "HTTP 200 OK",
    ]
    stored = await pool.fetch(
        f"SELECT a::text FROM {SCHEMA}.webhook_attempts a WHERE subscription_id = $1", sub_id
    )
    assert not any("INTERNAL-ONLY" in row[0] for row in stored)


async def test_a_redirect_is_a_failed_attempt_and_is_never_followed(
    database: str, pool: asyncpg.Pool
) -> None:
    unit = record_unit(database, people=1)
    # Where the redirect points: the service on 127.0.0.1 (refused by the policy) and another
    # receiver the allow-list admits (following the redirect would have reached it).
    internal = Receiver(host="127.0.0.1")
    elsewhere = Receiver()
    receiver = Receiver(plan=["redirect", "redirect"], redirect_to=internal.url, body=SECRET)
    with receiver.running(), internal.running(), elsewhere.running():
        sub_id = await subscribe(pool, unit, receiver)
        await deliver_until(pool, lambda: len(receiver.requests) >= 1)
        receiver.redirect_to = elsewhere.url
        await deliver_until(pool, lambda: len(receiver.requests) >= 3)
    assert internal.requests == []
    assert elsewhere.requests == []
    recorded = await attempts(pool, sub_id)
    assert [(a["status_code"], a["succeeded"]) for a in recorded[:2]] == [(302, False)] * 2
    assert recorded[0]["response_snippet"] == "HTTP 302 Found"


async def test_a_delivery_the_policy_refuses_dead_letters_the_event_and_disables_the_hook(
    database: str, pool: asyncpg.Pool
) -> None:
    """A subscription from before the policy (or from outside GraphQL) to Kaohe's own address."""
    unit, expected = await recorded_unit(database, pool, people=1)
    internal = Receiver(host="127.0.0.1", body=SECRET)
    with internal.running():
        sub_id = await subscribe(pool, unit, internal)
        async with outbound.client(allowing_receivers()) as http:
            for _ in range(3):
                await dispatch_once(pool, http, FAST)
    assert internal.requests == []
    sub = await subscription(pool, sub_id)
    assert sub["status"] == "DISABLED"
    assert "integrations.url_address" in sub["disabled_reason"]
    recorded = await attempts(pool, sub_id)
    assert len(recorded) == 1
    assert recorded[0]["status_code"] is None
    assert "loopback" in recorded[0]["error"]
    dead = await pool.fetch(
        f"SELECT * FROM {SCHEMA}.webhook_dead_letters WHERE subscription_id = $1", sub_id
    )
    assert [str(d["event_id"]) for d in dead] == [expected[0]]
