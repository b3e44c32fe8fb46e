"""GraphQL queries over the projected feedback: the unit's policy, surveys and their results,
praise, complaints with their history, and the quarter's facts per department and person that
the reviews read. Everything is visible to the whole unit, except who complained or responded
(see `gateway.graphql.access.sees_identities`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import asyncpg
import strawberry

from gateway.audit.access import AccessedRecord
from gateway.feedback.types import (
    Complaint,
    ComplaintConnection,
    FeedbackFacts,
    FeedbackFactsConnection,
    FeedbackPolicy,
    Praise,
    PraiseConnection,
    Survey,
)
from gateway.graphql.access import ReadsUnit
from gateway.graphql.plumbing import (
    Info_,
    after_key,
    encode_cursor,
    page_size,
    parse_id,
    parse_year,
)
from gateway.graphql.shapes import Keyset, invalid, keyset_rows, parse_optional_id, readable_row
from services.feedback.vocabulary import ComplaintStatus as ComplaintStatusCode

QUARTER = re.compile(r"^[0-9]{4}-Q[1-4]$")
OPEN_STATUSES = [s.value for s in ComplaintStatusCode if s.is_open]


def parse_quarter(value: str, field: str = "quarter") -> str:
    """A quarter argument, `2026-Q3`; anything else is refused naming the argument."""
    if not QUARTER.fullmatch(value):
        raise invalid(field, "quarter_format", f"{field}: {value!r} is not a quarter like 2026-Q3")
    parse_year(int(value[:4]), field)
    return value


def quarter_end(quarter: str) -> date:
    """The last day of a quarter."""
    year, q = int(quarter[:4]), int(quarter[-1])
    after = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return after - timedelta(days=1)


def _viewed_targets(info: Info_, rows: list[asyncpg.Record], query: str) -> None:
    """Praise and complaints about a person are that person's records (access log)."""
    for r in rows:
        if r["target_kind"] == "PERSON":
            info.context.viewed(r["target_id"], r["unit_id"], AccessedRecord.FEEDBACK, query)


# Rows of the quarter's facts: the unit's service departments (open by the quarter's end), any
# other department with feedback or in the survey, and every person with feedback. $1 unit,
# $2 quarter, $3 department filter, $4 person filter, $5 the quarter's last day.
FACTS_SQL = """
WITH survey AS (
    SELECT id, status FROM {surveys} WHERE unit_id = $1 AND quarter = $2
), targets AS (
    SELECT target_kind, target_id, department_id, occurred_on AS on_date, position
    FROM {praise} WHERE unit_id = $1 AND quarter = $2
    UNION ALL
    SELECT target_kind, target_id, department_id, received_on, position
    FROM {complaints} WHERE unit_id = $1 AND quarter = $2
), subjects AS (
    SELECT 'DEPARTMENT' AS kind, d.id AS subject_id, d.id AS department_id, d.name
    FROM {departments} d WHERE d.unit_id = $1 AND (
        (d.category = 'SERVICE' AND d.opened_on <= $5)
        OR EXISTS (SELECT 1 FROM targets t
                   WHERE t.target_kind = 'DEPARTMENT' AND t.target_id = d.id)
        OR EXISTS (SELECT 1 FROM {survey_departments} sd JOIN survey s ON s.id = sd.survey_id
                   WHERE sd.department_id = d.id))
    UNION ALL
    (SELECT DISTINCT ON (t.target_id) 'PERSON', t.target_id, t.department_id, p.name
     FROM targets t JOIN {people} p ON p.id = t.target_id
     WHERE t.target_kind = 'PERSON'
     ORDER BY t.target_id, t.on_date DESC, t.position DESC)
), filtered AS (
    SELECT *, (CASE kind WHEN 'DEPARTMENT' THEN '0' ELSE '1' END) || ':' || name AS sort_key
    FROM subjects
    WHERE ($3::uuid IS NULL OR department_id = $3)
      AND ($4::uuid IS NULL OR (kind = 'PERSON' AND subject_id = $4))
)
"""

