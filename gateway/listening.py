"""A LISTEN connection that outlives a PostgreSQL restart: lost, it connects again a second
later, listens again, and lets its owner read what it missed meanwhile (NOTIFYs sent while no
one listened are gone). Without it, a database restart left read-your-writes waiting on a dead
connection: every mutation answered NOT_YET_READABLE until the gateway was restarted.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import structlog

from gateway.log import DATABASE_LOST

log = structlog.get_logger()

Listener = Callable[[Any, int, str, Any], None]


class Listening:
    """Listen on `channels` at `dsn`; `caught_up(conn)` runs after each (re)connection."""

    def __init__(
        self,
        dsn: str,
        channels: Mapping[str, Listener],
        caught_up: Callable[[asyncpg.Connection], Awaitable[None]],
    ) -> None:
        self.dsn = dsn
        self.channels = channels
        self.caught_up = caught_up
        self._conn: asyncpg.Connection | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        """Connect now (a failure here is the caller's: the process is starting)."""
        await self._connect()

    async def stop(self) -> None:
        """Stop listening, and stop trying to."""
        self._stopping = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()

    async def _connect(self) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
        try:
            for channel, listener in self.channels.items():
                await conn.add_listener(channel, listener)
            await self.caught_up(conn)
        except BaseException:
            await conn.close()
            raise
        conn.add_termination_listener(self._lost)
        self._conn = conn

    def _lost(self, _conn: object) -> None:
        if not self._stopping and self._reconnecting is None:
            log.warning("listen_connection_lost", channels=sorted(self.channels))
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        try:
            while not self._stopping:
                await asyncio.sleep(1.0)
                try:
                    await self._connect()
                except DATABASE_LOST:
                    continue
                log.info("listening_again", channels=sorted(self.channels))
                return
        finally:
            self._reconnecting = None
