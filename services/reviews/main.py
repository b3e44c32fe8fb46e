"""The reviews service's composition root: reads the settings, builds the reviews service on its
log with the directory, goals and feedback logs read through their published readers, and
serves the command API (`uvicorn services.reviews.main:create_app --factory`).
"""

from __future__ import annotations

from contextlib import AsyncExitStack, closing

from fastapi import FastAPI

from kernel.process import start_process
from kernel.settings import Settings
from kernel.web.app import service_app
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart
from services.feedback.reader import FeedbackLog
from services.goals.reader import GoalsLog
from services.reviews.api import router
from services.reviews.application import Reviews


async def objects(settings: Settings, opened: AsyncExitStack) -> dict[str, object]:
    """The reviews service and the grant check, on the directory, goals and feedback logs."""
    url = settings.database_url
    org = opened.enter_context(closing(OrgChart.on_postgres(url)))
    goals = opened.enter_context(closing(GoalsLog.on_postgres(url)))
    feedback = opened.enter_context(closing(FeedbackLog.on_postgres(url)))
    reviews = opened.enter_context(
        closing(Reviews.on_postgres(url, org=org, goals=goals, feedback=feedback))
    )
    return {"reviews": reviews, "grants": GrantsInForce(org)}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The reviews service's ASGI app."""
    return service_app(
        settings or start_process(),
        process="reviews",
        title="Kaohe reviews service",
        description="The quarter's appraisal (季度平时考核): cycles and their configuration, "
        "personal summaries, ratings by those who manage, grades and the top-grade quota, "
        "publication and objections, feedback talks, disciplinary sanctions.",
        router=router,
        objects=objects,
    )
