"""On the real directory log: a revoked office role is refused at the next request (the cache
keyed by the log's position sees the revocation), and platform auditors are the administrator's
to appoint, through the directory service's REST API."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID, uuid4

from fastapi.testclient import TestClient

from bench.system import token_for
from kernel.context import Scope
from kernel.roles import Role
from kernel.settings import Settings
from services.directory.main import create_app
from tests.integration.recorded import unit_over_rest


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_grants_follow_the_directory_log_at_every_request(database: str, data_dir: Path) -> None:
    settings = Settings(database_url=database, kaohe_data_dir=data_dir)
    admin = bearer(token_for(settings, [Role.ADMIN]))
    with TestClient(create_app(settings)) as client:
        unit_id, dept = unit_over_rest(client, admin, "授权单位", "GRANTS-PG")
        unit = UUID(unit_id)
        person = client.post(
            f"/units/{unit}/people",
            json={
                "name": "王芳",
                "login": "wangfang",
                "position_category": "GENERAL",
                "department_id": dept,
            },
            headers=admin,
        ).json()["person_id"]
        grant = {"person_id": person, "role": "APPRAISAL_OFFICE"}
        assert client.post(f"/units/{unit}/office-roles", json=grant, headers=admin).is_success
        office = bearer(
            token_for(settings, [Role.APPRAISAL_OFFICE], person_id=UUID(person), tenant_id=unit)
        )
        assert client.get(f"/units/{unit}", headers=office).status_code == 200
        assert client.get(f"/units/{unit}", headers=office).status_code == 200

        # The office cannot make an auditor of every unit; the administrator can.
        login = f"jijian-{uuid4().hex[:8]}"  # the platform is shared by the session's modules
        appoint = {"name": "纪检甲", "login": login, "body": "纪检监察组", "reason": "派驻监督"}
        refused = client.post("/platform/auditors", json=appoint, headers=office)
        assert refused.status_code == 403
        assert refused.json()["error"]["rule"] == "directory.platform_auditor_by_admin"
        assert refused.json()["error"]["missing_role"] == "ADMIN"
        appointed = client.post("/platform/auditors", json=appoint, headers=admin)
        assert appointed.status_code == 201
        auditor_id = UUID(appointed.json()["person_id"])
        auditor = bearer(
            token_for(settings, [Role.AUDITOR], person_id=auditor_id, scope=Scope.PLATFORM)
        )
        assert client.get(f"/units/{unit}", headers=auditor).status_code == 200

        # The office revokes its own role: the very next request is refused.
        revoked = client.post(f"/units/{unit}/office-roles/revocations", json=grant, headers=office)
        assert revoked.status_code == 201
        after = client.get(f"/units/{unit}", headers=office)
        assert after.status_code == 401
        assert after.json()["error"]["rule"] == "kernel.grant_in_force"
        assert "APPRAISAL_OFFICE" in after.json()["error"]["message"]
