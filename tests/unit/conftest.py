"""Shared fixtures for the unit tests: a command context to act in, and an in-memory directory.

Every domain call in these tests happens inside `acting(...)`, as the request layer would do it.
Test modules do not import from this file (it would clash with `tests/conftest.py` under mypy);
they ask for the fixtures instead: `office` acts for the whole test, `as_office(now)` and
`office_context(...)` act for a block. The two factories hold no state, so hypothesis tests use
them too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from uuid import UUID

import pytest
from hypothesis import settings

from kernel.context import CommandContext, acting
from kernel.roles import Role
from services.directory.application import Directory

# No example database on disk: the unit tests do no I/O. Each test sets its own max_examples.
settings.register_profile("kaohe-unit", database=None, deadline=None)
settings.load_profile("kaohe-unit")

TENANT_ID = UUID("00000000-0000-4000-8000-00000000a001")
OFFICER_ID = UUID("00000000-0000-4000-8000-00000000b001")
NOW = datetime(2024, 3, 15, 9, 30, tzinfo=UTC)


def _office_context(
    now: datetime = NOW,
    *,
    actor_id: UUID = OFFICER_ID,
    tenant_id: UUID | None = TENANT_ID,
    reason: str | None = None,
) -> CommandContext:
    return CommandContext(
        actor_id=actor_id,
        actor_role=Role.APPRAISAL_OFFICE,
        now=now,
        tenant_id=tenant_id,
        reason=reason,
    )


@contextlib.contextmanager
def _as_office(now: datetime = NOW) -> Iterator[CommandContext]:
    with acting(_office_context(now)) as ctx:
        yield ctx


@pytest.fixture
def office_context() -> Callable[..., CommandContext]:
    """Make the context of a command by the appraisal office (考核办) of the test unit.

    Keywords: `now` (default 2024-03-15 09:30 UTC), `actor_id`, `tenant_id`, `reason`.
    """
    return _office_context


@pytest.fixture
def as_office() -> Callable[..., AbstractContextManager[CommandContext]]:
    """`with as_office(now):` decides the commands inside as the appraisal office at `now`."""
    return _as_office


@pytest.fixture
def office() -> Iterator[CommandContext]:
    """The whole test acts as the appraisal office at the default `now`."""
    with _as_office() as ctx:
        yield ctx


@pytest.fixture
def directory(monkeypatch: pytest.MonkeyPatch) -> Iterator[Directory]:
    """A Directory application on the library's in-memory (POPO) persistence."""
    for name in ("PERSISTENCE_MODULE", "APPLICATION_RECORDER_TOPIC", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"DIRECTORY_{name}", raising=False)
    app = Directory()
    try:
        yield app
    finally:
        app.close()
