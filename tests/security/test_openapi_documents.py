"""Every service's OpenAPI document shows what the kernel does around each route: the bearer
scheme, the refusals in the one error shape, and the headers commands read.
"""

from __future__ import annotations

from typing import Any

import pytest

from kernel.errors import ERROR_FIELDS
from tests.security.documents import APPS, openapi

REFUSALS = {"401", "403", "404", "409", "422"}
# Routes anyone may call: liveness and the published checkpoint keys (verifiers fetch them).
PUBLIC = {"/health", "/ready", "/audit/keys", "/audit/checkpoints", "/graphql"}


def documents() -> list[Any]:
    return [pytest.param(name, openapi(name), id=name) for name in APPS]


@pytest.mark.parametrize(("name", "document"), documents())
def test_every_operation_documents_its_refusals_security_and_command_headers(
    name: str, document: dict[str, Any]
) -> None:
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    error = document["components"]["schemas"]["Error"]
    assert set(error["properties"]["error"]["required"]) == set(ERROR_FIELDS)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{name}: {method.upper()} {path}"
            responses = operation["responses"]
            assert responses["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, where
            if path in PUBLIC:
                continue
            assert set(responses) >= REFUSALS, f"{where}: {sorted(responses)}"
            for status in REFUSALS:
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, where
            assert operation["security"] == [{"bearer": []}], where
            if method == "post":
                headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
                assert {"Idempotency-Key", "If-Match"} <= headers, f"{where}: {headers}"
