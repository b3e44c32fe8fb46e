"""The metrics every process serves: requests counted by their route's template, commands by how
they ended and the rule that refused them, and the projections' and the signer's gauges; no
label ever carries an id, a login or free text.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from gateway.integrations.metrics import webhook_attempt
from gateway.projections.metrics import lag
from kernel.errors import ConflictError, NotPermittedError
from kernel.web.metrics import counted_command, install_metrics
from services.audit.signer import show_age


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_metrics(app, "unit-test")

    @app.get("/people/{person_id}")
    def person(person_id: str) -> dict[str, str]:
        return {"id": person_id}

    units = APIRouter()

    @units.post("/{unit_id}/moves")
    def move(unit_id: str) -> dict[str, str]:
        return {"id": unit_id}

    app.include_router(units, prefix="/units")
    return TestClient(app)


def test_a_request_is_counted_by_its_route_template_never_by_its_path(client: TestClient) -> None:
    labels = {"process": "unit-test", "route": "/people/{person_id}", "method": "GET"}
    before = _value("kaohe_http_requests_total", **labels, status="200")
    timed = _value("kaohe_http_request_duration_seconds_count", **labels)

    person = str(uuid4())
    assert client.get(f"/people/{person}").status_code == 200

    assert _value("kaohe_http_requests_total", **labels, status="200") == before + 1
    assert _value("kaohe_http_request_duration_seconds_count", **labels) == timed + 1
    assert person not in client.get("/metrics").text


def test_a_route_of_an_included_router_is_counted_by_its_whole_template(
    client: TestClient,
) -> None:
    labels = {"process": "unit-test", "route": "/units/{unit_id}/moves", "method": "POST"}
    before = _value("kaohe_http_requests_total", **labels, status="200")

    assert client.post(f"/units/{uuid4()}/moves").status_code == 200

    assert _value("kaohe_http_requests_total", **labels, status="200") == before + 1


def test_a_path_no_route_matches_is_counted_as_unmatched(client: TestClient) -> None:
    labels = {"process": "unit-test", "route": "<unmatched>", "method": "GET", "status": "404"}
    before = _value("kaohe_http_requests_total", **labels)

    assert client.get("/no/such/secret-path").status_code == 404

    assert _value("kaohe_http_requests_total", **labels) == before + 1
    assert "secret-path" not in client.get("/metrics").text


def test_metrics_are_served_in_the_prometheus_text_format(client: TestClient) -> None:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    assert "# TYPE kaohe_http_requests_total counter" in answer.text


def _outcome(outcome: str, rule: str = "") -> float:
    labels = {"service": "tests", "command": "approve", "outcome": outcome, "rule": rule}
    return _value("kaohe_commands_total", **labels)


def test_a_command_is_counted_accepted_refused_with_its_rule_or_conflict() -> None:
    before = [
        _outcome("accepted"),
        _outcome("refused", "goals.no_self_approval"),
        _outcome("conflict", "kernel.optimistic_concurrency"),
        _outcome("error"),
    ]

    with counted_command("tests", "approve"):
        pass
    with pytest.raises(NotPermittedError), counted_command("tests", "approve"):
        raise NotPermittedError("goals.no_self_approval", "no approving one's own goals")
    with pytest.raises(ConflictError), counted_command("tests", "approve"):
        raise ConflictError("kernel.optimistic_concurrency", "changed meanwhile")
    with pytest.raises(ZeroDivisionError), counted_command("tests", "approve"):
        _ = 1 / 0

    after = [
        _outcome("accepted"),
        _outcome("refused", "goals.no_self_approval"),
        _outcome("conflict", "kernel.optimistic_concurrency"),
        _outcome("error"),
    ]
    assert after == [b + 1 for b in before]


def test_lag_is_the_head_minus_the_projected_position_never_below_zero() -> None:
    assert lag(head=120, projected=100) == 20
    assert lag(head=100, projected=100) == 0
    assert lag(head=99, projected=100) == 0


def test_checkpoint_age_counts_from_the_latest_signing_as_of_the_scrape() -> None:
    show_age("tests", datetime.now(UTC) - timedelta(seconds=30))
    first = _value("kaohe_checkpoint_age_seconds", service="tests")
    assert first >= 30
    time.sleep(0.01)
    assert _value("kaohe_checkpoint_age_seconds", service="tests") > first

    show_age("tests", datetime.now(UTC))
    assert _value("kaohe_checkpoint_age_seconds", service="tests") < 30


def test_a_webhook_attempt_is_counted_by_its_kind_and_whether_it_was_delivered() -> None:
    delivered = _value("kaohe_webhook_attempts_total", kind="delivery", outcome="delivered")
    failed = _value("kaohe_webhook_attempts_total", kind="redelivery", outcome="failed")

    webhook_attempt("DELIVERY", succeeded=True)
    webhook_attempt("REDELIVERY", succeeded=False)

    assert _value("kaohe_webhook_attempts_total", kind="delivery", outcome="delivered") == (
        delivered + 1
    )
    assert _value("kaohe_webhook_attempts_total", kind="redelivery", outcome="failed") == failed + 1
