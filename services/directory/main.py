"""The directory service's composition root: reads the settings, builds the directory on its
log and the grant check on it, and serves the command API
(`uvicorn services.directory.main:create_app --factory`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI

from kernel.settings import Settings, load_settings
from kernel.web.app import service_app
from services.directory.api import platform_router, router
from services.directory.application import Directory
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart


def create_app(settings: Settings | None = None) -> FastAPI:
    """The directory service's ASGI app, on the PostgreSQL named by the settings."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        directory = Directory.on_postgres(settings.database_url)
        app.state.directory = directory
        # Its own log, read in process: the one service that needs no reader of another's.
        app.state.grants = GrantsInForce(OrgChart(directory))
        yield
        directory.close()

    routes = APIRouter()
    routes.include_router(router)
    routes.include_router(platform_router)
    return service_app(
        settings,
        title="Kaohe directory service",
        description="Units, departments, people and who manages whom over time (组织机构).",
        router=routes,
        lifespan=lifespan,
    )
