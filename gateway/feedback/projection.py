"""The feedback read model: each unit's feedback policy, the quarters' satisfaction surveys (their
departments, responses and fixed results), praise, and complaints with their handling history.

A complaint's complainant is projected as recorded; who may read it is the GraphQL layer's rule.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateway.log import FEEDBACK_LOG, LogEvent, as_json, date_or_none, uuid_or_none
from gateway.projections.writer import ProjectionWriter

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS {schema}.feedback_policies (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL UNIQUE, handling_days int NOT NULL,
    scale_low numeric NOT NULL, scale_high numeric NOT NULL, updated_at timestamptz NOT NULL,
    version bigint NOT NULL, position bigint NOT NULL);
CREATE TABLE IF NOT EXISTS {schema}.surveys (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, quarter text NOT NULL, unit_name text NOT NULL,
    status text NOT NULL, scale_low numeric NOT NULL, scale_high numeric NOT NULL,
    opened_at timestamptz NOT NULL, closed_at timestamptz, rule text,
    updated_at timestamptz NOT NULL, version bigint NOT NULL, position bigint NOT NULL);
CREATE INDEX IF NOT EXISTS surveys_unit ON {schema}.surveys (unit_id, quarter);
CREATE TABLE IF NOT EXISTS {schema}.survey_departments (
    survey_id uuid NOT NULL, department_id uuid NOT NULL, name text NOT NULL, ordinal int NOT NULL,
    PRIMARY KEY (survey_id, department_id));
CREATE TABLE IF NOT EXISTS {schema}.survey_responses (
    response_id uuid PRIMARY KEY, survey_id uuid NOT NULL, respondent_agency text NOT NULL,
    respondent text, scores jsonb NOT NULL, comment text, source text NOT NULL,
    recorded_by uuid, recorded_at timestamptz NOT NULL, position bigint NOT NULL,
    ordinal int NOT NULL);
CREATE INDEX IF NOT EXISTS survey_responses_survey
    ON {schema}.survey_responses (survey_id, position, ordinal);
CREATE TABLE IF NOT EXISTS {schema}.survey_results (
    survey_id uuid NOT NULL, department_id uuid NOT NULL, name text NOT NULL, count int NOT NULL,
    mean numeric, distribution jsonb NOT NULL, ordinal int NOT NULL,
    PRIMARY KEY (survey_id, department_id));
CREATE TABLE IF NOT EXISTS {schema}.praise (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, target_kind text NOT NULL, target_id uuid NOT NULL,
    department_id uuid, source text NOT NULL, what_happened text NOT NULL,
    occurred_on date NOT NULL, quarter text NOT NULL, recorded_by uuid,
    recorded_at timestamptz NOT NULL, position bigint NOT NULL);
CREATE INDEX IF NOT EXISTS praise_unit ON {schema}.praise (unit_id, quarter);
CREATE INDEX IF NOT EXISTS praise_target ON {schema}.praise (target_id);
CREATE TABLE IF NOT EXISTS {schema}.complaints (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, status text NOT NULL, target_kind text NOT NULL,
    target_id uuid NOT NULL, department_id uuid, filed_by text NOT NULL, anonymous bool NOT NULL,
    complainant_name text, complainant_agency text, complainant_contact text,
    content text NOT NULL, received_on date NOT NULL, deadline_on date NOT NULL,
    deadline_provisional bool NOT NULL, quarter text NOT NULL, handler_id uuid, response text,
    responded_by uuid, responded_at timestamptz, resolved_on date, satisfaction text, late bool,
    resolution_note text, overdue bool NOT NULL DEFAULT false, overdue_on date,
    dismissed_reason text, dismissed_on date, filed_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL, version bigint NOT NULL, position bigint NOT NULL);
CREATE INDEX IF NOT EXISTS complaints_unit
    ON {schema}.complaints (unit_id, received_on DESC, id DESC);
CREATE INDEX IF NOT EXISTS complaints_quarter ON {schema}.complaints (unit_id, quarter);
CREATE INDEX IF NOT EXISTS complaints_target ON {schema}.complaints (target_id);
CREATE TABLE IF NOT EXISTS {schema}.complaint_history (
    position bigint PRIMARY KEY, complaint_id uuid NOT NULL, event text NOT NULL,
    actor_id uuid, actor_role text, text text, handler_id uuid, satisfaction text, on_date date,
    at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS complaint_history_complaint
    ON {schema}.complaint_history (complaint_id, position);
"""

