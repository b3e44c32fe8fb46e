"""The goals read model: goal sets with their items, approved versions, history and pending
revisions; reference goals, monthly summaries (月小结) and weekly reports, each with its versions.

An approved version is in force from its `approved_at` (the event's timestamp) until the next
one's, so the version in force at any instant is the latest approved at or before it.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from gateway.log import GOALS_LOG, LogEvent, as_json, uuid_or_none
from gateway.projections.readmodel import ReadModel, Revisions, actor, versioned
from gateway.projections.writer import ProjectionWriter

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS {schema}.goal_sets (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, person_id uuid NOT NULL, department_id uuid,
    period text NOT NULL, status text NOT NULL, version bigint NOT NULL,
    current_version_number int, drafted_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL, position bigint NOT NULL);
CREATE INDEX IF NOT EXISTS goal_sets_unit ON {schema}.goal_sets (unit_id, period DESC, id DESC);
CREATE INDEX IF NOT EXISTS goal_sets_person ON {schema}.goal_sets (person_id, period);
CREATE INDEX IF NOT EXISTS goal_sets_status ON {schema}.goal_sets (unit_id, status);
CREATE TABLE IF NOT EXISTS {schema}.goal_set_items (
    goal_set_id uuid NOT NULL, item_id text NOT NULL, ordinal int, what text NOT NULL,
    measure text NOT NULL, due_on date NOT NULL, weight int, serves jsonb NOT NULL,
    status text NOT NULL DEFAULT 'ACTIVE', percent int NOT NULL DEFAULT 0, note text,
    updated_at timestamptz NOT NULL, PRIMARY KEY (goal_set_id, item_id));
CREATE TABLE IF NOT EXISTS {schema}.goal_set_versions (
    goal_set_id uuid NOT NULL, version_number int NOT NULL, items jsonb NOT NULL,
    approved_by uuid NOT NULL, relation text NOT NULL, comment text,
    approved_at timestamptz NOT NULL, position bigint NOT NULL,
    PRIMARY KEY (goal_set_id, version_number));
CREATE TABLE IF NOT EXISTS {schema}.goal_set_history (
    position bigint PRIMARY KEY, goal_set_id uuid NOT NULL, event text NOT NULL,
    actor_id uuid, actor_role text, relation text, text text, item_id text, percent int,
    version_number int, at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS goal_history_set ON {schema}.goal_set_history (goal_set_id, position);
CREATE TABLE IF NOT EXISTS {schema}.goal_proposals (
    goal_set_id uuid PRIMARY KEY, items jsonb NOT NULL, reason text NOT NULL,
    proposed_by uuid, proposed_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS {schema}.reference_goals (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, kind text NOT NULL, department_id uuid,
    period text NOT NULL, title text NOT NULL, revision int NOT NULL, items jsonb NOT NULL,
    published_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
    version bigint NOT NULL, position bigint NOT NULL);
CREATE INDEX IF NOT EXISTS reference_goals_unit ON {schema}.reference_goals (unit_id, period);
CREATE TABLE IF NOT EXISTS {schema}.reference_goal_revisions (
    reference_id uuid NOT NULL, revision int NOT NULL, title text NOT NULL, items jsonb NOT NULL,
    reason text, actor_id uuid, published_at timestamptz NOT NULL,
    PRIMARY KEY (reference_id, revision));
CREATE TABLE IF NOT EXISTS {schema}.monthly_summaries (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, person_id uuid NOT NULL, department_id uuid,
    month text NOT NULL, version bigint NOT NULL, text text NOT NULL,
    submitted_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, position bigint NOT NULL);
CREATE INDEX IF NOT EXISTS monthly_summaries_unit ON {schema}.monthly_summaries (unit_id, month);
CREATE TABLE IF NOT EXISTS {schema}.monthly_summary_versions (
    summary_id uuid NOT NULL, version int NOT NULL, text text NOT NULL, reason text,
    actor_id uuid, at timestamptz NOT NULL, PRIMARY KEY (summary_id, version));
CREATE TABLE IF NOT EXISTS {schema}.weekly_reports (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, department_id uuid NOT NULL, week text NOT NULL,
    department_name text, entries jsonb NOT NULL, free_text text NOT NULL, status text NOT NULL,
    compiled_at timestamptz NOT NULL, published_at timestamptz, updated_at timestamptz NOT NULL,
    version bigint NOT NULL, position bigint NOT NULL);
CREATE INDEX IF NOT EXISTS weekly_reports_unit ON {schema}.weekly_reports (unit_id, week);
"""

