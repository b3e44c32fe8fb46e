"""How the numbers are derived, as a specification: the feedback indicator's formula, the composite
score with every step shown and rounded once, the top-grade quota at its boundary under both
rounding rules, and grades out of line with the evidence.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from services.directory.vocabulary import PositionCategory
from services.reviews.scheme import CycleConfig, FeedbackFormula
from services.reviews.scoring import (
    FeedbackFacts,
    cents,
    composite,
    feedback_score,
    out_of_line,
    quota_check,
)
from services.reviews.vocabulary import Grade, IndicatorSource, RaterRelation, Rounding

HEAD, LEADER, PRINCIPAL = (
    RaterRelation.DEPARTMENT_HEAD,
    RaterRelation.SUPERVISING_LEADER,
    RaterRelation.PRINCIPAL_LEADER,
)
GENERAL_CODES = ("POLITICAL_QUALITY", "INTEGRITY", "WORK_STYLE", "GOAL_DELIVERY", "COMPETENCE")
SERVICE_RATED = ("POLITICAL_QUALITY", "INTEGRITY", "WORK_STYLE", "GOAL_DELIVERY", "SERVICE_QUALITY")


def scores(codes: tuple[str, ...], *values: int | str) -> dict[str, Decimal]:
    return {code: Decimal(v) for code, v in zip(codes, values, strict=True)}


# -- the feedback indicator ---------------------------------------------------------------------


def test_satisfaction_is_the_department_mean_put_on_a_0_to_100_scale() -> None:
    facts = FeedbackFacts(
        department_mean=Decimal("4.2"), scale_low=Decimal(1), scale_high=Decimal(5)
    )

    derived = feedback_score(FeedbackFormula(), facts)

    assert derived.value == Decimal("80.00")
    assert "(4.2 - 1) / (5 - 1) x 100 = 80.00" in derived.steps[0]


def test_praise_adds_and_complaints_not_handled_well_and_overdue_subtract() -> None:
    # Given a mean of 80, two praises, three complaints of which one was dismissed and one
    # handled well, and one overdue
    facts = FeedbackFacts(
        department_mean=Decimal(80),
        praise=2,
        complaints=3,
        dismissed=1,
        handled_well=1,
        overdue=1,
    )

    # When the default formula scores it
    derived = feedback_score(FeedbackFormula(), facts)

    # Then 80 + 2 x 2 - 1 x 5 - 1 x 10 = 69, each step shown
    assert derived.value == Decimal("69.00")
    assert facts.not_handled_well == 1
    assert derived.steps[1] == "表扬 praise: 2 x 2 = +4"
    assert derived.steps[2].endswith("= -15")
    assert derived.steps[-1] == "clamped to 0..100 and rounded: 69.00"


def test_a_department_without_a_survey_result_starts_from_the_no_survey_score() -> None:
    derived = feedback_score(FeedbackFormula(no_survey_score=Decimal(75)), FeedbackFacts())

    assert derived.value == Decimal("75.00")
    assert "no survey result" in derived.steps[0]


def test_dismissed_complaints_do_not_count_against_the_person() -> None:
    facts = FeedbackFacts(department_mean=Decimal(90), complaints=2, dismissed=2)

    assert feedback_score(FeedbackFormula(), facts).value == Decimal("90.00")


def test_the_feedback_score_is_clamped_to_0_and_100() -> None:
    praised = FeedbackFacts(department_mean=Decimal(98), praise=10)
    blamed = FeedbackFacts(department_mean=Decimal(20), complaints=5, overdue=5)

    assert feedback_score(FeedbackFormula(), praised).value == Decimal(100)
    assert feedback_score(FeedbackFormula(), blamed).value == Decimal(0)


def test_feedback_facts_read_back_from_their_recorded_form() -> None:
    facts = FeedbackFacts(Decimal("4.33"), Decimal(1), Decimal(5), 1, 2, 1, 0, 1)

    assert FeedbackFacts.from_dict(facts.as_dict()) == facts
    assert FeedbackFacts.from_dict(FeedbackFacts().as_dict()) == FeedbackFacts()


# -- the composite score -----------------------------------------------------------------------


def test_the_composite_weighs_each_indicator_by_the_raters_weighted_mean() -> None:
    # Given a general position rated by its department head and its supervising leader, 50/50
    ratings = {
        HEAD: scores(GENERAL_CODES, 90, 95, 85, 88, 80),
        LEADER: scores(GENERAL_CODES, 94, 85, 90, 92, 86),
    }

    # When the composite is derived
    result = composite(CycleConfig(), PositionCategory.GENERAL, (HEAD, LEADER), ratings, None)

    # Then each line shows the raters' scores, their mean and its weighted contribution
    lines = {line.code: line for line in result.lines}
    assert [line.code for line in result.lines] == list(GENERAL_CODES)
    assert lines["POLITICAL_QUALITY"].scores == {HEAD: Decimal(90), LEADER: Decimal(94)}
    assert lines["POLITICAL_QUALITY"].score == Decimal("92.00")
    assert lines["POLITICAL_QUALITY"].contribution == Decimal("18.40")
    assert lines["WORK_STYLE"].score == Decimal("87.50")
    assert lines["WORK_STYLE"].contribution == Decimal("8.75")
    assert lines["GOAL_DELIVERY"].contribution == Decimal("36.00")
    # 18.40 + 9.00 + 8.75 + 36.00 + 16.60
    assert result.score == Decimal("88.75")
    assert result.missing == ()
    assert result.rater_weights == {HEAD: Decimal(50), LEADER: Decimal(50)}
    assert CycleConfig().grade_for(result.score) is Grade.FAIRLY_GOOD


def test_configured_rater_weights_tilt_the_mean() -> None:
    config = CycleConfig(rater_weights={HEAD: Decimal(30), LEADER: Decimal(70)})
    ratings = {HEAD: scores(GENERAL_CODES, *[80] * 5), LEADER: scores(GENERAL_CODES, *[90] * 5)}

    result = composite(config, PositionCategory.GENERAL, (HEAD, LEADER), ratings, None)

    assert result.score == Decimal("87.00")  # 0.3 x 80 + 0.7 x 90


def test_the_composite_is_rounded_once_at_the_end_not_line_by_line() -> None:
    # Given raters weighted 1 : 2, so that every indicator's mean is a repeating decimal
    config = CycleConfig(rater_weights={HEAD: Decimal(1), LEADER: Decimal(2)})
    ratings = {
        HEAD: scores(GENERAL_CODES, 74, 88, 97, 95, 94),
        LEADER: scores(GENERAL_CODES, 72, 78, 73, 85, 94),
    }

    result = composite(config, PositionCategory.GENERAL, (HEAD, LEADER), ratings, None)

    # Then the shown contributions sum to 84.89, but the exact sum rounds to 84.90
    assert sum(line.contribution or 0 for line in result.lines) == Decimal("84.89")
    assert result.score == Decimal("84.90")


def test_a_service_position_takes_the_feedback_score_as_computed_not_rated() -> None:
    ratings = {
        HEAD: scores(SERVICE_RATED, *[90] * 5),
        LEADER: scores(SERVICE_RATED, *[90] * 5),
    }

    result = composite(
        CycleConfig(), PositionCategory.SERVICE, (HEAD, LEADER), ratings, Decimal(69)
    )

    feedback = next(line for line in result.lines if line.source is IndicatorSource.FEEDBACK)
    assert feedback.code == "SERVED_FEEDBACK"
    assert feedback.scores == {}
    assert feedback.score == Decimal(69)
    assert feedback.contribution == Decimal("20.70")
    assert result.score == Decimal("83.70")  # 70 points x 90% + 30 points x 69%


def test_a_service_position_without_its_feedback_score_has_no_composite_yet() -> None:
    ratings = {HEAD: scores(SERVICE_RATED, *[90] * 5), LEADER: scores(SERVICE_RATED, *[90] * 5)}

    result = composite(CycleConfig(), PositionCategory.SERVICE, (HEAD, LEADER), ratings, None)

    assert result.score is None
    assert result.missing == ()


def test_a_missing_rating_leaves_no_composite_and_names_the_missing_relation() -> None:
    ratings = {HEAD: scores(GENERAL_CODES, *[90] * 5)}

    result = composite(CycleConfig(), PositionCategory.GENERAL, (HEAD, LEADER), ratings, None)

    assert result.score is None
    assert result.missing == (LEADER,)
    assert all(line.score is None and line.contribution is None for line in result.lines)
    assert result.lines[0].scores == {HEAD: Decimal(90)}  # the rating in hand is still shown


def test_a_rating_by_a_relation_not_required_does_not_count() -> None:
    # Given a department head who rated a deputy leader (whose only rater is the principal)
    ratings = {
        PRINCIPAL: scores(GENERAL_CODES, *[80] * 5),
        HEAD: scores(GENERAL_CODES, *[100] * 5),
    }

    result = composite(CycleConfig(), PositionCategory.LEADER, (PRINCIPAL,), ratings, None)

    assert result.score == Decimal("80.00")
    assert result.rater_weights == {PRINCIPAL: Decimal(100)}


def test_nobody_to_rate_means_no_composite() -> None:
    result = composite(CycleConfig(), PositionCategory.GENERAL, (), {}, None)

    assert result.score is None


def test_the_recorded_derivation_states_every_number_as_text() -> None:
    ratings = {HEAD: scores(GENERAL_CODES, *[90] * 5), LEADER: scores(GENERAL_CODES, *[80] * 5)}

    recorded = composite(
        CycleConfig(), PositionCategory.GENERAL, (HEAD, LEADER), ratings, None
    ).as_dict()

    assert recorded["score"] == "85.00"
    assert recorded["missing"] == []
    assert recorded["rater_weights"] == {"DEPARTMENT_HEAD": "50", "SUPERVISING_LEADER": "50"}
    assert recorded["lines"][0] == {
        "code": "POLITICAL_QUALITY",
        "name": "政治素质",
        "weight": "20",
        "source": "RATED",
        "scores": {"DEPARTMENT_HEAD": "90", "SUPERVISING_LEADER": "80"},
        "score": "85.00",
        "contribution": "17.00",
    }


def test_cents_rounds_half_up() -> None:
    assert cents(Decimal("84.895")) == Decimal("84.90")
    assert cents(Decimal("84.894")) == Decimal("84.89")


# -- the top-grade quota -------------------------------------------------------------------------


def graded(top: int, others: int) -> dict[UUID, Grade]:
    return {uuid4(): Grade.GOOD for _ in range(top)} | {
        uuid4(): Grade.FAIRLY_GOOD for _ in range(others)
    }


@pytest.mark.parametrize(
    ("rounding", "limit"), [(Rounding.FLOOR, 4), (Rounding.HALF_UP, 5)], ids=["floor", "half-up"]
)
def test_exactly_at_the_quota_passes_and_one_over_fails(rounding: Rounding, limit: int) -> None:
    # Given 12 participants and a 40% quota: 4.8 people
    config = CycleConfig(quota_rounding=rounding)

    at_limit = quota_check(config, 12, graded(limit, 12 - limit))
    one_over = quota_check(config, 12, graded(limit + 1, 11 - limit))

    assert (at_limit.limit, at_limit.top, at_limit.ok) == (limit, limit, True)
    assert (one_over.limit, one_over.top, one_over.ok) == (limit, limit + 1, False)


def test_the_quota_counts_only_the_top_grade() -> None:
    grades = graded(2, 0) | {uuid4(): Grade.AVERAGE, uuid4(): Grade.POOR}

    check = quota_check(CycleConfig(), 10, grades)

    assert check.top == 2
    assert check.as_dict() == {"participants": 10, "limit": 4, "top": 2, "ok": True}


def test_the_quota_is_taken_of_all_participants_not_of_those_graded_so_far() -> None:
    check = quota_check(CycleConfig(), 10, graded(4, 0))

    assert check.ok


# -- grades out of line -------------------------------------------------------------------------


def test_a_higher_grade_than_a_peer_who_scored_higher_is_out_of_line() -> None:
    # Given 甲 scored 92 and got 较好 while 乙 scored 85 and got 好
    jia, yi, bing = uuid4(), uuid4(), uuid4()
    grades = {jia: Grade.FAIRLY_GOOD, yi: Grade.GOOD, bing: Grade.AVERAGE}
    composites = {jia: Decimal(92), yi: Decimal(85), bing: Decimal(70)}

    # Then only 乙 needs a justification, naming 甲 as the peer
    assert out_of_line(grades, composites) == {yi: jia}


def test_the_peer_named_is_the_highest_scoring_one_with_a_lower_grade() -> None:
    top, second, low = uuid4(), uuid4(), uuid4()
    grades = {top: Grade.AVERAGE, second: Grade.FAIRLY_GOOD, low: Grade.GOOD}
    composites = {top: Decimal(95), second: Decimal(90), low: Decimal(60)}

    # 好 at 60 is above both 较好 at 90 and 一般 at 95: the peer named is the one who scored 95
    assert out_of_line(grades, composites) == {low: top, second: top}


def test_equal_scores_with_different_grades_are_not_out_of_line() -> None:
    a, b = uuid4(), uuid4()

    assert out_of_line({a: Grade.GOOD, b: Grade.AVERAGE}, {a: Decimal(88), b: Decimal(88)}) == {}


def test_grades_that_follow_the_scores_are_in_line() -> None:
    people = [uuid4() for _ in range(4)]
    grades = dict(zip(people, Grade, strict=True))
    composites = dict(
        zip(people, (Decimal(95), Decimal(85), Decimal(70), Decimal(50)), strict=True)
    )

    assert out_of_line(grades, composites) == {}


def test_people_without_a_score_or_a_grade_are_left_out_of_the_comparison() -> None:
    scored, unscored, ungraded = uuid4(), uuid4(), uuid4()
    grades = {scored: Grade.AVERAGE, unscored: Grade.GOOD}
    composites: dict[UUID, Decimal | None] = {
        scored: Decimal(95),
        unscored: None,
        ungraded: Decimal(99),
    }

    assert out_of_line(grades, composites) == {}
