"""GraphQL subscriptions (graphql-transport-ws): the event stream from a cursor, and domain
subscriptions (a goal set changed, a complaint changed, a review cycle moved to a new step).

graphql-transport-ws has no resume of its own, so every subscription takes a cursor (`after`):
it first sends what was recorded after it (backfill), then tails the logs. Each message carries
the cursor to reconnect with. The caller authenticates in the connection's init payload
(`{"Authorization": "Bearer <token>"}`), and sees only what the queries would show them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from typing import Any, cast
from uuid import UUID

import asyncpg
import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

from gateway.feedback.types import Complaint
from gateway.goals.types import GoalSet
from gateway.graphql.plumbing import Info_, parse_id
from gateway.graphql.shapes import parse_optional_id
from gateway.integrations.api import feed_filter, feed_scope
from gateway.integrations.cursor import Cursor
from gateway.integrations.envelope import RecordedEvent, to_json
from gateway.integrations.feed import EventFilter, LogWatcher, read_page
from gateway.integrations.subscriptions import end_of_logs
from gateway.integrations.types import graphql_error
from gateway.reviews.queries import ReviewCycle
from kernel.auth import AuthenticationError
from kernel.context import Actor
from kernel.errors import DomainError, NotFoundError
from kernel.web.caller import check_grants

PAGE = 100
# How often a running subscription checks that its caller's roles are still granted.
GRANT_RECHECK_SECONDS = 10.0


@strawberry.type(description="One event of the stream, as a CloudEvents 1.0 JSON event")
class EventMessage:
    cursor: str = strawberry.field(description="Reconnect with this to go on after this event")
    id: strawberry.ID = strawberry.field(description="The CloudEvents id")
    type: str = strawberry.field(description="The CloudEvents type")
    cloud_event: JSON = strawberry.field(description="The whole CloudEvents JSON event")


@strawberry.type
class Change:
    """What every change of a record says besides the record: each subclass adds the record."""

    cursor: str = strawberry.field(description="Reconnect with this to go on after this change")
    event_type: str = strawberry.field(description="The CloudEvents type of the change")
    position: int = strawberry.field(description="The change's position in its service's log")


@strawberry.type(description="A goal set changed: the event, and the goal set as it is now")
class GoalSetChange(Change):
    goal_set: GoalSet = strawberry.field(description="The goal set once the change is projected")


@strawberry.type(description="A complaint changed: the event, and the complaint as it is now")
class ComplaintChange(Change):
    complaint: Complaint = strawberry.field(
        description="The complaint once the change is projected"
    )


@strawberry.type(description="A review cycle changed: the event, and the cycle as it is now")
class ReviewCycleChange(Change):
    cycle: ReviewCycle = strawberry.field(description="The cycle once the change is projected")


# The cycle's steps: opened, appraisal begun, finalised, published, confirmed.
CYCLE_STEPS = frozenset(
    {"CycleOpened", "AppraisalBegan", "GradesFinalised", "ResultsPublished", "ResultsConfirmed"}
)


async def stream(
    info: Info_, cursor: Cursor, event_filter: EventFilter, logs: list[str] | None = None
) -> AsyncGenerator[tuple[RecordedEvent, Cursor], None]:
    """Backfill from `cursor`, then tail: every accepted event once, in each log's order."""
    connection = info.context.request
    assert connection is not None, "strawberry sets the request or websocket on the context"
    watcher: LogWatcher = connection.app.state.log_watcher
    checked = time.monotonic()
    while True:
        if time.monotonic() - checked >= GRANT_RECHECK_SECONDS:
            # A subscription outlives its connect: a revoked role ends it within this period.
            await still_granted(connection.app, info.context.actor)
            checked = time.monotonic()
        ticket = watcher.ticket()
        async with info.context.pool.acquire() as conn:
            page = await read_page(conn, cursor, event_filter, PAGE, logs)
        for item in page.events:
            yield item
        cursor = page.cursor
        if not page.has_more:
            # A lost notification costs at most a second.
            await watcher.wait(ticket, 1.0)


async def still_granted(app: Any, actor: Actor) -> None:
    """End a subscription (a GraphQL error, code UNAUTHENTICATED) once the caller's roles are
    no longer granted (`kernel.grant_in_force`)."""
    try:
        await asyncio.to_thread(check_grants, app, actor)
    except AuthenticationError as exc:
        raise GraphQLError(
            exc.reason,
            extensions={"code": "UNAUTHENTICATED", "status": 401, "rule": exc.rule},
        ) from None


