"""The event store on a real PostgreSQL: hash chain, tamper detection, idempotency, concurrency."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from uuid import UUID, uuid4

import psycopg
import pytest
from psycopg.sql import SQL, Literal

from kernel.chain import canonical_bytes
from kernel.context import acting
from kernel.errors import ConflictError
from kernel.store import Committed, IdempotencyClaim, idempotent
from services.audit.verify import CANONICAL_SQL, verify_service
from services.directory.application import Directory
from services.directory.vocabulary import DepartmentCategory, PositionCategory
from tests.integration.recorded import office_context, scalar
from tests.poison import stored

FOUNDED = date(2025, 1, 1)
LAST_POSITION = "SELECT max(notification_id) FROM directory.directory_events"


@pytest.fixture
def directory(database: str) -> Iterator[Directory]:
    app = Directory.on_postgres(database)
    yield app
    app.close()


def new_unit(directory: Directory) -> str:
    with acting(office_context()):
        return str(
            directory.register_unit("测试单位", f"T-{uuid4().hex[:8].upper()}").result["unit_id"]
        )


def test_every_stored_event_carries_the_commands_metadata(
    directory: Directory, database: str
) -> None:
    ctx = office_context()
    with acting(ctx):
        committed = directory.register_unit("测试单位", f"T-{uuid4().hex[:8].upper()}")

    *_, state = stored(database, "directory", committed.positions[0])
    meta = json.loads(state)["meta"]["_data_"]
    assert meta["actor_id"] == str(ctx.actor_id)
    assert meta["actor_role"] == "APPRAISAL_OFFICE"
    assert meta["occurred_at"] == "2026-03-02T09:30:00+00:00"
    assert meta["correlation_id"] == str(ctx.correlation_id)
    assert meta["reason"] == "组织机构录入"
    assert meta["schema_version"] == 1


def test_the_chain_verifies_intact_after_many_commands(directory: Directory, database: str) -> None:
    unit = new_unit(directory)
    with acting(office_context()):
        for i in range(20):
            directory.open_department(
                UUID(unit),
                f"科室{i}",
                DepartmentCategory.GENERAL,
                None,
                FOUNDED,
            )
    report = verify_service(database, "directory")
    assert report.ok
    assert report.events >= 21


@pytest.mark.parametrize(
    ("tampering", "problem"),
    [
        (
            "UPDATE directory.directory_events SET state = convert_to("
            "replace(convert_from(state, 'UTF8'), '科室3', '科室X'), 'UTF8') "
            "WHERE notification_id = {target}",
            "hash mismatch",
        ),
        (
            "DELETE FROM directory.directory_events WHERE notification_id = {target}",
            "event row missing",
        ),
        (
            "INSERT INTO directory.directory_events "
            "(originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version + 1000, topic, state "
            "FROM directory.directory_events WHERE notification_id = {target}",
            "no chain hash",
        ),
    ],
    ids=["altered", "deleted", "inserted"],
)
def test_verification_names_the_first_tampered_record(
    isolated: str, tampering: str, problem: str
) -> None:
    # Given a fresh log of its own (each case tampers differently)
    app = Directory.on_postgres(isolated)
    try:
        with acting(office_context()):
            unit_id = UUID(app.register_unit("测试单位", "TAMPER").result["unit_id"])
            positions = [
                app.open_department(
                    unit_id, f"科室{i}", DepartmentCategory.GENERAL, None, FOUNDED
                ).positions[0]
                for i in range(6)
            ]
    finally:
        app.close()
    assert verify_service(isolated, "directory").ok
    target = positions[3]  # the department named 科室3
    with psycopg.connect(isolated, autocommit=True) as conn:
        conn.execute(SQL(tampering).format(target=Literal(target)))

    report = verify_service(isolated, "directory")

    assert report.broken is not None
    expected = target if problem != "no chain hash" else scalar(isolated, LAST_POSITION)
    assert report.broken.notification_id == expected
    assert problem in report.broken.problem


def test_a_retried_command_with_the_same_key_records_nothing_twice(
    directory: Directory, database: str
) -> None:
    unit_id = UUID(new_unit(directory))
    claim = IdempotencyClaim(key=f"{uuid4()}:add-wang", fingerprint="request-1")

    def add() -> Committed:
        return directory.add_person(
            unit_id, "王伟", "wangwei", PositionCategory.LEADER, None, FOUNDED
        )

    with idempotent(claim), acting(office_context()):
        first = add()
        replay = directory.recorded_result()

    assert replay is not None
    assert replay["person_id"] == first.result["person_id"]
    assert replay["positions"] == first.positions
    with psycopg.connect(database) as conn:
        row = conn.execute(
            "SELECT count(*) FROM directory.directory_events WHERE originator_id = %s", (unit_id,)
        ).fetchone()
    assert row == (2,)


def test_a_key_reused_for_another_request_is_refused(directory: Directory) -> None:
    unit_id = UUID(new_unit(directory))
    key = f"{uuid4()}:k"
    with idempotent(IdempotencyClaim(key, "request-1")), acting(office_context()):
        directory.open_department(unit_id, "综合科", DepartmentCategory.GENERAL, None, FOUNDED)
    with idempotent(IdempotencyClaim(key, "request-2")), pytest.raises(ConflictError) as refused:
        directory.recorded_result()
    assert refused.value.rule == "kernel.idempotency_key_reuse"


def test_a_stale_expected_version_is_a_conflict_and_records_nothing(directory: Directory) -> None:
    unit_id = UUID(new_unit(directory))
    with acting(office_context()):
        directory.open_department(unit_id, "综合科", DepartmentCategory.GENERAL, None, FOUNDED)
        with pytest.raises(ConflictError) as refused:
            directory.open_department(
                unit_id, "财务科", DepartmentCategory.SPECIALIST, None, FOUNDED, expected_version=1
            )
    assert refused.value.rule == "kernel.optimistic_concurrency"
    assert directory.get_unit(unit_id).version == 2


def test_the_verifier_builds_the_same_canonical_bytes_as_the_recorder(
    directory: Directory, database: str
) -> None:
    new_unit(directory)
    with psycopg.connect(database) as conn:
        rows = conn.execute(
            SQL(
                "SELECT e.notification_id, e.originator_id::text, e.originator_version, e.topic, "
                "e.state, {canonical} FROM directory.directory_events e ORDER BY 1"
            ).format(canonical=SQL(CANONICAL_SQL))
        ).fetchall()
    assert rows
    for notification_id, originator_id, version, topic, state, server_built in rows:
        assert bytes(server_built) == canonical_bytes(
            notification_id, originator_id, version, topic, bytes(state)
        )
