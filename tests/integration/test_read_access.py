"""Who may read which record, in Python and in SQL: where a list is filtered in SQL by who may
read it, the SQL twin keeps exactly the rows the Python rule lets the caller read.

Each property runs against a real PostgreSQL, over rows and callers hypothesis draws: the
objections of a cycle, weekly reports and the list of units. (Who manages whom, which the
reviews' `managed_by` asks, has its twins checked in test_org_chart_twins.py.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.graphql.access import (
    objection_sql,
    readable_units,
    reads_objection,
    reads_weekly_report,
    sees_draft_reports,
    sees_whole_unit,
    unit_sql,
    weekly_report_sql,
)
from kernel.context import Actor, Scope
from kernel.roles import Role

SCHEMA = "read_access"
UNITS = [uuid4() for _ in range(3)]
PEOPLE = [uuid4() for _ in range(5)]

bounded = settings(max_examples=25, deadline=None)

actors = st.builds(
    Actor,
    person_id=st.sampled_from(PEOPLE),
    tenant_id=st.sampled_from([*UNITS, None]),
    login=st.just("x"),
    name=st.just("x"),
    roles=st.frozensets(st.sampled_from(list(Role)), max_size=3),
    scope=st.sampled_from(list(Scope)),
)


class Db:
    """One connection on its own event loop: hypothesis drives a plain function."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.conn: asyncpg.Connection = self.run(asyncpg.connect(url))

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def ids(self, sql: str, *args: Any) -> set[UUID]:
        return {r[0] for r in self.run(self.conn.fetch(sql, *args))}


@pytest.fixture(scope="module")
def db(database: str) -> Iterator[Db]:
    db = Db(database)
    db.run(db.conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
    db.run(
        db.conn.execute(
            f"CREATE TABLE {SCHEMA}.rows (id uuid PRIMARY KEY, person_id uuid, status text)"
        )
    )
    yield db
    db.run(db.conn.execute(f"DROP SCHEMA {SCHEMA} CASCADE"))
    db.run(db.conn.close())
    db.loop.close()


def fill(db: Db, rows: Sequence[tuple[UUID, UUID | None, str | None]]) -> None:
    db.run(db.conn.execute(f"TRUNCATE {SCHEMA}.rows"))
    db.run(db.conn.executemany(f"INSERT INTO {SCHEMA}.rows VALUES ($1, $2, $3)", rows))


@bounded
@given(actor=actors, objectors=st.lists(st.sampled_from(PEOPLE), max_size=6))
def test_the_objections_sql_keeps_those_the_caller_may_read(
    db: Db, actor: Actor, objectors: list[UUID]
) -> None:
    unit = UNITS[0]
    rows = [(uuid4(), person, None) for person in objectors]
    fill(db, rows)
    kept = db.ids(
        f"SELECT id FROM {SCHEMA}.rows WHERE {objection_sql('$1', '$2')}",
        sees_whole_unit(actor, unit),
        actor.person_id,
    )
    assert kept == {i for i, person, _ in rows if reads_objection(actor, unit, person)}


@bounded
@given(actor=actors, statuses=st.lists(st.sampled_from(["COMPILED", "PUBLISHED"]), max_size=6))
def test_the_weekly_reports_sql_keeps_those_the_caller_may_read(
    db: Db, actor: Actor, statuses: list[str]
) -> None:
    rows = [(uuid4(), None, status) for status in statuses]
    fill(db, rows)
    readable = weekly_report_sql("$1", "status = 'PUBLISHED'")
    kept = db.ids(f"SELECT id FROM {SCHEMA}.rows WHERE {readable}", sees_draft_reports(actor))
    assert kept == {
        i for i, _, status in rows if reads_weekly_report(actor, published=status == "PUBLISHED")
    }


@bounded
@given(actor=actors)
def test_the_units_sql_keeps_the_units_the_caller_reads(db: Db, actor: Actor) -> None:
    fill(db, [(unit, None, None) for unit in UNITS])
    kept = db.ids(
        f"SELECT id FROM {SCHEMA}.rows WHERE {unit_sql('$1', '$2')}", *readable_units(actor)
    )
    assert kept == {unit for unit in UNITS if actor.reads_unit(unit)}
