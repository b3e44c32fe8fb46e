"""A real webhook receiver for the tests: an HTTP server on a free port that verifies every
delivery with the `standardwebhooks` library and can be told to fail for a while.

Receivers listen on a loopback address of their own, 127.0.0.2, which the tests name in the
operator's allow-list (`KAOHE_OUTBOUND_ALLOW`, `OUTBOUND_ALLOW` here), as an operator would name an
internal receiver: 127.0.0.1, where Kaohe's own services listen, stays refused like every other
private address.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.system import free_port
from gateway.integrations.outbound import OutboundPolicy

RECEIVER_HOST = "127.0.0.2"
OUTBOUND_ALLOW = f"{RECEIVER_HOST}/32"


def allowing_receivers() -> OutboundPolicy:
    """The outbound policy with the tests' allow-list: public addresses and the receivers'."""
    return OutboundPolicy.parse(OUTBOUND_ALLOW)


@dataclasses.dataclass
class Received:
    """One request as the receiver saw it."""

    webhook_id: str
    body: dict[str, object]
    answered: int | str


@dataclasses.dataclass
class Receiver:
    """Answers each request by the next planned failure, then 204 once the plan is used up.

    Plan entries: an HTTP status (`500`), `"timeout"` (answers after `slow` seconds),
    `"retry-after"` (503 with `Retry-After: 0`), `"gone"` (410), `"redirect"` (302 to
    `redirect_to`). Each 204 takes `pace` seconds; every other answer carries `body`.
    """

    secret: str = ""
    plan: list[int | str] = dataclasses.field(default_factory=list)
    slow: float = 3.0
    pace: float = 0.0
    body: str = "x" * 2000
    redirect_to: str = ""
    host: str = RECEIVER_HOST
    requests: list[Received] = dataclasses.field(default_factory=list)
    rejected: list[str] = dataclasses.field(default_factory=list)
    port: int = dataclasses.field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hook"

    @property
    def accepted(self) -> list[str]:
        """The event ids the receiver answered 2xx to, in the order it did."""
        return [r.webhook_id for r in self.requests if r.answered == 204]

    async def _hook(self, request: Request) -> Response:
        raw = await request.body()
        headers = dict(request.headers)
        try:
            body = Webhook(self.secret).verify(raw, headers) if self.secret else json.loads(raw)
        except WebhookVerificationError as exc:
            self.rejected.append(str(exc))
            return Response(f"bad signature: {exc}", status_code=400)
        step: int | str = self.plan.pop(0) if self.plan else 204
        self.requests.append(Received(headers.get("webhook-id", ""), body, step))
        if step == "timeout":
            await asyncio.sleep(self.slow)
            return Response("too late", status_code=200)
        if step == "retry-after":
            return Response("busy", status_code=503, headers={"Retry-After": "0"})
        if step == "gone":
            return Response(self.body, status_code=410)
        if step == "redirect":
            return Response(self.body, status_code=302, headers={"Location": self.redirect_to})
        if step == 204:
            await asyncio.sleep(self.pace)
            return Response(status_code=204)
        return Response(self.body, status_code=int(step))

    @contextlib.contextmanager
    def running(self) -> Iterator[Receiver]:
        """Serve on the receivers' address and `port` in a thread for the block."""
        app = Starlette(routes=[Route("/hook", self._hook, methods=["POST"])])
        with serving(app, self.port, self.host):
            yield self


@dataclasses.dataclass
class DingTalkRobot:
    """A stand-in for a DingTalk group robot: checks `timestamp` and `sign` as DingTalk does
    (HMAC-SHA256 of "timestamp\\nsecret", base64, within an hour) and answers with an errcode.
    """

    secret: str
    busy: int = 0
    messages: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    refused: list[str] = dataclasses.field(default_factory=list)
    port: int = dataclasses.field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://{RECEIVER_HOST}:{self.port}/robot/send?access_token=test"

    def _expected_sign(self, timestamp: str) -> str:
        digest = hmac.new(
            self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
        ).digest()
        return base64.b64encode(digest).decode()

    async def _send(self, request: Request) -> Response:
        timestamp = request.query_params.get("timestamp", "")
        sign = request.query_params.get("sign", "")
        fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3_600_000
        if not fresh or not hmac.compare_digest(sign, self._expected_sign(timestamp)):
            self.refused.append(sign)
            return JSONResponse({"errcode": 310000, "errmsg": "sign not match"})
        if self.busy > 0:
            self.busy -= 1
            return JSONResponse({"errcode": 130101, "errmsg": "send too fast"})
        self.messages.append(json.loads(await request.body()))
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    @contextlib.contextmanager
    def running(self) -> Iterator[DingTalkRobot]:
        """Serve in a thread for the duration of the block."""
        app = Starlette(routes=[Route("/robot/send", self._send, methods=["POST"])])
        with serving(app, self.port):
            yield self


@contextlib.contextmanager
def serving(app: Starlette, port: int, host: str = RECEIVER_HOST) -> Iterator[None]:
    """Serve `app` on `host`:`port` in a thread for the duration of the block."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            msg = "the test receiver did not start"
            raise RuntimeError(msg)
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
