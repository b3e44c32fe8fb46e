"""The checkpoint signer's composition root: a process of its own (`kaohe run` starts it,
`uvicorn services.audit.main:create_app --factory`) that signs a checkpoint of each service log
every KAOHE_CHECKPOINT_EVERY_EVENTS events or KAOHE_CHECKPOINT_EVERY_SECONDS seconds (0: never).
Its own process, so reading and hashing a whole log to sign it competes neither with GraphQL and
the projections (signing inside the gateway put 100 ms stalls into its projection lag) nor with
deliveries; any number may run, since checkpoints are signed under the log's advisory lock. The
gateway publishes what it signs (`gateway/audit/published.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import psycopg
from fastapi import FastAPI

from kernel.process import start_process
from kernel.readiness import add_readiness, database_reachable, mark_started, running
from kernel.settings import Settings
from kernel.tracing import install_tracing
from kernel.waiting import supervise
from kernel.web.metrics import install_metrics
from services.audit.signer import run_checkpointer

# A lost database connection: the signer starts again a second later.
EXPECTED = (psycopg.Error, OSError)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The signer's ASGI app: /health, /metrics, and the checkpointer in its lifespan."""
    settings = settings or start_process()
    database = settings.database_url

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        signing = asyncio.create_task(
            supervise("checkpoints", lambda: run_checkpointer(settings, stop), stop, EXPECTED)
        )
        app.state.background = {"checkpoints": signing}
        mark_started(app)
        try:
            yield
        finally:
            stop.set()
            await signing

    app = FastAPI(title="Kaohe checkpoint signer", version="0.1.0", lifespan=lifespan)
    install_metrics(app, "audit")
    install_tracing(app, "audit")

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, object]:
        """Liveness, and when checkpoints fall due."""
        return {
            "status": "ok",
            "every_events": settings.kaohe_checkpoint_every_events,
            "every_seconds": settings.kaohe_checkpoint_every_seconds,
        }

    add_readiness(
        app,
        lambda request: {
            "database": database_reachable(database),
            "background": running(request.app.state.background),
        },
    )
    return app
