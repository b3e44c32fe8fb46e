"""Versioned migrations (kernel/migrations): an empty database and one made by the release
before migrations both end at the same schema, and that schema is what the code expects."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

from bench.system import free_port, fresh_database
from deploy.cli import app
from kernel.schema import (
    EXPECTED_REVISION,
    SchemaBehindError,
    current_revision,
    head_revision,
    migrate,
    require_migrated,
)
from kernel.store import SERVICES, ServiceApplication, postgres_env

BEFORE_MIGRATIONS = Path(__file__).parents[1] / "fixtures" / "schema_before_migrations.sql"

# What the migrations own; the gateway's read schema rebuilds itself by replay.
DURABLE = [*SERVICES, "integrations", "audit"]

CATALOGUE = {
    "columns": """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), c.relkind::text, c.reloptions::text
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = %(schema)s AND a.attnum > 0 AND NOT a.attisdropped
          AND c.relkind IN ('r', 'c', 'S')""",
    "constraints": """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = %(schema)s""",
    "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s",
    "triggers": """
        SELECT t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal""",
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid), p.prosrc,
               pg_get_function_result(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s""",
}


def schema_of(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The durable schemas as the catalogue describes them, sorted, per schema and kind."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with psycopg.connect(database_url, autocommit=True) as conn:
        for schema in DURABLE:
            for kind, query in CATALOGUE.items():
                rows = conn.execute(query, {"schema": schema}).fetchall()
                found[f"{schema} {kind}"] = sorted(rows, key=repr)
    return found


@pytest.fixture
def empty(postgres_server: str) -> Iterator[str]:
    """A database nothing has touched."""
    with fresh_database(postgres_server, "kaohe_empty", migrated=False) as url:
        yield url


@pytest.fixture
def before_migrations(postgres_server: str) -> Iterator[str]:
    """A database with the schema the release before migrations made, restored from its dump."""
    with fresh_database(postgres_server, "kaohe_previous", migrated=False) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(BEFORE_MIGRATIONS.read_text())
        yield url


def test_an_empty_database_and_one_from_the_previous_release_migrate_to_the_same_schema(
    empty: str, before_migrations: str
) -> None:
    # Given a database made by the release before migrations
    previous = schema_of(before_migrations)
    assert previous["goals columns"], "the fixture restored no goals log"
    # When it and an empty database are migrated to head
    assert migrate(empty) == migrate(before_migrations) == EXPECTED_REVISION
    # Then both have the same schema
    assert schema_of(empty) == schema_of(before_migrations)
    # and what the first release made is still there, but for its shared audit guard
    migrated = schema_of(before_migrations)
    for part, rows in previous.items():
        if part != "audit functions" and part != "audit triggers":
            assert rows == migrated[part], part


def test_migrating_again_changes_nothing(empty: str) -> None:
    migrate(empty)
    once = schema_of(empty)
    migrate(empty)
    assert schema_of(empty) == once
    assert current_revision(empty) == EXPECTED_REVISION


def test_the_code_expects_the_newest_migration() -> None:
    assert head_revision() == EXPECTED_REVISION


def test_a_process_refuses_a_database_that_was_not_migrated(empty: str) -> None:
    with pytest.raises(SchemaBehindError, match="run `kaohe migrate`"):
        require_migrated(empty)
    migrate(empty)
    require_migrated(empty)


def test_a_process_of_an_older_release_refuses_a_newer_schema(empty: str) -> None:
    migrate(empty)
    with psycopg.connect(empty, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaBehindError, match="newer than this release's"):
        require_migrated(empty)


@pytest.mark.parametrize("service", SERVICES)
def test_the_event_library_finds_the_tables_it_would_have_made(empty: str, service: str) -> None:
    # Given a migrated database
    migrate(empty)
    before = schema_of(empty)
    # When the eventsourcing library creates its log's tables there, as it did before migrations
    log = type("Log", (ServiceApplication,), {"name": service, "schema": service})
    log(env={**postgres_env(empty, service), "CREATE_TABLE": "y"}).close()
    # Then it finds nothing to add or change: the migrations made what it expects
    assert schema_of(empty) == before


def test_kaohe_migrate_brings_the_database_to_head_and_then_has_nothing_to_do(
    empty: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty)
    first = CliRunner().invoke(app, ["migrate"])
    assert first.exit_code == 0, first.output
    assert f"at revision {EXPECTED_REVISION} (was none)" in first.output
    again = CliRunner().invoke(app, ["migrate"])
    assert "nothing to do" in again.output
    assert current_revision(empty) == EXPECTED_REVISION


def test_a_service_started_on_a_database_not_migrated_stops_with_one_line(empty: str) -> None:
    command = [sys.executable, "-m", "uvicorn", "services.goals.main:create_app", "--factory"]
    command += ["--port", str(free_port())]
    env = {**os.environ, "DATABASE_URL": empty}
    stopped = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert stopped.returncode != 0
    said = stopped.stderr.strip().splitlines()
    assert said[-1] == str(SchemaBehindError(None))
    assert "Traceback" not in stopped.stderr
