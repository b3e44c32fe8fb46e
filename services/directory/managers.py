"""Who manages whom: "whoever manages, rates" (谁管理谁认定), and the direct manager.

The rule comes from DOMAIN.md, "People and roles" (and "The quarterly cycle", steps 1 and 6):
only the people who manage an appraisee *at that time* approve their goals and rate them, and
nobody manages themself. On a day, a person's managers are the head (科室负责人) and the
supervising leader (分管领导) of the department they belong to, and the unit's principal leader
(主要负责人). A unit leader (one who supervises some department that day, or a leader outside any
department) has neither head nor supervising leader: the principal leader manages them. The
direct manager, who decides on a person's goals, is the first of head, supervising leader and
principal leader the person has.

Here are the rule in Python (`managers_by_rule`, over the facts of the day; `Unit.managers_of`
gathers those facts from the aggregate) and its SQL twin over the org chart's read tables
(`managers_sql`, and `managed_by_sql` for the people someone manages), which the gateway renders
instead of writing the rule again. `tests/integration/test_org_chart_twins.py` checks on real
read tables, over generated org charts, that the twin answers as the rule does.
`ManagerRelation` is the one type of the relation of a manager to the person: goals record it
with an approval, reviews with a rating.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from kernel.labels import Labelled
from kernel.roles import Role
from services.directory.terms import in_force_sql, latest_first_sql
from services.directory.vocabulary import PositionCategory


class ManagerRelation(Labelled):
    """How someone manages a person on a day. The values and labels are the `Role` codes of the
    same names, as goal approvals and ratings record them."""

    DEPARTMENT_HEAD = "DEPARTMENT_HEAD", "科室负责人"
    SUPERVISING_LEADER = "SUPERVISING_LEADER", "分管领导"
    PRINCIPAL_LEADER = "PRINCIPAL_LEADER", "主要负责人"

    @property
    def role(self) -> Role:
        """The role one acts in by this relation."""
        return Role(self.value)


@dataclasses.dataclass(frozen=True)
class Managers:
    """Who manages a person on a date: "whoever manages, rates" (谁管理谁认定)."""

    person_id: UUID
    on: date
    department_id: UUID | None
    department_head: UUID | None
    supervising_leader: UUID | None
    principal_leader: UUID | None

    def holder(self, relation: ManagerRelation) -> UUID | None:
        """Who manages the person by `relation`, if anybody."""
        return {
            ManagerRelation.DEPARTMENT_HEAD: self.department_head,
            ManagerRelation.SUPERVISING_LEADER: self.supervising_leader,
            ManagerRelation.PRINCIPAL_LEADER: self.principal_leader,
        }[relation]

    @property
    def named(self) -> list[UUID]:
        """Everyone who manages the person, each once."""
        ids = (self.department_head, self.supervising_leader, self.principal_leader)
        return list(dict.fromkeys(i for i in ids if i is not None))

    @property
    def direct_manager(self) -> UUID | None:
        """Department head for staff, supervising leader for a head, principal for a leader."""
        return self.department_head or self.supervising_leader or self.principal_leader

    def relation_of(self, someone: UUID) -> ManagerRelation | None:
        """How `someone` manages the person on that date (the nearest relation), if at all."""
        return next((r for r in ManagerRelation if self.holder(r) == someone), None)

    def role_of(self, someone: UUID) -> Role:
        """The role `someone` acts in toward the person: their relation on that date, or
        APPRAISEE when they manage them not at all (the rule refusing them names the relation).
        """
        relation = self.relation_of(someone)
        return relation.role if relation is not None else Role.APPRAISEE

    def manages(self, someone: UUID) -> bool:
        """Whether `someone` is among the person's managers on that date."""
        return someone != self.person_id and someone in (
            self.department_head,
            self.supervising_leader,
        )


def leads(supervises_anything: bool, department_id: UUID | None, position: str) -> bool:
    """Whether the person is a unit leader on the day: managed by the principal leader alone."""
    return supervises_anything or (
        department_id is None and position == PositionCategory.LEADER.value
    )


