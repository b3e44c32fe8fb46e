"""The cached aggregate a command decides on: lent under a per-aggregate lock, fast-forwarded
from the log, and dropped when a command fails, so it never shows anything the log does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from kernel.context import CommandContext, acting
from kernel.errors import ConflictError, RuleViolatedError
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.vocabulary import DepartmentCategory, PositionCategory

DAY = date(2025, 1, 1)


def _context() -> CommandContext:
    return CommandContext(
        actor_id=uuid4(), actor_role=Role.APPRAISAL_OFFICE, now=datetime.now(UTC), tenant_id=None
    )


@pytest.fixture
def office() -> Iterator[None]:
    with acting(_context()):
        yield


@pytest.fixture
def app(database: str) -> Iterator[Directory]:
    directory = Directory.on_postgres(database)
    yield directory
    directory.close()


def _unit(app: Directory) -> tuple[UUID, UUID]:
    unit = UUID(app.register_unit("缓存单位", f"C-{uuid4().hex[:6].upper()}").result["unit_id"])
    department = app.open_department(unit, "综合科", DepartmentCategory.GENERAL, None, DAY)
    return unit, UUID(department.result["department_id"])


def _add(app: Directory, unit: UUID, department: UUID, login: str) -> int:
    committed = app.add_person(unit, login, login, PositionCategory.GENERAL, department, DAY)
    return committed.versions[str(unit)]


@pytest.mark.usefixtures("office")
def test_many_threads_adding_to_one_unit_queue_instead_of_conflicting(app: Directory) -> None:
    unit, department = _unit(app)

    def add(i: int) -> int:
        with acting(_context()):
            return _add(app, unit, department, f"q{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        versions = list(pool.map(add, range(40)))
    assert sorted(versions) == list(range(3, 43))
    assert len(app.get_unit(unit).people) == 40


@pytest.mark.usefixtures("office")
def test_a_refused_command_leaves_nothing_behind_in_the_cache(app: Directory) -> None:
    unit, department = _unit(app)
    _add(app, unit, department, "first")
    with pytest.raises(RuleViolatedError):
        _add(app, unit, department, "first")
    assert _add(app, unit, department, "second") == 4
    assert sorted(p.login for p in app.get_unit(unit).people.values()) == ["first", "second"]


@pytest.mark.usefixtures("office")
def test_another_process_writes_are_seen_and_a_lost_race_is_not_kept(database: str) -> None:
    here, there = Directory.on_postgres(database), Directory.on_postgres(database)
    try:
        unit, department = _unit(here)
        _add(here, unit, department, "here1")
        _add(there, unit, department, "there1")
        assert {p.login for p in here.get_unit(unit).people.values()} == {"here1", "there1"}
        # `there` decides on the cached unit while `here` wins the race to the log.

        def lose_the_race() -> None:
            with there.deciding(unit) as stale:
                _add(here, unit, department, "here2")
                stale.add_person("loser", "loser", PositionCategory.GENERAL, department, DAY)
                there.commit(stale, result={})

        with pytest.raises(IntegrityError):
            lose_the_race()
        logins = {p.login for p in there.get_unit(unit).people.values()}
        assert logins == {"here1", "there1", "here2"}
        assert _add(there, unit, department, "there2") == 6
    finally:
        here.close()
        there.close()


@pytest.mark.usefixtures("office")
def test_a_stale_expected_version_is_still_refused(app: Directory) -> None:
    unit, department = _unit(app)
    _add(app, unit, department, "a")
    with pytest.raises(ConflictError):
        app.add_person(unit, "b", "b", PositionCategory.GENERAL, department, DAY, 2)
    assert app.get_unit(unit).version == 3
