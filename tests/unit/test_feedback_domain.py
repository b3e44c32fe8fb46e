"""Feedback without I/O: survey scales and results, complaint handling, late and overdue."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.calendar import add_working_days
from kernel.context import CommandContext, acting
from kernel.errors import NotPermittedError, RuleViolatedError
from kernel.roles import Role
from services.feedback.domain import Complaint, Survey
from services.feedback.vocabulary import FiledBy, Satisfaction, TargetKind

UNIT = uuid4()
VEHICLES, CANTEEN = uuid4(), uuid4()
HANDLER = uuid4()
TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def office(office_context: Callable[..., CommandContext]) -> Iterator[None]:
    now = datetime(2026, 9, 30, 2, tzinfo=UTC)
    with acting(office_context(now, actor_id=uuid4(), tenant_id=UNIT)):
        yield


def survey(low: int = 0, high: int = 100) -> Survey:
    return Survey.open(
        UNIT,
        "2026-Q3",
        "济宁市机关事务服务中心",
        [(VEHICLES, "公车科"), (CANTEEN, "食堂")],
        Decimal(low),
        Decimal(high),
    )


def response(**scores: Any) -> dict[str, Any]:
    return {"respondent_agency": "市委办公室", "scores": scores}


def test_a_score_outside_the_scale_is_refused_naming_the_field_and_range() -> None:
    s = survey(1, 5)
    with pytest.raises(RuleViolatedError) as refused:
        s.record_responses([response(**{str(VEHICLES): 6})], "FORM")
    assert refused.value.rule == "feedback.score_in_scale"
    assert refused.value.field == f"scores.{VEHICLES}"
    assert "1 to 5" in refused.value.message
    assert s.responses == []


def test_a_respondent_of_the_unit_itself_is_refused() -> None:
    with pytest.raises(RuleViolatedError) as refused:
        survey().record_responses(
            [{"respondent_agency": "济宁市机关事务服务中心", "scores": {str(VEHICLES): 90}}], "FORM"
        )
    assert refused.value.rule == "feedback.respondent_outside_unit"


def test_a_closed_survey_accepts_no_more_responses() -> None:
    s = survey()
    s.record_responses([response(**{str(VEHICLES): 90})], "FORM")
    s.close()
    with pytest.raises(RuleViolatedError) as refused:
        s.record_responses([response(**{str(VEHICLES): 80})], "FORM")
    assert refused.value.rule == "feedback.survey_closed"


def test_closing_fixes_mean_count_distribution_and_the_rule() -> None:
    s = survey(1, 5)
    for score in (5, 4, 4):
        s.record_responses([response(**{str(VEHICLES): score})], "FORM")
    results = s.close()
    assert results == [s.result_for(VEHICLES)]  # the canteen had no responses: no result
    result = results[0]
    assert result["count"] == 3
    assert result["mean"] == "4.33"
    assert [b["count"] for b in result["distribution"]] == [0, 0, 0, 2, 1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 100), min_size=1, max_size=30))
def test_the_distribution_counts_every_score_once(scores: list[int]) -> None:
    s = survey()
    s.record_responses([response(**{str(VEHICLES): v}) for v in scores], "CSV_IMPORT")
    result = s.result_for(VEHICLES)
    assert sum(b["count"] for b in result["distribution"]) == len(scores) == result["count"]
    mean = Decimal(result["mean"])
    assert min(scores) <= mean <= max(scores)


def complaint(received: date = date(2026, 9, 30), days: int = 3) -> Complaint:
    deadline = add_working_days(received, days)
    return Complaint.file(
        UNIT,
        TargetKind.DEPARTMENT,
        VEHICLES,
        VEHICLES,
        FiledBy.OFFICE_ON_BEHALF,
        {"name": "张处长", "agency": "市发改委", "contact": "0537-0000000"},
        "派车迟到40分钟",
        received,
        deadline.due_on,
        deadline.provisional,
        TODAY,
    )


def test_the_deadline_skips_national_day_and_counts_the_adjusted_saturday() -> None:
    assert complaint().deadline_on == date(2026, 10, 10)


def test_a_complaint_cannot_be_resolved_before_it_is_assigned() -> None:
    c = complaint()
    with pytest.raises(RuleViolatedError) as refused:
        c.resolve(Satisfaction.SATISFIED, date(2026, 10, 8), None, TODAY)
    assert refused.value.rule == "feedback.assigned_before_resolved"


def test_only_the_assigned_handler_responds() -> None:
    c = complaint()
    c.assign(HANDLER)
    with pytest.raises(NotPermittedError) as refused:
        c.respond(uuid4(), "已整改")
    assert refused.value.missing_relation == "ASSIGNED_HANDLER"
    c.respond(HANDLER, "已约谈驾驶员并调整派车规则")


@pytest.mark.parametrize(
    ("resolved", "late"),
    [(date(2026, 10, 10), False), (date(2026, 10, 12), True)],
    ids=["on the adjusted working Saturday", "the Monday after"],
)
def test_resolved_after_the_deadline_is_late(resolved: date, late: bool) -> None:
    c = complaint()
    c.assign(HANDLER)
    c.resolve(Satisfaction.SATISFIED, resolved, None, TODAY)
    assert c.late is late


def test_an_open_complaint_becomes_overdue_once() -> None:
    c = complaint()
    assert not c.check_overdue(date(2026, 10, 10))
    assert c.check_overdue(date(2026, 10, 11))
    assert not c.check_overdue(date(2026, 10, 12))
    names = [type(e).__name__ for e in c.collect_events()]
    assert names.count("ComplaintBecameOverdue") == 1


def test_a_dismissal_needs_a_reason_and_ends_the_handling() -> None:
    c = complaint()
    with pytest.raises(RuleViolatedError):
        c.dismiss(" ", date(2026, 10, 8))
    c.dismiss("经调取派车记录，车辆按时到达，投诉不实", date(2026, 10, 8))
    assert not c.check_overdue(date(2026, 12, 1))


def test_an_anonymous_complaint_has_no_complainant() -> None:
    deadline = add_working_days(date(2026, 9, 30), 3)
    c = Complaint.file(
        UNIT,
        TargetKind.PERSON,
        uuid4(),
        VEHICLES,
        FiledBy.OFFICE_ON_BEHALF,
        None,
        "服务态度差",
        date(2026, 9, 30),
        deadline.due_on,
        deadline.provisional,
        TODAY,
    )
    assert c.anonymous
    assert isinstance(c.id, UUID)


def test_a_complaint_is_not_resolved_before_it_was_received_nor_in_the_future() -> None:
    c = complaint()
    c.assign(HANDLER)
    for day in (date(2026, 9, 29), date(2026, 11, 25)):
        with pytest.raises(RuleViolatedError) as refused:
            c.resolve(Satisfaction.SATISFIED, day, None, TODAY)
        assert refused.value.rule == "feedback.handled_between_receipt_and_today"
        assert refused.value.field == "resolved_on"


def test_a_fractional_score_on_a_short_scale_closes_into_its_bin() -> None:
    s = survey(1, 5)
    s.record_responses([response(**{str(VEHICLES): "2.5"}), response(**{str(VEHICLES): 5})], "FORM")
    result = s.close()[0]
    assert [b["count"] for b in result["distribution"]] == [0, 1, 0, 0, 1]
    assert result["mean"] == "3.75"


def test_every_feedback_event_carries_the_kernels_metadata() -> None:
    c = complaint()
    c.assign(HANDLER)
    c.respond(HANDLER, "已整改")
    c.resolve(Satisfaction.DISSATISFIED, date(2026, 10, 9), "投诉人认为整改不到位", TODAY)
    s = survey()
    s.record_responses([response(**{str(VEHICLES): 88})], "FORM")
    s.close()
    events = [*c.collect_events(), *s.collect_events()]
    assert len(events) == 7
    for e in events:
        meta = e.meta  # type: ignore[attr-defined]
        assert meta.actor_role is Role.APPRAISAL_OFFICE
        assert meta.tenant_id == UNIT
        assert meta.occurred_at == e.timestamp