def managers_by_rule(
    person_id: UUID,
    on: date,
    *,
    department_id: UUID | None,
    head: UUID | None,
    supervisor: UUID | None,
    principal: UUID | None,
    is_leader: bool,
) -> Managers:
    """Who manages the person on `on`, from the facts of that day: their department, its head
    and supervising leader, the unit's principal leader, and whether the person `leads`.
    """

    def other(pid: UUID | None) -> UUID | None:
        return pid if pid != person_id else None

    return Managers(
        person_id=person_id,
        on=on,
        department_id=department_id,
        department_head=None if is_leader else other(head),
        supervising_leader=None if is_leader else other(supervisor),
        principal_leader=other(principal),
    )


# -- the SQL twin ------------------------------------------------------------------------------

Table = Callable[[str], str]
"""A read table's qualified name from its bare name (`Context.table`, `Scratch.table`)."""


def _holder(table: str, column: str, key: str, value: str, on: str) -> str:
    """The holder (`value`) of the latest term of `table` in force on `on` for `key`."""
    return (
        f"(SELECT x.{value} FROM {table} x WHERE x.{column} = {key} "
        f"AND {in_force_sql('x', on)} ORDER BY {latest_first_sql('x')} LIMIT 1)"
    )


def managers_sql(table: Table, person: str, on: str) -> str:
    """The SQL twin of `managers_by_rule`: one row (none for an unknown person) of person_id,
    department_id, department_head, supervising_leader, principal_leader and direct_manager for
    the person `person` (a parameter or an outer column) on the date `on`.
    """
    facts = (
        f"SELECT p.id AS person_id, d.department_id, "
        f"{_holder(table('department_heads'), 'department_id', 'd.department_id', 'person_id', on)}"
        " AS head, "
        f"{_holder(table('supervisions'), 'department_id', 'd.department_id', 'leader_id', on)}"
        " AS supervisor, "
        f"{_holder(table('principal_leaders'), 'unit_id', 'p.unit_id', 'person_id', on)}"
        " AS principal, "
        f"(EXISTS (SELECT 1 FROM {table('supervisions')} s WHERE s.leader_id = p.id "
        f"AND {in_force_sql('s', on)}) OR (d.department_id IS NULL "
        f"AND p.position_category = '{PositionCategory.LEADER.value}')) AS leads "
        f"FROM {table('people')} p LEFT JOIN LATERAL "
        f"{_holder(table('memberships'), 'person_id', 'p.id', 'department_id', on)}"
        f" AS d(department_id) ON TRUE WHERE p.id = {person}"
    )
    ruled = (
        "SELECT f.person_id, f.department_id, "
        "CASE WHEN f.leads OR f.head = f.person_id THEN NULL ELSE f.head END AS department_head, "
        "CASE WHEN f.leads OR f.supervisor = f.person_id THEN NULL ELSE f.supervisor END "
        "AS supervising_leader, NULLIF(f.principal, f.person_id) AS principal_leader "
        f"FROM ({facts}) f"
    )
    return (
        "SELECT r.*, COALESCE(r.department_head, r.supervising_leader, r.principal_leader) "
        f"AS direct_manager FROM ({ruled}) r"
    )


def managers_from_row(row: Any, on: date) -> Managers:
    """`Managers` from a row of `managers_sql` (an asyncpg record, or any mapping)."""
    return Managers(
        person_id=row["person_id"],
        on=on,
        department_id=row["department_id"],
        department_head=row["department_head"],
        supervising_leader=row["supervising_leader"],
        principal_leader=row["principal_leader"],
    )


def managed_by_sql(table: Table, actor: str, on: str) -> str:
    """The SQL twin of `Managers.manages`: the person_id of everyone `actor` manages on `on`
    (as their department head or supervising leader). Only the members of the departments the
    actor heads or supervises that day are asked `managers_sql`.
    """
    return (
        f"SELECT DISTINCT m.person_id FROM {table('memberships')} m "
        f"CROSS JOIN LATERAL ({managers_sql(table, 'm.person_id', on)}) r "
        f"WHERE {in_force_sql('m', on)} AND m.department_id IN ("
        f"SELECT h.department_id FROM {table('department_heads')} h "
        f"WHERE h.person_id = {actor} AND {in_force_sql('h', on)} "
        f"UNION SELECT s.department_id FROM {table('supervisions')} s "
        f"WHERE s.leader_id = {actor} AND {in_force_sql('s', on)}) "
        f"AND {actor} IN (r.department_head, r.supervising_leader)"
    )
