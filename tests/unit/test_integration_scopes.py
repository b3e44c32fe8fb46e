"""Integration scopes without I/O: every event type's personal fields are classified in one table,
and no channel shows a field of a class outside the consumer's scope (issue 13, finding 8).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deploy.event_catalogue import catalogue
from gateway.integrations.api import feed_scope
from gateway.integrations.envelope import from_json_bytes, to_json, to_json_bytes
from gateway.integrations.scopes import (
    CLASSIFICATION,
    FULL,
    NO_PERSONAL_FIELDS,
    UNCLASSIFIED,
    FieldClass,
    Scope,
    classes_of,
    parse_scope,
)
from gateway.integrations.subscriptions import check_scope, subscription_scope
from kernel.auth import TokenVerifier, mint_token
from kernel.errors import RuleViolatedError
from kernel.roles import Role
from kernel.settings import Settings
from tests.unit.test_integrations_envelope import recorded


def test_every_event_type_and_every_payload_field_of_the_catalogue_is_classified() -> None:
    # A new event type or field fails here until someone says whose data it is.
    missing = [
        f"{t.type}.{field}"
        for t in catalogue()
        for field in t.schema.get("properties", {})
        if classes_of(t.type, field) == UNCLASSIFIED
    ]
    assert missing == [], "classify these in gateway/integrations/scopes.py CLASSIFICATION"


def test_the_classification_names_no_type_or_field_the_catalogue_does_not_have() -> None:
    known = {t.type: set(t.schema.get("properties", {})) for t in catalogue()}
    stale = [
        f"{kind}.{field}"
        for kind, fields in CLASSIFICATION.items()
        for field in fields
        if field not in known.get(kind, set())
    ]
    assert stale == []


def test_the_personal_fields_the_issue_names_are_classified_as_such() -> None:
    def of(kind: str, field: str) -> set[str]:
        return set(classes_of(f"kaohe.{kind}.v1", field))

    assert of("feedback.ComplaintFiled", "complainant") == {"contact"}
    assert "scores" in of("reviews.Rated", "scores")
    assert "opinions" in of("reviews.Rated", "opinion")
    assert of("reviews.SanctionRecorded", "kind") == {"sanctions"}
    assert of("reviews.SanctionRecorded", "person_id") == {"sanctions"}


classified = st.sampled_from(sorted(CLASSIFICATION))
scopes = st.builds(
    Scope,
    classes=st.frozensets(st.sampled_from(list(FieldClass))),
)
values = st.one_of(st.none(), st.text(max_size=8), st.integers(), st.lists(st.text(max_size=3)))


@settings(max_examples=50, deadline=None)
@given(classified, scopes, st.data())
def test_no_field_of_a_class_outside_the_scope_survives_in_any_event(
    kind: str, scope: Scope, data: st.DataObject
) -> None:
    fields = [*sorted(CLASSIFICATION[kind]), "not_classified_yet"]
    payload = {f: data.draw(values, label=f) for f in fields}
    shown, redacted = scope.redact(kind, payload)
    assert set(shown) == set(payload), "a withheld field is null, never dropped"
    for field, value in payload.items():
        classes = classes_of(kind, field)
        allowed = not isinstance(classes, str) and classes <= scope.classes
        if value is None or allowed:
            assert shown[field] == value
            assert field not in redacted
        else:
            assert shown[field] is None
            assert field in redacted


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=12).filter(lambda s: s.isidentifier()), st.text(min_size=1))
def test_an_unknown_event_type_shows_no_field_but_to_a_full_scope(field: str, value: str) -> None:
    every_class = Scope(classes=frozenset(FieldClass))
    shown, redacted = every_class.redact("kaohe.newservice.Unheard.v1", {field: value})
    assert shown == {field: None}
    assert redacted == [field]
    assert FULL.redact("kaohe.newservice.Unheard.v1", {field: value}) == ({field: value}, [])


def test_the_envelope_nulls_and_names_what_the_scope_withholds_and_keeps_the_hash() -> None:
    event = recorded(
        "feedback",
        4,
        name="ComplaintFiled",
        complainant={"name": "陈晨", "agency": "市统计局", "contact": "13900002222"},
        content="接站时未提前联系",
        anonymous=False,
    )
    parsed = from_json_bytes(to_json_bytes(event))
    data: Any = parsed.get_data()
    assert data["complainant"] is None
    assert data["content"] is None
    assert data["anonymous"] is False
    assert parsed.get_extension("redacted") == "complainant,content,reason"
    assert parsed.get_extension("reason") is None
    assert parsed.get_extension("eventhash") == bytes(range(32)).hex()

    contact = to_json(event, scope=parse_scope(["fields:contact"]))
    assert contact["data"]["complainant"]["contact"] == "13900002222"
    assert contact["data"]["content"] is None
    assert contact["redacted"] == "content,reason"
    assert "redacted" not in to_json(event, scope=FULL)


def test_a_scope_is_parsed_from_tokens_and_an_unknown_token_is_refused_naming_the_field() -> None:
    scope = parse_scope(["fields:contact events:kaohe.feedback.*", "fields:scores"])
    assert scope.classes == {FieldClass.CONTACT, FieldClass.SCORES}
    assert scope.allows_type("kaohe.feedback.ComplaintFiled.v1")
    assert not scope.allows_type("kaohe.reviews.Rated.v1")
    assert parse_scope(scope.tokens()) == scope
    assert parse_scope(["fields:*"]).classes == set(FieldClass)
    with pytest.raises(RuleViolatedError) as refused:
        parse_scope(["fields:everything"], field="scope")
    assert (refused.value.rule, refused.value.field) == ("integrations.scope", "scope")
    assert parse_scope(["fields:everything"], strict=False) == NO_PERSONAL_FIELDS


def test_a_webhook_subscription_receives_no_personal_field_unless_its_scope_says() -> None:
    assert check_scope(None) == []
    assert check_scope(["contact", "fields:opinions"]) == ["fields:contact", "fields:opinions"]
    assert subscription_scope("STANDARD", None) == NO_PERSONAL_FIELDS
    assert subscription_scope("STANDARD", ["fields:contact"]).classes == {FieldClass.CONTACT}
    # A DingTalk robot posts weekly reports: who, and their work.
    dingtalk = subscription_scope("DINGTALK", None)
    assert dingtalk.classes == {FieldClass.IDENTITY, FieldClass.WORK}
    with pytest.raises(RuleViolatedError) as refused:
        check_scope(["phone"])
    assert refused.value.field == "scope"


def test_an_integration_token_carries_its_scope_as_a_claim(tmp_path: Path) -> None:
    settings = Settings(kaohe_data_dir=tmp_path)
    unit = uuid4()

    def actor_of(scope: list[str] | None) -> Any:
        token = mint_token(
            settings,
            person_id=uuid4(),
            tenant_id=unit,
            login="integration",
            name="集成系统",
            roles=[Role.INTEGRATION],
            integration_scope=scope,
        )
        return TokenVerifier(settings).verify(token)

    scoped = actor_of(["fields:contact", "events:kaohe.feedback.*"])
    assert feed_scope(scoped) == parse_scope(["fields:contact", "events:kaohe.feedback.*"])
    assert feed_scope(actor_of(None)) == NO_PERSONAL_FIELDS
    auditor = TokenVerifier(settings).verify(
        mint_token(
            settings,
            person_id=uuid4(),
            tenant_id=None,
            login="a",
            name="审计",
            roles=[Role.AUDITOR],
            ttl=timedelta(minutes=5),
            now=datetime.now(UTC),
        )
    )
    assert feed_scope(auditor) == FULL


def test_a_cycles_configuration_naming_its_participants_is_identity() -> None:
    # Found attacking the merged system: an integration with no scope read every participant's
    # name in CycleOpened's config.
    data = {"config": {"participants": [{"name": "徐芳"}]}, "quarter": "2026-Q1"}
    shown, redacted = NO_PERSONAL_FIELDS.redact("kaohe.reviews.CycleOpened.v1", data)
    assert shown["config"] is None
    assert redacted == ["config"]
    assert parse_scope(["fields:identity"]).redact("kaohe.reviews.CycleOpened.v1", data)[1] == []