FACTS_PAGE = """
SELECT f.*, s.id AS survey_id, r.mean, r.count AS result_count,
    (SELECT count(*) FROM {praise} pr WHERE pr.unit_id = $1 AND pr.quarter = $2
       AND pr.target_kind = f.kind AND pr.target_id = f.subject_id)::int AS praise_count,
    c.*
FROM filtered f
LEFT JOIN survey s ON s.status = 'CLOSED' AND f.kind = 'DEPARTMENT'
LEFT JOIN {survey_results} r ON r.survey_id = s.id AND r.department_id = f.subject_id
CROSS JOIN LATERAL (
    SELECT count(*)::int AS complaints,
        count(*) FILTER (WHERE status = 'RESOLVED' AND NOT late)::int AS handled_on_time,
        count(*) FILTER (WHERE status = 'RESOLVED' AND satisfaction = 'SATISFIED')::int
            AS handled_properly,
        count(*) FILTER (WHERE status = 'RESOLVED' AND late)::int AS late,
        count(*) FILTER (WHERE status = 'RESOLVED' AND satisfaction = 'DISSATISFIED')::int
            AS dissatisfied,
        count(*) FILTER (WHERE status = 'DISMISSED')::int AS dismissed,
        count(*) FILTER (WHERE status = ANY($6::text[]))::int AS open,
        count(*) FILTER (WHERE status = ANY($6::text[]) AND overdue)::int AS overdue
    FROM {complaints} c WHERE c.unit_id = $1 AND c.quarter = $2
      AND c.target_kind = f.kind AND c.target_id = f.subject_id
) c
WHERE ($7::text IS NULL OR (f.sort_key, f.subject_id) > ($7::text, $8::uuid))
ORDER BY f.sort_key, f.subject_id LIMIT $9
"""


