"""The benchmark itself: seed data through Kaohe's own APIs, drive load from a separate process,
and set every figure beside a baseline measured in the same run.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import platform
import random
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg

from bench import es_baseline, history, load
from bench.load import Call, Outcome
from bench.stats import Figure, figure
from bench.system import Stack, stack, token_for
from deploy import launcher
from gateway.projections.runner import PROJECTED_CHANNEL
from kernel.calendar import china_date
from kernel.roles import Role
from kernel.store import SERVICES
from services.audit.verify import verify_service

LEVELS = (1, 8, 32)
# Replay from a million events takes minutes to generate and rebuild; a run asks for it.
NOT_MEASURED = ["replay from 1M events (`--history-events 1000000`; 100k by default)"]


@dataclass(frozen=True)
class Sizes:
    """How much work each measurement does."""

    departments: int
    writes: dict[int, int]  # concurrency -> commands per level
    es_saves: int
    reads: int
    ceiling: int
    lag_rates: tuple[float, ...]  # commands/s offered while measuring projection lag
    lag_seconds: float  # how long each rate is held
    lag_rates_in_process: tuple[float, ...]  # the same, commands run in process (no HTTP)
    history_events: int  # generated events for replay and verification


REAL = Sizes(
    departments=8,
    writes={1: 200, 8: 500, 32: 800},
    es_saves=1500,
    reads=1500,
    ceiling=3000,
    lag_rates=(50.0, 100.0, 200.0),
    lag_seconds=6.0,
    lag_rates_in_process=(200.0, 500.0),
    history_events=100_000,
)
SMOKE = Sizes(
    departments=2,
    writes={1: 4, 8: 8, 32: 32},
    es_saves=20,
    reads=32,
    ceiling=64,
    lag_rates=(20.0,),
    lag_seconds=1.0,
    lag_rates_in_process=(20.0,),
    history_events=300,
)


@dataclass
class Seeded:
    """The data the bench generated: the unit, its departments and people."""

    unit: UUID
    admin: str
    office: str
    departments: list[UUID]
    people: list[UUID]
    leader: UUID | None = None  # the principal leader, who supervises every department


def _ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return round(value / base, 3)


def _post(url: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = httpx.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    if answer.status_code >= 400:
        raise RuntimeError(f"POST {url}: {answer.status_code} {answer.text[:500]}")
    result: dict[str, Any] = answer.json()
    return result


def _token(
    stack_: Stack, roles: list[Role], tenant: UUID | None, person: UUID | None = None
) -> str:
    return token_for(
        stack_.settings, roles, person_id=person, tenant_id=tenant, ttl=timedelta(hours=2)
    )


def seed(stack_: Stack, rng: random.Random, sizes: Sizes) -> Seeded:
    """A unit with departments, their heads, a principal leader who supervises them all."""
    directory = stack_.settings.directory_url
    admin = _token(stack_, [Role.ADMIN], None)
    code = f"BENCH-{rng.randrange(16**6):06X}"
    unit = UUID(_post(f"{directory}/units", admin, {"name": "压测单位", "code": code})["unit_id"])
    # The administrator builds the org chart; the office's token is for a person who holds
    # the role in it (every request checks the roles a token claims against the org chart).
    office = admin
    base = f"{directory}/units/{unit}"
    day = "2025-01-01"
    leader = UUID(
        _post(
            f"{base}/people",
            office,
            {"name": "主任", "login": "leader", "position_category": "LEADER", "joined_on": day},
        )["person_id"]
    )
    _post(f"{base}/principal-leader", office, {"person_id": str(leader), "effective_on": day})
    departments: list[UUID] = []
    for i in range(sizes.departments):
        body = {"name": f"科室{i + 1}", "category": "GENERAL", "opened_on": day}
        dept = UUID(_post(f"{base}/departments", office, body)["department_id"])
        head = UUID(
            _post(
                f"{base}/people",
                office,
                {
                    "name": f"科长{i + 1}",
                    "login": f"head{i + 1}",
                    "position_category": "GENERAL",
                    "department_id": str(dept),
                    "joined_on": day,
                },
            )["person_id"]
        )
        _post(
            f"{base}/departments/{dept}/head", office, {"person_id": str(head), "effective_on": day}
        )
        departments.append(dept)
    _post(
        f"{base}/supervision",
        office,
        {
            "leader_id": str(leader),
            "department_ids": [str(d) for d in departments],
            "effective_on": day,
        },
    )
    officer = _post(
        f"{base}/people",
        admin,
        {
            "name": "考核办",
            "login": "office",
            "position_category": "GENERAL",
            "department_id": str(departments[0]),
            "joined_on": day,
        },
    )["person_id"]
    _post(f"{base}/office-roles", admin, {"person_id": officer, "role": "APPRAISAL_OFFICE"})
    office = _token(stack_, [Role.APPRAISAL_OFFICE], unit, UUID(officer))
    return Seeded(unit, admin, office, departments, [], leader)


def _quarter() -> str:
    today = china_date()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _fig(outcome: Outcome) -> Figure:
    return figure(outcome.latencies, outcome.errors, outcome.seconds)


def write_path(
    stack_: Stack, seeded: Seeded, rng: random.Random, sizes: Sizes, pool: ProcessPoolExecutor
) -> dict[str, Any]:
    """Commands/s and latency at each concurrency, beside the bare endpoint and the library."""
    settings = stack_.settings
    office = {"Authorization": f"Bearer {seeded.office}"}
    results: dict[str, Any] = {}
    errors: dict[str, str] = {}
    surname = "赵钱孙李周吴郑王冯陈"
    for level in LEVELS:
        n = sizes.writes[level]
        people = [
            Call(
                "POST",
                f"{settings.directory_url}/units/{seeded.unit}/people",
                {
                    "name": rng.choice(surname) + f"{level}-{i}",
                    "login": f"p{level}x{i}x{rng.randrange(10**6)}",
                    "position_category": "GENERAL",
                    "department_id": str(rng.choice(seeded.departments)),
                    "joined_on": "2025-01-01",
                },
                office,
            )
            for i in range(n)
        ]
        out = pool.submit(load.run_http, people, level, True).result()
        results[f"add_person@{level}"] = _fig(out).as_dict()
        if out.first_error:
            errors[f"add_person@{level}"] = out.first_error
        seeded.people.extend(UUID(b["person_id"]) for b in out.bodies)
    period = _quarter()
    drafters = list(seeded.people)
    for level in LEVELS:
        batch, drafters = drafters[: sizes.writes[level]], drafters[sizes.writes[level] :]
        calls = [
            Call(
                "POST",
                f"{settings.goals_url}/units/{seeded.unit}/goal-sets",
                {"period": period, "items": []},
                {"Authorization": f"Bearer {_token(stack_, [Role.APPRAISEE], seeded.unit, p)}"},
            )
            for p in batch
        ]
        out = pool.submit(load.run_http, calls, level).result()
        results[f"draft_goal_set@{level}"] = _fig(out).as_dict()
        if out.first_error:
            errors[f"draft_goal_set@{level}"] = out.first_error
    for level in LEVELS:
        calls = [
            _complaint(stack_, seeded, rng, "派车不及时，未按约定时间到达。")
            for _ in range(sizes.writes[level])
        ]
        out = pool.submit(load.run_http, calls, level).result()
        results[f"file_complaint@{level}"] = _fig(out).as_dict()
        if out.first_error:
            errors[f"file_complaint@{level}"] = out.first_error
    rate_appraisees(stack_, seeded, period, sizes, pool, results, errors)
    for level in LEVELS:
        calls = [
            Call("POST", f"{stack_.baseline_url}/rows", {"payload": "x" * 200, "i": i})
            for i in range(sizes.writes[level])
        ]
        out = pool.submit(load.run_http, calls, level).result()
        results[f"bare_insert@{level}"] = _fig(out).as_dict()
    for name, make in (
        ("es_save", es_baseline.application),
        ("kaohe_save", es_baseline.kaohe_application),
    ):
        app = make(stack_.database)
        for level in LEVELS:
            results[f"{name}@{level}"] = es_baseline.measure(app, sizes.es_saves, level).as_dict()
        app.close()
    return {"figures": results, "errors": errors, "people": len(seeded.people)}


# A cycle without feedback-scored indicators: no survey needs to close before rating.
RATED_ONLY = {
    "individual": {
        category: [{"code": "GOAL_DELIVERY", "name": "目标完成", "weight": 60}]
        for category in ("LEADER", "GENERAL", "SERVICE", "SPECIALIST", "PAPERWORK", "PATROL")
    }
}
RATING = {
    "scores": {
        "POLITICAL_QUALITY": "92",
        "INTEGRITY": "95",
        "WORK_STYLE": "90",
        "GOAL_DELIVERY": "88",
    },
    "opinion": "工作扎实，按期完成季度目标",
}


def rate_appraisees(
    stack_: Stack,
    seeded: Seeded,
    period: str,
    sizes: Sizes,
    pool: ProcessPoolExecutor,
    results: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """The supervising leader rates appraisees of the quarter's cycle (one appraisal each where
    there are enough people), at each concurrency.
    """
    reviews = stack_.settings.reviews_url
    office = seeded.office
    cycle = _post(
        f"{reviews}/units/{seeded.unit}/cycles", office, {"quarter": period, "config": RATED_ONLY}
    )["cycle_id"]
    _post(f"{reviews}/cycles/{cycle}/appraisal", office, {})
    assert seeded.leader is not None
    leader = {
        "Authorization": "Bearer "
        + _token(stack_, [Role.APPRAISEE, Role.SUPERVISING_LEADER], seeded.unit, seeded.leader)
    }
    appraisees = list(seeded.people)
    for level in LEVELS:
        n = sizes.writes[level]
        batch = [appraisees[i % len(appraisees)] for i in range(n)]
        appraisees = appraisees[n:] + appraisees[:n]
        calls = [
            Call("POST", f"{reviews}/cycles/{cycle}/ratings/{person}", RATING, leader)
            for person in batch
        ]
        out = pool.submit(load.run_http, calls, level).result()
        results[f"rate_appraisee@{level}"] = _fig(out).as_dict()
        if out.first_error:
            errors[f"rate_appraisee@{level}"] = out.first_error


def _wait_projected(stack_: Stack, seeded: Seeded, timeout: float = 60) -> float:
    """Seconds until the gateway's read model holds every person the bench added."""
    started = time.perf_counter()
    expected = len(seeded.people) + len(seeded.departments) + 1
    with psycopg.connect(stack_.database) as conn:
        while time.perf_counter() - started < timeout:
            row = conn.execute(
                "SELECT count(*) FROM gateway.people WHERE unit_id = %s", (seeded.unit,)
            ).fetchone()
            conn.commit()
            if row is not None and row[0] >= expected:
                break
            time.sleep(0.1)
    return round(time.perf_counter() - started, 3)


