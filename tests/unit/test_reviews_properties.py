"""Properties of the reviews' numbers over generated schemes and ratings: the composite score is a
function of its inputs alone (not of their order) and lies between the lowest and highest indicator
score; the quota grows with the participants and stays within its percentage; and grades that
follow the scores are never flagged as out of line.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from uuid import UUID, uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from services.directory.vocabulary import PositionCategory
from services.reviews.scheme import CycleConfig, Indicator
from services.reviews.scoring import composite, out_of_line
from services.reviews.vocabulary import Grade, IndicatorSource, RaterRelation, Rounding

RELATIONS = (RaterRelation.DEPARTMENT_HEAD, RaterRelation.SUPERVISING_LEADER)
SCORES = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def weights_summing_to_100(draw: st.DrawFn) -> list[Decimal]:
    """Between 1 and 8 positive weights (in half points) that sum to 100 points."""
    cuts = draw(st.lists(st.integers(1, 199), min_size=0, max_size=7, unique=True))
    marks = [0, *sorted(cuts), 200]
    return [Decimal(b - a) / 2 for a, b in itertools.pairwise(marks)]


@st.composite
def scheme(draw: st.DrawFn) -> tuple[CycleConfig, PositionCategory]:
    """A service position's scheme: rated indicators and maybe one fed by feedback, with
    arbitrary positive rater weights.
    """
    weights = draw(weights_summing_to_100())
    feedback_at = draw(st.none() | st.integers(0, len(weights) - 1))
    indicators = tuple(
        Indicator(
            f"IND_{i}",
            f"指标{i}",
            w,
            IndicatorSource.FEEDBACK if i == feedback_at else IndicatorSource.RATED,
        )
        for i, w in enumerate(weights)
    )
    rater_weights = {
        r: Decimal(draw(st.integers(1, 100))) for r in draw(st.permutations(RELATIONS))
    }
    config = CycleConfig(
        common=(),
        individual={PositionCategory.SERVICE: indicators},
        rater_weights=rater_weights,
    )
    return config, PositionCategory.SERVICE


@st.composite
def ratings(
    draw: st.DrawFn, config: CycleConfig, category: PositionCategory
) -> dict[RaterRelation, dict[str, Decimal]]:
    rated = [i.code for i in config.indicators_for(category) if i.source is IndicatorSource.RATED]
    return {r: {code: draw(SCORES) for code in rated} for r in RELATIONS}


# What one appraisal is computed from: the cycle's config, the position, the raters' scores,
# the feedback score, and a generator to reorder them with.
AppraisalInputs = tuple[
    CycleConfig,
    PositionCategory,
    dict[RaterRelation, dict[str, Decimal]],
    Decimal,
    random.Random,
]


@st.composite
def appraisal_inputs(
    draw: st.DrawFn,
) -> AppraisalInputs:
    config, category = draw(scheme())
    return (
        config,
        category,
        draw(ratings(config, category)),
        draw(SCORES),
        draw(st.randoms(use_true_random=False)),
    )


def shuffled_items(d: dict[str, Decimal], rng: random.Random) -> dict[str, Decimal]:
    items = list(d.items())
    rng.shuffle(items)
    return dict(items)


@settings(max_examples=150)
@given(appraisal_inputs())
def test_the_same_inputs_in_any_order_give_the_same_composite(
    inputs: AppraisalInputs,
) -> None:
    config, category, given_ratings, feedback, rng = inputs
    first = composite(config, category, RELATIONS, given_ratings, feedback)

    # the same inputs again, with the raters, their scores and the required relations reordered
    reordered = {r: shuffled_items(given_ratings[r], rng) for r in reversed(RELATIONS)}
    required = tuple(rng.sample(RELATIONS, len(RELATIONS)))
    again = composite(config, category, required, reordered, feedback)

    assert first.score is not None
    assert again.score == first.score
    assert [line.as_dict() for line in again.lines] == [line.as_dict() for line in first.lines]
    assert composite(config, category, RELATIONS, given_ratings, feedback) == first


@settings(max_examples=150)
@given(appraisal_inputs())
def test_the_composite_lies_between_the_lowest_and_highest_indicator_score(
    inputs: AppraisalInputs,
) -> None:
    config, category, given_ratings, feedback, _ = inputs

    result = composite(config, category, RELATIONS, given_ratings, feedback)

    line_scores = [line.score for line in result.lines if line.score is not None]
    assert len(line_scores) == len(result.lines)
    assert result.score is not None
    assert min(line_scores) <= result.score <= max(line_scores)
    every_given = [s for scores in given_ratings.values() for s in scores.values()]
    if any(line.source is IndicatorSource.FEEDBACK for line in result.lines):
        every_given.append(feedback)
    assert min(every_given) <= result.score <= max(every_given)


PERCENTS = st.decimals(
    min_value=Decimal("0.01"), max_value=100, places=2, allow_nan=False, allow_infinity=False
)


@settings(max_examples=200)
@given(PERCENTS, st.sampled_from(Rounding), st.integers(0, 500))
def test_the_quota_grows_with_the_participants_and_never_exceeds_them(
    percent: Decimal, rounding: Rounding, participants: int
) -> None:
    config = CycleConfig(quota_percent=percent, quota_rounding=rounding)

    limit = config.quota_limit(participants)

    assert 0 <= limit <= participants
    assert limit <= config.quota_limit(participants + 1)


@settings(max_examples=200)
@given(PERCENTS, st.integers(0, 500))
def test_rounded_down_the_quota_never_exceeds_its_percentage(
    percent: Decimal, participants: int
) -> None:
    config = CycleConfig(quota_percent=percent, quota_rounding=Rounding.FLOOR)

    limit = config.quota_limit(participants)

    assert limit * 100 <= participants * percent < (limit + 1) * 100


@settings(max_examples=200)
@given(PERCENTS, st.integers(0, 500))
def test_rounded_half_up_the_quota_is_within_half_a_person_of_its_percentage(
    percent: Decimal, participants: int
) -> None:
    config = CycleConfig(quota_percent=percent, quota_rounding=Rounding.HALF_UP)

    limit = config.quota_limit(participants)

    exact = participants * percent / 100
    # An exact half rounds up: 7.5 people allow 8.
    assert limit - Decimal("0.5") <= exact < limit + Decimal("0.5")
    assert limit >= CycleConfig(quota_percent=percent).quota_limit(participants)


GRADED = st.lists(st.tuples(SCORES, st.sampled_from(Grade)), min_size=0, max_size=25)


@settings(max_examples=200)
@given(GRADED)
def test_grades_that_follow_the_scores_are_never_out_of_line(
    drawn: list[tuple[Decimal, Grade]],
) -> None:
    # Pair the scores, highest first, with the grades, best first: the grades follow the scores
    scores = sorted((s for s, _ in drawn), reverse=True)
    grades = sorted((g for _, g in drawn), key=lambda g: g.rank)
    people = [uuid4() for _ in drawn]

    flagged = out_of_line(
        dict(zip(people, grades, strict=True)), dict(zip(people, scores, strict=True))
    )

    assert flagged == {}


@settings(max_examples=200)
@given(GRADED)
def test_exactly_those_graded_above_a_higher_scoring_peer_are_flagged(
    drawn: list[tuple[Decimal, Grade]],
) -> None:
    people = [uuid4() for _ in drawn]
    grades = {p: g for p, (_, g) in zip(people, drawn, strict=True)}
    scores: dict[UUID, Decimal | None] = {p: s for p, (s, _) in zip(people, drawn, strict=True)}

    flagged = out_of_line(grades, scores)

    for person in people:
        score = scores[person]
        assert score is not None
        above = [
            q for q in people if (scores[q] or 0) > score and grades[person].better_than(grades[q])
        ]
        assert (person in flagged) == bool(above)
        if above:
            peer = flagged[person]
            assert peer in above
            assert scores[peer] == max(scores[q] or 0 for q in above)
