"""`kaohe demo` against the running system: what it loads, and that loading it again records
nothing new (every mutation carries its Idempotency-Key)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench.system import fresh_database
from deploy.demo import load_demo
from deploy.demo_unit import people
from kernel.roles import Role
from tests.e2e.conftest import System, started

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system(postgres_server: str, data_dir: Path) -> Iterator[System]:
    """The system on a database of its own: the demo's two thousand events would crowd the
    session's, which later tests read whole."""
    with (
        fresh_database(postgres_server, "kaohe_demo") as database,
        started(database, data_dir, {}) as running,
    ):
        yield running


LOGS = """SELECT table_schema, table_name FROM information_schema.tables
  WHERE table_name LIKE '%\\_events' AND table_schema IN ('directory', 'goals', 'feedback',
  'reviews') ORDER BY 1, 2"""

PEOPLE = """query($unit: ID!) { people(unitId: $unit, first: 100) { totalCount } }"""


def events_per_log(database: str) -> dict[str, int]:
    """How many events each service's log holds."""
    with psycopg.connect(database) as conn:
        tables = conn.execute(LOGS).fetchall()
        counts: dict[str, int] = {}
        for schema, table in tables:
            row = conn.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()
            assert row is not None
            counts[f"{schema}.{table}"] = row[0]
        return counts


def test_the_demo_loads_the_unit_and_a_second_load_records_nothing_new(
    system: System, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    unit_id = load_demo(system.settings, system.graphql_url)
    first = time.monotonic() - started
    loaded = events_per_log(system.database)
    assert set(loaded) >= {"directory.directory_events"}, loaded

    again = load_demo(system.settings, system.graphql_url)
    second = time.monotonic() - started - first

    assert again == unit_id
    assert events_per_log(system.database) == loaded
    admin = system.token([Role.ADMIN])
    roster: dict[str, Any] = system.data(admin, PEOPLE, unit=str(unit_id))["people"]
    assert roster["totalCount"] == len(people())
    with capsys.disabled():
        # The times are what docs/operations.md reports ("Demo data"); nothing asserts them.
        sys.stderr.write(f"\nfirst load {first:.1f} s, second {second:.1f} s: {loaded}\n")
