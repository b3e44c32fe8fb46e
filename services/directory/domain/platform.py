"""The platform itself: what no unit decides, namely the platform-wide auditors (纪检) its
administrator appoints, who read every unit.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import NotPermittedError, RuleViolatedError
from kernel.roles import Role
from services.directory.domain.unit import Unit
from services.directory.terms import Term, active_holder, end_open

PLATFORM_ID = uuid5(NAMESPACE_URL, "https://kaohe.invalid/platform")


@dataclasses.dataclass
class PlatformAuditor:
    """An auditor of every unit (纪检), serving a discipline-inspection body outside any unit."""

    id: UUID
    name: str
    login: str
    body: str
    terms: list[Term]

    def in_force_on(self, on: date) -> bool:
        """Whether the appointment is in force on `on`."""
        return active_holder(self.terms, on) == self.id


class Platform(KaoheAggregate):
    """The platform itself: what no unit decides. Its administrator (系统管理员), and only they,
    appoints and revokes platform-wide auditors (纪检), who read every unit; a unit's office
    grants auditors of its own unit only (`Unit.grant_office_role`).
    """

    @staticmethod
    def create_id() -> UUID:
        """There is one platform."""
        return PLATFORM_ID

    @event("PlatformEstablished")
    def __init__(self) -> None:
        self.auditors: dict[UUID, PlatformAuditor] = {}

    # -- queries --------------------------------------------------------------------------

    def auditor_on(self, person_id: UUID, on: date) -> PlatformAuditor | None:
        """The platform auditor `person_id`, if their appointment is in force on `on`."""
        auditor = self.auditors.get(person_id)
        return auditor if auditor is not None and auditor.in_force_on(on) else None

    def auditor_by_login(self, login: str) -> PlatformAuditor | None:
        """The platform auditor with this login (in force or not), if any."""
        return next((a for a in self.auditors.values() if a.login == login), None)

    # -- guards ---------------------------------------------------------------------------

    @staticmethod
    def check_by_admin(role: Role) -> None:
        """Only the platform administrator appoints or revokes a platform-wide auditor: an
        auditor of every unit is no unit's to make."""
        if role is not Role.ADMIN:
            raise NotPermittedError(
                "directory.platform_auditor_by_admin",
                f"a platform-wide auditor (纪检) is appointed and revoked by the platform "
                f"administrator ({Role.ADMIN.value} {Role.ADMIN.label}) only, not by "
                f"{role.value} ({role.label}); a unit's office grants auditors of its own unit",
                missing_role=Role.ADMIN.value,
            )

    # -- commands -------------------------------------------------------------------------

    def appoint_auditor(
        self, by: Role, name: str, login: str, body: str, effective_on: date
    ) -> UUID:
        """Appoint a platform-wide auditor from `effective_on` (again, if revoked before)."""
        self.check_by_admin(by)
        auditor = self.auditor_by_login(login)
        if auditor is not None:
            if auditor.terms[-1].end is None:
                raise RuleViolatedError(
                    "directory.platform_auditor_not_held",
                    f"{auditor.name} ({login}) is already a platform auditor",
                    field="login",
                )
            Unit.check_not_before(auditor.terms, effective_on, f"{auditor.name}'s appointment")
        person_id = auditor.id if auditor is not None else uuid4()
        self._auditor_appointed(person_id, name, login, body, effective_on)
        return person_id

    @event("PlatformAuditorAppointed")
    def _auditor_appointed(
        self, person_id: UUID, name: str, login: str, body: str, effective_on: date
    ) -> None:
        auditor = self.auditors.setdefault(
            person_id, PlatformAuditor(person_id, name, login, body, [])
        )
        auditor.name, auditor.body = name, body
        auditor.terms.append(Term(person_id, effective_on))

    def revoke_auditor(self, by: Role, person_id: UUID, effective_on: date) -> None:
        """End a platform auditor's appointment on `effective_on`."""
        self.check_by_admin(by)
        auditor = self.auditors.get(person_id)
        if auditor is None or auditor.terms[-1].end is not None:
            raise RuleViolatedError(
                "directory.platform_auditor_held",
                f"{person_id} is not a platform auditor",
                field="person_id",
            )
        Unit.check_not_before(auditor.terms, effective_on, f"{auditor.name}'s appointment")
        self._auditor_revoked(person_id, effective_on)

    @event("PlatformAuditorRevoked")
    def _auditor_revoked(self, person_id: UUID, effective_on: date) -> None:
        end_open(self.auditors[person_id].terms, effective_on)
