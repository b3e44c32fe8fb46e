"""Poison events: an event of a service log that the read side cannot apply is set aside in
`<read schema>.quarantine`, reported, and skipped, so that it never blocks the events after it.

An event is the poison, rather than the database or the code around it, when applying it alone
fails with a Python error raised by the projection's code on its payload (a missing key, a bad
UUID or date, a payload that is not an object), or with a PostgreSQL error of the data itself:
class 21 (cardinality), 22 (data exception: a NUL in text, a value out of range), 23 (integrity:
a NOT NULL column the payload leaves empty) or 54 (a value beyond a program limit). Anything else
(a lost connection, a cancelled or deadlocked statement, a table that is missing, a server that
is shutting down) says nothing about the event: the runner lets it raise and tries again later.

Events of the same aggregate after a quarantined one are applied if they apply (each is tried
on its own, and quarantined too if it fails): the record goes on changing as its later events
say, and the GraphQL answers that show it carry a READ_MODEL_INCOMPLETE error naming the
quarantined event, so a reader knows it lacks something. Stopping the aggregate instead would
make the record wrong in a way nobody is told about.

What is recorded is derived from the event alone (never the time of day, except `first_seen`,
which replay leaves out of its comparison), so a replay quarantines the same events with the
same rows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg
import orjson
from prometheus_client import Counter, Gauge

from gateway.log import decode_state, event_name

QUARANTINED_CHANNEL = "kaohe_quarantined"
RULE = "gateway.quarantined_event"
CODE = "READ_MODEL_INCOMPLETE"
# The payload keys that name records of their own in the directory, whose one aggregate per
# unit holds every department and person: a poison event there leaves those records incomplete.
DIRECTORY_RECORD_KEYS = ("person_id", "department_id", "leader_id", "department_ids")
MAX_RECORD_IDS = 50
MAX_MESSAGE = 300

QUARANTINED_TOTAL = Counter(
    "kaohe_projection_quarantined",
    "Events the projections could not apply and set aside (quarantined), by service log",
    ["service"],
)
QUARANTINED_NOW = Gauge(
    "kaohe_projection_quarantined_events",
    "Events quarantined in the live read schema now, by service log",
    ["service"],
)


def quarantine_ddl(schema: str) -> str:
    """The table of quarantined events of a read schema."""
    return (
        f"CREATE TABLE IF NOT EXISTS {schema}.quarantine ("
        "service text NOT NULL, position bigint NOT NULL, originator_id uuid NOT NULL, "
        "originator_version bigint NOT NULL, event_name text NOT NULL, unit_id uuid, "
        "record_ids uuid[] NOT NULL, error_class text NOT NULL, error_message text NOT NULL, "
        "state_sha256 text NOT NULL, first_seen timestamptz NOT NULL DEFAULT now(), "
        "PRIMARY KEY (service, position))"
    )


_EVENTS_FAULT = ("21", "22", "23", "54")


def is_the_events_fault(exc: BaseException) -> bool:
    """Whether applying an event failed because of the event (see the module's docstring)."""
    if isinstance(exc, asyncpg.PostgresError):
        return str(getattr(exc, "sqlstate", "") or "")[:2] in _EVENTS_FAULT
    if isinstance(exc, asyncpg.InterfaceError):
        # asyncpg's own refusal to encode an argument (a str where a uuid goes) is a ValueError.
        return isinstance(exc, ValueError)
    if isinstance(exc, OSError | TimeoutError | asyncpg.exceptions.InternalClientError):
        return False
    return isinstance(exc, Exception)


def printable(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` as PostgreSQL text can hold it: control characters and lone surrogates escaped."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in safe)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


@dataclasses.dataclass(frozen=True)
class Quarantined:
    """A quarantined event, as recorded and as announced to the gateways."""

    service: str
    position: int
    originator_id: UUID
    originator_version: int
    event_name: str
    unit_id: UUID | None
    record_ids: tuple[UUID, ...]
    error_class: str
    error_message: str
    state_sha256: str

    def announcement(self, schema: str) -> str:
        """The NOTIFY payload that tells every gateway about it (see `gateway.freshness`)."""
        return json.dumps(
            {
                "schema": schema,
                "service": self.service,
                "position": self.position,
                "originator_id": str(self.originator_id),
                "unit_id": str(self.unit_id) if self.unit_id else None,
                "record_ids": [str(r) for r in self.record_ids],
            }
        )


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _decoded(state: bytes) -> dict[str, Any]:
    try:
        data = decode_state(state)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def quarantined(
    service: str, row: asyncpg.Record | Mapping[str, Any], exc: BaseException
) -> Quarantined:
    """What is recorded of the event in `row` that failed with `exc`: whatever of it decodes."""
    state = bytes(row["state"])
    data = _decoded(state)
    meta = data.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    originator: UUID = row["originator_id"]
    unit = _uuid(meta.get("tenant_id")) or _uuid(data.get("unit_id"))
    if unit is None and service == "directory":
        unit = originator
    records = [originator]
    if service == "directory":
        for key in DIRECTORY_RECORD_KEYS:
            value = data.get(key)
            for item in value if isinstance(value, list) else [value]:
                named = _uuid(item)
                if named is not None and named not in records:
                    records.append(named)
    return Quarantined(
        service=service,
        position=int(row["notification_id"]),
        originator_id=originator,
        originator_version=int(row["originator_version"]),
        event_name=printable(event_name(str(row["topic"])), 200),
        unit_id=unit,
        record_ids=tuple(records[:MAX_RECORD_IDS]),
        error_class=type(exc).__name__,
        error_message=printable(str(exc).split("\n", 1)[0] or type(exc).__name__),
        state_sha256=hashlib.sha256(state).hexdigest(),
    )


async def record(conn: asyncpg.Connection, schema: str, q: Quarantined) -> None:
    """Write the quarantined event's row (in the runner's transaction) and announce it."""
    await conn.execute(
        f"INSERT INTO {schema}.quarantine (service, position, originator_id, originator_version, "
        "event_name, unit_id, record_ids, error_class, error_message, state_sha256) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
        q.service,
        q.position,
        q.originator_id,
        q.originator_version,
        q.event_name,
        q.unit_id,
        list(q.record_ids),
        q.error_class,
        q.error_message,
        q.state_sha256,
    )
    # Sent before the runner's `kaohe_projected` of the same transaction, so a gateway knows the
    # position is quarantined by the time it learns the position is reached.
    await conn.execute("SELECT pg_notify($1, $2)", QUARANTINED_CHANNEL, q.announcement(schema))


def from_row(row: asyncpg.Record) -> Quarantined:
    """A quarantined event from its row in the quarantine table."""
    return Quarantined(
        service=row["service"],
        position=int(row["position"]),
        originator_id=row["originator_id"],
        originator_version=int(row["originator_version"]),
        event_name=row["event_name"],
        unit_id=row["unit_id"],
        record_ids=tuple(row["record_ids"]),
        error_class=row["error_class"],
        error_message=row["error_message"],
        state_sha256=row["state_sha256"],
    )


def announced(payload: str) -> tuple[str, Quarantined] | None:
    """The read schema and the event of a `kaohe_quarantined` NOTIFY (None if malformed)."""
    try:
        d = orjson.loads(payload)
        return d["schema"], Quarantined(
            service=d["service"],
            position=int(d["position"]),
            originator_id=UUID(d["originator_id"]),
            originator_version=0,
            event_name="",
            unit_id=UUID(d["unit_id"]) if d["unit_id"] else None,
            record_ids=tuple(UUID(r) for r in d["record_ids"]),
            error_class="",
            error_message="",
            state_sha256="",
        )
    except (ValueError, KeyError, TypeError):
        return None
