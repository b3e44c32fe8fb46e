"""Every HTTP app's OpenAPI document, built without a database (nothing connects until start-up)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.main import create_app as gateway_app
from kernel.settings import Settings
from services.directory.main import create_app as directory_app
from services.feedback.main import create_app as feedback_app
from services.goals.main import create_app as goals_app
from services.reviews.main import create_app as reviews_app

UNUSED = Settings(database_url="postgresql://unused@127.0.0.1/unused")
APPS: dict[str, Callable[[Settings], Any]] = {
    "directory": directory_app,
    "goals": goals_app,
    "feedback": feedback_app,
    "reviews": reviews_app,
    "gateway": gateway_app,
}


def openapi(name: str) -> dict[str, Any]:
    """The OpenAPI document the app called `name` publishes."""
    document: dict[str, Any] = APPS[name](UNUSED).openapi()
    return document
