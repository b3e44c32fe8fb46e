"""The gateway's GraphQL schema run in process: each request gets the `Context` the gateway builds
(`gateway.main._context_getter`): the actor from a verified bearer token whose roles the org chart
still grants, the pool on the projected read schema, the freshness tracker and the access log.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import strawberry
from strawberry.types import ExecutionResult

from bench.system import token_for
from gateway.audit.access import AccessRecorder
from gateway.freshness import Freshness
from gateway.graphql.context import Context
from kernel.auth import TokenVerifier
from kernel.context import Scope
from kernel.roles import Role
from kernel.settings import Settings
from services.directory.grants import GrantsInForce
from tests.integration.graphql.world import World


@dataclasses.dataclass(kw_only=True)
class Gql:
    """Speaks GraphQL to the schema in process, as the caller a token names."""

    schema: strawberry.Schema
    settings: Settings
    pool: asyncpg.Pool
    read_schema: str
    freshness: Freshness
    http: httpx.AsyncClient
    access: AccessRecorder
    grants: GrantsInForce
    world: World

    @functools.cached_property
    def verifier(self) -> TokenVerifier:
        return TokenVerifier(self.settings)

    def token(
        self,
        roles: list[Role],
        *,
        person_id: UUID | None = None,
        unit_id: UUID | None = None,
        scope: Scope | None = None,
    ) -> str:
        return token_for(
            self.settings,
            roles,
            person_id=person_id,
            tenant_id=unit_id,
            ttl=timedelta(minutes=10),
            scope=scope,
        )

    def as_(self, key: str, *roles: Role) -> str:
        """A token of the world's person `key` (of their unit), claiming APPRAISEE and `roles`."""
        unit = self.world.other_unit if key == "outsider" else self.world.unit
        return self.token([Role.APPRAISEE, *roles], person_id=self.world.people[key], unit_id=unit)

    @property
    def office(self) -> str:
        """The appraisal office (考核办): the general office's head."""
        return self.as_("head_g", Role.APPRAISAL_OFFICE)

    @property
    def auditor(self) -> str:
        """The unit's own auditor (granted by its office)."""
        return self.as_("auditor", Role.AUDITOR)

    @property
    def platform_auditor(self) -> str:
        """A platform auditor (纪检), appointed by the administrator."""
        return self.token(
            [Role.AUDITOR], person_id=self.world.platform_auditor, scope=Scope.PLATFORM
        )

    @property
    def admin(self) -> str:
        return self.token([Role.ADMIN])

    async def execute(self, token: str, query: str, **variables: Any) -> ExecutionResult:
        """The answer to one request, as the gateway would build its context."""
        actor = self.verifier.verify(token)
        # The org chart is read by the directory's own (synchronous) code: off the loop.
        await asyncio.to_thread(self.grants, actor)
        context = Context(
            actor=actor,
            token=token,
            pool=self.pool,
            schema=self.read_schema,
            settings=self.settings,
            freshness=self.freshness,
            http=self.http,
            headers={},
            access=self.access,
        )
        return await self.schema.execute(query, variable_values=variables, context_value=context)

    async def data(self, token: str, query: str, **variables: Any) -> dict[str, Any]:
        """The data of an answer without errors."""
        result = await self.execute(token, query, **variables)
        assert not result.errors, [e.formatted for e in result.errors]
        assert result.data is not None
        return result.data

    async def error(self, token: str, query: str, **variables: Any) -> dict[str, Any]:
        """The first error of an answer, as it leaves the gateway (message, path, extensions)."""
        result = await self.execute(token, query, **variables)
        assert result.errors, result.data
        formatted: dict[str, Any] = dict(result.errors[0].formatted)
        return formatted

    async def pages(
        self, token: str, query: str, path: str, **variables: Any
    ) -> list[list[dict[str, Any]]]:
        """The edges (or nodes) of each page of the connection at `path` (dotted, like
        `unit.departments`), following `endCursor` in `$after` until no page is left."""
        found: list[list[dict[str, Any]]] = []
        after = None
        while True:
            page: Any = await self.data(token, query, after=after, **variables)
            for key in path.split("."):
                page = page[key]
            found.append(page["edges"] if "edges" in page else page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]


def refused(
    error: dict[str, Any],
    rule: str,
    *,
    missing_relation: str | None = None,
    missing_role: str | None = None,
) -> None:
    """`error` is a refusal (403) by `rule`, naming the relation or role the caller lacks."""
    extensions = error["extensions"]
    assert (extensions["code"], extensions["status"], extensions["rule"]) == (
        "FORBIDDEN",
        403,
        rule,
    ), error
    if missing_relation is not None:
        assert extensions["missing_relation"] == missing_relation, error
    if missing_role is not None:
        assert extensions["missing_role"] == missing_role, error


def invalid(error: dict[str, Any], field: str, rule: str) -> None:
    """`error` refuses bad input (422), naming the argument and the rule."""
    extensions = error["extensions"]
    assert (extensions["code"], extensions["status"]) == ("INVALID_INPUT", 422), error
    assert (extensions["field"], extensions["rule"]) == (field, rule), error


async def outsider_refused(gql: Gql, queries: list[tuple[str, dict[str, Any]]]) -> None:
    """Each query is refused to the person of the other unit: not a member of this one."""
    for query, variables in queries:
        refused(
            await gql.error(gql.as_("outsider"), query, **variables),
            "gateway.read_own_unit",
            missing_relation="MEMBER_OF_UNIT",
        )
