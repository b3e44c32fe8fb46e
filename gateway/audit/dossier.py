"""The dossier (考核档案): for a person and a quarter, every event that shaped their result,
across all service logs, in trail order: how the grade came to be.

Attribution (which events belong to a person's quarter) is decided per service:
- goals: every event of the person's goal set for the quarter and for its year, and of their
  monthly summaries (月小结) for the quarter's months; the streams are found through the read
  tables that know each stream's subject (goal_sets, monthly_summaries).
- feedback: every event of the praise and complaints of the quarter about the person, or about a
  department the person belonged to during the quarter; and of that quarter's satisfaction
  survey when it covered one of those departments (read tables praise, complaints, surveys).
- directory: the unit is one stream, so its events are chosen by payload: those naming the
  person (`person_id`, `leader_id`) or one of their quarter's departments, plus the appointment
  of principal leaders (who approve the final grades), all effective by the quarter's end.
- reviews: the quarter's cycle of the person's unit (its configuration, grades, publication,
  objections) when the person takes part in it, the person's appraisal (summary, ratings,
  talk), and the sanctions recorded against the person (read tables review_participants,
  review_sanctions).
- any other service log in `SERVICES`: every event of the streams in which some event names the
  person (`person_id`, `appraisee_id`, `subject_id`, `target_id`) together with the quarter or
  its year (`period`, `quarter`, `cycle`), until it brings a rule of its own to `RULES`.
- every service: the events the read side quarantined (could not apply) that name the person
  (their stored bytes hold the person's id; decoded, with the quarter, its year or one of its
  months, or no period at all): such an event's record may be missing from the read tables the
  rules above start from, and it is evidence all the same.
Events are read defensively: one whose bytes do not decode is shown as such (see
`gateway.audit.trail`), never a reason for the dossier to fail.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from gateway.audit.trail import Db, TrailEvent, log_exists, trail_event
from gateway.log import decode_state
from services.directory.terms import overlaps_sql

PERSON_KEYS = ("person_id", "leader_id")
DEPARTMENT_KEYS = ("department_id", "from_department_id", "to_department_id")
EFFECTIVE_KEYS = ("effective_on", "joined_on", "opened_on")
GENERIC_SUBJECT_KEYS = ("person_id", "appraisee_id", "subject_id", "target_id")
GENERIC_PERIOD_KEYS = ("period", "quarter", "cycle")
QUARANTINED_PERIOD_KEYS = (*GENERIC_PERIOD_KEYS, "month")


@dataclasses.dataclass(frozen=True)
class Quarter:
    """A quarter like `2026-Q3`, with its span of days."""

    code: str

    @classmethod
    def parse(cls, value: str) -> Quarter:
        """A quarter from its code; anything else is a ValueError naming the rule."""
        year, sep, q = value.partition("-Q")
        if not (sep and year.isdigit() and len(year) == 4 and q in {"1", "2", "3", "4"}):
            raise ValueError(f"quarter: {value!r} is not a quarter like 2026-Q3")
        return cls(value)

    @property
    def year(self) -> int:
        """The calendar year."""
        return int(self.code[:4])

    @property
    def number(self) -> int:
        """1 to 4."""
        return int(self.code[-1])

    @property
    def start(self) -> date:
        """Its first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """Its last day."""
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def months(self) -> list[str]:
        """Its months as `YYYY-MM`."""
        first = 3 * self.number - 2
        return [f"{self.year}-{m:02d}" for m in range(first, first + 3)]


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def directory_reason(
    event_type: str, data: dict[str, Any], person: UUID, departments: set[UUID], quarter: Quarter
) -> str | None:
    """Why a directory event concerns the person's quarter, or None if it does not."""
    effective = _date(next((data[k] for k in EFFECTIVE_KEYS if data.get(k)), None))
    if effective is not None and effective > quarter.end:
        return None
    if any(_uuid(data.get(k)) == person for k in PERSON_KEYS):
        return "org change naming the person"
    named = {_uuid(data.get(k)) for k in DEPARTMENT_KEYS}
    listed = data.get("department_ids")
    named |= {_uuid(d) for d in listed if isinstance(d, str)} if isinstance(listed, list) else set()
    if named & departments:
        return "org change of the person's department"
    if event_type == "PrincipalLeaderAppointed":
        return "principal leader (主要负责人), who approves the final grades"
    return None


def generic_names(data: dict[str, Any], person: UUID, quarter: Quarter) -> bool:
    """Whether an event of a service without its own rule names the person and the quarter."""
    if not any(_uuid(data.get(k)) == person for k in GENERIC_SUBJECT_KEYS):
        return False
    periods = {str(data[k]) for k in GENERIC_PERIOD_KEYS if data.get(k)}
    return bool(periods & {quarter.code, str(quarter.year)})


@dataclasses.dataclass(frozen=True)
class Subject:
    """Whose dossier, for which quarter, and the departments they belonged to in it."""

    person_id: UUID
    unit_id: UUID
    quarter: Quarter
    departments: dict[UUID, str]