@strawberry.type
class FeedbackQuery:
    @strawberry.field(
        description="The unit's feedback policy; null until 考核办 sets one (then the defaults "
        "apply: 5 working days, scale 0 to 100)",
        permission_classes=[ReadsUnit],
    )
    async def feedback_policy(self, info: Info_, unit_id: strawberry.ID) -> FeedbackPolicy | None:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        row = await ctx.pool.fetchrow(
            f"SELECT * FROM {ctx.table('feedback_policies')} WHERE unit_id = $1", unit
        )
        return FeedbackPolicy.from_row(row) if row else None

    @strawberry.field(
        description="Satisfaction surveys of a unit, newest quarter first",
        permission_classes=[ReadsUnit],
    )
    async def surveys(
        self, info: Info_, unit_id: strawberry.ID, quarter: str | None = None
    ) -> list[Survey]:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        rows = await ctx.pool.fetch(
            f"SELECT * FROM {ctx.table('surveys')} WHERE unit_id = $1 "
            "AND ($2::text IS NULL OR quarter = $2) ORDER BY quarter DESC, id",
            unit,
            parse_quarter(quarter) if quarter else None,
        )
        return [Survey.from_row(r) for r in rows]

    @strawberry.field(description="One survey, with its results and responses")
    async def survey(self, info: Info_, id: strawberry.ID) -> Survey | None:  # noqa: A002 - GraphQL's name
        row = await readable_row(info.context, info.context.loaders.survey, id)
        return Survey.from_row(row) if row else None

    @strawberry.field(
        description="Praise (表扬) of a unit, latest first, by quarter, target (a person or "
        "department) or department (the department praised, or the person's then)",
        permission_classes=[ReadsUnit],
    )
    async def praise(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        quarter: str | None = None,
        target_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> PraiseConnection:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        filters = (
            f"FROM {ctx.table('praise')} WHERE unit_id = $1 "
            "AND ($2::text IS NULL OR quarter = $2) AND ($3::uuid IS NULL OR target_id = $3) "
            "AND ($4::uuid IS NULL OR department_id = $4)"
        )
        args = (
            unit,
            parse_quarter(quarter) if quarter else None,
            parse_optional_id(target_id, "targetId"),
            parse_optional_id(department_id, "departmentId"),
        )
        rows = await keyset_rows(
            ctx, filters, args, Keyset("occurred_on", "date", descending=True), first, after
        )
        _viewed_targets(info, rows.page, "praise")
        return PraiseConnection.of_rows(rows, Praise.from_row)

    @strawberry.field(
        description="Complaints (投诉) of a unit, latest received first, by status, department "
        "(the department complained about, or the person's then), target, quarter, or whether "
        "they were flagged overdue",
        permission_classes=[ReadsUnit],
    )
    async def complaints(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        status: ComplaintStatusCode | None = None,
        department_id: strawberry.ID | None = None,
        target_id: strawberry.ID | None = None,
        quarter: str | None = None,
        overdue: bool | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ComplaintConnection:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        filters = (
            f"FROM {ctx.table('complaints')} WHERE unit_id = $1 "
            "AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR department_id = $3) "
            "AND ($4::uuid IS NULL OR target_id = $4) AND ($5::text IS NULL OR quarter = $5) "
            "AND ($6::bool IS NULL OR overdue = $6)"
        )
        args = (
            unit,
            status.value if status else None,
            parse_optional_id(department_id, "departmentId"),
            parse_optional_id(target_id, "targetId"),
            parse_quarter(quarter) if quarter else None,
            overdue,
        )
        rows = await keyset_rows(
            ctx, filters, args, Keyset("received_on", "date", descending=True), first, after
        )
        _viewed_targets(info, rows.page, "complaints")
        return ComplaintConnection.of_rows(rows, Complaint.from_row)

    @strawberry.field(description="One complaint, with its history")
    async def complaint(self, info: Info_, id: strawberry.ID) -> Complaint | None:  # noqa: A002
        ctx = info.context
        row = await readable_row(ctx, ctx.loaders.complaint, id)
        if row is None:
            return None
        _viewed_targets(info, [row], "complaint")
        return Complaint.from_row(row)

    @strawberry.field(
        description="The quarter's feedback as the reviews read it: one row per service "
        "department (and any other department with feedback) and per person with praise or "
        "complaints in the quarter; departments first, then people, by name. Filter by "
        "department (the department's row and its people's) or person",
        permission_classes=[ReadsUnit],
    )
    async def feedback_facts(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        quarter: str,
        department_id: strawberry.ID | None = None,
        person_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> FeedbackFactsConnection:
        ctx = info.context
        unit = parse_id(unit_id, "unitId")
        parse_quarter(quarter)
        size = page_size(first)
        key = after_key(after)
        after_id = parse_id(key[1], "after") if key else None
        tables = {
            name: ctx.table(name)
            for name in (
                "surveys",
                "survey_departments",
                "survey_results",
                "praise",
                "complaints",
                "departments",
                "people",
            )
        }
        args = (
            unit,
            quarter,
            parse_optional_id(department_id, "departmentId"),
            parse_optional_id(person_id, "personId"),
            quarter_end(quarter),
        )
        ctes = FACTS_SQL.format(**tables)
        rows = await ctx.pool.fetch(
            ctes + FACTS_PAGE.format(**tables),
            *args,
            OPEN_STATUSES,
            key[0] if key else None,
            after_id,
            size + 1,
        )
        total = await ctx.pool.fetchval(ctes + "SELECT count(*) FROM filtered", *args)
        survey = await ctx.pool.fetchrow(
            f"SELECT * FROM {ctx.table('surveys')} WHERE unit_id = $1 AND quarter = $2",
            unit,
            quarter,
        )
        for r in rows[:size]:
            if r["kind"] == "PERSON":
                ctx.viewed(r["subject_id"], unit, AccessedRecord.FEEDBACK, "feedbackFacts")
        return FeedbackFactsConnection.of(
            rows,
            size,
            lambda r: encode_cursor(r["sort_key"], r["subject_id"]),
            FeedbackFacts.from_row,
            total_count=total,
            quarter=quarter,
            survey=Survey.from_row(survey) if survey else None,
        )
