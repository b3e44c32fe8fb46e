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
from pydantic import BaseModel, ConfigDict

from kernel.auth import AuthenticationError, TokenVerifier
from kernel.context import Actor, CommandContext, acting
from kernel.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    NotPermittedError,
    RuleViolatedError,
)
from kernel.openapi import complete_openapi
from kernel.roles import Role
from kernel.settings import Settings
from kernel.store import Committed, IdempotencyClaim, ServiceApplication, idempotent


class Command(BaseModel):
    """Every command body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


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
    return JSONResponse({"error": body}, status_code=status, headers=headers)


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


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "field": ".".join(str(p) for p in err["loc"] if p != "body"),
            "rule": err["type"],
            "message": err["msg"],
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
        rule="kernel.bearer_token",
        field="Authorization",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def install_kernel(app: FastAPI, settings: Settings) -> None:
    """Attach the token verifier and the shared error handlers to a service's app."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(AuthenticationError, _authentication_error)


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
    """The authenticated caller."""
    verifier: TokenVerifier = request.app.state.verifier
    return verifier.verify(bearer_token(request))


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
    if not 1 <= len(key) <= 255:
        raise RuleViolatedError(
            "kernel.idempotency_key",
            "Idempotency-Key must be 1 to 255 characters",
            field="Idempotency-Key",
        )
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
    app.include_router(router)
    complete_openapi(app, get_actor)

    @app.get("/health", tags=["ops"])
    def health() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    return app
