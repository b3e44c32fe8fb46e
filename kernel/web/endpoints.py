"""A command's route declared once: the published `CommandRoute`, the guard that names the role
the caller acts in, and the decision itself. Every command route of a service had the same body
(parse the path, guard, read If-Match, run the decision on behalf of the caller); `CommandRoutes`
writes that body once and registers each command with the name and docstring of its decision,
so the published OpenAPI (operationId, summary, description, parameters, body) is what a
written-out route would publish.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from kernel.calendar import china_date
from kernel.context import Actor, current_context
from kernel.roles import Role
from kernel.routes import CommandRoute
from kernel.store import Committed
from kernel.web.caller import CurrentActor
from kernel.web.commands import expected_version, run_command
from kernel.web.metrics import counted_command

A = TypeVar("A")
B = TypeVar("B")


@dataclass(frozen=True)
class Call(Generic[A, B]):
    """One command as it arrives: the service's application, the caller, the validated body, the
    path's parameters, and (once the guard has passed) the role the caller acts in and the
    version they pinned with If-Match."""

    app: A
    actor: Actor
    body: B
    path: dict[str, Any]
    role: Role | None = None
    version: int | None = None

    @property
    def now(self) -> datetime:
        """The command's time, as its context stamped it (only inside the decision)."""
        return current_context().now

    @property
    def today(self) -> date:
        """The command's day in China, the day its rules count in."""
        return china_date(self.now)


def application(attribute: str) -> Any:
    """The dependency that yields a service's application, which its composition root (main.py)
    keeps as `app.state.<attribute>`: `Annotated[Goals, application("goals")]`."""

    def service_application(request: Request) -> Any:
        return getattr(request.app.state, attribute)

    return Depends(service_application)


Guard = Callable[[Call[Any, Any]], Role]
Decide = Callable[[Call[A, B]], Committed]


def _reason_field(body: Any) -> str | None:
    reason: str | None = getattr(body, "reason", None)
    return reason


@dataclass(frozen=True)
class CommandRoutes:
    """The command routes of one service: `router` to register on, `app` the annotated
    dependency that yields the service's application (`Annotated[Goals, Depends(goals)]`)."""

    router: APIRouter
    app: Any

    def __call__(
        self,
        route: CommandRoute,
        *,
        guard: Guard,
        reason: Callable[[Any], str | None] = _reason_field,
        versioned: bool = True,
    ) -> Callable[[Decide[A, B]], Decide[A, B]]:
        """Register the decorated decision as the POST route of `route`.

        `guard` refuses the caller or names the role they act in; `reason` is the text the
        command context records as its reason (the body's `reason` unless said otherwise);
        a `versioned` command reads If-Match before it runs, as every command pinned to an
        aggregate version does.
        """

        def register(decide: Decide[A, B]) -> Decide[A, B]:
            def endpoint(
                request: Request, actor: Actor, app: Any, body: Any, **path: Any
            ) -> JSONResponse:
                with counted_command(app.name, decide.__name__):
                    call: Call[Any, Any] = Call(app, actor, body, path)
                    role = guard(call)
                    version = expected_version(request) if versioned else None
                    call = replace(call, role=role, version=version)
                    return run_command(
                        app,
                        request,
                        actor,
                        role,
                        lambda: decide(call),
                        payload=body,
                        reason=reason(body),
                    )

            self.router.add_api_route(
                route.path,
                _named(endpoint, decide, route, self.app),
                methods=["POST"],
                status_code=201,
            )
            return decide

        return register


def _named(
    endpoint: Callable[..., JSONResponse], decide: Callable[..., Any], route: CommandRoute, app: Any
) -> Callable[..., JSONResponse]:
    """`endpoint` under the decision's name and docstring, with the signature FastAPI reads:
    the path's parameters in order (UUIDs unless the route says text), then the body."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter(name, keyword, annotation=str if name in route.text else UUID)
        for name in route.params
    ]
    params += [
        inspect.Parameter("body", keyword, annotation=route.body),
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter("actor", keyword, annotation=CurrentActor),
        inspect.Parameter("app", keyword, annotation=app),
    ]

    def named(**kwargs: Any) -> JSONResponse:
        return endpoint(**kwargs)

    named.__name__ = named.__qualname__ = decide.__name__
    named.__doc__ = decide.__doc__
    named.__module__ = decide.__module__
    named.__signature__ = inspect.Signature(params, return_annotation=JSONResponse)  # type: ignore[attr-defined]
    return named
