"""The GraphiQL page in a real browser on an intranet: Debian's headless Chromium, every request to
another host refused. Run by `make browser-check` (it needs chromium and npm), not by
`make test`: the rest of the suite needs neither."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from uuid import uuid4

import pytest

from kernel.roles import Role
from tests.e2e.conftest import System

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("KAOHE_BROWSER_CHECK") != "1",
        reason="the browser check runs with `make browser-check`",
    ),
]

HERE = Path(__file__).parent
REGISTER = """mutation($code: String!) {
  registerUnit(name: "浏览器检查单位", code: $code) { unit { id } } }"""


def test_the_page_renders_offline_and_runs_a_query_and_a_subscription_with_the_pasted_token(
    system: System, tmp_path: Path
) -> None:
    admin = system.token([Role.ADMIN])
    system.data(admin, REGISTER, code=f"BROWSER-{uuid4().hex[:6].upper()}")  # an event to stream
    node = shutil.which("node")
    assert node is not None, "the browser check needs node (and npm ci in tests/e2e/browser)"
    screenshot = Path(os.environ.get("KAOHE_BROWSER_SCREENSHOT", tmp_path / "graphiql.png"))

    finished = subprocess.run(
        [node, HERE / "graphiql.mjs", system.graphql_url, admin, screenshot],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    findings = json.loads(finished.stdout.splitlines()[-1])
    assert findings["outside"] == []
    assert findings["violations"] == []
    assert "errors" not in findings["answer"]
    assert findings["subscribed"]
    assert screenshot.stat().st_size > 0
