"""The goals service's composition root: reads the settings, builds the goals service on its log
with the org chart read from the directory's, and serves the command API
(`uvicorn services.goals.main:create_app --factory`).
"""

from __future__ import annotations

from contextlib import AsyncExitStack, closing

from fastapi import FastAPI

from kernel.process import start_process
from kernel.settings import Settings
from kernel.web.app import service_app
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart
from services.goals.api import router
from services.goals.application import Goals


async def objects(settings: Settings, opened: AsyncExitStack) -> dict[str, object]:
    """The goals service and the grant check, on the org chart read from the directory's log."""
    org = opened.enter_context(closing(OrgChart.on_postgres(settings.database_url)))
    goals = opened.enter_context(closing(Goals.on_postgres(settings.database_url, org=org)))
    return {"goals": goals, "grants": GrantsInForce(org)}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The goals service's ASGI app."""
    return service_app(
        settings or start_process(),
        process="goals",
        title="Kaohe goals service",
        description="Goal sets (确定目标), their approval and revision, progress, monthly "
        "summaries (月小结), weekly progress reports, reference goals.",
        router=router,
        objects=objects,
    )
