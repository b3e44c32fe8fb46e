"""Bearer tokens: signed with a local Ed25519 key for development, verified against an OIDC
issuer's JWKS in production (KAOHE_OIDC_ISSUER and KAOHE_OIDC_JWKS_URL).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from kernel.context import Actor
from kernel.roles import Role
from kernel.settings import Settings

KEY_FILE = "dev-signing-key.pem"


class AuthenticationError(Exception):
    """The request carries no valid token; `reason` says what is wrong with it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class SigningKey:
    """The development key pair and its key id."""

    private: Ed25519PrivateKey
    kid: str

    @property
    def public(self) -> Ed25519PublicKey:
        """The public half, which verifiers hold."""
        return self.private.public_key()


def load_or_create_signing_key(key_dir: Path) -> SigningKey:
    """The development signing key under `key_dir`, created (once, atomically) if missing."""
    path = key_dir / KEY_FILE
    if not path.exists():
        key_dir.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        tmp = key_dir / f".{KEY_FILE}.{os.getpid()}"
        tmp.write_bytes(pem)
        tmp.chmod(0o600)
        try:
            # link() fails if another process created the key first: theirs wins.
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        msg = f"{path} is not an Ed25519 private key"
        raise TypeError(msg)
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return SigningKey(private=private, kid=hashlib.sha256(raw).hexdigest()[:16])


def mint_token(
    settings: Settings,
    *,
    person_id: UUID,
    tenant_id: UUID | None,
    login: str,
    name: str,
    roles: list[Role],
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
    scope: list[str] | None = None,
) -> str:
    """A development bearer token for a person, signed with the local key; `scope` (an
    integration's: which events and personal fields it reads) goes in the `scope` claim.
    """
    key = load_or_create_signing_key(settings.key_dir)
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": settings.kaohe_token_issuer,
        "aud": settings.kaohe_token_audience,
        "sub": str(person_id),
        "tenant": str(tenant_id) if tenant_id else None,
        "login": login,
        "name": name,
        "roles": [r.value for r in roles],
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
        "jti": str(uuid4()),
    }
    if scope:
        claims["scope"] = " ".join(scope)
    return jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})


class TokenVerifier:
    """Verifies bearer tokens and turns their claims into an `Actor`."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._jwks: jwt.PyJWKClient | None = None
        self._dev_key: Ed25519PublicKey | None = None
        if settings.kaohe_oidc_jwks_url:
            self._jwks = jwt.PyJWKClient(settings.kaohe_oidc_jwks_url, cache_keys=True)
        else:
            self._dev_key = load_or_create_signing_key(settings.key_dir).public

    @property
    def issuer(self) -> str:
        """The issuer tokens must name."""
        return self._settings.kaohe_oidc_issuer or self._settings.kaohe_token_issuer

    def verify(self, token: str) -> Actor:
        """The actor a valid token speaks for; AuthenticationError with the reason otherwise."""
        try:
            key: Any
            if self._jwks is not None:
                key = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["EdDSA", "RS256", "ES256"]
            else:
                key = self._dev_key
                algorithms = ["EdDSA"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._settings.kaohe_token_audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationError("token expired") from None
        except jwt.InvalidSignatureError:
            raise AuthenticationError("token signature does not verify") from None
        except jwt.PyJWKClientError as exc:
            raise AuthenticationError(f"no signing key for this token: {exc}") from None
        except jwt.InvalidTokenError as exc:
            raise AuthenticationError(f"invalid token: {exc}") from None
        return actor_from_claims(claims)


def actor_from_claims(claims: dict[str, Any]) -> Actor:
    """Read the actor out of verified claims; AuthenticationError names a malformed claim."""
    try:
        roles = frozenset(Role(r) for r in claims.get("roles", []))
        tenant = claims.get("tenant")
        return Actor(
            person_id=UUID(str(claims["sub"])),
            tenant_id=UUID(str(tenant)) if tenant else None,
            login=str(claims.get("login", "")),
            name=str(claims.get("name", "")),
            roles=roles,
            scope=scope_claim(claims),
        )
    except (ValueError, KeyError) as exc:
        raise AuthenticationError(f"malformed claim: {exc}") from None


def scope_claim(claims: dict[str, Any]) -> frozenset[str] | None:
    """The `scope` claim's tokens (RFC 9068: one space-separated string; a list is accepted too),
    or None when the token has none. What they grant is the gateway's business
    (`gateway.integrations.scopes`).
    """
    value = claims.get("scope")
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    raise ValueError(f"scope: {value!r} is neither a string nor a list")
