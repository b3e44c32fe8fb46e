"""The feedback service on a real PostgreSQL: the overdue check, CSV import, metadata."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from kernel.context import CommandContext, acting
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import DepartmentCategory, ServiceKind
from services.feedback.application import Feedback
from tests.integration.recorded import file_late_dispatch_complaint, scalar

FOUNDED = date(2025, 1, 1)
OVERDUE_EVENTS = (
    "SELECT count(*) FROM feedback.feedback_events WHERE originator_id = %s "
    "AND topic LIKE '%%ComplaintBecameOverdue'"
)


@pytest.fixture
def world(database: str) -> Iterator[tuple[Feedback, Feedback, UUID, UUID]]:
    directory = Directory.on_postgres(database)
    first = Feedback.on_postgres(database, org=OrgChart(directory))
    second = Feedback.on_postgres(database, org=OrgChart(Directory.on_postgres(database)))
    with acting(office()):
        unit = UUID(
            directory.register_unit("测试中心", f"F-{uuid4().hex[:6].upper()}").result["unit_id"]
        )
        vehicles = UUID(
            directory.open_department(
                unit, "公车科", DepartmentCategory.SERVICE, ServiceKind.VEHICLES, FOUNDED
            ).result["department_id"]
        )
    yield first, second, unit, vehicles
    for app in (first, second):
        app.org.close()
        app.close()


def office() -> CommandContext:
    return CommandContext(
        actor_id=uuid4(), actor_role=Role.APPRAISAL_OFFICE, now=datetime.now(UTC), tenant_id=None
    )


def test_the_overdue_check_run_twice_and_at_once_emits_one_event(
    world: tuple[Feedback, Feedback, UUID, UUID], database: str
) -> None:
    first, second, unit, vehicles = world
    with acting(office()):
        filed = file_late_dispatch_complaint(first, unit, vehicles)
    complaint = UUID(filed.result["complaint_id"])
    # Five working days (the default) after 30 September, across the National Day holiday
    # and counting the adjusted working Saturday 10 October.
    assert filed.result["deadline_on"] == "2026-10-13"
    today = date(2026, 10, 14)
    # Two checkers load the same open complaint before either saves...
    with acting(office()):
        a, b = first.get_complaint(complaint), second.get_complaint(complaint)
        assert a.check_overdue(today)
        assert b.check_overdue(today)
        first.save(a)
        with pytest.raises(IntegrityError):
            second.save(b)
        # ...and the scheduled check, run again, finds nothing more to flag.
        assert first.check_overdue(today) == []
        assert second.check_overdue(date(2026, 10, 20)) == []
    assert scalar(database, OVERDUE_EVENTS, complaint) == 1


def test_a_csv_import_records_the_valid_rows_and_reports_the_rest(
    world: tuple[Feedback, Feedback, UUID, UUID],
) -> None:
    app, _, unit, _ = world
    with acting(office()):
        survey = UUID(app.open_survey(unit, "2026-Q3", None).result["survey_id"])
        csv = (
            "respondent_agency,respondent,公车科,comment\n"
            "市委办公室,李,95,准时\n"
            "市财政局,,101,\n"
            "测试中心,,90,本单位\n"
            "市教育局,,abc,\n"
            ",,80,\n"
            "市卫健委,,88,\n"
            "市公安局,,NaN,\n"
        )
        committed, report = app.import_responses(survey, csv)
    assert committed is not None
    assert report["accepted"] == 2
    assert [(r["line"], r["rule"]) for r in report["rejected"]] == [
        (3, "feedback.score_in_scale"),
        (4, "feedback.respondent_outside_unit"),
        (5, "feedback.score_is_number"),
        (6, "feedback.respondent_agency"),
        (8, "feedback.score_is_number"),
    ]
    assert len(app.get_survey(survey).responses) == 2
