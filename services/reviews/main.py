"""The reviews service's composition root: reads the settings, builds the reviews service on its
log with the directory, goals and feedback logs read through their published readers, and
serves the command API (`uvicorn services.reviews.main:create_app --factory`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from kernel.settings import Settings, load_settings
from kernel.web.app import service_app
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart
from services.feedback.reader import FeedbackLog
from services.goals.reader import GoalsLog
from services.reviews.api import router
from services.reviews.application import Reviews


def create_app(settings: Settings | None = None) -> FastAPI:
    """The reviews service's ASGI app."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = settings.database_url
        org, goals, feedback = (
            OrgChart.on_postgres(url),
            GoalsLog.on_postgres(url),
            FeedbackLog.on_postgres(url),
        )
        reviews = Reviews.on_postgres(url, org=org, goals=goals, feedback=feedback)
        app.state.grants = GrantsInForce(org)
        app.state.reviews = reviews
        yield
        for reader in (org, goals, feedback):
            reader.close()
        reviews.close()

    return service_app(
        settings,
        title="Kaohe reviews service",
        description="The quarter's appraisal (季度平时考核): cycles and their configuration, "
        "personal summaries, ratings by those who manage, grades and the top-grade quota, "
        "publication and objections, feedback talks, disciplinary sanctions.",
        router=router,
        lifespan=lifespan,
    )
