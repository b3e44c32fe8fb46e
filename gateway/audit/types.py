"""GraphQL types of the auditors' read side: trail events, dossiers, access-log entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

import asyncpg
import strawberry
from strawberry.scalars import JSON

from gateway.audit.access import AccessedRecord as AccessedRecordCode
from gateway.audit.dossier import DossierEntry as DossierEntryData
from gateway.audit.trail import TrailEvent
from gateway.directory.types import Department, Person, RoleInfo, person_of
from gateway.graphql.plumbing import from_row
from gateway.graphql.shapes import Connection, Edge, label_of
from kernel.roles import Role as RoleCode

strawberry.enum(AccessedRecordCode, description="What kind of appraisal record was read")


def _role(value: str | None) -> RoleInfo | None:
    try:
        return RoleInfo.of(RoleCode(value)) if value else None
    except ValueError:
        return None


def _id(value: Any) -> strawberry.ID | None:
    return strawberry.ID(str(UUID(str(value)))) if value else None


@strawberry.type(
    description="One stored event of a service log, as recorded: who, when, why, what, and its "
    "chain hash"
)
class AuditEvent:
    service: str = strawberry.field(description="The service whose log holds it")
    position: int = strawberry.field(description="Its position (notification id) in that log")
    stream: strawberry.ID = strawberry.field(description="The aggregate (originator id)")
    version: int = strawberry.field(description="Its version within the stream")
    event_type: str = strawberry.field(description="The event's name, e.g. Approved")
    topic: str = strawberry.field(description="The stored topic (module:Class.Event)")
    occurred_at: datetime = strawberry.field(description="When its command happened")
    actor_id: strawberry.ID | None = strawberry.field(description="Who acted")
    actor_role: RoleInfo | None = strawberry.field(
        description="The role they acted in, with its Chinese label"
    )
    unit_id: strawberry.ID | None = strawberry.field(description="The unit (tenant)")
    reason: str | None = strawberry.field(description="The reason given, where a rule asks one")
    correlation_id: strawberry.ID | None = strawberry.field(
        description="The request the command belonged to"
    )
    causation_id: strawberry.ID | None = strawberry.field(
        description="What caused the command, if another event did"
    )
    schema_version: int = strawberry.field(description="The event's schema version")
    payload: JSON = strawberry.field(
        description="The decoded payload (the stored state without its metadata)"
    )
    chain_hash: str | None = strawberry.field(
        description="The event's hash in its service's chain (hex); null if the chain lacks it"
    )

    actor: Person | None = person_of(
        "actor_id", "The person who acted, if they are a person of a unit"
    )

    @classmethod
    def of(cls, e: TrailEvent) -> AuditEvent:
        meta = e.meta
        return cls(
            service=e.service,
            position=e.position,
            stream=strawberry.ID(str(e.stream)),
            version=e.version,
            event_type=e.event_type,
            topic=e.topic,
            occurred_at=e.occurred_at,
            actor_id=_id(meta.get("actor_id")),
            actor_role=_role(e.actor_role),
            unit_id=_id(meta.get("tenant_id")),
            reason=meta.get("reason"),
            correlation_id=_id(meta.get("correlation_id")),
            causation_id=_id(meta.get("causation_id")),
            schema_version=int(meta.get("schema_version") or 1),
            payload=cast("JSON", e.payload),
            chain_hash=e.chain_hash,
        )


@strawberry.type(description="A page of an audit trail, in the order things happened")
class AuditEventConnection(Connection[AuditEvent]):
    pass


@strawberry.type(description="An event of a dossier and why it belongs to it")
class DossierEntry:
    why: str = strawberry.field(description="How the event is attributed to the person")
    event: AuditEvent

    @classmethod
    def of(cls, entry: DossierEntryData) -> DossierEntry:
        return cls(why=entry.why, event=AuditEvent.of(entry.event))


@strawberry.type(
    description="考核档案: every event that shaped a person's result for a quarter, across all "
    "services, in the order things happened"
)
class Dossier:
    person: Person
    quarter: str
    departments: list[Department] = strawberry.field(
        description="The departments the person belonged to during the quarter"
    )
    entries: list[DossierEntry]


@strawberry.type(description="One read of a person's records by someone else (access log)")
class AccessLogEntry:
    id: strawberry.ID
    read_at: datetime = strawberry.field(description="When the records were read")
    viewer_id: strawberry.ID = strawberry.field(description="Who read them")
    viewer_roles: list[RoleInfo] = strawberry.field(description="The roles their token held")
    subject_id: strawberry.ID = strawberry.field(description="Whose records were read")
    record: AccessedRecordCode = strawberry.field(description="What kind of record")
    query: str = strawberry.field(description="The GraphQL query that returned them")
    correlation_id: str | None = strawberry.field(description="The request's X-Correlation-Id")

    record_label: str = label_of(AccessedRecordCode, "record", "The record kind's Chinese label")

    viewer: Person | None = person_of("viewer_id", "The reader, if they are a person of a unit")

    subject: Person | None = person_of("subject_id", "The person whose records were read")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> AccessLogEntry:
        roles = [r for r in (_role(code) for code in row["viewer_roles"]) if r]
        return from_row(cls, row, viewer_roles=roles)


@strawberry.type
class AccessLogEdge(Edge[AccessLogEntry]):
    """Published as named for the log, not for its entries (`AccessLogEntryEdge`); a page's
    plain `Edge`s fill it, since it only renames them."""


@strawberry.type(description="A page of the access log, latest read first")
class AccessLogConnection(Connection[AccessLogEntry]):
    edges: Sequence[AccessLogEdge]
