"""A cycle's configuration (考核方案) as a specification: what it decides, what it refuses (each
refusal naming its rule and the field, with the path into the configuration), and that its recorded
form reads back to the same configuration.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kernel.errors import RuleViolatedError
from services.directory.vocabulary import PositionCategory
from services.reviews.scheme import CycleConfig, FeedbackFormula, Indicator
from services.reviews.vocabulary import Grade, IndicatorSource, RaterRelation, Rounding


def refused(config: dict[str, Any]) -> RuleViolatedError:
    with pytest.raises(RuleViolatedError) as caught:
        CycleConfig.from_dict(config)
    return caught.value


def indicator(code: str, weight: int | str, source: str = "RATED") -> dict[str, Any]:
    return {"code": code, "name": f"指标{code}", "weight": weight, "source": source}


def bands(*minima: int | str, grades: tuple[str, ...] = tuple(Grade)) -> list[dict[str, Any]]:
    return [{"grade": g, "min_score": m} for g, m in zip(grades, minima, strict=True)]


# -- the defaults ------------------------------------------------------------------------------


def test_the_default_scheme_weighs_every_category_to_100_points() -> None:
    config = CycleConfig()

    config.check()

    for category in PositionCategory:
        total = sum(i.weight for i in config.indicators_for(category))
        assert total == 100, category


def test_only_service_positions_get_the_feedback_indicator_by_default() -> None:
    config = CycleConfig()

    with_feedback = {
        c
        for c in PositionCategory
        if any(i.source is IndicatorSource.FEEDBACK for i in config.indicators_for(c))
    }

    assert with_feedback == {PositionCategory.SERVICE}


def test_the_indicators_of_a_category_are_the_common_ones_then_its_own() -> None:
    codes = [i.code for i in CycleConfig().indicators_for(PositionCategory.GENERAL)]

    assert codes == ["POLITICAL_QUALITY", "INTEGRITY", "WORK_STYLE", "GOAL_DELIVERY", "COMPETENCE"]


def test_the_default_quota_is_40_percent_rounded_down_with_five_day_periods() -> None:
    config = CycleConfig()

    assert config.quota_percent == 40
    assert config.quota_rounding is Rounding.FLOOR
    assert (config.publicity_days, config.objection_days) == (5, 5)


def test_an_empty_configuration_takes_every_default() -> None:
    assert CycleConfig.from_dict({}) == CycleConfig()


def test_absent_numbers_given_as_null_take_their_defaults() -> None:
    config = CycleConfig.from_dict(
        {"quota_percent": None, "publicity_days": None, "objection_days": None}
    )

    assert config == CycleConfig()


# -- grades from bands ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", Grade.GOOD),
        ("90", Grade.GOOD),
        ("89.99", Grade.FAIRLY_GOOD),
        ("80", Grade.FAIRLY_GOOD),
        ("79.99", Grade.AVERAGE),
        ("60", Grade.AVERAGE),
        ("59.99", Grade.POOR),
        ("0", Grade.POOR),
    ],
)
def test_a_score_falls_in_the_highest_band_whose_minimum_it_reaches(
    score: str, grade: Grade
) -> None:
    assert CycleConfig().grade_for(Decimal(score)) is grade


def test_configured_bands_move_the_grade_boundaries() -> None:
    config = CycleConfig.from_dict({"bands": bands(95, 85, 70, 0)})

    assert config.grade_for(Decimal(94)) is Grade.FAIRLY_GOOD
    assert config.grade_for(Decimal(95)) is Grade.GOOD
    assert config.grade_for(Decimal(69)) is Grade.POOR


# -- the quota and its rounding ------------------------------------------------------------------


def test_floor_rounding_gives_4_of_12_at_40_percent() -> None:
    config = CycleConfig(quota_rounding=Rounding.FLOOR)

    assert config.quota_limit(12) == 4  # 4.8 rounded down


def test_half_up_rounding_gives_5_of_12_at_40_percent() -> None:
    config = CycleConfig(quota_rounding=Rounding.HALF_UP)

    assert config.quota_limit(12) == 5  # 4.8 rounded half up


def test_half_up_rounds_an_exact_half_up_and_floor_down() -> None:
    # 50% of 5 is 2.5
    assert (
        CycleConfig(quota_percent=Decimal(50), quota_rounding=Rounding.HALF_UP).quota_limit(5) == 3
    )
    assert CycleConfig(quota_percent=Decimal(50), quota_rounding=Rounding.FLOOR).quota_limit(5) == 2


def test_a_whole_quota_needs_no_rounding() -> None:
    for rounding in Rounding:
        assert CycleConfig(quota_rounding=rounding).quota_limit(10) == 4


def test_a_small_unit_may_have_no_top_grade_under_floor_rounding() -> None:
    assert CycleConfig().quota_limit(2) == 0


# -- weights ------------------------------------------------------------------------------------


def test_weights_that_do_not_sum_to_100_are_refused_naming_the_category() -> None:
    individual = {c.value: [indicator("GOAL_DELIVERY", 60)] for c in PositionCategory}
    individual["PATROL"] = [indicator("GOAL_DELIVERY", 50)]

    error = refused({"individual": individual})

    assert error.rule == "reviews.weights_sum_to_100"
    assert error.field == "config.individual.PATROL"
    assert "90" in error.message
    assert "巡查督导" in error.message


def test_a_category_left_out_of_individual_must_be_weighed_by_the_common_indicators() -> None:
    individual = {c.value: [indicator("GOAL_DELIVERY", 60)] for c in PositionCategory}
    del individual["LEADER"]

    error = refused({"individual": individual})

    assert error.rule == "reviews.weights_sum_to_100"
    assert error.field == "config.common"
    assert "LEADER" in error.message


def test_common_indicators_weighing_100_alone_serve_every_category() -> None:
    config = CycleConfig.from_dict(
        {"common": [indicator("CONDUCT", 100)], "individual": {}, "bands": bands(90, 80, 60, 0)}
    )

    assert [i.code for i in config.indicators_for(PositionCategory.SERVICE)] == ["CONDUCT"]


def test_an_indicator_twice_in_one_category_is_refused() -> None:
    individual = {
        c.value: [indicator("GOAL_DELIVERY", 30), indicator("GOAL_DELIVERY", 30)]
        for c in PositionCategory
    }

    error = refused({"individual": individual})

    assert error.rule == "reviews.indicator_unique"
    assert "GOAL_DELIVERY" in error.message


@pytest.mark.parametrize("weight", ["0", "-5", "100.5"])
def test_a_weight_outside_0_to_100_points_is_refused(weight: str) -> None:
    error = refused({"common": [indicator("CONDUCT", weight)]})

    assert error.rule == "reviews.indicator_weight"
    assert error.field == "config.common.0.weight"


def test_a_weight_that_is_not_a_number_is_refused_naming_its_path() -> None:
    error = refused({"individual": {"GENERAL": [indicator("GOAL_DELIVERY", "sixty")]}})

    assert error.rule == "reviews.number"
    assert error.field == "config.individual.GENERAL.0.weight"


@pytest.mark.parametrize("code", ["goal", "X", "1ST", "WITH SPACE", ""])
def test_an_indicator_code_must_be_an_upper_case_code(code: str) -> None:
    error = refused({"common": [indicator("CONDUCT", 40), indicator(code, 10)]})

    assert error.rule == "reviews.indicator_code"
    assert error.field == "config.common.1.code"


def test_an_indicator_without_a_name_is_refused() -> None:
    error = refused({"common": [{"code": "CONDUCT", "name": "  ", "weight": 40}]})

    assert error.rule == "reviews.indicator_name"
    assert error.field == "config.common.0.name"


def test_an_indicator_source_other_than_rated_or_feedback_is_refused() -> None:
    error = refused({"common": [indicator("CONDUCT", 40, source="VOTE")]})

    assert error.rule == "reviews.indicator_source"
    assert error.field == "config.common.0.source"


def test_an_unknown_position_category_is_refused() -> None:
    error = refused({"individual": {"JANITOR": [indicator("GOAL_DELIVERY", 60)]}})

    assert error.rule == "reviews.position_category"
    assert error.field == "config.individual.JANITOR"


# -- feedback indicators belong to service positions ---------------------------------------------


def test_a_feedback_indicator_for_a_non_service_category_is_refused() -> None:
    individual = {
        c.value: [i.as_dict() for i in inds] for c, inds in CycleConfig().individual.items()
    }
    individual["GENERAL"] = [
        indicator("GOAL_DELIVERY", 30),
        indicator("SERVED_FEEDBACK", 30, source="FEEDBACK"),
    ]

    error = refused({"individual": individual})

    assert error.rule == "reviews.feedback_for_service_positions"
    assert error.field == "config.individual.GENERAL"
    assert "SERVED_FEEDBACK" in error.message


def test_a_common_feedback_indicator_is_refused_as_it_would_reach_every_category() -> None:
    error = refused(
        {
            "common": [indicator("SERVED_FEEDBACK", 40, source="FEEDBACK")],
            "individual": {c.value: [indicator("GOAL_DELIVERY", 60)] for c in PositionCategory},
        }
    )

    assert error.rule == "reviews.feedback_for_service_positions"


def test_a_service_category_may_carry_a_feedback_indicator() -> None:
    config = CycleConfig.from_dict(
        {
            "individual": {
                c.value: [indicator("GOAL_DELIVERY", 60)]
                if c is not PositionCategory.SERVICE
                else [indicator("GOAL_DELIVERY", 20), indicator("FEEDBACK", 40, "FEEDBACK")]
                for c in PositionCategory
            }
        }
    )

    feedback = [
        i for i in config.indicators_for(PositionCategory.SERVICE) if i.source.value != "RATED"
    ]
    assert [i.code for i in feedback] == ["FEEDBACK"]


# -- bands --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(bands(90, 80, 60, 10), id="the last band does not start at 0"),
        pytest.param(bands(80, 90, 60, 0), id="minimums do not descend"),
        pytest.param(bands(90, 80, 80, 0), id="two bands share a minimum"),
        pytest.param(bands(101, 80, 60, 0), id="the top band starts above 100"),
        pytest.param(
            bands(90, 80, 60, 0, grades=("FAIRLY_GOOD", "GOOD", "AVERAGE", "POOR")),
            id="grades out of order",
        ),
        pytest.param(bands(90, 60, 0, grades=("GOOD", "AVERAGE", "POOR")), id="a grade missing"),
        pytest.param([], id="no bands"),
    ],
)
def test_bands_must_give_one_descending_minimum_per_grade_down_to_0(
    given: list[dict[str, Any]],
) -> None:
    error = refused({"bands": given})

    assert error.rule == "reviews.bands"
    assert error.field == "config.bands"


def test_a_band_naming_no_grade_is_refused_at_its_position() -> None:
    error = refused({"bands": bands(90, 80, 60, 0, grades=("GOOD", "FAIRLY_GOOD", "OK", "POOR"))})

    assert error.rule == "reviews.band_grade"
    assert error.field == "config.bands.2.grade"


def test_a_band_minimum_that_is_not_a_number_is_refused_at_its_position() -> None:
    error = refused({"bands": bands(90, "eighty", 60, 0)})

    assert error.rule == "reviews.number"
    assert error.field == "config.bands.1.min_score"


# -- the quota percentage -------------------------------------------------------------------------


@pytest.mark.parametrize("percent", ["0", "-10", "100.01"])
def test_a_quota_percentage_outside_0_to_100_is_refused(percent: str) -> None:
    error = refused({"quota_percent": percent})

    assert error.rule == "reviews.quota_percent"
    assert error.field == "config.quota_percent"


def test_a_quota_of_exactly_100_percent_is_allowed() -> None:
    assert CycleConfig.from_dict({"quota_percent": "100"}).quota_limit(7) == 7


def test_a_quota_that_is_not_a_number_is_refused() -> None:
    error = refused({"quota_percent": "forty"})

    assert error.rule == "reviews.number"
    assert error.field == "config.quota_percent"


def test_a_rounding_rule_other_than_floor_or_half_up_is_refused() -> None:
    error = refused({"quota_rounding": "CEILING"})

    assert error.rule == "reviews.quota_rounding"
    assert error.field == "config.quota_rounding"


# -- rater weights --------------------------------------------------------------------------------


def test_a_rater_weight_of_zero_is_refused_naming_the_relation() -> None:
    error = refused({"rater_weights": {"DEPARTMENT_HEAD": 0, "SUPERVISING_LEADER": 100}})

    assert error.rule == "reviews.rater_weight"
    assert error.field == "config.rater_weights.DEPARTMENT_HEAD"
    assert "科室负责人" in error.message


def test_an_unknown_rater_relation_is_refused() -> None:
    error = refused({"rater_weights": {"COLLEAGUE": 10}})

    assert error.rule == "reviews.rater_relation"
    assert error.field == "config.rater_weights.COLLEAGUE"


def test_the_principal_leader_rating_alone_weighs_100_unless_configured() -> None:
    assert CycleConfig().rater_weight(RaterRelation.PRINCIPAL_LEADER) == 100
    assert CycleConfig().rater_weight(RaterRelation.DEPARTMENT_HEAD) == 50


# -- the publicity period and the objection window -----------------------------------------------


@pytest.mark.parametrize("days", [0, 31, -1])
def test_a_publicity_period_outside_1_to_30_working_days_is_refused(days: int) -> None:
    error = refused({"publicity_days": days, "objection_days": 1})

    assert error.rule == "reviews.publicity_days"
    assert error.field == "config.publicity_days"


def test_an_objection_window_longer_than_the_publicity_period_is_refused() -> None:
    error = refused({"publicity_days": 5, "objection_days": 6})

    assert error.rule == "reviews.objection_window"
    assert error.field == "config.objection_days"


def test_an_objection_window_as_long_as_the_publicity_period_is_allowed() -> None:
    config = CycleConfig.from_dict({"publicity_days": 7, "objection_days": 7})

    assert (config.publicity_days, config.objection_days) == (7, 7)


def test_an_objection_window_of_zero_days_is_refused_not_replaced_by_the_default() -> None:
    error = refused({"objection_days": 0})

    assert error.rule == "reviews.objection_window"
    assert error.field == "config.objection_days"


@pytest.mark.parametrize("days", ["five", "2.5"])
def test_a_number_of_days_that_is_not_a_whole_number_is_refused(days: str) -> None:
    error = refused({"publicity_days": days})

    assert error.rule == "reviews.number"
    assert error.field == "config.publicity_days"


# -- the feedback formula ---------------------------------------------------------------------


def test_a_formula_parameter_outside_0_to_100_is_refused_naming_it() -> None:
    error = refused({"feedback_formula": {"complaint_points": "150"}})

    assert error.rule == "reviews.formula_range"
    assert error.field == "config.feedback_formula.complaint_points"


def test_formula_parameters_left_out_keep_their_defaults() -> None:
    formula = CycleConfig.from_dict({"feedback_formula": {"praise_points": "3"}}).feedback_formula

    assert formula == FeedbackFormula(praise_points=Decimal(3))


# -- the recorded form ------------------------------------------------------------------------


def test_a_configuration_reads_back_from_its_recorded_form_unchanged() -> None:
    config = CycleConfig(
        common=(Indicator("CONDUCT", "品行", Decimal("35.5")),),
        individual={
            c: (
                (
                    Indicator("WORK", "工作", Decimal("34.5")),
                    Indicator("FB", "反馈", Decimal(30), IndicatorSource.FEEDBACK),
                )
                if c is PositionCategory.SERVICE
                else (Indicator("WORK", "工作", Decimal("64.5")),)
            )
            for c in PositionCategory
        },
        bands=tuple(zip(Grade, (Decimal(92), Decimal(85), Decimal(65), Decimal(0)), strict=True)),
        rater_weights={
            RaterRelation.DEPARTMENT_HEAD: Decimal(40),
            RaterRelation.SUPERVISING_LEADER: Decimal(60),
        },
        quota_percent=Decimal("33.3"),
        quota_rounding=Rounding.HALF_UP,
        publicity_days=7,
        objection_days=3,
        feedback_formula=FeedbackFormula(no_survey_score=Decimal(75)),
    )

    assert CycleConfig.from_dict(config.as_dict()) == config


def test_the_recorded_form_states_the_rounding_rule_and_every_weight_as_text() -> None:
    recorded = CycleConfig().as_dict()

    assert recorded["quota_rounding"] == "FLOOR"
    assert recorded["quota_percent"] == "40"
    assert recorded["common"][0] == {
        "code": "POLITICAL_QUALITY",
        "name": "政治素质",
        "weight": "20",
        "source": "RATED",
    }
    assert recorded["bands"][0] == {"grade": "GOOD", "min_score": "90"}
