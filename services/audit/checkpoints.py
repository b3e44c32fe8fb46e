"""Signed checkpoints of each service log, recorded append-only in `audit.checkpoints` (a table
of the migrations, kernel/migrations), and the proofs an auditor asks for: an event's inclusion
in a checkpoint, one checkpoint's consistency with another.

The Merkle tree is RFC 6962's over each service log in log order: leaf i is the i-th stored event
by notification id (its position), hashed over the same canonical bytes as the hash chain. A
checkpoint is a C2SP tlog-checkpoint note (origin `kaohe/<service>`, tree size, root, plus a
`kaohe-chain <last position> <chain head>` extension line) signed with the checkpoint key. Before
signing, the whole log is re-read: its chain must verify, and the root of its first m events must
equal the last checkpoint's root (size m), so two inconsistent checkpoints are never signed.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.sql import SQL, Identifier

from kernel.chain import ChainBreak, ChainVerifier, StoredRow
from kernel.settings import Settings
from services.audit.keys import active_key, published_keys
from services.audit.tlog import (
    Checkpoint,
    NoteError,
    PublicKey,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    open_checkpoint,
    root_hash,
    sign_note,
    verify_consistency,
    verify_inclusion,
)

Connection = psycopg.Connection[tuple[Any, ...]]


class CheckpointRefusedError(Exception):
    """The log cannot be checkpointed as it stands: `reason` says why."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class ProofError(Exception):
    """A proof was asked for something that does not exist (no such event or checkpoint)."""


@dataclasses.dataclass(frozen=True)
class LogEntry:
    """One event of a service log as the Merkle tree sees it."""

    position: int
    row: StoredRow | None  # kept only when asked for (an export): a log's states add up
    chain_hash: bytes | None
    leaf: bytes


@dataclasses.dataclass(frozen=True)
class LogSnapshot:
    """A service log read in one snapshot: its entries, and the chain verdict on them."""

    service: str
    entries: list[LogEntry]
    broken: ChainBreak | None
    chain_head: bytes

    @property
    def leaves(self) -> list[bytes]:
        """The Merkle leaf hashes, in log order."""
        return [e.leaf for e in self.entries]

    def index_of(self, position: int) -> int:
        """The leaf index of the event at `position`; ProofError if there is none."""
        low, high = 0, len(self.entries)
        while low < high:
            middle = (low + high) // 2
            if self.entries[middle].position < position:
                low = middle + 1
            else:
                high = middle
        if low == len(self.entries) or self.entries[low].position != position:
            msg = f"{self.service}: no event at position {position}"
            raise ProofError(msg)
        return low


@dataclasses.dataclass(frozen=True)
class StoredCheckpoint:
    """A row of `audit.checkpoints`."""

    service: str
    tree_size: int
    root_hash: bytes
    last_position: int
    chain_head: bytes
    key_id: str
    note: str
    signed_at: datetime

    def as_json(self) -> dict[str, object]:
        """The published form (GET /audit/checkpoints, the bundle)."""
        return {
            "service": self.service,
            "size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "last_position": self.last_position,
            "chain_head": self.chain_head.hex(),
            "key_id": self.key_id,
            "signed_at": self.signed_at.isoformat(),
            "note": self.note,
        }


def origin_of(prefix: str, service: str) -> str:
    """A service log's checkpoint origin line, e.g. `kaohe/goals`."""
    return f"{prefix}/{service}"


def _rows(
    conn: Connection, service: str, batch: int
) -> Iterator[tuple[StoredRow | None, int, bytes | None]]:
    # A full outer join by position finds rows present on one side only (inserted or deleted);
    # the stored rows come back whole, since the Merkle leaves hash their canonical bytes too.
    query = SQL(
        "SELECT coalesce(e.notification_id, c.notification_id), e.originator_id::text, "
        "e.originator_version, e.topic, e.state, c.hash, e.notification_id IS NOT NULL "
        "FROM {schema}.{events} e FULL OUTER JOIN {schema}.{chain} c "
        "ON c.notification_id = e.notification_id "
        "ORDER BY 1"
    ).format(
        schema=Identifier(service),
        events=Identifier(f"{service}_events"),
        chain=Identifier(f"{service}_chain"),
    )
    with conn.cursor(name=f"checkpoint_{service}") as cursor:
        cursor.itersize = batch
        cursor.execute(query)
        for record in cursor:
            position, oid, version, topic, state, digest, present = record
            row = StoredRow(position, oid, version, topic, bytes(state)) if present else None
            yield row, position, bytes(digest) if digest is not None else None


