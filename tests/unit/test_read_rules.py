"""The read rules of gateway/graphql/access.py as plain functions of the caller."""

from __future__ import annotations

from uuid import uuid4

import pytest

from gateway.graphql.access import sees_filer, sees_identities
from kernel.context import Actor, Scope
from kernel.roles import Role

UNIT = uuid4()


def actor(*roles: Role, scope: Scope = Scope.UNIT) -> Actor:
    return Actor(
        person_id=uuid4(), tenant_id=UNIT, login="x", name="x", roles=frozenset(roles), scope=scope
    )


@pytest.mark.parametrize(
    ("roles", "sees"),
    [
        ((Role.APPRAISAL_OFFICE,), True),
        ((Role.AUDITOR,), True),
        ((Role.ADMIN,), True),
        ((Role.APPRAISEE, Role.DEPARTMENT_HEAD), False),
        ((Role.PRINCIPAL_LEADER,), False),
        ((Role.SERVED_CADRE,), False),
    ],
)
def test_identities_are_for_the_office_auditors_and_administrators(
    roles: tuple[Role, ...], sees: bool
) -> None:
    assert sees_identities(actor(*roles)) is sees


@pytest.mark.parametrize("anonymous", [True, False])
@pytest.mark.parametrize("by_cadre", [True, False])
@pytest.mark.parametrize("roles", [(Role.APPRAISAL_OFFICE,), (Role.APPRAISEE,)])
def test_a_filer_is_withheld_when_a_cadre_filed_anonymously_or_the_caller_sees_no_identity(
    anonymous: bool, by_cadre: bool, roles: tuple[Role, ...]
) -> None:
    caller = actor(*roles)
    withheld = by_cadre and (anonymous or not sees_identities(caller))
    assert sees_filer(caller, anonymous=anonymous, filed_by_cadre=by_cadre) is not withheld
