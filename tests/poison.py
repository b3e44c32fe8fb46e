"""Writing poison events straight into a service's log, as an old version of a service or another
writer could have left them: through the library's recorder (so the hash chain and the NOTIFY are
as for any event), with no command, no domain and no validation in between.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent

from kernel.store import LogReading, ServiceApplication
from services.directory.application import Directory
from services.feedback.application import Feedback
from services.goals.application import Goals
from services.reviews.application import Reviews

APPLICATIONS: dict[str, type[ServiceApplication]] = {
    "directory": Directory,
    "goals": Goals,
    "feedback": Feedback,
    "reviews": Reviews,
}
NUL = "\x00"


def stored(database: str, service: str, position: int) -> tuple[UUID, int, str, bytes]:
    """The stored (originator id, version, topic, state) of the event at `position`."""
    with psycopg.connect(database) as conn:
        row = conn.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {service}."
            f"{service}_events WHERE notification_id = %s",
            (position,),
        ).fetchone()
    assert row is not None, f"no {service} event at {position}"
    return row[0], row[1], row[2], bytes(row[3])


def last_version(database: str, service: str, originator_id: UUID) -> int:
    """The version an aggregate has reached in its log."""
    with psycopg.connect(database) as conn:
        row = conn.execute(
            f"SELECT max(originator_version) FROM {service}.{service}_events "
            "WHERE originator_id = %s",
            (originator_id,),
        ).fetchone()
    assert row is not None
    return int(row[0] or 0)


def write_raw(
    database: str, service: str, originator_id: UUID, version: int, topic: str, state: bytes
) -> int:
    """Append one stored event to `service`'s log as it is; returns its position."""
    # The log alone, without the service's commands: only its recorder is needed here.
    app = LogReading(APPLICATIONS[service], database)
    try:
        positions = app.chained_recorder.insert_events(
            [StoredEvent(originator_id, version, topic, state)]
        )
    finally:
        app.close()
    assert positions
    return int(positions[0])


def write_copy(
    database: str,
    service: str,
    position: int,
    changes: dict[str, Any],
    *,
    originator_id: UUID | None = None,
    version: int | None = None,
    topic: str | None = None,
) -> int:
    """Append a copy of the event at `position` with some payload values changed (a NUL in
    a text, a bad id...), as another stream or a later version; returns its position.
    """
    originator, was, stored_topic, state = stored(database, service, position)
    data = json.loads(state)
    data.update(changes)
    return write_raw(
        database,
        service,
        originator_id or originator,
        version or was,
        topic or stored_topic,
        # json writes a NUL as the escape \u0000, which PostgreSQL's jsonb and text refuse.
        json.dumps(data, ensure_ascii=False).encode(),
    )