GOAL_SET_EVENTS = frozenset(
    {
        "Drafted",
        "Edited",
        "Submitted",
        "Returned",
        "Approved",
        "RevisionProposed",
        "RevisionApproved",
        "RevisionRejected",
        "ProgressRecorded",
        "ItemCompleted",
        "ItemDropped",
    }
)
# The free text each goal set event carries, by event: comments, reasons and notes.
TEXT_OF = {
    "Approved": "comment",
    "RevisionApproved": "comment",
    "Returned": "comments",
    "RevisionProposed": "reason",
    "RevisionRejected": "reason",
    "ProgressRecorded": "note",
    "ItemCompleted": "note",
    "ItemDropped": "reason",
}

REFERENCE_REVISIONS = Revisions(
    "reference_goal_revisions", "reference_id", "revision", "published_at"
)
SUMMARY_VERSIONS = Revisions("monthly_summary_versions", "summary_id", "version", "at")


class GoalsProjection(ReadModel):
    """Applies goals events to the goals read tables (inside the runner's transaction)."""

    log = GOALS_LOG
    schema_sql = SCHEMA_SQL

    versions = dict.fromkeys(GOAL_SET_EVENTS, "goal_sets")
    histories = GOAL_SET_EVENTS

    # -- goal sets --

    async def on_Drafted(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.create(
            w,
            "goal_sets",
            e,
            **_whose(d),
            period=d["period"],
            status="DRAFT",
            drafted_at=e.timestamp,
            **versioned(e),
        )
        await self._replace_items(w, e.originator_id, d["items"], e.timestamp)

    async def on_Edited(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self._replace_items(w, e.originator_id, e.data["items"], e.timestamp)

    async def on_Submitted(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self._set_status(w, e.originator_id, "SUBMITTED")

    async def on_Returned(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self._set_status(w, e.originator_id, "RETURNED")

    async def on_Approved(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        # The version approved is the items as submitted: the goal set's current items.
        await w.execute(
            f"INSERT INTO {self.table('goal_set_versions')} (goal_set_id, version_number, items, "
            "approved_by, relation, comment, approved_at, position) "
            "SELECT $1, $2, COALESCE(jsonb_agg(jsonb_build_object('item_id', item_id, "
            "'what', what, 'measure', measure, 'due_on', due_on, 'weight', weight, "
            "'serves', serves) ORDER BY ordinal), '[]'::jsonb), $3, $4, $5, $6, $7 "
            f"FROM {self.table('goal_set_items')} WHERE goal_set_id = $1 AND ordinal IS NOT NULL "
            "ON CONFLICT (goal_set_id, version_number) DO NOTHING",
            e.originator_id,
            int(d["version_number"]),
            uuid_or_none(d["approved_by"]),
            d["relation"],
            d.get("comment"),
            e.timestamp,
            e.position,
        )
        await self._set_status(w, e.originator_id, "APPROVED", int(d["version_number"]))

    async def on_RevisionProposed(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await w.execute(
            f"INSERT INTO {self.table('goal_proposals')} "
            "(goal_set_id, items, reason, proposed_by, proposed_at) "
            "VALUES ($1, $2::jsonb, $3, $4, $5) ON CONFLICT (goal_set_id) DO UPDATE SET "
            "items = EXCLUDED.items, reason = EXCLUDED.reason, "
            "proposed_by = EXCLUDED.proposed_by, proposed_at = EXCLUDED.proposed_at",
            e.originator_id,
            as_json(d["items"]),
            d["reason"],
            actor(e),
            e.timestamp,
        )
        await self._set_status(w, e.originator_id, "REVISION_PROPOSED")

    async def on_RevisionApproved(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        items = await w.fetchval(
            f"DELETE FROM {self.table('goal_proposals')} WHERE goal_set_id = $1 RETURNING items",
            e.originator_id,
        )
        if items is not None:  # projected once already when there is no proposal left
            await self.insert(
                w,
                "goal_set_versions",
                conflict="goal_set_id, version_number",
                goal_set_id=e.originator_id,
                version_number=int(d["version_number"]),
                items=items,
                approved_by=uuid_or_none(d["approved_by"]),
                relation=d["relation"],
                comment=d.get("comment"),
                approved_at=e.timestamp,
                position=e.position,
            )
            await self._replace_items(w, e.originator_id, json.loads(items), e.timestamp)
        await self._set_status(w, e.originator_id, "APPROVED", int(d["version_number"]))

    async def on_RevisionRejected(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await w.execute(
            f"DELETE FROM {self.table('goal_proposals')} WHERE goal_set_id = $1", e.originator_id
        )
        await self._set_status(w, e.originator_id, "APPROVED")

    async def on_ProgressRecorded(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self._progress(w, e, None, int(e.data["percent"]), e.data.get("note"))

    async def on_ItemCompleted(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self._progress(w, e, "COMPLETED", 100, e.data.get("note"))

    async def on_ItemDropped(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self._progress(w, e, "DROPPED", None, e.data.get("reason"))

    async def _progress(
        self,
        w: ProjectionWriter,
        e: LogEvent,
        status: str | None,
        percent: int | None,
        note: str | None,
    ) -> None:
        await w.execute(
            f"UPDATE {self.table('goal_set_items')} SET status = COALESCE($3, status), "
            "percent = COALESCE($4, percent), note = $5, updated_at = $6 "
            "WHERE goal_set_id = $1 AND item_id = $2",
            e.originator_id,
            str(e.data["item_id"]),
            status,
            percent,
            note,
            e.timestamp,
        )

    async def _set_status(
        self, w: ProjectionWriter, goal_set_id: UUID, status: str, in_force: int | None = None
    ) -> None:
        await w.execute(
            f"UPDATE {self.table('goal_sets')} SET status = $2, "
            "current_version_number = COALESCE($3, current_version_number) WHERE id = $1",
            goal_set_id,
            status,
            in_force,
        )

    async def _replace_items(
        self, w: ProjectionWriter, goal_set_id: UUID, items: list[dict[str, Any]], at: datetime
    ) -> None:
        """Make `items` the current ones. Items keep their progress by id (as the domain does),
        so an item dropped from a version and brought back later keeps what it had.
        """
        await w.execute(
            f"UPDATE {self.table('goal_set_items')} SET ordinal = NULL WHERE goal_set_id = $1",
            goal_set_id,
        )
        await w.executemany(
            f"INSERT INTO {self.table('goal_set_items')} (goal_set_id, item_id, ordinal, what, "
            "measure, due_on, weight, serves, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) "
            "ON CONFLICT (goal_set_id, item_id) DO UPDATE SET ordinal = EXCLUDED.ordinal, "
            "what = EXCLUDED.what, measure = EXCLUDED.measure, due_on = EXCLUDED.due_on, "
            "weight = EXCLUDED.weight, serves = EXCLUDED.serves, updated_at = EXCLUDED.updated_at",
            [
                (
                    goal_set_id,
                    str(item["item_id"]),
                    ordinal,
                    item["what"],
                    item["measure"],
                    date.fromisoformat(str(item["due_on"])),
                    item.get("weight"),
                    as_json(item.get("serves") or []),
                    at,
                )
                for ordinal, item in enumerate(items)
            ],
        )

    async def record_history(self, w: ProjectionWriter, e: LogEvent) -> None:
        d = e.data
        text_field = TEXT_OF.get(e.name)
        await self.history(
            w,
            "goal_set_history",
            e,
            goal_set_id=e.originator_id,
            relation=d.get("relation"),
            text=d.get(text_field) if text_field else None,
            item_id=str(d["item_id"]) if d.get("item_id") else None,
            percent=d.get("percent"),
            version_number=d.get("version_number"),
        )

    # -- reference goals --
    # Every event of a reference document publishes a revision: its revision is its version.

    async def on_Published(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.create(
            w,
            "reference_goals",
            e,
            kind=d["kind"],
            department_id=uuid_or_none(d.get("department_id")),
            period=d["period"],
            published_at=e.timestamp,
            **self._reference(e),
        )
        await self._reference_revision(w, e, None)

    async def on_Revised(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self.change(w, "reference_goals", e, **self._reference(e))
        await self._reference_revision(w, e, e.data.get("reason"))

    @staticmethod
    def _reference(e: LogEvent) -> dict[str, Any]:
        """A reference document as the event publishes it: its revision is its version."""
        return {
            "title": e.data["title"],
            "items": as_json(e.data["items"]),
            "revision": e.originator_version,
            **versioned(e),
        }

    async def _reference_revision(
        self, w: ProjectionWriter, e: LogEvent, reason: str | None
    ) -> None:
        title, items = e.data["title"], as_json(e.data["items"])
        await self.revision(w, REFERENCE_REVISIONS, e, title=title, items=items, reason=reason)

    # -- monthly summaries --
    # Each event of a summary is a version of its text: the version is the event's.

    async def on_SummarySubmitted(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.create(
            w,
            "monthly_summaries",
            e,
            **_whose(d),
            month=d["month"],
            submitted_at=e.timestamp,
            text=d["text"],
            **versioned(e),
        )
        await self._summary_version(w, e, None)

    async def on_SummaryAmended(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self.change(w, "monthly_summaries", e, text=e.data["text"], **versioned(e))
        await self._summary_version(w, e, e.data.get("reason"))

    async def _summary_version(self, w: ProjectionWriter, e: LogEvent, reason: str | None) -> None:
        await self.revision(w, SUMMARY_VERSIONS, e, text=e.data["text"], reason=reason)

    # -- weekly reports --

    async def on_WeeklyReportCompiled(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.create(
            w,
            "weekly_reports",
            e,
            department_id=uuid_or_none(d["department_id"]),
            week=d["week"],
            entries=as_json(d["entries"]),
            free_text=d.get("free_text") or "",
            status="COMPILED",
            compiled_at=e.timestamp,
            **versioned(e),
        )

    async def on_WeeklyReportRecompiled(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self._report(w, e, "COMPILED", published=False)

    async def on_WeeklyReportPublished(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self._report(w, e, "PUBLISHED", published=True)

    async def _report(
        self, w: ProjectionWriter, e: LogEvent, status: str, *, published: bool
    ) -> None:
        d = e.data
        await w.execute(
            f"UPDATE {self.table('weekly_reports')} SET entries = $2::jsonb, free_text = $3, "
            "status = $4, department_name = COALESCE($5, department_name), "
            "compiled_at = CASE WHEN $6 THEN compiled_at ELSE $7 END, "
            "published_at = CASE WHEN $6 THEN $7 ELSE published_at END, "
            "updated_at = $7, version = $8, position = $9 WHERE id = $1",
            e.originator_id,
            as_json(d["entries"]),
            d.get("free_text") or "",
            status,
            d.get("department_name"),
            published,
            e.timestamp,
            e.originator_version,
            e.position,
        )


def _whose(d: dict[str, Any]) -> dict[str, Any]:
    """Whose a goal set or a summary is: the person, and in which department."""
    return {
        "person_id": uuid_or_none(d["person_id"]),
        "department_id": uuid_or_none(d.get("department_id")),
    }