DEPARTMENT_QUERY = """query($dept: ID!) { department(id: $dept) {
  name head { name } supervisingLeader { name }
  members { name login managers { directManager { name } } } } }"""
GOAL_SETS_QUERY = """query($unit: ID!) { goalSets(unitId: $unit, first: 20) {
  totalCount edges { node {
    id period status statusLabel person { name } department { name } } } } }"""
# The three: a person's quarter (goals, feedback facts, ratings, grade), a department's
# grade distribution, and the office's "who is missing what", on the bench's cycle.
PERSON_QUARTER_QUERY = """query($unit: ID!, $person: ID!, $quarter: String!) {
  goalSets(unitId: $unit, personId: $person, period: $quarter) { edges { node {
    status statusLabel items { what weight status percent } } } }
  reviewCycle(unitId: $unit, quarter: $quarter) { statusLabel
    appraisals(personId: $person) { nodes { name departmentName composite gradeLabel
      ratings { relationLabel opinion scores { code score } }
      feedback { departmentMean praise complaints overdue score } missing } } } }"""
GRADE_DISTRIBUTION_QUERY = """query($unit: ID!, $quarter: String!) {
  reviewCycle(unitId: $unit, quarter: $quarter) {
    gradeDistribution { departmentName participants ungraded grades { gradeLabel count } } } }"""
