"""The gateway's GraphQL router runs at most its concurrency of HTTP operations at once; the rest
wait their turn and are all answered (in process, over ASGI; no database).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import strawberry
from fastapi import FastAPI

from gateway.graphql.websocket_auth import AuthenticatingRouter
from kernel.auth import TokenVerifier
from kernel.settings import Settings


def test_operations_beyond_the_concurrency_wait_their_turn() -> None:
    running = 0
    most = 0

    @strawberry.type
    class Query:
        @strawberry.field
        async def slow(self) -> int:
            nonlocal running, most
            running += 1
            most = max(most, running)
            await asyncio.sleep(0.02)
            running -= 1
            return 1

    async def context_getter() -> dict[str, Any]:
        return {}

    router: AuthenticatingRouter = AuthenticatingRouter(
        strawberry.Schema(query=Query),
        context_getter=context_getter,
        verifier=TokenVerifier(Settings()),
        concurrency=3,
    )
    app = FastAPI()
    app.include_router(router, prefix="/graphql")

    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await asyncio.gather(
                *(client.post("/graphql", json={"query": "{ slow }"}) for _ in range(12))
            )

    answers = asyncio.run(scenario())
    assert [a.json() for a in answers] == [{"data": {"slow": 1}}] * 12
    assert most == 3
