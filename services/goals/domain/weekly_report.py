"""A department's weekly progress report, compiled by the appraisal office and published to all
staff.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import RuleViolatedError
from services.goals.domain.shared import NAMESPACE


class WeeklyReport(KaoheAggregate):
    """A department's weekly progress, compiled by the appraisal office and published to all."""

    @staticmethod
    def create_id(unit_id: UUID, department_id: UUID, week: str) -> UUID:
        """One report per department and ISO week."""
        return uuid5(NAMESPACE, f"weekly/{unit_id}/{department_id}/{week}")

    @event("WeeklyReportCompiled")
    def __init__(
        self,
        unit_id: UUID,
        department_id: UUID,
        week: str,
        entries: list[dict[str, Any]],
        free_text: str,
    ) -> None:
        self.unit_id = unit_id
        self.department_id = department_id
        self.week = week
        self.entries = entries
        self.free_text = free_text
        self.published = False

    def recompile(self, entries: list[dict[str, Any]], free_text: str) -> None:
        """Compile again before publishing (new progress came in)."""
        self.check_unpublished()
        self._recompiled(entries, free_text)

    @event("WeeklyReportRecompiled")
    def _recompiled(self, entries: list[dict[str, Any]], free_text: str) -> None:
        self.entries = entries
        self.free_text = free_text

    def check_unpublished(self) -> None:
        """A published report is on record as published."""
        if self.published:
            raise RuleViolatedError(
                "goals.report_published",
                f"the report for {self.week} is already published",
                field="week",
            )

    def publish(self, department_name: str) -> None:
        """Publish to all staff; the event carries the whole report for integrations."""
        self.check_unpublished()
        self._published(department_name, self.entries, self.free_text)

    @event("WeeklyReportPublished")
    def _published(
        self, department_name: str, entries: list[dict[str, Any]], free_text: str
    ) -> None:
        self.published = True
