"""`GET /events`: the catch-up feed of CloudEvents, from any cursor, filtered, long-polling."""

from __future__ import annotations

import time
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from gateway.integrations.cursor import Cursor
from gateway.integrations.envelope import to_json
from gateway.integrations.feed import EventFilter, LogWatcher, read_page
from gateway.integrations.scopes import FULL, Scope, parse_scope
from gateway.integrations.subscriptions import check_types
from kernel.context import Actor
from kernel.errors import NotPermittedError
from kernel.roles import Role
from kernel.web.caller import CurrentActor

router = APIRouter(tags=["integrations"])
MAX_WAIT = 60.0


def feed_filter(actor: Actor, unit: UUID | None, types: list[str] | None) -> EventFilter:
    """What `actor` may read: an integration and a unit's auditor their own unit; platform
    auditors and the administrator every unit (`Actor.reads_every_unit`).

    Refuses anyone else, naming the missing role, and a reader asking for another unit.
    """
    kinds = frozenset(checked) if (checked := check_types(types, "type")) else None
    if actor.reads_every_unit():
        return EventFilter(unit_id=unit, types=kinds, every_unit=True)
    if not (actor.has(Role.INTEGRATION) or actor.has(Role.AUDITOR)):
        raise NotPermittedError(
            "integrations.feed_reader",
            f"the event feed needs the role {Role.INTEGRATION.value} ({Role.INTEGRATION.label}), "
            f"{Role.AUDITOR.value} ({Role.AUDITOR.label}) or {Role.ADMIN.value} "
            f"({Role.ADMIN.label}); the caller has "
            + (", ".join(sorted(r.value for r in actor.roles)) or "no role"),
            missing_role=Role.INTEGRATION.value,
        )
    if actor.tenant_id is None or (unit is not None and unit != actor.tenant_id):
        raise NotPermittedError(
            "integrations.own_unit",
            f"an integration's or a unit auditor's token reads its own unit's events only "
            f"({actor.tenant_id}), not unit {unit}",
            missing_relation="MEMBER_OF_UNIT",
        )
    return EventFilter(unit_id=actor.tenant_id, types=kinds, allowed=feed_scope(actor).types)


def feed_scope(actor: Actor) -> Scope:
    """What of each event `actor` sees: auditors and administrators everything; an integration
    what its token's `scope` claim grants (no claim: no personal field).
    """
    if actor.has(Role.AUDITOR) or actor.has(Role.ADMIN):
        return FULL
    return parse_scope(actor.integration_scope or (), strict=False)


@router.get("/events")
async def events(
    request: Request,
    actor: CurrentActor,
    after: Annotated[
        str | None, Query(description="A cursor from an earlier answer; none: the beginning")
    ] = None,
    type_: Annotated[
        list[str] | None,
        Query(alias="type", description="Event types to keep (repeatable; `kaohe.goals.*`)"),
    ] = None,
    unit: Annotated[UUID | None, Query(description="Only this unit's events")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Most events in one answer")] = 100,
    wait: Annotated[
        float, Query(ge=0, le=MAX_WAIT, description="Seconds to wait for an event if none yet")
    ] = 0,
) -> JSONResponse:
    """CloudEvents after `after` that the caller may see, oldest first, and the cursor to resume;
    personal fields outside the caller's scope are null and named in each event's `redacted`.
    """
    event_filter = feed_filter(actor, unit, type_)
    scope = feed_scope(actor)
    cursor = Cursor.decode(after)
    watcher: LogWatcher = request.app.state.log_watcher
    deadline = time.monotonic() + wait
    while True:
        ticket = watcher.ticket()
        # A connection only while reading: long-polls must not hold the pool while they wait.
        async with request.app.state.pool.acquire() as conn:
            page = await read_page(conn, cursor, event_filter, limit)
        remaining = deadline - time.monotonic()
        if page.events or remaining <= 0:
            break
        cursor = page.cursor
        # A lost notification costs at most a second.
        await watcher.wait(ticket, min(remaining, 1.0))
    body: dict[str, Any] = {
        "events": [to_json(event, c.encode(), scope) for event, c in page.events],
        "cursor": page.cursor.encode(),
        "has_more": page.has_more,
    }
    return JSONResponse(body, headers={"Kaohe-Cursor": body["cursor"]})
