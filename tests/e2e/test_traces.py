"""Traces across the processes, as an operator's collector receives them: with an OTLP endpoint
configured, a mutation is one trace from the gateway's server span through its forwarded call
to the service's server span, and the service's span names the correlation id the event records.
The collector here is a plain HTTP server that decodes what the exporters send."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from uuid import uuid4

import httpx
import psycopg
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from bench.system import free_port
from kernel.roles import Role
from tests.e2e.conftest import System

COLLECTOR_PORT = free_port()
SYSTEM_ENV = {
    "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{COLLECTOR_PORT}",
    "OTEL_BSP_SCHEDULE_DELAY": "200",
}
REGISTER = """mutation($code: String!) {
  registerUnit(name: "追踪", code: $code) { unit { id } } }"""

Span = dict[str, Any]


class Collector(BaseHTTPRequestHandler):
    spans: ClassVar[list[Span]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            service = next(
                a.value.string_value
                for a in resource.resource.attributes
                if a.key == "service.name"
            )
            for scope in resource.scope_spans:
                for span in scope.spans:
                    self.spans.append(
                        {
                            "service": service,
                            "name": span.name,
                            "kind": span.kind,
                            "trace": span.trace_id.hex(),
                            "id": span.span_id.hex(),
                            "parent": span.parent_span_id.hex(),
                            "attributes": {a.key: a.value.string_value for a in span.attributes},
                        }
                    )
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module", autouse=True)
def collector() -> Iterator[list[Span]]:
    server = ThreadingHTTPServer(("127.0.0.1", COLLECTOR_PORT), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Collector.spans
    server.shutdown()


def test_a_mutation_is_one_trace_across_gateway_and_service(
    system: System, collector: list[Span]
) -> None:
    correlation_id = str(uuid4())
    code = f"TRACE-{uuid4().hex[:6].upper()}"
    answer = httpx.post(
        system.graphql_url,
        json={"query": REGISTER, "variables": {"code": code}},
        headers={
            "Authorization": f"Bearer {system.token([Role.ADMIN])}",
            "X-Correlation-Id": correlation_id,
        },
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    deadline = time.monotonic() + 60
    while True:
        named = [
            s for s in collector if s["attributes"].get("kaohe.correlation_id") == correlation_id
        ]
        if {s["service"] for s in named} >= {"kaohe-gateway", "kaohe-directory"}:
            break
        assert time.monotonic() < deadline, collector
        time.sleep(0.3)
    gateway = next(s for s in named if s["service"] == "kaohe-gateway")
    service = next(s for s in named if s["service"] == "kaohe-directory")
    assert service["trace"] == gateway["trace"], "the forwarded call carried the trace context"
    # The service's span is the child of the gateway's outgoing call, itself in the request.
    calls = {s["id"]: s for s in collector if s["service"] == "kaohe-gateway"}
    assert calls[service["parent"]]["trace"] == gateway["trace"]
    # The event the command recorded names the same correlation id.
    with psycopg.connect(system.database) as conn:
        (state,) = conn.execute(
            "SELECT state FROM directory.directory_events ORDER BY notification_id DESC LIMIT 1"
        ).fetchone() or (b"",)
    assert correlation_id.encode() in bytes(state)
