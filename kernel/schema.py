"""Kaohe's durable schema, versioned with Alembic: the tables that replay cannot rebuild (the
service logs with their chains and idempotency keys, the integrations tables, the audit tables).

The migrations live in `kernel/migrations/`, beside the code every process imports, so that a
process can tell at start whether its database is at the revision it was built for, and so that
the installed package (an image, a Kubernetes Job) carries them. The gateway's read schema is not
here: it is rebuilt by replay and creates itself at start.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import psycopg

# Alembic and SQLAlchemy are imported where they are used: every process imports this module
# to check its revision at start, and those two would add about a second of CPU to each start.
if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

# The revision this code was written for: a new migration moves it, and a test holds the two
# together.
EXPECTED_REVISION = "0002"

# Any constant names the lock; this one spells "kaohe-mg". Two migrators (a Job and a
# developer's `kaohe run`) queue on it rather than race on the catalogue.
_MIGRATION_LOCK = 0x6B616F68652D6D67


class SchemaBehindError(SystemExit):
    """The database is not at the revision this release needs: the process stops at once with
    one line saying what to run (a SystemExit, so no traceback)."""

    def __init__(self, found: str | None) -> None:
        # Revisions are numbered in order ("0001", "0002", ...), so they compare as strings.
        if found is not None and found > EXPECTED_REVISION:
            super().__init__(
                f"the database schema is at revision {found}, newer than this release's "
                f"{EXPECTED_REVISION}: run the release that migrated it"
            )
            return
        super().__init__(
            f"the database schema is at revision {found or 'none'}, this release needs "
            f"{EXPECTED_REVISION}: run `kaohe migrate` (with the same DATABASE_URL)"
        )


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision among the migrations."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def _sqlalchemy_url(database_url: str) -> str:
    # SQLAlchemy's default PostgreSQL driver is psycopg2; Kaohe has psycopg 3.
    url = urlsplit(database_url)
    return urlunsplit(url._replace(scheme="postgresql+psycopg"))


def migrate(database_url: str) -> str:
    """Bring the database at `database_url` to the newest revision, in one transaction under an
    advisory lock; returns that revision. Safe to run again, and on a database made by the first
    release before migrations existed (its first revision changes nothing there)."""
    from alembic import command
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    config = _config()
    engine = create_engine(_sqlalchemy_url(database_url), poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _MIGRATION_LOCK}
            )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    return head_revision()


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        found = conn.execute("SELECT to_regclass('public.alembic_version')").fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute("SELECT version_num FROM public.alembic_version").fetchone()
    return None if row is None else str(row[0])


def require_migrated(database_url: str) -> None:
    """Refuse to go on (SchemaBehindError) unless the database is at EXPECTED_REVISION."""
    found = current_revision(database_url)
    if found != EXPECTED_REVISION:
        raise SchemaBehindError(found)
