"""Group commit: commands waiting to write share one transaction, one table lock and one hash
pass, yet each is recorded or refused alone, and the log stays in order and chained.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from threading import Barrier
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from prometheus_client import REGISTRY

from kernel.context import CommandContext, acting
from kernel.roles import Role
from kernel.store import IdempotencyClaim, PendingWrite, idempotent
from services.audit.verify import verify_service
from services.directory.application import Directory
from services.directory.domain import Unit


def _context() -> CommandContext:
    return CommandContext(
        actor_id=uuid4(), actor_role=Role.ADMIN, now=datetime.now(UTC), tenant_id=None
    )


def _new_unit_events(app: Directory) -> list[StoredEvent]:
    with acting(_context()):
        unit = Unit(name="批量单位", code=f"G-{uuid4().hex[:8].upper()}")
    return [app.mapper.to_stored_event(e) for e in unit.collect_events()]


def _log(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT notification_id FROM directory.directory_events ORDER BY notification_id"
        ).fetchall()
    return [r[0] for r in rows]


def _batch_sizes() -> tuple[float, float]:
    """How many group commits of the directory's log were measured, and their commands."""
    labels = {"service": "directory"}
    count = REGISTRY.get_sample_value("kaohe_group_commit_batch_size_count", labels) or 0.0
    total = REGISTRY.get_sample_value("kaohe_group_commit_batch_size_sum", labels) or 0.0
    return count, total


def test_commands_from_many_threads_all_land_in_one_ordered_chained_log(isolated: str) -> None:
    app = Directory.on_postgres(isolated)
    start = Barrier(16)

    def register(i: int) -> list[int]:
        if i < 16:
            start.wait()
        with acting(_context()):
            return app.register_unit(f"单位{i}", f"T-{i:04d}-{uuid4().hex[:6].upper()}").positions

    batches, commands = _batch_sizes()
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            positions = [p for ps in pool.map(register, range(200)) for p in ps]
    finally:
        app.close()
    assert sorted(positions) == _log(isolated)
    assert len(set(positions)) == 200
    # Every command went into exactly one committed batch, measured once per batch.
    now_batches, now_commands = _batch_sizes()
    assert now_commands - commands == 200
    assert 1 <= now_batches - batches <= 200
    report = verify_service(isolated, "directory")
    assert report.ok
    assert report.events == 200


def test_a_failing_write_in_a_batch_does_not_take_the_others_down(isolated: str) -> None:
    app = Directory.on_postgres(isolated)
    try:
        taken = _new_unit_events(app)
        app.chained_recorder.insert_events(taken)
        first, clash, last = (
            PendingWrite(_new_unit_events(app)),
            PendingWrite(taken),
            PendingWrite(_new_unit_events(app)),
        )
        app.chained_recorder.write_batch([first, clash, last])
    finally:
        app.close()
    assert all(w.done for w in (first, clash, last))
    with pytest.raises(IntegrityError):
        clash.outcome()
    written = [*first.outcome(), *last.outcome()]
    assert _log(isolated)[-2:] == written
    assert len(_log(isolated)) == 3
    assert verify_service(isolated, "directory").ok


def test_one_idempotency_key_twice_in_a_batch_records_the_first_only(isolated: str) -> None:
    app = Directory.on_postgres(isolated)
    claim = IdempotencyClaim(key="someone:same-key", fingerprint="f")
    try:
        first = PendingWrite(_new_unit_events(app), claim, {"unit": "first"})
        second = PendingWrite(_new_unit_events(app), claim, {"unit": "second"})
        app.chained_recorder.write_batch([first, second])
        with idempotent(claim):
            recorded = app.recorded_result()
    finally:
        app.close()
    assert recorded == {"unit": "first", "positions": list(first.outcome())}
    with pytest.raises(IntegrityError):
        second.outcome()
    assert verify_service(isolated, "directory").events == 1


def test_two_processes_group_committing_to_one_log_keep_one_chain(isolated: str) -> None:
    # Each application stands for a service process: its own queue, leader and connections;
    # only the table lock orders their batches.
    apps = [Directory.on_postgres(isolated), Directory.on_postgres(isolated)]

    def register(i: int) -> list[int]:
        with acting(_context()):
            app = apps[i % 2]
            return app.register_unit(f"单位{i}", f"P-{i:04d}-{uuid4().hex[:6].upper()}").positions

    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            positions = [p for ps in pool.map(register, range(160)) for p in ps]
    finally:
        for app in apps:
            app.close()
    assert sorted(positions) == _log(isolated)
    report = verify_service(isolated, "directory")
    assert report.ok
    assert report.events == 160
