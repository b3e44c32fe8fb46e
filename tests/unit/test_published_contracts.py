"""The published contracts (the GraphQL schema and each service's OpenAPI) are what frontends and
integrations build against: a change to them is a decision, made by regenerating the files in
docs/contract/ (`KAOHE_WRITE_CONTRACTS=1 pytest tests/unit/test_published_contracts.py`) and
reviewing the diff, never a side effect of moving code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from graphql import print_schema

from gateway.graphql.schema import build_schema
from gateway.main import create_app as gateway_app
from kernel.settings import Settings
from services.directory.main import create_app as directory_app
from services.feedback.main import create_app as feedback_app
from services.goals.main import create_app as goals_app
from services.reviews.main import create_app as reviews_app
from tests.security.documents import UNUSED

CONTRACTS = Path(__file__).parents[2] / "docs" / "contract"
WRITE = os.environ.get("KAOHE_WRITE_CONTRACTS") == "1"

APPS: dict[str, Callable[[Settings], FastAPI]] = {
    "directory": directory_app,
    "goals": goals_app,
    "feedback": feedback_app,
    "reviews": reviews_app,
    "gateway": gateway_app,
}


def _same_as_published(name: str, text: str) -> None:
    path = CONTRACTS / name
    if WRITE:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        f"{name} differs from what the code publishes; if the change is meant, regenerate "
        "with KAOHE_WRITE_CONTRACTS=1 and review the diff"
    )


def test_the_graphql_schema_is_the_published_one() -> None:
    _same_as_published("schema.graphql", print_schema(build_schema(12)._schema) + "\n")


@pytest.mark.parametrize("service", sorted(APPS))
def test_each_openapi_is_the_published_one(service: str) -> None:
    document = APPS[service](UNUSED).openapi()
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    _same_as_published(f"openapi-{service}.json", text)
