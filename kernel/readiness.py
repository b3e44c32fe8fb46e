"""Readiness (`GET /ready`): whether a process can do its work now, as an orchestrator or a load
balancer asks before sending it traffic. `/health` says only that the process is alive (a
liveness probe restarts a process that fails it; restarting does not bring back a database).

Each process names its checks: the database reachable, its background work running, for the
gateway its projections caught up within a bound. An answer is 200 with every check "ok", or
503 with what is wrong. The answer names no host, user or error text: the probe is
unauthenticated, and a check's problem is a fixed phrase.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

# A check answers None when all is well, else the problem in a few words.
Check = Callable[[], Awaitable[str | None]]
# Each process builds its checks per request from what its lifespan put on `app.state`.
Checks = Callable[[Request], Mapping[str, Check]]

CHECK_TIMEOUT = 2.0


async def _outcome(check: Check) -> str | None:
    try:
        return await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT:g}s"


async def readiness(checks: Mapping[str, Check]) -> JSONResponse:
    """Run every check at once (each bounded by CHECK_TIMEOUT) and answer 200 or 503."""
    outcomes = await asyncio.gather(*(_outcome(check) for check in checks.values()))
    answers = {name: problem or "ok" for name, problem in zip(checks, outcomes, strict=True)}
    ready = all(problem is None for problem in outcomes)
    return JSONResponse({"ready": ready, "checks": answers}, status_code=200 if ready else 503)


def add_readiness(app: FastAPI, checks: Checks) -> None:
    """Serve `GET /ready` on `app` with the checks `checks(request)` names."""

    @app.get("/ready", tags=["ops"], responses={503: {"description": "Not ready"}})
    async def ready(request: Request) -> JSONResponse:
        """Readiness: 200 when every check passes, 503 naming those that fail."""
        if not hasattr(request.app.state, "started"):
            return JSONResponse({"ready": False, "checks": {"start": "starting"}}, 503)
        return await readiness(checks(request))


def mark_started(app: FastAPI) -> None:
    """Called at the end of a lifespan's start: before it, /ready answers "starting"."""
    app.state.started = True


def database_reachable(url: str) -> Check:
    """The PostgreSQL at `url` answers a query now (a fresh connection: a pool would hide a
    server that has just gone away behind its idle connections)."""

    async def check() -> str | None:
        try:
            async with await psycopg.AsyncConnection.connect(
                url, connect_timeout=int(CHECK_TIMEOUT)
            ) as conn:
                await conn.execute("SELECT 1")
        except (psycopg.Error, OSError):
            return "the database does not answer"
        return None

    return check


def running(tasks: Mapping[str, asyncio.Task[Any]]) -> Check:
    """Every named background task is still running."""

    async def check() -> str | None:
        stopped = sorted(name for name, task in tasks.items() if task.done())
        return f"stopped: {', '.join(stopped)}" if stopped else None

    return check
