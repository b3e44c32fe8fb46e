"""The hash chain over a service log: each stored event's hash covers the previous hash and the
event's canonical bytes, so an edit, a deletion, an insertion or a reordering shows up.

The stored bytes are hashed as stored, so an auditor verifies without any decryption key.
Canonical bytes: each part length-prefixed (8 bytes, big-endian), in this order: notification id
(decimal ASCII), originator id (canonical UUID text), originator version (decimal ASCII), topic
(UTF-8), state (the stored bytes).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable

GENESIS = bytes(32)


def canonical_bytes(
    notification_id: int,
    originator_id: str,
    originator_version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """The bytes of one stored event that its chain hash covers."""
    parts = (
        str(notification_id).encode(),
        originator_id.encode(),
        str(originator_version).encode(),
        topic.encode(),
        state,
    )
    return b"".join(len(p).to_bytes(8, "big") + p for p in parts)


def link(previous: bytes, canonical: bytes) -> bytes:
    """The chain hash of an event, given the previous event's chain hash."""
    return hashlib.sha256(previous + canonical).digest()


@dataclasses.dataclass(frozen=True)
class StoredRow:
    """One row of a service log as read back for verification."""

    notification_id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


@dataclasses.dataclass(frozen=True)
class ChainBreak:
    """The first place where a service log and its chain disagree."""

    notification_id: int
    problem: str


@dataclasses.dataclass
class ChainVerifier:
    """Verifies a log incrementally, row by row, in notification order.

    Feed it the events and their recorded hashes; it names the first record that does not match.
    """

    previous: bytes = GENESIS
    last_id: int = 0
    count: int = 0
    broken: ChainBreak | None = None

    def feed(self, rows: Iterable[tuple[StoredRow | None, int, bytes | None]]) -> None:
        """Check `(event row or None, notification id, recorded hash or None)` triples in order."""
        for row, notification_id, recorded in rows:
            if self.broken is not None:
                return
            self._check(row, notification_id, recorded)

    def _check(self, row: StoredRow | None, notification_id: int, recorded: bytes | None) -> None:
        if row is None:
            self.broken = ChainBreak(
                notification_id,
                "event row missing: the chain records it, the log does not",
            )
            return
        if recorded is None:
            self.broken = ChainBreak(
                notification_id,
                "no chain hash: the row was inserted outside the recorder",
            )
            return
        if notification_id <= self.last_id:
            self.broken = ChainBreak(notification_id, "out of order")
            return
        expected = link(
            self.previous,
            canonical_bytes(
                row.notification_id,
                row.originator_id,
                row.originator_version,
                row.topic,
                row.state,
            ),
        )
        if expected != recorded:
            self.broken = ChainBreak(
                notification_id,
                "hash mismatch: the stored event or the chain before it was altered",
            )
            return
        self.previous = recorded
        self.last_id = notification_id
        self.count += 1
