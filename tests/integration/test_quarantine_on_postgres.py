"""Poison events on a real PostgreSQL: events already in the logs that the read side cannot apply
(a NUL in a monthly summary, a name, a praise and a complaint; a bad id; bytes that are not JSON)
are quarantined and reported, the events after them in the same unit and in another unit are
projected, replay rebuilds the same tables (quarantine included), and trails and dossiers show
the poison events as evidence.

The poison is written straight into the logs (`tests.poison`), in a database of this module's
own, so no other test meets it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import asyncpg
import pytest
from graphql import GraphQLError
from prometheus_client import REGISTRY
from rich.console import Console

from bench.system import fresh_database
from deploy import replay as replay_command
from gateway.audit.dossier import Quarter, dossier, subject_of
from gateway.audit.replay import compare, differing, rebuild
from gateway.audit.time_travel import AsOfPoint, as_of
from gateway.audit.trail import TrailFilter, trail_page
from gateway.directory.projection import DirectoryProjection
from gateway.freshness import Freshness
from gateway.integrations.envelope import to_json
from gateway.integrations.feed import read_log
from gateway.integrations.scopes import FULL
from gateway.projections.catalogue import projections
from kernel.context import CommandContext, acting
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.reader import OrgChart
from services.directory.vocabulary import DepartmentCategory, PositionCategory
from services.feedback.application import Feedback
from services.feedback.vocabulary import FiledBy, TargetKind
from services.goals.application import Goals
from tests.integration.recorded import project_all, scalar
from tests.poison import NUL, last_version, stored, write_copy, write_raw

FOUNDED = date(2025, 1, 1)
MONTH = "2026-02"
FIRST_JOINED = (
    "SELECT min(notification_id) FROM directory.directory_events "
    "WHERE originator_id = %s AND topic LIKE '%%PersonJoined'"
)


@pytest.fixture(scope="module")
def own_database(postgres_server: str) -> Iterator[str]:
    """A database of this module's own: its logs hold poison."""
    with fresh_database(postgres_server, "kaohe_poison") as url:
        yield url


def as_(role: Role, person: UUID | None = None, unit: UUID | None = None) -> CommandContext:
    return CommandContext(
        actor_id=person or uuid4(), actor_role=role, now=datetime.now(UTC), tenant_id=unit
    )


@dataclasses.dataclass
class Unit:
    id: UUID
    department: UUID
    people: list[UUID]


@dataclasses.dataclass
class Logs:
    """The units, and where each poison event and each event after it stands."""

    a: Unit
    b: Unit
    poison: dict[str, tuple[str, int]]  # what -> (service, position)
    after: dict[str, tuple[str, int]]
    summary: UUID  # person a.people[0]'s real summary, whose amendment is poison


def unit_with_people(directory: Directory, name: str) -> Unit:
    with acting(as_(Role.ADMIN)):
        unit = UUID(directory.register_unit(name, f"P-{uuid4().hex[:8].upper()}").result["unit_id"])
    with acting(as_(Role.APPRAISAL_OFFICE, unit=unit)):
        department = UUID(
            directory.open_department(
                unit, "综合科", DepartmentCategory.GENERAL, None, FOUNDED
            ).result["department_id"]
        )
        people = [
            UUID(
                directory.add_person(
                    unit,
                    f"成员{i}",
                    f"p{i}-{uuid4().hex[:6]}",
                    PositionCategory.GENERAL,
                    department,
                    FOUNDED,
                ).result["person_id"]
            )
            for i in range(2)
        ]
    return Unit(unit, department, people)


