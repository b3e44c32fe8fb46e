"""End to end: what one GraphQL request may cost the gateway (issue 13, finding 5, and the GraphQL
parts of finding 7): the attack of 30 aliases of a nested list refused before it runs, a
colleague's `{ me }` answered while costly queries run, the time limit, the callers' rates, the
size of a body, batches and documents with two anonymous operations.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.system import free_port
from tests.e2e.conftest import System, new_unit

pytestmark = pytest.mark.e2e

# Few queries per caller here, so the rate test needs few requests (every test below reads with
# its own caller's token); two turns, so costly queries take one at a time and leave the other.
SYSTEM_ENV = {
    "KAOHE_GRAPHQL_QUERY_BURST": "20",
    "KAOHE_GRAPHQL_QUERY_RATE": "0.01",
    "KAOHE_GRAPHQL_CONCURRENCY": "2",
}

NESTED = "name department { name members { name managers { directManager { name } } } }"
# Costly but allowed (9,486 against 20,000): every person's department's members, each
# with their managers.
HEAVY = f"""query($unit: ID!) {{ people(unitId: $unit, first: 60) {{
  edges {{ node {{ {NESTED} }} }} }} }}"""
# The issue's attack: 30 aliases of a nested list query.
ATTACK = (
    "query($unit: ID!) { "
    + " ".join(
        f"a{i}: people(unitId: $unit, first: 200) {{ edges {{ node {{ {NESTED} }} }} }}"
        for i in range(30)
    )
    + " }"
)
ME = "{ me { unitId } }"


@dataclass
class Staffed:
    id: str
    office: str


@pytest.fixture(scope="module")
def unit(system: System) -> Staffed:
    """A unit of two departments of 20 people each (and the office in the first)."""
    built = new_unit(system, "限额测试中心", "E2E-LIMITS", office="office")
    built.open("second", "第2科", "PROPERTY")
    for d, (dept, category) in enumerate((("general", "GENERAL"), ("second", "SERVICE"))):
        for p in range(20):
            built.add(f"p{d}-{p}", f"职员{d}-{p}", category, dept)
    return Staffed(built.id, built.office)


def reader(system: System, unit: Staffed) -> str:
    """A token of a caller of their own (each test its own rate bucket)."""
    return system.office(unit.id)


def test_the_issues_attack_is_refused_before_it_runs(system: System, unit: Staffed) -> None:
    answer = system.http(reader(system, unit), ATTACK, unit=unit.id)
    body = answer.json()
    assert answer.status_code == 200
    assert body["data"] is None
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "COST_LIMIT"
    assert extensions["rule"] == "gateway.query_cost"
    assert extensions["limit"] == 20_000
    assert extensions["value"] > extensions["limit"]


def test_a_colleagues_me_is_answered_while_eight_costly_queries_run(
    system: System, unit: Staffed
) -> None:
    # Each query is a caller of its own, added to the unit before any query runs: added while
    # the others run, a caller would change the unit the heavy queries list.
    callers = [reader(system, unit) for _ in range(9)]

    def timed(token: str, query: str, **variables: Any) -> tuple[float, httpx.Response]:
        answer = system.http(token, query, **variables)
        return time.monotonic(), answer

    with ThreadPoolExecutor(9) as pool:
        heavy = [pool.submit(timed, token, HEAVY, unit=unit.id) for token in callers[:8]]
        time.sleep(0.2)  # let them queue for their turns first
        me_done, me = pool.submit(timed, callers[8], ME).result()
        finished = [h.result() for h in heavy]
    assert me.json()["data"]["me"]["unitId"] == unit.id
    for _, answer in finished:
        assert not answer.json().get("errors"), answer.json()
    # 41 staff, and the officers each test's reader added to the unit.
    assert len({len(a.json()["data"]["people"]["edges"]) for _, a in finished}) == 1
    assert len(finished[0][1].json()["data"]["people"]["edges"]) >= 41
    # The costly ones run one at a time in their one turn; { me } takes the other at once instead
    # of queueing behind them (it used to be answered after all but the last one or two).
    assert sum(done < me_done for done, _ in finished) < 4


def test_past_the_burst_a_caller_gets_429_with_retry_after(system: System, unit: Staffed) -> None:
    token = reader(system, unit)
    answers = [system.http(token, ME) for _ in range(21)]
    assert {a.status_code for a in answers[:20]} == {200}
    refused = answers[20]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["rule"] == "gateway.query_rate"
    assert error["extensions"]["limit"] == 0.01
    assert error["extensions"]["retryAfter"] >= 1
    # Another caller is not held back.
    assert system.http(reader(system, unit), ME).status_code == 200


def test_two_anonymous_operations_in_one_document_are_refused(
    system: System, unit: Staffed
) -> None:
    body = system.graphql(reader(system, unit), "{ me { unitId } } { me { unitId } }")
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert body["errors"][0]["extensions"]["rule"] == "graphql.validation"
    assert "anonymous operation" in body["errors"][0]["message"]


def test_a_batched_request_is_answered_in_json(system: System, unit: Staffed) -> None:
    answer = httpx.post(
        system.graphql_url,
        json=[{"query": ME}, {"query": ME}],
        headers={"Authorization": f"Bearer {reader(system, unit)}"},
        timeout=30,
    )
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert error["extensions"]["code"] == "BATCH_NOT_SUPPORTED"
    assert error["extensions"]["rule"] == "gateway.no_batching"


def test_deep_introspection_is_refused(system: System, unit: Staffed) -> None:
    # The depth limit does not count introspection fields; graphql-core's own rule limits how
    # deep its lists nest.
    deep = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    error = system.error(reader(system, unit), deep)
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["rule"] == "graphql.validation"
    assert "introspection depth" in error["message"]


# -- bodies --


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def gateway_pid(system: System) -> int:
    assert system.processes is not None
    for child in system.processes.children:
        if b"gateway.main:" in Path(f"/proc/{child.pid}/cmdline").read_bytes():
            return child.pid
    raise AssertionError("no gateway process")


def post_raw(
    port: int, path: str, headers: dict[str, str], chunks: Iterator[bytes]
) -> tuple[int, bytes]:
    """POST over a socket, sending `chunks` until the server answers; its status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()
        )
        s.sendall((head + "\r\n").encode())
        for chunk in chunks:
            if select.select([s], [], [], 0)[0]:
                break
            try:
                s.sendall(chunk)
            except OSError:
                break
        select.select([s], [], [], 60)
        data = b""
        while b"\r\n\r\n" not in data or len(data) < _expected(data):
            part = s.recv(65536)
            if not part:
                break
            data += part
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    return int(head_bytes.split()[1]), body


