"""A complaint (投诉) and its handling against a deadline in Chinese working days: assigned,
answered, resolved or dismissed, and the complainant's verdict.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import NotPermittedError, RuleViolatedError
from kernel.labels import check_step
from kernel.text import check_words
from services.feedback.domain.shared import quarter_of
from services.feedback.vocabulary import (
    ComplaintStatus,
    FiledBy,
    Satisfaction,
    TargetKind,
)


def check_reason(reason: str | None, field: str = "reason") -> str:
    """Rules that ask for a reason get a real one."""
    return check_words(reason, "feedback.reason_required", "give the reason", field)


class Complaint(KaoheAggregate):
    """A complaint (投诉) and its handling against a deadline in working days."""

    @event("ComplaintFiled")
    def __init__(
        self,
        unit_id: UUID,
        target_kind: TargetKind,
        target_id: UUID,
        department_id: UUID | None,
        filed_by: FiledBy,
        anonymous: bool,
        complainant: dict[str, Any] | None,
        content: str,
        received_on: date,
        deadline_on: date,
        deadline_provisional: bool,
        quarter: str,
    ) -> None:
        self.unit_id = unit_id
        self.target_kind = TargetKind(target_kind)
        self.target_id = target_id
        self.department_id = department_id
        self.anonymous = anonymous
        self.received_on = received_on
        self.deadline_on = deadline_on
        self.quarter = quarter
        self.status = ComplaintStatus.FILED
        self.handler_id: UUID | None = None
        self.overdue = False
        self.late: bool | None = None
        self.satisfaction: Satisfaction | None = None
        self.sealed_filer: str | None = None
        self.disclosures = 0

    @classmethod
    def file(
        cls,
        unit_id: UUID,
        target_kind: TargetKind,
        target_id: UUID,
        department_id: UUID | None,
        filed_by: FiledBy,
        complainant: dict[str, Any] | None,
        content: str,
        received_on: date,
        deadline_on: date,
        deadline_provisional: bool,
        today: date,
    ) -> Complaint:
        """File a complaint; an anonymous one carries no complainant."""
        anonymous = complainant is None
        if received_on > today:
            raise RuleViolatedError(
                "feedback.received_not_in_future",
                f"a complaint cannot be received after today ({today.isoformat()})",
                field="received_on",
            )
        return cls(
            unit_id,
            target_kind,
            target_id,
            department_id,
            filed_by,
            anonymous,
            complainant,
            content,
            received_on,
            deadline_on,
            deadline_provisional,
            quarter_of(received_on),
        )

    def seal_filer(self, sealed_filer: str, key_id: str) -> None:
        """Keep an anonymous complaint's filer sealed for the disclosure authority."""
        if not self.anonymous or self.sealed_filer is not None:
            raise RuleViolatedError(
                "feedback.seal_once_if_anonymous",
                "only an anonymous complaint has its filer sealed, once, when it is filed",
                field="complainant",
            )
        self._filer_sealed(sealed_filer, key_id)

    @event("ComplaintFilerSealed")
    def _filer_sealed(self, sealed_filer: str, key_id: str) -> None:
        self.sealed_filer = sealed_filer

    def disclose_filer(self) -> str:
        """Record that the disclosure authority opens the seal (who, when and why are the
        event's metadata); returns the seal to open.
        """
        if self.sealed_filer is None:
            raise RuleViolatedError(
                "feedback.filer_sealed",
                "this complaint has no sealed filer: it is not anonymous, or it was filed before "
                "filers were sealed (its filing event names the filer to the log's keepers only)",
                field="complaint_id",
            )
        self._filer_disclosed(self.disclosures + 1)
        return self.sealed_filer

    @event("ComplaintFilerDisclosed")
    def _filer_disclosed(self, disclosure: int) -> None:
        self.disclosures = disclosure

    def check_status(self, *allowed: ComplaintStatus) -> None:
        """Each handling step follows the one before it."""
        check_step("feedback.complaint_status_allows", "the complaint", self.status, allowed)

    def assign(self, handler_id: UUID) -> None:
        """Assign (or reassign) the complaint to whoever must handle it."""
        self.check_status(ComplaintStatus.FILED, ComplaintStatus.ASSIGNED)
        self._assigned(handler_id)

    @event("ComplaintAssigned")
    def _assigned(self, handler_id: UUID) -> None:
        self.handler_id = handler_id
        self.status = ComplaintStatus.ASSIGNED

    def respond(self, actor_id: UUID, response: str) -> None:
        """The assigned handler responds to the complainant."""
        self.check_status(ComplaintStatus.ASSIGNED, ComplaintStatus.RESPONDED)
        if actor_id != self.handler_id:
            raise NotPermittedError(
                "feedback.handler_responds",
                "only the person the complaint is assigned to responds to it",
                missing_relation="ASSIGNED_HANDLER",
            )
        self._responded(response)

    @event("ComplaintResponded")
    def _responded(self, response: str) -> None:
        self.status = ComplaintStatus.RESPONDED

    def check_handled_on(self, day: date, today: date, field: str) -> None:
        """Handling happens between receipt and today: never before, never in the future."""
        if day < self.received_on or day > today:
            raise RuleViolatedError(
                "feedback.handled_between_receipt_and_today",
                f"{day.isoformat()} is before the complaint was received "
                f"({self.received_on.isoformat()}) or after today ({today.isoformat()})",
                field=field,
            )

    def resolve(
        self, satisfaction: Satisfaction, resolved_on: date, note: str | None, today: date
    ) -> None:
        """Resolve with the complainant's satisfaction; resolved after the deadline is late."""
        if self.status is ComplaintStatus.FILED:
            raise RuleViolatedError(
                "feedback.assigned_before_resolved",
                "a complaint cannot be resolved before it is assigned to someone to handle",
                field="status",
            )
        self.check_status(ComplaintStatus.ASSIGNED, ComplaintStatus.RESPONDED)
        self.check_handled_on(resolved_on, today, "resolved_on")
        self._resolved(satisfaction, resolved_on, resolved_on > self.deadline_on, note)

    @event("ComplaintResolved")
    def _resolved(
        self, satisfaction: Satisfaction, resolved_on: date, late: bool, note: str | None
    ) -> None:
        self.status = ComplaintStatus.RESOLVED
        self.satisfaction = Satisfaction(satisfaction)
        self.late = late

    def dismiss(self, reason: str, dismissed_on: date) -> None:
        """Dismiss as unfounded (查无实据), with the reason; the dismissal stays on record."""
        self.check_status(
            ComplaintStatus.FILED, ComplaintStatus.ASSIGNED, ComplaintStatus.RESPONDED
        )
        self._dismissed(check_reason(reason), dismissed_on)

    @event("ComplaintDismissed")
    def _dismissed(self, reason: str, dismissed_on: date) -> None:
        self.status = ComplaintStatus.DISMISSED

    def check_overdue(self, today: date) -> bool:
        """Flag the complaint overdue once, if it is still open past its deadline."""
        if self.overdue or not self.status.is_open or today <= self.deadline_on:
            return False
        self._became_overdue(self.deadline_on, today)
        return True

    @event("ComplaintBecameOverdue")
    def _became_overdue(self, deadline_on: date, detected_on: date) -> None:
        self.overdue = True