def read_log(conn: Connection, service: str, *, keep_rows: bool = False) -> LogSnapshot:
    """Read a whole service log (run inside one REPEATABLE READ transaction for a snapshot);
    the stored rows themselves are kept only with `keep_rows`.
    """
    exists = conn.execute("SELECT to_regclass(%s)", (f"{service}.{service}_events",)).fetchone()
    if exists is None or exists[0] is None:
        return LogSnapshot(service, [], None, bytes(32))
    verifier = ChainVerifier()
    entries: list[LogEntry] = []
    for row, position, recorded in _rows(conn, service, 5000):
        canonical = None if row is None else row.canonical
        verifier.feed_canonical([(position, canonical, recorded)])
        if canonical is not None:
            kept = row if keep_rows else None
            entries.append(LogEntry(position, kept, recorded, leaf_hash(canonical)))
    return LogSnapshot(service, entries, verifier.broken, verifier.previous)


def _stored(record: tuple[Any, ...]) -> StoredCheckpoint:
    service, size, root, last, head, key_id, note, signed_at = record
    return StoredCheckpoint(
        service, int(size), bytes(root), int(last), bytes(head), key_id, note, signed_at
    )


_COLUMNS = "service, tree_size, root_hash, last_position, chain_head, key_id, note, signed_at"


