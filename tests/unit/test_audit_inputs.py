"""Pure parts of time travel and the access log: the asOf argument's rule, and the access log's
canonical bytes, which must change with every recorded field so the chain catches any edit.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from graphql import GraphQLError
from hypothesis import given
from hypothesis import strategies as st

from gateway.audit.access import AccessedRecord, AccessRead, canonical_read, chain_hash
from gateway.audit.as_of import AsOfInput, point_of
from kernel.calendar import CHINA
from kernel.chain import GENESIS


def test_as_of_takes_exactly_one_of_position_and_instant() -> None:
    assert point_of(AsOfInput(position=7)).position == 7
    for wrong in (AsOfInput(), AsOfInput(position=1, instant=datetime.now(UTC))):
        with pytest.raises(GraphQLError) as refused:
            point_of(wrong)
        assert refused.value.extensions is not None
        assert refused.value.extensions["field"] == "asOf"
    with pytest.raises(GraphQLError, match=r"asOf\.position"):
        point_of(AsOfInput(position=-1))


def test_an_instant_without_an_offset_is_china_time() -> None:
    point = point_of(AsOfInput(instant=datetime(2026, 10, 1, 9, 0)))
    assert point.instant == datetime(2026, 10, 1, 9, 0, tzinfo=CHINA)


READ = AccessRead(
    read_at=datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=UTC),
    viewer_id=UUID(int=1),
    viewer_unit=UUID(int=2),
    viewer_roles=("APPRAISEE", "DEPARTMENT_HEAD"),
    subject_id=UUID(int=3),
    subject_unit=UUID(int=2),
    record=AccessedRecord.GOAL_SET,
    query="goalSets",
    correlation_id="req-1",
)
EDITS: dict[str, Any] = {
    "read_at": READ.read_at + timedelta(microseconds=1),
    "viewer_id": UUID(int=9),
    "viewer_unit": None,
    "viewer_roles": ("APPRAISEE",),
    "subject_id": UUID(int=9),
    "subject_unit": None,
    "record": AccessedRecord.DOSSIER,
    "query": "goalSet",
    "correlation_id": None,
}


@given(st.sampled_from(sorted(EDITS)))
def test_editing_any_field_of_an_access_log_row_changes_its_chain_hash(field: str) -> None:
    edited = dataclasses.replace(READ, **{field: EDITS[field]})
    assert chain_hash(GENESIS, canonical_read(5, edited)) != chain_hash(
        GENESIS, canonical_read(5, READ)
    )


def test_the_canonical_bytes_do_not_depend_on_the_time_zone_an_instant_is_read_in() -> None:
    in_china = dataclasses.replace(READ, read_at=READ.read_at.astimezone(CHINA))
    assert canonical_read(5, in_china) == canonical_read(5, READ)
    assert canonical_read(6, READ) != canonical_read(5, READ)
