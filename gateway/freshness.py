"""Read-your-writes: a mutation's answer waits until the projections have caught up with the
log positions its command produced.

It also keeps the gateway's list of quarantined events (`gateway.projections.quarantine`): read
from the table at start, then from each `kaohe_quarantined` NOTIFY, which the runner sends before
the `kaohe_projected` of the same transaction. So a wait for a position that was quarantined
ends as soon as the runner has moved past it, with a READ_MODEL_INCOMPLETE error instead of a
time-out, and GraphQL answers can say which records lack an event without asking the database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from uuid import UUID

import asyncpg
from graphql import GraphQLError

from gateway.listening import Listening
from gateway.projections import quarantine
from gateway.projections.quarantine import CODE, QUARANTINED_CHANNEL, QUARANTINED_NOW, RULE
from gateway.projections.runner import PROJECTED_CHANNEL


class ProjectionNotCaughtUpError(Exception):
    """The projection did not reach the command's position within the time allowed."""


def incomplete_error(
    q: quarantine.Quarantined, record_id: UUID, path: list[str | int] | None = None
) -> GraphQLError:
    """The GraphQL error that says a record lacks the quarantined event `q`."""
    return GraphQLError(
        f"the read model of record {record_id} is incomplete: the {q.service} event at position "
        f"{q.position} could not be applied and was set aside (quarantined); what it changed is "
        "missing from this answer",
        path=path,
        extensions={
            "code": CODE,
            "rule": RULE,
            "service": q.service,
            "position": q.position,
            "recordId": str(record_id),
        },
    )


class Quarantine:
    """The events of one read schema that were quarantined, indexed for GraphQL answers."""

    def __init__(self) -> None:
        self.events: dict[tuple[str, int], quarantine.Quarantined] = {}
        # record id (text, as GraphQL shows it) -> the events its read model lacks
        self.by_record: dict[str, list[quarantine.Quarantined]] = defaultdict(list)
        # (service, unit id text) -> the events of that unit's records in that service
        self.by_unit: dict[tuple[str, str], list[quarantine.Quarantined]] = defaultdict(list)

    def __bool__(self) -> bool:
        return bool(self.events)

    def add(self, q: quarantine.Quarantined) -> None:
        """Note a quarantined event (once)."""
        if (q.service, q.position) in self.events:
            return
        self.events[(q.service, q.position)] = q
        for record in q.record_ids:
            self.by_record[str(record)].append(q)
        if q.unit_id is not None:
            self.by_unit[(q.service, str(q.unit_id))].append(q)
        QUARANTINED_NOW.labels(service=q.service).set(
            sum(1 for s, _ in self.events if s == q.service)
        )

    def at(self, service: str, position: int) -> quarantine.Quarantined | None:
        """The event quarantined at that position, if any."""
        return self.events.get((service, position))


class Freshness:
    """Tracks how far each projection of a read schema has got, from its NOTIFYs."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self._positions: dict[str, int] = {}
        self._changed = asyncio.Condition()
        self._listening: Listening | None = None
        self.quarantine = Quarantine()

    async def start(self, dsn: str) -> None:
        """Listen for projection progress and read where each projection stands now (again
        after each reconnection: what was NOTIFYed meanwhile was lost)."""
        channels = {PROJECTED_CHANNEL: self._on_notify, QUARANTINED_CHANNEL: self._on_quarantined}
        self._listening = Listening(dsn, channels, self._read_positions)
        await self._listening.start()

    async def _read_positions(self, conn: asyncpg.Connection) -> None:
        # The quarantine before the positions: what is quarantined meanwhile is NOTIFYed.
        for row in await conn.fetch(f"SELECT * FROM {self.schema}.quarantine"):
            self.quarantine.add(quarantine.from_row(row))
        rows = await conn.fetch("SELECT service, position FROM " + self.schema + ".tracking")
        for row in rows:
            self._advance(row["service"], row["position"])
        await self._notify_all()

    async def stop(self) -> None:
        """Stop listening."""
        if self._listening is not None:
            await self._listening.stop()

    def position(self, service: str) -> int:
        """The last position of `service` known to be projected."""
        return self._positions.get(service, 0)

    def _on_notify(self, _c: object, _pid: int, _channel: str, payload: object) -> None:
        assert isinstance(payload, str)
        schema, service, position = payload.split(":")
        if schema == self.schema:
            self._advance(service, int(position))
            asyncio.get_running_loop().create_task(self._notify_all())

    def _on_quarantined(self, _c: object, _pid: int, _channel: str, payload: object) -> None:
        found = quarantine.announced(str(payload))
        if found is not None and found[0] == self.schema:
            self.quarantine.add(found[1])

    def _advance(self, service: str, position: int) -> None:
        self._positions[service] = max(position, self._positions.get(service, 0))

    async def _notify_all(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, service: str, position: int, timeout: float) -> None:
        """Return once `service` is projected up to `position`; a GraphQL READ_MODEL_INCOMPLETE
        error if the event at `position` was quarantined instead.
        """
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self.position(service) >= position)
        q = self.quarantine.at(service, position)
        if q is not None:
            raise incomplete_error(q, q.originator_id)

    async def wait_quietly(self, service: str, position: int, timeout: float) -> bool:
        """Like `wait_for`, answering False instead of raising on time-out or quarantine."""
        with contextlib.suppress(TimeoutError, GraphQLError):
            await self.wait_for(service, position, timeout)
            return True
        return False
