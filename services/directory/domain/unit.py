"""The org chart of one unit over time: departments, people, memberships and appointments.

One `Unit` aggregate per unit (tenant): every rule about who belongs where and who manages whom
is decided against one consistent history. Changes take effect on a calendar date (China time);
terms are half-open date spans [start, end). The rules the aggregate applies to its history live
beside their SQL twins: a term in force in `services.directory.terms`, who manages whom in
`services.directory.managers`.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import NotFoundError, RuleViolatedError
from kernel.roles import Role
from services.directory.managers import Managers, leads, managers_by_rule
from services.directory.terms import Term, active_holder, end_open, in_force
from services.directory.vocabulary import (
    DepartmentCategory,
    OfficeRole,
    PositionCategory,
    ServiceKind,
)

UNIT_NAMESPACE = uuid5(NAMESPACE_URL, "https://kaohe.invalid/units")
# The roles a unit's org chart grants (what `Unit.roles_of` can answer): a token claiming one of
# them is checked against the org chart on every request. ADMIN, INTEGRATION and SERVED_CADRE
# are nobody's place in a unit's org chart.
ORG_CHART_ROLES = frozenset(
    {
        Role.APPRAISEE,
        Role.DEPARTMENT_HEAD,
        Role.SUPERVISING_LEADER,
        Role.PRINCIPAL_LEADER,
        *(Role(r.value) for r in OfficeRole),
    }
)


def unit_id_for(code: str) -> UUID:
    """A unit's id follows from its code, so registering the same code twice is caught."""
    return uuid5(UNIT_NAMESPACE, code)


@dataclasses.dataclass
class Department:
    """A department (科室) of the unit."""

    id: UUID
    name: str
    category: DepartmentCategory
    service_kind: ServiceKind | None
    opened_on: date


@dataclasses.dataclass
class Person:
    """A civil servant of the unit."""

    id: UUID
    name: str
    login: str
    position_category: PositionCategory
    joined_on: date
    left_on: date | None = None

    def active_on(self, on: date) -> bool:
        """Whether the person belongs to the unit on `on`."""
        return in_force(self.joined_on, self.left_on, on)


