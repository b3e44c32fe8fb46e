"""Anonymous complaints without I/O: the filer is sealed for the disclosure authority, and every
read channel shows the pseudonym in place of a filer an old log names (issue 13, finding 4).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from gateway.audit.trail import trail_event
from gateway.integrations.envelope import to_json
from gateway.integrations.scopes import FULL
from kernel.context import CommandContext, acting
from kernel.errors import RuleViolatedError
from kernel.roles import Role
from services.feedback.anonymity import (
    ANONYMOUS_FILER,
    DisclosureKeyError,
    anonymised_meta,
    filing_correlation,
    load_or_create_disclosure_key,
    open_seal,
    seal,
)
from services.feedback.domain import Complaint
from services.feedback.vocabulary import FiledBy, TargetKind
from tests.unit.test_integrations_envelope import recorded

FILER = uuid4()


def old_filing(anonymous: bool = True) -> dict[str, Any]:
    """A filing as logs before sealing recorded it: the filer in the clear."""
    return {
        "meta": {
            "actor_id": str(FILER),
            "actor_role": "SERVED_CADRE",
            "occurred_at": "2026-11-02T09:00:00+00:00",
            "tenant_id": str(uuid4()),
            "correlation_id": str(uuid4()),
            "causation_id": str(uuid4()),
            "reason": None,
            "schema_version": 1,
        },
        "anonymous": anonymous,
        "complainant": None,
        "content": "午餐菜品偏咸",
    }


def test_every_channel_shows_an_old_anonymous_filing_under_the_pseudonym() -> None:
    complaint = uuid4()
    state = old_filing()
    meta = anonymised_meta("feedback", "ComplaintFiled", complaint, state)
    assert meta["actor_id"] == str(ANONYMOUS_FILER)
    assert meta["actor_role"] == "SERVED_CADRE"
    assert meta["correlation_id"] == str(filing_correlation(complaint))
    assert meta["causation_id"] is None
    assert state["meta"]["actor_id"] == str(FILER), "the stored state is never changed"

    named = old_filing(anonymous=False)
    assert anonymised_meta("feedback", "ComplaintFiled", complaint, named) == named["meta"]
    assert anonymised_meta("goals", "ComplaintFiled", complaint, state) == state["meta"]


def test_the_feed_and_the_audit_trail_never_show_an_anonymous_filer_whatever_the_scope() -> None:
    state = old_filing()
    event = recorded("feedback", 9, name="ComplaintFiled", **state)
    event = type(event)(**{**event.__dict__, "state": {**event.state, "meta": state["meta"]}})
    body = to_json(event, scope=FULL)
    assert body["actor"] == str(ANONYMOUS_FILER)
    assert str(FILER) not in json.dumps(body)

    row = {
        "notification_id": 9,
        "originator_id": uuid4(),
        "originator_version": 1,
        "topic": "services.feedback.domain:Complaint.ComplaintFiled",
        "state": json.dumps({**state, "timestamp": "2026-11-02T09:00:00+00:00"}).encode(),
        "hash": bytes(32),
    }
    trail = trail_event("feedback", row)
    assert trail.actor_id == ANONYMOUS_FILER
    assert str(FILER) not in json.dumps(trail.meta) + json.dumps(trail.payload)


def test_a_seal_opens_only_with_the_authoritys_key_and_for_its_own_complaint(
    tmp_path: Path,
) -> None:
    key = load_or_create_disclosure_key(tmp_path / "disclosure.pem")
    assert load_or_create_disclosure_key(tmp_path / "disclosure.pem").private_bytes_raw() == (
        key.private_bytes_raw()
    )
    complaint = uuid4()
    sealed = seal(key.public_key(), complaint, {"actor_id": str(FILER)})
    assert str(FILER) not in sealed
    assert open_seal(key, complaint, sealed) == {"actor_id": str(FILER)}
    with pytest.raises(DisclosureKeyError):
        open_seal(X25519PrivateKey.generate(), complaint, sealed)
    with pytest.raises(DisclosureKeyError):
        open_seal(key, uuid4(), sealed)


def filed(anonymous: bool) -> Complaint:
    ctx = CommandContext(
        actor_id=uuid4(), actor_role=Role.SERVED_CADRE, now=datetime.now(UTC), tenant_id=uuid4()
    )
    with acting(ctx):
        return Complaint.file(
            uuid4(),
            TargetKind.DEPARTMENT,
            uuid4(),
            None,
            FiledBy.SERVED_CADRE,
            None if anonymous else {"name": "陈晨", "agency": "市统计局"},
            "午餐菜品偏咸",
            date(2026, 11, 2),
            date(2026, 11, 9),
            False,
            date(2026, 11, 2),
        )


def test_only_an_anonymous_complaint_is_sealed_once_and_only_a_sealed_one_is_disclosed() -> None:
    ctx = CommandContext(
        actor_id=uuid4(), actor_role=Role.AUDITOR, now=datetime.now(UTC), tenant_id=None
    )
    named = filed(anonymous=False)
    anonymous = filed(anonymous=True)
    with acting(ctx):
        with pytest.raises(RuleViolatedError) as refused:
            named.seal_filer("x", "k")
        assert refused.value.rule == "feedback.seal_once_if_anonymous"
        with pytest.raises(RuleViolatedError) as refused:
            anonymous.disclose_filer()
        assert refused.value.rule == "feedback.filer_sealed"
        anonymous.seal_filer("sealed", "k")
        with pytest.raises(RuleViolatedError):
            anonymous.seal_filer("again", "k")
        assert anonymous.disclose_filer() == "sealed"
        assert anonymous.disclose_filer() == "sealed"
    assert anonymous.disclosures == 2
    assert isinstance(anonymous.id, UUID)
