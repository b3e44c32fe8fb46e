"""Concurrent commands on one aggregate over HTTP: without If-Match, each is decided in turn."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import uuid4

from fastapi.testclient import TestClient

from bench.system import token_for
from kernel.roles import Role
from kernel.settings import Settings
from services.directory.main import create_app
from tests.integration.recorded import unit_over_rest


def test_concurrent_additions_to_one_unit_all_succeed(database: str, data_dir: Path) -> None:
    settings = Settings(database_url=database, kaohe_data_dir=data_dir)
    headers = {"Authorization": f"Bearer {token_for(settings, [Role.ADMIN])}"}
    with TestClient(create_app(settings)) as client:
        code = f"P-{uuid4().hex[:6].upper()}"
        unit, department = unit_over_rest(client, headers, "并发单位", code)

        def add(i: int) -> int:
            response = client.post(
                f"/units/{unit}/people",
                json={
                    "name": f"同事{i}",
                    "login": f"colleague{i}",
                    "position_category": "GENERAL",
                    "department_id": department,
                },
                headers=headers,
            )
            status: int = response.status_code
            return status

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(add, range(24)))
        version = client.get(f"/units/{unit}", headers=headers).json()["version"]
    assert statuses == [201] * 24
    assert version == 2 + 24
