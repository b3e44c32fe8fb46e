"""GraphQL queries over the projected reviews: a unit's cycles, each with its configuration,
participants' appraisals (as far as the caller may see them), progress (who is missing what),
grade distribution per department, objections and history; a person's appraisals over time;
sanctions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from uuid import UUID

import asyncpg
import strawberry

from gateway.audit.access import AccessedRecord
from gateway.feedback.queries import parse_quarter
from gateway.graphql.access import (
    CycleHistoryReaders,
    CycleProgressReaders,
    ReadsUnit,
    SanctionReaders,
    objection_sql,
    sees_whole_unit,
)
from gateway.graphql.plumbing import (
    Info_,
    PageInfo,
    after_key,
    encode_cursor,
    loads,
    page_size,
    parse_id,
    parse_year,
)
from gateway.graphql.shapes import invalid, parse_optional_id
from gateway.reviews.access import (
    View,
    out_of_line_in,
    out_of_line_of,
    unit_viewer,
    viewer,
)
from gateway.reviews.types import (
    Appraisal,
    AppraisalConnection,
    CycleConfiguration,
    Objection,
    QuotaCheck,
    ReviewHistoryEntry,
    Sanction,
    missing_of,
)
from services.reviews.scheme import CycleConfig
from services.reviews.vocabulary import CycleStatus as CycleStatusCode
from services.reviews.vocabulary import Grade as GradeCode


@strawberry.type(description="One participant and what they still lack")
class Waiting:
    person_id: strawberry.ID
    name: str
    department_name: str | None
    missing: list[str]


@strawberry.type(description="How far a cycle has got: counts, and who is missing what")
class CycleProgress:
    participants: int
    summaries: int = strawberry.field(description="Participants with a summary")
    fully_rated: int = strawberry.field(description="Participants with every required rating")
    graded: int = strawberry.field(description="Participants with a grade")
    talks_held: int
    talks_acknowledged: int
    waiting: list[Waiting] = strawberry.field(
        description="Before finalisation: who lacks a summary, a rating, a grade or a "
        "justification; after confirmation: who is still waiting for a talk or has not "
        "acknowledged it"
    )


@strawberry.type(description="One grade's count in a department")
class GradeCount:
    grade: GradeCode
    grade_label: str
    count: int


@strawberry.type(description="A department's grades in a cycle (proposed or final)")
class DepartmentGrades:
    department_id: strawberry.ID | None
    department_name: str | None
    participants: int
    grades: list[GradeCount]
    ungraded: int


@strawberry.type(description="A quarter's appraisal cycle (季度平时考核) of one unit")
class ReviewCycle:
    id: strawberry.ID
    unit_id: strawberry.ID
    quarter: str
    status: CycleStatusCode
    status_label: str
    configuration: CycleConfiguration = strawberry.field(
        description="The configuration locked when the cycle opened"
    )
    participant_count: int
    opened_on: date
    appraisal_began_at: datetime | None
    quota: QuotaCheck | None = strawberry.field(
        description="The latest quota check (at the last proposal or the finalisation)"
    )
    finalised_at: datetime | None
    published_on: date | None
    publicity_ends_on: date | None = strawberry.field(description="公示期 ends (working days)")
    objections_until: date | None
    confirmed_on: date | None
    version: int = strawberry.field(description="For If-Match on the cycle's commands")
    position: int = strawberry.field(description="The reviews log position last applied")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> ReviewCycle:
        status = CycleStatusCode(row["status"])
        return cls(
            id=strawberry.ID(str(row["id"])),
            unit_id=strawberry.ID(str(row["unit_id"])),
            quarter=row["quarter"],
            status=status,
            status_label=status.label,
            configuration=CycleConfiguration.of(loads(row["config"])),
            participant_count=row["participants"],
            opened_on=row["opened_on"],
            appraisal_began_at=row["appraisal_began_at"],
            quota=QuotaCheck.of(loads(row["quota"])),
            finalised_at=row["finalised_at"],
            published_on=row["published_on"],
            publicity_ends_on=row["publicity_ends_on"],
            objections_until=row["objections_until"],
            confirmed_on=row["confirmed_on"],
            version=row["version"],
            position=row["position"],
        )

    async def _row(self, info: Info_) -> asyncpg.Record:
        ctx = info.context
        row = await ctx.pool.fetchrow(
            f"SELECT * FROM {ctx.table('review_cycles')} WHERE id = $1", UUID(self.id)
        )
        assert row is not None
        return row

    @strawberry.field(
        description="The participants' appraisals the caller may see, by name; filter by "
        "department (at opening) or person"
    )
    async def appraisals(
        self,
        info: Info_,
        department_id: strawberry.ID | None = None,
        person_id: strawberry.ID | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> AppraisalConnection:
        ctx = info.context
        cycle = await self._row(info)
        view_of = await viewer(info, cycle["unit_id"], cycle["status"])
        size = page_size(first)
        key = after_key(after)
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('review_participants')} WHERE cycle_id = $1 "
            "AND ($2::uuid IS NULL OR department_id = $2) AND ($3::uuid IS NULL OR person_id = $3) "
            "ORDER BY name, person_id",
            cycle["id"],
            parse_optional_id(department_id, "departmentId"),
            parse_optional_id(person_id, "personId"),
        )
        visible = [(r, v) for r in rows if (v := view_of(r["person_id"])) is not None]
        start = (
            next(
                (
                    i + 1
                    for i, (r, _) in enumerate(visible)
                    if (r["name"], str(r["person_id"])) == key
                ),
                len(visible),
            )
            if key
            else 0
        )
        page = visible[start : start + size]
        config = CycleConfig.from_dict(loads(cycle["config"]))
        status = CycleStatusCode(cycle["status"])
        # Only a graded participant can be out of line: most pages before grading need no read.
        graded = any(r["final_grade"] or r["grade"] for r, _ in page)
        flagged = await out_of_line_in(info, cycle["id"]) if graded else {}
        nodes = [
            Appraisal.from_row(r, v, status, config, flagged.get(r["person_id"])) for r, v in page
        ]
        for r, v in page:
            if v is not View.PUBLISHED:  # the published grade list is the unit's, not a record
                ctx.viewed(r["person_id"], r["unit_id"], AccessedRecord.APPRAISAL, "appraisals")
        more = start + size < len(visible)
        return AppraisalConnection(
            nodes=nodes,
            page_info=PageInfo(
                has_next_page=more,
                end_cursor=encode_cursor(page[-1][0]["name"], page[-1][0]["person_id"])
                if page
                else None,
            ),
            total_count=len(visible),
        )

    @strawberry.field(
        description="Who is missing what (考核办, the principal leader, auditors): summaries, "
        "ratings, grades, justifications; after confirmation, talks and acknowledgements",
        permission_classes=[CycleProgressReaders],
    )
    async def progress(self, info: Info_) -> CycleProgress:
        ctx = info.context
        cycle = await self._row(info)
        # Only what the answer needs: a cycle's whole rows (ratings, derivations) are large.
        rows = await ctx.pool.fetch(
            "SELECT person_id, name, department_name, summary IS NOT NULL AS has_summary, "
            "CASE WHEN derivation IS NOT NULL THEN ARRAY(SELECT jsonb_array_elements_text("
            "derivation->'missing')) END AS raters_missing, grade, final_grade, composite, "
            "final_score, coalesce(justification, '') <> '' AS justified, "
            "talk IS NOT NULL AS has_talk, acknowledged_at IS NOT NULL AS acknowledged "
            f"FROM {ctx.table('review_participants')} WHERE cycle_id = $1 "
            "ORDER BY name, person_id",
            cycle["id"],
        )
        status = CycleStatusCode(cycle["status"])
        flagged = out_of_line_of(rows)
        waiting = []
        for r in rows:
            if status is CycleStatusCode.CONFIRMED:
                gaps = []
                if not r["has_talk"]:
                    gaps.append("feedback talk (谈心谈话)")
                elif not r["acknowledged"]:
                    gaps.append("acknowledgement of the talk (签字确认)")
            elif status in (CycleStatusCode.OPENED, CycleStatusCode.APPRAISING):
                gaps = missing_of(
                    has_summary=r["has_summary"],
                    raters_missing=r["raters_missing"],
                    graded=(r["final_grade"] or r["grade"]) is not None,
                    needs_justification=r["person_id"] in flagged and not r["justified"],
                )
            else:
                gaps = []
            if gaps:
                waiting.append(
                    Waiting(
                        person_id=strawberry.ID(str(r["person_id"])),
                        name=r["name"],
                        department_name=r["department_name"],
                        missing=gaps,
                    )
                )
        return CycleProgress(
            participants=len(rows),
            summaries=sum(1 for r in rows if r["has_summary"]),
            fully_rated=sum(1 for r in rows if r["composite"] is not None),
            graded=sum(1 for r in rows if r["grade"] is not None),
            talks_held=sum(1 for r in rows if r["has_talk"]),
            talks_acknowledged=sum(1 for r in rows if r["acknowledged"]),
            waiting=waiting,
        )

    @strawberry.field(
        description="Grades per department (by department at opening): proposed grades for "
        "the office, the principal leader and auditors; final grades for the unit once published"
    )
    async def grade_distribution(self, info: Info_) -> list[DepartmentGrades]:
        ctx = info.context
        cycle = await self._row(info)
        table = ctx.table("review_participants")
        # department -> its name at opening and its participants' count by grade (None: none)
        counted: dict[UUID | None, tuple[str | None, Counter[str | None]]] = {}
        if sees_whole_unit(ctx.actor, cycle["unit_id"]):
            rows = await ctx.pool.fetch(
                "SELECT department_id, department_name, coalesce(final_grade, grade) AS grade, "
                f"count(*) AS n FROM {table} WHERE cycle_id = $1 "
                "GROUP BY department_id, department_name, 3 ORDER BY department_name NULLS FIRST",
                cycle["id"],
            )
        else:
            view_of = await viewer(info, cycle["unit_id"], cycle["status"])
            published = cycle["status"] in ("PUBLISHED", "CONFIRMED")
            rows = [
                r
                for r in await ctx.pool.fetch(
                    "SELECT person_id, department_id, department_name, "
                    f"coalesce(final_grade, grade) AS grade, 1 AS n FROM {table} "
                    "WHERE cycle_id = $1 ORDER BY department_name NULLS FIRST",
                    cycle["id"],
                )
                if (view := view_of(r["person_id"])) is View.FULL
                or (published and view is not None)
            ]
        for r in rows:
            counts = counted.setdefault(r["department_id"], (r["department_name"], Counter()))[1]
            counts[r["grade"]] += r["n"]
        return [
            DepartmentGrades(
                department_id=strawberry.ID(str(department_id)) if department_id else None,
                department_name=name,
                participants=sum(counts.values()),
                grades=[
                    GradeCount(grade=g, grade_label=g.label, count=counts[g.value])
                    for g in GradeCode
                ],
                ungraded=counts[None],
            )
            for department_id, (name, counts) in counted.items()
        ]

    @strawberry.field(
        description="Objections (异议) to the published grades: the office, the principal "
        "leader and auditors see all; an appraisee their own"
    )
    async def objections(self, info: Info_) -> list[Objection]:
        ctx = info.context
        cycle = await self._row(info)
        ctx.ensure_unit(cycle["unit_id"])
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('review_objections')} WHERE cycle_id = $1 "
            f"AND {objection_sql('$2', '$3')} ORDER BY filed_at, id",
            cycle["id"],
            sees_whole_unit(ctx.actor, cycle["unit_id"]),
            ctx.actor.person_id,
        )
        return [Objection.from_row(r) for r in rows]

    @strawberry.field(
        description="The cycle's steps and acts in log order, with actor, role and reason "
        "(the office, the principal leader and auditors)",
        permission_classes=[CycleHistoryReaders],
    )
    async def history(
        self, info: Info_, first: int = 100, after_position: int = 0
    ) -> list[ReviewHistoryEntry]:
        ctx = info.context
        cycle = await self._row(info)
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('review_history')} WHERE cycle_id = $1 AND position > $2 "
            "ORDER BY position LIMIT $3",
            cycle["id"],
            after_position,
            page_size(first),
        )
        return [ReviewHistoryEntry.from_row(r) for r in rows]


async def cycle_row(info: Info_, cycle_id: UUID) -> asyncpg.Record | None:
    """A cycle's row, after checking the caller may read its unit."""
    ctx = info.context
    row = await ctx.pool.fetchrow(
        f"SELECT * FROM {ctx.table('review_cycles')} WHERE id = $1", cycle_id
    )
    if row is not None:
        ctx.ensure_unit(row["unit_id"])
    return row


