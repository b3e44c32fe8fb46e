"""GraphQL time travel: a goal set, a complaint, or who managed a person, as the record stood at
a past log position or instant, derived from the events up to then (see
`gateway.audit.time_travel`). Visible to whoever may read the record now; reading another
person's records this way is in the access log too.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

import strawberry

from gateway.audit.access import AccessedRecord
from gateway.audit.time_travel import AsOfPoint, Scratch, manager_ids
from gateway.audit.time_travel import as_of as as_of_scratch
from gateway.directory.projection import DirectoryProjection
from gateway.directory.types import Person, known_person
from gateway.feedback.projection import FeedbackProjection
from gateway.feedback.types import Complaint, ComplaintHistoryEntry
from gateway.goals.projection import GoalsProjection
from gateway.goals.types import (
    GoalItem,
    GoalRevisionProposal,
    GoalSet,
    GoalSetHistoryEntry,
    GoalSetVersion,
)
from gateway.graphql.plumbing import Info_, parse_id
from gateway.graphql.shapes import invalid
from kernel.calendar import CHINA, china_date


@strawberry.input(description="A past point of a service log: a position, or an instant")
class AsOfInput:
    position: int | None = strawberry.field(
        default=None, description="The log position (notification id) to read up to, inclusive"
    )
    instant: datetime | None = strawberry.field(
        default=None, description="Read the events whose command happened at or before it"
    )


def point_of(value: AsOfInput) -> AsOfPoint:
    """The point asked for; exactly one of position and instant, else refused naming asOf."""
    if (value.position is None) == (value.instant is None):
        raise invalid("asOf", "one_of", "asOf: give exactly one of position and instant")
    if value.position is not None and value.position < 0:
        raise invalid("asOf.position", "range", "asOf.position: must be 0 or more")
    instant = value.instant
    if instant is not None and instant.tzinfo is None:  # as everywhere in Kaohe: China time
        instant = instant.replace(tzinfo=CHINA)
    return AsOfPoint(position=value.position, instant=instant)


@strawberry.type(description="Up to where an answer read its service log")
class AsOf:
    service: str = strawberry.field(description="The service log read")
    position: int = strawberry.field(
        description="The position of the last event of the record applied (0: none yet)"
    )
    requested_position: int | None
    requested_instant: datetime | None

    @classmethod
    def of(cls, service: str, scratch: Scratch, point: AsOfPoint) -> AsOf:
        return cls(
            service=service,
            position=scratch.position,
            requested_position=point.position,
            requested_instant=point.instant,
        )


@strawberry.type(description="A goal set as it stood then: every field derived from the events")
class GoalSetSnapshot(GoalSet):
    then_items: strawberry.Private[list[GoalItem]] = dataclasses.field(default_factory=list)
    then_versions: strawberry.Private[list[GoalSetVersion]] = dataclasses.field(
        default_factory=list
    )
    then_history: strawberry.Private[list[GoalSetHistoryEntry]] = dataclasses.field(
        default_factory=list
    )
    then_proposal: strawberry.Private[GoalRevisionProposal | None] = None

    @strawberry.field(description="The items then, with their progress then")
    async def items(self, info: Info_) -> list[GoalItem]:
        return self.then_items

    @strawberry.field(description="The versions approved by then, oldest first")
    async def versions(self, info: Info_) -> list[GoalSetVersion]:
        return self.then_versions

    @strawberry.field(description="The version in force at an instant, as known then")
    async def version_in_force(
        self, info: Info_, at: datetime | None = None
    ) -> GoalSetVersion | None:
        instant = at or datetime.max.replace(tzinfo=CHINA)
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=CHINA)
        in_force = [v for v in self.then_versions if v.approved_at <= instant]
        return in_force[-1] if in_force else None

    @strawberry.field(description="What had happened to it by then, oldest first")
    async def history(self, info: Info_) -> list[GoalSetHistoryEntry]:
        return self.then_history

    @strawberry.field(description="The revision awaiting the direct manager then, if any")
    async def pending_revision(self, info: Info_) -> GoalRevisionProposal | None:
        return self.then_proposal


@strawberry.type(description="A goal set at a past point; null goalSet: not yet drafted then")
class GoalSetAsOf:
    as_of: AsOf
    goal_set: GoalSetSnapshot | None


@strawberry.type(description="A complaint as it stood then: every field derived from the events")
class ComplaintSnapshot(Complaint):
    then_history: strawberry.Private[list[ComplaintHistoryEntry]] = dataclasses.field(
        default_factory=list
    )

    @strawberry.field(description="Every step of its handling by then, oldest first")
    async def history(self, info: Info_) -> list[ComplaintHistoryEntry]:
        return self.then_history


@strawberry.type(description="A complaint at a past point; null complaint: not yet filed then")
class ComplaintAsOf:
    as_of: AsOf
    complaint: ComplaintSnapshot | None


@strawberry.type(
    description="Who managed a person on a date, as the org chart was recorded at a past point "
    "(谁管理谁认定). The people are as recorded then"
)
class ManagersAsOf:
    as_of: AsOf
    on: datetime = strawberry.field(description="The instant whose managers are asked for")
    person: Person | None = strawberry.field(description="Null: not yet in the unit then")
    department_head: Person | None
    supervising_leader: Person | None
    principal_leader: Person | None
    direct_manager: Person | None


async def _goal_set_then(s: Scratch, goal_set_id: UUID) -> GoalSetSnapshot | None:
    row = await s.conn.fetchrow(f"SELECT * FROM {s.table('goal_sets')} WHERE id = $1", goal_set_id)
    if row is None:
        return None
    snapshot = GoalSetSnapshot.from_row(row)
    assert isinstance(snapshot, GoalSetSnapshot)
    items = await s.conn.fetch(
        f"SELECT * FROM {s.table('goal_set_items')} WHERE goal_set_id = $1 "
        "AND ordinal IS NOT NULL ORDER BY ordinal",
        goal_set_id,
    )
    versions = await s.conn.fetch(
        f"SELECT * FROM {s.table('goal_set_versions')} WHERE goal_set_id = $1 "
        "ORDER BY version_number",
        goal_set_id,
    )
    history = await s.conn.fetch(
        f"SELECT * FROM {s.table('goal_set_history')} WHERE goal_set_id = $1 ORDER BY position",
        goal_set_id,
    )
    proposal = await s.conn.fetchrow(
        f"SELECT * FROM {s.table('goal_proposals')} WHERE goal_set_id = $1", goal_set_id
    )
    snapshot.then_items = [GoalItem.from_row(r) for r in items]
    snapshot.then_versions = [GoalSetVersion.from_row(r) for r in versions]
    snapshot.then_history = [GoalSetHistoryEntry.from_row(r) for r in history]
    snapshot.then_proposal = GoalRevisionProposal.from_row(proposal) if proposal else None
    return snapshot


@strawberry.type
class TimeTravelQuery:
    @strawberry.field(
        description="A goal set as it stood at a past goals-log position or instant, derived "
        "from its events up to then (not from the read tables)"
    )
    async def goal_set_as_of(
        self,
        info: Info_,
        id: strawberry.ID,  # noqa: A002 - GraphQL's name
        as_of: AsOfInput,
    ) -> GoalSetAsOf:
        ctx = info.context
        goal_set_id, point = parse_id(id, "id"), point_of(as_of)
        async with as_of_scratch(ctx.pool, GoalsProjection, goal_set_id, point) as scratch:
            snapshot = await _goal_set_then(scratch, goal_set_id)
            answer = GoalSetAsOf(as_of=AsOf.of("goals", scratch, point), goal_set=snapshot)
        if snapshot is not None:
            unit, person = UUID(snapshot.unit_id), UUID(snapshot.person_id)
            ctx.ensure_unit(unit)
            ctx.viewed(person, unit, AccessedRecord.GOAL_SET, "goalSetAsOf")
        return answer

    @strawberry.field(
        description="A complaint as it stood at a past feedback-log position or instant, "
        "derived from its events up to then"
    )
    async def complaint_as_of(
        self,
        info: Info_,
        id: strawberry.ID,  # noqa: A002 - GraphQL's name
        as_of: AsOfInput,
    ) -> ComplaintAsOf:
        ctx = info.context
        complaint_id, point = parse_id(id, "id"), point_of(as_of)
        snapshot = None
        async with as_of_scratch(ctx.pool, FeedbackProjection, complaint_id, point) as scratch:
            row = await scratch.conn.fetchrow(
                f"SELECT * FROM {scratch.table('complaints')} WHERE id = $1", complaint_id
            )
            if row is not None:
                ctx.ensure_unit(row["unit_id"])
                found = ComplaintSnapshot.from_row(row)
                assert isinstance(found, ComplaintSnapshot)
                snapshot = found
                history = await scratch.conn.fetch(
                    f"SELECT * FROM {scratch.table('complaint_history')} "
                    "WHERE complaint_id = $1 ORDER BY position",
                    complaint_id,
                )
                snapshot.then_history = [
                    ComplaintHistoryEntry.from_row(r, snapshot) for r in history
                ]
                if row["target_kind"] == "PERSON":
                    ctx.viewed(
                        row["target_id"], row["unit_id"], AccessedRecord.FEEDBACK, "complaintAsOf"
                    )
            return ComplaintAsOf(as_of=AsOf.of("feedback", scratch, point), complaint=snapshot)

    @strawberry.field(
        description="Who managed a person at an instant `at` (default: the asOf instant, else "
        "now), as the org chart was recorded at a past directory-log position or instant"
    )
    async def managers_as_of(
        self, info: Info_, person_id: strawberry.ID, as_of: AsOfInput, at: datetime | None = None
    ) -> ManagersAsOf:
        ctx = info.context
        person, point = parse_id(person_id, "personId"), point_of(as_of)
        live = await known_person(info, person)
        instant = at or point.instant or datetime.now(CHINA)
        async with as_of_scratch(ctx.pool, DirectoryProjection, live["unit_id"], point) as scratch:
            ids = await manager_ids(scratch, person, china_date(instant))
            wanted = [person, *(ids.named if ids is not None else [])]
            rows = await scratch.conn.fetch(
                f"SELECT * FROM {scratch.table('people')} WHERE id = ANY($1::uuid[])", wanted
            )
            people = {r["id"]: Person.from_row(r) for r in rows}
            return ManagersAsOf(
                as_of=AsOf.of("directory", scratch, point),
                on=instant,
                person=people.get(person),
                department_head=_get(people, ids.department_head if ids else None),
                supervising_leader=_get(people, ids.supervising_leader if ids else None),
                principal_leader=_get(people, ids.principal_leader if ids else None),
                direct_manager=_get(people, ids.direct_manager if ids else None),
            )


def _get(people: dict[UUID, Person], person_id: UUID | None) -> Person | None:
    return people.get(person_id) if person_id else None
