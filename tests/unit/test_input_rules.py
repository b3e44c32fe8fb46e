"""The input rules (docs/security.md, "Input validation"): text PostgreSQL can hold, names a
person can read, plausible dates and years, Idempotency-Keys, and errors that never leak.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from fastapi import FastAPI
from fastapi.testclient import TestClient
from graphql import GraphQLError, parse
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field, ValidationError

from gateway.graphql.input_rules import argument_problem, shaped
from kernel.calendar import china_date
from kernel.dates import EARLIEST_DATE, date_problem, latest_date, year_problem
from kernel.errors import RuleViolatedError
from kernel.settings import Settings
from kernel.text import (
    Name,
    Reason,
    check_name,
    check_storable,
    escape_unstorable,
    idempotency_key_problem,
    is_visible,
)
from kernel.web.app import install_kernel
from kernel.web.commands import Command

UNSTORABLE = st.sampled_from(["\x00", *map(chr, range(0xD800, 0xE000, 97)), "\udfff"])
STORABLE = st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))
INVISIBLE = st.sampled_from(
    [" ", "\t", "\n", "\r", "\u200b", "\ufeff", "\u200e", "\u3000", "\u00a0", "\u2028", "\x7f"]
)


@settings(max_examples=50)
@given(before=STORABLE, bad=UNSTORABLE, after=STORABLE)
def test_any_text_with_a_nul_or_a_lone_surrogate_is_refused(
    before: str, bad: str, after: str
) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        check_storable(before + bad + after, "text")
    assert refused.value.rule == "kernel.text_storable"
    assert refused.value.field == "text"
    # The message can itself be sent and logged: it quotes no unstorable character.
    assert escape_unstorable(refused.value.message) == refused.value.message


@settings(max_examples=50)
@given(text=STORABLE)
def test_any_text_without_them_is_accepted_unchanged(text: str) -> None:
    assert check_storable(text, "text") is text


@settings(max_examples=50)
@given(name=st.lists(INVISIBLE, max_size=8).map("".join))
def test_names_of_only_invisible_characters_are_refused(name: str) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        check_name(name, "name")
    assert refused.value.rule == "kernel.name_visible"


@pytest.mark.parametrize(
    "name",
    # Hangul fillers, the Braille blank, combining marks alone: drawn as nothing (an attack on
    # the merged system created people named so).
    ["\u3164", "\u2800", "\u115f", "\u0301\u0301", "\u3164\u2800 \u0301"],
)
def test_names_of_blank_looking_letters_or_marks_alone_are_refused(name: str) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        check_name(name, "name")
    assert refused.value.rule == "kernel.name_visible"


@settings(max_examples=50)
@given(
    pad=st.lists(INVISIBLE, max_size=4).map("".join), core=st.sampled_from(["张三", "A", "综合科"])
)
def test_a_name_with_one_visible_character_is_accepted_as_written(pad: str, core: str) -> None:
    assert check_name(pad + core + pad, "name") == pad + core + pad
    assert is_visible(core)


class Item(Command):
    title: Name
    notes: list[str] = Field(default_factory=list)


class Body(Command):
    name: str
    items: list[Item] = Field(default_factory=list)
    extra_work: list[str] = Field(default_factory=list)
    config: dict[str, Any] = Field(default_factory=dict)
    on: date | None = None


def refusal(body: dict[str, Any]) -> tuple[tuple[Any, ...], str, dict[str, Any]]:
    with pytest.raises(ValidationError) as refused:
        Body.model_validate(body)
    error = refused.value.errors()[0]
    return error["loc"], error["type"], error.get("ctx") or {}


def test_a_command_names_the_nested_field_that_holds_a_nul() -> None:
    loc, rule, _ = refusal({"name": "ok", "items": [{"title": "ok"}, {"title": "a\x00"}]})
    assert (loc, rule) == (("items", 1, "title"), "kernel.text_storable")


def test_a_command_names_the_element_of_a_list_of_strings() -> None:
    loc, rule, ctx = refusal({"name": "ok", "extra_work": ["a", "b", "\ud800"]})
    assert (loc, rule, ctx["within"]) == (("extra_work",), "kernel.text_storable", "2")


def test_a_command_looks_into_free_form_configuration_and_its_keys() -> None:
    _, rule, ctx = refusal({"name": "ok", "config": {"indicators": [{"name": "x\x00"}]}})
    assert (rule, ctx["within"]) == ("kernel.text_storable", "indicators.0.name")
    _, _, ctx = refusal({"name": "ok", "config": {"k\x00": 1}})
    assert ctx["within"] == "k\\u0000.[key]"


def test_a_blank_name_in_a_command_is_refused() -> None:
    loc, rule, _ = refusal({"name": "ok", "items": [{"title": "\u200b\ufeff "}]})
    assert (loc, rule) == (("items", 0, "title"), "kernel.name_visible")


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(9999, 12, 31)])
def test_a_command_refuses_implausible_dates(day: date) -> None:
    loc, rule, _ = refusal({"name": "ok", "on": day.isoformat()})
    assert (loc, rule) == (("on",), "kernel.date_plausible")


def test_dates_are_plausible_from_2000_to_the_end_of_next_year() -> None:
    today = date(2026, 12, 2)
    assert latest_date(today) == date(2027, 12, 31)
    assert date_problem(EARLIEST_DATE, today) is None
    assert date_problem(date(2027, 12, 31), today) is None
    assert date_problem(EARLIEST_DATE - timedelta(days=1), today) is not None
    assert date_problem(date(2028, 1, 1), today) is not None
    assert Body.model_validate({"name": "ok", "on": china_date().isoformat()}).on is not None


@pytest.mark.parametrize(
    ("year", "plausible"),
    [(0, False), (-1, False), (1999, False), (2000, True), (2100, True), (2101, False)],
)
def test_years_are_plausible_from_2000_to_2100(year: int, plausible: bool) -> None:
    assert (year_problem(year) is None) is plausible


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("demo:person:1", True),
        ("a" * 255, True),
        ("", False),
        ("a" * 256, False),
        ("键", False),
        ("caf\u00e9", False),
        ("two words", False),
        ("a\x00", False),
    ],
)
def test_idempotency_keys_are_visible_ascii(key: str, valid: bool) -> None:
    assert (idempotency_key_problem(key) is None) is valid


def test_graphql_arguments_with_a_nul_are_found_in_literals_and_variables() -> None:
    document = parse('mutation { a(unitId: "x", items: [{what: "ok"}, {what: "b\\u0000"}]) }')
    assert argument_problem(document, None) is not None
    assert argument_problem(document, None)[0] == "items.1.what"  # type: ignore[index]
    assert argument_problem(parse("{ a(x: $v) }"), {"v": {"t": ["ok", "\x00"]}})[0] == "v.t.1"  # type: ignore[index]
    assert argument_problem(parse('{ a(x: "fine") }'), {"v": "fine"}) is None


def test_an_unexpected_graphql_error_is_masked_with_a_correlation_id() -> None:
    error = GraphQLError("boom", path=["x"], original_error=ValueError("badly formed hex"))
    masked = shaped(error)
    assert "badly" not in masked.message
    assert masked.extensions is not None
    assert masked.extensions["code"] == "INTERNAL"
    assert masked.extensions["correlation_id"] in masked.message
    # Within a request, the request's own id: the one on every line it logged.
    with structlog.contextvars.bound_contextvars(
        correlation_id="3f1c0c6e-0000-4000-8000-000000000001"
    ):
        inside = shaped(error)
    assert inside.extensions is not None
    assert inside.extensions["correlation_id"] == "3f1c0c6e-0000-4000-8000-000000000001"


def test_a_domain_refusal_in_a_resolver_keeps_its_rule() -> None:
    refused = RuleViolatedError("kernel.date_plausible", "too late", field="on")
    error = shaped(GraphQLError("too late", path=["x"], original_error=refused))
    assert error.extensions is not None
    assert (error.extensions["code"], error.extensions["rule"]) == (
        "RULE_VIOLATED",
        "kernel.date_plausible",
    )


def app_with_faults(tmp_path: Path) -> TestClient:
    app = FastAPI()
    install_kernel(app, Settings(kaohe_data_dir=tmp_path))

    @app.get("/fault")
    def fault() -> None:
        raise RuntimeError('relation "secret_table" does not exist')

    @app.get("/search/{term}")
    def search(term: str, q: str = "") -> dict[str, str]:
        return {"term": term, "q": q}

    @app.post("/command")
    def command(body: Body) -> dict[str, str]:
        return {"name": body.name}

    return TestClient(app, raise_server_exceptions=False)


def test_an_unexpected_exception_answers_500_in_the_error_shape_without_its_text(
    tmp_path: Path,
) -> None:
    answer = app_with_faults(tmp_path).get("/fault")
    assert answer.status_code == 500
    error = answer.json()["error"]
    assert error["code"] == "INTERNAL"
    assert "secret_table" not in answer.text
    assert error["details"][0]["correlation_id"] == answer.headers["x-correlation-id"]


def test_a_refusal_that_quotes_a_lone_surrogate_can_still_be_sent(tmp_path: Path) -> None:
    client = app_with_faults(tmp_path)
    answer = client.post(
        "/command",
        content=b'{"name": "x", "items": [{"title": "\\ud800"}]}',
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert (error["field"], error["rule"]) == ("items.0.title", "kernel.text_storable")
    answer = client.post("/command", json={"name": "x", "extra_work": ["a", "b\u0000"]})
    assert answer.json()["error"]["field"] == "extra_work.1"


def test_a_nul_in_a_query_or_path_parameter_is_refused_naming_it(tmp_path: Path) -> None:
    client = app_with_faults(tmp_path)
    assert client.get("/search/x", params={"q": "fine"}).status_code == 200
    for url, field in [("/search/x?q=a%00b", "query.q"), ("/search/a%00b", "path.term")]:
        answer = client.get(url)
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert (error["field"], error["rule"]) == (field, "kernel.text_storable")


def test_an_unknown_route_or_method_answers_in_the_error_shape(tmp_path: Path) -> None:
    client = app_with_faults(tmp_path)
    missing, wrong = client.get("/nothing"), client.delete("/fault")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "NOT_FOUND")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "METHOD_NOT_ALLOWED")
    assert wrong.headers["allow"] == "GET"


@pytest.mark.parametrize("reason", ["\u200b\u200b", "  ", "\u3164\u3164"])
def test_a_reason_nobody_can_read_is_refused(reason: str) -> None:
    # A disclosure of an anonymous filer was recorded with the reason "\u200b\u200b".
    class Act(Command):
        reason: Reason

    with pytest.raises(ValidationError) as refused:
        Act(reason=reason)
    assert refused.value.errors()[0]["type"] == "kernel.reason_visible"
