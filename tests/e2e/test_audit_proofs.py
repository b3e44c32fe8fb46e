"""End to end, as an auditor works: signed checkpoints published over HTTP, proofs from the
`kaohe audit` command, and a unit's export checked offline by the stand-alone verifier, which
names what was tampered with.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kernel.roles import Role
from services.audit import tlog
from services.audit.tlog import (
    PublicKey,
    canonical_bytes,
    chain_link,
    open_checkpoint,
    sign_note,
    verifier_key,
)
from tests.e2e.conftest import System

pytestmark = pytest.mark.e2e
VERIFIER = Path(tlog.__file__)

REGISTER = """mutation($name: String!, $code: String!) {
  registerUnit(name: $name, code: $code) { unit { id } position } }"""
OPEN = """mutation($unit: ID!, $name: String!, $on: Date) {
  openDepartment(unitId: $unit, name: $name, category: GENERAL, openedOn: $on) {
    department { id } } }"""


def kaohe(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": system.database,
        "KAOHE_DATA_DIR": str(system.settings.kaohe_data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "deploy.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def offline_verifier(
    bundle: Path, cwd: Path, keys: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The auditor's own copy of the verifier (not the bundle's, which a forger could edit too),
    run from elsewhere with no Kaohe path set.
    """
    verifier = cwd / "verify_bundle.py"
    shutil.copy(VERIFIER, verifier)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, str(verifier), str(bundle), *(["--keys", str(keys)] if keys else [])],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def open_units(system: System) -> tuple[str, str]:
    """Two units whose events interleave in the directory log."""
    admin = system.token([Role.ADMIN])
    ours = system.data(admin, REGISTER, name="审计测试单位", code="E2E-PROOFS")["registerUnit"]
    theirs = system.data(admin, REGISTER, name="其他单位", code="E2E-OTHER")["registerUnit"]
    for i in range(3):
        for unit in (ours, theirs):
            system.data(admin, OPEN, unit=unit["unit"]["id"], name=f"科室{i}", on="2025-01-01")
    return ours["unit"]["id"], theirs["unit"]["id"]


@pytest.fixture(scope="module")
def units(system: System) -> tuple[str, str]:
    return open_units(system)


def test_the_gateway_publishes_the_keys_and_checkpoints_an_auditor_verifies(
    system: System, units: tuple[str, str]
) -> None:
    signed = kaohe(system, "audit", "checkpoint")
    assert signed.returncode == 0, signed.stdout + signed.stderr

    base = f"http://127.0.0.1:{system.settings.kaohe_gateway_port}/audit"
    keys = httpx.get(f"{base}/keys", timeout=10).json()["keys"]
    checkpoints = httpx.get(f"{base}/checkpoints", timeout=10).json()["checkpoints"]

    assert keys
    assert {k["algorithm"] for k in keys} == {"Ed25519"}
    assert keys[-1]["retired"] is None
    public = [PublicKey.from_verifier_key(k["verifier_key"]) for k in keys]
    directory = next(c for c in checkpoints if c["service"] == "directory")
    checkpoint, key = open_checkpoint(directory["note"], public)
    assert checkpoint.origin == "kaohe/directory"
    assert checkpoint.size == directory["size"] >= 8
    assert key.key_id == directory["key_id"]


def test_the_prove_command_proves_an_event_in_the_latest_checkpoint(
    system: System, units: tuple[str, str]
) -> None:
    kaohe(system, "audit", "checkpoint")
    proved = kaohe(system, "audit", "prove", "--service", "directory", "--position", "2")
    assert proved.returncode == 0, proved.stdout + proved.stderr
    assert "verified: the event is in the signed log" in proved.stdout
    missing = kaohe(system, "audit", "prove", "--service", "nowhere", "--position", "2")
    assert missing.returncode == 2
    assert "--service" in missing.stderr