COMPLAINT_EVENTS = frozenset(
    {
        "ComplaintFiled",
        "ComplaintAssigned",
        "ComplaintResponded",
        "ComplaintResolved",
        "ComplaintDismissed",
        "ComplaintBecameOverdue",
    }
)
SURVEY_EVENTS = frozenset({"SurveyOpened", "ResponsesRecorded", "SurveyClosed"})
# An anonymous complaint's seal and its openings: versions of the complaint, not its history.
SEAL_EVENTS = frozenset({"ComplaintFilerSealed", "ComplaintFilerDisclosed"})
# The free text each complaint event carries, by event.
TEXT_OF = {
    "ComplaintFiled": "content",
    "ComplaintResponded": "response",
    "ComplaintResolved": "note",
    "ComplaintDismissed": "reason",
}
# The date each complaint event is about, by event.
DATE_OF = {
    "ComplaintFiled": "received_on",
    "ComplaintResolved": "resolved_on",
    "ComplaintDismissed": "dismissed_on",
    "ComplaintBecameOverdue": "detected_on",
}


def _decimal(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


class FeedbackProjection:
    """Applies feedback events to the feedback read tables (inside the runner's transaction)."""

    log = FEEDBACK_LOG
    tables: tuple[str, ...] = (
        "feedback_policies",
        "surveys",
        "survey_departments",
        "survey_responses",
        "survey_results",
        "praise",
        "complaints",
        "complaint_history",
    )

    def __init__(self, schema: str) -> None:
        self.schema = schema

    def ddl(self) -> str:
        """The tables this projection owns."""
        return SCHEMA_SQL.format(schema=self.schema)

    def table(self, name: str) -> str:
        """A read table of this projection."""
        return f"{self.schema}.{name}"

    async def apply(self, w: ProjectionWriter, event: LogEvent) -> None:
        """Project one event."""
        handler = getattr(self, f"on_{event.name}", None)
        if handler is not None:
            await handler(w, event)
        if event.name in COMPLAINT_EVENTS:
            await self._record_history(w, event)
            await self._touch(w, "complaints", event)
        elif event.name in SURVEY_EVENTS:
            await self._touch(w, "surveys", event)
        elif event.name in SEAL_EVENTS:
            await self._touch(w, "complaints", event)

    async def _touch(self, w: ProjectionWriter, table: str, e: LogEvent) -> None:
        await w.stamp(
            f"UPDATE {self.table(table)} SET version = $2, position = $3, updated_at = $4 "
            "WHERE id = $1",
            e.originator_id,
            e.originator_id,
            e.originator_version,
            e.position,
            e.timestamp,
        )

    # -- the unit's policy --

    async def on_PolicySet(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await w.insert(
            f"INSERT INTO {self.table('feedback_policies')} (id, unit_id, handling_days, "
            "scale_low, scale_high, updated_at, version, position) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
            e.originator_id,
            uuid_or_none(d["unit_id"]),
            int(d["handling_days"]),
            _decimal(d["scale_low"]),
            _decimal(d["scale_high"]),
            e.timestamp,
            e.originator_version,
            e.position,
        )

    async def on_PolicyChanged(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await w.execute(
            f"UPDATE {self.table('feedback_policies')} SET handling_days = $2, scale_low = $3, "
            "scale_high = $4, updated_at = $5, version = $6, position = $7 WHERE id = $1",
            e.originator_id,
            int(d["handling_days"]),
            _decimal(d["scale_low"]),
            _decimal(d["scale_high"]),
            e.timestamp,
            e.originator_version,
            e.position,
        )

    # -- surveys --

    async def on_SurveyOpened(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await w.insert(
            f"INSERT INTO {self.table('surveys')} (id, unit_id, quarter, unit_name, status, "
            "scale_low, scale_high, opened_at, updated_at, version, position) "
            "VALUES ($1, $2, $3, $4, 'OPEN', $5, $6, $7, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
            e.originator_id,
            uuid_or_none(d["unit_id"]),
            d["quarter"],
            d["unit_name"],
            _decimal(d["scale_low"]),
            _decimal(d["scale_high"]),
            e.timestamp,
            e.originator_version,
            e.position,
        )
        await w.executemany(
            f"INSERT INTO {self.table('survey_departments')} "
            "(survey_id, department_id, name, ordinal) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (survey_id, department_id) DO NOTHING",
            [
                (e.originator_id, uuid_or_none(dept["department_id"]), dept["name"], ordinal)
                for ordinal, dept in enumerate(d["departments"])
            ],
        )

    async def on_ResponsesRecorded(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await w.executemany(
            f"INSERT INTO {self.table('survey_responses')} (response_id, survey_id, "
            "respondent_agency, respondent, scores, comment, source, recorded_by, recorded_at, "
            "position, ordinal) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11) "
            "ON CONFLICT (response_id) DO NOTHING",
            [
                (
                    uuid_or_none(r["response_id"]),
                    e.originator_id,
                    r["respondent_agency"],
                    r.get("respondent"),
                    as_json(r["scores"]),
                    r.get("comment"),
                    d["source"],
                    uuid_or_none(e.meta.get("actor_id")),
                    e.timestamp,
                    e.position,
                    ordinal,
                )
                for ordinal, r in enumerate(d["responses"])
            ],
        )

    async def on_SurveyClosed(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await w.execute(
            f"UPDATE {self.table('surveys')} SET status = 'CLOSED', closed_at = $2, rule = $3 "
            "WHERE id = $1",
            e.originator_id,
            e.timestamp,
            d.get("rule"),
        )
        await w.executemany(
            f"INSERT INTO {self.table('survey_results')} (survey_id, department_id, name, count, "
            "mean, distribution, ordinal) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) "
            "ON CONFLICT (survey_id, department_id) DO NOTHING",
            [
                (
                    e.originator_id,
                    uuid_or_none(r["department_id"]),
                    r["name"],
                    int(r["count"]),
                    _decimal(r.get("mean")),
                    as_json(r.get("distribution") or []),
                    ordinal,
                )
                for ordinal, r in enumerate(d["results"])
            ],
        )

    # -- praise --

    async def on_PraiseRecorded(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await w.insert(
            f"INSERT INTO {self.table('praise')} (id, unit_id, target_kind, target_id, "
            "department_id, source, what_happened, occurred_on, quarter, recorded_by, "
            "recorded_at, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
            "ON CONFLICT (id) DO NOTHING",
            e.originator_id,
            uuid_or_none(d["unit_id"]),
            d["target_kind"],
            uuid_or_none(d["target_id"]),
            uuid_or_none(d.get("department_id")),
            d["source"],
            d["what_happened"],
            date_or_none(d["occurred_on"]),
            d["quarter"],
            uuid_or_none(e.meta.get("actor_id")),
            e.timestamp,
            e.position,
        )

    # -- complaints --

    async def on_ComplaintFiled(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        complainant = d.get("complainant") or {}
        await w.insert(
            f"INSERT INTO {self.table('complaints')} (id, unit_id, status, target_kind, target_id, "
            "department_id, filed_by, anonymous, complainant_name, complainant_agency, "
            "complainant_contact, content, received_on, deadline_on, deadline_provisional, "
            "quarter, filed_at, updated_at, version, position) "
            "VALUES ($1, $2, 'FILED', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
            "$16, $16, $17, $18) ON CONFLICT (id) DO NOTHING",
            e.originator_id,
            uuid_or_none(d["unit_id"]),
            d["target_kind"],
            uuid_or_none(d["target_id"]),
            uuid_or_none(d.get("department_id")),
            d["filed_by"],
            bool(d["anonymous"]),
            complainant.get("name"),
            complainant.get("agency"),
            complainant.get("contact"),
            d["content"],
            date_or_none(d["received_on"]),
            date_or_none(d["deadline_on"]),
            bool(d["deadline_provisional"]),
            d["quarter"],
            e.timestamp,
            e.originator_version,
            e.position,
        )

    async def on_ComplaintAssigned(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await w.execute(
            f"UPDATE {self.table('complaints')} SET status = 'ASSIGNED', handler_id = $2 "
            "WHERE id = $1",
            e.originator_id,
            uuid_or_none(e.data["handler_id"]),
        )

    async def on_ComplaintResponded(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await w.execute(
            f"UPDATE {self.table('complaints')} SET status = 'RESPONDED', response = $2, "
            "responded_by = $3, responded_at = $4 WHERE id = $1",
            e.originator_id,
            e.data["response"],
            uuid_or_none(e.meta.get("actor_id")),
            e.timestamp,
        )

    async def on_ComplaintResolved(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await w.execute(
            f"UPDATE {self.table('complaints')} SET status = 'RESOLVED', satisfaction = $2, "
            "resolved_on = $3, late = $4, resolution_note = $5 WHERE id = $1",
            e.originator_id,
            d["satisfaction"],
            date_or_none(d["resolved_on"]),
            bool(d["late"]),
            d.get("note"),
        )

    async def on_ComplaintDismissed(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await w.execute(
            f"UPDATE {self.table('complaints')} SET status = 'DISMISSED', dismissed_reason = $2, "
            "dismissed_on = $3 WHERE id = $1",
            e.originator_id,
            d["reason"],
            date_or_none(d["dismissed_on"]),
        )

    async def on_ComplaintBecameOverdue(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await w.execute(
            f"UPDATE {self.table('complaints')} SET overdue = true, "
            "overdue_on = COALESCE(overdue_on, $2) WHERE id = $1",
            e.originator_id,
            date_or_none(e.data["detected_on"]),
        )

    async def _record_history(self, w: ProjectionWriter, e: LogEvent) -> None:
        d = e.data
        text_field, date_field = TEXT_OF.get(e.name), DATE_OF.get(e.name)
        await w.insert(
            f"INSERT INTO {self.table('complaint_history')} (position, complaint_id, event, "
            "actor_id, actor_role, text, handler_id, satisfaction, on_date, at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (position) DO NOTHING",
            e.position,
            e.originator_id,
            e.name,
            uuid_or_none(e.meta.get("actor_id")),
            e.meta.get("actor_role"),
            d.get(text_field) if text_field else None,
            uuid_or_none(d.get("handler_id")),
            d.get("satisfaction"),
            date_or_none(d.get(date_field)) if date_field else None,
            e.timestamp,
        )
