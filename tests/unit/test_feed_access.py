"""Who reads which events: an integration and a unit's auditor their own unit, platform auditors
and administrators every unit."""

from __future__ import annotations

from uuid import UUID

import pytest

from gateway.integrations.api import feed_filter
from kernel.context import Actor, Scope
from kernel.errors import NotPermittedError, RuleViolatedError
from kernel.roles import Role
from tests.unit.test_integrations_envelope import OTHER_UNIT, UNIT, recorded
from tests.unit.test_tokens import actor as token_actor


def actor(*roles: Role, tenant: UUID | None = UNIT, scope: Scope = Scope.UNIT) -> Actor:
    """A caller of the recorded events' unit unless told otherwise."""
    return token_actor(*roles, tenant=tenant, scope=scope)


def test_an_integration_reads_its_own_units_events_only() -> None:
    only = feed_filter(actor(Role.INTEGRATION), None, None)
    assert only.accepts(recorded(unit=UNIT))
    assert not only.accepts(recorded(unit=OTHER_UNIT))
    assert not only.accepts(recorded("goals", unit=None))


def test_an_integration_asking_for_another_unit_is_refused_naming_the_relation() -> None:
    with pytest.raises(NotPermittedError) as refused:
        feed_filter(actor(Role.INTEGRATION), OTHER_UNIT, None)
    assert refused.value.missing_relation == "MEMBER_OF_UNIT"


@pytest.mark.parametrize("role", [Role.APPRAISEE, Role.APPRAISAL_OFFICE, Role.PRINCIPAL_LEADER])
def test_staff_are_refused_the_feed_naming_the_integration_role(role: Role) -> None:
    with pytest.raises(NotPermittedError) as refused:
        feed_filter(actor(role), None, None)
    assert refused.value.missing_role == "INTEGRATION"


def test_a_units_auditor_reads_its_own_units_events_only() -> None:
    only = feed_filter(actor(Role.APPRAISEE, Role.AUDITOR), None, None)
    assert only.accepts(recorded(unit=UNIT))
    assert not only.accepts(recorded(unit=OTHER_UNIT))
    with pytest.raises(NotPermittedError) as refused:
        feed_filter(actor(Role.AUDITOR), OTHER_UNIT, None)
    assert refused.value.rule == "integrations.own_unit"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_platform_auditors_and_administrators_read_every_unit_or_the_one_they_name(
    role: Role,
) -> None:
    everything = feed_filter(actor(role, tenant=None, scope=Scope.PLATFORM), None, None)
    assert everything.accepts(recorded(unit=UNIT))
    assert everything.accepts(recorded(unit=OTHER_UNIT))
    assert everything.accepts(recorded("goals", unit=None))
    one = feed_filter(actor(role, tenant=None, scope=Scope.PLATFORM), OTHER_UNIT, ["kaohe.goals.*"])
    assert one.accepts(recorded(unit=OTHER_UNIT))
    assert not one.accepts(recorded(unit=UNIT))
    assert not one.accepts(recorded("feedback", unit=OTHER_UNIT))


def test_a_type_that_is_no_event_type_is_refused_naming_the_parameter() -> None:
    with pytest.raises(RuleViolatedError) as refused:
        feed_filter(actor(Role.INTEGRATION), None, ["Approved"])
    assert refused.value.field == "type"
