"""The gateway process: GraphQL over the projected read models, with the projections running
beside it (one runner per log across all gateway processes, by advisory lock).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from uuid import UUID

import asyncpg
import httpx
import structlog
from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket

from gateway.audit.access import AccessRecorder, create_access_log
from gateway.directory.projection import DirectoryProjection
from gateway.feedback.projection import FeedbackProjection
from gateway.freshness import Freshness
from gateway.goals.projection import GoalsProjection
from gateway.graphql.context import Context
from gateway.graphql.limits import GraphQLLimits
from gateway.graphql.schema import build_schema
from gateway.graphql.websocket_auth import AuthenticatingRouter
from gateway.integrations import outbound
from gateway.integrations.api import router as integrations_router
from gateway.integrations.feed import LogWatcher
from gateway.integrations.store import create_schema as create_integrations_schema
from gateway.projections.runner import Projection, create_read_schema, run_projection
from gateway.reviews.projection import ReviewsProjection
from kernel.auth import TokenVerifier
from kernel.context import Actor
from kernel.limits import BodySizeLimit
from kernel.openapi import complete_openapi
from kernel.settings import Settings, load_settings
from kernel.waiting import pause
from kernel.web import bearer_token, check_grants, get_actor, install_kernel
from services.audit import signer as checkpointing
from services.directory.application import Directory
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart

log = structlog.get_logger("kaohe.gateway")

READ_SCHEMA = "gateway"
ANONYMOUS = Actor(person_id=UUID(int=0), tenant_id=None, login="", name="", roles=frozenset())


def projections(schema: str) -> list[Projection]:
    """Every projection of the read side."""
    return [
        DirectoryProjection(schema),
        GoalsProjection(schema),
        FeedbackProjection(schema),
        ReviewsProjection(schema),
    ]


def create_app(settings: Settings | None = None, schema: str = READ_SCHEMA) -> FastAPI:
    """The gateway's ASGI app."""
    settings = settings or load_settings()
    dsn = settings.database_url
    verifier = TokenVerifier(settings)
    outbound.policy(settings.kaohe_outbound_allow)  # a malformed allow-list stops the start

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=10)
        conn = await asyncpg.connect(dsn)
        try:
            await create_read_schema(conn, schema, projections(schema))
            await create_access_log(conn)
            await create_integrations_schema(conn)
        finally:
            await conn.close()
        freshness = Freshness(schema)
        await freshness.start(dsn)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_supervise(dsn, schema, p, stop)) for p in projections(schema)]
        app.state.pool = pool
        app.state.freshness = freshness
        app.state.http = httpx.AsyncClient(timeout=30)
        app.state.access = AccessRecorder(pool)
        app.state.access.start()
        app.state.log_watcher = LogWatcher()
        await app.state.log_watcher.start(dsn)
        org = OrgChart(await asyncio.to_thread(Directory.on_postgres, dsn, reader=True))
        app.state.grants = GrantsInForce(org)
        try:
            yield
        finally:
            await app.state.access.stop()
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await app.state.http.aclose()
            await app.state.log_watcher.stop()
            await freshness.stop()
            await pool.close()
            org.close()

    async def context_getter(request: HTTPConnection) -> Context:
        if isinstance(request, WebSocket) or not isinstance(request, Request):
            # Authenticated by the connection_init payload (AuthenticatingRouter.on_ws_connect).
            actor, token = ANONYMOUS, ""
        elif request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            # The GraphiQL page itself; its queries carry the token in their headers.
            actor, token = ANONYMOUS, ""
        else:
            token = bearer_token(request)
            actor = verifier.verify(token)
            # The org chart is read by the directory's own (synchronous) code: off the loop.
            await asyncio.to_thread(check_grants, request.app, actor)
        return Context(
            actor=actor,
            token=token,
            pool=request.app.state.pool,
            schema=schema,
            settings=settings,
            freshness=request.app.state.freshness,
            http=request.app.state.http,
            headers=dict(request.headers),
            access=request.app.state.access,
        )

    app = FastAPI(
        title="Kaohe gateway",
        description="GraphQL over the appraisal history (考核). POST /graphql with a bearer token.",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_kernel(app, settings)
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.kaohe_graphql_max_body_bytes, graphql_paths=["/graphql"]
    )
    app.state.settings = settings
    app.include_router(checkpointing.router)
    graphql = AuthenticatingRouter(
        build_schema(settings.kaohe_graphql_max_depth, GraphQLLimits(settings)),
        context_getter=context_getter,
        allow_queries_via_get=False,
        verifier=verifier,
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(integrations_router)
    complete_openapi(app, get_actor)

    @app.get("/health", tags=["ops"])
    async def health(request: Request) -> dict[str, object]:
        """Liveness, and how far each projection has got."""
        freshness: Freshness = request.app.state.freshness
        services = [p.log.service for p in projections(schema)]
        return {"status": "ok", "projected": {s: freshness.position(s) for s in services}}

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    async def metrics() -> Response:
        """Prometheus metrics (quarantined events among them)."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app


async def _supervise(dsn: str, schema: str, projection: Projection, stop: asyncio.Event) -> None:
    """Keep a projection running; restart it after a lost connection."""
    while not stop.is_set():
        try:
            await run_projection(dsn, schema, projection, stop)
        except (asyncpg.PostgresError, OSError) as exc:
            log.warning("projection_restarting", service=projection.log.service, error=str(exc))
            await pause(stop, 1.0)
