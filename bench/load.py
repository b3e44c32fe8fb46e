"""The load generator: runs in its own process and drives HTTP (httpx) or SQL (asyncpg) load
over loopback with a fixed number of concurrent workers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import psycopg

from kernel.calendar import china_date
from kernel.context import CommandContext, acting
from kernel.roles import Role
from services.directory.reader import OrgChart
from services.feedback.application import Feedback
from services.feedback.vocabulary import FiledBy, TargetKind


@dataclass(frozen=True)
class Call:
    """One HTTP request to make."""

    method: str
    url: str
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a load produced: latencies of successes (s), failures, wall time, answers kept."""

    latencies: list[float]
    errors: int
    seconds: float
    first_error: str | None
    bodies: list[Any]


@dataclass
class _Failures:
    """The failed calls: how many, and the first described (the others are usually alike)."""

    count: int = 0
    first: str | None = None

    def add(self, description: str) -> None:
        self.count += 1
        self.first = self.first or description


async def _request(
    client: httpx.AsyncClient, call: Call, failures: _Failures
) -> httpx.Response | None:
    """The call's answer, or None (and a failure added) where it failed or was refused."""
    try:
        answer = await client.request(call.method, call.url, json=call.json, headers=call.headers)
    except httpx.HTTPError as exc:
        failures.add(repr(exc))
        return None
    if answer.status_code >= 400:
        failures.add(f"{answer.status_code} {answer.text[:300]}")
        return None
    return answer


def peak_rss_kib(pid: int | None = None) -> int | None:
    """VmHWM (peak resident set, KiB) of a process from /proc, or None if unreadable."""
    path = f"/proc/{pid or os.getpid()}/status"
    try:
        with open(path, encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


async def _http(calls: list[Call], concurrency: int, keep: bool) -> Outcome:
    queue: asyncio.Queue[Call] = asyncio.Queue()
    for call in calls:
        queue.put_nowait(call)
    latencies: list[float] = []
    bodies: list[Any] = []
    failures = _Failures()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def worker() -> None:
            while True:
                try:
                    call = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                answer = await _request(client, call, failures)
                if answer is None:
                    continue
                elapsed = time.perf_counter() - started
                body: Any = None
                if keep or "graphql" in call.url:
                    body = answer.json() if answer.content else None
                if isinstance(body, dict) and body.get("errors"):
                    failures.add(f"{answer.status_code} {answer.text[:300]}")
                    continue
                latencies.append(elapsed)
                if keep:
                    bodies.append(body)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return Outcome(latencies, failures.count, seconds, failures.first, bodies)


def run_http(calls: list[Call], concurrency: int, keep: bool = False) -> Outcome:
    """Make every call with `concurrency` workers; keep the JSON answers if asked."""
    return asyncio.run(_http(calls, concurrency, keep))


async def _sql(
    database_url: str, query: str, args: list[Any], total: int, concurrency: int
) -> Outcome:
    # At most 16 connections: the services' pools already hold most of max_connections (100).
    size = min(concurrency, 16)
    pool = await asyncpg.create_pool(database_url, min_size=size, max_size=size)
    remaining = total
    latencies: list[float] = []
    failures = _Failures()

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            try:
                async with pool.acquire() as conn:
                    await conn.fetch(query, *args)
            except (asyncpg.PostgresError, OSError) as exc:
                failures.add(repr(exc))
                continue
            latencies.append(time.perf_counter() - started)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    finally:
        await pool.close()
    return Outcome(latencies, failures.count, seconds, failures.first, [])


def run_sql(
    database_url: str, query: str, args: list[Any], total: int, concurrency: int
) -> Outcome:
    """Run `query` `total` times over a pool of `concurrency` connections."""
    return asyncio.run(_sql(database_url, query, args, total, concurrency))


def own_peak_rss() -> tuple[int, int | None]:
    """This process's pid and peak RSS (KiB): asked of the load generator's process."""
    return os.getpid(), peak_rss_kib()


@dataclass(frozen=True)
class Lag:
    """Projection lag under a paced write load."""

    offered_per_second: float
    achieved_per_second: float
    commands: int
    errors: int
    lags: list[float]  # seconds from each command's answer until its position was projected
    unseen: int  # commands whose position was not projected before the time-out
    first_error: str | None


async def _lag(
    calls: list[Call], rate: float, database_url: str, channel: str, tag: str, timeout: float
) -> Lag:
    projected: list[tuple[float, int]] = []
    conn: asyncpg.Connection = await asyncpg.connect(database_url)

    def heard(_c: object, _pid: int, _channel: str, payload: object) -> None:
        schema_service, _, position = str(payload).rpartition(":")
        if schema_service == tag:
            projected.append((time.perf_counter(), int(position)))

    await conn.add_listener(channel, heard)
    answered: list[tuple[float, int]] = []
    failures = _Failures()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one(call: Call) -> None:
            answer = await _request(client, call, failures)
            if answer is not None:
                answered.append((time.perf_counter(), max(answer.json()["positions"])))

        started = time.perf_counter()
        tasks = []
        for i, call in enumerate(calls):
            # An open loop: commands leave on schedule whether or not earlier ones have finished.
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(call)))
        await asyncio.gather(*tasks)
        sending = time.perf_counter() - started
    highest = max((p for _, p in answered), default=0)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and max((p for _, p in projected), default=0) < highest:
        await asyncio.sleep(0.01)
    await conn.close()
    lags, unseen = _lags(answered, projected)
    return Lag(
        rate, len(answered) / sending, len(calls), failures.count, lags, unseen, failures.first
    )