@pytest.fixture(scope="module")
def logs(own_database: str) -> Iterator[Logs]:
    db = own_database
    directory = Directory.on_postgres(db)
    goals = Goals.on_postgres(db, org=OrgChart(Directory.on_postgres(db)))
    feedback = Feedback.on_postgres(db, org=OrgChart(Directory.on_postgres(db)))
    a, b = unit_with_people(directory, "甲单位"), unit_with_people(directory, "乙单位")
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with acting(as_(Role.APPRAISEE, a.people[0], a.id)):
        submitted = goals.submit_monthly_summary(a.id, a.people[0], MONTH, "二月工作小结", now)
    with acting(as_(Role.APPRAISAL_OFFICE, unit=a.id)):
        praised = feedback.record_praise(
            a.id,
            TargetKind.PERSON,
            a.people[0],
            "市委办公室",
            "雪天保障准时",
            date(2026, 2, 5),
            date(2026, 3, 2),
        )
        filed = feedback.file_complaint(
            a.id,
            TargetKind.PERSON,
            a.people[0],
            FiledBy.OFFICE_ON_BEHALF,
            None,
            "接站迟到",
            date(2026, 2, 10),
            date(2026, 2, 11),
        )
    joined = scalar(db, FIRST_JOINED, a.id)
    summary = UUID(submitted.result["summary_id"])
    poison = {
        "summary": (
            "goals",
            write_copy(
                db,
                "goals",
                submitted.positions[0],
                {"text": f"小结{NUL}正文"},
                originator_id=uuid4(),
            ),
        ),
        "amendment": (
            "goals",
            write_copy(
                db,
                "goals",
                submitted.positions[0],
                {"text": f"修改{NUL}", "reason": "补充"},
                version=2,
                topic="services.goals.domain:MonthlySummary.SummaryAmended",
            ),
        ),
        "name": (
            "directory",
            write_copy(
                db,
                "directory",
                joined,
                {"name": f"王{NUL}五", "person_id": uuid4().hex, "login": f"nul-{uuid4().hex[:6]}"},
                version=last_version(db, "directory", a.id) + 1,
            ),
        ),
        "praise": (
            "feedback",
            write_copy(
                db,
                "feedback",
                praised.positions[0],
                {"what_happened": f"表扬{NUL}"},
                originator_id=uuid4(),
            ),
        ),
        "complaint": (
            "feedback",
            write_copy(
                db,
                "feedback",
                filed.positions[0],
                {"content": f"投诉{NUL}内容"},
                originator_id=uuid4(),
            ),
        ),
        "bad id": (
            "feedback",
            write_copy(
                db,
                "feedback",
                praised.positions[0],
                {"target_id": "not-a-uuid"},
                originator_id=uuid4(),
            ),
        ),
        "not json": (
            "feedback",
            write_raw(
                db,
                "feedback",
                uuid4(),
                1,
                "services.feedback.domain:Praise.PraiseRecorded",
                b"\xff\xfe{not json",
            ),
        ),
    }
    after: dict[str, tuple[str, int]] = {}
    with acting(as_(Role.APPRAISEE, a.people[1], a.id)):
        after["summary, same unit"] = (
            "goals",
            goals.submit_monthly_summary(a.id, a.people[1], MONTH, "另一份小结", now).positions[0],
        )
    with acting(as_(Role.APPRAISAL_OFFICE, unit=a.id)):
        after["person, same unit"] = (
            "directory",
            directory.add_person(
                a.id,
                "赵六",
                f"z-{uuid4().hex[:6]}",
                PositionCategory.GENERAL,
                a.department,
                FOUNDED,
            ).positions[0],
        )
    with acting(as_(Role.APPRAISAL_OFFICE, unit=b.id)):
        after["praise, other unit"] = (
            "feedback",
            feedback.record_praise(
                b.id,
                TargetKind.PERSON,
                b.people[0],
                "市财政局",
                "账目清楚",
                date(2026, 2, 6),
                date(2026, 3, 2),
            ).positions[0],
        )
    yield Logs(a, b, poison, after, summary)
    for app in (goals, feedback):
        app.org.close()
        app.close()
    directory.close()


def quarantined_total(service: str) -> float:
    return (
        REGISTRY.get_sample_value("kaohe_projection_quarantined_total", {"service": service}) or 0
    )


@pytest.fixture(scope="module")
def live(own_database: str, logs: Logs) -> tuple[str, dict[str, float]]:
    """A read schema projected over the poisoned logs, and how much the metric grew."""
    schema = f"live_{uuid4().hex[:8]}"
    before = {s: quarantined_total(s) for s in ("directory", "goals", "feedback")}
    asyncio.run(asyncio.wait_for(project_all(own_database, schema), 60))
    return schema, {s: quarantined_total(s) - before[s] for s in before}


async def fetch(database: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database)
    try:
        rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
        return rows
    finally:
        await conn.close()


