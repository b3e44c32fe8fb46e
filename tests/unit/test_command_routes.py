"""Each service publishes its commands in services/<capability>/commands.py; the gateway forwards
by them and the service routes by them. These tests hold the two to each other: every published
command is a POST route of its service with that body, its path parameters are UUIDs exactly
where the route says so, and every POST route of a service is published.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI

from kernel.routes import CommandRoute
from kernel.settings import Settings
from services.directory import commands as directory
from services.directory.main import create_app as directory_app
from services.feedback import commands as feedback
from services.feedback.main import create_app as feedback_app
from services.goals import commands as goals
from services.goals.main import create_app as goals_app
from services.reviews import commands as reviews
from services.reviews.main import create_app as reviews_app
from tests.security.documents import UNUSED

SERVICES: dict[str, tuple[ModuleType, Callable[[Settings], FastAPI]]] = {
    "directory": (directory, directory_app),
    "goals": (goals, goals_app),
    "feedback": (feedback, feedback_app),
    "reviews": (reviews, reviews_app),
}


def _published(module: ModuleType) -> list[CommandRoute]:
    return [v for v in vars(module).values() if isinstance(v, CommandRoute)]


def _posts(service: str) -> dict[str, Any]:
    paths = SERVICES[service][1](UNUSED).openapi()["paths"]
    return {path: item["post"] for path, item in paths.items() if "post" in item}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_published_command_is_a_route_of_its_service_with_that_body(service: str) -> None:
    module, _ = SERVICES[service]
    posts = _posts(service)
    for command in _published(module):
        assert command.service == service
        operation = posts[command.path]
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = body.get("schema", {}).get("$ref")
        if ref is not None:
            assert ref == f"#/components/schemas/{command.body.__name__}", command.path
        else:
            assert not command.body.model_fields, f"{command.path} takes no body"
        uuids = {
            p["name"]
            for p in operation.get("parameters", [])
            if p["in"] == "path" and p["schema"].get("format") == "uuid"
        }
        assert uuids == set(command.params) - command.text, command.path


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_command_route_of_a_service_is_published(service: str) -> None:
    module, _ = SERVICES[service]
    assert set(_posts(service)) == {c.path for c in _published(module)}


def test_a_path_is_filled_in_with_each_parameter_quoted_as_one_segment() -> None:
    route = goals.RECORD_PROGRESS
    assert route.params == ("goal_set_id", "item_id")
    assert (
        route.url(goal_set_id=UUID(int=7), item_id="a/b c")
        == "/goal-sets/00000000-0000-0000-0000-000000000007/items/a%2Fb%20c/progress"
    )
