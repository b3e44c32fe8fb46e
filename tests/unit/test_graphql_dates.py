"""A query's DateTime arguments are bounded like every command's dates
(`kernel.date_plausible`): an instant near year 1 or 9999 overflowed when moved to China time
and answered INTERNAL instead of naming the argument.
"""

from __future__ import annotations

import pytest

from gateway.graphql.schema import build_schema

SCHEMA = build_schema(10)
PERSON = "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    "instant", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+08:00", "1999-12-31T12:00:00Z"]
)
async def test_an_implausible_instant_is_refused_before_any_resolver_runs(instant: str) -> None:
    answer = await SCHEMA.execute(
        "query($at: DateTime!) { managersAsOf(personId: $p, asOf: {instant: $at}) "
        "{ __typename } }".replace("$p", f'"{PERSON}"'),
        variable_values={"at": instant},
    )

    assert answer.errors is not None
    [error] = answer.errors
    assert error.extensions is not None
    assert error.extensions["code"] == "INVALID_INPUT"
    assert "kernel.date_plausible" in error.message


async def test_an_implausible_instant_literal_is_refused_too() -> None:
    answer = await SCHEMA.execute(
        f'{{ managersAsOf(personId: "{PERSON}", asOf: {{position: 1}}, '
        'at: "9999-12-31T23:59:59+14:00") { __typename } }'
    )

    assert answer.errors is not None
    assert "kernel.date_plausible" in answer.errors[0].message
