"""The goals service's composition root: reads the settings, builds the goals service on its log
with the org chart read from the directory's, and serves the command API
(`uvicorn services.goals.main:create_app --factory`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from kernel.settings import Settings, load_settings
from kernel.web.app import service_app
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart
from services.goals.api import router
from services.goals.application import Goals


def create_app(settings: Settings | None = None) -> FastAPI:
    """The goals service's ASGI app."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        org = OrgChart.on_postgres(settings.database_url)
        goals = Goals.on_postgres(settings.database_url, org=org)
        app.state.grants = GrantsInForce(org)
        app.state.goals = goals
        yield
        org.close()
        goals.close()

    return service_app(
        settings,
        title="Kaohe goals service",
        description="Goal sets (确定目标), their approval and revision, progress, monthly "
        "summaries (月小结), weekly progress reports, reference goals.",
        router=router,
        lifespan=lifespan,
    )
