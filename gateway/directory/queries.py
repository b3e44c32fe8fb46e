"""GraphQL queries over the projected org chart."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from uuid import UUID

import strawberry

from gateway.directory.types import (
    Department,
    DepartmentConnection,
    Managers,
    Person,
    PersonConnection,
    RoleInfo,
    Unit,
    known_person,
    load_person,
    term_holder,
)
from gateway.graphql.access import ReadsUnit, ReadsUnitById, readable_units, unit_sql
from gateway.graphql.plumbing import Info_, parse_id
from gateway.graphql.shapes import Keyset, keyset_rows, parse_optional_id, readable_row
from kernel.calendar import china_date
from services.directory.managers import Managers as ManagersRule
from services.directory.managers import leads, managers_by_rule
from services.directory.terms import in_force_sql


async def department_page(
    info: Info_, unit_id: UUID, first: int, after: str | None
) -> DepartmentConnection:
    """A keyset page of a unit's departments, ordered by name."""
    ctx = info.context
    ctx.ensure_unit(unit_id)
    filters = f"FROM {ctx.table('departments')} WHERE unit_id = $1"
    rows = await keyset_rows(ctx, filters, (unit_id,), Keyset("name"), first, after)
    return DepartmentConnection.of_rows(rows, Department.from_row)


async def department_of(info: Info_, person_id: UUID, on: date) -> UUID | None:
    """The department a person belonged to on a date."""
    value: UUID | None = await info.context.loaders.department_on.load((person_id, on))
    return value


def managers_from(
    person: Person,
    department: Department | None,
    managers: ManagersRule,
    people: Mapping[UUID, Person | None],
) -> Managers:
    """The GraphQL `Managers` of the directory's rule, with the people it names."""

    def named(pid: UUID | None) -> Person | None:
        return people.get(pid) if pid is not None else None

    return Managers(
        on=managers.on,
        person=person,
        department=department,
        department_head=named(managers.department_head),
        supervising_leader=named(managers.supervising_leader),
        principal_leader=named(managers.principal_leader),
        direct_manager=named(managers.direct_manager),
    )


async def managers_of(info: Info_, person_id: UUID, at: datetime | None) -> Managers:
    """Who managed a person at an instant, by the same rule as the directory's domain."""
    ctx = info.context
    on = china_date(at)
    person_row = await known_person(info, person_id)
    department_id = await department_of(info, person_id, on)
    head = supervisor = None
    if department_id is not None:
        head = await term_holder(info, "department_heads", "person_id", department_id, at)
        supervisor = await term_holder(info, "supervisions", "leader_id", department_id, at)
    principal = await ctx.loaders.principal_on.load((person_row["unit_id"], on))
    supervises = bool(await ctx.loaders.supervises_on.load((person_id, on)))
    ruled = managers_by_rule(
        person_id,
        on,
        department_id=department_id,
        head=head,
        supervisor=supervisor,
        principal=principal,
        is_leader=leads(supervises, department_id, person_row["position_category"]),
    )
    department_row = await ctx.loaders.department.load(department_id) if department_id else None
    named = ruled.named
    rows = await ctx.loaders.person.load_many(named)
    return managers_from(
        Person.from_row(person_row),
        Department.from_row(department_row) if department_row else None,
        ruled,
        {pid: Person.from_row(r) if r else None for pid, r in zip(named, rows, strict=True)},
    )


@strawberry.type(description="The caller, as their token and the org chart say")
class Me:
    person: Person | None = strawberry.field(
        description="The caller's record, if they are a person of a unit"
    )
    roles: list[RoleInfo] = strawberry.field(
        description="Roles the token grants, with Chinese labels"
    )
    unit_id: strawberry.ID | None


@strawberry.type
class Query:
    @strawberry.field(description="The caller: their person record and roles")
    async def me(self, info: Info_) -> Me:
        actor = info.context.actor
        return Me(
            person=await load_person(info, actor.person_id),
            roles=[RoleInfo.of(r) for r in sorted(actor.roles)],
            unit_id=strawberry.ID(str(actor.tenant_id)) if actor.tenant_id else None,
        )

    @strawberry.field(
        description="Units the caller may see: their own; every unit for the administrator "
        "and platform auditors"
    )
    async def units(self, info: Info_) -> list[Unit]:
        ctx = info.context
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('units')} WHERE {unit_sql('$1', '$2')} ORDER BY code",
            *readable_units(ctx.actor),
        )
        return [Unit.from_row(r) for r in rows]

    @strawberry.field(description="One unit", permission_classes=[ReadsUnitById])
    async def unit(self, info: Info_, id: strawberry.ID) -> Unit | None:  # noqa: A002 - GraphQL's name
        unit_id = parse_id(id, "id")
        row = await info.context.loaders.unit.load(unit_id)
        return Unit.from_row(row) if row else None

    @strawberry.field(description="One department")
    async def department(self, info: Info_, id: strawberry.ID) -> Department | None:  # noqa: A002
        row = await readable_row(info.context, info.context.loaders.department, id)
        return Department.from_row(row) if row else None

    @strawberry.field(description="One person")
    async def person(self, info: Info_, id: strawberry.ID) -> Person | None:  # noqa: A002
        row = await readable_row(info.context, info.context.loaders.person, id)
        return Person.from_row(row) if row else None

    @strawberry.field(
        description="People of a unit, by name, filtered by department (at an instant) or name",
        permission_classes=[ReadsUnit],
    )
    async def people(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        department_id: strawberry.ID | None = None,
        name_contains: str | None = None,
        at: datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> PersonConnection:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        department = parse_optional_id(department_id, "departmentId")
        filters = (
            f"FROM {ctx.table('people')} p WHERE p.unit_id = $1 "
            "AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM "
            f"{ctx.table('memberships')} m WHERE m.person_id = p.id AND m.department_id = $2 "
            f"AND {in_force_sql('m', '$3')})) "
            "AND ($4::text IS NULL OR strpos(p.name, $4) > 0 OR strpos(p.login, $4) > 0)"
        )
        args = (unit, department, china_date(at), name_contains)
        rows = await keyset_rows(ctx, filters, args, Keyset("name", alias="p"), first, after)
        return PersonConnection.of_rows(rows, Person.from_row)

    @strawberry.field(description="Who managed a person at an instant (default: now): 谁管理谁认定")
    async def managers(
        self, info: Info_, person_id: strawberry.ID, at: datetime | None = None
    ) -> Managers:
        return await managers_of(info, parse_id(person_id, "personId"), at)
