"""The background worker: its own process (`kaohe run` starts it after the gateway), running the
webhook sender, the JetStream relay when NATS_URL is set, and the signer of the logs'
checkpoints. A process of its own, so a slow or failing receiver, or the reading and hashing of a
whole log to sign it, never competes with GraphQL and the projections for the gateway's event
loop (signing inside the gateway put 100 ms stalls into its projection lag), and it can be
killed and restarted alone; any number may run, since each worker holds an advisory lock while
it delivers (the others wait to take over) and checkpoints are signed under the log's lock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import nats.errors
import structlog
from fastapi import FastAPI, Request

from gateway.integrations.feed import services
from gateway.integrations.nats_relay import StreamSettings, run_relay
from gateway.integrations.store import SCHEMA, create_schema
from gateway.integrations.webhooks import WebhookSettings, run_webhooks
from kernel.settings import Settings, load_settings
from kernel.waiting import pause
from services.audit.signer import run_checkpointer

log = structlog.get_logger("kaohe.integrations")


async def supervise(name: str, work: Callable[[], Awaitable[None]], stop: asyncio.Event) -> None:
    """Keep a worker running until `stop`; restart it a second after it fails."""
    while not stop.is_set():
        try:
            await work()
        except (asyncpg.PostgresError, OSError, nats.errors.Error, TimeoutError) as exc:
            log.warning("worker_restarting", worker=name, error=str(exc))
        except Exception:
            # Anything else is a bug; a delivery worker that died silently would stop every
            # delivery, so it is logged with its traceback and the worker starts again.
            log.exception("worker_failed", worker=name)
        await pause(stop, 1.0)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The worker's ASGI app: /health, and the workers in its lifespan."""
    settings = settings or load_settings()
    dsn = settings.database_url
    stream = StreamSettings.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        conn = await asyncpg.connect(dsn)
        try:
            await create_schema(conn)
        finally:
            await conn.close()
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
        stop = asyncio.Event()
        hooks = WebhookSettings.from_settings(settings)
        workers: dict[str, Callable[[], Awaitable[None]]] = {
            "webhooks": lambda: run_webhooks(dsn, hooks, stop)
        }
        if settings.nats_url:
            url = settings.nats_url
            workers["nats"] = lambda: run_relay(dsn, url, stream, stop)
        workers["checkpoints"] = lambda: run_checkpointer(settings, stop)
        tasks = [asyncio.create_task(supervise(n, w, stop)) for n, w in workers.items()]
        app.state.pool = pool
        app.state.workers = sorted(workers)
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await pool.close()

    app = FastAPI(title="Kaohe background worker", version="0.1.0", lifespan=lifespan)

    @app.get("/health", tags=["ops"])
    async def health(request: Request) -> dict[str, object]:
        """Liveness, the workers running here, and how far each relay has delivered."""
        rows = await request.app.state.pool.fetch(
            f"SELECT relay, service, position FROM {SCHEMA}.relay_positions ORDER BY 1, 2"
        )
        positions: dict[str, dict[str, int]] = {}
        for r in rows:
            positions.setdefault(r["relay"], {})[r["service"]] = r["position"]
        return {
            "status": "ok",
            "workers": request.app.state.workers,
            "services": list(services()),
            "delivered": positions,
        }

    return app