def _expected(data: bytes) -> int:
    head, _, _ = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(head) + 4 + int(line.split(b":")[1])
    return len(data) + 1


def test_a_100_mb_body_is_refused_with_413_and_the_gateway_does_not_grow(
    system: System, unit: Staffed
) -> None:
    pid = gateway_pid(system)
    before = rss_kib(pid)
    size = 100 * 1024 * 1024
    megabyte = b" " * (1024 * 1024)
    status, body = post_raw(
        system.settings.kaohe_gateway_port,
        "/graphql",
        {
            "Authorization": f"Bearer {reader(system, unit)}",
            "Content-Type": "application/json",
            "Content-Length": str(size),
        },
        iter([megabyte] * 100),
    )
    assert status == 413
    extensions = httpx.Response(200, content=body).json()["errors"][0]["extensions"]
    assert extensions["code"] == "PAYLOAD_TOO_LARGE"
    assert extensions["limit"] == 1024 * 1024
    assert extensions["value"] == size
    assert rss_kib(pid) - before < 50 * 1024


def test_a_chunked_body_is_refused_once_it_passes_the_limit(system: System, unit: Staffed) -> None:
    piece = b" " * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    status, body = post_raw(
        system.settings.kaohe_gateway_port,
        "/graphql",
        {
            "Authorization": f"Bearer {reader(system, unit)}",
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        iter([chunk] * 64),
    )
    assert status == 413
    extensions = httpx.Response(200, content=body).json()["errors"][0]["extensions"]
    assert extensions["code"] == "PAYLOAD_TOO_LARGE"
    assert extensions["value"] > 1024 * 1024


def test_a_services_command_with_a_body_too_large_is_refused_in_the_error_shape(
    system: System, unit: Staffed
) -> None:
    status, body = post_raw(
        system.settings.kaohe_directory_port,
        "/units",
        {
            "Authorization": f"Bearer {unit.office}",
            "Content-Type": "application/json",
            "Content-Length": str(5 * 1024 * 1024),
        },
        iter([b" " * 65536] * 80),
    )
    assert status == 413
    error = httpx.Response(200, content=body).json()["error"]
    assert error["code"] == "PAYLOAD_TOO_LARGE"
    assert error["rule"] == "kernel.max_body_bytes"


# -- the time limit, on a gateway of its own with a short one --


@pytest.fixture(scope="module")
def hasty(system: System) -> Iterator[str]:
    """A second gateway on the same database: 0.2 s per operation, one at a time, no cost limit."""
    assert system.processes is not None
    port = free_port()
    env = {
        **system.processes.env,
        "KAOHE_GATEWAY_PORT": str(port),
        "KAOHE_GRAPHQL_TIMEOUT": "0.2",
        "KAOHE_GRAPHQL_CONCURRENCY": "1",
        "KAOHE_GRAPHQL_MAX_COST": str(10**9),
    }
    command = [sys.executable, "-m", "uvicorn", "gateway.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    child = subprocess.Popen(command, env=env, cwd=os.getcwd())
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        child.terminate()
        child.wait(timeout=15)


def test_an_operation_over_the_time_limit_is_stopped_and_its_turn_freed(
    system: System, unit: Staffed, hasty: str
) -> None:
    headers = {"Authorization": f"Bearer {reader(system, unit)}"}
    answer = httpx.post(
        hasty, json={"query": ATTACK, "variables": {"unit": unit.id}}, headers=headers, timeout=60
    )
    body = answer.json()
    assert body["data"] is None, str(body)[:300]
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "TIMEOUT"
    assert extensions["rule"] == "gateway.operation_timeout"
    assert extensions["limit"] == 0.2
    # The one turn is free again.
    me = httpx.post(hasty, json={"query": ME}, headers=headers, timeout=60).json()
    assert me["data"]["me"]["unitId"] == unit.id


# -- found attacking the merged system --


@pytest.mark.parametrize("body", ['"hello"', "null", "123", "true"])
def test_a_body_that_is_json_but_no_object_is_refused_in_graphqls_shape(
    system: System, unit: Staffed, body: str
) -> None:
    answer = httpx.post(
        system.graphql_url,
        content=body,
        headers={
            "Authorization": f"Bearer {reader(system, unit)}",
            "Content-Type": "application/json",
        },
        timeout=30,
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"]["rule"] == "gateway.graphql_request"


def test_a_syntax_error_carries_a_code_and_a_rule(system: System, unit: Staffed) -> None:
    error = system.error(reader(system, unit), "{ me { ")
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["rule"] == "graphql.syntax"


def test_several_named_operations_without_a_name_to_run_are_refused(
    system: System, unit: Staffed
) -> None:
    body = system.graphql(
        reader(system, unit), "query A { me { unitId } } query B { units { code } }"
    )
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["rule"] == "graphql.operation_name"


def test_a_subscription_posted_over_plain_http_is_refused_not_failed(
    system: System, unit: Staffed
) -> None:
    # GraphiQL sends one so when run before it has re-read the editor's text.
    answer = system.http(reader(system, unit), "subscription { events { id } }")
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["rule"] == "graphql.subscription_transport"
    assert "websocket" in error["message"]
