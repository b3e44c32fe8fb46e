"""The pure parts of the auditors' read side: trail cursors, the merge of service pages, the
quarter arithmetic and how events are attributed to a person's dossier.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.audit.dossier import Quarter, directory_reason, generic_names
from gateway.audit.trail import (
    TrailCursorError,
    TrailEvent,
    decode_trail_cursor,
    encode_trail_cursor,
    merge_pages,
    start_after,
)
from kernel.store import SERVICES

instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


@given(st.sampled_from(SERVICES), instants, st.integers(min_value=0, max_value=2**62))
def test_a_trail_cursor_decodes_to_the_key_it_was_made_from(
    service: str, at: datetime, position: int
) -> None:
    assert decode_trail_cursor(encode_trail_cursor(service, at, position)) == (
        service,
        at,
        position,
    )


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(json.dumps(["name", "id"]).encode()).decode(),
        base64.urlsafe_b64encode(
            json.dumps(["trail", "2026-01-01T00:00:00+00:00", "payroll", 3]).encode()
        ).decode(),
        base64.urlsafe_b64encode(
            json.dumps(["trail", "2026-01-01T00:00:00", "goals", 3]).encode()
        ).decode(),
        base64.urlsafe_b64encode(
            json.dumps(["trail", "2026-01-01T00:00:00+00:00", "goals", "3"]).encode()
        ).decode(),
    ],
)
def test_a_cursor_this_api_did_not_issue_is_refused_naming_the_argument(cursor: str) -> None:
    with pytest.raises(TrailCursorError, match=r"^after: "):
        decode_trail_cursor(cursor)


def event(service: str, at: datetime, position: int) -> TrailEvent:
    return TrailEvent(
        service=service,
        position=position,
        stream=uuid4(),
        version=1,
        topic="x:Y.Z",
        event_type="Z",
        occurred_at=at,
        recorded_at=at,
        meta={},
        payload={},
        chain_hash=None,
    )


def logs() -> st.SearchStrategy[dict[str, list[TrailEvent]]]:
    """Each service's log: positions increasing, instants not decreasing much (any order)."""

    def build(data: dict[str, list[int]]) -> dict[str, list[TrailEvent]]:
        base = datetime(2026, 1, 1, tzinfo=UTC)
        return {
            s: [event(s, base + timedelta(minutes=m), p + 1) for p, m in enumerate(minutes)]
            for s, minutes in data.items()
        }

    return st.dictionaries(st.sampled_from(SERVICES), st.lists(st.integers(0, 5), max_size=12)).map(
        build
    )


def page_of(log: list[TrailEvent], after: tuple[str, datetime, int] | None, n: int) -> list[Any]:
    """What the SQL of one service answers: its events after the start key, in trail order."""
    if not log:
        return []
    at, position = start_after(log[0].service, after)
    ordered = sorted(log, key=lambda e: (e.occurred_at, e.position))
    return [e for e in ordered if at is None or (e.occurred_at, e.position) > (at, position)][:n]


@given(logs(), st.integers(min_value=1, max_value=5))
def test_paging_a_merged_trail_yields_every_event_once_in_trail_order(
    logs: dict[str, list[TrailEvent]], size: int
) -> None:
    everything = sorted((e for log in logs.values() for e in log), key=lambda e: e.key)
    seen: list[TrailEvent] = []
    after = None
    while True:
        page = merge_pages([page_of(log, after, size + 1) for log in logs.values()], size + 1)
        seen.extend(page[:size])
        if len(page) <= size:
            break
        last = page[size - 1]
        after = decode_trail_cursor(last.cursor)
    assert [(e.service, e.position) for e in seen] == [(e.service, e.position) for e in everything]


def test_a_quarter_knows_its_days_and_months() -> None:
    q4 = Quarter.parse("2026-Q4")
    assert (q4.start, q4.end, q4.months) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        ["2026-10", "2026-11", "2026-12"],
    )
    assert Quarter.parse("2027-Q1").end == date(2027, 3, 31)
    with pytest.raises(ValueError, match="quarter"):
        Quarter.parse("2026-Q5")


PERSON, COLLEAGUE = UUID(int=1), UUID(int=2)
DEPARTMENT, OTHER = UUID(int=10), UUID(int=11)
Q3 = Quarter.parse("2026-Q3")


@pytest.mark.parametrize(
    ("event_type", "data", "why"),
    [
        (
            "PersonJoined",
            {"person_id": PERSON.hex, "department_id": DEPARTMENT.hex, "joined_on": "2025-01-01"},
            "org change naming the person",
        ),
        (
            "PersonMoved",
            {
                "person_id": COLLEAGUE.hex,
                "to_department_id": DEPARTMENT.hex,
                "from_department_id": OTHER.hex,
                "effective_on": "2026-08-01",
            },
            "org change of the person's department",
        ),
        (
            "SupervisingLeaderAssigned",
            {
                "leader_id": COLLEAGUE.hex,
                "department_ids": [OTHER.hex, DEPARTMENT.hex],
                "effective_on": "2026-01-01",
            },
            "org change of the person's department",
        ),
        (
            "PrincipalLeaderAppointed",
            {"person_id": COLLEAGUE.hex, "effective_on": "2024-01-01"},
            "principal leader (主要负责人), who approves the final grades",
        ),
        (
            "PersonJoined",
            {"person_id": COLLEAGUE.hex, "department_id": OTHER.hex, "joined_on": "2025-01-01"},
            None,
        ),
        (
            "PersonMoved",
            {"person_id": PERSON.hex, "to_department_id": OTHER.hex, "effective_on": "2026-10-01"},
            None,
        ),
        (
            "OfficeRoleGranted",
            {"person_id": COLLEAGUE.hex, "role": "APPRAISAL_OFFICE", "effective_on": "2026-01-01"},
            None,
        ),
    ],
)
def test_a_directory_event_is_in_a_dossier_when_it_names_the_person_or_their_department_in_time(
    event_type: str, data: dict[str, Any], why: str | None
) -> None:
    assert directory_reason(event_type, data, PERSON, {DEPARTMENT}, Q3) == why


def test_a_service_without_a_rule_attributes_events_naming_the_person_and_the_quarter() -> None:
    assert generic_names({"appraisee_id": PERSON.hex, "quarter": "2026-Q3"}, PERSON, Q3)
    assert generic_names({"person_id": str(PERSON), "period": "2026"}, PERSON, Q3)
    assert not generic_names({"person_id": PERSON.hex, "quarter": "2026-Q2"}, PERSON, Q3)
    assert not generic_names({"person_id": COLLEAGUE.hex, "quarter": "2026-Q3"}, PERSON, Q3)
    assert not generic_names({"person_id": PERSON.hex}, PERSON, Q3)
