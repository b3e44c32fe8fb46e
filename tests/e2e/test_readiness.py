"""Every process as an orchestrator probes it: `/health` while it lives, `/ready` only while it
can work. PostgreSQL is stopped under the running system (its own embedded server, so the rest
of the suite keeps its database) and started again; a process started without DATABASE_URL
refuses to start, in one line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.system import environment, free_port, on_free_ports, token_for
from deploy import postgres
from deploy.launcher import Running, processes, running
from kernel.roles import Role
from kernel.settings import Settings


@pytest.fixture(scope="module")
def own_server() -> Iterator[tuple[str, Path]]:
    # Not under pytest's temporary root, as in tests/conftest.py: as root, the server runs as
    # the `kaohe` account, which pytest's 0700 root keeps out.
    folder = Path(tempfile.mkdtemp(prefix="kaohe-ready-pg-"))
    try:
        with (
            environment({"KAOHE_PG_PORT": str(free_port()), "DATABASE_URL": ""}),
            postgres.database_url(folder) as url,
        ):
            yield url, folder / "postgres"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def probe(system: Running, path: str) -> dict[str, int]:
    """Each process's status code on `path`."""
    host = system.settings.kaohe_host
    return {
        p.name: httpx.get(f"http://{host}:{p.port}{path}", timeout=10).status_code
        for p in system.processes
    }


def eventually(system: Running, path: str, status: int, timeout: float = 90) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while (seen := probe(system, path)) != dict.fromkeys(seen, status):
        if time.monotonic() > deadline:
            host = system.settings.kaohe_host
            answers = {
                p.name: httpx.get(f"http://{host}:{p.port}{path}", timeout=10).text
                for p in system.processes
                if seen[p.name] != status
            }
            raise AssertionError(f"{path}: {answers}")
        time.sleep(0.5)
    return seen


def test_ready_follows_the_database(own_server: tuple[str, Path], tmp_path: Path) -> None:
    url, pgdata = own_server
    settings: Settings = on_free_ports(url, tmp_path)
    overrides = {"DATABASE_URL": url, "KAOHE_OVERDUE_CHECK_SECONDS": "3600", "NATS_URL": ""}
    account = postgres._service_account(pgdata)
    with environment(overrides), running(settings) as system:
        eventually(system, "/ready", 200)
        postgres._stop(pgdata, account)
        try:
            eventually(system, "/ready", 503)
            # Alive all the same: a liveness probe must not restart what a restart cannot fix.
            assert probe(system, "/health") == dict.fromkeys(probe(system, "/health"), 200)
            answer = httpx.get(system.health_url(system.processes[0]).replace("health", "ready"))
            assert answer.json()["checks"]["database"] == "the database does not answer"
            assert url not in answer.text, "the probe names no host or user"
        finally:
            port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
            postgres._start(pgdata, pgdata.parent / "postgres-run", port, account)
        eventually(system, "/ready", 200)
        # Served again end to end: a command forwarded, recorded, projected and read back (the
        # gateway's LISTEN connections reconnected: read-your-writes does not time out).
        admin = token_for(settings, [Role.ADMIN])
        answer = httpx.post(
            f"http://{settings.kaohe_host}:{settings.kaohe_gateway_port}/graphql",
            json={
                "query": 'mutation { registerUnit(name: "恢复", code: "BACK") { unit { code } } }'
            },
            headers={"Authorization": f"Bearer {admin}"},
            timeout=30,
        ).json()
        assert answer == {"data": {"registerUnit": {"unit": {"code": "BACK"}}}}


def test_a_process_without_a_database_refuses_to_start() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    started = {
        p.name: subprocess.Popen(
            [sys.executable, "-m", "uvicorn", p.factory, "--factory", "--port", str(free_port())],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in processes(Settings())
    }
    for name, child in started.items():
        _, err = child.communicate(timeout=120)
        assert child.returncode != 0, name
        assert "DATABASE_URL is not set" in err, (name, err)
        assert "Traceback" not in err, (name, err)
