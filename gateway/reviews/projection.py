"""The reviews read model: each quarter's cycle with its locked configuration, its participants
with their summaries, ratings, composite scores (and how they were derived), grades, objections
and feedback talks; every rating and step in a history; disciplinary sanctions.

Composite scores are computed here with the reviews service's own pure scoring rules
(`services.reviews.scoring`), from the ratings and the configuration in the log, so the read
side shows exactly the number the service decides with.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg

from gateway.log import REVIEWS_LOG, LogEvent, as_json, date_or_none, uuid_or_none
from gateway.projections.readmodel import ReadModel, actor, recorded, update_sql, versioned
from gateway.projections.writer import ProjectionWriter
from services.directory.managers import ManagerRelation
from services.directory.vocabulary import PositionCategory
from services.reviews.scheme import CycleConfig
from services.reviews.scoring import composite

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS {schema}.review_cycles (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, quarter text NOT NULL, status text NOT NULL,
    config jsonb NOT NULL, participants int NOT NULL, opened_on date NOT NULL,
    opened_at timestamptz NOT NULL, appraisal_began_at timestamptz, quota jsonb,
    finalised_at timestamptz, finalised_by uuid, published_on date, publicity_ends_on date,
    objections_until date, confirmed_on date, updated_at timestamptz NOT NULL,
    version bigint NOT NULL, position bigint NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS review_cycles_unit ON {schema}.review_cycles (unit_id, quarter);
CREATE TABLE IF NOT EXISTS {schema}.review_participants (
    cycle_id uuid NOT NULL, person_id uuid NOT NULL, unit_id uuid NOT NULL, quarter text NOT NULL,
    ordinal int NOT NULL, name text NOT NULL, department_id uuid, department_name text,
    position_category text NOT NULL, appraisal_id uuid, feedback jsonb, feedback_score numeric,
    summary jsonb, summary_at timestamptz, summary_versions int NOT NULL DEFAULT 0,
    required text[] NOT NULL DEFAULT '{{}}', ratings jsonb NOT NULL DEFAULT '{{}}',
    composite numeric, derivation jsonb, grade text, justification text, grade_from_bands bool,
    final_grade text, final_score numeric, talk jsonb, talk_at timestamptz,
    acknowledged_at timestamptz, acknowledgement text, updated_at timestamptz NOT NULL,
    PRIMARY KEY (cycle_id, person_id));
CREATE UNIQUE INDEX IF NOT EXISTS review_participants_appraisal
    ON {schema}.review_participants (appraisal_id);
CREATE INDEX IF NOT EXISTS review_participants_person
    ON {schema}.review_participants (person_id, quarter);
CREATE INDEX IF NOT EXISTS review_participants_unit
    ON {schema}.review_participants (unit_id, quarter);
CREATE TABLE IF NOT EXISTS {schema}.review_objections (
    id uuid PRIMARY KEY, cycle_id uuid NOT NULL, person_id uuid NOT NULL, reason text NOT NULL,
    filed_on date NOT NULL, status text NOT NULL, grade_before text, grade_after text,
    resolution text, resolved_on date, resolved_by uuid, filed_at timestamptz NOT NULL,
    position bigint NOT NULL);
CREATE INDEX IF NOT EXISTS review_objections_cycle
    ON {schema}.review_objections (cycle_id, filed_at);
CREATE TABLE IF NOT EXISTS {schema}.review_sanctions (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, person_id uuid NOT NULL, kind text NOT NULL,
    decided_on date NOT NULL, ends_on date NOT NULL, document text NOT NULL,
    recorded_by uuid, recorded_at timestamptz NOT NULL, position bigint NOT NULL);
CREATE INDEX IF NOT EXISTS review_sanctions_person ON {schema}.review_sanctions (person_id);
CREATE TABLE IF NOT EXISTS {schema}.review_history (
    position bigint PRIMARY KEY, cycle_id uuid NOT NULL, person_id uuid, event text NOT NULL,
    actor_id uuid, actor_role text, reason text, detail jsonb, at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS review_history_cycle
    ON {schema}.review_history (cycle_id, person_id, position);
"""


CYCLE_EVENTS = frozenset(
    {
        "CycleOpened",
        "AppraisalBegan",
        "GradesProposed",
        "GradesFinalised",
        "ResultsPublished",
        "ObjectionFiled",
        "ObjectionResolved",
        "ResultsConfirmed",
    }
)


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