@strawberry.type
class ReviewsQuery:
    @strawberry.field(
        description="A unit's appraisal cycles, latest quarter first",
        permission_classes=[ReadsUnit],
    )
    async def review_cycles(self, info: Info_, unit_id: strawberry.ID) -> list[ReviewCycle]:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('review_cycles')} WHERE unit_id = $1 ORDER BY quarter DESC",
            unit,
        )
        return [ReviewCycle.from_row(r) for r in rows]

    @strawberry.field(description="A cycle, by id or by unit and quarter")
    async def review_cycle(
        self,
        info: Info_,
        id: strawberry.ID | None = None,  # noqa: A002
        unit_id: strawberry.ID | None = None,
        quarter: str | None = None,
    ) -> ReviewCycle | None:
        ctx = info.context
        if id is not None:
            row = await cycle_row(info, parse_id(id, "id"))
        elif unit_id is not None and quarter is not None:
            unit = parse_id(unit_id, "unitId")
            ctx.ensure_unit(unit)
            row = await ctx.pool.fetchrow(
                f"SELECT * FROM {ctx.table('review_cycles')} WHERE unit_id = $1 AND quarter = $2",
                unit,
                parse_quarter(quarter),
            )
        else:
            raise invalid("id", "one_of", "give the cycle's id, or its unitId and quarter")
        return ReviewCycle.from_row(row) if row else None

    @strawberry.field(
        description="A person's appraisals over the quarters, latest first, as far as the "
        "caller may see them"
    )
    async def person_appraisals(
        self, info: Info_, person_id: strawberry.ID, year: int | None = None
    ) -> list[Appraisal]:
        ctx = info.context
        person = parse_id(person_id, "personId")
        year = parse_year(year) if year is not None else None
        rows = await ctx.pool.fetch(
            f"SELECT p.*, c.status AS cycle_status, c.config AS cycle_config, "
            f"c.unit_id AS cycle_unit FROM {ctx.table('review_participants')} p "
            f"JOIN {ctx.table('review_cycles')} c ON c.id = p.cycle_id "
            "WHERE p.person_id = $1 AND ($2::int IS NULL OR p.quarter LIKE $2::int || '-%') "
            "ORDER BY p.quarter DESC",
            person,
            year,
        )
        result = []
        views: dict[UUID, Callable[[UUID, str], View | None]] = {}
        for r in rows:
            if r["cycle_unit"] not in views:
                views[r["cycle_unit"]] = await unit_viewer(info, r["cycle_unit"])
            view = views[r["cycle_unit"]](person, r["cycle_status"])
            if view is None:
                continue
            flagged = await out_of_line_in(info, r["cycle_id"])
            if view is not View.PUBLISHED:
                ctx.viewed(person, r["unit_id"], AccessedRecord.APPRAISAL, "personAppraisals")
            result.append(
                Appraisal.from_row(
                    r,
                    view,
                    CycleStatusCode(r["cycle_status"]),
                    CycleConfig.from_dict(loads(r["cycle_config"])),
                    flagged.get(person),
                )
            )
        return result

    @strawberry.field(
        description="Disciplinary sanctions (处分) recorded in a unit (考核办, the principal "
        "leader and auditors)",
        permission_classes=[SanctionReaders],
    )
    async def sanctions(
        self, info: Info_, unit_id: strawberry.ID, person_id: strawberry.ID | None = None
    ) -> list[Sanction]:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('review_sanctions')} WHERE unit_id = $1 "
            "AND ($2::uuid IS NULL OR person_id = $2) ORDER BY decided_on DESC, id",
            unit,
            parse_optional_id(person_id, "personId"),
        )
        return [Sanction.from_row(r) for r in rows]
