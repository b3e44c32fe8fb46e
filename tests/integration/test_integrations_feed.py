"""The event feed on real PostgreSQL: a unit's events, once each, in log order, from a cursor."""

from __future__ import annotations

import asyncpg
import jsonschema

from deploy.event_catalogue import catalogue
from gateway.integrations.cursor import Cursor
from gateway.integrations.envelope import to_json
from gateway.integrations.feed import EventFilter, read_page
from gateway.integrations.scopes import FULL
from tests.integration.recorded import record_unit


async def test_a_unit_feed_pages_through_its_events_once_each_and_no_other_units(
    database: str,
) -> None:
    ours = record_unit(database, people=7)
    theirs = record_unit(database, people=4)
    conn = await asyncpg.connect(database)
    try:
        cursor, seen = Cursor(), []
        while True:
            page = await read_page(conn, cursor, EventFilter(unit_id=ours), limit=3)
            seen.extend(page.events)
            cursor = page.cursor
            if not page.events:
                break
        names = [e.name for e, _ in seen]
        assert names == ["Registered", "DepartmentOpened"] + ["PersonJoined"] * 7
        assert {e.unit_id for e, _ in seen} == {ours}
        assert theirs not in {e.unit_id for e, _ in seen}
        assert len({e.event_id for e, _ in seen}) == len(seen)
        assert all(e.chain_hash is not None for e, _ in seen)

        # Resuming from the cursor carried by the fourth event gives exactly the rest.
        resumed = await read_page(conn, seen[3][1], EventFilter(unit_id=ours), limit=100)
        assert [e.event_id for e, _ in resumed.events] == [e.event_id for e, _ in seen[4:]]
    finally:
        await conn.close()


async def test_a_type_filter_keeps_only_the_named_types_and_still_moves_the_cursor(
    isolated: str,
) -> None:
    # A database of its own: the cursor's moves are asserted over every log, whole.
    unit = record_unit(isolated, people=2)
    conn = await asyncpg.connect(isolated)
    try:
        only_departments = EventFilter(
            unit_id=unit, types=frozenset({"kaohe.directory.DepartmentOpened.v1"})
        )
        page = await read_page(conn, Cursor(), only_departments, limit=10)
        assert [e.name for e, _ in page.events] == ["DepartmentOpened"]
        later = await read_page(conn, page.cursor, only_departments, limit=10)
        assert later.events == []
        assert later.cursor == page.cursor
        prefixed = EventFilter(unit_id=unit, types=frozenset({"kaohe.directory.Person*"}))
        page = await read_page(conn, Cursor(), prefixed, limit=10)
        assert [e.name for e, _ in page.events] == ["PersonJoined", "PersonJoined"]
    finally:
        await conn.close()


async def test_every_recorded_event_validates_against_its_catalogue_schema(database: str) -> None:
    record_unit(database, people=2)
    schemas = {t.type: t.schema for t in catalogue()}
    conn = await asyncpg.connect(database)
    try:
        page = await read_page(conn, Cursor(), EventFilter(every_unit=True), limit=1000)
    finally:
        await conn.close()
    assert page.events
    for event, _ in page.events:
        body = to_json(event, scope=FULL)
        jsonschema.validate(body["data"], schemas[body["type"]])
        # Without the scope, a personal field is null (whatever its schema), and named.
        redacted = to_json(event)
        withheld = set(redacted.get("redacted", "").split(","))
        for field, value in body["data"].items():
            assert redacted["data"][field] == (None if field in withheld else value)
