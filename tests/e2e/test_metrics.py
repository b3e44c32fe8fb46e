"""End to end: every process `kaohe run` starts serves its Prometheus metrics at `/metrics`, and
what a frontend, the projections, the signer and the delivery worker do moves them; no metric
names a person, a login, a unit or anything anyone typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from deploy.launcher import processes
from kernel.calendar import china_date
from tests.e2e.conftest import System, Unit, new_unit
from tests.receiver import OUTBOUND_ALLOW, Receiver

pytestmark = pytest.mark.e2e

SYSTEM_ENV = {
    # A checkpoint after every event, looked for every second.
    "KAOHE_CHECKPOINT_EVERY_EVENTS": "1",
    "KAOHE_CHECKPOINT_EVERY_SECONDS": "1",
    "KAOHE_WEBHOOK_RETRY_SCHEDULE": "0,0.1,0.2,0.3",
    "KAOHE_WEBHOOK_TIMEOUT_SECONDS": "1",
    "KAOHE_OUTBOUND_ALLOW": OUTBOUND_ALLOW,
}

DRAFT = """mutation($unit: ID!, $period: String!) {
  draftGoalSet(unitId: $unit, period: $period, items: []) { goalSet { id } position } }"""
SUBMIT = """mutation($id: ID!) { submitGoalSet(goalSetId: $id) { goalSet { id } } }"""
SUBSCRIBE = """mutation($unit: ID!, $url: String!) {
  createWebhookSubscription(unitId: $unit, url: $url, startAfter: "k1.e30") {
    secret subscription { id } } }"""

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(system: System, process: str) -> tuple[str, Samples]:
    """The process's `/metrics` as served, and its samples by name and labels."""
    port = next(p.port for p in processes(system.settings) if p.name == process)
    answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert answer.status_code == 200, process
    assert answer.headers["content-type"].startswith("text/plain"), process
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }
    return answer.text, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def until(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Wait for the system to get there (never asserting how long it took)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


def quarter() -> str:
    today = china_date()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@pytest.fixture(scope="module")
def before(system: System) -> dict[str, Samples]:
    """Every process's metrics before the module's actions."""
    return {p.name: scrape(system, p.name)[1] for p in processes(system.settings)}


@pytest.fixture(scope="module")
def unit(system: System, before: dict[str, Samples]) -> Unit:
    """A unit built over GraphQL, with a person who then drafts an empty goal set and submits it
    (refused: a goal set needs goals)."""
    unit = new_unit(system, "指标测试单位", "E2E-METRICS", office="metrics-office")
    unit.open("vehicles", "公车服务科", "VEHICLES")
    unit.staff("vehicles", zhaolei="赵磊")
    staff = unit.token("zhaolei")
    drafted = system.data(staff, DRAFT, unit=unit.id, period=quarter())["draftGoalSet"]
    refused = system.error(staff, SUBMIT, id=drafted["goalSet"]["id"])
    assert refused["extensions"]["rule"] == "goals.not_empty"
    return unit


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_every_process_serves_its_metrics_in_the_prometheus_text_format(system: System) -> None:
    for process in processes(system.settings):
        text, samples = scrape(system, process.name)
        assert "# TYPE kaohe_http_requests_total counter" in text, process.name
        assert any(name == "kaohe_http_requests_total" for name, _ in samples), process.name


def commands(
    before: Samples, after: Samples, service: str, command: str, outcome: str, rule: str = ""
) -> float:
    """How many more `command`s the service decided with that outcome."""
    labels = {"service": service, "command": command, "outcome": outcome, "rule": rule}
    return moved(before, after, "kaohe_commands_total", **labels)


def test_commands_are_counted_by_outcome_with_the_rule_that_refused_them(
    system: System, unit: Unit, before: dict[str, Samples]
) -> None:
    _, directory = scrape(system, "directory")
    _, goals = scrape(system, "goals")
    was = before["directory"]
    assert commands(was, directory, "directory", "register_unit", "accepted") >= 1
    assert commands(was, directory, "directory", "add_person", "accepted") >= 2
    was = before["goals"]
    assert commands(was, goals, "goals", "draft_goal_set", "accepted") == 1
    assert commands(was, goals, "goals", "submit_goal_set", "refused", "goals.not_empty") == 1
    assert commands(was, goals, "goals", "submit_goal_set", "accepted") == 0


def test_requests_are_counted_by_route_template_and_commits_by_batch(
    system: System, unit: Unit, before: dict[str, Samples]
) -> None:
    _, gateway = scrape(system, "gateway")
    _, directory = scrape(system, "directory")
    graphql = {"process": "gateway", "route": "/graphql", "method": "POST"}
    assert moved(before["gateway"], gateway, "kaohe_http_requests_total", **graphql, status="200")
    assert moved(before["gateway"], gateway, "kaohe_http_request_duration_seconds_count", **graphql)
    people = {"process": "directory", "route": "/units/{unit_id}/people", "method": "POST"}
    was = before["directory"]
    assert moved(was, directory, "kaohe_http_requests_total", **people, status="201")
    # register, open two departments, add two people, grant: each command in one batch
    committed = moved(was, directory, "kaohe_group_commit_batch_size_sum", service="directory")
    assert committed >= 6


def test_the_projections_count_what_they_applied_and_how_far_behind_they_are(
    system: System, unit: Unit, before: dict[str, Samples]
) -> None:
    _, gateway = scrape(system, "gateway")
    # The mutations answered once their events were projected (read-your-writes).
    for service in ("directory", "goals"):
        assert moved(before["gateway"], gateway, "kaohe_projection_events_total", service=service)
    for service in ("directory", "goals", "feedback", "reviews"):
        lag = gateway.get(("kaohe_projection_lag_events", frozenset({("service", service)})))
        assert lag is not None, service
        assert lag >= 0, service


def test_the_signer_shows_how_old_each_logs_latest_checkpoint_is(
    system: System, unit: Unit
) -> None:
    def aged() -> dict[tuple[str, Any], float]:
        _, audit = scrape(system, "audit")
        return {k: v for k, v in audit.items() if k[0] == "kaohe_checkpoint_age_seconds"}

    until(lambda: len(aged()) >= 2)
    ages = aged()
    services = {dict(labels)["service"] for _, labels in ages}
    assert {"directory", "goals"} <= services
    assert all(age >= 0 for age in ages.values())
    _, audit = scrape(system, "audit")
    assert value(audit, "kaohe_checkpoints_total", service="directory", outcome="signed") >= 1


def test_the_delivery_worker_counts_webhook_attempts_delivered_and_failed(
    system: System, unit: Unit, before: dict[str, Samples]
) -> None:
    receiver = Receiver(plan=[500])
    with receiver.running():
        created = system.data(unit.office, SUBSCRIBE, unit=unit.id, url=receiver.url)
        receiver.secret = created["createWebhookSubscription"]["secret"]
        until(lambda: len(receiver.accepted) >= 1)
    assert receiver.accepted
    _, worker = scrape(system, "integrations")
    was, attempts = before["integrations"], "kaohe_webhook_attempts_total"
    assert moved(was, worker, attempts, kind="delivery", outcome="failed") >= 1
    assert moved(was, worker, attempts, kind="delivery", outcome="delivered") >= 1


def test_no_metric_names_a_person_a_login_a_unit_or_what_anyone_typed(
    system: System, unit: Unit
) -> None:
    personal = [unit.id, *unit.people.values(), *unit.people, "赵磊", "王芳", "指标测试单位"]
    personal += list(unit.departments.values())
    for process in processes(system.settings):
        text, _ = scrape(system, process.name)
        for word in personal:
            assert word not in text, (process.name, word)
