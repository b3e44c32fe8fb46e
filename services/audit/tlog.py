#!/usr/bin/env python3
"""Kaohe's offline audit verifier: one file, the standard library and `cryptography`, nothing else.

It is also the module Kaohe itself builds proofs and checkpoints with, so the code an auditor runs
is the code that made the evidence. It holds:

- the hash chain's canonical bytes (the same definition as `kernel/chain.py`);
- an RFC 6962 / RFC 9162 Merkle tree: leaf = SHA-256(0x00 || bytes), node = SHA-256(0x01 || l || r),
  inclusion and consistency proofs, and their verification as RFC 9162 section 2.1 states it;
- C2SP signed notes with Ed25519 and C2SP tlog-checkpoint bodies;
- the check of an exported bundle (`python verify_bundle.py BUNDLE_DIR_OR_ZIP`), printing a verdict
  per service and exiting non-zero on any failure.

Copy this file alone to check a bundle; it imports nothing from Kaohe.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import dataclasses
import hashlib
import io
import json
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

BUNDLE_FORMAT = "kaohe-audit-bundle/1"
CHAIN_GENESIS = bytes(32)
ED25519_TYPE = b"\x01"
EM_DASH = "\u2014"


# --- The hash chain (kernel/chain.py defines it; a unit test keeps the two equal) ---------------


def canonical_bytes(
    notification_id: int, originator_id: str, originator_version: int, topic: str, state: bytes
) -> bytes:
    """The bytes of one stored event that its chain hash and its Merkle leaf cover."""
    parts = (
        str(notification_id).encode(),
        originator_id.encode(),
        str(originator_version).encode(),
        topic.encode(),
        state,
    )
    return b"".join(len(p).to_bytes(8, "big") + p for p in parts)


def chain_link(previous: bytes, canonical: bytes) -> bytes:
    """The chain hash of an event, given the previous event's chain hash."""
    return hashlib.sha256(previous + canonical).digest()


