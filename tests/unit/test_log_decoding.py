"""Reading a log's stored state, and what the projection writer accepts to hold back (no I/O)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.log import decode_state
from gateway.projections.writer import _table_of_insert, _table_of_update, _values_span


def _reference(d: dict[str, Any]) -> Any:
    # What the transcoder's wrapper means: json's own object_hook, applied bottom-up.
    if len(d) == 2 and "_type_" in d and "_data_" in d:
        return d["_data_"]
    return d


scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=8)
keys = st.sampled_from(["_type_", "_data_", "a", "b", "名称"]) | st.text(max_size=4)


def _wrapped(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(lambda t, d: {"_type_": t, "_data_": d}, st.text(max_size=6), children)


values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(keys, children, max_size=4)
        | _wrapped(children)
    ),
    max_leaves=25,
)


@given(tree=st.dictionaries(keys, values, max_size=6) | _wrapped(st.dictionaries(keys, values)))
def test_decoding_unwraps_every_wrapper_as_the_transcoders_object_hook_does(tree: Any) -> None:
    stored = json.dumps(tree, ensure_ascii=False).encode()
    assert decode_state(stored) == json.loads(stored, object_hook=_reference)


def test_what_the_fast_parser_refuses_is_still_read() -> None:
    assert decode_state(b'{"big": 123456789012345678901234567890, "x": NaN}')["big"] == (
        123456789012345678901234567890
    )


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO s.t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = EXCLUDED.a",
        "INSERT INTO s.t (a) SELECT a FROM s.u",
        "INSERT INTO s.t (a) VALUES ($1) RETURNING a",
        "UPDATE s.t SET a = 1",
    ],
)
def test_only_plain_inserts_can_be_held_back(sql: str) -> None:
    with pytest.raises(ValueError, match="INSERT"):
        _table_of_insert(sql)


def test_the_table_of_a_held_back_statement() -> None:
    assert _table_of_insert(
        "INSERT INTO r.people (id) VALUES ($1) ON CONFLICT (id) DO NOTHING"
    ) == ("r.people")
    assert _table_of_insert("INSERT INTO r.people(id) VALUES ($1)") == "r.people"
    assert _table_of_update("UPDATE r.units SET version = $2 WHERE id = $1") == "r.units"
    with pytest.raises(ValueError, match="UPDATE"):
        _table_of_update("DELETE FROM r.units")


def test_the_values_list_is_found_past_parentheses_and_quotes() -> None:
    sql = "INSERT INTO t (a, b) VALUES ($1, coalesce($2, ')')) ON CONFLICT (a) DO NOTHING"
    start, end = _values_span(sql) or (0, 0)
    assert sql[start:end] == "VALUES ($1, coalesce($2, ')'))"
    assert _values_span("INSERT INTO t DEFAULT VALUES") is None
