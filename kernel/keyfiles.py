"""Private key files made on first use (development keys: production provides its own files)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


def private_pem(key: PrivateKeyTypes) -> bytes:
    """`key` as the bytes of an unencrypted PKCS#8 PEM file, the form Kaohe keeps keys in."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_or_create_private_key(
    path: Path, generate: Callable[[], PrivateKeyTypes]
) -> PrivateKeyTypes:
    """The private key in the PEM file at `path`, made by `generate` if the file is missing:
    written with mode 0600 under a temporary name and linked into place, so that of processes
    starting together the first one's key wins and nobody reads a half-written file. The caller
    checks that the key is of the kind it expects.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.{os.getpid()}"
        tmp.write_bytes(private_pem(generate()))
        tmp.chmod(0o600)
        try:
            # link() fails if another process created the key first: theirs wins.
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return serialization.load_pem_private_key(path.read_bytes(), password=None)