WHO_IS_MISSING_QUERY = """query($unit: ID!, $quarter: String!) {
  reviewCycle(unitId: $unit, quarter: $quarter) { quota { participants limit top ok }
    progress { participants summaries fullyRated graded
      waiting { name departmentName missing } } } }"""
RAW_DEPARTMENT = """
SELECT p.name, p.login, h.name AS head
FROM gateway.memberships m JOIN gateway.people p ON p.id = m.person_id
LEFT JOIN gateway.department_heads dh ON dh.department_id = m.department_id AND dh.end_on IS NULL
LEFT JOIN gateway.people h ON h.id = dh.person_id
WHERE m.department_id = $1 AND m.end_on IS NULL ORDER BY p.name"""
# The rows behind each of the three queries, read with asyncpg alone.
RAW_PERSON_QUARTER = """
SELECT p.name, p.department_name, p.composite, p.grade, p.ratings, p.feedback, g.status, i.items
FROM gateway.review_participants p
LEFT JOIN gateway.goal_sets g ON g.person_id = p.person_id AND g.period = p.quarter
LEFT JOIN LATERAL (SELECT jsonb_agg(to_jsonb(x)) AS items FROM gateway.goal_set_items x
                   WHERE x.goal_set_id = g.id) i ON true
WHERE p.unit_id = $1 AND p.person_id = $2 AND p.quarter = $3"""
RAW_GRADE_DISTRIBUTION = """
SELECT department_name, count(*), count(*) FILTER (WHERE grade IS NULL), grade
FROM gateway.review_participants WHERE unit_id = $1 AND quarter = $2
GROUP BY department_name, grade ORDER BY department_name"""
RAW_WHO_IS_MISSING = """
SELECT name, department_name, summary IS NULL, required, ratings, grade
FROM gateway.review_participants WHERE unit_id = $1 AND quarter = $2
ORDER BY department_name, name"""


