"""Recompute each service log's hash chain from PostgreSQL and name the first record that does
not match (`kaohe audit verify`).
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterator
from typing import cast

import psycopg
from psycopg.sql import SQL, Composed, Identifier

from kernel.chain import ChainBreak, ChainVerifier, Link
from kernel.store import SERVICES


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


def _part(expression: str) -> str:
    # One length-prefixed part of kernel.chain.canonical_bytes, built by PostgreSQL.
    data = f"convert_to({expression}, 'UTF8')"
    return f"int8send(octet_length({data})::bigint) || {data}"


# kernel.chain.canonical_bytes, computed by the server next to the rows: the verifier's own
# per-row work is then one concatenation and one SHA-256, as in hashing the bytes alone. The
# state is hashed exactly as stored (bytea, no decoding).
CANONICAL_SQL = (
    " || ".join(
        _part(e)
        for e in ("e.notification_id::text", "e.originator_id::text", "e.originator_version::text")
    )
    + f" || {_part('e.topic')} || int8send(octet_length(e.state)::bigint) || e.state"
)


def _links(
    conn: psycopg.Connection[tuple[object, ...]], service: str, schema: str, batch: int
) -> Iterator[Link]:
    names = {
        "schema": Identifier(schema),
        "events": Identifier(f"{service}_events"),
        "chain": Identifier(f"{service}_chain"),
    }
    # Every event with its recorded hash, in order: a merge join of the two primary keys, which
    # streams from the first row (a full outer join is a hash join and a sort of the whole log
    # before the first row comes back).
    query = SQL(
        "SELECT e.notification_id, "
        + CANONICAL_SQL
        + ", c.hash FROM {schema}.{events} e LEFT JOIN {schema}.{chain} c "
        "ON c.notification_id = e.notification_id ORDER BY e.notification_id"
    ).format(**names)
    # Hashes recorded for events that are not in the log (deleted rows), merged into the
    # stream at their positions; none in an intact log.
    missing = [
        (notification_id, None, recorded)
        for notification_id, recorded in conn.execute(
            SQL(
                "SELECT c.notification_id, c.hash FROM {schema}.{chain} c "
                "WHERE NOT EXISTS (SELECT FROM {schema}.{events} e "
                "WHERE e.notification_id = c.notification_id) ORDER BY 1"
            ).format(**names),
            binary=True,
        )
    ]
    links = _stream(conn, query, service, batch)
    if missing:
        links = heapq.merge(links, cast("list[Link]", missing), key=lambda link: link[0])
    yield from links


def _stream(
    conn: psycopg.Connection[tuple[object, ...]], query: Composed, service: str, batch: int
) -> Iterator[Link]:
    # Binary results: bytea arrives as bytes, with no hex decoding per row. Streamed in chunks
    # (libpq 17+), the server keeps producing rows while this process hashes the ones it has;
    # a server-side cursor makes each wait for the other at every fetch.
    if psycopg.pq.version() >= 170000:
        with conn.cursor(binary=True) as cursor:
            yield from cast("Iterator[Link]", cursor.stream(query, size=batch))
        return
    with conn.cursor(name=f"verify_{service}", binary=True) as named:
        named.execute(query)
        while rows := named.fetchmany(batch):
            yield from cast("list[Link]", rows)


def verify_service(
    database_url: str, service: str, batch: int = 1000, *, schema: str | None = None
) -> ServiceReport:
    """Verify one service's log against its chain (in the schema named for it, by default)."""
    schema = schema or service
    verifier = ChainVerifier()
    with psycopg.connect(database_url) as conn:
        exists = conn.execute("SELECT to_regclass(%s)", (f"{schema}.{service}_events",)).fetchone()
        if exists is None or exists[0] is None:
            return ServiceReport(service, 0, None, None)
        verifier.feed_canonical(_links(conn, service, schema, batch))
    head = verifier.previous.hex() if verifier.count else None
    return ServiceReport(service, verifier.count, head, verifier.broken)


def verify_all(database_url: str) -> list[ServiceReport]:
    """Verify every service log."""
    return [verify_service(database_url, s) for s in SERVICES]
