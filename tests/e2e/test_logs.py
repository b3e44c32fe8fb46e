"""What an operator's log collector reads from a process: one JSON object a line, each request's
lines carrying its correlation id (the caller's, or a new one answered in X-Correlation-Id), and
a refusal as one line naming its rule, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from bench.system import free_port, token_for
from deploy.supervisor import answers
from kernel.auth import load_or_create_signing_key
from kernel.roles import Role
from kernel.settings import Settings


@pytest.fixture
def started(database: str, tmp_path: Path) -> Iterator[Any]:
    """Start one process by its factory, its stderr to a file; yield (url, read the lines)."""
    children: list[subprocess.Popen[bytes]] = []
    settings = Settings(database_url=database, kaohe_data_dir=tmp_path)
    load_or_create_signing_key(settings.key_dir)

    def start(factory: str) -> tuple[str, Any]:
        port = free_port()
        log = tmp_path / f"{factory.replace(':', '.')}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "KAOHE_DATA_DIR": str(tmp_path),
            "KAOHE_LOG_FORMAT": "",  # not a terminal: JSON by default
            "KAOHE_OVERDUE_CHECK_SECONDS": "3600",
        }
        command = [sys.executable, "-m", "deploy.child", factory, "--factory", "--port", str(port)]
        with log.open("wb") as sink:
            children.append(subprocess.Popen(command, env=env, stderr=sink))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while not answers(url + "/health"):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)

        def lines() -> list[dict[str, Any]]:
            return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]

        return url, lines

    yield start, settings
    for child in children:
        child.terminate()
        child.wait(timeout=30)


def test_a_services_refusal_is_one_json_line_with_the_callers_correlation_id(started: Any) -> None:
    start, settings = started
    url, lines = start("services.directory.main:create_app")
    token = token_for(settings, [Role.ADMIN])
    correlation_id = str(uuid4())
    answer = httpx.post(
        f"{url}/units",
        json={"name": "", "code": "NOPE"},
        headers={"Authorization": f"Bearer {token}", "X-Correlation-Id": correlation_id},
    )
    assert answer.status_code == 422
    assert answer.headers["x-correlation-id"] == correlation_id
    # Without one, the service makes one up and answers it.
    unnamed = httpx.post(f"{url}/units", json={}, headers={"Authorization": f"Bearer {token}"})
    assert len(unnamed.headers["x-correlation-id"]) == 36
    time.sleep(0.5)
    logged = lines()  # each line parses as JSON, or this fails
    refused = [line for line in logged if line["event"] == "refused"]
    assert {
        "status": 422,
        "rule": answer.json()["error"]["rule"],
        "correlation_id": correlation_id,
    }.items() <= refused[0].items()
    assert refused[1]["correlation_id"] == unnamed.headers["x-correlation-id"]
    assert not any("exception" in line for line in logged)


def test_a_graphql_refusal_is_one_line_not_a_traceback(started: Any) -> None:
    start, settings = started
    url, lines = start("gateway.main:create_app")
    token = token_for(settings, [Role.ADMIN])
    correlation_id = str(uuid4())
    answer = httpx.post(
        f"{url}/graphql",
        json={"query": '{ unit(id: "not-an-id") { id } }'},
        headers={"Authorization": f"Bearer {token}", "X-Correlation-Id": correlation_id},
    ).json()
    assert answer["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    time.sleep(0.5)
    logged = lines()
    refused = [line for line in logged if line["event"] == "graphql_refused"]
    assert len(refused) == 1
    assert refused[0]["correlation_id"] == correlation_id
    assert refused[0]["code"] == "INVALID_INPUT"
    assert not any("exception" in line for line in logged), logged