async def test_each_poison_event_is_quarantined_with_its_error(
    own_database: str, logs: Logs, live: tuple[str, dict[str, float]]
) -> None:
    schema, _ = live
    rows = await fetch(
        own_database, f"SELECT * FROM {schema}.quarantine ORDER BY service, position"
    )
    found = {(r["service"], r["position"]): r for r in rows}

    assert set(found) == set(logs.poison.values())
    for what in ("summary", "amendment", "name", "praise", "complaint"):
        row = found[logs.poison[what]]
        assert (
            row["error_class"] == "CharacterNotInRepertoireError"
            or "Untranslatable" in row["error_class"]
        ), (what, row["error_class"])
        assert row["unit_id"] == logs.a.id
    assert found[logs.poison["bad id"]]["error_class"] == "ValueError"
    assert found[logs.poison["not json"]]["unit_id"] is None
    assert found[logs.poison["amendment"]]["originator_id"] == logs.summary
    name = found[logs.poison["name"]]
    assert name["event_name"] == "PersonJoined"
    assert logs.a.id in name["record_ids"]
    assert len(name["record_ids"]) == 3  # the unit, the person and their department


async def test_events_after_the_poison_are_projected_in_the_same_unit_and_in_another(
    own_database: str, logs: Logs, live: tuple[str, dict[str, float]]
) -> None:
    schema, _ = live
    summaries = await fetch(
        own_database,
        f"SELECT person_id, text FROM {schema}.monthly_summaries WHERE unit_id = $1",
        logs.a.id,
    )
    assert {r["person_id"]: r["text"] for r in summaries} == {
        logs.a.people[0]: "二月工作小结",  # its poison amendment is skipped
        logs.a.people[1]: "另一份小结",
    }
    people = await fetch(
        own_database, f"SELECT name FROM {schema}.people WHERE unit_id = $1", logs.a.id
    )
    assert sorted(r["name"] for r in people) == ["成员0", "成员1", "赵六"]
    praise = await fetch(
        own_database, f"SELECT what_happened FROM {schema}.praise WHERE unit_id = $1", logs.b.id
    )
    assert [r["what_happened"] for r in praise] == ["账目清楚"]
    tracking = await fetch(own_database, f"SELECT service, position FROM {schema}.tracking")
    heads = {
        s: max(p for sv, p in [*logs.poison.values(), *logs.after.values()] if sv == s)
        for s in ("directory", "goals", "feedback")
    }
    # The reviews log, empty here, exists too (the migrations make every log): tracked at 0.
    assert {r["service"]: r["position"] for r in tracking if r["position"]} == heads


def test_the_metric_counts_each_quarantined_event(live: tuple[str, dict[str, float]]) -> None:
    _, grown = live
    assert grown == {"directory": 1, "goals": 2, "feedback": 4}


async def test_replay_rebuilds_the_same_tables_quarantine_included(
    own_database: str, live: tuple[str, dict[str, float]]
) -> None:
    schema, _ = live
    target = f"rebuilt_{uuid4().hex[:8]}"
    conn = await asyncpg.connect(own_database)
    try:
        await asyncio.wait_for(rebuild(conn, target, projections(target)), 60)
    finally:
        await conn.close()
    comparisons = await compare(own_database, schema, target, projections(target))

    assert differing(comparisons) == []
    quarantine = next(c for c in comparisons if c.table == "quarantine")
    assert quarantine.live.rows == quarantine.rebuilt.rows == 7


async def test_kaohe_replay_completes_over_poison_and_drops_its_schema(
    own_database: str, live: tuple[str, dict[str, float]]
) -> None:
    schema, _ = live
    outcome = await replay_command.replay(own_database, Console(quiet=True), live=schema)

    assert outcome.differences == []
    left = await fetch(
        own_database, "SELECT 1 FROM pg_namespace WHERE nspname = $1", outcome.rebuilt
    )
    assert left == []


async def test_kaohe_replay_drops_its_schema_when_it_fails(
    own_database: str, live: tuple[str, dict[str, float]], monkeypatch: pytest.MonkeyPatch
) -> None:
    schema, _ = live

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("the comparison failed")

    monkeypatch.setattr(replay_command, "compare", broken)
    before = await fetch(
        own_database, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'replay_%'"
    )
    with pytest.raises(RuntimeError):
        await replay_command.replay(own_database, Console(quiet=True), live=schema)
    after = await fetch(
        own_database, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'replay_%'"
    )
    assert after == before


