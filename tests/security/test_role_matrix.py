"""Every role against every query and mutation of the schema, on its own unit and on another.

`EXPECTED` (expected_matrix.py) says what each answers: ALLOWED (it answered), EMPTY (nothing,
no error), `CODE:rule` (refused so), or REFUSED (any refusal, or nothing: used where a fix on
another branch decides the rule). An operation added to the schema without a row fails
`test_the_table_has_a_row_for_every_operation_and_role`; run the suite with
`KAOHE_MATRIX_WRITE=<file>` to have what every cell answers now written there, review it, and
copy the rows you agree with.

The caller of every role holds that role in its own unit's org chart (an ADMIN belongs to no
unit). Commands taking `expectedVersion` are sent with a version the record never had, so that a
command the caller may give is refused with CONFLICT after the unit boundary is checked and
before anything changes; the roles inside a unit for those commands are the e2e tests' part.
Answers are compared with the table in this order, one request per cell: commands that the
table says are ALLOWED do record (a goal set for a head, a praise...), which nothing later relies
on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from kernel.roles import Role
from tests.security.conftest import Secured
from tests.security.expected_matrix import EXPECTED, XFAIL
from tests.security.graphql_ops import operations
from tests.security.probe import probe

OPERATIONS = {op.id: op for op in operations()}
UNITS = ("own", "other")


def matches(expected: str, observed: str) -> bool:
    """Whether an observed answer is the one the table expects."""
    if "|" in expected:
        return any(matches(one, observed) for one in expected.split("|"))
    if expected == "REFUSED":
        return not observed.startswith(("ALLOWED", "HTTP"))
    return observed == expected


def test_the_table_has_a_row_for_every_operation_and_role() -> None:
    assert set(EXPECTED) == set(OPERATIONS), (
        f"operations without a row: {sorted(set(OPERATIONS) - set(EXPECTED))}; "
        f"rows without an operation: {sorted(set(EXPECTED) - set(OPERATIONS))}"
    )
    for op_id, row in EXPECTED.items():
        assert set(row) == set(Role), f"{op_id}: roles without a cell: {set(Role) - set(row)}"


def cells() -> list[Any]:
    found: list[Any] = []
    for op_id in OPERATIONS:
        for role in Role:
            for index, unit in enumerate(UNITS):
                cell = f"{op_id}-{role.value}-{unit}"
                marks = (
                    [pytest.mark.xfail(strict=True, reason=XFAIL[cell])] if cell in XFAIL else []
                )
                found.append(pytest.param(op_id, role, index, id=cell, marks=marks))
    return found


@pytest.mark.parametrize(("op_id", "role", "index"), cells())
def test_each_role_gets_what_the_table_says_on_its_own_unit_and_another(
    secured: Secured, op_id: str, role: Role, index: int
) -> None:
    op = OPERATIONS[op_id]
    target = (secured.own, secured.other)[index].records
    foreign = None if role is Role.ADMIN else secured.other.records
    observed = probe(secured.system, secured.own.tokens[role], op, target, foreign)
    expected = EXPECTED.get(op_id, {}).get(role, ("(no row)", "(no row)"))[index]
    assert matches(expected, observed), f"{op_id} as {role.value} on the {UNITS[index]} unit"


def test_write_the_observed_matrix(secured: Secured) -> None:
    """Not a check: with KAOHE_MATRIX_WRITE set, writes what every cell answers now, as rows."""
    target = os.environ.get("KAOHE_MATRIX_WRITE")
    if not target:
        pytest.skip("KAOHE_MATRIX_WRITE is not set")
    lines = []
    for op_id, op in OPERATIONS.items():
        lines.append(f'    "{op_id}": {{')
        for role in Role:
            token = secured.own.tokens[role]
            foreign = None if role is Role.ADMIN else secured.other.records
            own = probe(secured.system, token, op, secured.own.records, foreign)
            other = probe(secured.system, token, op, secured.other.records, foreign)
            lines.append(f'        Role.{role.name}: ("{own}", "{other}"),')
        lines.append("    },")
    Path(target).write_text("\n".join(lines) + "\n")