@dataclasses.dataclass(frozen=True)
class DossierEntry:
    """One event of the dossier and why it is in it."""

    event: TrailEvent
    why: str


Rule = Callable[[Db, str, Subject], Awaitable[list[DossierEntry]]]


async def _streams(conn: Db, service: str, streams: dict[UUID, str]) -> list[DossierEntry]:
    """Every event of the given streams, each with the stream's reason."""
    if not streams:
        return []
    rows = await conn.fetch(
        f"SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
        f'c.hash FROM "{service}"."{service}_events" e LEFT JOIN "{service}"."{service}_chain" c '
        "ON c.notification_id = e.notification_id WHERE e.originator_id = ANY($1::uuid[]) "
        "ORDER BY e.notification_id",
        list(streams),
    )
    return [DossierEntry(trail_event(service, r), streams[r["originator_id"]]) for r in rows]


async def goals_rule(conn: Db, schema: str, s: Subject) -> list[DossierEntry]:
    """The person's goal sets (the quarter's and the year's) and monthly summaries."""
    streams: dict[UUID, str] = {}
    for r in await conn.fetch(
        f"SELECT id, period FROM {schema}.goal_sets WHERE person_id = $1 AND period = ANY($2)",
        s.person_id,
        [s.quarter.code, str(s.quarter.year)],
    ):
        streams[r["id"]] = f"the person's goal set for {r['period']}"
    for r in await conn.fetch(
        f"SELECT id, month FROM {schema}.monthly_summaries WHERE person_id = $1 "
        "AND month = ANY($2)",
        s.person_id,
        s.quarter.months,
    ):
        streams[r["id"]] = f"the person's monthly summary (月小结) for {r['month']}"
    return await _streams(conn, "goals", streams)


async def feedback_rule(conn: Db, schema: str, s: Subject) -> list[DossierEntry]:
    """Praise and complaints about the person or their departments, and the quarter's survey."""
    streams: dict[UUID, str] = {}
    departments = list(s.departments)
    for table, what in (("praise", "praise (表扬)"), ("complaints", "complaint (投诉)")):
        for r in await conn.fetch(
            f"SELECT id, target_kind, target_id FROM {schema}.{table} WHERE unit_id = $1 "
            "AND quarter = $2 AND (target_id = $3 OR "
            "(target_kind = 'DEPARTMENT' AND target_id = ANY($4::uuid[])))",
            s.unit_id,
            s.quarter.code,
            s.person_id,
            departments,
        ):
            about = (
                "the person"
                if r["target_kind"] == "PERSON"
                else f"the person's department {s.departments[r['target_id']]}"
            )
            streams[r["id"]] = f"{what} about {about}"
    for r in await conn.fetch(
        f"SELECT DISTINCT s.id FROM {schema}.surveys s JOIN {schema}.survey_departments d "
        "ON d.survey_id = s.id WHERE s.unit_id = $1 AND s.quarter = $2 "
        "AND d.department_id = ANY($3::uuid[])",
        s.unit_id,
        s.quarter.code,
        departments,
    ):
        streams[r["id"]] = "the satisfaction survey (满意度调查) of the person's department"
    return await _streams(conn, "feedback", streams)


async def directory_rule(conn: Db, _schema: str, s: Subject) -> list[DossierEntry]:
    """Org changes of the unit that concern the person or their quarter's departments."""
    rows = await conn.fetch(
        "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
        "c.hash FROM directory.directory_events e LEFT JOIN directory.directory_chain c "
        "ON c.notification_id = e.notification_id WHERE e.originator_id = $1 "
        "ORDER BY e.notification_id",
        s.unit_id,
    )
    entries = []
    departments = set(s.departments)
    for row in rows:
        event = trail_event("directory", row)
        why = directory_reason(event.event_type, event.payload, s.person_id, departments, s.quarter)
        if why is not None:
            entries.append(DossierEntry(event, why))
    return entries


async def reviews_rule(conn: Db, schema: str, s: Subject) -> list[DossierEntry]:
    """The quarter's cycle the person takes part in, their appraisal, and their sanctions."""
    streams: dict[UUID, str] = {}
    for r in await conn.fetch(
        f"SELECT cycle_id, appraisal_id FROM {schema}.review_participants "
        "WHERE person_id = $1 AND quarter = $2",
        s.person_id,
        s.quarter.code,
    ):
        streams[r["cycle_id"]] = (
            f"the {s.quarter.code} appraisal cycle (configuration, grades, publication)"
        )
        if r["appraisal_id"] is not None:
            streams[r["appraisal_id"]] = "the person's appraisal (summary, ratings, talk)"
    for r in await conn.fetch(
        f"SELECT id FROM {schema}.review_sanctions WHERE person_id = $1 AND decided_on <= $2",
        s.person_id,
        s.quarter.end,
    ):
        streams[r["id"]] = "a disciplinary sanction (处分) of the person"
    return await _streams(conn, "reviews", streams)


