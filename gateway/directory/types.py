"""GraphQL types of the org chart. Each carries its Chinese label beside its English code."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import strawberry
from graphql import GraphQLError
from strawberry.types.nodes import SelectedField, Selection

from gateway.graphql.plumbing import FromRow, Info_
from gateway.graphql.shapes import CountedConnection, label_of
from kernel.calendar import china_date
from kernel.roles import Role as RoleCode
from services.directory.managers import leads, managers_by_rule
from services.directory.terms import in_force_sql, latest_first_sql
from services.directory.vocabulary import (
    DepartmentCategory as DepartmentCategoryCode,
)
from services.directory.vocabulary import (
    OfficeRole as OfficeRoleCode,
)
from services.directory.vocabulary import (
    PositionCategory as PositionCategoryCode,
)
from services.directory.vocabulary import (
    ServiceKind as ServiceKindCode,
)

strawberry.enum(DepartmentCategoryCode, description="科室类别: department category")
strawberry.enum(ServiceKindCode, description="服务类别: the service a service department runs")
strawberry.enum(PositionCategoryCode, description="职位类别: position category")
strawberry.enum(OfficeRoleCode, description="Unit-wide roles: 考核办, 审计/纪检")
strawberry.enum(RoleCode, description="The roles of DOMAIN.md")


@strawberry.type(description="A role with its Chinese label")
class RoleInfo:
    code: RoleCode = strawberry.field(description="English code")
    label: str = strawberry.field(description="Chinese label, e.g. 科室负责人")

    @classmethod
    def of(cls, role: RoleCode) -> RoleInfo:
        return cls(code=role, label=role.label)


@strawberry.type(description="A unit (单位): the tenant, e.g. a Government Offices Administration")
class Unit(FromRow):
    id: strawberry.ID
    name: str
    code: str
    version: int = strawberry.field(description="The unit's version; send it as expectedVersion")
    registered_at: datetime

    @strawberry.field(description="Departments (科室) of the unit, by name, with cursor pagination")
    async def departments(
        self, info: Info_, first: int = 50, after: str | None = None
    ) -> DepartmentConnection:
        from gateway.directory.queries import department_page

        return await department_page(info, UUID(self.id), first, after)

    @strawberry.field(description="The principal leader (主要负责人) at an instant (default: now)")
    async def principal_leader(self, info: Info_, at: datetime | None = None) -> Person | None:
        ctx = info.context
        person_id = await ctx.pool.fetchval(
            f"SELECT person_id FROM {ctx.table('principal_leaders')} WHERE unit_id = $1 "
            f"AND {in_force_sql(None, '$2')} ORDER BY {latest_first_sql()} LIMIT 1",
            UUID(self.id),
            china_date(at),
        )
        return await load_person(info, person_id)


@strawberry.type(description="A department (科室)")
class Department(FromRow):
    id: strawberry.ID
    unit_id: strawberry.ID
    name: str
    category: DepartmentCategoryCode
    service_kind: ServiceKindCode | None
    opened_on: date

    category_label: str = label_of(
        DepartmentCategoryCode, "category", "The category's Chinese label"
    )
    service_kind_label: str | None = label_of(
        ServiceKindCode, "service_kind", "The service kind's Chinese label, for service departments"
    )

    @strawberry.field(description="The department head (科室负责人) at an instant (default: now)")
    async def head(self, info: Info_, at: datetime | None = None) -> Person | None:
        return await load_person(
            info, await term_holder(info, "department_heads", "person_id", UUID(self.id), at)
        )

    @strawberry.field(description="The supervising leader (分管领导) at an instant (default: now)")
    async def supervising_leader(self, info: Info_, at: datetime | None = None) -> Person | None:
        return await load_person(
            info, await term_holder(info, "supervisions", "leader_id", UUID(self.id), at)
        )

    @strawberry.field(description="Members at an instant (default: now), by name")
    async def members(self, info: Info_, at: datetime | None = None) -> list[Person]:
        ctx = info.context
        rows = await ctx.pool.fetch(
            f"SELECT p.* FROM {ctx.table('memberships')} m JOIN {ctx.table('people')} p "
            f"ON p.id = m.person_id WHERE m.department_id = $1 AND {in_force_sql('m', '$2')} "
            "ORDER BY p.name, p.id",
            UUID(self.id),
            on := china_date(at),
        )
        # What the members' own fields ask next (their record, their department then) is
        # known already: the loaders answer it without another query.
        loaders = ctx.loaders
        loaders.person.prime_many({r["id"]: r for r in rows})
        loaders.department_on.prime_many({(r["id"], on): UUID(self.id) for r in rows})
        people = [Person.from_row(r) for r in rows]
        if rows and any(_selects(f.selections, "managers") for f in info.selected_fields):
            await self._managers_of_members(info, rows, people, on)
        return people

    async def _managers_of_members(
        self, info: Info_, rows: list[asyncpg.Record], people: list[Person], on: date
    ) -> None:
        # Every member shares the department's head, supervising leader and principal leader:
        # their managers are worked out together, not by a round of loaders per member.
        from gateway.directory.queries import managers_from

        loaders = info.context.loaders
        info.context.ensure_unit(UUID(self.unit_id))
        department = UUID(self.id)
        head = await loaders.head_on.load((department, on))
        supervisor = await loaders.supervisor_on.load((department, on))
        principal = await loaders.principal_on.load((UUID(self.unit_id), on))
        supervising = await loaders.supervises_on.load_many([(r["id"], on) for r in rows])
        department_row = await loaders.department.load(department)
        ruled = {
            r["id"]: managers_by_rule(
                r["id"],
                on,
                department_id=department,
                head=head,
                supervisor=supervisor,
                principal=principal,
                is_leader=leads(bool(supervises), department, r["position_category"]),
            )
            for r, supervises in zip(rows, supervising, strict=True)
        }
        named = list({pid for m in ruled.values() for pid in m.named})
        found = {
            pid: Person.from_row(r) if r else None
            for pid, r in zip(named, await loaders.person.load_many(named), strict=True)
        }
        department_node = Department.from_row(department_row) if department_row else None
        for person, r in zip(people, rows, strict=True):
            person.managers_on = (
                on,
                managers_from(person, department_node, ruled[r["id"]], found),
            )


@strawberry.type(description="A civil servant of the unit (被考核人)")
class Person(FromRow):
    id: strawberry.ID
    unit_id: strawberry.ID
    name: str
    login: str
    position_category: PositionCategoryCode
    joined_on: date
    left_on: date | None
    # Worked out beforehand when a department's members are asked for with their managers.
    managers_on: strawberry.Private[tuple[date, Managers] | None] = None

    position_category_label: str = label_of(
        PositionCategoryCode, "position_category", "The position category's Chinese label"
    )

    @strawberry.field(
        description="The department the person belonged to at an instant (default: now)"
    )
    async def department(self, info: Info_, at: datetime | None = None) -> Department | None:
        from gateway.directory.queries import department_of

        department_id = await department_of(info, UUID(self.id), china_date(at))
        if department_id is None:
            return None
        row = await info.context.loaders.department.load(department_id)
        return Department.from_row(row) if row else None

    @strawberry.field(description="Who managed the person at an instant (谁管理谁认定)")
    async def managers(self, info: Info_, at: datetime | None = None) -> Managers:
        from gateway.directory.queries import managers_of

        if self.managers_on is not None and self.managers_on[0] == china_date(at):
            return self.managers_on[1]
        return await managers_of(info, UUID(self.id), at)

    @strawberry.field(description="The person's department history, oldest first")
    async def memberships(self, info: Info_) -> list[Membership]:
        ctx = info.context
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('memberships')} WHERE person_id = $1 ORDER BY start_on, id",
            UUID(self.id),
        )
        return [
            Membership(
                department_id=strawberry.ID(str(r["department_id"])),
                start_on=r["start_on"],
                end_on=r["end_on"],
            )
            for r in rows
        ]


@strawberry.type(description="A span of membership in a department, [startOn, endOn)")
class Membership:
    department_id: strawberry.ID
    start_on: date
    end_on: date | None

    @strawberry.field(description="The department")
    async def department(self, info: Info_) -> Department | None:
        row = await info.context.loaders.department.load(UUID(self.department_id))
        return Department.from_row(row) if row else None


@strawberry.type(
    description="Who manages a person on a date: whoever manages, rates (谁管理谁认定)"
)
class Managers:
    on: date
    person: Person
    department: Department | None
    department_head: Person | None = strawberry.field(
        description="科室负责人, unless it is the person"
    )
    supervising_leader: Person | None = strawberry.field(
        description="分管领导 of the person's department"
    )
    principal_leader: Person | None = strawberry.field(description="主要负责人")
    direct_manager: Person | None = strawberry.field(
        description="Who approves goals: the head for staff, the supervising leader for a head, "
        "the principal leader for a supervising leader"
    )


@strawberry.type(description="A page of departments")
class DepartmentConnection(CountedConnection[Department]):
    pass


@strawberry.type(description="A page of people")
class PersonConnection(CountedConnection[Person]):
    pass


def _selects(selections: Sequence[Selection], name: str) -> bool:
    """Whether the field's own selections (through fragments, not nested fields) ask for
    `name`."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        elif _selects(selection.selections, name):
            return True
    return False


