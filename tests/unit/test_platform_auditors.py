"""Platform-wide auditors (纪检): only the platform administrator appoints and revokes them, the
appointment is recorded with its dates, and a unit's office makes auditors of its own unit only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kernel.context import CommandContext, acting
from kernel.errors import NotPermittedError, RuleViolatedError
from kernel.roles import Role
from services.directory.domain import PLATFORM_ID, Platform

D0 = date(2026, 1, 5)


@pytest.fixture(autouse=True)
def admin() -> Iterator[CommandContext]:
    ctx = CommandContext(
        actor_id=uuid4(),
        actor_role=Role.ADMIN,
        now=datetime(2026, 1, 5, 1, 0, tzinfo=UTC),
        tenant_id=None,
    )
    with acting(ctx):
        yield ctx


def test_the_administrator_appoints_a_platform_auditor_in_force_from_the_date() -> None:
    platform = Platform()
    auditor = platform.appoint_auditor(Role.ADMIN, "纪检甲", "jijian", "纪检监察组", D0)
    assert platform.id == PLATFORM_ID
    assert platform.auditor_on(auditor, D0) is not None
    assert platform.auditor_on(auditor, date(2026, 1, 4)) is None
    appointed = platform.collect_events()[-1]
    assert type(appointed).__name__ == "PlatformAuditorAppointed"


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_nobody_but_the_administrator_appoints_a_platform_auditor(role: Role) -> None:
    platform = Platform()
    with pytest.raises(NotPermittedError) as refused:
        platform.appoint_auditor(role, "纪检甲", "jijian", "纪检监察组", D0)
    assert refused.value.rule == "directory.platform_auditor_by_admin"
    assert refused.value.missing_role == "ADMIN"
    assert platform.auditors == {}


def test_nobody_but_the_administrator_revokes_a_platform_auditor() -> None:
    platform = Platform()
    auditor = platform.appoint_auditor(Role.ADMIN, "纪检甲", "jijian", "纪检监察组", D0)
    with pytest.raises(NotPermittedError) as refused:
        platform.revoke_auditor(Role.APPRAISAL_OFFICE, auditor, D0)
    assert refused.value.rule == "directory.platform_auditor_by_admin"
    assert platform.auditor_on(auditor, date(2026, 6, 1)) is not None


def test_a_revoked_platform_auditor_is_no_auditor_from_the_revocation_on() -> None:
    platform = Platform()
    auditor = platform.appoint_auditor(Role.ADMIN, "纪检甲", "jijian", "纪检监察组", D0)
    platform.revoke_auditor(Role.ADMIN, auditor, date(2026, 3, 1))
    assert platform.auditor_on(auditor, date(2026, 2, 28)) is not None
    assert platform.auditor_on(auditor, date(2026, 3, 1)) is None
    assert type(platform.collect_events()[-1]).__name__ == "PlatformAuditorRevoked"


def test_a_platform_auditor_is_appointed_once_at_a_time_and_revoked_once() -> None:
    platform = Platform()
    auditor = platform.appoint_auditor(Role.ADMIN, "纪检甲", "jijian", "纪检监察组", D0)
    with pytest.raises(RuleViolatedError) as twice:
        platform.appoint_auditor(Role.ADMIN, "纪检甲", "jijian", "纪检监察组", D0)
    assert twice.value.rule == "directory.platform_auditor_not_held"
    platform.revoke_auditor(Role.ADMIN, auditor, date(2026, 3, 1))
    with pytest.raises(RuleViolatedError) as again:
        platform.revoke_auditor(Role.ADMIN, auditor, date(2026, 4, 1))
    assert again.value.rule == "directory.platform_auditor_held"


def test_a_reappointed_auditor_keeps_their_id_and_the_past_is_not_rewritten() -> None:
    platform = Platform()
    auditor = platform.appoint_auditor(Role.ADMIN, "纪检甲", "jijian", "纪检监察组", D0)
    platform.revoke_auditor(Role.ADMIN, auditor, date(2026, 3, 1))
    with pytest.raises(RuleViolatedError) as earlier:
        platform.appoint_auditor(Role.ADMIN, "纪检甲", "jijian", "纪检监察组", date(2025, 12, 1))
    assert earlier.value.rule == "directory.effective_order"
    again = platform.appoint_auditor(Role.ADMIN, "纪检甲", "jijian", "纪检监察组", date(2026, 5, 1))
    assert again == auditor
    assert platform.auditor_on(auditor, date(2026, 4, 1)) is None
    assert platform.auditor_on(auditor, date(2026, 5, 1)) is not None


@hypothesis_settings(max_examples=30)
@given(
    spans=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 30)), min_size=1, max_size=5),
    probe=st.integers(0, 400),
)
def test_a_platform_auditor_is_in_force_exactly_within_their_appointments(
    spans: list[tuple[int, int]], probe: int
) -> None:
    with acting(
        CommandContext(
            actor_id=uuid4(),
            actor_role=Role.ADMIN,
            now=datetime(2026, 1, 5, tzinfo=UTC),
            tenant_id=None,
        )
    ):
        platform = Platform()
        day, terms, auditor = D0.toordinal(), [], None
        for gap, length in spans:
            start, end = day + gap, day + gap + length
            auditor = platform.appoint_auditor(
                Role.ADMIN, "纪检甲", "jijian", "纪检", date.fromordinal(start)
            )
            platform.revoke_auditor(Role.ADMIN, auditor, date.fromordinal(end))
            terms.append((start, end))
            day = end
        assert auditor is not None
        on = D0.toordinal() + probe
        expected = any(start <= on < end for start, end in terms)
        assert (platform.auditor_on(auditor, date.fromordinal(on)) is not None) is expected
