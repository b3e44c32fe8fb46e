"""The envelope every event leaves Kaohe in: a CloudEvents 1.0 JSON event.

- `id`: a UUID derived from (service, aggregate, version), so it is the same in the feed, in every
  webhook retry and in JetStream, and never changes (the store never renumbers an event).
- `source`: `/kaohe/units/<unit id>/<service>` (`/kaohe/platform/<service>`: no unit).
- `type`: `kaohe.<service>.<EventName>.v<schema version>`.
- `subject`: the aggregate's id; `time`: when the command was decided.
- `data`: the event's payload (its state without the metadata the extensions carry).
- extensions (CloudEvents names are lower-case letters and digits): `service`, `sequence` (the
  position in the service's log, zero-padded to 20 digits so it compares as a string),
  `aggregateversion`, `unit`, `actor`, `actorrole`, `correlationid`, `causationid`, `reason`,
  `eventhash` (the event's hash-chain link, hex) and, where a consumer can resume, `cursor`.
- `redacted`: the payload fields (and `reason`) withheld from this consumer by its scope
  (`gateway.integrations.scopes`), comma-separated; each is null in `data`. `eventhash` still
  proves the stored bytes, which a consumer without the scope cannot recompute.
- The actor of an anonymous complaint's filing is always the pseudonym, whatever the scope.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from gateway.integrations.scopes import EXTENSION_CLASSES, NO_PERSONAL_FIELDS, Scope
from services.feedback.anonymity import anonymised_meta

# Fixed forever: event ids are derived from it.
EVENT_ID_NAMESPACE = UUID("6f1c2f55-0d0b-4b43-9a55-2b3f0f6a1e0b")
SEQUENCE_DIGITS = 20
# State keys that are envelope attributes or extensions rather than payload.
ENVELOPE_KEYS = frozenset(
    {"meta", "timestamp", "originator_id", "originator_version", "originator_topic"}
)
_FORMAT = JSONFormat()
UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)


@dataclasses.dataclass(frozen=True)
class RecordedEvent:
    """One stored event of a service log, with its chain hash, as integrations see it."""

    service: str
    position: int
    originator_id: UUID
    originator_version: int
    name: str
    state: dict[str, Any]
    chain_hash: bytes | None

    @property
    def meta(self) -> dict[str, Any]:
        """The kernel's metadata (actor, role, tenant, correlation, reason, schema version), an
        anonymous complaint's filer replaced by the pseudonym (`services.feedback.anonymity`).
        """
        return anonymised_meta(self.service, self.name, self.originator_id, self.state)

    @property
    def unit_id(self) -> UUID | None:
        """The unit (tenant) the event belongs to.

        The metadata's tenant; for an event a platform administrator decided (no tenant of their
        own), the unit named in the payload, or for the directory, whose aggregate is the unit.
        """
        for value in (self.meta.get("tenant_id"), self.state.get("unit_id")):
            with contextlib.suppress(ValueError):
                # A malformed id (a poison event's) names no unit: only platform readers see it.
                if value:
                    return UUID(str(value))
        if self.service == "directory":
            return self.originator_id
        return None

    @property
    def schema_version(self) -> int:
        """The version of the event's schema (the event class's `class_version`)."""
        try:
            return int(self.meta.get("schema_version", 1))
        except (TypeError, ValueError):
            return 1

    @property
    def type(self) -> str:
        """`kaohe.<service>.<EventName>.v<schema version>`."""
        return event_type(self.service, self.name, self.schema_version)

    @property
    def event_id(self) -> str:
        """The event's stable id."""
        name = f"{self.service}/{self.originator_id}/{self.originator_version}"
        return str(uuid5(EVENT_ID_NAMESPACE, name))

    @property
    def time(self) -> datetime:
        """When the event happened (the command's `now`)."""
        try:
            return datetime.fromisoformat(str(self.state["timestamp"]))
        except (KeyError, ValueError):
            # A poison event's bytes may not say: the epoch, rather than no envelope at all.
            return UNKNOWN_TIME

    @property
    def data(self) -> dict[str, Any]:
        """The payload: the state without what the envelope carries."""
        return {k: v for k, v in self.state.items() if k not in ENVELOPE_KEYS}


def event_type(service: str, name: str, schema_version: int) -> str:
    """The CloudEvents `type` of an event."""
    return f"kaohe.{service}.{name}.v{schema_version}"


def sequence(position: int) -> str:
    """A log position as the CloudEvents `sequence` extension: zero-padded, compares as text."""
    return str(position).zfill(SEQUENCE_DIGITS)


def source(event: RecordedEvent) -> str:
    """The CloudEvents `source`: the unit and the service."""
    unit = event.unit_id
    return f"/kaohe/units/{unit}/{event.service}" if unit else f"/kaohe/platform/{event.service}"


def to_cloudevent(
    event: RecordedEvent, cursor: str | None = None, scope: Scope = NO_PERSONAL_FIELDS
) -> CloudEvent:
    """The event in its CloudEvents 1.0 envelope, as `scope` may see it (by default no personal
    field: each withheld one is null and named in `redacted`); `cursor` resumes a feed just
    after it. Every channel builds its events here, so none shows more than its scope.
    """
    meta = event.meta
    data, redacted = scope.redact(event.type, event.data)
    reason = meta.get("reason")
    if reason is not None and not scope.sees(EXTENSION_CLASSES["reason"]):
        reason = None
        redacted.append("reason")
    attributes: dict[str, Any] = {
        "id": event.event_id,
        "source": source(event),
        "type": event.type,
        "subject": str(event.originator_id),
        "time": event.time,
        "datacontenttype": "application/json",
        "service": event.service,
        "sequence": sequence(event.position),
        "aggregateversion": event.originator_version,
    }
    optional = {
        "unit": str(event.unit_id) if event.unit_id else None,
        "actor": meta.get("actor_id"),
        "actorrole": meta.get("actor_role"),
        "correlationid": meta.get("correlation_id"),
        "causationid": meta.get("causation_id"),
        "reason": reason,
        "eventhash": event.chain_hash.hex() if event.chain_hash else None,
        "cursor": cursor,
        "redacted": ",".join(redacted) if redacted else None,
    }
    attributes.update({k: v for k, v in optional.items() if v is not None})
    return CloudEvent(attributes, data)


def to_json_bytes(
    event: RecordedEvent, cursor: str | None = None, scope: Scope = NO_PERSONAL_FIELDS
) -> bytes:
    """The structured-mode JSON of the event (`application/cloudevents+json`)."""
    return _FORMAT.write(to_cloudevent(event, cursor, scope))


def to_json(
    event: RecordedEvent, cursor: str | None = None, scope: Scope = NO_PERSONAL_FIELDS
) -> dict[str, Any]:
    """The structured-mode JSON of the event, as a JSON object."""
    body: dict[str, Any] = json.loads(to_json_bytes(event, cursor, scope))
    return body


def redacted_event(event: RecordedEvent, scope: Scope) -> RecordedEvent:
    """The event with its payload as `scope` may see it, for channels that render the payload
    themselves (the DingTalk robot's markdown).
    """
    data, _ = scope.redact(event.type, event.data)
    envelope = {k: v for k, v in event.state.items() if k in ENVELOPE_KEYS}
    return dataclasses.replace(event, state={**envelope, **data})


def from_json_bytes(body: bytes) -> CloudEvent:
    """Parse a structured-mode CloudEvent (what a consumer does with what Kaohe sent)."""
    parsed = _FORMAT.read(CloudEvent, body)
    assert isinstance(parsed, CloudEvent)
    return parsed
