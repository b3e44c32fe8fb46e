"""A command over HTTP: the body every command derives from, and running it on behalf of the
caller (the command context, Idempotency-Key, If-Match, retries after a lost race)."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError
from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, field_validator

from kernel.calendar import china_date
from kernel.context import Actor, CommandContext, acting
from kernel.dates import plausible_field
from kernel.errors import ConflictError, RuleViolatedError
from kernel.roles import Role
from kernel.store import Committed, IdempotencyClaim, ServiceApplication, idempotent
from kernel.text import IDEMPOTENCY_KEY, idempotency_key_problem, storable_field


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
    ctx = _command_context(request, actor, role, reason)
    with idempotent(_claim(request, actor, payload)), acting(ctx):
        attempt = 0
        while True:
            if (replayed := _replayed(app)) is not None:
                return replayed
            try:
                committed = decide()
            except IntegrityError:
                # Someone else wrote first: a duplicate of this key, or a concurrent command.
                if (replayed := _replayed(app)) is not None:
                    return replayed
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


def _command_context(
    request: Request, actor: Actor, role: Role, reason: str | None
) -> CommandContext:
    """Who decides, as what, now, and the request's correlation and causation (new when the
    caller sent no X-Correlation-Id).
    """
    return CommandContext(
        actor_id=actor.person_id,
        actor_role=role,
        now=datetime.now(UTC),
        tenant_id=actor.tenant_id,
        correlation_id=_uuid_header(request, "x-correlation-id") or uuid4(),
        causation_id=_uuid_header(request, "x-causation-id"),
        reason=reason,
    )


def _replayed(app: ServiceApplication) -> JSONResponse | None:
    """The first result of this Idempotency-Key, answered again, if one is recorded."""
    if (first := app.recorded_result()) is None:
        return None
    return JSONResponse(first, status_code=200, headers={"Idempotent-Replayed": "true"})


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
