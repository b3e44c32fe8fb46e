"""Signed checkpoints, Merkle proofs and the export bundle on a real PostgreSQL: an intact log
proves itself, and every kind of tampering with events or checkpoints is caught and named.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import psycopg
import pytest

from kernel.context import acting
from services.audit.checkpoints import (
    CheckpointRefusedError,
    ProofError,
    Signer,
    checkpoint_if_due,
    checkpoint_service,
    prove_consistency,
    prove_inclusion,
    verify_checkpoints,
)
from services.audit.export import export_bundle
from services.audit.keys import active_key, published_keys, rotate_key
from services.audit.tlog import Checkpoint, PublicKey, sign_note, verify_bundle
from services.audit.verify import verify_service
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import DepartmentCategory, ServiceKind
from services.feedback.application import Feedback
from tests.integration.recorded import file_late_dispatch_complaint, office_context

FOUNDED = date(2025, 1, 1)


@dataclass
class Log:
    """An isolated database holding a directory log: one unit and its departments."""

    url: str
    unit_id: UUID
    positions: list[int]
    signer: Signer

    def add_departments(self, count: int, unit_id: UUID | None = None) -> list[int]:
        app = Directory.on_postgres(self.url)
        try:
            with acting(office_context()):
                added = [
                    app.open_department(
                        unit_id or self.unit_id,
                        f"科室{uuid4().hex[:4]}",
                        DepartmentCategory.GENERAL,
                        None,
                        FOUNDED,
                    ).positions[0]
                    for _ in range(count)
                ]
        finally:
            app.close()
        self.positions.extend(added)
        return added

    def register_unit(self, code: str) -> UUID:
        app = Directory.on_postgres(self.url)
        try:
            with acting(office_context()):
                committed = app.register_unit("测试单位", code)
        finally:
            app.close()
        self.positions.extend(committed.positions)
        return UUID(committed.result["unit_id"])

    def sql(self, statement: str, *params: object) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(statement, params)

    def keys(self) -> list[PublicKey]:
        return self.signer.public_keys()

    def verify(self) -> list[str]:
        return verify_checkpoints(self.url, "directory", self.signer.public_keys()).problems


@pytest.fixture
def log(isolated: str, tmp_path: Path) -> Log:
    given = Log(isolated, UUID(int=0), [], Signer(tmp_path / "keys"))
    given.unit_id = given.register_unit("CP")
    given.add_departments(6)
    return given


def test_a_checkpoint_signs_the_whole_log_and_every_event_proves_its_inclusion(log: Log) -> None:
    outcome = checkpoint_service(log.url, "directory", log.signer)

    assert outcome.signed is not None
    assert outcome.signed.tree_size == len(log.positions) == 7
    assert outcome.signed.last_position == log.positions[-1]
    assert outcome.signed.note.startswith("kaohe/directory\n7\n")
    assert outcome.signed.key_id == published_keys(log.signer.key_dir)[0].key_id
    assert log.verify() == []
    for position in log.positions:
        assert prove_inclusion(log.url, "directory", position, log.keys()).verified


def test_nothing_new_is_signed_when_the_log_has_not_grown(log: Log) -> None:
    first = checkpoint_service(log.url, "directory", log.signer)
    again = checkpoint_service(log.url, "directory", log.signer)
    assert again.signed is None
    assert again.latest == first.signed


def test_a_later_checkpoint_is_proven_to_extend_an_earlier_one(log: Log) -> None:
    checkpoint_service(log.url, "directory", log.signer)
    log.add_departments(5)
    checkpoint_service(log.url, "directory", log.signer)

    result = prove_consistency(log.url, "directory", log.keys())

    assert (result.old.tree_size, result.new.tree_size) == (7, 12)
    assert result.verified
    early = prove_inclusion(log.url, "directory", log.positions[2], log.keys(), size=7)
    assert early.verified
    with pytest.raises(ProofError, match="after checkpoint 7"):
        prove_inclusion(log.url, "directory", log.positions[-1], log.keys(), size=7)


def test_checkpoints_fall_due_after_n_events(log: Log) -> None:
    checkpoint_service(log.url, "directory", log.signer)
    log.add_departments(2)
    assert checkpoint_if_due(log.url, "directory", log.signer, 3, 3600) is None
    log.add_departments(1)
    due = checkpoint_if_due(log.url, "directory", log.signer, 3, 3600)
    assert due is not None
    assert due.signed is not None
    assert due.signed.tree_size == 10


EVENTS = "UPDATE directory.directory_events SET notification_id"
TAMPERINGS = {
    "altered": [
        "UPDATE directory.directory_events SET state = convert_to(replace("
        "convert_from(state, 'UTF8'), '科室', '篡改'), 'UTF8') WHERE notification_id = %s"
    ],
    "deleted": ["DELETE FROM directory.directory_events WHERE notification_id = %s"],
    # Swap the event at the target with the next one (through a free position).
    "reordered": [
        f"{EVENTS} = -1 WHERE notification_id = %s",
        f"{EVENTS} = %s WHERE notification_id = %s + 1",
        f"{EVENTS} = %s + 1 WHERE notification_id = -1",
    ],
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_tampering_with_a_checkpointed_event_is_named_by_the_chain_and_the_proofs(
    log: Log, tampering: str
) -> None:
    # Given a signed checkpoint over the intact log
    checkpoint_service(log.url, "directory", log.signer)
    target = log.positions[3]
    # When an event row is changed behind the recorder's back
    for statement in TAMPERINGS[tampering]:
        log.sql(statement, *[target] * statement.count("%s"))

    # Then the chain names the row, the checkpoint no longer matches the log ...
    broken = verify_service(log.url, "directory").broken
    assert broken is not None
    assert broken.notification_id == target
    problems = log.verify()
    assert len(problems) == 1
    assert "checkpoint 7" in problems[0]
    # ... the event's inclusion proof fails or the event is gone ...
    if tampering == "deleted":
        with pytest.raises(ProofError, match=f"no event at position {target}"):
            prove_inclusion(log.url, "directory", target, log.keys())
        assert "events were deleted" in problems[0]
    else:
        proof = prove_inclusion(log.url, "directory", target, log.keys())
        assert not proof.verified
        assert "does not verify against the signed root" in str(proof.problem)
        assert f"up to position {log.positions[-1]}" in problems[0]
    # ... and nothing more is signed over the tampered log.
    with pytest.raises(CheckpointRefusedError, match=f"chain is broken at position {target}"):
        checkpoint_service(log.url, "directory", log.signer)


def test_an_event_inserted_in_sql_stops_the_signer_and_is_named(log: Log) -> None:
    checkpoint_service(log.url, "directory", log.signer)
    log.sql(
        "INSERT INTO directory.directory_events (originator_id, originator_version, topic, state) "
        "SELECT originator_id, originator_version + 1000, topic, state "
        "FROM directory.directory_events WHERE notification_id = %s",
        log.positions[2],
    )
    with pytest.raises(CheckpointRefusedError, match="no chain hash") as refused:
        checkpoint_service(log.url, "directory", log.signer)
    assert f"position {log.positions[-1] + 1}" in refused.value.reason


def _insert(log: Log, checkpoint: Checkpoint, note: str, key_id: str) -> None:
    log.sql(
        "INSERT INTO audit.checkpoints (service, tree_size, root_hash, last_position, chain_head, "
        "key_id, note) VALUES ('directory', %s, %s, %s, %s, %s, %s)",
        checkpoint.size,
        checkpoint.root,
        checkpoint.last_position,
        checkpoint.chain_head,
        key_id,
        note,
    )


def test_a_checkpoint_with_a_forged_signature_is_named(log: Log) -> None:
    real = checkpoint_service(log.url, "directory", log.signer).signed
    assert real is not None
    # A row copied from the real one with its tree size changed, signature kept.
    forged = real.note.replace("\n7\n", "\n5\n", 1)
    forged_checkpoint = Checkpoint("kaohe/directory", 5, real.root_hash, 0, bytes(32))
    _insert(log, forged_checkpoint, forged, real.key_id)

    problems = log.verify()

    assert len(problems) == 1
    assert problems[0].startswith("checkpoint 5 ")
    assert "does not verify" in problems[0]


def test_a_validly_signed_but_inconsistent_checkpoint_is_named(log: Log) -> None:
    checkpoint_service(log.url, "directory", log.signer)
    # Someone holding the key signs a size-3 checkpoint over a different history.
    key, private = active_key(log.signer.key_dir, log.signer.key_name)
    other = Checkpoint("kaohe/directory", 3, b"\x42" * 32, log.positions[2], b"\x01" * 32)
    _insert(log, other, sign_note(other.text(), key.name, private), key.key_id)

    problems = log.verify()

    assert len(problems) == 1
    assert problems[0].startswith("checkpoint 3 ")
    assert "inconsistent with checkpoint 7" in problems[0]
    consistency = prove_consistency(log.url, "directory", log.keys(), old_size=3, new_size=7)
    assert not consistency.verified
    assert "does not extend" in str(consistency.problem)


def test_the_signer_never_signs_a_checkpoint_inconsistent_with_the_last(log: Log) -> None:
    # Given a validly signed latest checkpoint that disagrees with the log
    key, private = active_key(log.signer.key_dir, log.signer.key_name)
    other = Checkpoint("kaohe/directory", 5, b"\x42" * 32, log.positions[4], b"\x01" * 32)
    _insert(log, other, sign_note(other.text(), key.name, private), key.key_id)
    # When the log grows and is checkpointed, then the signer refuses
    log.add_departments(1)
    with pytest.raises(CheckpointRefusedError, match="no longer hash to the last checkpoint"):
        checkpoint_service(log.url, "directory", log.signer)


def test_recorded_checkpoints_cannot_be_updated_or_deleted(log: Log) -> None:
    checkpoint_service(log.url, "directory", log.signer)
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        log.sql("UPDATE audit.checkpoints SET tree_size = 3")
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        log.sql("DELETE FROM audit.checkpoints")


def test_after_key_rotation_old_checkpoints_verify_with_the_retired_public_key(log: Log) -> None:
    first = checkpoint_service(log.url, "directory", log.signer).signed
    new_key, retired = rotate_key(log.signer.key_dir, log.signer.key_name)
    log.add_departments(2)
    second = checkpoint_service(log.url, "directory", log.signer).signed

    assert first is not None
    assert second is not None
    assert [k.key_id for k in retired] == [first.key_id]
    assert second.key_id == new_key.key_id != first.key_id
    keys = published_keys(log.signer.key_dir)
    assert [(k.key_id, k.retired is not None) for k in keys] == [
        (first.key_id, True),
        (new_key.key_id, False),
    ]
    assert log.verify() == []
    assert prove_consistency(log.url, "directory", log.keys()).verified
    # Without the retired key, the old checkpoint is named as signed by no known key.
    current_only = [k.public for k in keys if k.retired is None]
    problems = verify_checkpoints(log.url, "directory", current_only).problems
    assert len(problems) == 1
    assert "checkpoint 7" in problems[0]
    assert "signed by no known key" in problems[0]


def test_an_export_holds_only_the_units_events_and_verifies_offline(
    log: Log, tmp_path: Path
) -> None:
    other_unit = log.register_unit("OTHER")
    theirs = log.add_departments(2, unit_id=other_unit)
    ours = log.add_departments(2)
    out = tmp_path / "bundle"

    summary = export_bundle(
        log.url, log.unit_id, date(2026, 1, 1), date(2026, 12, 31), out, log.signer, ("directory",)
    )

    assert summary.event_counts == {"directory": 9}
    assert summary.anchors == {"directory": 12}
    lines = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    exported = [line["position"] for line in lines]
    assert ours[-1] in exported
    assert not set(theirs) & set(exported)
    verdicts = verify_bundle(out)
    assert all(v.ok for v in verdicts), [(v.subject, v.problems) for v in verdicts]
    assert [v.subject for v in verdicts] == ["manifest", "keys", "directory"]


def test_an_export_includes_what_the_system_recorded_on_the_units_aggregates(
    log: Log, tmp_path: Path
) -> None:
    # Given a complaint filed in the unit, later flagged overdue by the scheduled check, which
    # acts for no tenant
    directory = Directory.on_postgres(log.url)
    feedback = Feedback.on_postgres(log.url, org=OrgChart(directory))
    try:
        with acting(office_context()):
            vehicles = UUID(
                directory.open_department(
                    log.unit_id, "公车科", DepartmentCategory.SERVICE, ServiceKind.VEHICLES, FOUNDED
                ).result["department_id"]
            )
        in_unit = dataclasses.replace(office_context(), tenant_id=log.unit_id)
        with acting(in_unit):
            file_late_dispatch_complaint(feedback, log.unit_id, vehicles)
        with acting(office_context()):
            assert feedback.check_overdue(date(2026, 10, 14))
    finally:
        feedback.close()
        directory.close()

    out = tmp_path / "bundle.zip"
    export_bundle(
        log.url,
        log.unit_id,
        date(2026, 1, 1),
        date(2026, 12, 31),
        out,
        log.signer,
        ("directory", "feedback"),
    )

    with zipfile.ZipFile(out) as bundle:
        lines = bundle.read("events.jsonl").decode().splitlines()
    topics = [json.loads(line)["topic"] for line in lines if '"feedback"' in line]
    # An anonymous complaint's filer is sealed in an event of its own.
    assert [t.rsplit(".", 1)[-1] for t in topics] == [
        "ComplaintFiled",
        "ComplaintFilerSealed",
        "ComplaintBecameOverdue",
    ]
    assert all(v.ok for v in verify_bundle(out))
