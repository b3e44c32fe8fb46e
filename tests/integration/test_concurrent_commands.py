"""Concurrent commands on one aggregate over HTTP: without If-Match, each is decided in turn."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import uuid4

from fastapi.testclient import TestClient

from kernel.auth import mint_token
from kernel.roles import Role
from kernel.settings import Settings
from services.directory.main import create_app


def test_concurrent_additions_to_one_unit_all_succeed(database: str, data_dir: Path) -> None:
    settings = Settings(database_url=database, kaohe_data_dir=data_dir)
    admin = mint_token(
        settings, person_id=uuid4(), tenant_id=None, login="admin", name="admin", roles=[Role.ADMIN]
    )
    headers = {"Authorization": f"Bearer {admin}"}
    with TestClient(create_app(settings)) as client:
        unit = client.post(
            "/units",
            json={"name": "并发单位", "code": f"P-{uuid4().hex[:6].upper()}"},
            headers=headers,
        ).json()["unit_id"]
        department = client.post(
            f"/units/{unit}/departments",
            json={"name": "综合科", "category": "GENERAL"},
            headers=headers,
        ).json()["department_id"]

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
