"""The per-request GraphQL context: the caller, the pool, the loaders (never module-level: they
would cache for the life of the server) and the way to forward commands.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from gateway.audit.access import AccessedRecord, AccessRead, AccessRecorder
from gateway.freshness import Freshness
from gateway.graphql.access import require_unit
from kernel.context import Actor
from kernel.settings import Settings
from services.directory.terms import in_force_sql, latest_first_sql


class Loaders:
    """Batching loaders for one request (no N+1), each made when the request first uses it."""

    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool, self._schema = pool, schema

    @functools.cached_property
    def person(self) -> DataLoader[UUID, asyncpg.Record | None]:
        return _by_id(self._pool, f"{self._schema}.people")

    @functools.cached_property
    def department(self) -> DataLoader[UUID, asyncpg.Record | None]:
        return _by_id(self._pool, f"{self._schema}.departments")

    @functools.cached_property
    def unit(self) -> DataLoader[UUID, asyncpg.Record | None]:
        return _by_id(self._pool, f"{self._schema}.units")

    @functools.cached_property
    def goal_set(self) -> DataLoader[UUID, asyncpg.Record | None]:
        return _by_id(self._pool, f"{self._schema}.goal_sets")

    @functools.cached_property
    def goal_items(self) -> DataLoader[UUID, list[asyncpg.Record]]:
        return _all_of(
            self._pool,
            f"{self._schema}.goal_set_items",
            "goal_set_id",
            "ordinal",
            "ordinal IS NOT NULL",
        )

    @functools.cached_property
    def goal_versions(self) -> DataLoader[UUID, list[asyncpg.Record]]:
        return _all_of(
            self._pool, f"{self._schema}.goal_set_versions", "goal_set_id", "version_number"
        )

    @functools.cached_property
    def goal_history(self) -> DataLoader[UUID, list[asyncpg.Record]]:
        return _all_of(self._pool, f"{self._schema}.goal_set_history", "goal_set_id", "position")

    @functools.cached_property
    def goal_proposal(self) -> DataLoader[UUID, asyncpg.Record | None]:
        return _by_id(self._pool, f"{self._schema}.goal_proposals", "goal_set_id")

    @functools.cached_property
    def monthly_summary_versions(self) -> DataLoader[UUID, list[asyncpg.Record]]:
        return _all_of(
            self._pool, f"{self._schema}.monthly_summary_versions", "summary_id", "version"
        )

    @functools.cached_property
    def reference_goal_revisions(self) -> DataLoader[UUID, list[asyncpg.Record]]:
        return _all_of(
            self._pool, f"{self._schema}.reference_goal_revisions", "reference_id", "revision"
        )

    @functools.cached_property
    def survey(self) -> DataLoader[UUID, asyncpg.Record | None]:
        return _by_id(self._pool, f"{self._schema}.surveys")

    @functools.cached_property
    def survey_departments(self) -> DataLoader[UUID, list[asyncpg.Record]]:
        return _all_of(self._pool, f"{self._schema}.survey_departments", "survey_id", "ordinal")

    @functools.cached_property
    def survey_results(self) -> DataLoader[UUID, list[asyncpg.Record]]:
        return _all_of(self._pool, f"{self._schema}.survey_results", "survey_id", "ordinal")

    @functools.cached_property
    def survey_responses(self) -> DataLoader[UUID, list[asyncpg.Record]]:
        return _all_of(
            self._pool, f"{self._schema}.survey_responses", "survey_id", "position, ordinal"
        )

    @functools.cached_property
    def survey_response_count(self) -> DataLoader[UUID, int]:
        return _count_of(self._pool, f"{self._schema}.survey_responses", "survey_id")

    @functools.cached_property
    def complaint(self) -> DataLoader[UUID, asyncpg.Record | None]:
        return _by_id(self._pool, f"{self._schema}.complaints")

    @functools.cached_property
    def complaint_history(self) -> DataLoader[UUID, list[asyncpg.Record]]:
        return _all_of(self._pool, f"{self._schema}.complaint_history", "complaint_id", "position")

    # Org-chart terms in force on a date, keyed by (id, date): a department's members each
    # asking for their managers make one query per term table, not five per member.
    @functools.cached_property
    def department_on(self) -> DataLoader[tuple[UUID, date], Any]:
        return _in_force(self._pool, f"{self._schema}.memberships", "person_id", "department_id")

    @functools.cached_property
    def head_on(self) -> DataLoader[tuple[UUID, date], Any]:
        return _in_force(
            self._pool, f"{self._schema}.department_heads", "department_id", "person_id"
        )

    @functools.cached_property
    def supervisor_on(self) -> DataLoader[tuple[UUID, date], Any]:
        return _in_force(self._pool, f"{self._schema}.supervisions", "department_id", "leader_id")

    @functools.cached_property
    def principal_on(self) -> DataLoader[tuple[UUID, date], Any]:
        return _in_force(self._pool, f"{self._schema}.principal_leaders", "unit_id", "person_id")

    @functools.cached_property
    def supervises_on(self) -> DataLoader[tuple[UUID, date], Any]:
        return _in_force(self._pool, f"{self._schema}.supervisions", "leader_id", "TRUE")


def _by_id(
    pool: asyncpg.Pool, table: str, column: str = "id"
) -> DataLoader[UUID, asyncpg.Record | None]:
    async def load(ids: list[UUID]) -> list[asyncpg.Record | None]:
        rows = await pool.fetch(f"SELECT * FROM {table} WHERE {column} = ANY($1::uuid[])", ids)
        found = {r[column]: r for r in rows}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _all_of(
    pool: asyncpg.Pool, table: str, column: str, order: str, where: str = "TRUE"
) -> DataLoader[UUID, list[asyncpg.Record]]:
    """The rows that belong to each id (items of a goal set, versions of a summary...)."""

    async def load(ids: list[UUID]) -> list[list[asyncpg.Record]]:
        rows = await pool.fetch(
            f"SELECT * FROM {table} WHERE {column} = ANY($1::uuid[]) AND {where} ORDER BY {order}",
            ids,
        )
        found: dict[UUID, list[asyncpg.Record]] = {i: [] for i in ids}
        for r in rows:
            found[r[column]].append(r)
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)


def _count_of(pool: asyncpg.Pool, table: str, column: str) -> DataLoader[UUID, int]:
    """How many rows belong to each id (responses of a survey...)."""

    async def load(ids: list[UUID]) -> list[int]:
        rows = await pool.fetch(
            f"SELECT {column} AS id, count(*) AS n FROM {table} "
            f"WHERE {column} = ANY($1::uuid[]) GROUP BY {column}",
            ids,
        )
        found = {r["id"]: int(r["n"]) for r in rows}
        return [found.get(i, 0) for i in ids]

    return DataLoader(load_fn=load)


def _in_force(
    pool: asyncpg.Pool, table: str, key: str, value: str
) -> DataLoader[tuple[UUID, date], Any]:
    """`value` of the latest term of `table` in force on a date for each `key` id (else None)."""

    async def load(keys: list[tuple[UUID, date]]) -> list[Any]:
        found: dict[tuple[UUID, date], Any] = {}
        for on in {d for _, d in keys}:
            rows = await pool.fetch(
                f"SELECT DISTINCT ON ({key}) {key} AS key, {value} AS value FROM {table} "
                f"WHERE {key} = ANY($1::uuid[]) AND {in_force_sql(None, '$2')} "
                f"ORDER BY {key}, {latest_first_sql()}",
                list({i for i, d in keys if d == on}),
                on,
            )
            found.update({(r["key"], on): r["value"] for r in rows})
        return [found.get(k) for k in keys]

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
        access: AccessRecorder | None = None,
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
        self.access = access
        self.reads: dict[tuple[UUID, str, str], AccessRead] = {}
        self.loaders = Loaders(self.pool, self.schema)

    def viewed(
        self, subject_id: UUID, subject_unit: UUID | None, record: AccessedRecord, query: str
    ) -> None:
        """Note that this request read `subject_id`'s records (the access log keeps it, unless
        the caller read their own)."""
        if subject_id == self.actor.person_id:
            return
        self.reads.setdefault(
            (subject_id, record.value, query),
            AccessRead(
                read_at=datetime.now(UTC),
                viewer_id=self.actor.person_id,
                viewer_unit=self.actor.tenant_id,
                viewer_roles=tuple(sorted(self.actor.roles)),
                subject_id=subject_id,
                subject_unit=subject_unit,
                record=record,
                query=query,
                correlation_id=self.headers.get("x-correlation-id"),
            ),
        )

    def forget_loaded(self) -> None:
        """Start the loaders afresh: a command of this request has changed the read side."""
        self.loaders = Loaders(self.pool, self.schema)

    def table(self, name: str) -> str:
        """A read table, qualified by the read schema in use."""
        return f"{self.schema}.{name}"

    def sees_every_unit(self) -> bool:
        """Whether the caller reads across units: `Actor.reads_every_unit`, the one rule (the
        platform administrator, platform auditors; never a unit's own auditor)."""
        return self.actor.reads_every_unit()

    def ensure_unit(self, unit_id: UUID) -> None:
        """Refuse reading a unit the caller does not belong to (`access.require_unit`)."""
        require_unit(self.actor, unit_id)

    def forward_headers(
        self, idempotency_key: str | None, expected_version: int | None
    ) -> dict[str, Any]:
        """The caller's identity and intent, passed on to the owning service."""
        headers = {"Authorization": f"Bearer {self.token}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if expected_version is not None:
            headers["If-Match"] = str(expected_version)
        if (cid := self.headers.get("x-correlation-id")) and cid.isascii():
            # HTTP carries ASCII headers only; the service refuses any id that is not a UUID.
            headers["X-Correlation-Id"] = cid
        return headers
