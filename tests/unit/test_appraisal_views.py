"""Who sees which part of a participant's appraisal (`gateway/reviews/access.py`): the rules
the Appraisal type's field permissions decide by, for each view before and after publication.
"""

from __future__ import annotations

import pytest

from gateway.reviews.access import View, sees_grade, sees_in_full, sees_progress, sees_summary

# (view, published) -> (in full, summary, grade, progress)
EXPECTED = {
    (View.FULL, False): (True, True, True, True),
    (View.FULL, True): (True, True, True, True),
    (View.OWN, False): (False, True, False, False),
    (View.OWN, True): (True, True, True, False),
    (View.PUBLISHED, False): (False, False, False, False),
    (View.PUBLISHED, True): (False, False, True, False),
}


@pytest.mark.parametrize(("view", "published"), list(EXPECTED))
def test_each_view_sees_its_parts(view: View, published: bool) -> None:
    seen = (
        sees_in_full(view, published),
        sees_summary(view, published),
        sees_grade(view, published),
        sees_progress(view, published),
    )

    assert seen == EXPECTED[view, published]
