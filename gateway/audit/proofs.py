"""GraphQL for auditors (审计/纪检): the signed checkpoints, the checkpoint public keys, and Merkle
inclusion and consistency proofs computed from the log as it is now and verified against the
signed roots. Only the AUDITOR role asks; the refusal names it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import strawberry
from graphql import GraphQLError

from gateway.graphql.access import ProofsAuditorOnly
from gateway.graphql.plumbing import Info_
from gateway.graphql.shapes import invalid
from kernel.store import SERVICES
from services.audit.checkpoints import (
    ProofError,
    StoredCheckpoint,
    checkpoints_of,
    latest_checkpoints,
    prove_consistency,
    prove_inclusion,
    signer_from,
    snapshot,
)
from services.audit.keys import CheckpointKey, published_keys
from services.audit.tlog import PublicKey

P = TypeVar("P")


@strawberry.type(description="A signed checkpoint of a service log (C2SP tlog-checkpoint note)")
class AuditCheckpoint:
    service: str = strawberry.field(description="The service whose log it covers")
    size: int = strawberry.field(description="Tree size: how many events of the log it covers")
    root_hash: str = strawberry.field(description="The RFC 6962 Merkle root, hex")
    last_position: int = strawberry.field(description="Position of the last event it covers")
    key_id: str = strawberry.field(description="The signing key's id (signed-note key hash, hex)")
    signed_at: datetime = strawberry.field(description="When it was signed")
    note: str = strawberry.field(description="The signed note itself, to verify or keep")

    @classmethod
    def from_stored(cls, row: StoredCheckpoint) -> AuditCheckpoint:
        return cls(
            service=row.service,
            size=row.tree_size,
            root_hash=row.root_hash.hex(),
            last_position=row.last_position,
            key_id=row.key_id,
            signed_at=row.signed_at,
            note=row.note,
        )


@strawberry.type(description="A checkpoint signing key (Ed25519), current or retired")
class AuditKey:
    key_id: str = strawberry.field(description="Key id, as in each signature line (hex)")
    name: str = strawberry.field(description="Key name, as in each signature line")
    algorithm: str = strawberry.field(description="Always Ed25519")
    public_key: str = strawberry.field(description="The raw public key, hex")
    verifier_key: str = strawberry.field(description="Signed-note verifier key name+id+key")
    created: datetime = strawberry.field(description="When it was created")
    retired: datetime | None = strawberry.field(description="When rotation retired it, if it has")

    @classmethod
    def from_key(cls, key: CheckpointKey) -> AuditKey:
        return cls(
            key_id=key.key_id,
            name=key.name,
            algorithm="Ed25519",
            public_key=key.public_key.hex(),
            verifier_key=str(key.as_json()["verifier_key"]),
            created=key.created,
            retired=key.retired,
        )


@strawberry.type(description="An event's RFC 9162 inclusion proof against a signed checkpoint")
class InclusionProof:
    service: str = strawberry.field(description="The service log")
    position: int = strawberry.field(description="The event's position in the log")
    leaf_index: int = strawberry.field(description="Its leaf index in the Merkle tree")
    leaf_hash: str = strawberry.field(description="SHA-256(0x00 || canonical bytes), hex")
    path: list[str] = strawberry.field(description="The audit path, leaf to root, hex")
    checkpoint: AuditCheckpoint = strawberry.field(description="The checkpoint proven against")
    verified: bool = strawberry.field(description="Whether the proof verifies the signed root")
    problem: str | None = strawberry.field(description="Why it does not verify, if it does not")


@strawberry.type(description="An RFC 9162 consistency proof between two signed checkpoints")
class ConsistencyProof:
    service: str = strawberry.field(description="The service log")
    old: AuditCheckpoint = strawberry.field(description="The older checkpoint")
    new: AuditCheckpoint = strawberry.field(description="The newer checkpoint")
    path: list[str] = strawberry.field(description="The consistency proof, hex")
    verified: bool = strawberry.field(description="Whether the newer log extends the older")
    problem: str | None = strawberry.field(description="Why it does not verify, if it does not")


def _service(service: str) -> str:
    if service not in SERVICES:
        raise invalid(
            "service", "service", f"service: {service!r} is not one of {', '.join(SERVICES)}"
        )
    return service


def _not_found(exc: ProofError) -> GraphQLError:
    return GraphQLError(
        str(exc), extensions={"code": "NOT_FOUND", "status": 404, "rule": "audit.proof_subject"}
    )


async def _prove(info: Info_, prove: Callable[[str, list[PublicKey]], P]) -> P:
    """A proof computed off the event loop, from the log database and every published key; a
    proof of what is not there (no such event or checkpoint) is refused as NOT_FOUND."""
    settings = info.context.settings
    keys = signer_from(settings).public_keys()
    try:
        return await asyncio.to_thread(prove, settings.database_url, keys)
    except ProofError as exc:
        raise _not_found(exc) from None


def _checkpoints(database_url: str, service: str | None) -> list[StoredCheckpoint]:
    with snapshot(database_url) as conn:
        return checkpoints_of(conn, service) if service else latest_checkpoints(conn)


@strawberry.type
class ProofQuery:
    @strawberry.field(
        description="The latest signed checkpoint of each service log, or every checkpoint of "
        "one service, newest first (AUDITOR)",
        permission_classes=[ProofsAuditorOnly],
    )
    async def audit_checkpoints(
        self, info: Info_, service: str | None = None
    ) -> list[AuditCheckpoint]:
        chosen = _service(service) if service else None
        rows = await asyncio.to_thread(_checkpoints, info.context.settings.database_url, chosen)
        ordered = list(reversed(rows)) if chosen else rows
        return [AuditCheckpoint.from_stored(r) for r in ordered]

    @strawberry.field(
        description="Every checkpoint public key, oldest first (AUDITOR)",
        permission_classes=[ProofsAuditorOnly],
    )
    def audit_keys(self, info: Info_) -> list[AuditKey]:
        return [AuditKey.from_key(k) for k in published_keys(info.context.settings.key_dir)]

    @strawberry.field(
        description="An event's inclusion proof against a signed checkpoint, by service and "
        "position; checkpointSize picks the checkpoint (default the latest) (AUDITOR)",
        permission_classes=[ProofsAuditorOnly],
    )
    async def inclusion_proof(
        self, info: Info_, service: str, position: int, checkpoint_size: int | None = None
    ) -> InclusionProof:
        chosen = _service(service)
        result = await _prove(
            info, lambda url, keys: prove_inclusion(url, chosen, position, keys, checkpoint_size)
        )
        return InclusionProof(
            service=result.service,
            position=result.position,
            leaf_index=result.leaf_index,
            leaf_hash=result.leaf_hash.hex(),
            path=[h.hex() for h in result.path],
            checkpoint=AuditCheckpoint.from_stored(result.checkpoint),
            verified=result.verified,
            problem=result.problem,
        )

    @strawberry.field(
        description="A consistency proof that the checkpoint of newSize extends the one of "
        "oldSize (default: the latest two) (AUDITOR)",
        permission_classes=[ProofsAuditorOnly],
    )
    async def consistency_proof(
        self, info: Info_, service: str, old_size: int | None = None, new_size: int | None = None
    ) -> ConsistencyProof:
        chosen = _service(service)
        result = await _prove(
            info, lambda url, keys: prove_consistency(url, chosen, keys, old_size, new_size)
        )
        return ConsistencyProof(
            service=result.service,
            old=AuditCheckpoint.from_stored(result.old),
            new=AuditCheckpoint.from_stored(result.new),
            path=[h.hex() for h in result.path],
            verified=result.verified,
            problem=result.problem,
        )