class Unit(KaoheAggregate):
    """A unit (单位, the tenant) and its org chart over time."""

    @staticmethod
    def create_id(code: str) -> UUID:
        """Units are keyed by their code."""
        return unit_id_for(code)

    @event("Registered")
    def __init__(self, name: str, code: str) -> None:
        self.name = name
        self.code = code
        self.departments: dict[UUID, Department] = {}
        self.people: dict[UUID, Person] = {}
        self.memberships: dict[UUID, list[Term]] = {}
        self.heads: dict[UUID, list[Term]] = {}
        self.supervisors: dict[UUID, list[Term]] = {}
        self.principals: list[Term] = []
        self.office_roles: dict[OfficeRole, dict[UUID, list[Term]]] = {r: {} for r in OfficeRole}

    # -- queries --------------------------------------------------------------------------

    def department(self, department_id: UUID, field: str = "department_id") -> Department:
        """The department, or NotFoundError."""
        try:
            return self.departments[department_id]
        except KeyError:
            raise NotFoundError(
                "directory.department_exists",
                f"no department {department_id} in unit {self.code}",
                field=field,
            ) from None

    def person(self, person_id: UUID, field: str = "person_id") -> Person:
        """The person, or NotFoundError."""
        try:
            return self.people[person_id]
        except KeyError:
            raise NotFoundError(
                "directory.person_exists",
                f"no person {person_id} in unit {self.code}",
                field=field,
            ) from None

    def person_by_login(self, login: str) -> Person | None:
        """The person with this login, if any."""
        return next((p for p in self.people.values() if p.login == login), None)

    def department_of(self, person_id: UUID, on: date) -> UUID | None:
        """The department the person belongs to on `on`."""
        return active_holder(self.memberships.get(person_id, []), on)

    def head_of(self, department_id: UUID, on: date) -> UUID | None:
        """The department head on `on`."""
        return active_holder(self.heads.get(department_id, []), on)

    def supervisor_of(self, department_id: UUID, on: date) -> UUID | None:
        """The supervising leader of the department on `on`."""
        return active_holder(self.supervisors.get(department_id, []), on)

    def principal_on(self, on: date) -> UUID | None:
        """The principal leader on `on`."""
        return active_holder(self.principals, on)

    def supervises_anything(self, person_id: UUID, on: date) -> bool:
        """Whether the person is a supervising leader of some department on `on`."""
        return any(self.supervisor_of(d, on) == person_id for d in self.departments)

    def managers_of(self, person_id: UUID, on: date) -> Managers:
        """Who manages the person on `on` (the rule: `services.directory.managers`)."""
        person = self.person(person_id)
        department_id = self.department_of(person_id, on)
        head = supervisor = None
        if department_id is not None:
            head = self.head_of(department_id, on)
            supervisor = self.supervisor_of(department_id, on)
        return managers_by_rule(
            person_id,
            on,
            department_id=department_id,
            head=head,
            supervisor=supervisor,
            principal=self.principal_on(on),
            is_leader=leads(
                self.supervises_anything(person_id, on),
                department_id,
                person.position_category.value,
            ),
        )

    def roles_of(self, person_id: UUID, on: date) -> list[Role]:
        """The roles the person holds on `on` (what a token minted for them carries)."""
        person = self.person(person_id)
        if not person.active_on(on):
            return []
        roles = [Role.APPRAISEE]
        if any(self.head_of(d, on) == person_id for d in self.departments):
            roles.append(Role.DEPARTMENT_HEAD)
        if self.supervises_anything(person_id, on):
            roles.append(Role.SUPERVISING_LEADER)
        if self.principal_on(on) == person_id:
            roles.append(Role.PRINCIPAL_LEADER)
        for office_role, holders in self.office_roles.items():
            if active_holder(holders.get(person_id, []), on) == person_id:
                roles.append(Role(office_role.value))
        return roles

    # -- guards ---------------------------------------------------------------------------

    def check_department_name_unique(self, name: str) -> None:
        """Two departments of a unit never share a name."""
        if any(d.name == name for d in self.departments.values()):
            raise RuleViolatedError(
                "directory.department_name_unique",
                f"unit {self.code} already has a department named {name!r}",
                field="name",
            )

    @staticmethod
    def check_service_kind(category: DepartmentCategory, kind: ServiceKind | None) -> None:
        """Service departments say which service they run; other departments run none."""
        if category is DepartmentCategory.SERVICE and kind is None:
            raise RuleViolatedError(
                "directory.service_kind_required",
                "a service department (事务服务) must say its service_kind",
                field="service_kind",
            )
        if category is not DepartmentCategory.SERVICE and kind is not None:
            raise RuleViolatedError(
                "directory.service_kind_only_for_service",
                f"service_kind applies only to SERVICE departments, not {category.value}",
                field="service_kind",
            )

    def check_login_unique(self, login: str) -> None:
        """A login names one person of the unit."""
        if self.person_by_login(login) is not None:
            raise RuleViolatedError(
                "directory.login_unique",
                f"login {login!r} already belongs to someone in unit {self.code}",
                field="login",
            )

    def check_active(self, person_id: UUID, on: date, field: str = "person_id") -> Person:
        """Changes concern people who belong to the unit on the effective date."""
        person = self.person(person_id, field)
        if not person.active_on(on):
            raise RuleViolatedError(
                "directory.person_active",
                f"{person.name} does not belong to unit {self.code} on {on.isoformat()}",
                field=field,
            )
        return person

    def check_department_open(
        self,
        department_id: UUID,
        on: date,
        *,
        field: str = "department_id",
        date_field: str = "effective_on",
    ) -> Department:
        """A department takes members and appointments only from the day it opened."""
        department = self.department(department_id, field)
        if on < department.opened_on:
            raise RuleViolatedError(
                "directory.department_open",
                f"{department.name} opened on {department.opened_on.isoformat()}, "
                f"after {on.isoformat()}",
                field=date_field,
            )
        return department

    @staticmethod
    def check_not_before(terms: list[Term], on: date, what: str) -> None:
        """The past is not rewritten: a change takes effect no earlier than the last one."""
        if terms and on < terms[-1].start:
            raise RuleViolatedError(
                "directory.effective_order",
                f"{what} last changed on {terms[-1].start.isoformat()}; "
                f"a change cannot take effect earlier ({on.isoformat()}); record a correction",
                field="effective_on",
            )

    def check_leader(self, person_id: UUID, on: date, field: str) -> Person:
        """Supervising and principal leaders are unit leaders (position category LEADER)."""
        person = self.check_active(person_id, on, field)
        if person.position_category is not PositionCategory.LEADER:
            raise RuleViolatedError(
                "directory.leader_position",
                f"{person.name} is {person.position_category.value} "
                f"({person.position_category.label}), not a unit leader (LEADER 中心领导)",
                field=field,
            )
        return person

    def recorded_end(
        self, person_id: UUID, on: date, *, in_department: bool = False
    ) -> date | None:
        """When a term a person starts on `on` must end by what is already recorded of them:
        their departure and, for a department head, the end of their membership.
        """
        ends = [self.people[person_id].left_on]
        if in_department:
            ends += [t.end for t in self.memberships.get(person_id, []) if t.covers(on)]
        return min((e for e in ends if e is not None and e > on), default=None)

    def terms_held(self, person_id: UUID) -> list[Term]:
        """Every term the person holds or held, oldest first."""
        every = [
            *(t for ts in self.heads.values() for t in ts),
            *(t for ts in self.supervisors.values() for t in ts),
            *self.principals,
            *(t for holders in self.office_roles.values() for ts in holders.values() for t in ts),
        ]
        return sorted((t for t in every if t.holder == person_id), key=lambda t: t.start)

    def check_department_given(
        self, position_category: PositionCategory, department_id: UUID | None
    ) -> None:
        """Only unit leaders belong to no department: everyone else has a head to manage them."""
        if department_id is None and position_category is not PositionCategory.LEADER:
            raise RuleViolatedError(
                "directory.department_required",
                f"a {position_category.value} ({position_category.label}) person must join a "
                "department; only unit leaders (LEADER 中心领导) belong to none",
                field="department_id",
            )

    # -- commands -------------------------------------------------------------------------

    def open_department(
        self,
        name: str,
        category: DepartmentCategory,
        service_kind: ServiceKind | None,
        opened_on: date,
    ) -> UUID:
        """Open a department; returns its id."""
        self.check_department_name_unique(name)
        self.check_service_kind(category, service_kind)
        department_id = uuid4()
        self._department_opened(department_id, name, category, service_kind, opened_on)
        return department_id

    @event("DepartmentOpened")
    def _department_opened(
        self,
        department_id: UUID,
        name: str,
        category: DepartmentCategory,
        service_kind: ServiceKind | None,
        opened_on: date,
    ) -> None:
        # Stored events carry the codes as plain strings: rebuild the enums.
        self.departments[department_id] = Department(
            department_id,
            name,
            DepartmentCategory(category),
            ServiceKind(service_kind) if service_kind else None,
            opened_on,
        )

    def add_person(
        self,
        name: str,
        login: str,
        position_category: PositionCategory,
        department_id: UUID | None,
        joined_on: date,
    ) -> UUID:
        """A person joins the unit, in a department (leaders may have none); returns their id."""
        self.check_login_unique(login)
        self.check_department_given(position_category, department_id)
        if department_id is not None:
            self.check_department_open(department_id, joined_on, date_field="joined_on")
        person_id = uuid4()
        self._person_joined(person_id, name, login, position_category, department_id, joined_on)
        return person_id

    @event("PersonJoined")
    def _person_joined(
        self,
        person_id: UUID,
        name: str,
        login: str,
        position_category: PositionCategory,
        department_id: UUID | None,
        joined_on: date,
    ) -> None:
        self.people[person_id] = Person(
            person_id, name, login, PositionCategory(position_category), joined_on
        )
        self.memberships[person_id] = (
            [Term(department_id, joined_on)] if department_id is not None else []
        )

    def move_person(self, person_id: UUID, department_id: UUID, effective_on: date) -> None:
        """Move a person to another department from `effective_on`; their head term there ends."""
        person = self.check_active(person_id, effective_on)
        self.check_department_open(department_id, effective_on)
        self.check_not_before(
            self.memberships[person_id], effective_on, f"{person.name}'s department"
        )
        if self.department_of(person_id, effective_on) == department_id:
            raise RuleViolatedError(
                "directory.move_changes_department",
                f"{person.name} already belongs to that department on {effective_on.isoformat()}",
                field="department_id",
            )
        self._person_moved(
            person_id,
            self.department_of(person_id, effective_on),
            department_id,
            effective_on,
        )

    @event("PersonMoved")
    def _person_moved(
        self,
        person_id: UUID,
        from_department_id: UUID | None,
        to_department_id: UUID,
        effective_on: date,
    ) -> None:
        end_open(self.memberships[person_id], effective_on)
        self.memberships[person_id].append(Term(to_department_id, effective_on))
        if from_department_id is not None:
            heads = self.heads.get(from_department_id, [])
            end_open([t for t in heads if t.holder == person_id], effective_on)

    def remove_person(self, person_id: UUID, effective_on: date) -> None:
        """A person leaves the unit on `effective_on`; every term they hold ends then."""
        person = self.check_active(person_id, effective_on)
        self.check_not_before(
            self.memberships[person_id], effective_on, f"{person.name}'s department"
        )
        self.check_not_before(self.terms_held(person_id), effective_on, f"{person.name}'s posts")
        self._person_left(person_id, effective_on)

    @event("PersonLeft")
    def _person_left(self, person_id: UUID, effective_on: date) -> None:
        self.people[person_id].left_on = effective_on
        end_open(self.memberships[person_id], effective_on)
        every_term = [
            *self.heads.values(),
            *self.supervisors.values(),
            self.principals,
            *(h for holders in self.office_roles.values() for h in holders.values()),
        ]
        for terms in every_term:
            end_open([t for t in terms if t.holder == person_id], effective_on)

    def appoint_department_head(
        self, department_id: UUID, person_id: UUID, effective_on: date
    ) -> None:
        """Appoint the head of a department from `effective_on`; the previous head's term ends."""
        department = self.check_department_open(department_id, effective_on)
        person = self.check_active(person_id, effective_on)
        self.check_not_before(
            self.heads.get(department_id, []), effective_on, f"{department.name}'s head"
        )
        if self.department_of(person_id, effective_on) != department_id:
            raise RuleViolatedError(
                "directory.head_is_member",
                f"{person.name} is not a member of {department.name} on {effective_on.isoformat()}",
                field="person_id",
            )
        ends_on = self.recorded_end(person_id, effective_on, in_department=True)
        self._department_head_appointed(department_id, person_id, effective_on, ends_on)

    @event("DepartmentHeadAppointed")
    def _department_head_appointed(
        self,
        department_id: UUID,
        person_id: UUID,
        effective_on: date,
        ends_on: date | None = None,
    ) -> None:
        terms = self.heads.setdefault(department_id, [])
        end_open(terms, effective_on)
        terms.append(Term(person_id, effective_on, ends_on))

    def assign_supervising_leader(
        self, leader_id: UUID, department_ids: list[UUID], effective_on: date
    ) -> None:
        """A unit leader supervises these departments (分管) from `effective_on`."""
        self.check_leader(leader_id, effective_on, "leader_id")
        if not department_ids:
            raise RuleViolatedError(
                "directory.supervision_names_departments",
                "name at least one department to supervise",
                field="department_ids",
            )
        for department_id in department_ids:
            department = self.check_department_open(
                department_id, effective_on, field="department_ids"
            )
            self.check_not_before(
                self.supervisors.get(department_id, []),
                effective_on,
                f"{department.name}'s supervising leader",
            )
        self._supervising_leader_assigned(
            leader_id,
            list(dict.fromkeys(department_ids)),
            effective_on,
            self.recorded_end(leader_id, effective_on),
        )

    @event("SupervisingLeaderAssigned")
    def _supervising_leader_assigned(
        self,
        leader_id: UUID,
        department_ids: list[UUID],
        effective_on: date,
        ends_on: date | None = None,
    ) -> None:
        for department_id in department_ids:
            terms = self.supervisors.setdefault(department_id, [])
            end_open(terms, effective_on)
            terms.append(Term(leader_id, effective_on, ends_on))

    def appoint_principal_leader(self, person_id: UUID, effective_on: date) -> None:
        """The unit's principal leader (主要负责人) from `effective_on`."""
        self.check_leader(person_id, effective_on, "person_id")
        self.check_not_before(self.principals, effective_on, "the principal leader")
        self._principal_leader_appointed(
            person_id, effective_on, self.recorded_end(person_id, effective_on)
        )

    @event("PrincipalLeaderAppointed")
    def _principal_leader_appointed(
        self, person_id: UUID, effective_on: date, ends_on: date | None = None
    ) -> None:
        end_open(self.principals, effective_on)
        self.principals.append(Term(person_id, effective_on, ends_on))

    def grant_office_role(self, person_id: UUID, role: OfficeRole, effective_on: date) -> None:
        """Grant a unit-wide role (考核办, 审计/纪检) from `effective_on`."""
        person = self.check_active(person_id, effective_on)
        terms = self.office_roles[role].get(person_id, [])
        if active_holder(terms, effective_on) == person_id:
            raise RuleViolatedError(
                "directory.role_not_held",
                f"{person.name} already holds {role.value} ({role.label})",
                field="role",
            )
        self.check_not_before(terms, effective_on, f"{person.name}'s {role.value} role")
        self._office_role_granted(
            person_id, role, effective_on, self.recorded_end(person_id, effective_on)
        )

    @event("OfficeRoleGranted")
    def _office_role_granted(
        self, person_id: UUID, role: OfficeRole, effective_on: date, ends_on: date | None = None
    ) -> None:
        terms = self.office_roles[OfficeRole(role)].setdefault(person_id, [])
        terms.append(Term(person_id, effective_on, ends_on))

    def revoke_office_role(self, person_id: UUID, role: OfficeRole, effective_on: date) -> None:
        """End a unit-wide role on `effective_on`."""
        person = self.person(person_id)
        terms = self.office_roles[role].get(person_id, [])
        if not terms or terms[-1].end is not None:
            raise RuleViolatedError(
                "directory.role_held",
                f"{person.name} does not hold {role.value} ({role.label})",
                field="role",
            )
        self.check_not_before(terms, effective_on, f"{person.name}'s {role.value} role")
        self._office_role_revoked(person_id, role, effective_on)

    @event("OfficeRoleRevoked")
    def _office_role_revoked(self, person_id: UUID, role: OfficeRole, effective_on: date) -> None:
        end_open(self.office_roles[OfficeRole(role)][person_id], effective_on)
