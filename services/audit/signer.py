"""The background checkpointer, run by the checkpoint signer's own process
(`services/audit/main.py`): it signs a checkpoint of each service log every N events or T
seconds.
"""

from __future__ import annotations

import asyncio

import psycopg
import structlog

from kernel.settings import Settings
from kernel.store import SERVICES
from kernel.waiting import pause
from services.audit.checkpoints import CheckpointRefusedError, checkpoint_if_due, signer_from

log = structlog.get_logger("kaohe.audit")


async def run_checkpointer(settings: Settings, stop: asyncio.Event) -> None:
    """Sign checkpoints as they fall due until `stop` is set (KAOHE_CHECKPOINT_EVERY_SECONDS=0:
    never). A refusal (a tampered log) is logged each round and signs nothing.
    """
    every = settings.kaohe_checkpoint_every_seconds
    if every <= 0:
        return
    signer = signer_from(settings)
    between = min(every, 5.0)
    while not stop.is_set():
        for service in SERVICES:
            try:
                outcome = await asyncio.to_thread(
                    checkpoint_if_due,
                    settings.database_url,
                    service,
                    signer,
                    settings.kaohe_checkpoint_every_events,
                    every,
                )
            except CheckpointRefusedError as exc:
                log.error("checkpoint_refused", service=service, reason=exc.reason)
            except (OSError, psycopg.Error) as exc:
                log.warning("checkpoint_failed", service=service, error=str(exc))
            else:
                if outcome is not None and outcome.signed is not None:
                    log.info("checkpoint_signed", service=service, size=outcome.signed.tree_size)
        await pause(stop, between)