class ReviewsProjection(ReadModel):
    """Applies reviews events to the reviews read tables (inside the runner's transaction)."""

    log = REVIEWS_LOG
    schema_sql = SCHEMA_SQL

    # Each has a handler, which writes the event's history entry itself (for whom it is).
    versions = dict.fromkeys(CYCLE_EVENTS, "review_cycles")

    async def _history(
        self,
        w: ProjectionWriter,
        e: LogEvent,
        cycle_id: UUID,
        person_id: UUID | None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        await self.history(
            w,
            "review_history",
            e,
            cycle_id=cycle_id,
            person_id=person_id,
            reason=e.meta.get("reason"),
            detail=as_json(detail) if detail is not None else None,
        )

    # -- the cycle --

    async def on_CycleOpened(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        participants = d["participants"]
        await self.create(
            w,
            "review_cycles",
            e,
            quarter=d["quarter"],
            status="OPENED",
            config=as_json(d["config"]),
            participants=len(participants),
            opened_on=date_or_none(d["opened_on"]),
            opened_at=e.timestamp,
            **versioned(e),
        )
        await self.insert_list(
            w,
            "review_participants",
            "",
            [
                {
                    "cycle_id": e.originator_id,
                    "person_id": UUID(p["person_id"]),
                    "unit_id": uuid_or_none(d["unit_id"]),
                    "quarter": d["quarter"],
                    "name": p["name"],
                    "department_id": uuid_or_none(p.get("department_id")),
                    "department_name": p.get("department_name"),
                    "position_category": p["position_category"],
                    "updated_at": e.timestamp,
                }
                for p in participants
            ],
        )
        await self._history(w, e, e.originator_id, None, {"participants": len(participants)})

    async def on_AppraisalBegan(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self.change(
            w, "review_cycles", e, status="APPRAISING", appraisal_began_at=e.timestamp
        )
        await self._participants(
            w,
            e,
            {
                pid: {"feedback": as_json(fixed), "feedback_score": Decimal(fixed["score"])}
                for pid, fixed in e.data["feedback"].items()
            },
        )
        await self._history(w, e, e.originator_id, None)

    async def on_GradesProposed(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self._participants(
            w,
            e,
            {
                pid: {
                    "grade": g["grade"],
                    "justification": g.get("justification"),
                    "grade_from_bands": bool(g.get("from_bands")),
                    "updated_at": e.timestamp,
                }
                for pid, g in d["grades"].items()
            },
        )
        await self.change(w, "review_cycles", e, quota=as_json(d["quota"]))
        await self._history(
            w, e, e.originator_id, None, {"grades": d["grades"], "quota": d["quota"]}
        )

    async def on_GradesFinalised(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.change(
            w,
            "review_cycles",
            e,
            status="FINALISED",
            quota=as_json(d["quota"]),
            finalised_at=e.timestamp,
            finalised_by=actor(e),
        )
        scores = d["scores"]
        await self._participants(
            w,
            e,
            {
                pid: {
                    "final_grade": grade,
                    "final_score": Decimal(scores[pid]) if pid in scores else None,
                }
                for pid, grade in d["grades"].items()
            },
        )
        await self._history(w, e, e.originator_id, None, {"quota": d["quota"]})

    async def on_ResultsPublished(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.change(
            w,
            "review_cycles",
            e,
            status="PUBLISHED",
            published_on=date_or_none(d["published_on"]),
            publicity_ends_on=date_or_none(d["ends_on"]),
            objections_until=date_or_none(d["objections_until"]),
        )
        await self._history(w, e, e.originator_id, None, {"published_on": d["published_on"]})

    async def on_ObjectionFiled(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        person_id = UUID(d["person_id"])
        await self.insert(
            w,
            "review_objections",
            id=UUID(d["objection_id"]),
            cycle_id=e.originator_id,
            person_id=person_id,
            reason=d["reason"],
            filed_on=date_or_none(d["filed_on"]),
            status="OPEN",
            filed_at=e.timestamp,
            position=e.position,
        )
        await self._history(w, e, e.originator_id, person_id)

    async def on_ObjectionResolved(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        person_id = UUID(d["person_id"])
        await self.update(
            w,
            "review_objections",
            {"id": UUID(d["objection_id"])},
            status=d["status"],
            grade_before=d["grade_before"],
            grade_after=d["grade_after"],
            resolution=d["reason"],
            resolved_on=date_or_none(d["resolved_on"]),
            resolved_by=actor(e),
        )
        await self._participants(
            w,
            e,
            {
                d["person_id"]: {
                    "grade": d["grade_after"],
                    "final_grade": d["grade_after"],
                    "updated_at": e.timestamp,
                }
            },
        )
        await self._history(
            w,
            e,
            e.originator_id,
            person_id,
            {"status": d["status"], "before": d["grade_before"], "after": d["grade_after"]},
        )

    async def on_ResultsConfirmed(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self.change(
            w,
            "review_cycles",
            e,
            status="CONFIRMED",
            confirmed_on=date_or_none(e.data["confirmed_on"]),
        )
        await self._history(w, e, e.originator_id, None)

    async def _participants(
        self, w: ProjectionWriter, e: LogEvent, changes: dict[str, dict[str, Any]]
    ) -> None:
        """Set columns of participants of the event's cycle (by person id, as in the log), all
        of one shape.
        """
        if changes:
            columns = tuple(next(iter(changes.values())))
            sql = update_sql(self.table("review_participants"), ("cycle_id", "person_id"), columns)
            await w.executemany(
                sql, [(e.originator_id, UUID(pid), *c.values()) for pid, c in changes.items()]
            )

    # -- one participant --

    async def _participant(self, w: ProjectionWriter, appraisal_id: UUID) -> asyncpg.Record:
        row = await w.fetchrow(
            f"SELECT p.*, c.config FROM {self.table('review_participants')} p "
            f"JOIN {self.table('review_cycles')} c ON c.id = p.cycle_id WHERE p.appraisal_id = $1",
            appraisal_id,
        )
        assert row is not None, "an appraisal's creation is projected before its other events"
        return row

    async def on_AppraisalCreated(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await w.execute(
            f"UPDATE {self.table('review_participants')} SET appraisal_id = $3 "
            "WHERE cycle_id = $1 AND person_id = $2",
            UUID(e.data["cycle_id"]),
            UUID(e.data["person_id"]),
            e.originator_id,
        )

    async def on_SummarySubmitted(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        row = await self._participant(w, e.originator_id)
        summary = {
            "goal_set_version": d.get("goal_set_version"),
            "reports": d["reports"],
            "extra_work": d["extra_work"],
        }
        await self._history(w, e, row["cycle_id"], row["person_id"])
        # Counted from the history, so applying the event twice counts it once.
        await w.execute(
            f"UPDATE {self.table('review_participants')} SET summary = $2, summary_at = $3, "
            f"summary_versions = (SELECT count(*) FROM {self.table('review_history')} "
            "WHERE cycle_id = $4 AND person_id = $5 AND event = 'SummarySubmitted'), "
            "updated_at = $3 WHERE appraisal_id = $1",
            e.originator_id,
            as_json(summary),
            e.timestamp,
            row["cycle_id"],
            row["person_id"],
        )

    async def on_Rated(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        row = await self._participant(w, e.originator_id)
        ratings = _loads(row["ratings"]) or {}
        ratings[d["relation"]] = {
            "rater_id": str(d["rater_id"]),
            "scores": d["scores"],
            "opinion": d["opinion"],
            "at": e.timestamp.isoformat(),
        }
        required = tuple(ManagerRelation(r) for r in d["required"])
        config = CycleConfig.from_dict(_loads(row["config"]))
        result = composite(
            config,
            PositionCategory(row["position_category"]),
            required,
            {
                ManagerRelation(r): {c: Decimal(s) for c, s in v["scores"].items()}
                for r, v in ratings.items()
            },
            row["feedback_score"],
        )
        await w.execute(
            f"UPDATE {self.table('review_participants')} SET ratings = $2, required = $3, "
            "composite = $4, derivation = $5, updated_at = $6 WHERE appraisal_id = $1",
            e.originator_id,
            as_json(ratings),
            list(d["required"]),
            result.score,
            as_json(result.as_dict()),
            e.timestamp,
        )
        await self._history(
            w,
            e,
            row["cycle_id"],
            row["person_id"],
            {"relation": d["relation"], "scores": d["scores"], "opinion": d["opinion"]},
        )

    async def on_TalkRecorded(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        row = await self._participant(w, e.originator_id)
        talk = {
            "leader_id": str(d["leader_id"]),
            "relation": d["relation"],
            "grade": d["grade"],
            "held_on": d["held_on"],
            "reasons": d.get("reasons"),
            "shortcomings": d.get("shortcomings") or [],
            "improvements": d.get("improvements"),
        }
        await w.execute(
            f"UPDATE {self.table('review_participants')} SET talk = $2, talk_at = $3, "
            "updated_at = $3 WHERE appraisal_id = $1",
            e.originator_id,
            as_json(talk),
            e.timestamp,
        )
        await self._history(w, e, row["cycle_id"], row["person_id"])

    async def on_TalkAcknowledged(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        row = await self._participant(w, e.originator_id)
        await w.execute(
            f"UPDATE {self.table('review_participants')} SET acknowledged_at = $2, "
            "acknowledgement = $3, updated_at = $2 WHERE appraisal_id = $1",
            e.originator_id,
            e.timestamp,
            e.data.get("comment"),
        )
        await self._history(w, e, row["cycle_id"], row["person_id"])

    # -- sanctions --

    async def on_SanctionRecorded(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.create(
            w,
            "review_sanctions",
            e,
            person_id=uuid_or_none(d["person_id"]),
            kind=d["kind"],
            decided_on=date_or_none(d["decided_on"]),
            ends_on=date_or_none(d["ends_on"]),
            document=d["document"],
            **recorded(e),
        )
