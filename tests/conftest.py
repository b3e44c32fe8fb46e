"""Shared fixtures: a real PostgreSQL for integration and end-to-end tests.

With DATABASE_URL set, that server is used; without it, an embedded PostgreSQL is started for the
session. Either way each session works in a database of its own, dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from deploy.postgres import database_url


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A URL of a running PostgreSQL: $DATABASE_URL, or an embedded server for this session."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    saved = os.environ.get("KAOHE_PG_PORT")
    os.environ["KAOHE_PG_PORT"] = str(free_port())
    # Not under pytest's own temporary root: as root, the server runs as the `kaohe` account,
    # which may walk into its folder only while that root is searchable, and every pytest
    # session that starts makes its root 0700 again (a second session on the machine would
    # take the server's data folder away from it mid-run).
    folder = Path(tempfile.mkdtemp(prefix="kaohe-test-pg-"))
    try:
        with database_url(folder) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if saved is None:
            os.environ.pop("KAOHE_PG_PORT", None)
        else:
            os.environ["KAOHE_PG_PORT"] = saved


@pytest.fixture(scope="session")
def database(postgres_server: str) -> Iterator[str]:
    """A fresh database for this test session, on the session's server."""
    name = f"kaohe_test_{uuid4().hex[:10]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(SQL("CREATE DATABASE {}").format(Identifier(name)))
    parts = urlsplit(postgres_server)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(name)))


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Kaohe data folder (signing keys) for the session."""
    return tmp_path_factory.mktemp("kaohe-data")
