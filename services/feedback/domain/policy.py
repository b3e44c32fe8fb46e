"""The unit's feedback configuration: the complaint handling deadline and the survey scale."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import RuleViolatedError
from services.feedback.domain.shared import NAMESPACE


class FeedbackPolicy(KaoheAggregate):
    """The unit's feedback configuration: the complaint handling deadline in working days and
    the survey scale. Absent, the defaults apply (5 working days; 0 to 100).
    """

    DEFAULT_HANDLING_DAYS = 5
    DEFAULT_SCALE = (Decimal(0), Decimal(100))

    @staticmethod
    def create_id(unit_id: UUID) -> UUID:
        """One policy per unit."""
        return uuid5(NAMESPACE, f"policy/{unit_id}")

    @event("PolicySet")
    def __init__(self, unit_id: UUID, handling_days: int, scale_low: str, scale_high: str) -> None:
        self.unit_id = unit_id
        self.handling_days = handling_days
        self.scale = (Decimal(scale_low), Decimal(scale_high))

    @staticmethod
    def check(handling_days: int, scale_low: Decimal, scale_high: Decimal) -> None:
        """A deadline of 1 to 60 working days; a scale that runs upwards."""
        if not 1 <= handling_days <= 60:
            raise RuleViolatedError(
                "feedback.handling_days_range",
                f"the handling deadline is 1 to 60 working days, not {handling_days}",
                field="handling_days",
            )
        if scale_low >= scale_high:
            raise RuleViolatedError(
                "feedback.scale_range",
                f"the scale runs from low to high, not {scale_low} to {scale_high}",
                field="scale_low",
            )

    def change(self, handling_days: int, scale_low: Decimal, scale_high: Decimal) -> None:
        """Change the configuration from now on; what was decided before keeps its values."""
        self.check(handling_days, scale_low, scale_high)
        self._changed(handling_days, str(scale_low), str(scale_high))

    @event("PolicyChanged")
    def _changed(self, handling_days: int, scale_low: str, scale_high: str) -> None:
        self.handling_days = handling_days
        self.scale = (Decimal(scale_low), Decimal(scale_high))
