"""The pure parts of replay: which tables differ, what a rebuild is named, what it compares."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.audit.replay import (
    TableComparison,
    TableDigest,
    differing,
    fresh_schema_name,
    table_names,
)
from gateway.projections.catalogue import projections


def test_a_table_differs_when_its_row_count_or_its_digest_differs() -> None:
    same = TableComparison("people", TableDigest(3, "aa"), TableDigest(3, "aa"))
    fewer = TableComparison("units", TableDigest(3, "aa"), TableDigest(2, "aa"))
    altered = TableComparison(
        "goal_sets", TableDigest(3, "aa"), TableDigest(3, "bb"), ("(x)",), ("(y)",)
    )
    assert same.same
    assert differing([same, fewer, altered]) == [fewer, altered]


def test_a_rebuild_gets_a_fresh_schema_named_for_its_instant() -> None:
    at = datetime(2026, 11, 24, 18, 30, 5, tzinfo=UTC)
    assert fresh_schema_name(at) == "replay_20261124t183005"


def test_replay_compares_every_projected_table_the_positions_and_the_quarantine() -> None:
    names = table_names(projections("x"))
    assert names[-2:] == ["tracking", "quarantine"]
    assert {"people", "goal_sets", "complaints", "memberships"} <= set(names)
    assert len(names) == len(set(names))