def read_path(
    stack_: Stack, seeded: Seeded, sizes: Sizes, pool: ProcessPoolExecutor
) -> dict[str, Any]:
    """GraphQL queries a frontend makes, at concurrency 32, beside `{ __typename }` and the same
    rows read with asyncpg alone.
    """
    headers = {"Authorization": f"Bearer {seeded.office}"}
    dept = seeded.departments[0]
    unit, quarter = str(seeded.unit), _quarter()
    person = str(seeded.people[0])
    level = 32
    results: dict[str, Any] = {}
    errors: dict[str, str] = {}
    queries = {
        "graphql_person_quarter": (
            PERSON_QUARTER_QUERY,
            {"unit": unit, "person": person, "quarter": quarter},
        ),
        "graphql_grade_distribution": (
            GRADE_DISTRIBUTION_QUERY,
            {"unit": unit, "quarter": quarter},
        ),
        "graphql_who_is_missing": (WHO_IS_MISSING_QUERY, {"unit": unit, "quarter": quarter}),
        "graphql_department_people": (DEPARTMENT_QUERY, {"dept": str(dept)}),
        "graphql_goal_sets": (GOAL_SETS_QUERY, {"unit": unit}),
        "graphql_typename": ("{ __typename }", {}),
    }
    for name, (query, variables) in queries.items():
        call = Call("POST", stack_.graphql_url, {"query": query, "variables": variables}, headers)
        out = pool.submit(load.run_http, [call] * sizes.reads, level).result()
        results[name] = _fig(out).as_dict()
        if out.first_error:
            errors[name] = out.first_error
    raw: dict[str, tuple[str, list[Any]]] = {
        "asyncpg_person_quarter": (RAW_PERSON_QUARTER, [seeded.unit, seeded.people[0], quarter]),
        "asyncpg_grade_distribution": (RAW_GRADE_DISTRIBUTION, [seeded.unit, quarter]),
        "asyncpg_who_is_missing": (RAW_WHO_IS_MISSING, [seeded.unit, quarter]),
        "asyncpg_department_people": (RAW_DEPARTMENT, [dept]),
    }
    for name, (sql, args) in raw.items():
        out = pool.submit(load.run_sql, stack_.database, sql, args, sizes.reads, level).result()
        results[name] = _fig(out).as_dict()
    return {"figures": results, "errors": errors, "concurrency": level}


