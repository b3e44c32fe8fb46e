"""The envelope and the cursor, without I/O: what a consumer can rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.integrations.cursor import Cursor
from gateway.integrations.envelope import RecordedEvent, from_json_bytes, sequence, to_json_bytes
from gateway.integrations.feed import EventFilter, merge_page
from gateway.integrations.scopes import FULL
from kernel.errors import RuleViolatedError

UNIT = UUID("11111111-1111-1111-1111-111111111111")
OTHER_UNIT = UUID("22222222-2222-2222-2222-222222222222")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def recorded(
    service: str = "goals",
    position: int = 1,
    *,
    unit: UUID | None = UNIT,
    minutes: int = 0,
    name: str = "Approved",
    **payload: Any,
) -> RecordedEvent:
    meta = {
        "actor_id": str(uuid4()),
        "actor_role": "DEPARTMENT_HEAD",
        "occurred_at": (T0 + timedelta(minutes=minutes)).isoformat(),
        "tenant_id": str(unit) if unit else None,
        "correlation_id": str(uuid4()),
        "causation_id": None,
        "reason": "按期审核",
        "schema_version": 1,
    }
    return RecordedEvent(
        service=service,
        position=position,
        originator_id=UUID(int=position),
        originator_version=position,
        name=name,
        state={
            "meta": meta,
            "timestamp": (T0 + timedelta(minutes=minutes)).isoformat(),
            "originator_id": str(UUID(int=position)),
            "originator_version": position,
            **payload,
        },
        chain_hash=bytes(range(32)),
    )


def test_an_event_leaves_as_a_cloudevent_with_its_metadata_in_extensions() -> None:
    event = recorded(comment="同意")
    parsed = from_json_bytes(to_json_bytes(event, "k1.abc", FULL))
    assert parsed.get_specversion() == "1.0"
    assert parsed.get_type() == "kaohe.goals.Approved.v1"
    assert parsed.get_source() == f"/kaohe/units/{UNIT}/goals"
    assert parsed.get_subject() == str(UUID(int=1))
    assert parsed.get_data() == {"comment": "同意"}
    assert parsed.get_extension("unit") == str(UNIT)
    assert parsed.get_extension("actorrole") == "DEPARTMENT_HEAD"
    assert parsed.get_extension("reason") == "按期审核"
    assert parsed.get_extension("eventhash") == bytes(range(32)).hex()
    assert parsed.get_extension("sequence") == "00000000000000000001"
    assert parsed.get_extension("cursor") == "k1.abc"


def test_an_event_keeps_its_id_wherever_and_whenever_it_is_sent() -> None:
    assert recorded(position=7).event_id == recorded(position=7).event_id
    assert recorded(position=7).event_id != recorded(position=8).event_id
    assert recorded("goals", 7).event_id != recorded("feedback", 7).event_id


def test_a_directory_event_an_administrator_decided_belongs_to_the_unit_it_created() -> None:
    event = recorded("directory", 3, unit=None, name="Registered")
    assert event.unit_id == event.originator_id


@given(st.integers(min_value=0, max_value=10**18), st.integers(min_value=0, max_value=10**18))
def test_sequences_compare_as_text_as_their_positions_compare_as_numbers(a: int, b: int) -> None:
    assert (sequence(a) < sequence(b)) == (a < b)


@given(
    st.dictionaries(
        st.sampled_from(["directory", "goals", "feedback", "reviews"]), st.integers(0, 2**53)
    )
)
def test_a_cursor_reads_back_as_the_positions_it_was_made_from(positions: dict[str, int]) -> None:
    cursor = Cursor(positions)
    again = Cursor.decode(cursor.encode())
    assert again == cursor
    assert all(again.position(s) == p for s, p in positions.items())


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "k1.!!!",
        "k1.eyJhIjoiYiJ9",
        "k1.WzFd",
        # {"directory": 99999999999999999999999}: beyond a log position's bigint.
        "k1.eyJkaXJlY3RvcnkiOjk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5fQ",
    ],
)
def test_a_cursor_kaohe_did_not_issue_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        Cursor.decode(text)
    assert refused.value.field == "after"
    assert refused.value.rule == "integrations.cursor_valid"


def logs_strategy() -> st.SearchStrategy[dict[str, list[RecordedEvent]]]:
    def log(service: str, n: int, units: list[bool], minutes: list[int]) -> list[RecordedEvent]:
        return [
            recorded(service, i + 1, unit=UNIT if units[i] else OTHER_UNIT, minutes=minutes[i])
            for i in range(n)
        ]

    def build(draw: st.DrawFn) -> dict[str, list[RecordedEvent]]:
        logs = {}
        for service in ("directory", "goals", "feedback"):
            n = draw(st.integers(0, 12))
            units = draw(st.lists(st.booleans(), min_size=n, max_size=n))
            minutes = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
            logs[service] = log(service, n, units, minutes)
        return logs

    return st.composite(build)()


@given(logs_strategy(), st.integers(1, 5))
def test_paging_with_a_filter_yields_every_accepted_event_once_in_log_order(
    logs: dict[str, list[RecordedEvent]], limit: int
) -> None:
    accepted = EventFilter(unit_id=UNIT)
    cursor = Cursor()
    seen: list[RecordedEvent] = []
    for _ in range(100):
        scanned = {
            s: (
                [e for e in events if e.position > cursor.position(s) and accepted.accepts(e)],
                max([e.position for e in events if e.position > cursor.position(s)], default=0),
            )
            for s, events in logs.items()
        }
        page = merge_page(scanned, cursor, limit)
        assert page.cursor.covers(cursor)
        seen.extend(e for e, _ in page.events)
        cursor = page.cursor
        if not page.events:
            break
    expected = {(e.service, e.position) for es in logs.values() for e in es if e.unit_id == UNIT}
    assert len(seen) == len(expected)
    assert {(e.service, e.position) for e in seen} == expected
    for service in logs:
        positions = [e.position for e in seen if e.service == service]
        assert positions == sorted(positions)
