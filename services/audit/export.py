"""`kaohe audit export`: a self-contained bundle of one unit's events over a date range, which
the stand-alone verifier (`services/audit/tlog.py`, copied in as `verify_bundle.py`) checks offline.

A unit's events are interleaved with other units' in each service log. The bundle holds only the
unit's events (other units' records are none of this auditor's business, and complainants'
details are in the log), each with an RFC 9162 inclusion proof against its service's anchor: the
latest signed checkpoint, freshly signed by the export. Each event also carries the previous
event's chain hash, so its own chain link is checked. The bundle also holds the checkpoints signed
during the range with a consistency proof from each to the anchor, and every public key.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from kernel.calendar import china_date
from kernel.chain import GENESIS
from kernel.store import SERVICES
from services.audit.checkpoints import (
    LogSnapshot,
    Signer,
    StoredCheckpoint,
    checkpoint_service,
    checkpoints_of,
    origin_of,
    read_log,
    snapshot,
)
from services.audit.keys import published_keys
from services.audit.tlog import BUNDLE_FORMAT, MerkleTree, consistency_proof

VERIFIER = Path(__file__).with_name("tlog.py")


@dataclasses.dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: where, and how many events per service against which anchor."""

    out: Path
    event_counts: dict[str, int]
    anchors: dict[str, int]


def _meta(state: bytes) -> dict[str, Any]:
    try:
        meta = json.loads(state)["meta"]["_data_"]
    except (ValueError, KeyError, TypeError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _belongs(
    meta: dict[str, Any], originator_id: str, unit_id: UUID, ours: set[str], start: date, end: date
) -> bool:
    # An aggregate is the unit's once one of its events names the unit; later events recorded by
    # the system (the overdue check) name no tenant but still belong to it.
    if meta.get("tenant_id") == str(unit_id):
        ours.add(originator_id)
    if originator_id not in ours:
        return False
    occurred = meta.get("occurred_at")
    if not occurred:
        return False
    return start <= china_date(datetime.fromisoformat(str(occurred))) <= end


def _service_part(
    log: LogSnapshot,
    recorded: list[StoredCheckpoint],
    unit_id: UUID,
    start: date,
    end: date,
    prefix: str,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if not recorded:
        return [], {"origin": origin_of(prefix, log.service), "checkpoints": [], "consistency": {}}
    anchor = recorded[-1]
    leaves = log.leaves[: anchor.tree_size]
    tree = MerkleTree(leaves)
    events: list[dict[str, Any]] = []
    # The unit's own aggregate (its org chart) is registered before the unit is anyone's tenant.
    ours = {str(unit_id)}
    for index, entry in enumerate(log.entries[: anchor.tree_size]):
        row = entry.row
        assert row is not None, "read with keep_rows"
        meta = _meta(row.state)
        if not _belongs(meta, row.originator_id, unit_id, ours, start, end):
            continue
        previous = log.entries[index - 1].chain_hash if index else GENESIS
        events.append(
            {
                "service": log.service,
                "position": entry.position,
                "leaf_index": index,
                "originator_id": row.originator_id,
                "originator_version": row.originator_version,
                "topic": row.topic,
                "occurred_at": meta.get("occurred_at"),
                "tenant_id": meta.get("tenant_id"),
                "state": base64.b64encode(row.state).decode(),
                "chain_hash": (entry.chain_hash or b"").hex(),
                "previous_chain_hash": (previous or b"").hex(),
                "leaf_hash": entry.leaf.hex(),
                "inclusion": {
                    "tree_size": anchor.tree_size,
                    "path": [h.hex() for h in tree.inclusion_proof(index)],
                },
            }
        )
    during = [
        r
        for r in recorded[:-1]
        if start <= china_date(r.signed_at) <= end and r.tree_size <= len(leaves)
    ]
    part = {
        "origin": origin_of(prefix, log.service),
        "anchor": anchor.tree_size,
        "checkpoints": [_checkpoint_json(r) for r in [*during, anchor]],
        "consistency": {
            str(r.tree_size): [h.hex() for h in consistency_proof(leaves, r.tree_size)]
            for r in during
        },
    }
    return events, part


def _checkpoint_json(row: StoredCheckpoint) -> dict[str, Any]:
    return {
        "size": row.tree_size,
        "signed_at": row.signed_at.isoformat(),
        "key_id": row.key_id,
        "note": row.note,
    }


def export_bundle(
    database_url: str,
    unit_id: UUID,
    start: date,
    end: date,
    out: Path,
    signer: Signer,
    services: tuple[str, ...] = SERVICES,
) -> ExportSummary:
    """Write the bundle of `unit_id`'s events that occurred from `start` to `end` (China dates,
    inclusive) to `out`: a folder, or a zip archive when `out` ends in `.zip`.

    Signs a fresh checkpoint of each service log first (CheckpointRefusedError if the log does
    not verify), so the bundle proves every event recorded until the export.
    """
    for service in services:
        checkpoint_service(database_url, service, signer)
    files: dict[str, bytes] = {}
    lines: list[str] = []
    parts: dict[str, Any] = {}
    counts: dict[str, int] = {}
    anchors: dict[str, int] = {}
    with snapshot(database_url) as conn:
        for service in services:
            log = read_log(conn, service, keep_rows=True)
            events, part = _service_part(
                log, checkpoints_of(conn, service), unit_id, start, end, signer.origin_prefix
            )
            lines.extend(json.dumps(e, ensure_ascii=False) for e in events)
            parts[service] = part
            counts[service] = len(events)
            anchors[service] = int(part.get("anchor", 0))
    files["events.jsonl"] = "".join(f"{line}\n" for line in lines).encode()
    files["checkpoints.json"] = _json({"services": parts})
    keys = [k.as_json() for k in published_keys(signer.key_dir)]
    files["keys.json"] = _json({"keys": keys})
    files["verify_bundle.py"] = VERIFIER.read_bytes()
    manifest = {
        "format": BUNDLE_FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "unit_id": str(unit_id),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "event_counts": counts,
        "anchors": anchors,
        "contents": (
            "The unit's events that occurred in the range (China dates), each with its chain "
            "link and an inclusion proof against its service's anchor checkpoint; the "
            "checkpoints signed in the range with consistency proofs to the anchor; every "
            "checkpoint public key. Other units' events are not included."
        ),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    files["manifest.json"] = _json(manifest)
    _write(out, files)
    return ExportSummary(out, counts, anchors)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode()


def _write(out: Path, files: dict[str, bytes]) -> None:
    if out.suffix == ".zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(buffer.getvalue())
        return
    if out.exists() and any(out.iterdir()):
        msg = f"--out {out}: the folder is not empty"
        raise FileExistsError(msg)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