def _complaint(stack_: Stack, seeded: Seeded, rng: random.Random, content: str) -> Call:
    """The office files a complaint about someone of the unit (the feedback service's REST)."""
    return Call(
        "POST",
        f"{stack_.settings.feedback_url}/units/{seeded.unit}/complaints",
        {
            "target_kind": "PERSON",
            "target_id": str(rng.choice(seeded.people)),
            "complainant": {"name": "来访者", "agency": "市财政局"},
            "content": content,
        },
        {"Authorization": f"Bearer {seeded.office}"},
    )


def projection_lag(
    stack_: Stack, seeded: Seeded, rng: random.Random, sizes: Sizes, pool: ProcessPoolExecutor
) -> dict[str, Any]:
    """Commit to projected, p50/p99, while complaints are filed at steady rates (open loop)."""
    results: dict[str, Any] = {}
    for rate in sizes.lag_rates:
        calls = [
            _complaint(stack_, seeded, rng, "窗口服务态度需要改进。")
            for _ in range(int(rate * sizes.lag_seconds))
        ]
        out = pool.submit(
            load.run_lag, calls, rate, stack_.database, PROJECTED_CHANNEL, "gateway:feedback"
        ).result()
        results[f"lag@{rate:g}"] = _lag_row(out, sizes)
    for rate in sizes.lag_rates_in_process:
        out = pool.submit(
            load.run_lag_in_process,
            stack_.database,
            seeded.unit,
            seeded.people,
            rate,
            sizes.lag_seconds,
            PROJECTED_CHANNEL,
            "gateway:feedback",
        ).result()
        results[f"lag_in_process@{rate:g}"] = {**_lag_row(out, sizes), "in_process": True}
    return results


def _lag_row(out: load.Lag, sizes: Sizes) -> dict[str, Any]:
    fig = figure(out.lags, out.errors + out.unseen, sizes.lag_seconds)
    return {
        "offered_per_second": out.offered_per_second,
        "achieved_per_second": round(out.achieved_per_second, 1),
        "commands": out.commands,
        "errors": out.errors,
        "unseen": out.unseen,
        "p50_ms": fig.p50_ms,
        "p99_ms": fig.p99_ms,
        "first_error": out.first_error,
    }


def audit_live(stack_: Stack) -> bool:
    """Whether every live service log still matches its chain after the run's writes."""
    return all(verify_service(stack_.database, service).ok for service in SERVICES)


def _connections(database: str) -> int:
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity").fetchone()
    return int(row[0]) if row else 0


def memory(stack_: Stack, loader: tuple[int, int | None]) -> dict[str, int | None]:
    """Peak resident memory (VmHWM, KiB) of every process of the run."""
    names = [p.name for p in launcher.processes(stack_.settings)]
    peaks: dict[str, int | None] = {
        name: load.peak_rss_kib(child.pid)
        for name, child in zip(names, stack_.system.children, strict=False)
    }
    peaks["load_generator"] = loader[1]
    peaks["bench_driver"] = load.peak_rss_kib()
    return peaks


def ceiling(stack_: Stack, sizes: Sizes, pool: ProcessPoolExecutor) -> dict[str, Any]:
    """The load generator's own ceiling: GET /health (no database) on the bare app at 32."""
    calls = [Call("GET", f"{stack_.baseline_url}/health")] * sizes.ceiling
    out = pool.submit(load.run_http, calls, 32).result()
    return _fig(out).as_dict()


def machine(database: str) -> dict[str, Any]:
    """nproc, memory, Python and PostgreSQL versions."""
    mem_kib = None
    with open("/proc/meminfo", encoding="ascii") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    with psycopg.connect(database) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return {
        "nproc": os.cpu_count(),
        "memory_mib": mem_kib // 1024 if mem_kib else None,
        "python": platform.python_version(),
        "postgresql": row[0] if row else None,
        "platform": platform.platform(),
    }


