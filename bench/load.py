"""The load generator: runs in its own process and drives HTTP (httpx) or SQL (asyncpg) load
over loopback with a fixed number of concurrent workers.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx


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
    errors = 0
    first_error: str | None = None
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def worker() -> None:
            nonlocal errors, first_error
            while True:
                try:
                    call = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    answer = await client.request(
                        call.method, call.url, json=call.json, headers=call.headers
                    )
                except httpx.HTTPError as exc:
                    errors += 1
                    first_error = first_error or repr(exc)
                    continue
                elapsed = time.perf_counter() - started
                failed = answer.status_code >= 400
                body: Any = None
                if not failed and (keep or "graphql" in call.url):
                    body = answer.json() if answer.content else None
                if not failed and isinstance(body, dict) and body.get("errors"):
                    failed = True
                if failed:
                    errors += 1
                    first_error = first_error or f"{answer.status_code} {answer.text[:300]}"
                    continue
                latencies.append(elapsed)
                if keep:
                    bodies.append(body)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return Outcome(latencies, errors, seconds, first_error, bodies)


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
    errors = 0
    first_error: str | None = None

    async def worker() -> None:
        nonlocal remaining, errors, first_error
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            try:
                async with pool.acquire() as conn:
                    await conn.fetch(query, *args)
            except (asyncpg.PostgresError, OSError) as exc:
                errors += 1
                first_error = first_error or repr(exc)
                continue
            latencies.append(time.perf_counter() - started)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    finally:
        await pool.close()
    return Outcome(latencies, errors, seconds, first_error, [])


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
    errors = 0
    first_error: str | None = None
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one(call: Call) -> None:
            nonlocal errors, first_error
            try:
                answer = await client.request(
                    call.method, call.url, json=call.json, headers=call.headers
                )
            except httpx.HTTPError as exc:
                errors += 1
                first_error = first_error or repr(exc)
                return
            if answer.status_code >= 400:
                errors += 1
                first_error = first_error or f"{answer.status_code} {answer.text[:300]}"
                return
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
    lags: list[float] = []
    unseen = 0
    for at, position in answered:
        seen = next((t for t, p in projected if p >= position), None)
        if seen is None:
            unseen += 1
        else:
            # The projection can finish before the answer reaches the client: that is no lag.
            lags.append(max(0.0, seen - at))
    return Lag(rate, len(answered) / sending, len(calls), errors, lags, unseen, first_error)


def run_lag(
    calls: list[Call], rate: float, database_url: str, channel: str, tag: str, timeout: float = 30
) -> Lag:
    """Send `calls` at `rate` per second; time each until a NOTIFY on `channel` tagged `tag`
    says the projection has reached the position the command answered with.
    """
    return asyncio.run(_lag(calls, rate, database_url, channel, tag, timeout))
