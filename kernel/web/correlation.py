"""Every request has a correlation id, on every log line written while it is served and on its
answer, and the gateway passes it on to the service a command is forwarded to, which records it
in the event's metadata: one id follows a command from the frontend to the log.

The caller's `X-Correlation-Id` is used when it is a UUID. When there is none, a new one is
written into the request's headers, so that everything downstream (the command's metadata, the
error shape's 500, the gateway's forwarded call) reads the same id. A malformed one is left as
it is, for the command to refuse by its rule (`kernel.uuid_header`), and the request is logged
under a new id.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kernel.tracing import note_correlation

HEADER = b"x-correlation-id"


def _given(scope: Scope) -> bytes | None:
    return next((value for key, value in scope["headers"] if key == HEADER), None)


def _valid(value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return str(UUID(value.decode("ascii")))
    except (ValueError, UnicodeDecodeError):
        return None


def current_correlation_id() -> str:
    """The correlation id of the request being served (bound by `CorrelationId`), or a new one
    outside a request: what a fault logged and answered deep in a request says to quote."""
    return str(structlog.contextvars.get_contextvars().get("correlation_id") or uuid4())


class CorrelationId:
    """ASGI middleware: the request's correlation id, bound to its log lines and answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = _given(scope)
        correlation_id = _valid(given) or str(uuid4())
        if given is None:
            # In place: the last-resort 500 handler, outside this middleware, reads this scope.
            scope["headers"] = [*scope["headers"], (HEADER, correlation_id.encode())]

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message = {**message, "headers": [*headers, (HEADER, correlation_id.encode())]}
            await send(message)

        note_correlation(correlation_id)
        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
            await self.app(scope, receive, answer)
