"""What the gateway publishes for auditors and witnesses, without a token (nothing in it is
personal): the checkpoint public keys (`GET /audit/keys`, retired ones included) and the signed
checkpoints (`GET /audit/checkpoints`). Also the background checkpointer, which signs a checkpoint
of each service log every N events or T seconds.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import psycopg
import structlog
from fastapi import APIRouter, Query, Request

from kernel.settings import Settings
from kernel.store import SERVICES
from kernel.waiting import pause
from services.audit.checkpoints import (
    CheckpointRefusedError,
    StoredCheckpoint,
    checkpoint_if_due,
    signer_from,
)
from services.audit.keys import published_keys

log = structlog.get_logger("kaohe.audit")

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/keys")
async def keys(request: Request) -> dict[str, list[dict[str, object]]]:
    """Every checkpoint public key, oldest first, with its key id and when it was retired."""
    settings: Settings = request.app.state.settings
    return {"keys": [k.as_json() for k in published_keys(settings.key_dir)]}


@router.get("/checkpoints")
async def checkpoints(
    request: Request,
    service: Annotated[str | None, Query(description="Every checkpoint of this service")] = None,
    limit: Annotated[
        int, Query(ge=1, le=1000, description="At most this many, newest first")
    ] = 100,
) -> dict[str, list[dict[str, object]]]:
    """The latest signed checkpoint of each service log, or a service's checkpoints."""
    pool = request.app.state.pool
    exists = await pool.fetchval("SELECT to_regclass('audit.checkpoints')")
    if exists is None:
        return {"checkpoints": []}
    columns = "service, tree_size, root_hash, last_position, chain_head, key_id, note, signed_at"
    if service is None:
        rows = await pool.fetch(
            f"SELECT DISTINCT ON (service) {columns} FROM audit.checkpoints "
            "ORDER BY service, tree_size DESC"
        )
    else:
        rows = await pool.fetch(
            f"SELECT {columns} FROM audit.checkpoints WHERE service = $1 "
            "ORDER BY tree_size DESC LIMIT $2",
            service,
            limit,
        )
    return {"checkpoints": [_published(r) for r in rows]}


def _published(row: Any) -> dict[str, object]:
    return StoredCheckpoint(
        row["service"],
        row["tree_size"],
        bytes(row["root_hash"]),
        row["last_position"],
        bytes(row["chain_head"]),
        row["key_id"],
        row["note"],
        row["signed_at"],
    ).as_json()


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
