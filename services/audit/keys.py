"""The checkpoint signing keys: Ed25519, separate from the token key, kept in the data dir under
`keys/checkpoint/`, one PEM and one JSON description per key. One key is active; rotation retires
it (its description gains `retired`) and creates the next. Retired public keys stay published, so
old checkpoints keep verifying.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kernel.keyfiles import private_pem
from services.audit.tlog import PublicKey, verifier_key

CHECKPOINT_KEY_DIR = "checkpoint"


@dataclasses.dataclass(frozen=True)
class CheckpointKey:
    """A checkpoint key as published: name, key id, public key, when created and retired."""

    name: str
    public_key: bytes
    created: datetime
    retired: datetime | None

    @property
    def key_id(self) -> str:
        """The signed-note key id (8 hex digits) that each signature line carries."""
        return self.public.key_id

    @property
    def public(self) -> PublicKey:
        """The key as the verifier holds it."""
        return PublicKey(self.name, self.public_key)

    def as_json(self) -> dict[str, object]:
        """The published description (GET /audit/keys, the bundle's keys.json)."""
        return {
            "key_id": self.key_id,
            "name": self.name,
            "algorithm": "Ed25519",
            "public_key": self.public_key.hex(),
            "verifier_key": verifier_key(self.name, self.public_key),
            "created": self.created.isoformat(),
            "retired": self.retired.isoformat() if self.retired else None,
        }


def _folder(key_dir: Path) -> Path:
    return key_dir / CHECKPOINT_KEY_DIR


@contextlib.contextmanager
def _locked(key_dir: Path) -> Iterator[Path]:
    # The gateway's checkpointer and a `kaohe audit` command may both want the first key.
    folder = _folder(key_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    tmp.chmod(mode)
    tmp.replace(path)


def _read(folder: Path) -> list[CheckpointKey]:
    keys = []
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text())
        keys.append(
            CheckpointKey(
                name=data["name"],
                public_key=bytes.fromhex(data["public_key"]),
                created=datetime.fromisoformat(data["created"]),
                retired=datetime.fromisoformat(data["retired"]) if data["retired"] else None,
            )
        )
    return sorted(keys, key=lambda k: k.created)


def _create(folder: Path, name: str, now: datetime) -> CheckpointKey:
    private = Ed25519PrivateKey.generate()
    key = CheckpointKey(name, private.public_key().public_bytes_raw(), now, None)
    _write_atomically(folder / f"{key.key_id}.pem", private_pem(private), 0o600)
    _write_atomically(folder / f"{key.key_id}.json", json.dumps(key.as_json(), indent=2).encode())
    return key


def published_keys(key_dir: Path) -> list[CheckpointKey]:
    """Every checkpoint key ever used, oldest first, the retired ones included."""
    folder = _folder(key_dir)
    return _read(folder) if folder.exists() else []


def active_key(key_dir: Path, name: str) -> tuple[CheckpointKey, Ed25519PrivateKey]:
    """The key that signs new checkpoints, created on first use."""
    with _locked(key_dir) as folder:
        current = [k for k in _read(folder) if k.retired is None]
        key = current[-1] if current else _create(folder, name, datetime.now(UTC))
        private = serialization.load_pem_private_key(
            (folder / f"{key.key_id}.pem").read_bytes(), password=None
        )
    if not isinstance(private, Ed25519PrivateKey):
        msg = f"checkpoint key {key.key_id} is not an Ed25519 private key"
        raise TypeError(msg)
    return key, private


def rotate_key(key_dir: Path, name: str) -> tuple[CheckpointKey, list[CheckpointKey]]:
    """Retire the active key (if any) and create the next one; returns the new key and the
    retired ones. The retired keys' private halves stay on disk, unused: deleting them is the
    operator's decision, and keeping them changes nothing an auditor relies on.
    """
    now = datetime.now(UTC)
    with _locked(key_dir) as folder:
        retired = []
        for key in _read(folder):
            if key.retired is None:
                done = dataclasses.replace(key, retired=now)
                _write_atomically(
                    folder / f"{key.key_id}.json", json.dumps(done.as_json(), indent=2).encode()
                )
                retired.append(done)
        return _create(folder, name, now), retired
