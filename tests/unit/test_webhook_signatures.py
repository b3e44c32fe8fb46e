"""Webhook signatures and retry delays, without I/O: what a receiver and an operator rely on."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from gateway.integrations.outbound import check_url
from gateway.integrations.subscriptions import (
    check_types,
    new_secret,
    new_signing_key,
    public_key,
)
from gateway.integrations.webhooks import WebhookSettings, signed_request
from kernel.errors import RuleViolatedError
from tests.unit.test_integrations_envelope import recorded


def test_a_delivery_verifies_with_the_standardwebhooks_library() -> None:
    secret = new_secret()
    body, headers = signed_request(
        secret, recorded(relation="DIRECT_MANAGER"), "k1.e30", datetime.now(UTC)
    )
    payload = Webhook(secret).verify(body, headers)
    assert payload["data"] == {"relation": "DIRECT_MANAGER"}
    assert headers["webhook-id"] == payload["id"]


@pytest.mark.parametrize("tamper", ["body", "id", "timestamp", "secret"])
def test_a_tampered_delivery_is_rejected_by_the_verifier(tamper: str) -> None:
    secret = new_secret()
    body, headers = signed_request(
        secret, recorded(relation="DIRECT_MANAGER"), None, datetime.now(UTC)
    )
    if tamper == "body":
        body = body.replace(b'"relation": "', b'"relation": "not ')
        assert b"not " in body
    elif tamper == "id":
        headers["webhook-id"] = "00000000-0000-0000-0000-000000000000"
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)
    else:
        secret = new_secret()
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_every_secret_is_new_and_in_the_standard_format() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(s.startswith("whsec_") for s in secrets)


@given(st.integers(0, 20), st.one_of(st.none(), st.floats(0, 10_000)))
def test_a_retry_waits_its_scheduled_time_within_the_jitter_and_honours_retry_after(
    failures: int, retry_after: float | None
) -> None:
    settings = WebhookSettings()
    base = settings.schedule[min(failures, len(settings.schedule) - 1)]
    delay = settings.delay(failures, retry_after)
    assert delay >= (retry_after or 0)
    assert delay >= base * 0.8 - 1e-9
    assert delay <= max(base * 1.2, retry_after or 0) + 1e-9


@pytest.mark.parametrize("url", ["ftp://example.org/x", "/relative", "http://", "nonsense"])
def test_a_webhook_url_must_be_absolute_http(url: str) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        check_url(url)
    assert refused.value.field == "url"


def test_types_are_event_types_or_prefixes() -> None:
    assert check_types(["kaohe.goals.*", "kaohe.goals.Approved.v1"]) == [
        "kaohe.goals.*",
        "kaohe.goals.Approved.v1",
    ]
    with pytest.raises(RuleViolatedError) as refused:
        check_types(["goals.Approved"])
    assert refused.value.field == "types"


def v1a_verifies(public: str, body: bytes, headers: dict[str, str]) -> bool:
    """What a receiver holding only the public key does (Standard Webhooks v1a)."""
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public.removeprefix("whpk_")))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    for candidate in headers["webhook-signature"].split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1a":
            try:
                key.verify(base64.b64decode(signature), signed)
            except InvalidSignature:
                return False
            return True
    return False


def test_a_delivery_also_carries_an_ed25519_signature_the_public_key_verifies() -> None:
    secret, signing_key = new_secret(), new_signing_key()
    body, headers = signed_request(secret, recorded(), None, datetime.now(UTC), signing_key)
    assert v1a_verifies(public_key(signing_key), body, headers)
    # The library still verifies the v1 signature beside it.
    assert Webhook(secret).verify(body, headers)["type"] == "kaohe.goals.Approved.v1"
    tampered = body.replace(b'"subject": "', b'"subject": "x')
    assert not v1a_verifies(public_key(signing_key), tampered, headers)
    assert not v1a_verifies(public_key(new_signing_key()), body, headers)
