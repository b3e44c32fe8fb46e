"""The year as a specification: the annual top-grade (优秀) candidate list, ranked by top quarters
then mean composite, with its disqualifiers and its capped quota; and the "taking turns" view of
each department, with its inversions counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.errors import RuleViolatedError
from services.reviews.vocabulary import Grade, SanctionKind
from services.reviews.year import (
    CandidateRow,
    Disqualifier,
    PersonYear,
    QuarterResult,
    SanctionPeriod,
    annual_candidates,
    competition_ranks,
    taking_turns,
)

YEAR = 2026
G, F, A, P = Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR
VEHICLES, ESTATE = uuid4(), uuid4()


def person(
    name: str,
    grades: str,
    scores: tuple[int | str | None, ...] = (80, 80, 80, 80),
    department: UUID = VEHICLES,
) -> PersonYear:
    """A year in one department; grades written as four letters (G F A P, - for none)."""
    codes = {"G": G, "F": F, "A": A, "P": P, "-": None}
    return PersonYear.of(
        uuid4(),
        name,
        [codes[c] for c in grades],
        [Decimal(s) if s is not None else None for s in scores],
        department,
        "公车科" if department == VEHICLES else "物业科",
    )


def filler(n: int, grades: str = "FFFF") -> list[PersonYear]:
    return [person(f"员工{i:02d}", grades, (75, 75, 75, 75)) for i in range(n)]


def names(rows: Sequence[CandidateRow]) -> list[str]:
    return [r.name for r in rows]


# -- ranking ------------------------------------------------------------------------------------


def test_candidates_are_ranked_by_top_quarters_then_by_mean_composite() -> None:
    # Given 甲 with three 好 quarters, and 乙 and 丙 with two each, 乙 scoring higher on average
    people = [
        person("丙", "GGFF", (92, 92, 92, 92)),
        person("甲", "GGGF", (88, 88, 88, 88)),
        person("乙", "GFGF", (95, 95, 95, 95)),
        *filler(7),
    ]

    # When the candidate list is proposed
    result = annual_candidates(people, year=YEAR)

    # Then 甲 leads on top quarters, and 乙 is ahead of 丙 on the mean
    assert names(result.candidates) == ["甲", "乙", "丙"]
    assert [r.rank for r in result.candidates] == [1, 2, 3]
    assert [r.top_quarters for r in result.candidates] == [3, 2, 2]


def test_the_mean_composite_is_taken_over_the_scored_quarters_and_shown_to_2_places() -> None:
    row = annual_candidates([person("甲", "GG-F", (90, 91, None, "85.5"))], year=YEAR).rows[0]

    assert row.mean_score == Decimal("88.83")
    assert row.quarters_graded == 3
    assert row.counts == {G: 2, F: 1, A: 0, P: 0}


def test_level_on_top_quarters_and_mean_the_order_is_by_name() -> None:
    people = [person("乙", "GFFF", (90, 90, 90, 90)), person("甲", "GFFF", (90, 90, 90, 90))]

    result = annual_candidates(people, year=YEAR)

    assert names(result.candidates) == sorted(["甲", "乙"])


def test_someone_without_any_score_comes_after_the_scored_at_the_same_top_count() -> None:
    people = [
        person("甲", "GFFF", (None, None, None, None)),
        person("乙", "GFFF", (60, 60, 60, 60)),
    ]

    assert names(annual_candidates(people, year=YEAR).candidates) == ["乙", "甲"]


# -- disqualifiers ------------------------------------------------------------------------------


def test_a_poor_quarter_disqualifies_even_with_three_top_quarters() -> None:
    poor = person("甲", "GGGP", (95, 95, 95, 40))

    (row,) = annual_candidates([poor], year=YEAR).rows

    assert not row.candidate
    assert row.rank is None
    assert not row.within_quota
    (reason,) = row.disqualified_by
    assert reason.code is Disqualifier.POOR_QUARTER
    assert "较差" in reason.detail
    assert "2026-Q4" in reason.detail
    assert reason.as_dict()["label"] == "有较差等次季度"


def test_no_top_quarter_means_no_candidacy() -> None:
    row = annual_candidates([person("甲", "FFFF", (89, 89, 89, 89))], year=YEAR).rows[0]

    assert [d.code for d in row.disqualified_by] == [Disqualifier.NO_TOP_QUARTER]


def test_a_sanction_running_into_the_year_disqualifies() -> None:
    # Given a demerit (记过, 12 months) decided in March of the year before
    sanctioned = person("甲", "GGGG", (96, 96, 96, 96))
    demerit = SanctionPeriod.from_decision(
        sanctioned.person_id, SanctionKind.DEMERIT, date(2025, 3, 10)
    )

    row = annual_candidates([sanctioned], sanctioned=[demerit], year=YEAR).rows[0]

    (reason,) = row.disqualified_by
    assert reason.code is Disqualifier.SANCTIONED
    assert "记过" in reason.detail
    assert "2026-03-10" in reason.detail


def test_a_sanction_decided_during_the_year_disqualifies() -> None:
    sanctioned = person("甲", "GGGG")
    warning = SanctionPeriod.from_decision(
        sanctioned.person_id, SanctionKind.WARNING, date(2026, 12, 31)
    )

    row = annual_candidates([sanctioned], sanctioned=[warning], year=YEAR).rows[0]

    assert [d.code for d in row.disqualified_by] == [Disqualifier.SANCTIONED]


def test_a_sanction_that_ended_before_the_year_or_someone_elses_does_not_count() -> None:
    # Given a warning decided 1 July 2025: it runs to 1 January 2026, that day excluded
    clean = person("甲", "GFFF")
    ended = SanctionPeriod.from_decision(clean.person_id, SanctionKind.WARNING, date(2025, 7, 1))
    others = SanctionPeriod.from_decision(uuid4(), SanctionKind.DEMOTION, date(2026, 2, 1))

    assert ended.ends_on == date(2026, 1, 1)
    assert not ended.overlaps(YEAR)
    row = annual_candidates([clean], sanctioned=[ended, others], year=YEAR).rows[0]
    assert row.candidate


def test_a_sanction_decided_after_the_year_does_not_count_for_it() -> None:
    clean = person("甲", "GFFF")
    later = SanctionPeriod.from_decision(clean.person_id, SanctionKind.WARNING, date(2027, 1, 1))

    assert annual_candidates([clean], sanctioned=[later], year=YEAR).rows[0].candidate


def test_every_disqualifier_that_applies_is_listed() -> None:
    poor = person("甲", "PFAF", (50, 80, 70, 80))
    sanction = SanctionPeriod.from_decision(poor.person_id, SanctionKind.WARNING, date(2026, 5, 1))

    row = annual_candidates([poor], sanctioned=[sanction], year=YEAR).rows[0]

    assert [d.code for d in row.disqualified_by] == [
        Disqualifier.POOR_QUARTER,
        Disqualifier.SANCTIONED,
        Disqualifier.NO_TOP_QUARTER,
    ]


def test_the_disqualified_follow_the_candidates_with_their_evidence() -> None:
    people = [person("甲", "GGGP", (99, 99, 99, 50)), person("乙", "GFFF"), person("丙", "FFFF")]

    result = annual_candidates(people, year=YEAR)

    assert names(result.rows) == ["乙", "甲", "丙"]
    assert result.rows[1].as_dict()["disqualified_by"][0]["code"] == "POOR_QUARTER"
    assert result.rows[1].as_dict()["grades"] == ["GOOD", "GOOD", "GOOD", "POOR"]


# -- the quota ---------------------------------------------------------------------------------


def test_the_quota_is_20_percent_of_those_appraised_rounded_down() -> None:
    # Given 12 people appraised and 4 candidates: 20% of 12 is 2.4
    people = [person(f"候选{i}", "GFFF", (90 - i, 80, 80, 80)) for i in range(4)] + filler(8)

    result = annual_candidates(people, year=YEAR)

    assert (result.appraised, result.limit) == (12, 2)
    assert [r.within_quota for r in result.candidates] == [True, True, False, False]
    assert names(result.within_quota) == ["候选0", "候选1"]


def test_exactly_at_the_cap_is_allowed_and_above_it_is_refused() -> None:
    people = filler(12)

    assert annual_candidates(people, Decimal(25), year=YEAR).limit == 3

    with pytest.raises(RuleViolatedError) as error:
        annual_candidates(people, Decimal("25.01"), year=YEAR)
    assert error.value.rule == "reviews.annual_quota_cap"
    assert error.value.field == "quota_percent"
    assert "at most 25%" in error.value.message


def test_a_unit_may_configure_a_different_cap() -> None:
    assert annual_candidates(filler(10), Decimal(30), Decimal(30), year=YEAR).limit == 3

    with pytest.raises(RuleViolatedError) as error:
        annual_candidates(filler(10), Decimal(20), Decimal(0), year=YEAR)
    assert error.value.field == "cap"


@pytest.mark.parametrize("percent", ["0", "-5"])
def test_a_quota_of_zero_or_less_is_refused(percent: str) -> None:
    with pytest.raises(RuleViolatedError) as error:
        annual_candidates(filler(10), Decimal(percent), year=YEAR)

    assert error.value.rule == "reviews.quota_percent"
    assert error.value.field == "quota_percent"


def test_only_people_with_a_graded_quarter_count_as_appraised() -> None:
    people = [*filler(9), person("新人", "----", (None, None, None, None))]

    result = annual_candidates(people, year=YEAR)

    assert result.appraised == 9
    assert result.limit == 1


def test_candidates_level_across_the_quota_line_are_marked_for_the_office_to_decide() -> None:
    # Given 10 appraised (quota 2) and three candidates level on top quarters and mean
    level = [person(n, "GFFF", (90, 90, 90, 90)) for n in ("甲", "乙", "丙")]
    ahead = person("丁", "GGFF", (85, 85, 85, 85))

    result = annual_candidates([*level, ahead, *filler(6)], year=YEAR)

    by_name = {r.name: r for r in result.candidates}
    assert by_name["丁"].within_quota
    assert not by_name["丁"].tied_at_limit
    assert [by_name[n].tied_at_limit for n in ("甲", "乙", "丙")] == [True, True, True]
    assert sum(by_name[n].within_quota for n in ("甲", "乙", "丙")) == 1


def test_a_quota_line_between_different_standings_marks_no_tie() -> None:
    people = [person(f"候选{i}", "GFFF", (90 - i, 80, 80, 80)) for i in range(3)] + filler(7)

    result = annual_candidates(people, year=YEAR)

    assert not any(r.tied_at_limit for r in result.rows)


def test_a_year_needs_its_four_quarters() -> None:
    with pytest.raises(RuleViolatedError) as error:
        PersonYear(uuid4(), "甲", (QuarterResult(G, Decimal(90)),) * 3)
    assert error.value.rule == "reviews.four_quarters"
    assert error.value.field == "quarters"

    with pytest.raises(RuleViolatedError) as error:
        PersonYear.of(uuid4(), "甲", [G, G, G, G], [Decimal(90)] * 3)
    assert error.value.field == "scores"


# -- taking turns ------------------------------------------------------------------------------


def test_ranks_by_score_share_places_and_skip_the_next() -> None:
    a, b, c, d = (uuid4() for _ in range(4))

    ranks = competition_ranks({a: Decimal(95), b: Decimal(90), c: Decimal(90), d: Decimal(80)})

    assert ranks == {a: 1, b: 2, c: 2, d: 4}


def test_a_department_taking_turns_shows_its_inversions_and_its_many_top_holders() -> None:
    # Given 公车科 where 甲 scores highest every quarter, yet the top grade goes round
    jia = person("甲", "FFFF", (95, 95, 95, 95))
    yi = person("乙", "GFFF", (85, 85, 85, 85))
    bing = person("丙", "FGFF", (84, 84, 84, 84))
    ding = person("丁", "FFGG", (83, 83, 83, 83))

    (view,) = taking_turns([jia, yi, bing, ding])

    # Then each quarter's 好 sits below everyone who outscored its holder, and three people shared
    # a top grade that by score would have stayed with one
    assert view.department_name == "公车科"
    assert view.inversions_by_quarter == (1, 2, 3, 3)
    holders = [yi, bing, ding, ding]
    for inversion in view.inversions:
        assert inversion.lower_scorer == holders[inversion.quarter - 1].person_id
    assert {i.higher_scorer for i in view.inversions if i.quarter == 2} == {
        jia.person_id,
        yi.person_id,
    }
    assert (view.top_holders, view.top_holders_by_score) == (3, 1)
    rows = {r.name: r for r in view.people}
    assert rows["甲"].score_ranks == (1, 1, 1, 1)
    assert rows["乙"].grades == (G, F, F, F)
    assert rows["丁"].score_ranks == (4, 4, 4, 4)


def test_a_department_whose_grades_follow_its_scores_has_no_inversions() -> None:
    people = [
        person("甲", "GGFG", (95, 93, 85, 94), ESTATE),
        person("乙", "FFGF", (85, 86, 91, 80), ESTATE),
        person("丙", "AFAA", (70, 80, 70, 70), ESTATE),
    ]

    (view,) = taking_turns(people)

    assert view.inversions == ()
    assert (view.top_holders, view.top_holders_by_score) == (2, 2)


def test_equal_scores_with_different_grades_are_not_inversions() -> None:
    people = [person("甲", "GFFF", (90, 80, 80, 80)), person("乙", "FFFF", (90, 80, 80, 80))]

    (view,) = taking_turns(people)

    assert view.inversions == ()
    assert view.top_holders_by_score == 1


def test_a_mover_appears_in_each_department_for_the_quarters_spent_there() -> None:
    mover_id = uuid4()
    mover = PersonYear(
        mover_id,
        "钱",
        (
            QuarterResult(F, Decimal(90), VEHICLES, "公车科"),
            QuarterResult(F, Decimal(90), VEHICLES, "公车科"),
            QuarterResult(G, Decimal(80), ESTATE, "物业科"),
            QuarterResult(F, Decimal(88), ESTATE, "物业科"),
        ),
    )
    stayer = person("孙", "GGFF", (85, 85, 85, 85), ESTATE)

    views = {v.department_name: v for v in taking_turns([mover, stayer])}
    estate, vehicles = views["物业科"], views["公车科"]

    assert vehicles.department_name == "公车科"
    (moved,) = vehicles.people
    assert moved.grades == (F, F, None, None)
    assert moved.score_ranks == (1, 1, None, None)
    assert [r.name for r in estate.people] == ["孙", "钱"]
    in_estate = next(r for r in estate.people if r.person_id == mover_id)
    assert in_estate.score_ranks == (None, None, 2, 1)
    assert [(i.quarter, i.higher_scorer) for i in estate.inversions] == [(3, stayer.person_id)]
    assert mover.department == (ESTATE, "物业科")


def test_the_view_reads_as_plain_data() -> None:
    (view,) = taking_turns([person("甲", "FFFF", (95, 95, 95, 95)), person("乙", "GFFF")])

    data = view.as_dict()

    assert data["inversions_by_quarter"] == [1, 0, 0, 0]
    rows = {row["name"]: row for row in data["people"]}
    assert rows["甲"]["grades"] == ["FAIRLY_GOOD"] * 4
    assert rows["甲"]["scores"] == ["95"] * 4
    assert rows["乙"]["score_ranks"] == [2, 2, 2, 2]


# -- properties --------------------------------------------------------------------------------

SCORE = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def departments(draw: st.DrawFn, monotone: bool) -> list[PersonYear]:
    """People in two departments over four quarters; with `monotone`, each department's grades
    follow its scores every quarter (a higher score never gets a lower grade).
    """
    people: list[list[QuarterResult | None]] = []
    size = draw(st.integers(1, 8))
    homes = [draw(st.sampled_from((VEHICLES, ESTATE))) for _ in range(size)]
    people = [[None] * 4 for _ in range(size)]
    for q in range(4):
        for department in (VEHICLES, ESTATE):
            members = [i for i, home in enumerate(homes) if home == department]
            scores = [draw(SCORE) for _ in members]
            grades = [draw(st.sampled_from(Grade)) for _ in members]
            if monotone:
                order = sorted(range(len(members)), key=lambda k: -scores[k])
                ranked = sorted(grades, key=lambda g: g.rank)
                grades = [G] * len(members)
                for position, k in enumerate(order):
                    grades[k] = ranked[position]
            for k, i in enumerate(members):
                people[i][q] = QuarterResult(grades[k], scores[k], department, str(department))
    return [PersonYear(uuid4(), f"人{i}", tuple(quarters)) for i, quarters in enumerate(people)]


@settings(max_examples=150)
@given(departments(monotone=True))
def test_grades_that_follow_the_scores_give_no_inversions(people: list[PersonYear]) -> None:
    for view in taking_turns(people):
        assert view.inversions == ()
        assert view.top_holders == view.top_holders_by_score


@settings(max_examples=150)
@given(departments(monotone=False))
def test_inversions_count_each_pair_scoring_one_way_and_graded_the_other(
    people: list[PersonYear],
) -> None:
    expected = 0
    for q in range(4):
        for department in (VEHICLES, ESTATE):
            results = [
                r
                for p in people
                if (r := p.quarters[q]) is not None and r.department_id == department
            ]
            for i, a in enumerate(results):
                for b in results[i + 1 :]:
                    assert a.score is not None
                    assert b.score is not None
                    assert a.grade is not None
                    assert b.grade is not None
                    score_order = (a.score > b.score) - (a.score < b.score)
                    grade_order = (a.grade.rank > b.grade.rank) - (a.grade.rank < b.grade.rank)
                    expected += score_order != 0 and score_order == grade_order

    assert sum(len(view.inversions) for view in taking_turns(people)) == expected


@settings(max_examples=150)
@given(
    st.lists(
        st.tuples(st.text("GFAP-", min_size=4, max_size=4), st.integers(60, 100)),
        min_size=1,
        max_size=30,
    ),
    st.integers(1, 25),
)
def test_the_list_is_ranked_quota_bound_and_never_ranks_the_disqualified(
    years: list[tuple[str, int]], percent: int
) -> None:
    people = [
        person(f"人{i:02d}", grades, (score, 80, score, 80))
        for i, (grades, score) in enumerate(years)
    ]

    result = annual_candidates(people, Decimal(percent), year=YEAR)

    candidates = result.candidates
    assert result.limit * 100 <= result.appraised * percent < (result.limit + 1) * 100
    assert len(result.within_quota) == min(result.limit, len(candidates))
    for row in result.rows:
        assert row.candidate == (P not in row.grades and G in row.grades)
        assert (row.rank is None) == (not row.candidate)
        assert not row.within_quota or row.candidate
    standings = [(r.top_quarters, r.mean_score or 0) for r in candidates]
    assert standings == sorted(standings, reverse=True)
    assert [r.rank for r in candidates] == list(range(1, len(candidates) + 1))
    tied = [r for r in candidates if r.tied_at_limit]
    if tied:
        assert len({(r.top_quarters, r.mean_score) for r in tied}) == 1
        assert any(r.within_quota for r in tied)
        assert not all(r.within_quota for r in tied)