def _events(bundle: Path) -> list[dict[str, Any]]:
    lines = (bundle / "events.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def _write_events(bundle: Path, events: list[dict[str, Any]]) -> None:
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
    (bundle / "events.jsonl").write_text(text)


def _rehash_manifest(bundle: Path) -> None:
    """What a careful forger does: make the manifest agree with the edited files."""
    manifest = json.loads((bundle / "manifest.json").read_text())
    for name in manifest["files"]:
        manifest["files"][name] = hashlib.sha256((bundle / name).read_bytes()).hexdigest()
    (bundle / "manifest.json").write_text(json.dumps(manifest))


def edit_one_byte_of_an_event(bundle: Path) -> None:
    events = _events(bundle)
    state = bytearray(base64.b64decode(events[0]["state"]))
    state[10] ^= 0x01
    events[0]["state"] = base64.b64encode(bytes(state)).decode()
    _write_events(bundle, events)


def edit_an_event_and_its_hashes(bundle: Path) -> None:
    edit_one_byte_of_an_event(bundle)
    events = _events(bundle)
    event = events[0]
    canonical = canonical_bytes(
        event["position"],
        event["originator_id"],
        event["originator_version"],
        event["topic"],
        base64.b64decode(event["state"]),
    )
    event["chain_hash"] = chain_link(bytes.fromhex(event["previous_chain_hash"]), canonical).hex()
    _write_events(bundle, events)
    _rehash_manifest(bundle)


def drop_a_line(bundle: Path) -> None:
    _write_events(bundle, _events(bundle)[1:])


def swap_a_checkpoint_signature(bundle: Path) -> None:
    document = json.loads((bundle / "checkpoints.json").read_text())
    signed = document["services"]["directory"]["checkpoints"]
    first, last = signed[0]["note"], signed[-1]["note"]
    signed[-1]["note"] = last.split("\n\n")[0] + "\n\n" + first.split("\n\n")[1]
    (bundle / "checkpoints.json").write_text(json.dumps(document))
    _rehash_manifest(bundle)


def relabel_another_logs_checkpoints(bundle: Path) -> None:
    document = json.loads((bundle / "checkpoints.json").read_text())
    document["services"]["feedback"] = document["services"]["directory"]
    (bundle / "checkpoints.json").write_text(json.dumps(document))
    _rehash_manifest(bundle)


TAMPERINGS: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "one byte of one event edited": (
        edit_one_byte_of_an_event,
        ["events.jsonl: sha256 differs from the manifest", "chain hash does not match"],
    ),
    "an event and its hashes edited, manifest redone": (
        edit_an_event_and_its_hashes,
        ["inclusion proof fails"],
    ),
    "a line dropped": (
        drop_a_line,
        ["events.jsonl: sha256 differs from the manifest", "the manifest declares"],
    ),
    "another log's checkpoints relabelled": (
        relabel_another_logs_checkpoints,
        ["origin 'kaohe/directory' is not the feedback log's"],
    ),
    "a checkpoint signature swapped": (
        swap_a_checkpoint_signature,
        ["does not verify: the note was altered or the signature forged"],
    ),
}