def checkpoints_of(conn: Connection, service: str) -> list[StoredCheckpoint]:
    """A service's recorded checkpoints, smallest tree first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM audit.checkpoints WHERE service = %s ORDER BY tree_size",
        (service,),
    ).fetchall()
    return [_stored(r) for r in rows]


def latest_checkpoints(conn: Connection) -> list[StoredCheckpoint]:
    """The largest checkpoint of every service."""
    rows = conn.execute(
        f"SELECT DISTINCT ON (service) {_COLUMNS} FROM audit.checkpoints "
        "ORDER BY service, tree_size DESC"
    ).fetchall()
    return [_stored(r) for r in rows]


_LOCK_CLASS = "kaohe.checkpoint"


@contextlib.contextmanager
def snapshot(database_url: str) -> Iterator[Connection]:
    """A connection inside one REPEATABLE READ transaction: events, chain and checkpoints are
    read as of one instant, whatever commits meanwhile.
    """
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            yield conn


@dataclasses.dataclass(frozen=True)
class CheckpointOutcome:
    """What `checkpoint_service` did: the checkpoint it signed (None if the log had nothing new)
    and the latest checkpoint afterwards.
    """

    service: str
    signed: StoredCheckpoint | None
    latest: StoredCheckpoint | None


@dataclasses.dataclass(frozen=True)
class Signer:
    """Where the checkpoint keys are and how checkpoints are named."""

    key_dir: Path
    key_name: str = "kaohe-audit"
    origin_prefix: str = "kaohe"

    def public_keys(self) -> list[PublicKey]:
        """Every published key, retired ones included."""
        return [k.public for k in published_keys(self.key_dir)]


def signer_from(settings: Settings) -> Signer:
    """The signer the settings describe (KAOHE_DATA_DIR, KAOHE_CHECKPOINT_KEY_NAME, ..._ORIGIN)."""
    return Signer(
        settings.key_dir, settings.kaohe_checkpoint_key_name, settings.kaohe_checkpoint_origin
    )


def checkpoint_service(database_url: str, service: str, signer: Signer) -> CheckpointOutcome:
    """Sign and record a checkpoint of a service log if it has grown since the last one.

    Raises CheckpointRefusedError, naming the reason, when the chain does not verify, the last
    checkpoint's signature does not verify, or the log no longer extends the last checkpoint.
    """
    with psycopg.connect(database_url, autocommit=True) as conn:
        # A session lock, taken before the snapshot: a second signer then sees the first's row.
        conn.execute("SELECT pg_advisory_lock(hashtext(%s), hashtext(%s))", (_LOCK_CLASS, service))
        try:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with conn.transaction():
                return _checkpoint_locked(conn, service, signer)
        finally:
            conn.execute(
                "SELECT pg_advisory_unlock(hashtext(%s), hashtext(%s))", (_LOCK_CLASS, service)
            )


def _checkpoint_locked(conn: Connection, service: str, signer: Signer) -> CheckpointOutcome:
    recorded = checkpoints_of(conn, service)
    last = recorded[-1] if recorded else None
    log = read_log(conn, service)
    if log.broken is not None:
        raise CheckpointRefusedError(
            service,
            f"the chain is broken at position {log.broken.notification_id} "
            f"({log.broken.problem}); nothing is signed over a tampered log",
        )
    size = len(log.entries)
    if last is not None:
        try:
            previous, _ = open_checkpoint(last.note, signer.public_keys())
        except NoteError as exc:
            raise CheckpointRefusedError(
                service, f"the last checkpoint (size {last.tree_size}) does not verify: {exc}"
            ) from None
        if size < previous.size:
            raise CheckpointRefusedError(
                service,
                f"the log holds {size} events, fewer than the last checkpoint's {previous.size}: "
                "events were deleted",
            )
        if root_hash(log.leaves[: previous.size]) != previous.root:
            raise CheckpointRefusedError(
                service,
                f"the log's first {previous.size} events no longer hash to the last "
                "checkpoint's root: the log was rewritten, so no consistent checkpoint exists",
            )
        if size == previous.size:
            return CheckpointOutcome(service, None, last)
    if size == 0:
        return CheckpointOutcome(service, None, last)
    key, private = active_key(signer.key_dir, signer.key_name)
    checkpoint = Checkpoint(
        origin=origin_of(signer.origin_prefix, service),
        size=size,
        root=root_hash(log.leaves),
        last_position=log.entries[-1].position,
        chain_head=log.chain_head,
    )
    note = sign_note(checkpoint.text(), key.name, private)
    row = conn.execute(
        "INSERT INTO audit.checkpoints (service, tree_size, root_hash, last_position, "
        "chain_head, key_id, note) VALUES (%s, %s, %s, %s, %s, %s, %s) "
        f"RETURNING {_COLUMNS}",
        (
            service,
            size,
            checkpoint.root,
            checkpoint.last_position,
            checkpoint.chain_head,
            key.key_id,
            note,
        ),
    ).fetchone()
    assert row is not None
    stored = _stored(row)
    return CheckpointOutcome(service, stored, stored)


def checkpoint_if_due(
    database_url: str, service: str, signer: Signer, every_events: int, every_seconds: float
) -> CheckpointOutcome | None:
    """Checkpoint a service log when `every_events` new events or `every_seconds` since the last
    checkpoint (with at least one new event) have passed; None when not due.
    """
    with psycopg.connect(database_url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass(%s)", (f"{service}.{service}_events",))
        found = exists.fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute(
            SQL(
                "SELECT (SELECT count(*) FROM {schema}.{events} WHERE notification_id > "
                "coalesce(c.last_position, 0)), "
                "coalesce(extract(epoch FROM now() - c.signed_at), 'Infinity'::float8) "
                "FROM (SELECT 1) one LEFT JOIN ("
                "SELECT last_position, signed_at FROM audit.checkpoints WHERE service = %s "
                "ORDER BY tree_size DESC LIMIT 1) c ON TRUE"
            ).format(schema=Identifier(service), events=Identifier(f"{service}_events")),
            (service,),
        ).fetchone()
    assert row is not None
    new_events, age = int(row[0]), float(row[1])
    if new_events == 0 or (new_events < every_events and age < every_seconds):
        return None
    return checkpoint_service(database_url, service, signer)


@dataclasses.dataclass(frozen=True)
class CheckpointReport:
    """The verdict on a service's checkpoints: each signature, and each root against the log."""

    service: str
    checkpoints: int
    latest: StoredCheckpoint | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        """Every checkpoint is validly signed and matches the log."""
        return not self.problems


