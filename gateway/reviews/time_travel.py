"""GraphQL time travel for reviews: a cycle's grades, and a person's appraisal in it, as they
stood at a past reviews-log position or instant, derived from the cycle's and its appraisals'
events up to then (see `gateway.audit.time_travel`), never from the live read tables.

What the caller sees follows the same rules as the live queries, applied to the cycle's status
then: before its publication, a colleague sees nothing of a participant.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from gateway.audit.access import AccessedRecord
from gateway.audit.as_of import AsOf, AsOfInput, point_of
from gateway.audit.time_travel import as_of as as_of_scratch
from gateway.graphql.plumbing import Info_, loads, parse_id
from gateway.graphql.shapes import parse_optional_id
from gateway.reviews.access import View, out_of_line_of, viewer
from gateway.reviews.projection import ReviewsProjection
from gateway.reviews.types import Appraisal, QuotaCheck
from services.reviews.scheme import CycleConfig
from services.reviews.vocabulary import CycleStatus as CycleStatusCode


@strawberry.type(
    description="A cycle as it stood then: its status, quota and the appraisals the caller may "
    "see, every field derived from the events up to then"
)
class ReviewCycleAsOf:
    as_of: AsOf
    status: CycleStatusCode | None = strawberry.field(description="Null: not yet opened then")
    status_label: str | None
    quota: QuotaCheck | None
    appraisals: list[Appraisal]


@strawberry.type
class ReviewsTimeTravelQuery:
    @strawberry.field(
        description="A cycle's grades (and, with personId, one person's appraisal) as they "
        "stood at a past reviews-log position or instant, derived from the events up to then"
    )
    async def review_cycle_as_of(
        self,
        info: Info_,
        id: strawberry.ID,  # noqa: A002 - GraphQL's name
        as_of: AsOfInput,
        person_id: strawberry.ID | None = None,
    ) -> ReviewCycleAsOf:
        ctx = info.context
        cycle_id, point = parse_id(id, "id"), point_of(as_of)
        person = parse_optional_id(person_id, "personId")
        live = await ctx.pool.fetchrow(
            f"SELECT unit_id FROM {ctx.table('review_cycles')} WHERE id = $1", cycle_id
        )
        if live is None:
            raise GraphQLError(
                f"no cycle {cycle_id}",
                extensions={"code": "NOT_FOUND", "status": 404, "field": "id"},
            )
        ctx.ensure_unit(live["unit_id"])
        # The participants are fixed when the cycle opens; their appraisals' streams are named
        # in the live table only to find them (their events are then read up to the point).
        appraisals = await ctx.pool.fetch(
            f"SELECT appraisal_id FROM {ctx.table('review_participants')} "
            "WHERE cycle_id = $1 AND appraisal_id IS NOT NULL",
            cycle_id,
        )
        streams = [cycle_id, *(r["appraisal_id"] for r in appraisals)]
        async with as_of_scratch(ctx.pool, ReviewsProjection, streams, point) as scratch:
            cycle = await scratch.conn.fetchrow(
                f"SELECT * FROM {scratch.table('review_cycles')} WHERE id = $1", cycle_id
            )
            rows = await scratch.conn.fetch(
                f"SELECT * FROM {scratch.table('review_participants')} WHERE cycle_id = $1 "
                "ORDER BY name, person_id",
                cycle_id,
            )
            answer_as_of = AsOf.of("reviews", scratch, point)
        if cycle is None:
            return ReviewCycleAsOf(
                as_of=answer_as_of, status=None, status_label=None, quota=None, appraisals=[]
            )
        status = CycleStatusCode(cycle["status"])
        view_of = await viewer(info, cycle["unit_id"], cycle["status"])
        flagged = out_of_line_of(rows)
        config = CycleConfig.from_dict(loads(cycle["config"]))
        shown = []
        for r in rows:
            view = view_of(r["person_id"])
            if view is None or (person is not None and r["person_id"] != person):
                continue
            if view is not View.PUBLISHED:
                ctx.viewed(
                    r["person_id"], r["unit_id"], AccessedRecord.APPRAISAL, "reviewCycleAsOf"
                )
            shown.append(Appraisal.from_row(r, view, status, config, flagged.get(r["person_id"])))
        return ReviewCycleAsOf(
            as_of=answer_as_of,
            status=status,
            status_label=status.label,
            quota=QuotaCheck.of(loads(cycle["quota"])),
            appraisals=shown,
        )
