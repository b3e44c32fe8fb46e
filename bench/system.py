"""The system under test: a fresh database (DATABASE_URL's server or an embedded PostgreSQL),
Kaohe started as `make run` starts it, and the baseline endpoint in its own uvicorn process.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID, uuid4

import httpx
import psycopg
from psycopg.sql import SQL, Identifier

from deploy.launcher import Running, running
from deploy.postgres import database_url
from kernel.auth import mint_token
from kernel.context import Scope
from kernel.roles import Role
from kernel.schema import migrate
from kernel.settings import Settings


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def environment(overrides: dict[str, str]) -> Iterator[None]:
    """The process's environment with `overrides` set, restored afterwards."""
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def on_free_ports(database: str, data_dir: Path) -> Settings:
    """Settings for every process of Kaohe on a port nobody listens on, over `database`."""
    return Settings(
        database_url=database,
        kaohe_data_dir=data_dir,
        kaohe_gateway_port=free_port(),
        kaohe_directory_port=free_port(),
        kaohe_goals_port=free_port(),
        kaohe_feedback_port=free_port(),
        kaohe_reviews_port=free_port(),
        kaohe_integrations_port=free_port(),
        kaohe_audit_port=free_port(),
    )


@contextlib.contextmanager
def server(scratch: Path) -> Iterator[str]:
    """A PostgreSQL server URL: $DATABASE_URL, or an embedded server on a free port."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    with environment({"KAOHE_PG_PORT": str(free_port())}), database_url(scratch / "pg") as url:
        yield url


@contextlib.contextmanager
def fresh_database(
    server_url: str, prefix: str = "kaohe_bench", *, migrated: bool = True
) -> Iterator[str]:
    """A new database on the server, named `prefix` and a random suffix, migrated to the newest
    revision (as `kaohe migrate` would) unless `migrated` is False, dropped at the end."""
    name = f"{prefix}_{uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(SQL("CREATE DATABASE {}").format(Identifier(name)))
    try:
        url = urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
        if migrated:
            migrate(url)
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(name)))


def token_for(
    settings: Settings,
    roles: list[Role],
    *,
    person_id: UUID | None = None,
    tenant_id: UUID | None = None,
    scope: Scope | None = None,
    ttl: timedelta = timedelta(hours=1),
) -> str:
    """A token the tests and the bench act with: for `person_id` (a new id if None) in the unit
    `tenant_id` (None: the platform)."""
    return mint_token(
        settings,
        person_id=person_id or uuid4(),
        tenant_id=tenant_id,
        login="tester",
        name="测试",
        roles=roles,
        ttl=ttl,
        scope=scope,
    )


@dataclass(frozen=True)
class Stack:
    """Everything the bench started: Kaohe's processes and the baseline endpoint."""

    settings: Settings
    database: str
    system: Running
    baseline: subprocess.Popen[bytes]
    baseline_url: str

    @property
    def graphql_url(self) -> str:
        """The gateway's GraphQL endpoint."""
        return f"http://{self.settings.kaohe_host}:{self.settings.kaohe_gateway_port}/graphql"


def serve(factory: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Serve the ASGI app `factory` makes with uvicorn on 127.0.0.1:`port`, as quietly as
    `make run` serves Kaohe's own."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            factory,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )


def _wait(url: str, child: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {child.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


@contextlib.contextmanager
def stack() -> Iterator[Stack]:
    """Start a fresh database, Kaohe and the baseline endpoint; stop them all at the end."""
    with tempfile.TemporaryDirectory(prefix="kaohe-bench-") as scratch:
        root = Path(scratch)
        with server(root) as server_url, fresh_database(server_url) as database:
            settings = on_free_ports(database, root / "data")
            overrides = {"DATABASE_URL": database, "KAOHE_OVERDUE_CHECK_SECONDS": "3600"}
            # The bench loads the gateway through a few callers: per-caller rates would measure
            # the rate limiter, not the system.
            overrides |= {
                f"KAOHE_GRAPHQL_{kind}_{knob}": "1000000"
                for kind in ("QUERY", "MUTATION")
                for knob in ("RATE", "BURST")
            }
            with environment(overrides), running(settings) as system:
                port = free_port()
                baseline = serve(
                    "bench.baseline_app:create_app",
                    port,
                    {**os.environ, "BENCH_DATABASE_URL": database},
                )
                try:
                    url = f"http://127.0.0.1:{port}"
                    _wait(f"{url}/health", baseline)
                    yield Stack(settings, database, system, baseline, url)
                finally:
                    baseline.terminate()
                    try:
                        baseline.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        baseline.kill()
