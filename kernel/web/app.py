"""The FastAPI app every service shares: the kernel installed (tokens, the error shape, the
parameter check), `/health`, and an OpenAPI document that shows them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

from fastapi import APIRouter, Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.requests import HTTPConnection

from kernel.auth import TokenVerifier
from kernel.limits import BodySizeLimit
from kernel.openapi import complete_openapi
from kernel.readiness import add_readiness, database_reachable, mark_started
from kernel.settings import Settings
from kernel.text import TEXT_STORABLE, storable_problem
from kernel.tracing import install_tracing
from kernel.web.caller import get_actor
from kernel.web.correlation import CorrelationId
from kernel.web.error_shape import add_error_handlers
from kernel.web.metrics import install_metrics


def storable_parameters(connection: HTTPConnection) -> None:
    """Refuse a query or path parameter PostgreSQL cannot hold (`kernel.text_storable`): routes
    put them into SQL, and PostgreSQL's own message would be the answer. (An HTTPConnection, so
    that WebSocket routes, GraphQL subscriptions, run it too.)"""
    for where, params in (("path", connection.path_params), ("query", connection.query_params)):
        for name, value in params.items():
            if isinstance(value, str) and (problem := storable_problem(value)) is not None:
                error = {"type": TEXT_STORABLE, "loc": (where, name), "msg": problem}
                raise RequestValidationError([error])


def install_kernel(app: FastAPI, settings: Settings) -> None:
    """Attach the token verifier, the shared error handlers and the parameter check to an app
    (before its routes are included: the check applies to the routes included afterwards)."""
    # Logs are the process's to configure (kernel/process.py), once, before the app is built.
    app.add_middleware(CorrelationId)
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    add_error_handlers(app)
    app.router.dependencies.append(Depends(storable_parameters))


# What a service's process builds when it starts: given the settings and a stack that closes
# what is entered into it when the process stops, the objects its routes find on `app.state`.
ServiceObjects = Callable[[Settings, contextlib.AsyncExitStack], Awaitable[Mapping[str, object]]]


def service_app(
    settings: Settings,
    *,
    process: str,
    title: str,
    description: str,
    router: APIRouter,
    objects: ServiceObjects,
) -> FastAPI:
    """A service's FastAPI app: its routes, the shared error handlers and tokens, `/health`,
    `process`'s metrics (`kernel.web.metrics`) and an OpenAPI document that shows them
    (`kernel.openapi`). `objects` are built when the process
    starts (building the app touches nothing), each set on `app.state` under its name, and
    closed, last built first, when it stops."""

    database = settings.database_url

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as opened:
            for name, value in (await objects(settings, opened)).items():
                setattr(app.state, name, value)
            mark_started(app)
            yield

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    install_kernel(app, settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.kaohe_graphql_max_body_bytes)
    install_metrics(app, process)
    install_tracing(app, process)
    app.include_router(router)
    complete_openapi(app, get_actor)

    @app.get("/health", tags=["ops"])
    def health() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    add_readiness(app, lambda _: {"database": database_reachable(database)})

    return app
