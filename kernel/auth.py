"""Bearer tokens: signed with a local Ed25519 key for development, verified against an OIDC
issuer's JWKS in production (KAOHE_OIDC_ISSUER and KAOHE_OIDC_JWKS_URL).
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID, uuid4

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from kernel.context import PLATFORM_READERS, Actor, Scope
from kernel.keyfiles import load_or_create_private_key
from kernel.roles import Role
from kernel.settings import Settings

KEY_FILE = "dev-signing-key.pem"
# Clocks of the issuer and the verifier differ a little: a token issued "in the future" by less
# than this is accepted.
CLOCK_LEEWAY = timedelta(seconds=60)


class AuthenticationError(Exception):
    """The request carries no valid token; `reason` says what is wrong with it, `rule` which
    rule refused it (the bearer token itself, its lifetime, a grant no longer in force)."""

    def __init__(self, reason: str, rule: str = "kernel.bearer_token") -> None:
        super().__init__(reason)
        self.reason = reason
        self.rule = rule


class TokenLifetimeError(ValueError):
    """A token was asked to live longer than KAOHE_TOKEN_MAX_LIFETIME allows."""


class GrantCheck(Protocol):
    """Whether what a verified token claims is still granted now (the org chart as it is
    today, the platform's recorded appointments). Set by each process's composition root as
    `app.state.grants`; the kernel knows no service, so it only calls it.
    """

    def __call__(self, actor: Actor) -> None:
        """Return if every role `actor` claims is in force; else raise AuthenticationError
        naming the rule (`kernel.grant_in_force`) and the role no longer held."""


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
    private = load_or_create_private_key(path, Ed25519PrivateKey.generate)
    if not isinstance(private, Ed25519PrivateKey):
        msg = f"{path} is not an Ed25519 private key"
        raise TypeError(msg)
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return SigningKey(private=private, kid=hashlib.sha256(raw).hexdigest()[:16])


DEFAULT_TOKEN_TTL = timedelta(hours=8)


def mint_token(
    settings: Settings,
    *,
    person_id: UUID,
    tenant_id: UUID | None,
    login: str,
    name: str,
    roles: list[Role],
    ttl: timedelta = DEFAULT_TOKEN_TTL,
    now: datetime | None = None,
    scope: Scope | None = None,
    integration_scope: list[str] | None = None,
) -> str:
    """A development bearer token for a person, signed with the local key.

    `scope` defaults to the platform for the administrator and to the unit for everyone else;
    a platform-scope auditor's token is for a recorded platform auditor only (the CLI checks).
    `integration_scope` (an integration's: which events and personal fields it reads) joins it
    in the one `scope` claim (RFC 9068: space-separated). Refuses (TokenLifetimeError) a `ttl`
    beyond KAOHE_TOKEN_MAX_LIFETIME.
    """
    longest = max_lifetime(settings)
    if ttl > longest:
        msg = f"a token lives at most {longest} (KAOHE_TOKEN_MAX_LIFETIME), not {ttl}"
        raise TokenLifetimeError(msg)
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
        "scope": " ".join(
            [(scope or (Scope.PLATFORM if Role.ADMIN in roles else Scope.UNIT)).value]
            + (integration_scope or [])
        ),
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
        "jti": str(uuid4()),
    }
    return jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})


def max_lifetime(settings: Settings) -> timedelta:
    """The longest a token may live (`exp - iat`): KAOHE_TOKEN_MAX_LIFETIME."""
    return timedelta(seconds=settings.kaohe_token_max_lifetime)


def check_lifetime(claims: dict[str, Any], longest: timedelta, now: datetime) -> None:
    """Refuse a token without `iat`, issued in the future, or living longer than `longest`
    (rule `kernel.token_lifetime`): a signed 10-year token is as good as a stolen key.
    """
    rule = "kernel.token_lifetime"
    issued, expires = claims.get("iat"), claims.get("exp")
    if not isinstance(issued, int | float) or isinstance(issued, bool):
        raise AuthenticationError("the token has no issued-at time (iat): it is refused", rule)
    assert isinstance(expires, int | float)  # required and checked by the JWT library
    if datetime.fromtimestamp(issued, UTC) > now + CLOCK_LEEWAY:
        raise AuthenticationError("the token is issued in the future (iat): it is refused", rule)
    lives = timedelta(seconds=expires - issued)
    if lives > longest:
        raise AuthenticationError(
            f"the token lives {lives}, longer than the {longest} a token may live "
            "(KAOHE_TOKEN_MAX_LIFETIME)",
            rule,
        )


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
                # iat is checked below, with a leeway and a rule of its own.
                options={"require": ["exp", "sub", "iss", "aud"], "verify_iat": False},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationError("token expired") from None
        except jwt.InvalidSignatureError:
            raise AuthenticationError("token signature does not verify") from None
        except jwt.PyJWKClientError as exc:
            raise AuthenticationError(f"no signing key for this token: {exc}") from None
        except jwt.InvalidTokenError as exc:
            raise AuthenticationError(f"invalid token: {exc}") from None
        except (UnicodeError, ValueError, TypeError, OverflowError):
            # Text that is no JWT at all (a lone surrogate in a websocket's init payload...).
            raise AuthenticationError("invalid token: it is not a signed JWT") from None
        try:
            check_lifetime(claims, max_lifetime(self._settings), datetime.now(UTC))
        except (OverflowError, ValueError, OSError):
            # A signed exp or iat no clock can hold (1e308).
            raise AuthenticationError(
                "the token's times (iat, exp) are not instants", "kernel.token_lifetime"
            ) from None
        return actor_from_claims(claims)


def actor_from_claims(claims: dict[str, Any]) -> Actor:
    """Read the actor out of verified claims; AuthenticationError names a malformed claim.

    The one place claims become an actor. `scope` is `platform` when absent from an ADMIN
    token, else `unit`; a `platform` scope is only for the administrator and auditors (whether
    that auditor is a recorded platform auditor is the grant check's question, asked on every
    request).
    """
    try:
        listed = claims.get("roles", [])
        if not isinstance(listed, list):
            msg = "roles: a list of role codes is expected"
            raise ValueError(msg)
        roles = frozenset(Role(r) for r in listed)
        tenant = claims.get("tenant")
        # Absent: the administrator's token is the platform's, anyone else's its unit's.
        default = Scope.PLATFORM if Role.ADMIN in roles else Scope.UNIT
        tokens = scope_claim(claims) or frozenset()
        reaches = {s for s in Scope if s.value in tokens}
        if len(reaches) > 1:
            msg = "scope: a token is either unit or platform, not both"
            raise ValueError(msg)
        scope = reaches.pop() if reaches else default
        if scope is Scope.PLATFORM and roles.isdisjoint(PLATFORM_READERS):
            msg = "scope: only ADMIN and AUDITOR tokens may be platform-wide"
            raise ValueError(msg)
        try:
            person_id = UUID(str(claims["sub"]))
            unit_id = UUID(str(tenant)) if tenant else None
        except ValueError:
            msg = "sub and tenant: UUIDs are expected"
            raise ValueError(msg) from None
        return Actor(
            person_id=person_id,
            tenant_id=unit_id,
            login=str(claims.get("login", "")),
            name=str(claims.get("name", "")),
            roles=roles,
            scope=scope,
            integration_scope=(
                None if "scope" not in claims else tokens - {s.value for s in Scope}
            ),
        )
    except (ValueError, KeyError) as exc:
        raise AuthenticationError(f"malformed claim: {exc}") from None


def scope_claim(claims: dict[str, Any]) -> frozenset[str] | None:
    """The `scope` claim's tokens (RFC 9068: one space-separated string; a list is accepted too),
    or None when the token has none. `unit` or `platform` is the token's reach; what the others
    grant an integration is the gateway's business (`gateway.integrations.scopes`).
    """
    value = claims.get("scope")
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    raise ValueError(f"scope: {value!r} is neither a string nor a list")
