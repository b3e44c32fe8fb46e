"""Anonymous complaints on a real PostgreSQL: the log never names the filer, the seal opens only
through a recorded disclosure, and a filing an old log names is shown under the pseudonym by the
feed and the audit trail while the chain still verifies (issue 13, finding 4).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import psycopg
import pytest

from gateway.audit.trail import TrailFilter, trail_page
from gateway.integrations.cursor import Cursor
from gateway.integrations.envelope import to_json
from gateway.integrations.feed import EventFilter, read_page
from gateway.integrations.scopes import FULL
from kernel.context import CommandContext, acting
from kernel.roles import Role
from services.audit.verify import verify_service
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import DepartmentCategory, ServiceKind
from services.feedback.anonymity import ANONYMOUS_FILER
from services.feedback.application import Feedback
from services.feedback.domain import Complaint
from services.feedback.vocabulary import FiledBy, TargetKind

TODAY = date(2026, 11, 2)


@pytest.fixture
def world(database: str, tmp_path: Path) -> Iterator[tuple[Feedback, UUID, UUID]]:
    directory = Directory.on_postgres(database)
    app = Feedback.on_postgres(
        database,
        org=OrgChart(directory),
        disclosure_key_file=tmp_path / "keys" / "disclosure.pem",
    )
    with acting(context(uuid4(), Role.APPRAISAL_OFFICE, None)):
        unit = UUID(
            directory.register_unit("匿名中心", f"A-{uuid4().hex[:6].upper()}").result["unit_id"]
        )
        canteen = UUID(
            directory.open_department(
                unit, "食堂", DepartmentCategory.SERVICE, ServiceKind.CANTEEN, date(2025, 1, 1)
            ).result["department_id"]
        )
    yield app, unit, canteen
    app.org.close()
    app.close()


def context(
    actor: UUID, role: Role, unit: UUID | None, reason: str | None = None
) -> CommandContext:
    return CommandContext(
        actor_id=actor,
        actor_role=role,
        now=datetime.now(UTC),
        tenant_id=unit,
        correlation_id=uuid4(),
        causation_id=uuid4(),
        reason=reason,
    )


def stored_states(database: str, complaint: UUID) -> list[tuple[str, bytes]]:
    with psycopg.connect(database) as conn:
        rows = conn.execute(
            "SELECT topic, state FROM feedback.feedback_events WHERE originator_id = %s "
            "ORDER BY notification_id",
            (complaint,),
        ).fetchall()
    return [(str(t), bytes(s)) for t, s in rows]


def test_an_anonymous_filing_records_the_pseudonym_and_a_seal_only_an_auditor_opens_on_record(
    database: str, world: tuple[Feedback, UUID, UUID]
) -> None:
    app, unit, canteen = world
    filer = uuid4()
    filing = context(filer, Role.SERVED_CADRE, unit)
    with acting(filing):
        complaint = UUID(
            app.file_complaint(
                unit,
                TargetKind.DEPARTMENT,
                canteen,
                FiledBy.SERVED_CADRE,
                None,
                "午餐菜品偏咸",
                TODAY,
                TODAY,
                filer_details={"login": "cadre1", "name": "王五"},
            ).result["complaint_id"]
        )
    stored = stored_states(database, complaint)
    assert [t.rsplit(".", 1)[-1] for t, _ in stored] == ["ComplaintFiled", "ComplaintFilerSealed"]
    for _, state in stored:
        for secret in (str(filer), str(filing.correlation_id), str(filing.causation_id), "王五"):
            assert secret.encode() not in state
        meta = json.loads(state)["meta"]["_data_"]
        assert meta["actor_id"] == str(ANONYMOUS_FILER)

    auditor = uuid4()
    with acting(context(auditor, Role.AUDITOR, None, reason="纪检调查:涉嫌诬告")):
        committed, opened = app.disclose_filer(complaint)
    assert opened == {
        "actor_id": str(filer),
        "actor_role": "SERVED_CADRE",
        "login": "cadre1",
        "name": "王五",
    }
    disclosed = stored_states(database, complaint)[-1]
    assert disclosed[0].endswith("ComplaintFilerDisclosed")
    meta = json.loads(disclosed[1])["meta"]["_data_"]
    assert (meta["actor_id"], meta["actor_role"], meta["reason"]) == (
        str(auditor),
        "AUDITOR",
        "纪检调查:涉嫌诬告",
    )
    assert str(filer).encode() not in disclosed[1]
    assert committed.result == {"complaint_id": str(complaint)}
    assert verify_service(database, "feedback").ok


async def test_a_filing_an_old_log_names_is_shown_under_the_pseudonym_and_the_chain_holds(
    database: str, world: tuple[Feedback, UUID, UUID]
) -> None:
    app, unit, canteen = world
    filer = uuid4()
    # As the service recorded anonymous complaints before filers were sealed.
    with acting(context(filer, Role.SERVED_CADRE, unit)):
        old = Complaint.file(
            unit,
            TargetKind.DEPARTMENT,
            canteen,
            canteen,
            FiledBy.SERVED_CADRE,
            None,
            "午餐菜品偏咸",
            TODAY,
            date(2026, 11, 9),
            False,
            TODAY,
        )
        app.commit(old, result={})
    assert str(filer).encode() in stored_states(database, old.id)[0][1]

    conn = await asyncpg.connect(database)
    try:
        page = await read_page(conn, Cursor(), EventFilter(unit_id=unit), limit=100)
        filings = [e for e, _ in page.events if e.originator_id == old.id]
        body = to_json(filings[0], scope=FULL)
        assert body["actor"] == str(ANONYMOUS_FILER)
        assert str(filer) not in json.dumps(body)

        trail = await trail_page(conn, TrailFilter(streams=(old.id,)), 10)
        assert [e.actor_id for e in trail] == [ANONYMOUS_FILER]
        # Asking the trail for the filer's acts does not find the filing either.
        assert await trail_page(conn, TrailFilter(actor_id=filer), 10) == []
    finally:
        await conn.close()
    assert verify_service(database, "feedback").ok
