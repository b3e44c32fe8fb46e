"""Anonymous complaints (匿名投诉): the filer is recorded, sealed, and shown to nobody.

An anonymous complaint's filing events carry, as their actor, one fixed pseudonym
(`ANONYMOUS_FILER`) and a correlation id of their own, never the filer's. Who filed it is sealed
in a `ComplaintFilerSealed` event of the complaint: the filer's id, role, login and name
encrypted with HPKE (RFC 9180: X25519, HKDF-SHA256, AES-256-GCM, from `cryptography`) to the
disclosure authority's public key, bound to the complaint's id. Only whoever holds the
authority's private key can open it, and the feedback service opens it only for an auditor
(审计/纪检) giving a reason, recording the opening as a `ComplaintFilerDisclosed` event first.

Logs written before this carry the filer in the clear; the record is never edited (the chain
hashes the stored bytes), so every read channel passes an event's metadata through
`anonymised_meta`, which puts the pseudonym in place of the filer there too.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from kernel.keyfiles import load_or_create_private_key
from services.feedback.domain import NAMESPACE

# Fixed forever: what every anonymous filing shows as its actor.
ANONYMOUS_FILER = uuid5(NAMESPACE, "anonymous-filer")
# The events of an anonymous complaint whose actor is its filer.
FILING_EVENTS = frozenset({"ComplaintFiled", "ComplaintFilerSealed"})
KEY_FILE = "filer-disclosure.pem"
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


class DisclosureKeyError(Exception):
    """The seal cannot be opened with the key this service holds."""


def filing_correlation(complaint_id: UUID) -> UUID:
    """The correlation id an old anonymous filing is shown with (its own, linking nothing)."""
    return uuid5(NAMESPACE, f"anonymous-filing/{complaint_id}")


def hides_filer(service: str, name: str, state: dict[str, Any]) -> bool:
    """Whether an event's actor is an anonymous complaint's filer (a filing of a complaint
    marked `anonymous`, or the seal, which only anonymous complaints have).
    """
    if service != "feedback" or name not in FILING_EVENTS:
        return False
    return name == "ComplaintFilerSealed" or bool(state.get("anonymous"))


def anonymised_meta(
    service: str, name: str, originator_id: UUID, state: dict[str, Any]
) -> dict[str, Any]:
    """An event's metadata as every read channel shows it: an anonymous complaint's filing
    with the pseudonym as its actor, its own correlation id and no causation; others as stored.
    """
    stored = state.get("meta")
    meta: dict[str, Any] = dict(stored) if isinstance(stored, dict) else {}
    if not hides_filer(service, name, state):
        return meta
    if meta.get("actor_id") == str(ANONYMOUS_FILER):
        return meta
    meta["actor_id"] = str(ANONYMOUS_FILER)
    meta["correlation_id"] = str(filing_correlation(originator_id))
    meta["causation_id"] = None
    return meta


def disclosure_key_path(key_dir: Path, configured: str = "") -> Path:
    """Where the disclosure authority's private key is: the setting, or the data dir's keys."""
    return Path(configured) if configured else key_dir / "disclosure" / KEY_FILE


def load_or_create_disclosure_key(path: Path) -> X25519PrivateKey:
    """The disclosure key at `path`, created (once, atomically) if missing: development only;
    in production the authority provides the file.
    """
    key = load_or_create_private_key(path, X25519PrivateKey.generate)
    if not isinstance(key, X25519PrivateKey):
        msg = f"{path} is not an X25519 private key"
        raise TypeError(msg)
    return key


def key_id(public: X25519PublicKey) -> str:
    """A short name of a disclosure key (the first 16 hex digits of its raw public key's hash)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _info(complaint_id: UUID) -> bytes:
    return f"kaohe complaint filer/{complaint_id}".encode()


def seal(public: X25519PublicKey, complaint_id: UUID, filer: dict[str, Any]) -> str:
    """The filer, encrypted to the authority's key and bound to the complaint (base64)."""
    plaintext = json.dumps(filer, ensure_ascii=False, sort_keys=True).encode()
    return base64.b64encode(_SUITE.encrypt(plaintext, public, info=_info(complaint_id))).decode()


def open_seal(private: X25519PrivateKey, complaint_id: UUID, sealed: str) -> dict[str, Any]:
    """The filer a seal holds; DisclosureKeyError if this key (or this complaint) is not its."""
    try:
        plaintext = _SUITE.decrypt(base64.b64decode(sealed), private, info=_info(complaint_id))
    except Exception:
        raise DisclosureKeyError("the seal does not open with this key") from None
    filer: dict[str, Any] = json.loads(plaintext)
    return filer
