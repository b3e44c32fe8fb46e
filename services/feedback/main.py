"""The feedback service's composition root: reads the settings, builds the feedback service on
its log with the org chart read from the directory's and the filers' disclosure key, starts the
overdue check's schedule, and serves the command API
(`uvicorn services.feedback.main:create_app --factory`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from kernel.settings import Settings, load_settings
from kernel.web.app import service_app
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart
from services.feedback.anonymity import disclosure_key_path
from services.feedback.api import router
from services.feedback.application import Feedback
from services.feedback.overdue import overdue_schedule


def create_app(settings: Settings | None = None) -> FastAPI:
    """The feedback service's ASGI app."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        org = OrgChart.on_postgres(settings.database_url)
        feedback = Feedback.on_postgres(
            settings.database_url,
            org=org,
            disclosure_key_file=disclosure_key_path(
                settings.key_dir, settings.kaohe_disclosure_key_file
            ),
        )
        app.state.grants = GrantsInForce(org)
        app.state.feedback = feedback
        stop = asyncio.Event()
        schedule = asyncio.create_task(
            overdue_schedule(feedback, settings.kaohe_overdue_check_seconds, stop)
        )
        yield
        stop.set()
        await schedule
        org.close()
        feedback.close()

    return service_app(
        settings,
        title="Kaohe feedback service",
        description="Satisfaction surveys (满意度调查), praise (表扬) and complaints (投诉) about "
        "the service departments, and how promptly and properly complaints were handled.",
        router=router,
        lifespan=lifespan,
    )
