"""Reading a service's published log: its stored events as plain JSON, in notification order.

The gateway depends on the log's JSON contract only (topic and state), never on a service's
Python classes: a `{"_type_": ..., "_data_": ...}` wrapper decodes to its data.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import orjson


@dataclasses.dataclass(frozen=True)
class LogEvent:
    """One event of a service log as the gateway sees it."""

    position: int
    originator_id: UUID
    originator_version: int
    name: str
    data: dict[str, Any]

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> LogEvent:
        """An event from a row of a service's events table."""
        return cls(
            position=row["notification_id"],
            originator_id=row["originator_id"],
            originator_version=row["originator_version"],
            name=event_name(row["topic"]),
            data=decode_state(bytes(row["state"])),
        )

    @property
    def timestamp(self) -> datetime:
        """When the event happened (the command's `now`)."""
        return datetime.fromisoformat(str(self.data["timestamp"]))

    @property
    def meta(self) -> dict[str, Any]:
        """The kernel's metadata (actor, role, tenant, correlation, reason...)."""
        meta: dict[str, Any] = self.data.get("meta", {})
        return meta


def uuid_or_none(value: Any) -> UUID | None:
    """An id from the log, where it may be absent."""
    return UUID(str(value)) if value else None


def date_or_none(value: Any) -> date | None:
    """A calendar date from the log, where it may be absent."""
    return date.fromisoformat(str(value)) if value else None


def as_json(value: Any) -> str:
    """A log value as a jsonb parameter, Chinese text kept as it is."""
    return json.dumps(value, ensure_ascii=False)


def _is_wrapper(value: Any) -> bool:
    return type(value) is dict and len(value) == 2 and "_data_" in value and "_type_" in value


def _unwrap_in(container: dict[str, Any] | list[Any]) -> None:
    # In place and only into containers: the states are small trees, and this walk (after
    # orjson's parse) is five times faster than json's object_hook, which replay pays per event.
    items = container.items() if type(container) is dict else enumerate(container)
    for key, value in items:
        kind = type(value)
        if kind is dict:
            if len(value) == 2 and "_data_" in value and "_type_" in value:
                value = value["_data_"]
                while _is_wrapper(value):
                    value = value["_data_"]
                container[key] = value  # type: ignore[index] # a key of this same container
                kind = type(value)
            if kind is dict or kind is list:
                _unwrap_in(value)
        elif kind is list:
            _unwrap_in(value)


def decode_state(state: bytes) -> dict[str, Any]:
    """The event's state as plain JSON values (`{"_type_": ..., "_data_": ...}` as its data)."""
    try:
        data: Any = orjson.loads(state)
    except orjson.JSONDecodeError:
        # What orjson refuses and json reads (NaN, integers beyond 64 bits) is still read.
        data = json.loads(state)
    while _is_wrapper(data):
        data = data["_data_"]
    if type(data) is dict or type(data) is list:
        _unwrap_in(data)
    result: dict[str, Any] = data
    return result


def decode_or_evidence(state: bytes) -> dict[str, Any]:
    """The event's state as `decode_state` reads it or, when the stored bytes are not a JSON
    object (a poison event an old log or another writer left), the evidence of what is there:
    `{"undecodable": {reason, sha256, bytes, base64}}`, for channels that show every event and
    must never stop at one.
    """
    try:
        decoded: Any = decode_state(state)
        if not isinstance(decoded, dict):
            raise TypeError(f"the state is a JSON {type(decoded).__name__}, not an object")
    except (ValueError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        return {
            "undecodable": {
                "reason": f"{type(exc).__name__}: {str(exc)[:200]}",
                "sha256": hashlib.sha256(state).hexdigest(),
                "bytes": len(state),
                "base64": base64.b64encode(state).decode(),
            }
        }
    result: dict[str, Any] = decoded
    return result


def event_name(topic: str) -> str:
    """`services.directory.domain:Unit.PersonJoined` -> `PersonJoined`."""
    return topic.rsplit(".", 1)[-1].rsplit(":", 1)[-1]


# What a lost or restarting PostgreSQL raises through asyncpg: the server's refusals ("shutting
# down"), a connection closed in the middle of an operation (an InterfaceError), or the socket's.
DATABASE_LOST: tuple[type[Exception], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
)


@dataclasses.dataclass(frozen=True)
class ServiceLog:
    """Where a service's log lives."""

    service: str
    schema: str

    @property
    def table(self) -> str:
        """The qualified events table."""
        return f'"{self.schema}"."{self.service}_events"'

    @property
    def channel(self) -> str:
        """The channel the library NOTIFYs after each write."""
        return f"{self.service}_events"

    async def read_rows(
        self, conn: asyncpg.Connection, after: int, limit: int
    ) -> list[asyncpg.Record]:
        """The stored rows of up to `limit` events after position `after` (for `LogEvent`)."""
        rows: list[asyncpg.Record] = await conn.fetch(
            f"SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {self.table} WHERE notification_id > $1 ORDER BY notification_id LIMIT $2",
            after,
            limit,
        )
        return rows

    async def last_position(self, db: asyncpg.Pool | asyncpg.Connection) -> int:
        """The position of the latest event recorded (0 for an empty log)."""
        value = await db.fetchval(f"SELECT max(notification_id) FROM {self.table}")
        return int(value or 0)

    async def exists(self, conn: asyncpg.Connection) -> bool:
        """Whether the service has created its log yet."""
        found = await conn.fetchval(
            "SELECT to_regclass($1) IS NOT NULL", f"{self.schema}.{self.service}_events"
        )
        return bool(found)


DIRECTORY_LOG = ServiceLog(service="directory", schema="directory")
GOALS_LOG = ServiceLog(service="goals", schema="goals")
FEEDBACK_LOG = ServiceLog(service="feedback", schema="feedback")
REVIEWS_LOG = ServiceLog(service="reviews", schema="reviews")
