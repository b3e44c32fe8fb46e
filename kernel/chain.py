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

    @property
    def canonical(self) -> bytes:
        """The row's canonical bytes, which its chain hash (and its Merkle leaf) cover."""
        return canonical_bytes(
            self.notification_id,
            self.originator_id,
            self.originator_version,
            self.topic,
            self.state,
        )


@dataclasses.dataclass(frozen=True)
class ChainBreak:
    """The first place where a service log and its chain disagree."""

    notification_id: int
    problem: str


Link = tuple[int, bytes | None, bytes | None]
"""(notification id, the event's canonical bytes or None if its row is missing, recorded hash or
None if the chain has no hash for it)."""


@dataclasses.dataclass
class ChainVerifier:
    """Verifies a log incrementally, in notification order.

    Feed it the events (or their canonical bytes) and their recorded hashes; it names the first
    record that does not match.
    """

    previous: bytes = GENESIS
    last_id: int = 0
    count: int = 0
    broken: ChainBreak | None = None

    def feed(self, rows: Iterable[tuple[StoredRow | None, int, bytes | None]]) -> None:
        """Check `(event row or None, notification id, recorded hash or None)` triples in order."""
        self.feed_canonical(
            (notification_id, None if row is None else row.canonical, recorded)
            for row, notification_id, recorded in rows
        )

    def feed_canonical(self, links: Iterable[Link]) -> None:
        """Check `(notification id, canonical bytes or None, recorded hash or None)` in order.

        The loop is the verifier's hot path (one iteration per event of a log), so it keeps its
        state in locals and leaves naming a problem to `_name_break`.
        """
        if self.broken is not None:
            return
        previous, last_id, count = self.previous, self.last_id, self.count
        sha256 = hashlib.sha256
        try:
            for notification_id, canonical, recorded in links:
                if (
                    canonical is None
                    or recorded is None
                    or notification_id <= last_id
                    or sha256(previous + canonical).digest() != recorded
                ):
                    self.broken = self._name_break(notification_id, canonical, recorded, last_id)
                    return
                previous, last_id, count = recorded, notification_id, count + 1
        finally:
            self.previous, self.last_id, self.count = previous, last_id, count

    @staticmethod
    def _name_break(
        notification_id: int, canonical: bytes | None, recorded: bytes | None, last_id: int
    ) -> ChainBreak:
        if canonical is None:
            return ChainBreak(
                notification_id, "event row missing: the chain records it, the log does not"
            )
        if recorded is None:
            return ChainBreak(
                notification_id, "no chain hash: the row was inserted outside the recorder"
            )
        if notification_id <= last_id:
            return ChainBreak(notification_id, "out of order")
        return ChainBreak(
            notification_id,
            "hash mismatch: the stored event or the chain before it was altered",
        )
