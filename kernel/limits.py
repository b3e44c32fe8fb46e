"""The largest request body a Kaohe process reads, refused before it is held in memory: by its
declared Content-Length at once, and by counting the bytes of a chunked body as they arrive.

An ASGI middleware, so it sits in front of everything (FastAPI reads a body whole before any
route runs). The refusal is a 413 in the one error shape, or in GraphQL's shape on GraphQL paths.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

RULE = "kernel.max_body_bytes"


class BodyTooLargeError(Exception):
    """The request body passed the limit while it was being read."""


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with 413 (`PAYLOAD_TOO_LARGE`)."""

    def __init__(self, app: ASGIApp, max_bytes: int, graphql_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.graphql_paths = frozenset(graphql_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or refuse it once its body is known to be too large."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send, declared)
            return
        received = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    over = True
                    raise BodyTooLargeError
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            # Whatever the app answers to a body cut short (FastAPI: a 400) gives way to ours.
            if over:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(BodyTooLargeError):
            await self.app(scope, counted, guarded)
        if over and not started:
            await self._refuse(scope, send, received)

    async def _refuse(self, scope: Scope, send: Send, value: int) -> None:
        message = (
            f"the request body is {value} bytes or more; at most {self.max_bytes} are accepted"
        )
        extensions: dict[str, Any] = {
            "code": "PAYLOAD_TOO_LARGE",
            "status": 413,
            "rule": RULE,
            "limit": self.max_bytes,
            "value": value,
        }
        body: dict[str, Any]
        if scope.get("path") in self.graphql_paths:
            body = {"data": None, "errors": [{"message": message, "extensions": extensions}]}
        else:
            body = {
                "error": {
                    "status": 413,
                    "code": "PAYLOAD_TOO_LARGE",
                    "message": message,
                    "rule": RULE,
                    "field": None,
                    "missing_role": None,
                    "missing_relation": None,
                    "details": [{"limit": self.max_bytes, "value": value}],
                }
            }
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