def verify_checkpoints(
    database_url: str, service: str, keys: list[PublicKey], origin_prefix: str = "kaohe"
) -> CheckpointReport:
    """Check every recorded checkpoint of a service: its signature by a published key, its row
    against its note, and its root and chain head against the log as it is now. A checkpoint
    that disagrees while a larger one agrees is named as inconsistent (forged or signed over a
    rewritten log); one that disagrees with everything after it shows the log was changed.
    """
    with snapshot(database_url) as conn:
        recorded = checkpoints_of(conn, service)
        log = read_log(conn, service)
    leaves = log.leaves
    problems: list[str] = []
    matches: list[tuple[StoredCheckpoint, bool]] = []
    for row in recorded:
        name = f"checkpoint {row.tree_size} (signed {row.signed_at:%Y-%m-%d %H:%M:%S})"
        try:
            checkpoint, _ = open_checkpoint(row.note, keys)
        except NoteError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if checkpoint.origin != origin_of(origin_prefix, service):
            problems.append(f"{name}: origin {checkpoint.origin!r} is another log's")
            continue
        if (checkpoint.size, checkpoint.root, checkpoint.last_position) != (
            row.tree_size,
            row.root_hash,
            row.last_position,
        ):
            problems.append(f"{name}: the row's columns differ from its signed note")
            continue
        agrees = checkpoint.size <= len(leaves) and root_hash(leaves[: checkpoint.size]) == (
            checkpoint.root
        )
        if agrees and checkpoint.size:
            entry = log.entries[checkpoint.size - 1]
            if (entry.position, entry.chain_hash) != (
                checkpoint.last_position,
                checkpoint.chain_head,
            ):
                problems.append(
                    f"{name}: the chain hash at position {checkpoint.last_position} differs "
                    "from the signed chain head"
                )
        matches.append((row, agrees))
    for i, (row, agrees) in enumerate(matches):
        if agrees:
            continue
        name = f"checkpoint {row.tree_size} (signed {row.signed_at:%Y-%m-%d %H:%M:%S})"
        later = [r.tree_size for r, ok in matches[i + 1 :] if ok]
        if later:
            problems.append(
                f"{name}: inconsistent with checkpoint {later[0]} and the log, which agree: "
                "a forged checkpoint, or one signed over a rewritten log"
            )
        elif row.tree_size > len(leaves):
            problems.append(
                f"{name}: the log holds {len(leaves)} events, fewer than this checkpoint's "
                f"{row.tree_size}: events were deleted"
            )
        else:
            earlier = [r for r, ok in matches[:i] if ok]
            start = earlier[-1].last_position if earlier else 0
            problems.append(
                f"{name}: the log's first {row.tree_size} events no longer hash to its root: "
                f"an event after position {start} and up to position {row.last_position} was "
                "altered, deleted, inserted or reordered"
            )
    latest = recorded[-1] if recorded else None
    return CheckpointReport(service, len(recorded), latest, problems)


def _pick(recorded: list[StoredCheckpoint], size: int | None, service: str) -> StoredCheckpoint:
    if not recorded:
        msg = f"{service}: no checkpoint yet (run `kaohe audit checkpoint`)"
        raise ProofError(msg)
    if size is None:
        return recorded[-1]
    for row in recorded:
        if row.tree_size == size:
            return row
    sizes = ", ".join(str(r.tree_size) for r in recorded[-10:])
    msg = f"{service}: no checkpoint of size {size} (the latest sizes are {sizes})"
    raise ProofError(msg)


@dataclasses.dataclass(frozen=True)
class InclusionResult:
    """An inclusion proof of one event against a signed checkpoint, and whether it verifies."""

    service: str
    position: int
    leaf_index: int
    leaf_hash: bytes
    checkpoint: StoredCheckpoint
    path: list[bytes]
    problem: str | None

    @property
    def verified(self) -> bool:
        """The proof verifies against the checkpoint's signed root."""
        return self.problem is None


