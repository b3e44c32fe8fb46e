"""Prometheus metrics every process serves: its HTTP requests and their latency, the commands
its routes decide and how each ended, and `GET /metrics` itself (the text format, read from the
process's default registry, where every other module of the process defines its metrics too).

No label carries personal data or free text: a request is labelled by its route's template
(`/units/{unit_id}/people`), never its path, and a command by its name and the name of the rule
that refused it, all from closed sets the code defines. A path no route matches is counted as
`<unmatched>`, so probing for paths cannot grow the label set.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kernel.errors import ConflictError, DomainError

UNMATCHED = "<unmatched>"

HTTP_REQUESTS = Counter(
    "kaohe_http_requests",
    "HTTP requests answered, by process, route template, method and status",
    ["process", "route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "kaohe_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by process, route template and method",
    ["process", "route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
COMMANDS = Counter(
    "kaohe_commands",
    "Commands decided, by service, command and outcome (accepted, refused, conflict, error); "
    "`rule` names the rule that refused it or the conflict, empty otherwise",
    ["service", "command", "outcome", "rule"],
)


def route_template(scope: Scope) -> str:
    """The template of the route that served `scope` (`/goal-sets/{goal_set_id}/approve`), or
    `<unmatched>` when no route did."""
    # FastAPI (0.16x) keeps an included router's routes relative to the router, and records the
    # whole template of the route it chose here; a route added to the app itself is its own.
    fastapi = scope.get("fastapi")
    chosen = fastapi.get("effective_route_context") if isinstance(fastapi, dict) else None
    path = getattr(chosen or scope.get("route"), "path_format", None)
    return path if isinstance(path, str) else UNMATCHED


class RequestMetrics:
    """ASGI middleware counting each HTTP request and timing it (WebSockets pass untouched).

    The route is read after the app has answered: FastAPI's router records the route it matched
    in the request's scope."""

    def __init__(self, app: ASGIApp, process: str) -> None:
        self.app = app
        self.process = process

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route, method = route_template(scope), str(scope["method"])
            HTTP_REQUESTS.labels(self.process, route, method, str(status)).inc()
            HTTP_LATENCY.labels(self.process, route, method).observe(time.perf_counter() - started)


@contextlib.contextmanager
def counted_command(service: str, command: str) -> Iterator[None]:
    """Count the command decided inside the block by how it ended: accepted, refused (by the
    rule a domain error names), conflict (a lost race or a reused key), or error (a fault of
    ours); the error itself goes on up."""
    try:
        yield
    except ConflictError as exc:
        COMMANDS.labels(service, command, "conflict", exc.rule).inc()
        raise
    except DomainError as exc:
        COMMANDS.labels(service, command, "refused", exc.rule).inc()
        raise
    except Exception:
        COMMANDS.labels(service, command, "error", "").inc()
        raise
    COMMANDS.labels(service, command, "accepted", "").inc()


def install_metrics(app: FastAPI, process: str) -> None:
    """Count and time `app`'s requests as `process`'s, and serve `GET /metrics`: unauthenticated,
    like `/health`, so operators restrict it at the network level."""
    app.add_middleware(RequestMetrics, process=process)

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    def metrics() -> Response:
        """Prometheus metrics of this process."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
