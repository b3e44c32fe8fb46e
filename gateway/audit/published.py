"""What the gateway publishes for auditors and witnesses, without a token (nothing in it is
personal): the checkpoint public keys (`GET /audit/keys`, retired ones included) and the signed
checkpoints (`GET /audit/checkpoints`), as the checkpoint signer (`services/audit/main.py`)
recorded them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from kernel.settings import Settings
from services.audit.checkpoints import StoredCheckpoint
from services.audit.keys import published_keys

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
