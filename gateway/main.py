"""The gateway's composition root: reads the settings and builds the process, GraphQL over the
projected read models with the projections running beside it (one runner per log across all
gateway processes, by advisory lock) (`uvicorn gateway.main:create_app --factory`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from uuid import UUID

import asyncpg
import httpx
from fastapi import APIRouter, FastAPI, Request
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket

from gateway.audit.access import AccessRecorder
from gateway.audit.published import router as audit_router
from gateway.freshness import Freshness
from gateway.graphql.context import Context
from gateway.graphql.limits import GraphQLLimits
from gateway.graphql.schema import build_schema
from gateway.graphql.websocket_auth import AuthenticatingRouter
from gateway.integrations import outbound
from gateway.integrations.api import router as integrations_router
from gateway.integrations.feed import LogWatcher
from gateway.projections.catalogue import READ_SCHEMA, projections
from gateway.projections.runner import create_read_schema, supervise_projection
from gateway.readiness import projections_caught_up
from kernel.auth import TokenVerifier
from kernel.context import Actor
from kernel.limits import BodySizeLimit
from kernel.openapi import complete_openapi
from kernel.process import start_process
from kernel.readiness import add_readiness, database_reachable, mark_started
from kernel.settings import Settings
from kernel.tracing import install_tracing
from kernel.web.app import install_kernel
from kernel.web.caller import bearer_token, check_grants, get_actor
from kernel.web.metrics import install_metrics
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart

ANONYMOUS = Actor(person_id=UUID(int=0), tenant_id=None, login="", name="", roles=frozenset())


def create_app(settings: Settings | None = None, schema: str = READ_SCHEMA) -> FastAPI:
    """The gateway's ASGI app."""
    settings = settings or start_process()
    verifier = TokenVerifier(settings)
    outbound.policy(settings.kaohe_outbound_allow)  # a malformed allow-list stops the start
    app = FastAPI(
        title="Kaohe gateway",
        description="GraphQL over the appraisal history (考核). POST /graphql with a bearer token.",
        version="0.1.0",
        lifespan=_lifespan(settings.database_url, schema),
    )
    install_kernel(app, settings)
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.kaohe_graphql_max_body_bytes, graphql_paths=["/graphql"]
    )
    install_metrics(app, "gateway")
    install_tracing(app, "gateway")
    app.state.settings = settings
    app.include_router(audit_router)
    graphql = AuthenticatingRouter(
        build_schema(settings.kaohe_graphql_max_depth, GraphQLLimits(settings)),
        context_getter=_context_getter(settings, schema, verifier),
        allow_queries_via_get=False,
        verifier=verifier,
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(graphql.graphiql.router())
    app.include_router(integrations_router)
    complete_openapi(app, get_actor)
    app.include_router(_ops(schema))
    add_readiness(
        app,
        lambda request: {
            "database": database_reachable(settings.database_url),
            "projections": projections_caught_up(
                request.app.state.pool,
                schema,
                [p.log for p in projections(schema)],
                request.app.state.projection_tasks,
                settings.kaohe_ready_max_lag,
            ),
        },
    )
    return app


def _lifespan(dsn: str, schema: str) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """What the gateway holds while it runs: the read pool, the projections, the freshness and
    log watchers, the access log, the outbound HTTP client and the grant check."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=10)
        conn = await asyncpg.connect(dsn)
        try:
            await create_read_schema(conn, schema, projections(schema))
        finally:
            await conn.close()
        freshness = Freshness(schema)
        await freshness.start(dsn)
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(supervise_projection(dsn, schema, p, stop))
            for p in projections(schema)
        ]
        app.state.pool = pool
        app.state.freshness = freshness
        app.state.http = httpx.AsyncClient(timeout=30)
        app.state.access = AccessRecorder(pool)
        app.state.access.start()
        app.state.log_watcher = LogWatcher()
        await app.state.log_watcher.start(dsn)
        org = await asyncio.to_thread(OrgChart.on_postgres, dsn)
        app.state.grants = GrantsInForce(org)
        app.state.projection_tasks = tasks
        mark_started(app)
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

    return lifespan


def _context_getter(
    settings: Settings, schema: str, verifier: TokenVerifier
) -> Callable[[HTTPConnection], Awaitable[Context]]:
    """Each GraphQL request's context: the caller, checked against the grants in force."""

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

    return context_getter


def _ops(schema: str) -> APIRouter:
    """Liveness with the projections' progress."""
    ops = APIRouter(tags=["ops"])

    @ops.get("/health")
    async def health(request: Request) -> dict[str, object]:
        """Liveness, and how far each projection has got."""
        freshness: Freshness = request.app.state.freshness
        services = [p.log.service for p in projections(schema)]
        return {"status": "ok", "projected": {s: freshness.position(s) for s in services}}

    return ops