def run(
    smoke: bool, seed_value: int, out: Path, history_events: int | None = None
) -> dict[str, Any]:
    """Run every measurement and write the JSON; return the results."""
    sizes = SMOKE if smoke else REAL
    if history_events is not None:
        sizes = dataclasses.replace(sizes, history_events=history_events)
    rng = random.Random(seed_value)
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with stack() as stack_, ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        seeded = seed(stack_, rng, sizes)
        writes = write_path(stack_, seeded, rng, sizes, pool)
        catch_up = _wait_projected(stack_, seeded)
        gen_ceiling = ceiling(stack_, sizes, pool)
        baseline_peak = load.peak_rss_kib(stack_.baseline.pid)
        # The baseline endpoint's pool would take the connections raw asyncpg reads need.
        stack_.baseline.terminate()
        stack_.baseline.wait(timeout=15)
        connections = _connections(stack_.database)
        reads = read_path(stack_, seeded, sizes, pool)
        reads["connections_before"] = connections
        lag = projection_lag(stack_, seeded, rng, sizes, pool)
        generated = history.generate(stack_.database, sizes.history_events, rng)
        replayed = history.replay(stack_.database)
        verification = history.verify(stack_.database)
        verification["live_chains_ok"] = audit_live(stack_)
        loader = pool.submit(load.own_peak_rss).result()
        peaks = memory(stack_, loader)
        peaks["baseline_endpoint"] = baseline_peak
        about = machine(stack_.database)
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "smoke": smoke,
        "seed": seed_value,
        "sizes": {
            "departments": sizes.departments,
            "writes": {str(k): v for k, v in sizes.writes.items()},
            "es_saves": sizes.es_saves,
            "reads": sizes.reads,
            "lag_rates": list(sizes.lag_rates),
            "lag_seconds": sizes.lag_seconds,
            "lag_rates_in_process": list(sizes.lag_rates_in_process),
            "history_events": sizes.history_events,
        },
        "machine": about,
        "write_path": writes,
        "projection_catch_up_seconds": catch_up,
        "read_path": reads,
        "projection_lag": lag,
        "history": generated,
        "replay": replayed,
        "audit": verification,
        "memory_peak_kib": peaks,
        "load_generator_ceiling": gen_ceiling,
        "not_measured": NOT_MEASURED if sizes.history_events < 1_000_000 else [],
        "duration_seconds": round(time.perf_counter() - started, 1),
    }
    results["ratios"] = ratios(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return results


def ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """The ratios the issue's targets are stated in."""
    w = results["write_path"]["figures"]
    r = results["read_path"]["figures"]
    out: dict[str, float | None] = {}
    for command in ("add_person", "draft_goal_set", "file_complaint", "rate_appraisee"):
        for level in LEVELS:
            rate = w[f"{command}@{level}"]["per_second"]
            out[f"{command}@{level}/bare_insert@{level}"] = _ratio(
                rate, w[f"bare_insert@{level}"]["per_second"]
            )
            out[f"{command}@{level}/es_save@{level}"] = _ratio(
                rate, w[f"es_save@{level}"]["per_second"]
            )
    for name, raw in (
        ("person_quarter", "person_quarter"),
        ("grade_distribution", "grade_distribution"),
        ("who_is_missing", "who_is_missing"),
        ("department_people", "department_people"),
        ("goal_sets", "department_people"),
    ):
        rate = r[f"graphql_{name}"]["per_second"]
        out[f"graphql_{name}/graphql_typename"] = _ratio(rate, r["graphql_typename"]["per_second"])
        out[f"graphql_{name}/asyncpg_{raw}"] = _ratio(rate, r[f"asyncpg_{raw}"]["per_second"])
    for level in LEVELS:
        out[f"kaohe_save@{level}/es_save@{level}"] = _ratio(
            w[f"kaohe_save@{level}"]["per_second"], w[f"es_save@{level}"]["per_second"]
        )
    out["verify/hashlib"] = results["audit"]["ratio"]
    out["replay/raw_scan"] = results["replay"]["ratio"]
    out["bare_insert@32/generator_ceiling"] = _ratio(
        w["bare_insert@32"]["per_second"], results["load_generator_ceiling"]["per_second"]
    )
    return out
