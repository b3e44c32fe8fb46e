"""Waiting in background loops (projections, deliveries, the relay, the signers): for the first
of several events, or for a pause that `stop` cuts short; and keeping such a loop running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger("kaohe.workers")


async def first_of(seconds: float, *events: asyncio.Event) -> None:
    """Wait until any of `events` is set, `seconds` at the most."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def pause(stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds`, or less if `stop` is set meanwhile; whether it is set."""
    await first_of(seconds, stop)
    return stop.is_set()


async def supervise(
    name: str,
    work: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    expected: tuple[type[Exception], ...],
) -> None:
    """Keep a background worker running until `stop`; restart it a second after it fails.

    A failure of an `expected` kind (a lost connection) is logged in a line; anything else is a
    bug, logged with its traceback, and the worker starts again all the same: a worker that died
    silently would stop every delivery, or every signature, until the process restarts.
    """
    while not stop.is_set():
        try:
            await work()
        except expected as exc:
            log.warning("worker_restarting", worker=name, error=str(exc))
        except Exception:
            log.exception("worker_failed", worker=name)
        await pause(stop, 1.0)
