"""The benchmark smoke: `python -m bench --smoke` runs end to end and writes its JSON, so the
benchmark cannot rot. The numbers themselves are never asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_bench_smoke_runs_and_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    for key in (
        "machine",
        "write_path",
        "read_path",
        "audit",
        "memory_peak_kib",
        "load_generator_ceiling",
        "ratios",
        "not_measured",
        "projection_lag",
        "replay",
    ):
        assert key in results
    figures = results["write_path"]["figures"]
    for command in ("add_person", "draft_goal_set", "file_complaint", "bare_insert"):
        for level in (1, 8, 32):
            assert set(figures[f"{command}@{level}"]) >= {"per_second", "p50_ms", "p99_ms"}
    for level in (1, 8, 32):
        assert {f"es_save@{level}", f"kaohe_save@{level}"} <= set(figures)
    assert {"p50_ms", "p99_ms", "achieved_per_second"} <= set(results["projection_lag"]["lag@20"])
    assert {"replay_events_per_second", "scan_events_per_second"} <= set(results["replay"])
    assert results["audit"]["chains_ok"]
    assert results["audit"]["live_chains_ok"]
    assert {"graphql_department_people", "graphql_typename", "asyncpg_department_people"} <= set(
        results["read_path"]["figures"]
    )
    assert {"directory", "goals", "feedback", "gateway"} <= set(results["memory_peak_kib"])
