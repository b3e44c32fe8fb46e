"""Read-your-writes: a mutation's answer waits until the projections have caught up with the
log positions its command produced.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg

from gateway.projections.runner import PROJECTED_CHANNEL


class ProjectionNotCaughtUpError(Exception):
    """The projection did not reach the command's position within the time allowed."""


class Freshness:
    """Tracks how far each projection of a read schema has got, from its NOTIFYs."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self._positions: dict[str, int] = {}
        self._changed = asyncio.Condition()
        self._conn: asyncpg.Connection | None = None

    async def start(self, dsn: str) -> None:
        """Listen for projection progress and read where each projection stands now."""
        self._conn = await asyncpg.connect(dsn)
        await self._conn.add_listener(PROJECTED_CHANNEL, self._on_notify)
        rows = await self._conn.fetch("SELECT service, position FROM " + self.schema + ".tracking")
        for row in rows:
            self._advance(row["service"], row["position"])

    async def stop(self) -> None:
        """Stop listening."""
        if self._conn is not None:
            await self._conn.close()

    def position(self, service: str) -> int:
        """The last position of `service` known to be projected."""
        return self._positions.get(service, 0)

    def _on_notify(self, _c: object, _pid: int, _channel: str, payload: object) -> None:
        assert isinstance(payload, str)
        schema, service, position = payload.split(":")
        if schema == self.schema:
            self._advance(service, int(position))
            asyncio.get_running_loop().create_task(self._notify_all())

    def _advance(self, service: str, position: int) -> None:
        self._positions[service] = max(position, self._positions.get(service, 0))

    async def _notify_all(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, service: str, position: int, timeout: float) -> None:
        """Return once `service` is projected up to `position`."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self.position(service) >= position)

    async def wait_quietly(self, service: str, position: int, timeout: float) -> bool:
        """Like `wait_for`, answering False instead of raising on time-out."""
        with contextlib.suppress(TimeoutError):
            await self.wait_for(service, position, timeout)
            return True
        return False
