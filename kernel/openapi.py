"""The OpenAPI document every Kaohe HTTP app publishes, completed in one place.

FastAPI documents what a route's signature shows; what the kernel does around every route is
invisible to it: the bearer token `get_actor` reads, the one error shape of
`kernel.web.error_shape`'s handlers (401/403/404/409/422, not FastAPI's own 422 body) and the
headers `run_command` reads (Idempotency-Key, If-Match, X-Correlation-Id, X-Causation-Id).
`complete_openapi` adds them to every operation of an app, so Swagger UI sends the token and
schemathesis checks the answers against what is documented, with no route written differently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from kernel.errors import ERROR_FIELDS

BEARER = "bearer"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The one error body of every Kaohe service",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": list(ERROR_FIELDS),
            "additionalProperties": False,
            "properties": {
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "code": {"type": "string", "minLength": 1},
                "message": {"type": "string"},
                "rule": {"type": ["string", "null"]},
                "field": {"type": ["string", "null"]},
                "missing_role": {"type": ["string", "null"]},
                "missing_relation": {"type": ["string", "null"]},
                "details": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}

ERROR_ANSWERS: dict[str, str] = {
    "401": "No bearer token, or one that does not verify (UNAUTHENTICATED)",
    "403": "The caller lacks the role or the relation the rule names (FORBIDDEN)",
    "404": "No such record in the caller's reach (NOT_FOUND)",
    "409": "The record changed meanwhile, or the Idempotency-Key was used for another command "
    "(CONFLICT)",
    "422": "A field or a rule refused the input: `field` and `rule` say which "
    "(INVALID_INPUT, RULE_VIOLATED)",
}

COMMAND_HEADERS: list[dict[str, Any]] = [
    {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Retrying with the same key answers the first result and records nothing "
        "twice; the same key with another body is refused",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    },
    {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": "The aggregate version the caller decided against: if the record has "
        "moved on the command is refused with 409 instead of being retried",
        "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,9}"?$'},
    },
    {
        "name": "X-Correlation-Id",
        "in": "header",
        "required": False,
        "description": "Stamped on every event the command records (a new one if absent)",
        "schema": {"type": "string", "format": "uuid"},
    },
    {
        "name": "X-Causation-Id",
        "in": "header",
        "required": False,
        "description": "The event or message that caused this command",
        "schema": {"type": "string", "format": "uuid"},
    },
]

COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def authenticated_operations(
    app: FastAPI, token_reader: Callable[..., Any]
) -> set[tuple[str, str]]:
    """(path, method) of every route that depends, however deep, on `token_reader`."""
    found: set[tuple[str, str]] = set()
    # Routes of included routers are reached through their inclusion contexts (FastAPI >= 0.165).
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and token_reader in set(_calls(route.dependant)):
            found.update(
                (context.path_format or route.path_format, m.lower()) for m in route.methods or ()
            )
    return found


def complete_document(
    document: dict[str, Any], authenticated: set[tuple[str, str]]
) -> dict[str, Any]:
    """`document` with the security scheme, the error answers and the command headers added."""
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})[BEARER] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A token from the identity provider (`kaohe token LOGIN` in development)",
    }
    schemas = components.setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    # FastAPI's own validation bodies are never sent: kernel.web.error_shape answers 422 in it.
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            guarded = (path, method) in authenticated
            for status, description in ERROR_ANSWERS.items():
                if status == "401" and not guarded:
                    continue
                if status in {"403", "404", "409"} and not guarded:
                    continue
                responses[status] = {"description": description, "content": error}
            if guarded:
                operation["security"] = [{BEARER: []}]
            if guarded and method.upper() in COMMAND_METHODS:
                parameters = operation.setdefault("parameters", [])
                named = {(p.get("in"), p.get("name", "").lower()) for p in parameters}
                parameters.extend(
                    h for h in COMMAND_HEADERS if ("header", h["name"].lower()) not in named
                )
    return document


def complete_openapi(app: FastAPI, token_reader: Callable[..., Any]) -> None:
    """Make `app` publish its OpenAPI document completed by `complete_document`.

    `token_reader` is the dependency that authenticates (kernel.web.caller.get_actor): the routes
    that depend on it are the ones that need the bearer scheme and can answer 401/403/404/409.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            app.openapi_schema = complete_document(
                document, authenticated_operations(app, token_reader)
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
