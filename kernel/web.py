"""FastAPI glue every service shares: one error shape, the caller's identity, the command context,
Idempotency-Key and If-Match handling.

Error shape, for every 401/403/404/409/422:
    {"error": {"status", "code", "message", "rule", "field", "missing_role", "missing_relation",
               "details"}}
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID, uuid4

import structlog
from eventsourcing.persistence import IntegrityError
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection

from kernel.auth import AuthenticationError, GrantCheck, TokenVerifier
from kernel.calendar import china_date
from kernel.context import Actor, CommandContext, acting
from kernel.dates import plausible_field
from kernel.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    NotPermittedError,
    RuleViolatedError,
)
from kernel.limits import BodySizeLimit
from kernel.openapi import complete_openapi
from kernel.roles import Role
from kernel.settings import Settings
from kernel.store import Committed, IdempotencyClaim, ServiceApplication, idempotent
from kernel.text import (
    IDEMPOTENCY_KEY,
    TEXT_STORABLE,
    escape_unstorable,
    idempotency_key_problem,
    storable_field,
    storable_problem,
)

log = structlog.get_logger("kaohe.web")


class Command(BaseModel):
    """Every command body: unknown fields are refused, not ignored; every string in it, however
    deeply nested, is text PostgreSQL can hold (`kernel.text_storable`), and every date in it is
    plausible (`kernel.date_plausible`). Nested models derive from Command too, so each error
    names its exact field (`items.1.title`).
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable_and_plausible(cls, value: Any) -> Any:
        storable_field(value)
        plausible_field(value, china_date())
        return value


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


def storable_parameters(connection: HTTPConnection) -> None:
    """Refuse a query or path parameter PostgreSQL cannot hold (`kernel.text_storable`): routes
    put them into SQL, and PostgreSQL's own message would be the answer. (An HTTPConnection, so
    that WebSocket routes, GraphQL subscriptions, run it too.)"""
    for where, params in (("path", connection.path_params), ("query", connection.query_params)):
        for name, value in params.items():
            if isinstance(value, str) and (problem := storable_problem(value)) is not None:
                error = {"type": TEXT_STORABLE, "loc": (where, name), "msg": problem}
                raise RequestValidationError([error])


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


def install_kernel(app: FastAPI, settings: Settings) -> None:
    """Attach the token verifier, the shared error handlers and the parameter check to an app
    (before its routes are included: the check applies to the routes included afterwards)."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(AuthenticationError, _authentication_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.router.dependencies.append(Depends(storable_parameters))


def bearer_token(request: Request) -> str:
    """The bearer token of a request; AuthenticationError says what is missing."""
    header = request.headers.get("authorization")
    if not header:
        raise AuthenticationError("no bearer token: send 'Authorization: Bearer <token>'")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError("the Authorization header is not 'Bearer <token>'")
    return token.strip()


def get_actor(request: Request) -> Actor:
    """The authenticated caller, whose token's roles are still granted now.

    The grant check (`app.state.grants`, a `kernel.auth.GrantCheck`) is set by the process's
    composition root, since only it knows where the org chart is; a process that set none
    refuses every token rather than trust roles nobody checked.
    """
    verifier: TokenVerifier = request.app.state.verifier
    actor = verifier.verify(bearer_token(request))
    check_grants(request.app, actor)
    return actor


def check_grants(app: Any, actor: Actor) -> None:
    """Refuse `actor` (401, `kernel.grant_in_force`) unless `app`'s grant check finds every
    role it claims still held; refuse everyone if the app was built without a grant check."""
    grants: GrantCheck | None = getattr(app.state, "grants", None)
    if grants is None:
        raise AuthenticationError(
            "this process checks no grants (no app.state.grants): every token is refused",
            "kernel.grant_in_force",
        )
    grants(actor)


CurrentActor = Annotated[Actor, Depends(get_actor)]


def require_unit(actor: Actor, tenant_id: UUID) -> None:
    """Refuse acting on another unit's records."""
    if actor.tenant_id != tenant_id:
        raise NotPermittedError(
            "kernel.same_unit",
            f"the caller acts for unit {actor.tenant_id}, not for unit {tenant_id}",
            missing_relation="MEMBER_OF_UNIT",
        )


