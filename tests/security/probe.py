"""Sending one probe (an operation of the schema with arguments aimed at a unit) and naming what
came back, in the words of the matrix table.
"""

from __future__ import annotations

import json
from dataclasses import astuple
from typing import Any

import httpx

from tests.e2e.conftest import System
from tests.security.graphql_ops import Operation, Records, arguments, document

TIMEOUT = 30.0
# One client for the suite: a client per request costs more CPU (its TLS context) than the request.
CLIENT = httpx.Client(timeout=TIMEOUT)


def graphql(system: System, token: str, query: str, variables: dict[str, Any]) -> httpx.Response:
    """The raw answer to a GraphQL request."""
    # Encoded here, with escapes: a lone surrogate has no UTF-8 form, but JSON can carry it.
    body = json.dumps({"query": query, "variables": variables})
    return CLIENT.post(
        system.graphql_url,
        content=body.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def substantial(value: Any) -> bool:
    """Whether an answer holds anything: not only nulls, empty lists, type names and zero counts."""
    if value is None:
        return False
    if isinstance(value, list):
        return any(substantial(v) for v in value)
    if isinstance(value, dict):
        return any(
            substantial(v)
            for k, v in value.items()
            if k != "__typename" and not (k == "totalCount" and v == 0)
        )
    return True


def outcome_of(op: Operation, answer: httpx.Response, foreign: Records | None = None) -> str:
    """ALLOWED (something came back), EMPTY (nothing, and no error), `CODE:rule` for a GraphQL
    error or an HTTP error in the error shape, `HTTP <status>` for anything else; ALLOWED+FOREIGN
    when the answer holds an id of `foreign`'s records.
    """
    try:
        body = answer.json()
    except ValueError:
        return f"HTTP {answer.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {answer.status_code}"
    if answer.status_code != 200:
        error = body.get("error")
        if isinstance(error, dict):
            return f"{error.get('code')}:{error.get('rule')}"
        # A refusal of the whole request on /graphql is in GraphQL's shape.
        if errors := body.get("errors"):
            extensions = errors[0].get("extensions") or {}
            return f"{extensions.get('code')}:{extensions.get('rule')}"
        return f"HTTP {answer.status_code}"
    if errors := body.get("errors"):
        extensions = errors[0].get("extensions") or {}
        return f"{extensions.get('code')}:{extensions.get('rule')}"
    value = (body.get("data") or {}).get(op.name)
    if not substantial(value):
        return "EMPTY"
    if foreign is not None and any(i in answer.text for i in astuple(foreign)):
        return "ALLOWED+FOREIGN"
    return "ALLOWED"


def probe(
    system: System, token: str, op: Operation, records: Records, foreign: Records | None = None
) -> str:
    """What `op` aimed at `records`' unit answers the holder of `token` (who is not of
    `foreign`'s unit).
    """
    args = arguments(op, records)
    return outcome_of(op, graphql(system, token, document(op, args), args), foreign)
