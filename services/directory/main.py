"""The directory service's composition root: reads the settings, builds the directory on its
log and the grant check on it, and serves the command API
(`uvicorn services.directory.main:create_app --factory`).
"""

from __future__ import annotations

from contextlib import AsyncExitStack, closing

from fastapi import APIRouter, FastAPI

from kernel.process import start_process
from kernel.settings import Settings
from kernel.web.app import service_app
from services.directory.api import platform_router, router
from services.directory.application import Directory
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart


async def objects(settings: Settings, opened: AsyncExitStack) -> dict[str, object]:
    """The directory and the grant check on it."""
    directory = opened.enter_context(closing(Directory.on_postgres(settings.database_url)))
    # Its own log, read in process: the one service that needs no reader of another's.
    return {"directory": directory, "grants": GrantsInForce(OrgChart(directory))}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The directory service's ASGI app, on the PostgreSQL named by the settings."""
    routes = APIRouter()
    routes.include_router(router)
    routes.include_router(platform_router)
    return service_app(
        settings or start_process(),
        process="directory",
        title="Kaohe directory service",
        description="Units, departments, people and who manages whom over time (组织机构).",
        router=routes,
        objects=objects,
    )