def prove_inclusion(
    database_url: str, service: str, position: int, keys: list[PublicKey], size: int | None = None
) -> InclusionResult:
    """Prove the event at `position` is in the checkpoint of tree size `size` (the latest if
    None), from the log as it is now, and verify the proof against the signed root.
    """
    with snapshot(database_url) as conn:
        checkpoint = _pick(checkpoints_of(conn, service), size, service)
        log = read_log(conn, service)
    index = log.index_of(position)
    leaf = log.entries[index].leaf
    if index >= checkpoint.tree_size:
        msg = (
            f"{service}: the event at position {position} is leaf {index}, after checkpoint "
            f"{checkpoint.tree_size} (it covers positions up to {checkpoint.last_position})"
        )
        raise ProofError(msg)
    path = inclusion_proof(log.leaves[: checkpoint.tree_size], index)
    problem = None
    try:
        signed, _ = open_checkpoint(checkpoint.note, keys)
    except NoteError as exc:
        problem = f"the checkpoint does not verify: {exc}"
    else:
        if len(log.entries) < checkpoint.tree_size:
            problem = (
                f"the log holds {len(log.entries)} events, fewer than the checkpoint's "
                f"{checkpoint.tree_size}: events were deleted"
            )
        elif not verify_inclusion(leaf, index, signed.size, path, signed.root):
            problem = (
                f"the proof does not verify against the signed root: the event at position "
                f"{position}, or another among the first {signed.size}, was altered, deleted, "
                "inserted or reordered"
            )
    return InclusionResult(service, position, index, leaf, checkpoint, path, problem)


@dataclasses.dataclass(frozen=True)
class ConsistencyResult:
    """A consistency proof between two signed checkpoints, and whether it verifies."""

    service: str
    old: StoredCheckpoint
    new: StoredCheckpoint
    path: list[bytes]
    problem: str | None

    @property
    def verified(self) -> bool:
        """The proof shows the newer checkpoint's log extends the older one's."""
        return self.problem is None


def prove_consistency(
    database_url: str,
    service: str,
    keys: list[PublicKey],
    old_size: int | None = None,
    new_size: int | None = None,
) -> ConsistencyResult:
    """Prove the checkpoint of `new_size` extends the one of `old_size` (by default the latest
    two), from the log as it is now, and verify the proof against both signed roots.
    """
    with snapshot(database_url) as conn:
        recorded = checkpoints_of(conn, service)
        log = read_log(conn, service)
    new = _pick(recorded, new_size, service)
    if old_size is None:
        earlier = [r for r in recorded if r.tree_size < new.tree_size]
        if not earlier:
            msg = f"{service}: no checkpoint before size {new.tree_size} to compare with"
            raise ProofError(msg)
        old = earlier[-1]
    else:
        old = _pick(recorded, old_size, service)
    if old.tree_size > new.tree_size:
        msg = f"{service}: --old {old.tree_size} is larger than --new {new.tree_size}"
        raise ProofError(msg)
    leaves = log.leaves
    path = (
        consistency_proof(leaves[: new.tree_size], old.tree_size)
        if (new.tree_size <= len(leaves))
        else []
    )
    problem = None
    try:
        signed_old, _ = open_checkpoint(old.note, keys)
        signed_new, _ = open_checkpoint(new.note, keys)
    except NoteError as exc:
        problem = f"a checkpoint does not verify: {exc}"
    else:
        if new.tree_size > len(leaves):
            problem = (
                f"the log holds {len(leaves)} events, fewer than checkpoint {new.tree_size}: "
                "events were deleted"
            )
        elif not verify_consistency(
            signed_old.size, signed_new.size, signed_old.root, signed_new.root, path
        ):
            problem = (
                f"checkpoint {signed_new.size} does not extend checkpoint {signed_old.size} "
                "as the log stands: one of them is forged or the log was rewritten"
            )
    return ConsistencyResult(service, old, new, path, problem)
