"""A quarter's appraisal without I/O, as a specification: the cycle from its locked configuration
to confirmed grades, each participant's summary, ratings and feedback talk, who may do each step
(whoever manages, rates, on the day of the act), sanctions, and the metadata on every event.

Every refusal is checked for its rule and for the field or the missing relation it names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID, uuid4

import pytest

from kernel.aggregate import KaoheAggregate
from kernel.context import CommandContext, EventMeta, acting
from kernel.errors import DomainError, NotFoundError, NotPermittedError, RuleViolatedError
from kernel.roles import Role
from services.directory.domain import Unit
from services.directory.managers import Managers
from services.directory.vocabulary import DepartmentCategory, PositionCategory, ServiceKind
from services.reviews.domain import (
    Appraisal,
    Cycle,
    Participant,
    Sanction,
    quarter_span,
    sanction_ends,
)
from services.reviews.relations import rater_relation, required_raters, talk_relation
from services.reviews.scheme import CycleConfig
from services.reviews.scoring import FeedbackFacts, composite
from services.reviews.vocabulary import (
    CycleStatus,
    Grade,
    ObjectionStatus,
    RaterRelation,
    Rounding,
    SanctionKind,
)

UNIT = uuid4()
OFFICE_ID = uuid4()
DEPARTMENT = uuid4()
STAFF, HEAD, LEADER, PRINCIPAL, DEPUTY, OUTSIDER = (uuid4() for _ in range(6))
QUARTER = "2026-Q3"
OPENED_ON = date(2026, 10, 8)
BEGAN_ON = date(2026, 10, 9)
PUBLISHED_ON = date(2026, 10, 20)
ENDS_ON = date(2026, 10, 27)
OBJECTIONS_UNTIL = date(2026, 10, 23)
AFTER_PUBLICITY = date(2026, 10, 28)
NOW = datetime(2026, 10, 8, 2, tzinfo=UTC)

HEAD_REL, LEADER_REL, PRINCIPAL_REL = (
    RaterRelation.DEPARTMENT_HEAD,
    RaterRelation.SUPERVISING_LEADER,
    RaterRelation.PRINCIPAL_LEADER,
)
GENERAL = CycleConfig().indicators_for(PositionCategory.GENERAL)
SERVICE = CycleConfig().indicators_for(PositionCategory.SERVICE)


def context(
    actor_id: UUID = OFFICE_ID,
    role: Role = Role.APPRAISAL_OFFICE,
    reason: str | None = None,
) -> CommandContext:
    return CommandContext(
        actor_id=actor_id, actor_role=role, now=NOW, tenant_id=UNIT, reason=reason
    )


@pytest.fixture(autouse=True)
def as_the_office() -> Iterator[None]:
    with acting(context()):
        yield


def refusal(error: pytest.ExceptionInfo[DomainError], rule: str, field: str | None) -> None:
    assert error.value.rule == rule, error.value.message
    assert error.value.field == field


def stamped(events: Sequence[object]) -> list[KaoheAggregate.Event]:
    return [cast(KaoheAggregate.Event, e) for e in events]


def event_names(aggregate: KaoheAggregate) -> list[str]:
    return [type(e).__name__ for e in aggregate.collect_events()]


# -- building a cycle ------------------------------------------------------------------------


def participant(
    person_id: UUID | None = None,
    name: str = "孙科员",
    category: PositionCategory = PositionCategory.GENERAL,
) -> Participant:
    return Participant(person_id or uuid4(), name, DEPARTMENT, "公车科", category)


def team(n: int) -> list[Participant]:
    return [participant(name=f"科员{i:02d}") for i in range(n)]


def opened(people: list[Participant] | None = None, config: CycleConfig | None = None) -> Cycle:
    return Cycle.open(UNIT, QUARTER, config or CycleConfig(), people or team(3), OPENED_ON)


def appraising(people: list[Participant] | None = None, config: CycleConfig | None = None) -> Cycle:
    cycle = opened(people, config)
    cycle.begin_appraisal(True, {})
    return cycle


def in_line(cycle: Cycle, grades: Sequence[Grade]) -> dict[UUID, Decimal | None]:
    """Propose `grades` for the participants in order, with scores descending: all in line."""
    people = list(cycle.participants)
    scores: dict[UUID, Decimal | None] = {p: Decimal(99 - i) for i, p in enumerate(people)}
    cycle.propose_grades({p: (g, None) for p, g in zip(people, grades, strict=True)}, scores)
    return scores


def finalised(top: int = 1, n: int = 3, config: CycleConfig | None = None) -> Cycle:
    cycle = appraising(team(n), config)
    scores = in_line(cycle, [Grade.GOOD] * top + [Grade.FAIRLY_GOOD] * (n - top))
    cycle.finalise(PRINCIPAL, PRINCIPAL, {}, scores)
    return cycle


def published(top: int = 1, n: int = 3, config: CycleConfig | None = None) -> Cycle:
    cycle = finalised(top, n, config)
    cycle.publish(PUBLISHED_ON, ENDS_ON, OBJECTIONS_UNTIL, PUBLISHED_ON)
    return cycle


def nth(cycle: Cycle, i: int) -> UUID:
    return list(cycle.participants)[i]


# -- opening ------------------------------------------------------------------------------------


def test_a_cycle_opens_with_its_configuration_recorded_in_full() -> None:
    config = CycleConfig(quota_rounding=Rounding.HALF_UP, publicity_days=7, objection_days=3)

    cycle = opened(config=config)

    assert cycle.id == Cycle.create_id(UNIT, QUARTER)
    assert cycle.status is CycleStatus.OPENED
    assert cycle.config == config
    assert event_names(cycle) == ["CycleOpened"]


def test_a_quarter_written_otherwise_than_2026_q2_is_refused() -> None:
    with pytest.raises(RuleViolatedError) as error:
        Cycle.open(UNIT, "2026Q3", CycleConfig(), team(1), OPENED_ON)

    refusal(error, "reviews.quarter_format", "quarter")


def test_a_cycle_cannot_open_before_its_quarter_starts() -> None:
    with pytest.raises(RuleViolatedError) as error:
        Cycle.open(UNIT, QUARTER, CycleConfig(), team(1), date(2026, 6, 30))

    refusal(error, "reviews.quarter_started", "quarter")


def test_a_cycle_appraises_at_least_one_person() -> None:
    with pytest.raises(RuleViolatedError) as error:
        Cycle.open(UNIT, QUARTER, CycleConfig(), [], OPENED_ON)

    refusal(error, "reviews.participants", "participants")


def test_a_cycle_does_not_open_with_a_broken_configuration() -> None:
    with pytest.raises(RuleViolatedError) as error:
        opened(config=CycleConfig(publicity_days=3, objection_days=4))

    refusal(error, "reviews.objection_window", "config.objection_days")


def test_quarters_span_their_three_months() -> None:
    assert quarter_span("2026-Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_span("2024-Q1")[1] == date(2024, 3, 31)
    assert quarter_span("2026-Q3") == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter_span("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    "step",
    ["opened", "appraising", "finalised", "published", "confirmed"],
)
def test_the_configuration_cannot_be_changed_at_any_step_after_opening(step: str) -> None:
    steps: dict[str, Callable[[], Cycle]] = {
        "opened": opened,
        "appraising": appraising,
        "finalised": finalised,
        "published": published,
        "confirmed": lambda: confirmed(published()),
    }
    cycle = steps[step]()
    cycle.collect_events()

    with pytest.raises(RuleViolatedError) as error:
        cycle.reconfigure()

    refusal(error, "reviews.config_locked", "config")
    assert "2026-10-08" in error.value.message
    assert cycle.collect_events() == []


def confirmed(cycle: Cycle) -> Cycle:
    cycle.confirm(AFTER_PUBLICITY)
    return cycle


# -- appraisal begins once the survey has closed --------------------------------------------------


def service_team() -> list[Participant]:
    return [
        participant(STAFF, "钱司机", PositionCategory.SERVICE),
        participant(uuid4(), "赵科员", PositionCategory.GENERAL),
    ]


@pytest.mark.parametrize(
    ("survey_closed", "said"), [(None, "has not been opened"), (False, "is still open")]
)
def test_appraisal_waits_for_the_survey_to_close_when_feedback_indicators_exist(
    survey_closed: bool | None, said: str
) -> None:
    cycle = opened(service_team())

    with pytest.raises(RuleViolatedError) as error:
        cycle.begin_appraisal(survey_closed, {})

    refusal(error, "reviews.survey_closed_first", "quarter")
    assert said in error.value.message
    assert cycle.status is CycleStatus.OPENED


def test_a_cycle_without_feedback_indicators_begins_without_a_survey() -> None:
    cycle = opened(team(2))

    cycle.begin_appraisal(None, {})

    assert cycle.status is CycleStatus.APPRAISING
    assert cycle.feedback == {}


def test_beginning_fixes_each_service_positions_feedback_facts_and_score() -> None:
    # Given a service position with a survey mean of 90, one praise and one overdue complaint
    cycle = opened(service_team())
    facts = FeedbackFacts(department_mean=Decimal(90), praise=1, complaints=1, overdue=1)

    # When the appraisal begins after the survey closed
    cycle.begin_appraisal(True, {STAFF: facts})

    # Then 90 + 2 - 5 - 10 = 77 is fixed with its facts and steps; the general position has none
    assert cycle.feedback_score_of(STAFF) == Decimal(77)
    assert cycle.feedback[STAFF]["facts"] == facts.as_dict()
    assert len(cycle.feedback[STAFF]["steps"]) == 4
    assert len(cycle.feedback) == 1


def test_a_service_position_without_feedback_facts_gets_the_no_survey_score() -> None:
    cycle = opened(service_team())

    cycle.begin_appraisal(True, {})

    assert cycle.feedback_score_of(STAFF) == Decimal(80)


def test_appraisal_begins_only_once() -> None:
    cycle = appraising()

    with pytest.raises(RuleViolatedError) as error:
        cycle.begin_appraisal(True, {})

    refusal(error, "reviews.cycle_step", "status")
    assert "APPRAISING (考核中)" in error.value.message


# -- proposing grades ---------------------------------------------------------------------------


def test_grades_cannot_be_proposed_before_the_appraisal_begins() -> None:
    cycle = opened()

    with pytest.raises(RuleViolatedError) as error:
        cycle.propose_grades({nth(cycle, 0): (Grade.GOOD, None)}, {})

    refusal(error, "reviews.cycle_step", "status")


def test_a_grade_left_out_follows_the_band_of_the_composite_score() -> None:
    cycle = appraising(team(3))
    a, b, c = cycle.participants

    cycle.propose_grades(
        {a: (None, None), b: (None, None), c: (Grade.AVERAGE, "请假较多")},
        {a: Decimal("90.00"), b: Decimal("89.99"), c: Decimal(70)},
    )

    assert cycle.grades == {a: Grade.GOOD, b: Grade.FAIRLY_GOOD, c: Grade.AVERAGE}
    assert cycle.justifications == {c: "请假较多"}


def test_without_a_score_a_grade_must_be_proposed_explicitly() -> None:
    cycle = appraising(team(2))
    person = nth(cycle, 0)

    with pytest.raises(RuleViolatedError) as error:
        cycle.propose_grades({person: (None, None)}, {person: None})

    refusal(error, "reviews.grade_from_bands", f"grades.{person}.grade")


def test_a_grade_for_someone_outside_the_cycle_is_refused() -> None:
    cycle = appraising()
    stranger = uuid4()

    with pytest.raises(NotFoundError) as error:
        cycle.propose_grades({stranger: (Grade.GOOD, None)}, {})

    assert error.value.rule == "reviews.participant"
    assert error.value.field == f"grades.{stranger}"


def test_a_proposal_over_the_quota_is_recorded_with_the_quota_reported_broken() -> None:
    # Given 12 participants and the default 40% rounded down: 4 may have the top grade
    cycle = appraising(team(12))
    cycle.collect_events()

    # When five are proposed for it
    in_line(cycle, [Grade.GOOD] * 5 + [Grade.FAIRLY_GOOD] * 7)

    # Then the proposal stands, and says the quota is broken
    (proposed,) = cycle.collect_events()
    assert cast(Any, proposed).quota == {"participants": 12, "limit": 4, "top": 5, "ok": False}


def test_a_later_proposal_without_a_justification_withdraws_the_earlier_one() -> None:
    cycle = appraising(team(2))
    person = nth(cycle, 0)
    cycle.propose_grades({person: (Grade.GOOD, "关键时刻顶上")}, {})

    cycle.propose_grades({person: (Grade.GOOD, None)}, {})

    assert person not in cycle.justifications


# -- finalising -------------------------------------------------------------------------------


def test_only_the_principal_leader_finalises() -> None:
    cycle = appraising(team(3))
    scores = in_line(cycle, [Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE])

    with pytest.raises(NotPermittedError) as error:
        cycle.finalise(LEADER, PRINCIPAL, {}, scores)

    assert error.value.rule == "reviews.principal_finalises"
    assert error.value.missing_relation == "PRINCIPAL_LEADER"
    assert cycle.status is CycleStatus.APPRAISING


def test_a_unit_without_a_principal_leader_cannot_finalise() -> None:
    cycle = appraising(team(1))
    scores = in_line(cycle, [Grade.FAIRLY_GOOD])

    with pytest.raises(NotPermittedError) as error:
        cycle.finalise(PRINCIPAL, None, {}, scores)

    assert error.value.missing_relation == "PRINCIPAL_LEADER"


def test_finalising_lists_everyone_still_missing_a_summary_a_rating_or_a_grade() -> None:
    # Given 甲 without a summary, 乙 without the supervising leader's rating, 丙 without a grade
    jia, yi, bing = (participant(name=n) for n in ("甲", "乙", "丙"))
    cycle = appraising([jia, yi, bing])
    cycle.propose_grades(
        {jia.person_id: (Grade.FAIRLY_GOOD, None), yi.person_id: (Grade.FAIRLY_GOOD, None)}, {}
    )
    missing = {
        jia.person_id: ["summary (个人小结)"],
        yi.person_id: ["rating (评鉴): SUPERVISING_LEADER"],
        bing.person_id: [],
    }

    # When the principal leader finalises
    with pytest.raises(RuleViolatedError) as error:
        cycle.finalise(PRINCIPAL, PRINCIPAL, missing, {})

    # Then the refusal names each of them with what they lack
    refusal(error, "reviews.complete_before_final", "participants")
    message = error.value.message
    assert message.startswith("3 participant(s) are not ready")
    assert "甲: summary (个人小结)" in message
    assert "乙: rating (评鉴): SUPERVISING_LEADER" in message
    assert "丙: grade (等次)" in message
    assert cycle.status is CycleStatus.APPRAISING


def test_a_grade_out_of_line_needs_a_justification_before_finalising() -> None:
    # Given 乙 (85) proposed 好 above 甲 (92) proposed 较好
    jia, yi = participant(name="甲"), participant(name="乙")
    cycle = appraising([jia, yi, participant(name="丙")])
    a, b, c = cycle.participants
    scores: dict[UUID, Decimal | None] = {a: Decimal(92), b: Decimal(85), c: Decimal(70)}
    cycle.propose_grades(
        {a: (Grade.FAIRLY_GOOD, None), b: (Grade.GOOD, None), c: (Grade.AVERAGE, None)}, scores
    )
    assert cycle.unjustified(scores) == {b: a}

    with pytest.raises(RuleViolatedError) as error:
        cycle.finalise(PRINCIPAL, PRINCIPAL, {}, scores)

    refusal(error, "reviews.complete_before_final", "participants")
    assert "乙: justification (说明): graded above 甲, who scored higher" in error.value.message

    # When the office writes the justification, the grades can be finalised
    cycle.propose_grades({b: (Grade.GOOD, "牵头完成全市公车平台改革，群众评价高")}, scores)
    cycle.finalise(PRINCIPAL, PRINCIPAL, {}, scores)
    assert cycle.status is CycleStatus.FINALISED


@pytest.mark.parametrize(
    ("rounding", "limit"), [(Rounding.FLOOR, 4), (Rounding.HALF_UP, 5)], ids=["floor", "half-up"]
)
def test_finalising_exactly_at_the_quota_passes(rounding: Rounding, limit: int) -> None:
    cycle = appraising(team(12), CycleConfig(quota_rounding=rounding))
    scores = in_line(cycle, [Grade.GOOD] * limit + [Grade.FAIRLY_GOOD] * (12 - limit))
    cycle.collect_events()

    cycle.finalise(PRINCIPAL, PRINCIPAL, {}, scores)

    (final,) = cycle.collect_events()
    assert type(final).__name__ == "GradesFinalised"
    assert cast(Any, final).quota == {"participants": 12, "limit": limit, "top": limit, "ok": True}
    assert cycle.status is CycleStatus.FINALISED


@pytest.mark.parametrize(
    ("rounding", "limit", "label"),
    [(Rounding.FLOOR, 4, "向下取整"), (Rounding.HALF_UP, 5, "四舍五入")],
    ids=["floor", "half-up"],
)
def test_finalising_one_over_the_quota_is_refused(
    rounding: Rounding, limit: int, label: str
) -> None:
    cycle = appraising(team(12), CycleConfig(quota_rounding=rounding))
    scores = in_line(cycle, [Grade.GOOD] * (limit + 1) + [Grade.FAIRLY_GOOD] * (11 - limit))

    with pytest.raises(RuleViolatedError) as error:
        cycle.finalise(PRINCIPAL, PRINCIPAL, {}, scores)

    refusal(error, "reviews.top_grade_quota", "grades")
    assert f"{limit + 1} people have the top grade (好), the quota allows {limit}" in (
        error.value.message
    )
    assert label in error.value.message
    assert cycle.status is CycleStatus.APPRAISING


def test_finalised_grades_record_the_scores_and_the_quota() -> None:
    cycle = appraising(team(2))
    scores = in_line(cycle, [Grade.FAIRLY_GOOD, Grade.AVERAGE])
    cycle.collect_events()

    cycle.finalise(PRINCIPAL, PRINCIPAL, {}, scores)

    (final,) = cycle.collect_events()
    a, b = cycle.participants
    assert cast(Any, final).grades == {str(a): "FAIRLY_GOOD", str(b): "AVERAGE"}
    assert cast(Any, final).scores == {str(a): "99", str(b): "98"}


# -- publication ----------------------------------------------------------------------------------


def test_only_finalised_grades_are_published() -> None:
    cycle = appraising()

    with pytest.raises(RuleViolatedError) as error:
        cycle.publish(PUBLISHED_ON, ENDS_ON, OBJECTIONS_UNTIL, PUBLISHED_ON)

    refusal(error, "reviews.cycle_step", "status")
    assert "FINALISED (已定等)" in error.value.message


def test_results_are_published_after_the_quarter() -> None:
    cycle = finalised()

    with pytest.raises(RuleViolatedError) as error:
        cycle.publish(date(2026, 9, 30), ENDS_ON, OBJECTIONS_UNTIL, PUBLISHED_ON)

    refusal(error, "reviews.publish_after_quarter", "published_on")


def test_a_publication_date_in_the_future_is_refused() -> None:
    cycle = finalised()

    with pytest.raises(RuleViolatedError) as error:
        cycle.publish(date(2026, 10, 21), ENDS_ON, OBJECTIONS_UNTIL, PUBLISHED_ON)

    refusal(error, "reviews.date_not_future", "published_on")


def test_publishing_opens_the_publicity_period_and_the_objection_window() -> None:
    cycle = published()

    assert cycle.status is CycleStatus.PUBLISHED
    assert (cycle.published_on, cycle.publicity_ends_on, cycle.objections_until) == (
        PUBLISHED_ON,
        ENDS_ON,
        OBJECTIONS_UNTIL,
    )


# -- objections ---------------------------------------------------------------------------------


def test_an_appraisee_objects_to_their_own_grade_within_the_window() -> None:
    cycle = published()
    person = nth(cycle, 1)

    objection_id = cycle.object(
        person, person, "本季度承担了两项专项任务，未计入", OBJECTIONS_UNTIL, OBJECTIONS_UNTIL
    )

    objection = cycle.objections[objection_id]
    assert (objection.person_id, objection.status) == (person, ObjectionStatus.OPEN)
    assert objection.filed_on == OBJECTIONS_UNTIL


def test_nobody_objects_on_someone_elses_behalf() -> None:
    cycle = published()

    with pytest.raises(NotPermittedError) as error:
        cycle.object(nth(cycle, 0), nth(cycle, 1), "替同事申诉", PUBLISHED_ON, PUBLISHED_ON)

    assert error.value.rule == "reviews.own_record_only"
    assert error.value.missing_relation == "OWNER"


def test_someone_outside_the_cycle_has_no_grade_to_object_to() -> None:
    cycle = published()

    with pytest.raises(NotFoundError) as error:
        cycle.object(OUTSIDER, OUTSIDER, "我也要申诉", PUBLISHED_ON, PUBLISHED_ON)

    assert error.value.rule == "reviews.participant"
    assert error.value.field == "person_id"


@pytest.mark.parametrize(
    "filed_on", [date(2026, 10, 19), date(2026, 10, 24)], ids=["before publication", "after window"]
)
def test_an_objection_outside_the_window_is_refused(filed_on: date) -> None:
    cycle = published()
    person = nth(cycle, 1)

    with pytest.raises(RuleViolatedError) as error:
        cycle.object(person, person, "等次偏低", filed_on, date(2026, 10, 25))

    refusal(error, "reviews.objection_window", "filed_on")
    assert "2026-10-20 to 2026-10-23" in error.value.message


def test_an_objection_is_not_taken_before_publication() -> None:
    cycle = finalised()
    person = nth(cycle, 1)

    with pytest.raises(RuleViolatedError) as error:
        cycle.object(person, person, "等次偏低", PUBLISHED_ON, PUBLISHED_ON)

    refusal(error, "reviews.cycle_step", "status")


def test_an_objection_states_its_reason() -> None:
    cycle = published()
    person = nth(cycle, 1)

    with pytest.raises(RuleViolatedError) as error:
        cycle.object(person, person, " ", PUBLISHED_ON, PUBLISHED_ON)

    refusal(error, "reviews.reason_required", "reason")


def test_one_objection_at_a_time_and_another_once_it_is_resolved() -> None:
    cycle = published()
    person = nth(cycle, 1)
    first = cycle.object(person, person, "等次偏低", PUBLISHED_ON, PUBLISHED_ON)

    with pytest.raises(RuleViolatedError) as error:
        cycle.object(person, person, "再次申诉", PUBLISHED_ON, PUBLISHED_ON)
    refusal(error, "reviews.one_open_objection", "person_id")

    cycle.resolve_objection(first, False, None, "评分依据充分", PUBLISHED_ON, PUBLISHED_ON)
    second = cycle.object(person, person, "补充材料后再次申诉", OBJECTIONS_UNTIL, OBJECTIONS_UNTIL)
    assert second != first


def test_an_upheld_objection_changes_the_grade_and_records_before_and_after() -> None:
    cycle = published(top=0, n=3)  # one top grade allowed (40% of 3, rounded down), none given
    person = nth(cycle, 1)
    objection = cycle.object(person, person, "专项任务未计入", PUBLISHED_ON, PUBLISHED_ON)
    cycle.collect_events()

    cycle.resolve_objection(objection, True, Grade.GOOD, "核实后补计专项任务", ENDS_ON, ENDS_ON)

    assert cycle.grades[person] is Grade.GOOD
    assert cycle.objections[objection].status is ObjectionStatus.UPHELD
    (resolved,) = cycle.collect_events()
    assert (cast(Any, resolved).grade_before, cast(Any, resolved).grade_after) == (
        "FAIRLY_GOOD",
        "GOOD",
    )


def test_an_upheld_objection_that_would_break_the_quota_is_refused() -> None:
    # Given 12 people, 4 of them at the top grade: the quota (40%, rounded down) is full
    cycle = published(top=4, n=12)
    fifth = nth(cycle, 4)
    objection = cycle.object(fifth, fifth, "专项任务未计入", PUBLISHED_ON, PUBLISHED_ON)

    # When the objection is upheld with the top grade
    with pytest.raises(RuleViolatedError) as error:
        cycle.resolve_objection(objection, True, Grade.GOOD, "核实属实", ENDS_ON, ENDS_ON)

    # Then it is refused, and the grade and the objection stay as they were
    refusal(error, "reviews.top_grade_quota", "new_grade")
    assert "5 people the top grade (好); the quota allows 4" in error.value.message
    assert cycle.grades[fifth] is Grade.FAIRLY_GOOD
    assert cycle.objections[objection].status is ObjectionStatus.OPEN


def test_the_half_up_rule_leaves_room_for_an_upheld_objection_at_the_same_count() -> None:
    cycle = published(top=4, n=12, config=CycleConfig(quota_rounding=Rounding.HALF_UP))
    fifth = nth(cycle, 4)
    objection = cycle.object(fifth, fifth, "专项任务未计入", PUBLISHED_ON, PUBLISHED_ON)

    cycle.resolve_objection(objection, True, Grade.GOOD, "核实属实", ENDS_ON, ENDS_ON)

    assert cycle.grades[fifth] is Grade.GOOD


@pytest.mark.parametrize("new_grade", [None, Grade.FAIRLY_GOOD], ids=["no grade", "same grade"])
def test_an_upheld_objection_must_change_the_grade(new_grade: Grade | None) -> None:
    cycle = published()
    person = nth(cycle, 1)
    objection = cycle.object(person, person, "等次偏低", PUBLISHED_ON, PUBLISHED_ON)

    with pytest.raises(RuleViolatedError) as error:
        cycle.resolve_objection(objection, True, new_grade, "采纳", ENDS_ON, ENDS_ON)

    refusal(error, "reviews.upheld_changes_grade", "new_grade")


def test_a_rejected_objection_leaves_the_grade_as_it_is() -> None:
    cycle = published()
    person = nth(cycle, 1)
    objection = cycle.object(person, person, "等次偏低", PUBLISHED_ON, PUBLISHED_ON)

    with pytest.raises(RuleViolatedError) as error:
        cycle.resolve_objection(objection, False, Grade.GOOD, "不予采纳", ENDS_ON, ENDS_ON)
    refusal(error, "reviews.rejected_keeps_grade", "new_grade")

    cycle.resolve_objection(objection, False, None, "评分依据充分，不予采纳", ENDS_ON, ENDS_ON)
    assert cycle.grades[person] is Grade.FAIRLY_GOOD
    assert cycle.objections[objection].status is ObjectionStatus.REJECTED


def test_an_objection_is_resolved_once_with_a_reason_not_before_it_was_filed() -> None:
    cycle = published()
    person = nth(cycle, 1)
    objection = cycle.object(person, person, "等次偏低", date(2026, 10, 21), date(2026, 10, 21))

    with pytest.raises(RuleViolatedError) as error:
        cycle.resolve_objection(objection, False, None, "", ENDS_ON, ENDS_ON)
    refusal(error, "reviews.reason_required", "reason")

    with pytest.raises(RuleViolatedError) as error:
        cycle.resolve_objection(objection, False, None, "不予采纳", PUBLISHED_ON, ENDS_ON)
    refusal(error, "reviews.resolved_after_filed", "resolved_on")

    with pytest.raises(RuleViolatedError) as error:
        cycle.resolve_objection(objection, False, None, "不予采纳", AFTER_PUBLICITY, ENDS_ON)
    refusal(error, "reviews.date_not_future", "resolved_on")

    cycle.resolve_objection(objection, False, None, "不予采纳", ENDS_ON, ENDS_ON)
    with pytest.raises(RuleViolatedError) as error:
        cycle.resolve_objection(objection, False, None, "不予采纳", ENDS_ON, ENDS_ON)
    refusal(error, "reviews.objection_open", "objection_id")
    assert "REJECTED (未采纳)" in error.value.message


def test_resolving_an_unknown_objection_is_refused() -> None:
    cycle = published()

    with pytest.raises(NotFoundError) as error:
        cycle.resolve_objection(uuid4(), False, None, "不予采纳", ENDS_ON, ENDS_ON)

    refusal(error, "reviews.objection_exists", "objection_id")


# -- confirmation ------------------------------------------------------------------------------


def test_results_are_not_confirmed_while_the_publicity_period_runs() -> None:
    cycle = published()

    with pytest.raises(RuleViolatedError) as error:
        cycle.confirm(ENDS_ON)

    refusal(error, "reviews.publicity_period_running", "status")
    assert "2026-10-27" in error.value.message


def test_results_are_not_confirmed_while_an_objection_is_open() -> None:
    cycle = published()
    person = nth(cycle, 2)
    cycle.object(person, person, "等次偏低", PUBLISHED_ON, PUBLISHED_ON)

    with pytest.raises(RuleViolatedError) as error:
        cycle.confirm(AFTER_PUBLICITY)

    refusal(error, "reviews.objections_open", "objections")
    assert cycle.status is CycleStatus.PUBLISHED


def test_results_are_confirmed_after_the_period_with_every_objection_resolved() -> None:
    cycle = published(top=0)
    person = nth(cycle, 2)
    objection = cycle.object(person, person, "等次偏低", PUBLISHED_ON, PUBLISHED_ON)
    cycle.resolve_objection(objection, True, Grade.GOOD, "核实属实", ENDS_ON, ENDS_ON)
    cycle.collect_events()

    cycle.confirm(AFTER_PUBLICITY)

    assert cycle.status is CycleStatus.CONFIRMED
    (done,) = cycle.collect_events()
    assert cast(Any, done).grades[str(person)] == "GOOD"
    assert cast(Any, done).confirmed_on == AFTER_PUBLICITY


def test_results_are_confirmed_only_once_they_are_published() -> None:
    cycle = finalised()

    with pytest.raises(RuleViolatedError) as error:
        cycle.confirm(AFTER_PUBLICITY)

    refusal(error, "reviews.cycle_step", "status")


def test_the_whole_cycle_is_recorded_step_by_step() -> None:
    cycle = confirmed(published())

    assert event_names(cycle) == [
        "CycleOpened",
        "AppraisalBegan",
        "GradesProposed",
        "GradesFinalised",
        "ResultsPublished",
        "ResultsConfirmed",
    ]


# -- the personal summary --------------------------------------------------------------------


GOALS = [
    {"item_id": "g1", "what": "完成公车平台调度规则修订"},
    {"item_id": "g2", "what": "完成车辆年检"},
]


def appraisal(person_id: UUID = STAFF) -> Appraisal:
    return Appraisal(Cycle.create_id(UNIT, QUARTER), UNIT, QUARTER, person_id)


def report(item_id: str, text: str = "已按期完成并通过验收") -> dict[str, str]:
    return {"item_id": item_id, "report": text}


def test_the_summary_reports_on_each_approved_goal_and_may_add_other_work() -> None:
    subject = appraisal()

    subject.submit_summary(
        STAFF,
        CycleStatus.APPRAISING,
        GOALS,
        3,
        [report("g2"), report("g1")],
        ["协助保障全市运动会"],
    )

    assert subject.summary is not None
    assert subject.summary["goal_set_version"] == 3
    assert [r["what"] for r in subject.summary["reports"]] == [
        "完成车辆年检",
        "完成公车平台调度规则修订",
    ]
    assert subject.summary["extra_work"] == ["协助保障全市运动会"]


def test_a_summary_leaving_out_an_approved_goal_is_refused_naming_it() -> None:
    with pytest.raises(RuleViolatedError) as error:
        appraisal().submit_summary(STAFF, CycleStatus.APPRAISING, GOALS, 3, [report("g1")], [])

    refusal(error, "reviews.summary_covers_each_goal", "reports")
    assert "完成车辆年检 (g2)" in error.value.message


def test_a_goal_reported_twice_is_refused() -> None:
    with pytest.raises(RuleViolatedError) as error:
        appraisal().submit_summary(
            STAFF, CycleStatus.APPRAISING, GOALS, 3, [report("g1"), report("g2"), report("g1")], []
        )

    refusal(error, "reviews.one_report_per_goal", "reports.2.item_id")


def test_a_report_on_something_that_is_not_an_approved_goal_is_refused() -> None:
    with pytest.raises(RuleViolatedError) as error:
        appraisal().submit_summary(
            STAFF, CycleStatus.APPRAISING, GOALS, 3, [report("g1"), report("g9")], []
        )

    refusal(error, "reviews.report_on_approved_goals", "reports.1.item_id")


def test_each_report_says_something() -> None:
    with pytest.raises(RuleViolatedError) as error:
        appraisal().submit_summary(
            STAFF, CycleStatus.APPRAISING, GOALS, 3, [report("g1"), report("g2", " ")], []
        )

    refusal(error, "reviews.reason_required", "reports.1.report")


def test_an_empty_summary_is_refused() -> None:
    with pytest.raises(RuleViolatedError) as error:
        appraisal().submit_summary(STAFF, CycleStatus.APPRAISING, [], None, [], [])

    refusal(error, "reviews.summary_not_empty", "reports")


def test_without_approved_goals_the_summary_reports_other_work() -> None:
    subject = appraisal()

    subject.submit_summary(STAFF, CycleStatus.APPRAISING, [], None, [], ["负责会议保障32场"])

    assert subject.summary is not None
    assert subject.summary["reports"] == []


def test_only_the_appraisee_writes_their_summary() -> None:
    with pytest.raises(NotPermittedError) as error:
        appraisal().submit_summary(HEAD, CycleStatus.APPRAISING, GOALS, 3, [], [])

    assert error.value.rule == "reviews.own_record_only"
    assert error.value.missing_relation == "OWNER"


def test_the_summary_is_written_while_the_appraisal_runs_only() -> None:
    with pytest.raises(RuleViolatedError) as error:
        appraisal().submit_summary(STAFF, CycleStatus.FINALISED, GOALS, 3, [], [])

    refusal(error, "reviews.cycle_step", "status")


def test_a_revised_summary_replaces_the_earlier_one_which_stays_in_the_record() -> None:
    subject = appraisal()
    subject.submit_summary(STAFF, CycleStatus.APPRAISING, [], None, [], ["初稿内容"])
    subject.submit_summary(
        STAFF, CycleStatus.APPRAISING, GOALS, 4, [report("g1"), report("g2")], []
    )

    assert subject.summary is not None
    assert subject.summary["goal_set_version"] == 4
    assert event_names(subject) == ["AppraisalCreated", "SummarySubmitted", "SummarySubmitted"]


# -- who rates ---------------------------------------------------------------------------------


def staff_managers(on: date = date(2026, 10, 10)) -> Managers:
    return Managers(STAFF, on, DEPARTMENT, HEAD, LEADER, PRINCIPAL)


def test_staff_are_rated_by_their_department_head_and_supervising_leader() -> None:
    managers = staff_managers()

    assert required_raters(managers) == (HEAD_REL, LEADER_REL)
    assert rater_relation(HEAD, managers) is HEAD_REL
    assert rater_relation(LEADER, managers) is LEADER_REL


def test_a_department_head_is_rated_by_the_supervising_leader_alone() -> None:
    managers = Managers(HEAD, date(2026, 10, 10), DEPARTMENT, None, LEADER, PRINCIPAL)

    assert required_raters(managers) == (LEADER_REL,)


def test_a_deputy_leader_is_rated_by_the_principal_leader() -> None:
    managers = Managers(DEPUTY, date(2026, 10, 10), None, None, None, PRINCIPAL)

    assert required_raters(managers) == (PRINCIPAL_REL,)
    assert rater_relation(PRINCIPAL, managers) is PRINCIPAL_REL


def test_a_leader_heading_a_department_they_supervise_rates_its_people_once_as_head() -> None:
    # Given a unit leader who is a member and the head of 综合科 and also supervises it
    unit = Unit(name="济宁市机关事务服务中心", code="jn-jgsw")
    start = date(2026, 1, 1)
    general = unit.open_department("综合科", DepartmentCategory.GENERAL, None, start)
    leader = unit.add_person("王副主任", "wang", PositionCategory.LEADER, general, start)
    staff = unit.add_person("孙科员", "sun", PositionCategory.GENERAL, general, start)
    unit.appoint_department_head(general, leader, start)
    unit.assign_supervising_leader(leader, [general], start)
    managers = unit.managers_of(staff, BEGAN_ON)
    assert managers.department_head == managers.supervising_leader == leader

    # Then one rating, as head, completes the composite (two would wait for ever)
    assert required_raters(managers) == (HEAD_REL,)
    assert rater_relation(leader, managers) is HEAD_REL
    result = composite(
        CycleConfig(),
        PositionCategory.GENERAL,
        required_raters(managers),
        {HEAD_REL: every(GENERAL, 90)},
        None,
    )
    assert result.score == Decimal("90.00")
    assert talk_relation(leader, managers) is LEADER_REL


def test_the_principal_leader_has_nobody_in_the_unit_to_rate_them() -> None:
    assert required_raters(Managers(PRINCIPAL, date(2026, 10, 10), None, None, None, None)) == ()


def test_the_principal_leader_does_not_rate_staff_who_have_a_head_and_a_supervisor() -> None:
    with pytest.raises(NotPermittedError) as error:
        rater_relation(PRINCIPAL, staff_managers())

    assert error.value.rule == "reviews.whoever_manages_rates"
    assert error.value.missing_relation == "DEPARTMENT_HEAD or SUPERVISING_LEADER"


def test_someone_who_does_not_manage_the_appraisee_cannot_rate_them() -> None:
    with pytest.raises(NotPermittedError) as error:
        rater_relation(OUTSIDER, staff_managers())

    assert error.value.rule == "reviews.whoever_manages_rates"
    assert error.value.missing_relation == "DEPARTMENT_HEAD or SUPERVISING_LEADER"
    assert "2026-10-10" in error.value.message


def test_nobody_rates_themself() -> None:
    managers = Managers(HEAD, date(2026, 10, 10), DEPARTMENT, None, LEADER, PRINCIPAL)

    with pytest.raises(NotPermittedError) as error:
        rater_relation(HEAD, managers)

    assert error.value.rule == "reviews.no_self_rating"
    assert error.value.missing_relation == "SUPERVISING_LEADER"


# -- ratings ------------------------------------------------------------------------------------


def every(indicators: Sequence[Any], score: int | str = 90) -> dict[str, Decimal]:
    return {i.code: Decimal(score) for i in indicators if i.source.value == "RATED"}


def rate(
    subject: Appraisal,
    rater: UUID,
    relation: RaterRelation,
    scores: dict[str, Decimal],
    *,
    indicators: Sequence[Any] = GENERAL,
    status: CycleStatus = CycleStatus.APPRAISING,
    opinion: str = "工作扎实，作风过硬",
) -> None:
    subject.rate(
        rater, relation, (HEAD_REL, LEADER_REL), status, tuple(indicators), scores, opinion
    )


def test_a_manager_scores_every_rated_indicator_and_gives_an_opinion() -> None:
    subject = appraisal()

    rate(subject, HEAD, HEAD_REL, every(GENERAL, 88))

    rating = subject.ratings[HEAD_REL]
    assert rating.rater_id == HEAD
    assert rating.scores == every(GENERAL, 88)
    assert rating.opinion == "工作扎实，作风过硬"
    assert subject.required == (HEAD_REL, LEADER_REL)


def test_an_indicator_left_unscored_is_refused_naming_it() -> None:
    scores = every(GENERAL)
    del scores["COMPETENCE"]

    with pytest.raises(RuleViolatedError) as error:
        rate(appraisal(), HEAD, HEAD_REL, scores)

    refusal(error, "reviews.score_every_indicator", "scores.COMPETENCE")
    assert "业务能力" in error.value.message


@pytest.mark.parametrize("score", ["-0.5", "100.01"])
def test_a_score_outside_0_to_100_is_refused(score: str) -> None:
    scores = every(GENERAL) | {"INTEGRITY": Decimal(score)}

    with pytest.raises(RuleViolatedError) as error:
        rate(appraisal(), HEAD, HEAD_REL, scores)

    refusal(error, "reviews.score_range", "scores.INTEGRITY")


@pytest.mark.parametrize("score", ["0", "100"])
def test_scores_of_0_and_100_are_allowed(score: str) -> None:
    subject = appraisal()

    rate(subject, HEAD, HEAD_REL, every(GENERAL, score))

    assert subject.ratings[HEAD_REL].scores["INTEGRITY"] == Decimal(score)


def test_the_feedback_indicator_cannot_be_typed_by_a_rater() -> None:
    scores = every(SERVICE) | {"SERVED_FEEDBACK": Decimal(100)}

    with pytest.raises(RuleViolatedError) as error:
        rate(appraisal(), HEAD, HEAD_REL, scores, indicators=SERVICE)

    refusal(error, "reviews.feedback_scores_computed", "scores.SERVED_FEEDBACK")


def test_an_indicator_outside_the_persons_scheme_is_refused() -> None:
    scores = every(GENERAL) | {"SERVICE_QUALITY": Decimal(90)}

    with pytest.raises(RuleViolatedError) as error:
        rate(appraisal(), HEAD, HEAD_REL, scores)

    refusal(error, "reviews.indicator_in_scheme", "scores.SERVICE_QUALITY")


def test_a_rating_without_an_opinion_is_refused() -> None:
    with pytest.raises(RuleViolatedError) as error:
        rate(appraisal(), HEAD, HEAD_REL, every(GENERAL), opinion="")

    refusal(error, "reviews.reason_required", "opinion")


def test_ratings_are_given_while_the_appraisal_runs_only() -> None:
    with pytest.raises(RuleViolatedError) as error:
        rate(appraisal(), HEAD, HEAD_REL, every(GENERAL), status=CycleStatus.OPENED)

    refusal(error, "reviews.cycle_step", "status")


def test_the_latest_rating_by_a_relation_counts_and_the_earlier_stays_recorded() -> None:
    subject = appraisal()
    rate(subject, HEAD, HEAD_REL, every(GENERAL, 80))

    rate(subject, HEAD, HEAD_REL, every(GENERAL, 85), opinion="复核后上调")

    assert subject.ratings[HEAD_REL].scores["INTEGRITY"] == Decimal(85)
    assert event_names(subject) == ["AppraisalCreated", "Rated", "Rated"]


# -- a move in the middle of the cycle -----------------------------------------------------------


def test_after_a_move_the_new_head_rates_and_the_old_head_is_refused() -> None:
    # Given the org chart: 钱 works in 公车科 under 老周, and moves to 物业科 (under 新吴) on 15 Aug
    unit = Unit(name="济宁市机关事务服务中心", code="jn-jgsw")
    start, moved_on = date(2026, 1, 1), date(2026, 8, 15)
    vehicles = unit.open_department(
        "公车科", DepartmentCategory.SERVICE, ServiceKind.VEHICLES, start
    )
    estate = unit.open_department("物业科", DepartmentCategory.SERVICE, ServiceKind.PROPERTY, start)
    leader = unit.add_person("李主任", "li", PositionCategory.LEADER, None, start)
    old_head = unit.add_person("老周", "zhou", PositionCategory.GENERAL, vehicles, start)
    new_head = unit.add_person("新吴", "wu", PositionCategory.GENERAL, estate, start)
    qian = unit.add_person("钱司机", "qian", PositionCategory.SERVICE, vehicles, start)
    unit.appoint_department_head(vehicles, old_head, start)
    unit.appoint_department_head(estate, new_head, start)
    unit.assign_supervising_leader(leader, [vehicles, estate], start)
    unit.appoint_principal_leader(leader, start)
    unit.move_person(qian, estate, moved_on)

    before, after = unit.managers_of(qian, date(2026, 8, 1)), unit.managers_of(qian, BEGAN_ON)
    subject = appraisal(qian)

    # When the old head had rated before the move, and the new head rates after it
    assert rater_relation(old_head, before) is HEAD_REL
    rate(subject, old_head, HEAD_REL, every(SERVICE, 70), indicators=SERVICE)
    assert rater_relation(new_head, after) is HEAD_REL
    rate(subject, new_head, HEAD_REL, every(SERVICE, 90), indicators=SERVICE)

    # Then the old head may no longer rate, and the new head's rating is the one that counts
    with pytest.raises(NotPermittedError) as error:
        rater_relation(old_head, after)
    assert error.value.rule == "reviews.whoever_manages_rates"
    assert error.value.missing_relation == "DEPARTMENT_HEAD or SUPERVISING_LEADER"
    assert subject.ratings[HEAD_REL].rater_id == new_head

    subject_leader = rater_relation(leader, after)
    rate(subject, leader, subject_leader, every(SERVICE, 90), indicators=SERVICE)
    result = composite(
        CycleConfig(),
        PositionCategory.SERVICE,
        required_raters(after),
        {r: rating.scores for r, rating in subject.ratings.items()},
        Decimal(80),
    )
    assert result.score == Decimal("87.00")  # 70 points at 90, 30 points of feedback at 80


# -- the feedback talk ---------------------------------------------------------------------------


def test_the_supervising_leader_holds_the_talk() -> None:
    assert talk_relation(LEADER, staff_managers()) is LEADER_REL


def test_the_department_head_does_not_hold_the_talk() -> None:
    with pytest.raises(NotPermittedError) as error:
        talk_relation(HEAD, staff_managers())

    assert error.value.rule == "reviews.supervising_leader_talks"
    assert error.value.missing_relation == "SUPERVISING_LEADER"


def test_the_principal_leader_talks_with_the_deputy_leaders() -> None:
    deputy = Managers(DEPUTY, date(2026, 10, 30), None, None, None, PRINCIPAL)

    assert talk_relation(PRINCIPAL, deputy) is PRINCIPAL_REL
    with pytest.raises(NotPermittedError) as error:
        talk_relation(LEADER, deputy)
    assert error.value.missing_relation == "PRINCIPAL_LEADER"


TALK_DAY = date(2026, 10, 30)
SHORTCOMING = {"shortcoming": "台账更新不及时", "facts": "9月车辆台账两次延迟超过3天"}


def talk(
    subject: Appraisal,
    grade: Grade,
    *,
    reasons: str | None = None,
    shortcomings: list[dict[str, str]] | None = None,
    improvements: str | None = None,
    status: CycleStatus = CycleStatus.CONFIRMED,
    held_on: date = TALK_DAY,
) -> None:
    subject.record_talk(
        LEADER,
        LEADER_REL,
        status,
        grade,
        held_on,
        TALK_DAY,
        reasons,
        shortcomings or [],
        improvements,
    )


def test_a_top_grade_talk_states_the_reasons() -> None:
    subject = appraisal()

    with pytest.raises(RuleViolatedError) as error:
        talk(subject, Grade.GOOD)
    refusal(error, "reviews.talk_states_reasons", "reasons")

    talk(subject, Grade.GOOD, reasons="全年零投诉，牵头完成调度改革")
    assert subject.talk == {"leader_id": LEADER, "grade": "GOOD", "held_on": TALK_DAY}


@pytest.mark.parametrize("grade", [Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR])
def test_other_grades_need_shortcomings_named(grade: Grade) -> None:
    with pytest.raises(RuleViolatedError) as error:
        talk(appraisal(), grade, reasons="总体不错", improvements="加强台账管理")

    refusal(error, "reviews.talk_names_shortcomings", "shortcomings")
    assert grade.label in error.value.message


def test_each_shortcoming_rests_on_facts() -> None:
    with pytest.raises(RuleViolatedError) as error:
        talk(
            appraisal(),
            Grade.AVERAGE,
            shortcomings=[SHORTCOMING, {"shortcoming": "沟通不足", "facts": ""}],
            improvements="加强台账管理",
        )

    refusal(error, "reviews.shortcomings_on_facts", "shortcomings.1.facts")


def test_a_shortcoming_is_named_in_words() -> None:
    with pytest.raises(RuleViolatedError) as error:
        talk(
            appraisal(),
            Grade.AVERAGE,
            shortcomings=[{"shortcoming": "", "facts": "9月两次延误"}],
            improvements="加强台账管理",
        )

    refusal(error, "reviews.talk_names_shortcomings", "shortcomings.0.shortcoming")


def test_a_talk_below_the_top_grade_says_what_to_improve() -> None:
    with pytest.raises(RuleViolatedError) as error:
        talk(appraisal(), Grade.FAIRLY_GOOD, shortcomings=[SHORTCOMING])

    refusal(error, "reviews.talk_says_what_to_improve", "improvements")


def test_the_talk_is_recorded_with_its_shortcomings_and_improvements() -> None:
    subject = appraisal()
    subject.collect_events()

    talk(subject, Grade.FAIRLY_GOOD, shortcomings=[SHORTCOMING], improvements=" 每周五更新台账 ")

    (recorded,) = subject.collect_events()
    assert cast(Any, recorded).shortcomings == [SHORTCOMING]
    assert cast(Any, recorded).improvements == "每周五更新台账"
    assert cast(Any, recorded).relation == "SUPERVISING_LEADER"


def test_the_talk_comes_only_after_the_results_are_confirmed() -> None:
    with pytest.raises(RuleViolatedError) as error:
        talk(appraisal(), Grade.GOOD, reasons="表现突出", status=CycleStatus.PUBLISHED)

    refusal(error, "reviews.cycle_step", "status")
    assert "CONFIRMED (已确认)" in error.value.message


def test_a_talk_dated_in_the_future_is_refused() -> None:
    with pytest.raises(RuleViolatedError) as error:
        talk(appraisal(), Grade.GOOD, reasons="表现突出", held_on=date(2026, 10, 31))

    refusal(error, "reviews.date_not_future", "held_on")


def test_one_talk_per_quarter() -> None:
    subject = appraisal()
    talk(subject, Grade.GOOD, reasons="表现突出")

    with pytest.raises(RuleViolatedError) as error:
        talk(subject, Grade.GOOD, reasons="再谈一次")

    refusal(error, "reviews.one_talk", "person_id")


def test_the_appraisee_acknowledges_the_talk_once() -> None:
    subject = appraisal()
    talk(subject, Grade.GOOD, reasons="表现突出")

    subject.acknowledge_talk(STAFF, " 已知悉 ")

    assert subject.acknowledged
    with pytest.raises(RuleViolatedError) as error:
        subject.acknowledge_talk(STAFF, None)
    refusal(error, "reviews.acknowledged_once", "person_id")


def test_only_the_appraisee_acknowledges_the_talk() -> None:
    subject = appraisal()
    talk(subject, Grade.GOOD, reasons="表现突出")

    with pytest.raises(NotPermittedError) as error:
        subject.acknowledge_talk(LEADER, "代签")

    assert error.value.rule == "reviews.own_record_only"
    assert error.value.missing_relation == "OWNER"
    assert not subject.acknowledged


def test_there_is_nothing_to_acknowledge_before_the_talk() -> None:
    with pytest.raises(RuleViolatedError) as error:
        appraisal().acknowledge_talk(STAFF, None)

    refusal(error, "reviews.talk_first", "person_id")


# -- sanctions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "decided_on", "ends_on"),
    [
        (SanctionKind.WARNING, date(2026, 3, 15), date(2026, 9, 15)),
        (SanctionKind.DEMERIT, date(2026, 3, 15), date(2027, 3, 15)),
        (SanctionKind.MAJOR_DEMERIT, date(2026, 3, 15), date(2027, 9, 15)),
        (SanctionKind.DEMOTION, date(2026, 3, 15), date(2028, 3, 15)),
        (SanctionKind.REMOVAL, date(2026, 11, 30), date(2028, 11, 30)),
        (SanctionKind.WARNING, date(2026, 8, 31), date(2027, 2, 28)),
        (SanctionKind.WARNING, date(2027, 8, 31), date(2028, 2, 29)),
        (SanctionKind.WARNING, date(2026, 1, 31), date(2026, 7, 31)),
    ],
)
def test_a_sanction_runs_its_legal_period_in_months(
    kind: SanctionKind, decided_on: date, ends_on: date
) -> None:
    assert sanction_ends(kind, decided_on) == ends_on


def test_a_sanction_is_recorded_with_its_period_and_document() -> None:
    sanction = Sanction.record(
        UNIT, STAFF, SanctionKind.DEMERIT, date(2026, 5, 6), "济纪发〔2026〕12号", TALK_DAY
    )

    assert sanction.ends_on == date(2027, 5, 6)
    assert sanction.kind is SanctionKind.DEMERIT
    assert sanction.document == "济纪发〔2026〕12号"


def test_a_sanction_decided_in_the_future_or_without_a_document_is_refused() -> None:
    with pytest.raises(RuleViolatedError) as error:
        Sanction.record(UNIT, STAFF, SanctionKind.WARNING, date(2026, 11, 1), "文号", TALK_DAY)
    refusal(error, "reviews.date_not_future", "decided_on")

    with pytest.raises(RuleViolatedError) as error:
        Sanction.record(UNIT, STAFF, SanctionKind.WARNING, TALK_DAY, " ", TALK_DAY)
    refusal(error, "reviews.reason_required", "document")


# -- every event carries the kernel's metadata --------------------------------------------------


def check_meta(events: Sequence[object], ctx: CommandContext) -> None:
    assert events
    for recorded in stamped(events):
        meta = recorded.meta
        assert isinstance(meta, EventMeta)
        assert meta.actor_id == ctx.actor_id
        assert meta.actor_role is ctx.actor_role
        assert meta.tenant_id == UNIT
        assert meta.correlation_id == ctx.correlation_id
        assert meta.reason == ctx.reason
        assert meta.occurred_at == ctx.now
        assert recorded.timestamp == ctx.now


def test_every_cycle_event_carries_who_in_which_role_for_which_unit_and_why() -> None:
    office = context(reason="按季度考核方案开展")
    with acting(office):
        cycle = Cycle.open(UNIT, QUARTER, CycleConfig(), team(2), OPENED_ON)
        cycle.begin_appraisal(True, {})
        in_line(cycle, [Grade.FAIRLY_GOOD, Grade.AVERAGE])
    check_meta(cycle.collect_events(), office)

    principal = context(PRINCIPAL, Role.PRINCIPAL_LEADER, reason="党组会审定")
    with acting(principal):
        cycle.finalise(PRINCIPAL, PRINCIPAL, {}, {})
    check_meta(cycle.collect_events(), principal)

    person = nth(cycle, 1)
    appraisee = context(person, Role.APPRAISEE)
    with acting(office):
        cycle.publish(PUBLISHED_ON, ENDS_ON, OBJECTIONS_UNTIL, PUBLISHED_ON)
    cycle.collect_events()
    with acting(appraisee):
        cycle.object(person, person, "等次偏低", PUBLISHED_ON, PUBLISHED_ON)
    check_meta(cycle.collect_events(), appraisee)


def test_every_appraisal_event_carries_the_actor_who_caused_it() -> None:
    head = context(HEAD, Role.DEPARTMENT_HEAD)
    leader = context(LEADER, Role.SUPERVISING_LEADER, reason="季度谈心谈话")
    staff = context(STAFF, Role.APPRAISEE)
    with acting(staff):
        subject = appraisal()
        subject.submit_summary(STAFF, CycleStatus.APPRAISING, [], None, [], ["负责会议保障"])
    check_meta(subject.collect_events(), staff)

    with acting(head):
        rate(subject, HEAD, HEAD_REL, every(GENERAL))
    check_meta(subject.collect_events(), head)

    with acting(leader):
        talk(subject, Grade.GOOD, reasons="表现突出")
    check_meta(subject.collect_events(), leader)

    with acting(staff):
        subject.acknowledge_talk(STAFF, None)
    check_meta(subject.collect_events(), staff)


def test_a_sanction_event_carries_the_offices_metadata() -> None:
    office = context(reason="依据处分决定书录入")
    with acting(office):
        sanction = Sanction.record(
            UNIT, STAFF, SanctionKind.WARNING, date(2026, 5, 6), "济纪发〔2026〕12号", TALK_DAY
        )

    check_meta(sanction.collect_events(), office)


def test_a_refused_command_records_nothing() -> None:
    cycle = published(top=4, n=12)
    fifth = nth(cycle, 4)
    objection = cycle.object(fifth, fifth, "专项任务未计入", PUBLISHED_ON, PUBLISHED_ON)
    cycle.collect_events()

    with pytest.raises(RuleViolatedError):
        cycle.resolve_objection(objection, True, Grade.GOOD, "核实属实", ENDS_ON, ENDS_ON)
    with pytest.raises(RuleViolatedError):
        cycle.confirm(AFTER_PUBLICITY)

    assert cycle.collect_events() == []
