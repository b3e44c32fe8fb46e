"""The delivery worker's composition root: its own process (`kaohe run` starts it after the
gateway, `uvicorn gateway.integrations.main:create_app --factory`), running the webhook sender
and the JetStream relay when NATS_URL is set. A process of its own, so a slow or failing
receiver never competes with GraphQL and the projections for the gateway's event loop, and it
can be killed and restarted alone; any number may run, since each worker holds an advisory lock
while it delivers (the others wait to take over).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import nats.errors
from fastapi import FastAPI, Request

from gateway.integrations.feed import services
from gateway.integrations.nats_relay import StreamSettings, run_relay
from gateway.integrations.store import SCHEMA
from gateway.integrations.webhooks import WebhookSettings, run_webhooks
from gateway.log import DATABASE_LOST
from kernel.process import start_process
from kernel.readiness import add_readiness, database_reachable, mark_started, running
from kernel.settings import Settings
from kernel.tracing import install_tracing
from kernel.waiting import supervise
from kernel.web.metrics import install_metrics

# A lost database, network or JetStream connection: the worker starts again a second later.
EXPECTED: tuple[type[Exception], ...] = (*DATABASE_LOST, nats.errors.Error, TimeoutError)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The worker's ASGI app: /health, /metrics, and the workers in its lifespan."""
    settings = settings or start_process()
    dsn = settings.database_url
    stream = StreamSettings.from_settings(settings)
    hooks = WebhookSettings.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
        stop = asyncio.Event()
        workers: dict[str, Callable[[], Awaitable[None]]] = {
            "webhooks": lambda: run_webhooks(dsn, hooks, stop)
        }
        if settings.nats_url:
            url = settings.nats_url
            workers["nats"] = lambda: run_relay(dsn, url, stream, stop)
        tasks = [asyncio.create_task(supervise(n, w, stop, EXPECTED)) for n, w in workers.items()]
        app.state.pool = pool
        app.state.workers = sorted(workers)
        app.state.background = dict(zip(workers, tasks, strict=True))
        mark_started(app)
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await pool.close()

    app = FastAPI(title="Kaohe background worker", version="0.1.0", lifespan=lifespan)
    install_metrics(app, "integrations")
    install_tracing(app, "integrations")

    @app.get("/health", tags=["ops"])
    async def health(request: Request) -> dict[str, object]:
        """Liveness, the workers running here, and how far each relay has delivered."""
        # Liveness answers without the database (/ready is the probe that needs it): a
        # process restarted for a database outage would come back to the same outage.
        positions: dict[str, dict[str, int]] = {}
        try:
            rows = await request.app.state.pool.fetch(
                f"SELECT relay, service, position FROM {SCHEMA}.relay_positions ORDER BY 1, 2",
                timeout=2,
            )
        except EXPECTED:
            rows = []  # not known now: the worker lives on and resumes from its positions
        for r in rows:
            positions.setdefault(r["relay"], {})[r["service"]] = r["position"]
        return {
            "status": "ok",
            "workers": request.app.state.workers,
            "services": list(services()),
            "delivered": positions,
        }

    add_readiness(
        app,
        lambda request: {
            "database": database_reachable(dsn),
            "background": running(request.app.state.background),
        },
    )
    return app