async def _start(info: Info_, after: str | None, service: str) -> Cursor:
    if after is not None:
        try:
            return Cursor.decode(after)
        except DomainError as exc:
            raise graphql_error(exc) from None
    async with info.context.pool.acquire() as conn:
        return Cursor({service: (await end_of_logs(conn)).position(service)})


async def _projected(info: Info_, service: str, position: int) -> None:
    ctx = info.context
    await ctx.freshness.wait_quietly(service, position, ctx.settings.kaohe_read_your_writes_timeout)
    ctx.forget_loaded()


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every event the caller may read (an integration or a unit's auditor: its "
        "unit's; platform auditors and administrators: every unit's, or `unitId`'s), from "
        "`after` (none: the beginning), "
        "then as they are recorded"
    )
    async def events(
        self,
        info: Info_,
        after: str | None = None,
        types: list[str] | None = None,
        unit_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[EventMessage, None]:
        try:
            unit = parse_optional_id(unit_id, "unitId")
            event_filter = feed_filter(info.context.actor, unit, types)
            scope = feed_scope(info.context.actor)
            cursor = Cursor.decode(after)
        except DomainError as exc:
            raise graphql_error(exc) from None
        async for event, position in stream(info, cursor, event_filter):
            body: dict[str, Any] = to_json(event, position.encode(), scope)
            yield EventMessage(
                cursor=position.encode(),
                id=strawberry.ID(event.event_id),
                type=event.type,
                cloud_event=cast("JSON", body),
            )

    @strawberry.subscription(
        description="Each change of a goal set the caller may read, from `after` (none: from "
        "now on), with the goal set as it stands once the change is projected"
    )
    async def goal_set_changed(
        self, info: Info_, goal_set_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[GoalSetChange, None]:
        changes = _changes(info, "goals", "goal_sets", goal_set_id, "goal set", "goalSetId", after)
        async for change, row in changes:
            yield GoalSetChange(**change, goal_set=GoalSet.from_row(row))

    @strawberry.subscription(
        description="Each change of a complaint the caller may read, from `after` (none: from "
        "now on), with the complaint as it stands once the change is projected"
    )
    async def complaint_changed(
        self, info: Info_, complaint_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[ComplaintChange, None]:
        changes = _changes(
            info, "feedback", "complaints", complaint_id, "complaint", "complaintId", after
        )
        async for change, row in changes:
            yield ComplaintChange(**change, complaint=Complaint.from_row(row))

    @strawberry.subscription(
        description="Each step of a review cycle (opened, appraisal begun, finalised, published, "
        "confirmed), or with `stepsOnly: false` each change of it (proposals, objections), from "
        "`after` (none: from now on), with the cycle as it stands once the change is projected"
    )
    async def review_cycle_changed(
        self,
        info: Info_,
        cycle_id: strawberry.ID,
        after: str | None = None,
        steps_only: bool = True,
    ) -> AsyncGenerator[ReviewCycleChange, None]:
        steps = CYCLE_STEPS if steps_only else None
        changes = _changes(
            info, "reviews", "review_cycles", cycle_id, "review cycle", "cycleId", after, steps
        )
        async for change, row in changes:
            yield ReviewCycleChange(**change, cycle=ReviewCycle.from_row(row))


async def _changes(
    info: Info_,
    service: str,
    table: str,
    record_id: strawberry.ID,
    what: str,
    field: str,
    after: str | None,
    names: frozenset[str] | None = None,
) -> AsyncGenerator[tuple[dict[str, Any], asyncpg.Record], None]:
    """Each change of the record the argument `field` names (its stream in `service`'s log,
    events named `names` if given), from `after`: the fields of its `Change`, and its row of
    `table` once the change is projected; refused unless the caller may read the record's unit.
    """
    ctx = info.context
    record = parse_id(record_id, field)
    row = await ctx.pool.fetchrow(f"SELECT * FROM {ctx.table(table)} WHERE id = $1", record)
    if row is None:
        raise graphql_error(_not_found(what, record, field))
    ctx.ensure_unit(row["unit_id"])
    cursor = await _start(info, after, service)
    only = EventFilter(every_unit=True, subject=record)
    async for event, position in stream(info, cursor, only, [service]):
        if names is not None and event.name not in names:
            continue
        await _projected(info, service, event.position)
        current = await ctx.pool.fetchrow(f"SELECT * FROM {ctx.table(table)} WHERE id = $1", record)
        if current is not None:
            change = {
                "cursor": position.encode(),
                "event_type": event.type,
                "position": event.position,
            }
            yield change, current


def _not_found(what: str, key: UUID, field: str) -> DomainError:

    return NotFoundError(
        f"gateway.{what.replace(' ', '_')}_exists", f"no {what} {key}", field=field
    )
