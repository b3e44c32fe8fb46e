"""Recompute each service log's hash chain from PostgreSQL and name the first record that does
not match (`kaohe audit verify`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any, cast

import psycopg
from psycopg.sql import SQL, Identifier

from kernel.chain import ChainBreak, ChainVerifier, StoredRow

SERVICES = ("directory", "goals", "feedback", "reviews")


@dataclasses.dataclass(frozen=True)
class ServiceReport:
    """The verdict on one service log."""

    service: str
    events: int
    head: str | None
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        """Whether the whole log matched its chain."""
        return self.broken is None


def _rows(
    conn: psycopg.Connection[tuple[object, ...]], service: str, batch: int
) -> Iterator[tuple[StoredRow | None, int, bytes | None]]:
    # A full outer join by position finds rows present on one side only (inserted or deleted).
    query = SQL(
        "SELECT coalesce(e.notification_id, c.notification_id), e.originator_id::text, "
        "e.originator_version, e.topic, e.state, c.hash, e.notification_id IS NOT NULL "
        "FROM {schema}.{events} e FULL OUTER JOIN {schema}.{chain} c "
        "ON c.notification_id = e.notification_id "
        "ORDER BY 1"
    ).format(
        schema=Identifier(service),
        events=Identifier(f"{service}_events"),
        chain=Identifier(f"{service}_chain"),
    )
    with conn.cursor(name=f"verify_{service}") as cursor:
        cursor.itersize = batch
        cursor.execute(query)
        for record in cursor:
            position, oid, version, topic, state, digest, present = cast("tuple[Any, ...]", record)
            row = StoredRow(position, oid, version, topic, bytes(state)) if present else None
            yield row, position, bytes(digest) if digest is not None else None


def verify_service(database_url: str, service: str, batch: int = 5000) -> ServiceReport:
    """Verify one service's log against its chain."""
    verifier = ChainVerifier()
    with psycopg.connect(database_url) as conn:
        exists = conn.execute("SELECT to_regclass(%s)", (f"{service}.{service}_events",)).fetchone()
        if exists is None or exists[0] is None:
            return ServiceReport(service, 0, None, None)
        verifier.feed(_rows(conn, service, batch))
    head = verifier.previous.hex() if verifier.count else None
    return ServiceReport(service, verifier.count, head, verifier.broken)


def verify_all(database_url: str) -> list[ServiceReport]:
    """Verify every service log."""
    return [verify_service(database_url, s) for s in SERVICES]