def require_role(actor: Actor, role: Role, *, tenant_id: UUID | None = None) -> None:
    """Refuse unless `actor` holds `role` (for `tenant_id`, when given)."""
    if not actor.has(role):
        raise NotPermittedError(
            "kernel.role_required",
            f"this action needs the role {role.value} ({role.label}); the caller has "
            + (", ".join(sorted(r.value for r in actor.roles)) or "no role"),
            missing_role=role.value,
        )
    if tenant_id is not None:
        require_unit(actor, tenant_id)


def _uuid_header(request: Request, name: str) -> UUID | None:
    value = request.headers.get(name)
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise RuleViolatedError(
            "kernel.uuid_header", f"{name} must be a UUID", field=name
        ) from None


def expected_version(request: Request) -> int | None:
    """The aggregate version the caller decided against (If-Match), if given."""
    value = request.headers.get("if-match")
    if value is None:
        return None
    try:
        return int(value.strip().strip('"').removeprefix("W/").strip('"'))
    except ValueError:
        raise RuleViolatedError(
            "kernel.if_match",
            "If-Match must be the aggregate version number",
            field="If-Match",
        ) from None


def run_command(
    app: ServiceApplication,
    request: Request,
    actor: Actor,
    role: Role,
    decide: Callable[[], Committed],
    *,
    payload: BaseModel | None = None,
    reason: str | None = None,
    retry_for: float = 10.0,
) -> JSONResponse:
    """Decide a command on behalf of `actor` acting as `role` and answer with its result.

    Stamps the command context, honours Idempotency-Key (a retry answers the first result and
    records nothing twice), and retries a command that lost a race when the caller did not pin a
    version with If-Match: each loss means another command won, so retrying until `retry_for`
    seconds have passed lets every command of a burst on one aggregate through in turn.
    """
    deadline = time.monotonic() + retry_for
    ctx = CommandContext(
        actor_id=actor.person_id,
        actor_role=role,
        now=datetime.now(UTC),
        tenant_id=actor.tenant_id,
        correlation_id=_uuid_header(request, "x-correlation-id") or uuid4(),
        causation_id=_uuid_header(request, "x-causation-id"),
        reason=reason,
    )
    claim = _claim(request, actor, payload)
    with idempotent(claim), acting(ctx):
        attempt = 0
        while True:
            if (first := app.recorded_result()) is not None:
                return JSONResponse(first, status_code=200, headers={"Idempotent-Replayed": "true"})
            try:
                committed = decide()
            except IntegrityError:
                # Someone else wrote first: a duplicate of this key, or a concurrent command.
                if (first := app.recorded_result()) is not None:
                    return JSONResponse(
                        first, status_code=200, headers={"Idempotent-Replayed": "true"}
                    )
                if expected_version(request) is not None or time.monotonic() > deadline:
                    raise ConflictError(
                        "kernel.optimistic_concurrency",
                        "the record changed while this command was decided; reload and retry",
                    ) from None
                # Concurrent writers of one aggregate collide again if they retry in step.
                time.sleep(random.uniform(0, min(0.1, 0.005 * 2**attempt)))
                attempt += 1
                continue
            return JSONResponse(committed.as_dict(), status_code=201)


def run_versioned(
    app: ServiceApplication,
    request: Request,
    actor: Actor,
    role: Role,
    body: BaseModel,
    decide: Callable[[int | None], Committed],
    reason: str | None = None,
) -> JSONResponse:
    """`run_command` for a decision taken against the aggregate version the caller pinned with
    If-Match (None when they did not).
    """
    version = expected_version(request)
    return run_command(
        app, request, actor, role, lambda: decide(version), payload=body, reason=reason
    )


def _claim(request: Request, actor: Actor, payload: BaseModel | None) -> IdempotencyClaim | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if (problem := idempotency_key_problem(key)) is not None:
        raise RuleViolatedError(IDEMPOTENCY_KEY, problem, field="Idempotency-Key")
    body = payload.model_dump_json() if payload is not None else ""
    fingerprint = hashlib.sha256(
        f"{request.method} {request.url.path}\n{body}".encode()
    ).hexdigest()
    return IdempotencyClaim(key=f"{actor.person_id}:{key}", fingerprint=fingerprint)


def service_app(
    settings: Settings,
    *,
    title: str,
    description: str,
    router: APIRouter,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
) -> FastAPI:
    """A service's FastAPI app: its routes, the shared error handlers and tokens, `/health`, and
    an OpenAPI document that shows them (`kernel.openapi`)."""
    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    install_kernel(app, settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.kaohe_graphql_max_body_bytes)
    app.include_router(router)
    complete_openapi(app, get_actor)

    @app.get("/health", tags=["ops"])
    def health() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    return app
