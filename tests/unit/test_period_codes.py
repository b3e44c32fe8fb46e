"""Period codes (quarters, months, ISO weeks) are ASCII digits and nothing after them: `\\d`
also matches ٢٠٢٦, and `$` matches before a trailing newline, either of which would let a
code the read side and the reports do not expect into the record.
"""

from __future__ import annotations

import pytest

from kernel.errors import RuleViolatedError
from services.goals.vocabulary import Period, check_month, week_span
from services.reviews.domain import quarter_span

HOSTILE = ["٢٠٢٦-Q2", "2026-Q2\n", "２０２６-Q2", "2026-Q٢"]


@pytest.mark.parametrize("code", HOSTILE)
def test_a_goal_period_is_written_in_ascii_digits_alone(code: str) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        Period.parse(code)
    assert refused.value.rule == "goals.period_format"


@pytest.mark.parametrize("code", HOSTILE)
def test_a_review_quarter_is_written_in_ascii_digits_alone(code: str) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        quarter_span(code)
    assert refused.value.rule == "reviews.quarter_format"


@pytest.mark.parametrize("code", ["٢٠٢٦-04", "2026-04\n", "2026-٠٤"])
def test_a_month_is_written_in_ascii_digits_alone(code: str) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        check_month(code)
    assert refused.value.rule == "goals.month_format"


@pytest.mark.parametrize("code", ["٢٠٢٦-W17", "2026-W17\n", "2026-W١٧"])
def test_an_iso_week_is_written_in_ascii_digits_alone(code: str) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        week_span(code)
    assert refused.value.rule == "goals.week_format"


def test_well_written_codes_still_read() -> None:
    assert Period.parse("2026-Q2").start.month == 4
    assert quarter_span("2026-Q4")[1].day == 31
    assert check_month("2026-04") == "2026-04"
    assert week_span("2026-W17")[0].isoweekday() == 1
