"""GraphQL queries over the projected goals. Goal sets (quarterly and annual), reference goals,
monthly summaries and published weekly reports are visible to the whole unit.
"""

from __future__ import annotations

import strawberry

from gateway.audit.access import AccessedRecord
from gateway.goals.types import (
    GoalSet,
    GoalSetConnection,
    MonthlySummary,
    ReferenceGoals,
    WeeklyReport,
    WeeklyReportStatus,
)
from gateway.graphql.access import ReadsUnit, sees_draft_reports, weekly_report_sql
from gateway.graphql.plumbing import Info_, parse_id
from gateway.graphql.shapes import Keyset, keyset_rows, parse_optional_id, readable_row
from kernel.calendar import china_date
from services.directory.managers import managers_sql
from services.goals.vocabulary import GoalSetStatus as GoalSetStatusCode
from services.goals.vocabulary import ReferenceKind as ReferenceKindCode

AWAITING_DECISION = (GoalSetStatusCode.SUBMITTED.value, GoalSetStatusCode.REVISION_PROPOSED.value)


@strawberry.type
class GoalsQuery:
    @strawberry.field(
        description="Goal sets of a unit, newest period first, filtered by person, department "
        "(when drafted), period or status",
        permission_classes=[ReadsUnit],
    )
    async def goal_sets(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
        period: str | None = None,
        status: GoalSetStatusCode | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> GoalSetConnection:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        filters = (
            f"FROM {ctx.table('goal_sets')} WHERE unit_id = $1 "
            "AND ($2::uuid IS NULL OR person_id = $2) AND ($3::uuid IS NULL OR department_id = $3) "
            "AND ($4::text IS NULL OR period = $4) AND ($5::text IS NULL OR status = $5)"
        )
        args = (
            unit,
            parse_optional_id(person_id, "personId"),
            parse_optional_id(department_id, "departmentId"),
            period,
            status.value if status else None,
        )
        rows = await keyset_rows(
            ctx, filters, args, Keyset("period", descending=True), first, after
        )
        for r in rows.page:
            ctx.viewed(r["person_id"], r["unit_id"], AccessedRecord.GOAL_SET, "goalSets")
        return GoalSetConnection.of_rows(rows, GoalSet.from_row)

    @strawberry.field(description="One goal set")
    async def goal_set(self, info: Info_, id: strawberry.ID) -> GoalSet | None:  # noqa: A002 - GraphQL's name
        ctx = info.context
        row = await readable_row(ctx, ctx.loaders.goal_set, id)
        if row is None:
            return None
        ctx.viewed(row["person_id"], row["unit_id"], AccessedRecord.GOAL_SET, "goalSet")
        return GoalSet.from_row(row)

    @strawberry.field(
        description="Goal sets awaiting the caller's decision (submitted, or a revision "
        "proposed) because the caller is the person's direct manager now, oldest first"
    )
    async def my_approval_queue(self, info: Info_) -> list[GoalSet]:
        ctx = info.context
        unit_id = ctx.actor.tenant_id
        if unit_id is None:
            return []
        # Only the direct manager now decides (谁管理谁认定): the directory's rule, in its SQL twin.
        rows = await ctx.pool.fetch(
            f"SELECT g.* FROM {ctx.table('goal_sets')} g "
            f"CROSS JOIN LATERAL ({managers_sql(ctx.table, 'g.person_id', '$3')}) r "
            "WHERE g.unit_id = $1 AND g.status = ANY($4::text[]) AND r.direct_manager = $2 "
            "ORDER BY g.updated_at, g.id",
            unit_id,
            ctx.actor.person_id,
            china_date(),
            list(AWAITING_DECISION),
        )
        queue = []
        for row in rows:
            ctx.viewed(row["person_id"], row["unit_id"], AccessedRecord.GOAL_SET, "myApprovalQueue")
            queue.append(GoalSet.from_row(row))
        return queue

    @strawberry.field(description="A person's goal sets over the years, oldest period first")
    async def goal_history(self, info: Info_, person_id: strawberry.ID) -> list[GoalSet]:
        ctx = info.context
        person = parse_id(person_id, "personId")
        person_row = await ctx.loaders.person.load(person)
        if person_row is None:
            return []
        ctx.ensure_unit(person_row["unit_id"])
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('goal_sets')} WHERE person_id = $1 ORDER BY period, id",
            person,
        )
        if rows:
            ctx.viewed(person, person_row["unit_id"], AccessedRecord.GOAL_SET, "goalHistory")
        return [GoalSet.from_row(r) for r in rows]

    @strawberry.field(
        description="Reference goals of a unit (工作要点, 专项业务规划, department goals), "
        "by period, kind and department",
        permission_classes=[ReadsUnit],
    )
    async def reference_goals(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        kind: ReferenceKindCode | None = None,
        department_id: strawberry.ID | None = None,
        period: str | None = None,
    ) -> list[ReferenceGoals]:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('reference_goals')} WHERE unit_id = $1 "
            "AND ($2::text IS NULL OR kind = $2) AND ($3::uuid IS NULL OR department_id = $3) "
            "AND ($4::text IS NULL OR period = $4) ORDER BY period, kind, title, id",
            unit,
            kind.value if kind else None,
            parse_optional_id(department_id, "departmentId"),
            period,
        )
        return [ReferenceGoals.from_row(r) for r in rows]

    @strawberry.field(
        description="Monthly summaries (月小结) of a unit, by month and person",
        permission_classes=[ReadsUnit],
    )
    async def monthly_summaries(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        person_id: strawberry.ID | None = None,
        month: str | None = None,
    ) -> list[MonthlySummary]:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('monthly_summaries')} WHERE unit_id = $1 "
            "AND ($2::uuid IS NULL OR person_id = $2) AND ($3::text IS NULL OR month = $3) "
            "ORDER BY month, person_id",
            unit,
            parse_optional_id(person_id, "personId"),
            month,
        )
        for r in rows:
            ctx.viewed(
                r["person_id"], r["unit_id"], AccessedRecord.MONTHLY_SUMMARY, "monthlySummaries"
            )
        return [MonthlySummary.from_row(r) for r in rows]

    @strawberry.field(
        description="Weekly reports of a unit, by week and department. Published reports are "
        "for all staff; compiled ones only for 考核办 (and auditors and administrators)",
        permission_classes=[ReadsUnit],
    )
    async def weekly_reports(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        week: str | None = None,
        department_id: strawberry.ID | None = None,
    ) -> list[WeeklyReport]:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('weekly_reports')} WHERE unit_id = $1 "
            "AND ($2::text IS NULL OR week = $2) AND ($3::uuid IS NULL OR department_id = $3) "
            f"AND {weekly_report_sql('$4', 'status = $5')} ORDER BY week DESC, department_id",
            unit,
            week,
            parse_optional_id(department_id, "departmentId"),
            sees_draft_reports(ctx.actor),
            WeeklyReportStatus.PUBLISHED.value,
        )
        return [WeeklyReport.from_row(r) for r in rows]