async def test_the_trail_shows_the_poison_events_as_stored(
    own_database: str, logs: Logs, live: tuple[str, dict[str, float]]
) -> None:
    pool = await asyncpg.create_pool(own_database, min_size=1, max_size=2)
    try:
        unit_trail = await trail_page(pool, TrailFilter(unit_id=logs.a.id), 100)
        everything = await trail_page(pool, TrailFilter(services=("feedback",)), 100)
        page = await trail_page(pool, TrailFilter(services=("feedback",)), 3)
        rest = await trail_page(
            pool,
            TrailFilter(services=("feedback",)),
            100,
            ("feedback", page[-1].occurred_at, page[-1].position),
        )
    finally:
        await pool.close()
    shown = {(e.service, e.position): e for e in unit_trail}

    for what in ("summary", "amendment", "name", "praise", "complaint"):
        assert logs.poison[what] in shown, what
    assert shown[logs.poison["summary"]].payload["text"] == f"小结{NUL}正文"
    assert shown[logs.poison["name"]].payload["name"] == f"王{NUL}五"
    assert all(e.chain_hash for e in unit_trail)
    undecodable = next(e for e in everything if e.position == logs.poison["not json"][1])
    assert undecodable.payload["undecodable"]["sha256"]
    assert undecodable.payload["undecodable"]["base64"] == "//57bm90IGpzb24="
    assert [e.position for e in page + rest] == [e.position for e in everything]


async def test_the_dossier_shows_the_poison_events_of_the_persons_quarter(
    own_database: str, logs: Logs, live: tuple[str, dict[str, float]]
) -> None:
    schema, _ = live
    pool = await asyncpg.create_pool(own_database, min_size=1, max_size=2)
    try:
        subject = await subject_of(pool, schema, logs.a.people[0], Quarter.parse("2026-Q1"))
        assert subject is not None
        entries = await dossier(pool, schema, subject, ("directory", "goals", "feedback"))
    finally:
        await pool.close()
    shown = {(e.event.service, e.event.position) for e in entries}

    for what in ("summary", "amendment", "praise", "complaint"):
        assert logs.poison[what] in shown, what


async def test_waiting_for_a_quarantined_position_answers_at_once_with_the_error(
    own_database: str, logs: Logs, live: tuple[str, dict[str, float]]
) -> None:
    schema, _ = live
    freshness = Freshness(schema)
    await freshness.start(own_database)
    try:
        service, position = logs.poison["praise"]
        with pytest.raises(GraphQLError) as refused:
            await freshness.wait_for(service, position, 1.0)
        await freshness.wait_for(*logs.after["praise, other unit"], 1.0)
    finally:
        await freshness.stop()

    praise_id, *_ = stored(own_database, service, position)
    assert refused.value.extensions == {
        "code": "READ_MODEL_INCOMPLETE",
        "rule": "gateway.quarantined_event",
        "service": "feedback",
        "position": position,
        "recordId": str(praise_id),
    }


async def test_time_travel_answers_a_record_whose_stream_holds_a_poison_event(
    own_database: str, logs: Logs
) -> None:
    # The unit's stream holds the poisoned name; the person joined after it must still be there.
    pool = await asyncpg.create_pool(own_database, min_size=1, max_size=2)
    try:
        async with as_of(pool, DirectoryProjection, logs.a.id, AsOfPoint()) as scratch:
            names = {
                r["name"]
                for r in await scratch.conn.fetch(
                    f"SELECT name FROM {scratch.table('people')} WHERE unit_id = $1", logs.a.id
                )
            }
            set_aside = [
                r["position"]
                for r in await scratch.conn.fetch(
                    f"SELECT position FROM {scratch.table('quarantine')}"
                )
            ]
    finally:
        await pool.close()

    assert "赵六" in names
    assert set_aside == [logs.poison["name"][1]]


async def test_the_integration_feed_delivers_every_event_of_a_log_holding_poison(
    own_database: str, logs: Logs
) -> None:
    # The relay, the webhooks and /events all read through read_log and the envelope: an
    # event whose bytes are not JSON must leave as evidence, not stop every delivery after it.
    conn = await asyncpg.connect(own_database)
    try:
        events = await read_log(conn, "feedback", 0, 1000)
    finally:
        await conn.close()
    envelopes = {e.position: to_json(e, scope=FULL) for e in events}

    _, not_json = logs.poison["not json"]
    assert envelopes[not_json]["data"]["undecodable"]["bytes"] == len(b"\xff\xfe{not json")
    assert envelopes[logs.poison["bad id"][1]]["type"].startswith("kaohe.feedback.")
    assert logs.after["praise, other unit"][1] in envelopes
