"""Tokens: their lifetime is capped, they carry their scope, and one rule says who reads across
units (a unit's auditor never does; the administrator and platform auditors do)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import jwt
import pytest

from kernel.auth import (
    AuthenticationError,
    TokenLifetimeError,
    TokenVerifier,
    load_or_create_signing_key,
    mint_token,
)
from kernel.context import Actor, Scope
from kernel.roles import Role
from kernel.settings import Settings

UNIT = UUID("00000000-0000-4000-8000-00000000a001")
OTHER = UUID("00000000-0000-4000-8000-00000000a002")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(kaohe_data_dir=tmp_path)


def signed(settings: Settings, **claims: object) -> str:
    """A token signed with the right key, with exactly these claims (besides iss and aud)."""
    key = load_or_create_signing_key(settings.key_dir)
    body: dict[str, object] = {
        "iss": settings.kaohe_token_issuer,
        "aud": settings.kaohe_token_audience,
    }
    body.update({"sub": str(uuid4()), "tenant": str(UNIT), "roles": ["APPRAISEE"], **claims})
    return jwt.encode(body, key.private, algorithm="EdDSA", headers={"kid": key.kid})


def refusal(settings: Settings, token: str) -> AuthenticationError:
    with pytest.raises(AuthenticationError) as refused:
        TokenVerifier(settings).verify(token)
    return refused.value


def test_a_ten_year_token_signed_with_the_right_key_is_refused(settings: Settings) -> None:
    now = int(datetime.now(UTC).timestamp())
    refused = refusal(settings, signed(settings, iat=now, exp=now + 10 * 365 * 86400))
    assert refused.rule == "kernel.token_lifetime"
    assert "KAOHE_TOKEN_MAX_LIFETIME" in refused.reason


def test_a_token_without_issued_at_is_refused(settings: Settings) -> None:
    now = int(datetime.now(UTC).timestamp())
    refused = refusal(settings, signed(settings, exp=now + 3600))
    assert refused.rule == "kernel.token_lifetime"
    assert "iat" in refused.reason


def test_a_token_issued_in_the_future_is_refused_beyond_a_small_leeway(
    settings: Settings,
) -> None:
    now = int(datetime.now(UTC).timestamp())
    refused = refusal(settings, signed(settings, iat=now + 600, exp=now + 3600))
    assert refused.rule == "kernel.token_lifetime"
    skewed = signed(settings, iat=now + 20, exp=now + 3600)
    assert TokenVerifier(settings).verify(skewed).tenant_id == UNIT


def test_the_lifetime_is_a_setting(tmp_path: Path) -> None:
    short = Settings(kaohe_data_dir=tmp_path, kaohe_token_max_lifetime=600)
    now = int(datetime.now(UTC).timestamp())
    assert refusal(short, signed(short, iat=now, exp=now + 3600)).rule == "kernel.token_lifetime"
    assert TokenVerifier(short).verify(signed(short, iat=now, exp=now + 600)).tenant_id == UNIT


def test_minting_refuses_a_lifetime_beyond_the_cap(settings: Settings) -> None:
    with pytest.raises(TokenLifetimeError):
        mint_token(
            settings,
            person_id=uuid4(),
            tenant_id=UNIT,
            login="x",
            name="x",
            roles=[Role.APPRAISEE],
            ttl=timedelta(hours=9),
        )


def test_tokens_carry_their_scope(settings: Settings) -> None:
    def minted(roles: list[Role], scope: Scope | None = None) -> Actor:
        token = mint_token(
            settings,
            person_id=uuid4(),
            tenant_id=None if Role.ADMIN in roles or scope else UNIT,
            login="x",
            name="x",
            roles=roles,
            scope=scope,
        )
        return TokenVerifier(settings).verify(token)

    assert minted([Role.AUDITOR]).scope is Scope.UNIT
    assert minted([Role.ADMIN]).scope is Scope.PLATFORM
    assert minted([Role.AUDITOR], Scope.PLATFORM).scope is Scope.PLATFORM


def test_only_administrators_and_auditors_may_hold_a_platform_scope(settings: Settings) -> None:
    now = int(datetime.now(UTC).timestamp())
    token = signed(settings, iat=now, exp=now + 600, roles=["APPRAISAL_OFFICE"], scope="platform")
    assert "scope" in refusal(settings, token).reason


def actor(*roles: Role, scope: Scope = Scope.UNIT, tenant: UUID | None = UNIT) -> Actor:
    return Actor(
        person_id=uuid4(),
        tenant_id=tenant,
        login="x",
        name="x",
        roles=frozenset(roles),
        scope=scope,
    )


def test_a_units_auditor_reads_its_own_unit_only() -> None:
    auditor = actor(Role.APPRAISEE, Role.AUDITOR)
    assert not auditor.reads_every_unit()
    assert auditor.reads_unit(UNIT)
    assert not auditor.reads_unit(OTHER)


def test_platform_auditors_and_the_administrator_read_every_unit() -> None:
    for reader in (
        actor(Role.AUDITOR, scope=Scope.PLATFORM, tenant=None),
        actor(Role.ADMIN, scope=Scope.PLATFORM, tenant=None),
    ):
        assert reader.reads_every_unit()
        assert reader.reads_unit(OTHER)
        assert reader.reads_unit(None)


def test_a_unit_scope_never_reads_another_unit_whatever_the_roles() -> None:
    for role in Role:
        assert not actor(role).reads_unit(OTHER)


@pytest.mark.parametrize(
    ("claims", "named"),
    [
        ({"exp": 1e308}, "iat, exp"),
        ({"sub": "xx"}, "UUIDs"),
        ({"tenant": "not-a-unit"}, "UUIDs"),
        ({"roles": "APPRAISAL_OFFICE"}, "list of role codes"),
    ],
)
def test_a_signed_token_with_a_malformed_claim_is_refused_in_plain_words(
    settings: Settings, claims: dict[str, object], named: str
) -> None:
    # Found attacking the merged system: exp 1e308 answered 500, a bad sub quoted Python's
    # 'badly formed hexadecimal UUID string', a roles string was read letter by letter.
    now = int(datetime.now(UTC).timestamp())
    refused = refusal(settings, signed(settings, **{"iat": now, "exp": now + 60, **claims}))
    assert named in refused.reason
    assert "hexadecimal" not in refused.reason


@pytest.mark.parametrize("token", ["\ud800", "Bearer \udfff", "\x00"])
def test_text_that_is_no_token_is_refused_as_such(settings: Settings, token: str) -> None:
    # A lone surrogate in a websocket's connection_init dropped the connection with no reason.
    assert (
        "not a signed JWT" in refusal(settings, token).reason
        or "invalid token" in refusal(settings, token).reason
    )
