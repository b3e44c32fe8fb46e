"""Poison events, without a database: which failures the event is to blame for, what of an event
is recorded however broken it is, how a trail shows bytes that do not decode, and which service
each query field reads.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.audit.trail import UNKNOWN_INSTANT, trail_event
from gateway.graphql.quarantine import service_of_module
from gateway.projections.quarantine import is_the_events_fault, printable, quarantined


def postgres_error(kind: type[asyncpg.PostgresError]) -> asyncpg.PostgresError:
    return kind.new({"C": kind.sqlstate, "M": "refused"})


@pytest.mark.parametrize(
    "kind",
    [
        asyncpg.CharacterNotInRepertoireError,
        asyncpg.UntranslatableCharacterError,
        asyncpg.NumericValueOutOfRangeError,
        asyncpg.DatetimeFieldOverflowError,
        asyncpg.NotNullViolationError,
        asyncpg.UniqueViolationError,
        asyncpg.ProgramLimitExceededError,
    ],
)
def test_a_data_error_of_postgresql_is_the_events_fault(kind: type[asyncpg.PostgresError]) -> None:
    assert is_the_events_fault(postgres_error(kind))


@pytest.mark.parametrize(
    "kind",
    [
        asyncpg.QueryCanceledError,
        asyncpg.DeadlockDetectedError,
        asyncpg.SerializationError,
        asyncpg.UndefinedTableError,
        asyncpg.AdminShutdownError,
        asyncpg.InvalidCachedStatementError,
    ],
)
def test_a_failure_of_the_database_is_not_the_events_fault(
    kind: type[asyncpg.PostgresError],
) -> None:
    assert not is_the_events_fault(postgres_error(kind))


@pytest.mark.parametrize(
    "exc",
    [KeyError("text"), ValueError("badly formed hexadecimal UUID string"), TypeError("None")],
)
def test_the_projections_own_errors_on_a_payload_are_the_events_fault(exc: Exception) -> None:
    assert is_the_events_fault(exc)


@pytest.mark.parametrize(
    "exc",
    [OSError("reset"), TimeoutError(), asyncpg.ConnectionDoesNotExistError("closed")],
)
def test_a_lost_connection_is_not_the_events_fault(exc: Exception) -> None:
    assert not is_the_events_fault(exc)


@settings(max_examples=50)
@given(st.text())
def test_a_message_is_always_text_postgresql_can_hold(text: str) -> None:
    shown = printable(text)

    assert "\x00" not in shown
    shown.encode("utf-8")  # no lone surrogate
    assert len(shown) <= 300


def row(state: bytes, **more: Any) -> dict[str, Any]:
    return {
        "notification_id": 7,
        "originator_id": uuid4(),
        "originator_version": 1,
        "topic": "services.feedback.domain:Praise.PraiseRecorded",
        "state": state,
        "hash": b"\x01" * 32,
        **more,
    }


def test_an_event_that_does_not_decode_is_recorded_with_what_can_be_read() -> None:
    q = quarantined("feedback", row(b"\xff{not json"), ValueError("bad\x00 input"))

    assert (q.service, q.position, q.event_name) == ("feedback", 7, "PraiseRecorded")
    assert q.unit_id is None
    assert q.error_message == "bad\\x00 input"
    assert q.state_sha256 == hashlib.sha256(b"\xff{not json").hexdigest()


def test_a_directory_event_names_the_records_it_concerns() -> None:
    unit, person, department = uuid4(), uuid4(), uuid4()
    state = json.dumps(
        {
            "meta": {"tenant_id": str(unit)},
            "person_id": person.hex,
            "department_id": "x",
            "department_ids": [str(department), 3],
        }
    ).encode()
    q = quarantined("directory", row(state, originator_id=unit), KeyError("name"))

    assert q.unit_id == unit
    assert q.record_ids == (unit, person, department)


def test_a_trail_shows_bytes_that_do_not_decode_as_such() -> None:
    event = trail_event("feedback", row(b"\xff{not json"))

    shown = event.payload["undecodable"]
    assert base64.b64decode(shown["base64"]) == b"\xff{not json"
    assert shown["sha256"] == hashlib.sha256(b"\xff{not json").hexdigest()
    assert event.occurred_at == UNKNOWN_INSTANT
    assert event.meta == {}


def test_a_trail_shows_metadata_that_does_not_read_in_the_payload() -> None:
    at = datetime(2026, 2, 1, tzinfo=UTC)
    state = json.dumps(
        {"meta": {"actor_id": "nobody", "occurred_at": at.isoformat()}, "text": "x\x00"}
    ).encode()
    event = trail_event("goals", row(state))

    assert event.meta == {}
    assert event.payload == {
        "text": "x\x00",
        "_meta_": {"actor_id": "nobody", "occurred_at": at.isoformat()},
    }
    assert event.occurred_at == at
    assert event.actor_id is None


@pytest.mark.parametrize(
    ("module", "service"),
    [
        ("gateway.directory.queries", "directory"),
        ("gateway.goals.queries", "goals"),
        ("gateway.feedback.queries", "feedback"),
        ("gateway.reviews.year", "reviews"),
        ("gateway.reviews.time_travel", None),
        ("gateway.audit.queries", None),
    ],
)
def test_each_query_module_reads_one_service(module: str, service: str | None) -> None:
    assert service_of_module(module) == service


def test_uuid_ids_in_record_ids_are_uuids() -> None:
    q = quarantined("goals", row(b"{}"), KeyError("text"))
    assert all(isinstance(r, UUID) for r in q.record_ids)
