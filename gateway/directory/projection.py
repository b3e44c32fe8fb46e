"""The org chart read model: units, departments, people and their terms, projected from the
directory log. Terms are half-open date spans [start_on, end_on): whether one is in force is
`services.directory.terms`'s rule, which renders the SQL every reader of these tables uses.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from gateway.log import DIRECTORY_LOG, LogEvent, date_or_none, uuid_or_none
from gateway.projections.readmodel import ReadModel
from gateway.projections.writer import ProjectionWriter
from services.directory.terms import in_force_sql

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS {schema}.units (
    id uuid PRIMARY KEY, name text NOT NULL, code text NOT NULL UNIQUE,
    registered_at timestamptz NOT NULL, version bigint NOT NULL, position bigint NOT NULL);
CREATE TABLE IF NOT EXISTS {schema}.departments (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, name text NOT NULL, category text NOT NULL,
    service_kind text, opened_on date NOT NULL);
CREATE INDEX IF NOT EXISTS departments_unit ON {schema}.departments (unit_id, name);
CREATE TABLE IF NOT EXISTS {schema}.people (
    id uuid PRIMARY KEY, unit_id uuid NOT NULL, name text NOT NULL, login text NOT NULL,
    position_category text NOT NULL, joined_on date NOT NULL, left_on date,
    UNIQUE (unit_id, login));
CREATE TABLE IF NOT EXISTS {schema}.memberships (
    id bigserial PRIMARY KEY, unit_id uuid NOT NULL, person_id uuid NOT NULL,
    department_id uuid NOT NULL, start_on date NOT NULL, end_on date);
CREATE INDEX IF NOT EXISTS memberships_person ON {schema}.memberships (person_id, start_on);
CREATE INDEX IF NOT EXISTS memberships_department ON {schema}.memberships (department_id);
CREATE TABLE IF NOT EXISTS {schema}.department_heads (
    id bigserial PRIMARY KEY, unit_id uuid NOT NULL, department_id uuid NOT NULL,
    person_id uuid NOT NULL, start_on date NOT NULL, end_on date);
CREATE INDEX IF NOT EXISTS heads_department ON {schema}.department_heads (department_id);
CREATE TABLE IF NOT EXISTS {schema}.supervisions (
    id bigserial PRIMARY KEY, unit_id uuid NOT NULL, department_id uuid NOT NULL,
    leader_id uuid NOT NULL, start_on date NOT NULL, end_on date);
CREATE INDEX IF NOT EXISTS supervisions_department ON {schema}.supervisions (department_id);
CREATE TABLE IF NOT EXISTS {schema}.principal_leaders (
    id bigserial PRIMARY KEY, unit_id uuid NOT NULL, person_id uuid NOT NULL,
    start_on date NOT NULL, end_on date);
CREATE TABLE IF NOT EXISTS {schema}.office_roles (
    id bigserial PRIMARY KEY, unit_id uuid NOT NULL, person_id uuid NOT NULL, role text NOT NULL,
    start_on date NOT NULL, end_on date);
"""

TERM_TABLES = (
    "memberships",
    "department_heads",
    "supervisions",
    "principal_leaders",
    "office_roles",
)


def _date(value: Any) -> date:
    return date.fromisoformat(str(value))


