"""The feedback service's composition root: reads the settings, builds the feedback service on
its log with the org chart read from the directory's and the filers' disclosure key, starts the
overdue check's schedule, and serves the command API
(`uvicorn services.feedback.main:create_app --factory`).
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack, closing

from fastapi import FastAPI

from kernel.process import start_process
from kernel.settings import Settings
from kernel.web.app import service_app
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart
from services.feedback.anonymity import disclosure_key_path
from services.feedback.api import router
from services.feedback.application import Feedback
from services.feedback.overdue import overdue_schedule


async def objects(settings: Settings, opened: AsyncExitStack) -> dict[str, object]:
    """The feedback service and the grant check, on the org chart read from the directory's
    log, with the overdue check running on its schedule until the process stops."""
    org = opened.enter_context(closing(OrgChart.on_postgres(settings.database_url)))
    key_file = disclosure_key_path(settings.key_dir, settings.kaohe_disclosure_key_file)
    feedback = opened.enter_context(
        closing(Feedback.on_postgres(settings.database_url, org=org, disclosure_key_file=key_file))
    )
    stop = asyncio.Event()
    schedule = asyncio.create_task(
        overdue_schedule(feedback, settings.kaohe_overdue_check_seconds, stop)
    )

    async def stop_schedule() -> None:
        stop.set()
        await schedule

    opened.push_async_callback(stop_schedule)
    return {"feedback": feedback, "grants": GrantsInForce(org)}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The feedback service's ASGI app."""
    return service_app(
        settings or start_process(),
        process="feedback",
        title="Kaohe feedback service",
        description="Satisfaction surveys (满意度调查), praise (表扬) and complaints (投诉) about "
        "the service departments, and how promptly and properly complaints were handled.",
        router=router,
        objects=objects,
    )
