"""The background checkpointer, run by the checkpoint signer's own process
(`services/audit/main.py`): it signs a checkpoint of each service log every N events or T
seconds.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import psycopg
import structlog
from prometheus_client import Counter, Gauge

from kernel.settings import Settings
from kernel.store import SERVICES
from kernel.waiting import pause
from services.audit.checkpoints import (
    CheckpointRefusedError,
    checkpoint_if_due,
    latest_checkpoints,
    signer_from,
)

log = structlog.get_logger("kaohe.audit")

CHECKPOINT_AGE = Gauge(
    "kaohe_checkpoint_age_seconds",
    "Seconds since the latest checkpoint of a service log was signed (by any signer), as of "
    "the scrape; read from the checkpoint table each round",
    ["service"],
)
CHECKPOINTS = Counter(
    "kaohe_checkpoints",
    "Checkpoint rounds of this signer that signed a checkpoint or were refused (a broken chain, "
    "a rewritten log), by service log and outcome (signed, refused)",
    ["service", "outcome"],
)


def show_age(service: str, signed_at: datetime) -> None:
    """Let `kaohe_checkpoint_age_seconds` of `service` count from `signed_at`."""
    CHECKPOINT_AGE.labels(service).set_function(lambda: max(time.time() - signed_at.timestamp(), 0))


def latest_signed(database_url: str) -> dict[str, datetime]:
    """When the latest checkpoint of each service log was signed."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        return {c.service: c.signed_at for c in latest_checkpoints(conn)}


async def run_checkpointer(settings: Settings, stop: asyncio.Event) -> None:
    """Sign checkpoints as they fall due until `stop` is set (KAOHE_CHECKPOINT_EVERY_SECONDS=0:
    never). A refusal (a tampered log) is logged each round and signs nothing.
    """
    every = settings.kaohe_checkpoint_every_seconds
    if every <= 0:
        return
    signer = signer_from(settings)
    url = settings.database_url
    between = min(every, 5.0)
    while not stop.is_set():
        for service in SERVICES:
            try:
                outcome = await asyncio.to_thread(
                    checkpoint_if_due,
                    url,
                    service,
                    signer,
                    settings.kaohe_checkpoint_every_events,
                    every,
                )
            except CheckpointRefusedError as exc:
                CHECKPOINTS.labels(service, "refused").inc()
                log.error("checkpoint_refused", service=service, reason=exc.reason)
            except (OSError, psycopg.Error) as exc:
                log.warning("checkpoint_failed", service=service, error=str(exc))
            else:
                if outcome is not None and outcome.signed is not None:
                    CHECKPOINTS.labels(service, "signed").inc()
                    log.info("checkpoint_signed", service=service, size=outcome.signed.tree_size)
        for service, signed_at in (await asyncio.to_thread(latest_signed, url)).items():
            show_age(service, signed_at)
        await pause(stop, between)
