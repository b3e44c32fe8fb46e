"""Every projection of the read side, into one read schema: what the gateway runs and what
replay and the tests rebuild.
"""

from __future__ import annotations

from gateway.directory.projection import DirectoryProjection
from gateway.feedback.projection import FeedbackProjection
from gateway.goals.projection import GoalsProjection
from gateway.projections.runner import Projection
from gateway.reviews.projection import ReviewsProjection

READ_SCHEMA = "gateway"


def projections(schema: str) -> list[Projection]:
    """Every projection of the read side."""
    return [
        DirectoryProjection(schema),
        GoalsProjection(schema),
        FeedbackProjection(schema),
        ReviewsProjection(schema),
    ]
