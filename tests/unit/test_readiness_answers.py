"""`/ready` answers: every check at once, each bounded in time, 503 naming what fails."""

from __future__ import annotations

import asyncio
import json

import pytest

from kernel import readiness


async def ok() -> str | None:
    return None


async def down() -> str | None:
    return "the database does not answer"


async def hangs() -> str | None:
    await asyncio.sleep(3600)
    return None


def answer(checks: dict[str, readiness.Check]) -> tuple[int, dict[str, object]]:
    response = asyncio.run(readiness.readiness(checks))
    return response.status_code, json.loads(bytes(response.body))


def test_ready_when_every_check_passes() -> None:
    assert answer({"database": ok, "background": ok}) == (
        200,
        {"ready": True, "checks": {"database": "ok", "background": "ok"}},
    )


def test_not_ready_names_each_failing_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness, "CHECK_TIMEOUT", 0.05)
    status, body = answer({"database": down, "projections": hangs, "background": ok})
    assert status == 503
    assert body == {
        "ready": False,
        "checks": {
            "database": "the database does not answer",
            "projections": "no answer within 0.05s",
            "background": "ok",
        },
    }


def test_a_stopped_background_task_is_named() -> None:
    async def run() -> str | None:
        done = asyncio.create_task(ok())
        alive = asyncio.create_task(hangs())
        await done
        try:
            return await readiness.running({"webhooks": done, "nats": alive})()
        finally:
            alive.cancel()

    assert asyncio.run(run()) == "stopped: webhooks"
