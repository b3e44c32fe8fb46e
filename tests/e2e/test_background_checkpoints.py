"""End to end: the checkpoint signer (its own process) signs each log's checkpoint as events arrive,
with no command run, and the gateway publishes it.
"""

from __future__ import annotations

import time

import httpx
import pytest

from kernel.roles import Role
from services.audit.tlog import PublicKey, open_checkpoint
from tests.e2e.conftest import System

pytestmark = pytest.mark.e2e

# A checkpoint after every event, looked for every second.
SYSTEM_ENV = {"KAOHE_CHECKPOINT_EVERY_EVENTS": "1", "KAOHE_CHECKPOINT_EVERY_SECONDS": "1"}

REGISTER = """mutation($name: String!, $code: String!) {
  registerUnit(name: $name, code: $code) { unit { id } position } }"""


def test_the_signer_signs_a_checkpoint_covering_a_new_event(system: System) -> None:
    admin = system.token([Role.ADMIN])
    position = system.data(admin, REGISTER, name="后台签名单位", code="E2E-SIGNER")["registerUnit"][
        "position"
    ]
    base = f"http://127.0.0.1:{system.settings.kaohe_gateway_port}/audit"
    deadline = time.monotonic() + 30
    covering = None
    while covering is None and time.monotonic() < deadline:
        published = httpx.get(f"{base}/checkpoints", timeout=10).json()["checkpoints"]
        covering = next(
            (
                c
                for c in published
                if c["service"] == "directory" and c["last_position"] >= position
            ),
            None,
        )
        if covering is None:
            time.sleep(0.5)
    assert covering is not None, "no checkpoint of the directory log covers the new event"
    keys = httpx.get(f"{base}/keys", timeout=10).json()["keys"]
    checkpoint, _ = open_checkpoint(
        covering["note"], [PublicKey.from_verifier_key(k["verifier_key"]) for k in keys]
    )
    assert checkpoint.origin == "kaohe/directory"
