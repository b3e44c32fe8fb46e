"""Waiting in background loops (projections, deliveries, the relay, the signers): for the first
of several events, or for a pause that `stop` cuts short.
"""

from __future__ import annotations

import asyncio


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
