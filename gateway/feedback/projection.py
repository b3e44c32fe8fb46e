"""The feedback read model: each unit's feedback policy, the quarters' satisfaction surveys (their
departments, responses and fixed results), praise, and complaints with their handling history.

A complaint's complainant is projected as recorded; who may read it is the GraphQL layer's rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from gateway.log import FEEDBACK_LOG, LogEvent, as_json, date_or_none, uuid_or_none
from gateway.projections.readmodel import ReadModel, actor, recorded, versioned
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


class FeedbackProjection(ReadModel):
    """Applies feedback events to the feedback read tables (inside the runner's transaction)."""

    log = FEEDBACK_LOG
    schema_sql = SCHEMA_SQL

    versions: ClassVar[Mapping[str, str]] = {
        **dict.fromkeys(COMPLAINT_EVENTS | SEAL_EVENTS, "complaints"),
        **dict.fromkeys(SURVEY_EVENTS, "surveys"),
    }
    histories = COMPLAINT_EVENTS

    # -- the unit's policy --

    async def on_PolicySet(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self.create(
            w,
            "feedback_policies",
            e,
            **_policy(e),
        )

    async def on_PolicyChanged(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self.change(w, "feedback_policies", e, **_policy(e))

    # -- surveys --

    async def on_SurveyOpened(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.create(
            w,
            "surveys",
            e,
            quarter=d["quarter"],
            unit_name=d["unit_name"],
            status="OPEN",
            scale_low=_decimal(d["scale_low"]),
            scale_high=_decimal(d["scale_high"]),
            opened_at=e.timestamp,
            **versioned(e),
        )
        await self.insert_list(
            w,
            "survey_departments",
            "survey_id, department_id",
            [_department(e, dept) for dept in d["departments"]],
        )

    async def on_ResponsesRecorded(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.insert_list(
            w,
            "survey_responses",
            "response_id",
            [
                {
                    "response_id": uuid_or_none(r["response_id"]),
                    "survey_id": e.originator_id,
                    "respondent_agency": r["respondent_agency"],
                    "respondent": r.get("respondent"),
                    "scores": as_json(r["scores"]),
                    "comment": r.get("comment"),
                    "source": d["source"],
                    **recorded(e),
                }
                for r in d["responses"]
            ],
        )

    async def on_SurveyClosed(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.change(
            w,
            "surveys",
            e,
            status="CLOSED",
            closed_at=e.timestamp,
            rule=d.get("rule"),
        )
        await self.insert_list(
            w,
            "survey_results",
            "survey_id, department_id",
            [
                {
                    **_department(e, r),
                    "count": int(r["count"]),
                    "mean": _decimal(r.get("mean")),
                    "distribution": as_json(r.get("distribution") or []),
                }
                for r in d["results"]
            ],
        )

    # -- praise --

    async def on_PraiseRecorded(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.create(
            w,
            "praise",
            e,
            **_target(d),
            source=d["source"],
            what_happened=d["what_happened"],
            occurred_on=date_or_none(d["occurred_on"]),
            quarter=d["quarter"],
            **recorded(e),
        )

    # -- complaints --

    async def on_ComplaintFiled(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        complainant = d.get("complainant") or {}
        await self.create(
            w,
            "complaints",
            e,
            status="FILED",
            **_target(d),
            filed_by=d["filed_by"],
            anonymous=bool(d["anonymous"]),
            complainant_name=complainant.get("name"),
            complainant_agency=complainant.get("agency"),
            complainant_contact=complainant.get("contact"),
            content=d["content"],
            received_on=date_or_none(d["received_on"]),
            deadline_on=date_or_none(d["deadline_on"]),
            deadline_provisional=bool(d["deadline_provisional"]),
            quarter=d["quarter"],
            filed_at=e.timestamp,
            **versioned(e),
        )

    async def on_ComplaintAssigned(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self.change(
            w, "complaints", e, status="ASSIGNED", handler_id=uuid_or_none(e.data["handler_id"])
        )

    async def on_ComplaintResponded(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await self.change(
            w,
            "complaints",
            e,
            status="RESPONDED",
            response=e.data["response"],
            responded_by=actor(e),
            responded_at=e.timestamp,
        )

    async def on_ComplaintResolved(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.change(
            w,
            "complaints",
            e,
            status="RESOLVED",
            satisfaction=d["satisfaction"],
            resolved_on=date_or_none(d["resolved_on"]),
            late=bool(d["late"]),
            resolution_note=d.get("note"),
        )

    async def on_ComplaintDismissed(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        d = e.data
        await self.change(
            w,
            "complaints",
            e,
            status="DISMISSED",
            dismissed_reason=d["reason"],
            dismissed_on=date_or_none(d["dismissed_on"]),
        )

    async def on_ComplaintBecameOverdue(self, w: ProjectionWriter, e: LogEvent) -> None:  # noqa: N802
        await w.execute(
            f"UPDATE {self.table('complaints')} SET overdue = true, "
            "overdue_on = COALESCE(overdue_on, $2) WHERE id = $1",
            e.originator_id,
            date_or_none(e.data["detected_on"]),
        )

    async def record_history(self, w: ProjectionWriter, e: LogEvent) -> None:
        d = e.data
        text_field, date_field = TEXT_OF.get(e.name), DATE_OF.get(e.name)
        await self.history(
            w,
            "complaint_history",
            e,
            complaint_id=e.originator_id,
            text=d.get(text_field) if text_field else None,
            handler_id=uuid_or_none(d.get("handler_id")),
            satisfaction=d.get("satisfaction"),
            on_date=date_or_none(d.get(date_field)) if date_field else None,
        )


def _policy(e: LogEvent) -> dict[str, Any]:
    """A policy's settings as the event sets them, with the policy's new version."""
    d = e.data
    return {
        "handling_days": int(d["handling_days"]),
        "scale_low": _decimal(d["scale_low"]),
        "scale_high": _decimal(d["scale_high"]),
        **versioned(e),
    }


def _target(d: dict[str, Any]) -> dict[str, Any]:
    """Whom praise or a complaint is about, and in which department."""
    return {
        "target_kind": d["target_kind"],
        "target_id": uuid_or_none(d["target_id"]),
        "department_id": uuid_or_none(d.get("department_id")),
    }


def _department(e: LogEvent, d: dict[str, Any]) -> dict[str, Any]:
    """A department of the survey the event is about, as a survey's per-department rows name it."""
    return {
        "survey_id": e.originator_id,
        "department_id": uuid_or_none(d["department_id"]),
        "name": d["name"],
    }