def generic_rule(service: str) -> Rule:
    """The rule for a service log that has none of its own (see the module's docstring)."""

    async def rule(conn: Db, _schema: str, s: Subject) -> list[DossierEntry]:
        candidates = await conn.fetch(
            f'SELECT originator_id, state FROM "{service}"."{service}_events" '
            "WHERE position($1 in convert_from(state, 'UTF8')) > 0 "
            "OR position($2 in convert_from(state, 'UTF8')) > 0",
            s.person_id.hex,
            str(s.person_id),
        )
        streams = {
            r["originator_id"]: f"a {service} record naming the person and {s.quarter.code}"
            for r in candidates
            if generic_names(_payload(bytes(r["state"])), s.person_id, s.quarter)
        }
        return await _streams(conn, service, streams)

    return rule


def _payload(state: bytes) -> dict[str, Any]:
    """The decoded state, or {} where it does not decode to an object."""
    try:
        data = decode_state(state)
    except (ValueError, TypeError, UnicodeDecodeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def names_in_quarter(data: dict[str, Any], person: UUID, quarter: Quarter) -> bool:
    """Whether a quarantined event's payload concerns the person's quarter (an undecodable
    payload, or one without a period, may: it is kept)."""
    keys = (*GENERIC_SUBJECT_KEYS, *PERSON_KEYS)
    if data and not any(_uuid(data.get(k)) == person for k in keys):
        return False
    periods = {str(data[k]) for k in QUARANTINED_PERIOD_KEYS if data.get(k)}
    return not periods or bool(periods & {quarter.code, str(quarter.year), *quarter.months})


async def quarantined_rule(
    conn: Db, schema: str, s: Subject, services: Iterable[str]
) -> list[DossierEntry]:
    """The quarantined events of the person's unit (or of no readable unit) naming the person."""
    entries = []
    quarantined = await conn.fetch(
        f"SELECT service, position FROM {schema}.quarantine "
        "WHERE service = ANY($1) AND (unit_id = $2 OR unit_id IS NULL) ORDER BY service, position",
        list(services),
        s.unit_id,
    )
    for q in quarantined:
        service = q["service"]
        row = await conn.fetchrow(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
            f'c.hash FROM "{service}"."{service}_events" e LEFT JOIN "{service}"."{service}_chain" '
            "c ON c.notification_id = e.notification_id WHERE e.notification_id = $1 "
            "AND (position(convert_to($2, 'UTF8') in e.state) > 0 "
            "OR position(convert_to($3, 'UTF8') in e.state) > 0)",
            q["position"],
            str(s.person_id),
            s.person_id.hex,
        )
        if row is None:
            continue
        if names_in_quarter(_payload(bytes(row["state"])), s.person_id, s.quarter):
            why = "an event naming the person that the read side could not apply (quarantined)"
            entries.append(DossierEntry(trail_event(service, row), why))
    return entries


RULES: dict[str, Rule] = {
    "directory": directory_rule,
    "goals": goals_rule,
    "feedback": feedback_rule,
    "reviews": reviews_rule,
}


async def subject_of(conn: Db, schema: str, person_id: UUID, quarter: Quarter) -> Subject | None:
    """The person's unit and the departments they belonged to during the quarter."""
    unit_id = await conn.fetchval(f"SELECT unit_id FROM {schema}.people WHERE id = $1", person_id)
    if unit_id is None:
        return None
    rows = await conn.fetch(
        f"SELECT DISTINCT d.id, d.name FROM {schema}.memberships m "
        f"JOIN {schema}.departments d ON d.id = m.department_id WHERE m.person_id = $1 "
        f"AND {overlaps_sql('m', '$2', '$3')}",
        person_id,
        quarter.start,
        quarter.end,
    )
    return Subject(person_id, unit_id, quarter, {r["id"]: r["name"] for r in rows})


def in_trail_order(entries: Iterable[DossierEntry]) -> list[DossierEntry]:
    """Entries ordered as the trail orders events, each event once."""
    seen: dict[tuple[str, int], DossierEntry] = {}
    for entry in entries:
        seen.setdefault((entry.event.service, entry.event.position), entry)
    return sorted(seen.values(), key=lambda e: e.event.key)


async def dossier(
    pool: asyncpg.Pool, schema: str, subject: Subject, services: Iterable[str]
) -> list[DossierEntry]:
    """Every event that shaped the subject's quarter, across the service logs, in trail order."""
    entries: list[DossierEntry] = []
    present = []
    async with pool.acquire() as conn:
        for service in services:
            if not await log_exists(conn, service):
                continue
            present.append(service)
            rule = RULES.get(service) or generic_rule(service)
            entries.extend(await rule(conn, schema, subject))
        entries.extend(await quarantined_rule(conn, schema, subject, present))
    return in_trail_order(entries)