def _lags(
    answered: list[tuple[float, int]], projected: list[tuple[float, int]]
) -> tuple[list[float], int]:
    """Each command's lag from its answer to the first projection past its position, and how
    many were never seen projected."""
    lags: list[float] = []
    unseen = 0
    for at, position in answered:
        seen = next((t for t, p in projected if p >= position), None)
        if seen is None:
            unseen += 1
        else:
            # The projection can finish before the answer reaches the client: that is no lag.
            lags.append(max(0.0, seen - at))
    return lags, unseen


def run_lag(
    calls: list[Call], rate: float, database_url: str, channel: str, tag: str, timeout: float = 30
) -> Lag:
    """Send `calls` at `rate` per second; time each until a NOTIFY on `channel` tagged `tag`
    says the projection has reached the position the command answered with.
    """
    return asyncio.run(_lag(calls, rate, database_url, channel, tag, timeout))


def run_lag_in_process(
    database_url: str,
    unit: UUID,
    people: list[UUID],
    rate: float,
    seconds: float,
    channel: str,
    tag: str,
    timeout: float = 30,
) -> Lag:
    """Complaints filed by the feedback service's own application in this process (no HTTP) at
    `rate` per second, open loop, over 32 threads; each timed from its commit until a NOTIFY on
    `channel` tagged `tag` says the projection has reached it. For rates HTTP cannot reach here.
    """
    app = Feedback.on_postgres(database_url, org=OrgChart.on_postgres(database_url))
    answered: list[tuple[float, int]] = []
    failures = _Failures()
    office = CommandContext(
        actor_id=uuid4(),
        actor_role=Role.APPRAISAL_OFFICE,
        now=datetime.now(UTC),
        tenant_id=unit,
    )

    def one(target: UUID) -> None:
        try:
            with acting(dataclasses.replace(office, now=datetime.now(UTC))):
                committed = app.file_complaint(
                    unit,
                    TargetKind.PERSON,
                    target,
                    FiledBy.OFFICE_ON_BEHALF,
                    {"name": "来访者", "agency": "市财政局"},
                    "窗口服务态度需要改进。",
                    china_date(),
                    china_date(),
                )
        except Exception as exc:
            failures.add(repr(exc))
            return
        answered.append((time.perf_counter(), max(committed.positions)))

    # The listener has a process of its own: in this one it would wait for the GIL behind 32
    # command threads, and that wait would count as lag (perf_counter is the same clock in both).
    context = multiprocessing.get_context("spawn")
    receiving, sending_end = context.Pipe(duplex=False)
    stop = context.Event()
    listening = context.Event()
    listener = context.Process(
        target=_listen, args=(database_url, channel, tag, sending_end, listening, stop)
    )
    listener.start()
    listening.wait(30)
    total = int(rate * seconds)
    try:
        with ThreadPoolExecutor(max_workers=32) as pool:
            started = time.perf_counter()
            for i in range(total):
                # An open loop: commands leave on schedule whether or not earlier ones finished.
                delay = started + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(one, people[i % len(people)])
        sending = time.perf_counter() - started
        # Time for the projection to reach the last position; what it has not reached by then
        # is counted unseen.
        time.sleep(min(timeout, 2.0))
    finally:
        stop.set()
        projected: list[tuple[float, int]] = receiving.recv() if receiving.poll(30) else []
        listener.join(10)
        app.org.close()
        app.close()
    lags, unseen = _lags(answered, projected)
    return Lag(rate, len(answered) / sending, total, failures.count, lags, unseen, failures.first)


def _listen(
    database_url: str,
    channel: str,
    tag: str,
    out: Connection,
    listening: EventType,
    stop: EventType,
) -> None:
    """Collect (when, position) of each NOTIFY tagged `tag` until `stop`; send them on `out`."""
    projected: list[tuple[float, int]] = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"LISTEN {channel}")
        listening.set()
        while not stop.is_set():
            for note in conn.notifies(timeout=0.05, stop_after=1):
                schema_service, _, position = note.payload.rpartition(":")
                if schema_service == tag:
                    projected.append((time.perf_counter(), int(position)))
    out.send(projected)
