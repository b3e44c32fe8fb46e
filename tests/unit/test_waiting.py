"""Background loops' waiting (no I/O): the first of several events ends the wait, and a pause
says whether `stop` cut it short."""

from __future__ import annotations

import asyncio
import time

from kernel.waiting import first_of, pause


def test_the_first_event_set_ends_the_wait_and_its_waiters_are_gone() -> None:
    async def scenario() -> float:
        woken, stop = asyncio.Event(), asyncio.Event()
        asyncio.get_running_loop().call_later(0.01, woken.set)
        started = time.monotonic()
        await first_of(5.0, woken, stop)
        waited = time.monotonic() - started
        await asyncio.sleep(0)
        leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert leftover == []
        return waited

    assert asyncio.run(scenario()) < 5.0


def test_a_pause_says_whether_stop_was_set() -> None:
    async def scenario() -> tuple[bool, bool]:
        stop = asyncio.Event()
        quiet = await pause(stop, 0.01)
        asyncio.get_running_loop().call_later(0.01, stop.set)
        stopped = await pause(stop, 5.0)
        return quiet, stopped

    assert asyncio.run(scenario()) == (False, True)
