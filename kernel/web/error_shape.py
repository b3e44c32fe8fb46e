"""The one error shape every Kaohe process answers with, and the handlers that turn domain
errors, invalid input, bad tokens, Starlette's own refusals and faults of ours into it.

Error shape, for every 401/403/404/409/422:
    {"error": {"status", "code", "message", "rule", "field", "missing_role", "missing_relation",
               "details"}}
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kernel.auth import AuthenticationError
from kernel.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    NotPermittedError,
    RuleViolatedError,
)
from kernel.text import TEXT_STORABLE, escape_unstorable

log = structlog.get_logger("kaohe.web")


STATUS_OF: dict[type[DomainError], tuple[int, str]] = {
    RuleViolatedError: (422, "RULE_VIOLATED"),
    NotPermittedError: (403, "FORBIDDEN"),
    NotFoundError: (404, "NOT_FOUND"),
    ConflictError: (409, "CONFLICT"),
}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    rule: str | None = None,
    field: str | None = None,
    missing_role: str | None = None,
    missing_relation: str | None = None,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The one error body every Kaohe service answers with."""
    body = {
        "status": status,
        "code": code,
        "message": message,
        "rule": rule,
        "field": field,
        "missing_role": missing_role,
        "missing_relation": missing_relation,
        "details": details or [],
    }
    if status < 500:
        # A refusal is the caller's doing: one line for the operator (the request's correlation
        # id is bound to it), never a traceback. A fault of ours is logged where it is caught.
        log.info("refused", status=status, code=code, rule=rule, field=field)
    return JSONResponse({"error": _sendable(body)}, status_code=status, headers=headers)


def _sendable(value: Any) -> Any:
    """An error body that quotes a caller's input can always be encoded: a lone surrogate in a
    message would otherwise turn a 422 into a 500."""
    if isinstance(value, str):
        return escape_unstorable(value)
    if isinstance(value, dict):
        return {k: _sendable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sendable(v) for v in value]
    return value


def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status, code = next(
        (v for k, v in STATUS_OF.items() if isinstance(exc, k)), (422, "RULE_VIOLATED")
    )
    return error_response(
        status,
        code,
        exc.message,
        rule=exc.rule,
        field=exc.field,
        missing_role=exc.missing_role,
        missing_relation=exc.missing_relation,
    )


def _field_of(error: Any) -> str:
    """The dotted path of a validation error (`items.1.title`), down into a field's value when
    the check that failed walked it (`extra_work.2`)."""
    loc = list(error["loc"])
    # FastAPI puts "body" first for the request body; a field may be named body too.
    parts = [str(p) for p in (loc[1:] if loc[:1] == ["body"] else loc)]
    if within := (error.get("ctx") or {}).get("within"):
        parts.append(str(within))
    return ".".join(parts)


def _rule_of(error: Any) -> str:
    # pydantic refuses a lone surrogate itself in constrained strings: the same rule as ours.
    return TEXT_STORABLE if error["type"] == "string_unicode" else str(error["type"])


# pydantic's words for a date it cannot read name its parser's internals ("year 0 is out of
# range"); a caller needs to know what to write instead.
UNREADABLE_DATE = {
    "date_parsing": "not a real date: write it as 2026-04-01",
    "date_from_datetime_parsing": "not a real date: write it as 2026-04-01",
    "datetime_parsing": "not a real date and time: write it as 2026-04-01T09:30:00+08:00",
    "datetime_from_date_parsing": "not a real date and time: write it as 2026-04-01T09:30:00+08:00",
}


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "field": _field_of(err),
            "rule": _rule_of(err),
            "message": UNREADABLE_DATE.get(err["type"], err["msg"]),
        }
        for err in exc.errors()
    ]
    first = details[0] if details else {"field": None, "rule": None, "message": "invalid"}
    return error_response(
        422,
        "INVALID_INPUT",
        f"{first['field']}: {first['message']}",
        rule=first["rule"],
        field=first["field"],
        details=details,
    )


def _authentication_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthenticationError)
    return error_response(
        401,
        "UNAUTHENTICATED",
        exc.reason,
        rule=exc.rule,
        field="Authorization",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """The last resort: a fault of ours answers 500 in the error shape with a correlation id to
    quote, never the exception's text (it can carry SQL, paths or a caller's data); the
    traceback goes to the log under that id."""
    correlation_id = _correlation_id(request)
    log.error(
        "unexpected_error",
        correlation_id=correlation_id,
        method=request.method,
        path=request.url.path,
        exc_info=exc,
    )
    return error_response(
        500,
        "INTERNAL",
        f"an internal error occurred; quote correlation id {correlation_id} when reporting it",
        rule="kernel.internal_error",
        details=[{"correlation_id": correlation_id}],
        headers={"X-Correlation-Id": correlation_id},
    )


def _correlation_id(request: Request) -> str:
    try:
        return str(UUID(request.headers.get("x-correlation-id") or ""))
    except ValueError:
        return str(uuid4())


def _http_error(_: Request, exc: Exception) -> JSONResponse:
    """Starlette's own refusals (no such route, method not allowed) in the one error shape."""
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "HTTP_ERROR")
    return error_response(
        exc.status_code,
        code,
        str(exc.detail),
        rule="kernel.route",
        headers=dict(exc.headers) if exc.headers else None,
    )


def add_error_handlers(app: FastAPI) -> None:
    """Answer every error `app` raises in the one error shape."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(AuthenticationError, _authentication_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
