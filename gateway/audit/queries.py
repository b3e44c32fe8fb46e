"""GraphQL queries for auditors (审计/纪检), who read everything and change nothing: audit
trails over the raw service logs, a person's dossier for a quarter, and the access log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from gateway.audit.access import AccessedRecord
from gateway.audit.dossier import Quarter, dossier, subject_of
from gateway.audit.trail import TrailCursorError, TrailFilter, decode_trail_cursor, trail_page
from gateway.audit.types import (
    AccessLogConnection,
    AccessLogEntry,
    AuditEvent,
    AuditEventConnection,
    Dossier,
    DossierEntry,
)
from gateway.directory.types import Department, Person
from gateway.feedback.queries import parse_quarter
from gateway.graphql.access import AuditorOnly, forbidden
from gateway.graphql.context import Context
from gateway.graphql.plumbing import (
    Info_,
    decode_cursor,
    encode_cursor,
    page_size,
    parse_id,
)
from gateway.graphql.shapes import invalid, parse_optional_id
from kernel.store import SERVICES

From = Annotated[
    datetime | None, strawberry.argument(name="from", description="from this instant on")
]


def audited_unit(ctx: Context, asked: UUID | None) -> UUID | None:
    """The unit an audit read is confined to: the one asked for (None: every unit) for a
    platform auditor; a unit's auditor their own unit, whether they ask for it or not."""
    if ctx.sees_every_unit():
        return asked
    unit = asked or ctx.actor.tenant_id
    if unit is None:
        raise forbidden(
            "a unit's auditor token names no unit",
            rule="gateway.read_own_unit",
            missing_relation="MEMBER_OF_UNIT",
        )
    ctx.ensure_unit(unit)
    return unit


def _services(services: list[str] | None) -> tuple[str, ...]:
    if services is None:
        return SERVICES
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        raise invalid(
            "services", "known_service", f"services: {unknown} not among {list(SERVICES)}"
        )
    return tuple(s for s in SERVICES if s in services)


def _instant(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise invalid(field, "instant_with_offset", f"{field}: give an offset, e.g. +08:00")
    return value


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="审计/纪检 only. The raw service logs as recorded, merged in the order things "
        "happened (then by service and position), each event with its actor, role, reason, "
        "ids, payload and chain hash; filtered by service, actor, unit, stream, event type and "
        "time range [from, until). Pages forward with `first` and `after`",
        permission_classes=[AuditorOnly],
    )
    async def audit_trail(
        self,
        info: Info_,
        services: list[str] | None = None,
        actor_id: strawberry.ID | None = None,
        unit_id: strawberry.ID | None = None,
        stream_id: strawberry.ID | None = None,
        event_types: list[str] | None = None,
        occurred_from: From = None,
        until: datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> AuditEventConnection:
        ctx = info.context
        size = page_size(first)
        where = TrailFilter(
            services=_services(services),
            actor_id=parse_optional_id(actor_id, "actorId"),
            unit_id=audited_unit(ctx, parse_optional_id(unit_id, "unitId")),
            streams=(parse_id(stream_id, "streamId"),) if stream_id else None,
            event_types=tuple(event_types) if event_types else None,
            occurred_from=_instant(occurred_from, "from"),
            occurred_until=_instant(until, "until"),
        )
        try:
            key = decode_trail_cursor(after) if after else None
        except TrailCursorError as exc:
            raise invalid("after", "cursor", str(exc)) from None
        events = await trail_page(ctx.pool, where, size + 1, key)
        return AuditEventConnection.of(events, size, lambda e: e.cursor, AuditEvent.of)

    @strawberry.field(
        description="审计/纪检 only. 考核档案: every event that shaped a person's result for a "
        "quarter (their goal sets, monthly summaries, praise and complaints about them or their "
        "department, the survey, org changes concerning them), across all services, in order, "
        "each with why it is attributed to the person. Recorded in the access log",
        permission_classes=[AuditorOnly],
    )
    async def dossier(self, info: Info_, person_id: strawberry.ID, quarter: str) -> Dossier | None:
        ctx = info.context
        person = parse_id(person_id, "personId")
        try:
            period = Quarter.parse(parse_quarter(quarter))
        except ValueError as exc:
            raise invalid("quarter", "quarter_format", str(exc)) from None
        known = await ctx.loaders.person.load(person)
        if known is not None:
            # Before anything is read: a unit's auditor audits their own unit's people only.
            ctx.ensure_unit(known["unit_id"])
        async with ctx.pool.acquire() as conn:
            subject = await subject_of(conn, ctx.schema, person, period)
        if subject is None:
            return None
        ctx.ensure_unit(subject.unit_id)
        person_row = await ctx.loaders.person.load(person)
        assert person_row is not None
        ctx.viewed(person, subject.unit_id, AccessedRecord.DOSSIER, "dossier")
        entries = await dossier(ctx.pool, ctx.schema, subject, SERVICES)
        departments = [await ctx.loaders.department.load(d) for d in subject.departments]
        return Dossier(
            person=Person.from_row(person_row),
            quarter=period.code,
            departments=[Department.from_row(d) for d in departments if d is not None],
            entries=[DossierEntry.of(e) for e in entries],
        )

    @strawberry.field(
        description="审计/纪检 only. Who read whose appraisal records, latest first, filtered by "
        "viewer, subject (whose records) and time range [from, until)",
        permission_classes=[AuditorOnly],
    )
    async def access_log(
        self,
        info: Info_,
        viewer_id: strawberry.ID | None = None,
        subject_id: strawberry.ID | None = None,
        occurred_from: From = None,
        until: datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> AccessLogConnection:
        ctx = info.context
        size = page_size(first)
        before: int | None = None
        if after is not None:
            try:
                tag, value = decode_cursor(after)
                if tag != "access":
                    raise ValueError(after)
                before = int(value)
                if not 0 < before < 2**63:  # a bigint: anything else is no id of the log
                    raise ValueError(after)
            except ValueError:
                raise invalid(
                    "after", "cursor", f"after: {after!r} is not a cursor this API issued"
                ) from None
        rows = await ctx.pool.fetch(
            "SELECT * FROM audit.access_log WHERE ($1::uuid IS NULL OR viewer_id = $1) "
            "AND ($2::uuid IS NULL OR subject_id = $2) "
            "AND ($3::timestamptz IS NULL OR read_at >= $3) "
            "AND ($4::timestamptz IS NULL OR read_at < $4) "
            "AND ($5::bigint IS NULL OR id < $5) "
            "AND ($7::uuid IS NULL OR subject_unit = $7) ORDER BY id DESC LIMIT $6",
            parse_optional_id(viewer_id, "viewerId"),
            parse_optional_id(subject_id, "subjectId"),
            _instant(occurred_from, "from"),
            _instant(until, "until"),
            before,
            size + 1,
            None if ctx.sees_every_unit() else audited_unit(ctx, None),
        )
        return AccessLogConnection.of(
            rows, size, lambda r: encode_cursor("access", r["id"]), AccessLogEntry.from_row
        )