@pytest.fixture(scope="module")
def bundle(
    system: System, units: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    # A checkpoint before the last changes, so the bundle holds two and a consistency proof.
    assert kaohe(system, "audit", "checkpoint").returncode == 0
    admin = system.token([Role.ADMIN])
    system.data(admin, OPEN, unit=units[0], name="新科室", on="2025-01-01")
    out = tmp_path_factory.mktemp("export") / "bundle"
    exported = kaohe(
        system, "audit", "export", "--unit", "E2E-PROOFS", "--from", "2020-01-01", "--out", str(out)
    )
    assert exported.returncode == 0, exported.stdout + exported.stderr
    return out


def test_an_exported_unit_verifies_offline_with_only_its_own_events(
    bundle: Path, units: tuple[str, str], tmp_path: Path
) -> None:
    checked = offline_verifier(bundle, tmp_path)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "directory: OK" in checked.stdout
    assert "VERDICT: the bundle verifies" in checked.stdout
    events = _events(bundle)
    assert len(events) == 5
    assert {e["originator_id"] for e in events} == {units[0]}
    signed = json.loads((bundle / "checkpoints.json").read_text())["services"]["directory"]
    assert len(signed["checkpoints"]) >= 2
    assert (bundle / "verify_bundle.py").read_bytes() == VERIFIER.read_bytes()


def test_an_export_to_a_zip_archive_verifies_offline(
    system: System, units: tuple[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "bundle.zip"
    exported = kaohe(system, "audit", "export", "--unit", units[0], "--out", str(out))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    checked = offline_verifier(out, tmp_path)
    assert checked.returncode == 0, checked.stdout


def resign_with_a_forgers_key(bundle: Path) -> None:
    forger = Ed25519PrivateKey.generate()
    raw = forger.public_key().public_bytes_raw()
    document = json.loads((bundle / "checkpoints.json").read_text())
    for part in document["services"].values():
        for checkpoint in part["checkpoints"]:
            text = checkpoint["note"].split("\n\n")[0] + "\n"
            checkpoint["note"] = sign_note(text, "kaohe-audit", forger)
    (bundle / "checkpoints.json").write_text(json.dumps(document))
    key = PublicKey("kaohe-audit", raw)
    forged_keys = {"keys": [{"key_id": key.key_id, "verifier_key": verifier_key(key.name, raw)}]}
    (bundle / "keys.json").write_text(json.dumps(forged_keys))
    _rehash_manifest(bundle)


def test_pinned_keys_catch_a_bundle_resigned_with_another_key(
    system: System, bundle: Path, tmp_path: Path
) -> None:
    published = tmp_path / "published-keys.json"
    url = f"http://127.0.0.1:{system.settings.kaohe_gateway_port}/audit/keys"
    published.write_text(httpx.get(url, timeout=10).text)
    genuine = offline_verifier(bundle, tmp_path, keys=published)
    assert genuine.returncode == 0, genuine.stdout
    copy = tmp_path / "resigned"
    shutil.copytree(bundle, copy)
    resign_with_a_forgers_key(copy)

    # Trusting the bundle's own keys, the forgery is self-consistent: that is why keys are pinned.
    assert offline_verifier(copy, tmp_path).returncode == 0
    pinned = offline_verifier(copy, tmp_path, keys=published)

    assert pinned.returncode == 1
    assert "signed by no known key" in pinned.stdout


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_a_tampered_bundle_fails_the_offline_verifier_with_the_reason(
    bundle: Path, tmp_path: Path, tampering: str
) -> None:
    copy = tmp_path / "tampered"
    shutil.copytree(bundle, copy)
    tamper, reasons = TAMPERINGS[tampering]
    tamper(copy)

    checked = offline_verifier(copy, tmp_path)

    assert checked.returncode == 1, checked.stdout
    assert "VERDICT: FAILED" in checked.stdout
    for reason in reasons:
        assert reason in checked.stdout


PROOF = """query($service: String!, $position: Int!) {
  inclusionProof(service: $service, position: $position) {
    leafIndex leafHash path verified problem checkpoint { size keyId note } } }"""
CONSISTENCY = """query { consistencyProof(service: "directory") {
  old { size } new { size } path verified } }"""


def checkpoints_around(system: System, unit: str, department: str) -> None:
    """A checkpoint, then `department` opened in `unit`, then another over the longer log."""
    kaohe(system, "audit", "checkpoint")
    system.data(system.token([Role.ADMIN]), OPEN, unit=unit, name=department, on="2025-01-01")
    kaohe(system, "audit", "checkpoint")


def test_an_auditor_gets_verified_proofs_through_graphql(
    system: System, units: tuple[str, str]
) -> None:
    checkpoints_around(system, units[1], "又一科室")
    auditor = system.platform_auditor()

    with psycopg.connect(system.database) as conn:
        third = conn.execute(
            "SELECT notification_id FROM directory.directory_events ORDER BY 1 OFFSET 2 LIMIT 1"
        ).fetchone()
    assert third is not None
    proof = system.data(auditor, PROOF, service="directory", position=third[0])["inclusionProof"]
    consistency = system.data(auditor, CONSISTENCY)["consistencyProof"]
    keys = system.data(auditor, "{ auditKeys { keyId verifierKey retired } }")["auditKeys"]
    latest = system.data(auditor, "{ auditCheckpoints { service size } }")["auditCheckpoints"]

    assert proof["verified"], proof["problem"]
    assert proof["leafIndex"] == 2
    assert proof["checkpoint"]["keyId"] in {k["keyId"] for k in keys}
    assert consistency["verified"]
    assert consistency["old"]["size"] < consistency["new"]["size"]
    assert "directory" in {c["service"] for c in latest}


def test_proofs_are_refused_to_anyone_but_an_auditor(system: System) -> None:
    admin = system.token([Role.ADMIN])
    error = system.error(admin, PROOF, service="directory", position=1)
    assert error["extensions"]["missing_role"] == "AUDITOR"
    auditor = system.platform_auditor()
    unknown = system.error(auditor, PROOF, service="payroll", position=1)
    assert unknown["extensions"]["field"] == "service"


def test_the_consistency_command_proves_the_latest_checkpoint_extends_the_one_before(
    system: System, units: tuple[str, str]
) -> None:
    checkpoints_around(system, units[0], "再一科室")

    proved = kaohe(system, "audit", "consistency", "--service", "directory")

    assert proved.returncode == 0, proved.stdout + proved.stderr
    assert "verified: the newer log extends the older" in proved.stdout


def test_after_rotation_the_endpoint_publishes_the_retired_key_and_old_checkpoints_verify(
    system: System, units: tuple[str, str]
) -> None:
    # Last in this module: every later checkpoint is signed by the new key.
    base = f"http://127.0.0.1:{system.settings.kaohe_gateway_port}/audit"
    before = httpx.get(f"{base}/keys", timeout=10).json()["keys"]

    rotated = kaohe(system, "audit", "rotate-key")
    admin = system.token([Role.ADMIN])
    system.data(admin, OPEN, unit=units[0], name="轮换后科室", on="2025-01-01")
    signed = kaohe(system, "audit", "checkpoint", "--service", "directory")
    after = httpx.get(f"{base}/keys", timeout=10).json()["keys"]
    latest = httpx.get(f"{base}/checkpoints", params={"service": "directory"}, timeout=10).json()

    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert signed.returncode == 0, signed.stdout + signed.stderr
    assert len(after) == len(before) + 1
    assert all(k["retired"] for k in after[:-1])
    assert after[-1]["retired"] is None
    assert latest["checkpoints"][0]["key_id"] == after[-1]["key_id"]
    verified = kaohe(system, "audit", "verify")
    assert verified.returncode == 0, verified.stdout
    assert "signed and consistent" in verified.stdout