async def load_person(info: Info_, person_id: UUID | None) -> Person | None:
    """A person through the request's loader."""
    if person_id is None:
        return None
    row = await info.context.loaders.person.load(person_id)
    return Person.from_row(row) if row else None


async def known_person(info: Info_, person_id: UUID) -> asyncpg.Record:
    """A person's row through the request's loader: NOT_FOUND naming `personId` where there is
    none; refused unless the caller may read the person's unit."""
    row = await info.context.loaders.person.load(person_id)
    if row is None:
        raise GraphQLError(
            f"no person {person_id}",
            extensions={"code": "NOT_FOUND", "status": 404, "field": "personId"},
        )
    info.context.ensure_unit(row["unit_id"])
    return row


async def load_department(info: Info_, department_id: strawberry.ID | None) -> Department | None:
    """A department through the request's loader."""
    if department_id is None:
        return None
    row = await info.context.loaders.department.load(UUID(department_id))
    return Department.from_row(row) if row else None


def person_of(field: str, description: str) -> Any:
    """A field with the person whose id is in `field` (null where there is none): declare it as
    `handler: Person | None = person_of("handler_id", ...)`."""

    async def resolve(root: Any, info: Info_) -> Person | None:
        person_id = getattr(root, field)
        return await load_person(info, UUID(str(person_id)) if person_id else None)

    return strawberry.field(resolver=resolve, description=description)


def department_of(field: str, description: str) -> Any:
    """A field with the department whose id is in `field` (null where there is none)."""

    async def resolve(root: Any, info: Info_) -> Department | None:
        return await load_department(info, getattr(root, field))

    return strawberry.field(resolver=resolve, description=description)


async def term_holder(
    info: Info_, table: str, column: str, department_id: UUID, at: datetime | None
) -> UUID | None:
    """Who held a department's term (head, supervision) at an instant."""
    loaders = info.context.loaders
    loader = {
        ("department_heads", "person_id"): loaders.head_on,
        ("supervisions", "leader_id"): loaders.supervisor_on,
    }[(table, column)]
    value: UUID | None = await loader.load((department_id, china_date(at)))
    return value


ID = Annotated[strawberry.ID, strawberry.argument(description="an id")]