class DirectoryProjection(ReadModel):
    """Applies directory events to the org chart tables (inside the runner's transaction)."""

    log = DIRECTORY_LOG
    schema_sql = SCHEMA_SQL

    async def apply(self, w: ProjectionWriter, event: LogEvent) -> None:
        """Project one event."""
        handler = getattr(self, f"on_{event.name}", None)
        unit_id = event.originator_id
        if handler is not None:
            await handler(w, unit_id, event.data, event)
        await self.touch(w, "units", event, at=False)

    async def on_Registered(  # noqa: N802 - named after the event
        self, w: ProjectionWriter, unit_id: UUID, d: dict[str, Any], e: LogEvent
    ) -> None:
        await w.insert(
            f"INSERT INTO {self.schema}.units (id, name, code, registered_at, version, position) "
            "VALUES ($1, $2, $3, $4::text::timestamptz, $5, $6) ON CONFLICT (id) DO NOTHING",
            unit_id,
            d["name"],
            d["code"],
            d["timestamp"],
            e.originator_version,
            e.position,
        )

    async def on_DepartmentOpened(  # noqa: N802
        self, w: ProjectionWriter, unit_id: UUID, d: dict[str, Any], _: LogEvent
    ) -> None:
        await self.insert(
            w,
            "departments",
            id=uuid_or_none(d["department_id"]),
            unit_id=unit_id,
            name=d["name"],
            category=d["category"],
            service_kind=d.get("service_kind"),
            opened_on=_date(d["opened_on"]),
        )

    async def on_PersonJoined(  # noqa: N802
        self, w: ProjectionWriter, unit_id: UUID, d: dict[str, Any], _: LogEvent
    ) -> None:
        person_id = uuid_or_none(d["person_id"])
        joined = _date(d["joined_on"])
        await self.insert(
            w,
            "people",
            id=person_id,
            unit_id=unit_id,
            name=d["name"],
            login=d["login"],
            position_category=d["position_category"],
            joined_on=joined,
        )
        if d.get("department_id"):
            await self._join(w, unit_id, joined, person_id, d["department_id"])

    async def on_PersonMoved(  # noqa: N802
        self, w: ProjectionWriter, unit_id: UUID, d: dict[str, Any], _: LogEvent
    ) -> None:
        person_id = uuid_or_none(d["person_id"])
        on = _date(d["effective_on"])
        await self._end_terms(w, "memberships", on, person_id=person_id)
        if d.get("from_department_id"):
            await self._end_terms(
                w,
                "department_heads",
                on,
                person_id=person_id,
                department_id=uuid_or_none(d["from_department_id"]),
            )
        await self._join(w, unit_id, on, person_id, d["to_department_id"])

    async def on_PersonLeft(  # noqa: N802
        self, w: ProjectionWriter, unit_id: UUID, d: dict[str, Any], _: LogEvent
    ) -> None:
        person_id = uuid_or_none(d["person_id"])
        on = _date(d["effective_on"])
        await w.execute(
            f"UPDATE {self.schema}.people SET left_on = $2 WHERE id = $1",
            person_id,
            on,
        )
        for table in ("memberships", "department_heads", "principal_leaders", "office_roles"):
            await self._end_terms(w, table, on, person_id=person_id)
        await self._end_terms(w, "supervisions", on, leader_id=person_id)

    async def on_DepartmentHeadAppointed(  # noqa: N802
        self, w: ProjectionWriter, _: UUID, d: dict[str, Any], e: LogEvent
    ) -> None:
        await self._succeed(
            w,
            "department_heads",
            e,
            {"department_id": uuid_or_none(d["department_id"])},
            person_id=uuid_or_none(d["person_id"]),
        )

    async def on_SupervisingLeaderAssigned(  # noqa: N802
        self, w: ProjectionWriter, _: UUID, d: dict[str, Any], e: LogEvent
    ) -> None:
        for department in d["department_ids"]:
            await self._succeed(
                w,
                "supervisions",
                e,
                {"department_id": uuid_or_none(department)},
                leader_id=uuid_or_none(d["leader_id"]),
            )

    async def on_PrincipalLeaderAppointed(  # noqa: N802
        self, w: ProjectionWriter, _: UUID, d: dict[str, Any], e: LogEvent
    ) -> None:
        await self._succeed(w, "principal_leaders", e, {}, person_id=uuid_or_none(d["person_id"]))

    async def on_OfficeRoleGranted(  # noqa: N802
        self, w: ProjectionWriter, unit_id: UUID, d: dict[str, Any], _: LogEvent
    ) -> None:
        await self._open_term(
            w,
            "office_roles",
            unit_id,
            _date(d["effective_on"]),
            person_id=uuid_or_none(d["person_id"]),
            role=d["role"],
            end_on=date_or_none(d.get("ends_on")),
        )

    async def on_OfficeRoleRevoked(  # noqa: N802
        self, w: ProjectionWriter, unit_id: UUID, d: dict[str, Any], _: LogEvent
    ) -> None:
        await self._end_terms(
            w,
            "office_roles",
            _date(d["effective_on"]),
            person_id=uuid_or_none(d["person_id"]),
            role=d["role"],
        )

    async def _succeed(
        self, w: ProjectionWriter, table: str, e: LogEvent, office: dict[str, Any], **holder: Any
    ) -> None:
        """An appointment to an office that one holds at a time (`office` keys it; {}: the
        unit's own): the terms in force end on the day the new one starts.
        """
        unit_id, d = e.originator_id, e.data
        on = _date(d["effective_on"])
        await self._end_terms(w, table, on, **(office or {"unit_id": unit_id}))
        await self._open_term(
            w, table, unit_id, on, **office, **holder, end_on=date_or_none(d.get("ends_on"))
        )

    async def _join(
        self, w: ProjectionWriter, unit_id: UUID, on: date, person_id: UUID | None, to: Any
    ) -> None:
        """The person's membership of department `to` (an id from the log) from `on`."""
        await self._open_term(
            w, "memberships", unit_id, on, person_id=person_id, department_id=uuid_or_none(to)
        )

    async def _open_term(
        self, w: ProjectionWriter, table: str, unit_id: UUID, start: date, **keys: Any
    ) -> None:
        await self.insert(w, table, conflict=None, unit_id=unit_id, start_on=start, **keys)

    async def _end_terms(self, w: ProjectionWriter, table: str, end: date, **keys: Any) -> None:
        where = " AND ".join(f"{k} = ${i}" for i, k in enumerate(keys, start=2))
        await w.execute(
            # As the domain's `end_open`: every term in force on the date ends on it.
            f"UPDATE {self.schema}.{table} SET end_on = $1 "
            f"WHERE {in_force_sql(None, '$1')} AND {where}",
            end,
            *keys.values(),
        )
