"""Shared fixtures: a real PostgreSQL for integration and end-to-end tests.

With DATABASE_URL set, that server is used; without it, an embedded PostgreSQL is started for the
session. Either way each session works in a database of its own, migrated to the newest schema
revision as `kaohe migrate` would (bench.system.fresh_database), dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.system import environment, free_port, fresh_database
from deploy.postgres import database_url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A URL of a running PostgreSQL: $DATABASE_URL, or an embedded server for this session."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    # Not under pytest's own temporary root: as root, the server runs as the `kaohe` account,
    # which may walk into its folder only while that root is searchable, and every pytest
    # session that starts makes its root 0700 again (a second session on the machine would
    # take the server's data folder away from it mid-run).
    folder = Path(tempfile.mkdtemp(prefix="kaohe-test-pg-"))
    try:
        with environment({"KAOHE_PG_PORT": str(free_port())}), database_url(folder) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def database(postgres_server: str) -> Iterator[str]:
    """A fresh database for this test session, on the session's server, migrated."""
    with fresh_database(postgres_server, "kaohe_test") as url:
        yield url


@pytest.fixture
def isolated(postgres_server: str) -> Iterator[str]:
    """A migrated database of this test's own: for assertions about a whole log, or for
    tampering."""
    with fresh_database(postgres_server, "kaohe_isolated") as url:
        yield url


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Kaohe data folder (signing keys) for the session."""
    return tmp_path_factory.mktemp("kaohe-data")
