"""The overdue check of complaints: the context it acts in, whether a caller asked for it or the
schedule runs it, and the schedule itself (started by the composition root).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import UUID

import structlog

from kernel.calendar import china_date
from kernel.context import CommandContext, acting
from kernel.roles import Role
from kernel.waiting import pause
from services.feedback.application import Feedback

log = structlog.get_logger("kaohe.feedback")

SYSTEM_ACTOR = UUID(int=1)  # the scheduler, acting for the office


def scheduler_context(actor_id: UUID, role: Role) -> CommandContext:
    """The context the overdue check acts in, for `actor_id` acting as `role`."""
    return CommandContext(
        actor_id=actor_id,
        actor_role=role,
        now=datetime.now(UTC),
        tenant_id=None,
        reason="scheduled check: still open after the handling deadline",
    )


async def overdue_schedule(app: Feedback, every: float, stop: asyncio.Event) -> None:
    """Flag the complaints past their deadline every `every` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            with acting(scheduler_context(SYSTEM_ACTOR, Role.ADMIN)):
                flagged = await asyncio.to_thread(app.check_overdue, china_date())
            if flagged:
                log.info("complaints_overdue", count=len(flagged))
        except Exception as exc:
            log.warning("overdue_check_failed", error=str(exc))
        await pause(stop, every)
