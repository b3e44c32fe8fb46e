"""The per-request GraphQL context: the caller, the pool, the loaders (never module-level: they
would cache for the life of the server) and the way to forward commands.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from gateway.freshness import Freshness
from kernel.context import Actor
from kernel.roles import Role
from kernel.settings import Settings


def forbidden(
    message: str, *, rule: str, missing_relation: str | None = None, missing_role: str | None = None
) -> GraphQLError:
    """A refusal in the one error shape, as GraphQL error extensions."""
    return GraphQLError(
        message,
        extensions={
            "code": "FORBIDDEN",
            "status": 403,
            "rule": rule,
            "missing_relation": missing_relation,
            "missing_role": missing_role,
        },
    )


@dataclasses.dataclass
class Loaders:
    """Batching loaders for one request (no N+1)."""

    person: DataLoader[UUID, asyncpg.Record | None]
    department: DataLoader[UUID, asyncpg.Record | None]
    unit: DataLoader[UUID, asyncpg.Record | None]


def _by_id(pool: asyncpg.Pool, table: str) -> DataLoader[UUID, asyncpg.Record | None]:
    async def load(ids: list[UUID]) -> list[asyncpg.Record | None]:
        rows = await pool.fetch(f"SELECT * FROM {table} WHERE id = ANY($1::uuid[])", ids)
        found = {r["id"]: r for r in rows}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


class Context(BaseContext):
    """What every resolver gets through `info.context`."""

    def __init__(
        self,
        *,
        actor: Actor,
        token: str,
        pool: asyncpg.Pool,
        schema: str,
        settings: Settings,
        freshness: Freshness,
        http: httpx.AsyncClient,
        headers: dict[str, str],
    ) -> None:
        super().__init__()
        self.actor = actor
        self.token = token
        self.pool = pool
        self.schema = schema
        self.settings = settings
        self.freshness = freshness
        self.http = http
        self.headers = headers
        self.loaders = Loaders(
            person=_by_id(pool, f"{schema}.people"),
            department=_by_id(pool, f"{schema}.departments"),
            unit=_by_id(pool, f"{schema}.units"),
        )

    def table(self, name: str) -> str:
        """A read table, qualified by the read schema in use."""
        return f"{self.schema}.{name}"

    def sees_every_unit(self) -> bool:
        """Platform administrators and auditors read across units."""
        return self.actor.has(Role.ADMIN) or self.actor.has(Role.AUDITOR)

    def ensure_unit(self, unit_id: UUID) -> None:
        """Refuse reading a unit the caller does not belong to."""
        if self.sees_every_unit() or self.actor.tenant_id == unit_id:
            return
        raise forbidden(
            f"the caller belongs to unit {self.actor.tenant_id}, not {unit_id}",
            rule="gateway.read_own_unit",
            missing_relation="MEMBER_OF_UNIT",
        )

    def forward_headers(
        self, idempotency_key: str | None, expected_version: int | None
    ) -> dict[str, Any]:
        """The caller's identity and intent, passed on to the owning service."""
        headers = {"Authorization": f"Bearer {self.token}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if expected_version is not None:
            headers["If-Match"] = str(expected_version)
        if cid := self.headers.get("x-correlation-id"):
            headers["X-Correlation-Id"] = cid
        return headers