# --- RFC 6962 Merkle tree -------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """MTH of a single entry: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    # Pairing left to right and promoting an odd last node builds exactly RFC 6962's tree, whose
    # left subtree is always the largest power of two below the size.
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        below = levels[-1]
        above = [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
        if len(below) % 2:
            above.append(below[-1])
        levels.append(above)
    return levels


class MerkleTree:
    """The levels of one tree, built once, for many inclusion proofs."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.size = len(leaves)
        self._levels = _levels(leaves) if leaves else [[]]

    @property
    def root(self) -> bytes:
        """The Merkle tree hash (the empty tree hashes the empty string)."""
        return self._levels[-1][0] if self.size else EMPTY_ROOT

    def inclusion_proof(self, index: int) -> list[bytes]:
        """The audit path of leaf `index` (RFC 9162 section 2.1.3.1)."""
        if not 0 <= index < self.size:
            msg = f"leaf index {index} is outside a tree of size {self.size}"
            raise ValueError(msg)
        proof: list[bytes] = []
        for level in self._levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                proof.append(level[sibling])
            index >>= 1
        return proof


def root_hash(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a list of leaf hashes (the empty tree hashes the empty string)."""
    return MerkleTree(leaves).root


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of all `leaves` (RFC 9162 section 2.1.3.1)."""
    return MerkleTree(leaves).inclusion_proof(index)


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """The proof that the first `old_size` leaves are a prefix of `leaves` (RFC 9162 2.1.4.1)."""
    if not 0 <= old_size <= len(leaves):
        msg = f"old size {old_size} is outside 0..{len(leaves)}"
        raise ValueError(msg)
    if old_size in (0, len(leaves)):
        return []
    return _subproof(old_size, leaves, complete=True)


def _subproof(m: int, leaves: Sequence[bytes], *, complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root_hash(leaves)]
    k = _largest_power_of_two_below(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete=complete), root_hash(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], complete=False), root_hash(leaves[:k])]


def _shift_to_set_bit(fn: int, sn: int) -> tuple[int, int]:
    """RFC 9162's step "until either LSB(fn) is set or fn is 0, right-shift fn and sn equally"
    (sections 2.1.3.2 and 2.1.4.2)."""
    while fn & 1 == 0 and fn != 0:
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows the leaf hash at `index` in the tree of `size` with `root`."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_to_set_bit(fn, sn)
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows the tree (`new_size`, `new_root`) extends (`old_size`, `old_root`)."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        # Every tree extends the empty one; RFC 9162 proves nothing here and needs no proof.
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            fn, sn = _shift_to_set_bit(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


# --- C2SP signed notes and tlog checkpoints ------------------------------------------------------


class NoteError(ValueError):
    """A signed note or checkpoint that is malformed or does not verify."""


def key_hash(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of a signed-note Ed25519 key: SHA-256(name || \\n || 0x01 || key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519_TYPE + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The signed-note verifier key string: `name+hex(key id)+base64(0x01 || key)`."""
    encoded = base64.b64encode(ED25519_TYPE + public_key).decode()
    return f"{name}+{key_hash(name, public_key).hex()}+{encoded}"


@dataclasses.dataclass(frozen=True)
class PublicKey:
    """A checkpoint verification key as published: its name, raw Ed25519 bytes and key id."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> str:
        """The signed-note key id, as 8 hex digits."""
        return key_hash(self.name, self.public_key).hex()

    @classmethod
    def from_verifier_key(cls, vkey: str) -> PublicKey:
        """Parse `name+hex+base64` and check the key id matches the key."""
        try:
            name, hex_id, encoded = vkey.split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise NoteError(f"malformed verifier key {vkey!r}") from None
        if raw[:1] != ED25519_TYPE or len(raw) != 33:
            raise NoteError(f"verifier key {name!r} is not an Ed25519 key")
        key = cls(name, raw[1:])
        if key.key_id != hex_id:
            raise NoteError(f"verifier key {name!r}: key id {hex_id} does not match its key")
        return key


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """A signed note: the text, a blank line, and one Ed25519 signature line."""
    _check_text(text)
    raw = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(text.encode())
    blob = base64.b64encode(key_hash(name, raw) + signature).decode()
    return f"{text}\n{EM_DASH} {name} {blob}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("note text must not hold control characters")


def open_note(note: str, keys: Iterable[PublicKey]) -> tuple[str, PublicKey]:
    """The text of a signed note and the known key whose signature on it verifies.

    Raises NoteError naming what is wrong: malformed, signed by no known key, or a bad signature.
    """
    text, sep, signatures = note.rpartition("\n\n")
    if not sep:
        raise NoteError("malformed note: no blank line before the signatures")
    text += "\n"
    _check_text(text)
    known = {(k.name, bytes.fromhex(k.key_id)): k for k in keys}
    unknown: list[str] = []
    for line in signatures.splitlines():
        prefix = f"{EM_DASH} "
        if not line.startswith(prefix):
            raise NoteError(f"malformed signature line {line!r}")
        name, _, blob = line[len(prefix) :].rpartition(" ")
        try:
            decoded = base64.b64decode(blob, validate=True)
        except binascii.Error:
            raise NoteError(f"signature of {name!r} is not base64") from None
        if len(decoded) < 5:
            raise NoteError(f"signature of {name!r} is too short")
        key = known.get((name, decoded[:4]))
        if key is None:
            unknown.append(f"{name}+{decoded[:4].hex()}")
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(decoded[4:], text.encode())
        except InvalidSignature:
            raise NoteError(
                f"signature by key {key.name}+{key.key_id} does not verify: the note was altered "
                "or the signature forged"
            ) from None
        return text, key
    raise NoteError(f"signed by no known key (signatures from {', '.join(unknown) or 'nobody'})")


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """A C2SP tlog-checkpoint body; Kaohe adds one extension line with the chain head."""

    origin: str
    size: int
    root: bytes
    last_position: int
    chain_head: bytes

    def text(self) -> str:
        """The note text that is signed."""
        root = base64.b64encode(self.root).decode()
        head = base64.b64encode(self.chain_head).decode()
        return f"{self.origin}\n{self.size}\n{root}\nkaohe-chain {self.last_position} {head}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint body; NoteError names the malformed line."""
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("malformed checkpoint: needs origin, size and root lines")
        origin, size, root = lines[0], lines[1], lines[2]
        if not origin:
            raise NoteError("malformed checkpoint: empty origin line")
        if not size.isdigit() or (size != "0" and size.startswith("0")):
            raise NoteError(f"malformed checkpoint: tree size {size!r} is not a decimal number")
        try:
            root_bytes = base64.b64decode(root, validate=True)
        except binascii.Error:
            raise NoteError("malformed checkpoint: root hash is not base64") from None
        if len(root_bytes) != 32:
            raise NoteError("malformed checkpoint: root hash is not 32 bytes")
        last_position, head = 0, CHAIN_GENESIS
        for line in lines[3:-1]:
            parts = line.split(" ")
            if parts[0] == "kaohe-chain" and len(parts) == 3 and parts[1].isdigit():
                last_position = int(parts[1])
                try:
                    head = base64.b64decode(parts[2], validate=True)
                except binascii.Error:
                    raise NoteError("malformed checkpoint: chain head is not base64") from None
        return cls(origin, int(size), root_bytes, last_position, head)


def open_checkpoint(note: str, keys: Iterable[PublicKey]) -> tuple[Checkpoint, PublicKey]:
    """Verify a signed checkpoint and read it."""
    text, key = open_note(note, keys)
    return Checkpoint.parse(text), key


# --- The bundle -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Verdict:
    """What the verifier found about one part of a bundle."""

    subject: str
    problems: list[str] = dataclasses.field(default_factory=list)
    facts: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems


class _Bundle:
    """Reads the files of a bundle from a folder or a zip archive."""

    def __init__(self, path: Path) -> None:
        self._zip: zipfile.ZipFile | None = None
        self._dir = path
        if path.is_file():
            self._zip = zipfile.ZipFile(path)

    def read(self, name: str) -> bytes:
        if self._zip is not None:
            return self._zip.read(name)
        return (self._dir / name).read_bytes()

    def names(self) -> list[str]:
        if self._zip is not None:
            return [n for n in self._zip.namelist() if not n.endswith("/")]
        return sorted(str(p.relative_to(self._dir)) for p in self._dir.rglob("*") if p.is_file())


def _unhex(value: Any, what: str) -> bytes:
    try:
        raw = bytes.fromhex(str(value))
    except ValueError:
        raise NoteError(f"{what} is not hex") from None
    if len(raw) != 32:
        raise NoteError(f"{what} is not 32 bytes")
    return raw


def verify_bundle(path: Path, trusted: Sequence[PublicKey] | None = None) -> list[Verdict]:
    """Check a bundle: manifest hashes, keys, checkpoint signatures and consistency, each event's
    chain link and its inclusion in its service's signed checkpoint. One verdict per part.

    With `trusted` keys (pinned by the auditor, e.g. from GET /audit/keys), only they verify
    signatures; without, the bundle's own keys.json does, which proves less: a forger who
    rewrote the bundle could have replaced the keys too.
    """
    bundle = _Bundle(path)
    manifest_verdict = Verdict("manifest")
    try:
        manifest = json.loads(bundle.read("manifest.json"))
    except (KeyError, FileNotFoundError, json.JSONDecodeError) as exc:
        manifest_verdict.problems.append(f"manifest.json unreadable: {exc}")
        return [manifest_verdict]
    if manifest.get("format") != BUNDLE_FORMAT:
        manifest_verdict.problems.append(f"unknown bundle format {manifest.get('format')!r}")
    listed: dict[str, str] = manifest.get("files", {})
    for name, digest in sorted(listed.items()):
        if name.startswith("/") or ".." in Path(name).parts:
            manifest_verdict.problems.append(f"{name}: a path outside the bundle")
            continue
        try:
            actual = hashlib.sha256(bundle.read(name)).hexdigest()
        except (KeyError, FileNotFoundError):
            manifest_verdict.problems.append(f"{name}: listed in the manifest but missing")
            continue
        if actual != digest:
            manifest_verdict.problems.append(f"{name}: sha256 differs from the manifest")
    for name in bundle.names():
        if name != "manifest.json" and name not in listed:
            manifest_verdict.problems.append(f"{name}: present but not in the manifest")
    manifest_verdict.facts.append(f"{len(listed)} files")
    verdicts = [manifest_verdict]

    keys_verdict = Verdict("keys")
    keys: list[PublicKey] = []
    try:
        for entry in json.loads(bundle.read("keys.json"))["keys"]:
            key = PublicKey.from_verifier_key(entry["verifier_key"])
            if key.key_id != entry.get("key_id"):
                keys_verdict.problems.append(f"key {entry.get('key_id')}: id does not match")
            keys.append(key)
    except (KeyError, FileNotFoundError, json.JSONDecodeError, NoteError) as exc:
        keys_verdict.problems.append(f"keys.json unreadable: {exc}")
    if trusted is not None:
        pinned = {k.key_id for k in trusted}
        foreign = [k.key_id for k in keys if k.key_id not in pinned]
        keys_verdict.facts.append(f"{len(trusted)} pinned keys")
        if foreign:
            keys_verdict.facts.append(f"not pinned, so not used: {', '.join(foreign)}")
        keys = list(trusted)
    else:
        keys_verdict.facts.append(
            f"{len(keys)} public keys from the bundle itself (pin them with --keys)"
        )
    verdicts.append(keys_verdict)

    try:
        checkpoints = json.loads(bundle.read("checkpoints.json"))["services"]
        lines = bundle.read("events.jsonl").decode().splitlines()
    except (KeyError, FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        verdicts.append(Verdict("bundle", [f"checkpoints.json or events.jsonl unreadable: {exc}"]))
        return verdicts
    events: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, line in enumerate(lines, start=1):
        try:
            event = json.loads(line)
            events.setdefault(str(event["service"]), []).append((number, event))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            verdicts.append(Verdict("events.jsonl", [f"line {number} unreadable: {exc}"]))
    declared = manifest.get("event_counts", {})
    for service in sorted(set(checkpoints) | set(events) | set(declared)):
        verdicts.append(
            _verify_service(
                service,
                checkpoints.get(service, {}),
                events.get(service, []),
                declared.get(service),
                keys,
            )
        )
    return verdicts


def _verify_service(
    service: str,
    anchored: dict[str, Any],
    events: list[tuple[int, dict[str, Any]]],
    declared: int | None,
    keys: list[PublicKey],
) -> Verdict:
    verdict = Verdict(service)
    if declared is not None and declared != len(events):
        verdict.problems.append(
            f"the manifest declares {declared} events, events.jsonl holds {len(events)}"
        )
    signed: list[Checkpoint] = []
    for entry in anchored.get("checkpoints", []):
        try:
            checkpoint, _ = open_checkpoint(entry["note"], keys)
        except (NoteError, KeyError, TypeError) as exc:
            verdict.problems.append(f"checkpoint {entry.get('size', '?')}: {exc}")
            continue
        if checkpoint.origin != anchored.get("origin") or not checkpoint.origin.endswith(
            f"/{service}"
        ):
            verdict.problems.append(
                f"checkpoint {checkpoint.size}: origin {checkpoint.origin!r} is not the "
                f"{service} log's"
            )
            continue
        signed.append(checkpoint)
    if not signed:
        if events or anchored.get("checkpoints"):
            verdict.problems.append("no checkpoint signed by a published key")
        return verdict
    anchor = max(signed, key=lambda c: c.size)
    verdict.facts.append(f"anchor: checkpoint {anchor.size}, {len(signed)} signed checkpoints")
    proofs = anchored.get("consistency", {})
    for checkpoint in signed:
        if checkpoint is anchor:
            continue
        try:
            path = [_unhex(h, "consistency hash") for h in proofs.get(str(checkpoint.size), [])]
        except NoteError as exc:
            verdict.problems.append(f"checkpoint {checkpoint.size}: {exc}")
            continue
        if not verify_consistency(checkpoint.size, anchor.size, checkpoint.root, anchor.root, path):
            verdict.problems.append(
                f"checkpoint {checkpoint.size} is not consistent with checkpoint {anchor.size}: "
                "the log was rewritten between them"
            )
    previous_position, proven = 0, 0
    for number, event in events:
        where = f"events.jsonl line {number} (position {event.get('position', '?')})"
        try:
            problem = _verify_event(event, anchor)
        except (KeyError, TypeError, ValueError) as exc:
            problem = f"malformed: {exc}"
        if problem is None and int(event["position"]) <= previous_position:
            problem = "out of order"
        if problem is not None:
            verdict.problems.append(f"{where}: {problem}")
            continue
        previous_position = int(event["position"])
        proven += 1
    verdict.facts.append(f"{proven} of {len(events)} events proven")
    return verdict


def _verify_event(event: dict[str, Any], anchor: Checkpoint) -> str | None:
    state = base64.b64decode(str(event["state"]), validate=True)
    canonical = canonical_bytes(
        int(event["position"]),
        str(event["originator_id"]),
        int(event["originator_version"]),
        str(event["topic"]),
        state,
    )
    link = chain_link(_unhex(event["previous_chain_hash"], "previous chain hash"), canonical)
    if link != _unhex(event["chain_hash"], "chain hash"):
        return "chain hash does not match the event's bytes"
    proof = event["inclusion"]
    if int(proof["tree_size"]) != anchor.size:
        return f"inclusion proof is against size {proof['tree_size']}, not the anchor {anchor.size}"
    path = [_unhex(h, "proof hash") for h in proof["path"]]
    if not verify_inclusion(
        leaf_hash(canonical), int(event["leaf_index"]), anchor.size, path, anchor.root
    ):
        return "inclusion proof fails: the event is not in the signed log as exported"
    return None


def _pinned_keys(path: Path) -> list[PublicKey]:
    """Keys from a `GET /audit/keys` answer (or a bundle's keys.json) the auditor trusts."""
    return [
        PublicKey.from_verifier_key(k["verifier_key"]) for k in json.loads(path.read_text())["keys"]
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """`python verify_bundle.py BUNDLE [--keys KEYS.json]`: print a verdict per part; exit 1 on
    any failure, 2 on bad usage.
    """
    parser = argparse.ArgumentParser(
        prog="verify_bundle.py", description="Check a Kaohe audit bundle offline."
    )
    parser.add_argument("bundle", type=Path, help="the bundle folder or .zip")
    parser.add_argument(
        "--keys",
        type=Path,
        help="trusted checkpoint keys: the JSON of GET /audit/keys, saved by the auditor",
    )
    args = parser.parse_args(argv)
    try:
        trusted = _pinned_keys(args.keys) if args.keys else None
    except (OSError, KeyError, TypeError, json.JSONDecodeError, NoteError) as exc:
        sys.stderr.write(f"--keys {args.keys}: {exc}\n")
        return 2
    out = io.StringIO()
    verdicts = verify_bundle(args.bundle, trusted)
    for verdict in verdicts:
        status = "OK" if verdict.ok else "FAILED"
        facts = "; ".join(verdict.facts)
        out.write(f"{verdict.subject}: {status}{f' ({facts})' if facts else ''}\n")
        for problem in verdict.problems:
            out.write(f"  - {problem}\n")
    failed = not all(v.ok for v in verdicts)
    out.write("VERDICT: FAILED\n" if failed else "VERDICT: the bundle verifies\n")
    sys.stdout.write(out.getvalue())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
