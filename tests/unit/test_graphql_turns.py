"""The gate every GraphQL operation passes (gateway.graphql.limits.OperationGate) and the router's
refusals, in process over ASGI with a small schema (no database): turns, heavy operations leaving
a turn to light ones, the time limit, the cost limit, rates, batches.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import strawberry
from fastapi import FastAPI
from strawberry.fastapi import BaseContext

from gateway.graphql.limits import GraphQLLimits, OperationGate, RateLimiter
from gateway.graphql.websocket_auth import AuthenticatingRouter
from kernel.auth import TokenVerifier
from kernel.settings import Settings


@strawberry.type
class Item:
    n: int


class Probe:
    """What the resolvers saw: how many ran at once, and a gate holding the slow ones."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.calls = 0
        self.release = asyncio.Event()


def gateway(probe: Probe, **settings: Any) -> FastAPI:
    @strawberry.type
    class Query:
        @strawberry.field
        async def slow(self) -> int:
            probe.running += 1
            probe.most = max(probe.most, probe.running)
            await asyncio.sleep(0.02)
            probe.running -= 1
            return 1

        @strawberry.field
        async def held(self, first: int = 1) -> list[Item]:
            probe.calls += 1
            await probe.release.wait()
            return [Item(n=i) for i in range(first)]

        @strawberry.field
        def light(self) -> int:
            return 1

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def touch(self) -> int:
            return 1

    limits = GraphQLLimits(Settings(**settings))
    schema = strawberry.Schema(
        query=Query, mutation=Mutation, extensions=[lambda: OperationGate(limits=limits)]
    )

    async def context_getter() -> BaseContext:
        return BaseContext()

    router: AuthenticatingRouter = AuthenticatingRouter(
        schema, context_getter=context_getter, verifier=TokenVerifier(Settings())
    )
    app = FastAPI()
    app.include_router(router, prefix="/graphql")
    return app


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


def test_operations_beyond_the_concurrency_wait_their_turn() -> None:
    probe = Probe()
    app = gateway(probe, kaohe_graphql_concurrency=3)

    async def scenario() -> list[httpx.Response]:
        async with client(app) as c:
            return await asyncio.gather(
                *(c.post("/graphql", json={"query": "{ slow }"}) for _ in range(12))
            )

    answers = asyncio.run(scenario())
    assert [a.json() for a in answers] == [{"data": {"slow": 1}}] * 12
    assert probe.most == 3


def test_heavy_operations_leave_a_turn_for_a_light_one() -> None:
    # held(first: 50) costs 55, heavy against a limit of 100; { light } costs 5.
    probe = Probe()
    app = gateway(probe, kaohe_graphql_concurrency=3, kaohe_graphql_max_cost=100)

    async def scenario() -> tuple[httpx.Response, list[httpx.Response]]:
        async with client(app) as c:
            heavy = [
                asyncio.create_task(c.post("/graphql", json={"query": "{ held(first: 50) { n } }"}))
                for _ in range(5)
            ]
            while probe.calls < 2:
                await asyncio.sleep(0.01)
            # Every heavy operation is held; the light one is answered all the same.
            light = await asyncio.wait_for(c.post("/graphql", json={"query": "{ light }"}), 10)
            assert probe.calls == 2
            probe.release.set()
            return light, list(await asyncio.gather(*heavy))

    light, heavy = asyncio.run(scenario())
    assert light.json() == {"data": {"light": 1}}
    assert all(len(h.json()["data"]["held"]) == 50 for h in heavy)


def test_an_operation_over_the_time_limit_is_stopped_and_frees_its_turn() -> None:
    probe = Probe()
    app = gateway(probe, kaohe_graphql_concurrency=1, kaohe_graphql_timeout=0.05)

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        async with client(app) as c:
            cut = await c.post("/graphql", json={"query": "{ held { n } }"})
            after = await asyncio.wait_for(c.post("/graphql", json={"query": "{ light }"}), 10)
            return cut, after

    cut, after = asyncio.run(scenario())
    assert cut.status_code == 200
    error = cut.json()["errors"][0]
    assert error["extensions"] == {
        "code": "TIMEOUT",
        "rule": "gateway.operation_timeout",
        "limit": 0.05,
        "value": 0.05,
    }
    assert after.json() == {"data": {"light": 1}}


def test_an_operation_over_the_cost_limit_is_refused_before_it_runs() -> None:
    probe = Probe()
    probe.release.set()
    app = gateway(probe, kaohe_graphql_max_cost=100)

    async def scenario() -> httpx.Response:
        async with client(app) as c:
            return await c.post("/graphql", json={"query": "{ held(first: 200) { n } }"})

    answer = asyncio.run(scenario())
    body = answer.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {
        "code": "COST_LIMIT",
        "rule": "gateway.query_cost",
        "limit": 100,
        "value": 205,
    }
    assert probe.calls == 0


def test_past_the_burst_a_caller_is_told_to_retry_later_and_mutations_count_apart() -> None:
    probe = Probe()
    app = gateway(probe, kaohe_graphql_query_burst=2, kaohe_graphql_query_rate=0.1)

    async def scenario() -> list[httpx.Response]:
        async with client(app) as c:
            answers = [await c.post("/graphql", json={"query": "{ light }"}) for _ in range(3)]
            answers.append(await c.post("/graphql", json={"query": "mutation { touch }"}))
            return answers

    first, second, refused, mutation = asyncio.run(scenario())
    assert first.status_code == second.status_code == 200
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "10"
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["rule"] == "gateway.query_rate"
    assert error["extensions"]["retryAfter"] == 10
    assert mutation.json() == {"data": {"touch": 1}}


def test_a_token_bucket_refills_at_its_rate() -> None:
    limiter = RateLimiter(rate=2, burst=3)
    assert [limiter.wait("a", now=0) for _ in range(3)] == [0, 0, 0]
    assert limiter.wait("a", now=0) == 0.5
    assert limiter.wait("b", now=0) == 0
    assert limiter.wait("a", now=0.5) == 0


def test_a_batch_and_a_body_that_is_not_json_are_refused_in_graphqls_shape() -> None:
    app = gateway(Probe())

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        async with client(app) as c:
            batch = await c.post("/graphql", json=[{"query": "{ light }"}])
            garbled = await c.post(
                "/graphql", content=b"{not json", headers={"content-type": "application/json"}
            )
            return batch, garbled

    batch, garbled = asyncio.run(scenario())
    assert batch.status_code == 400
    assert batch.json()["errors"][0]["extensions"]["code"] == "BATCH_NOT_SUPPORTED"
    assert garbled.status_code == 400
    assert garbled.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
