"""Recording real events for the integration tests: a unit's org chart, built in the directory."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import asyncpg

from gateway.app import projections
from gateway.projections.runner import catch_up, create_read_schema
from kernel.context import CommandContext, acting
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.vocabulary import DepartmentCategory, PositionCategory


def record_unit(database: str, people: int = 3) -> UUID:
    """Register a unit with a department and `people` members (2 + `people` directory events)."""
    directory = Directory.on_postgres(database)
    founded = date(2025, 1, 1)
    try:
        with acting(
            CommandContext(
                actor_id=uuid4(), actor_role=Role.ADMIN, now=datetime.now(UTC), tenant_id=None
            )
        ):
            unit = UUID(
                directory.register_unit("集成测试单位", f"I-{uuid4().hex[:8].upper()}").result[
                    "unit_id"
                ]
            )
        with acting(
            CommandContext(
                actor_id=uuid4(),
                actor_role=Role.APPRAISAL_OFFICE,
                now=datetime.now(UTC),
                tenant_id=unit,
            )
        ):
            general = UUID(
                directory.open_department(
                    unit, "综合科", DepartmentCategory.GENERAL, None, founded
                ).result["department_id"]
            )
            for i in range(people):
                directory.add_person(
                    unit, f"成员{i}", f"m{i}", PositionCategory.GENERAL, general, founded
                )
    finally:
        directory.close()
    return unit


async def project_all(database: str, schema: str) -> None:
    """Project every log recorded so far into the read schema `schema` (made if missing)."""
    conn = await asyncpg.connect(database)
    try:
        await create_read_schema(conn, schema, projections(schema))
        for projection in projections(schema):
            if await projection.log.exists(conn):
                await catch_up(conn, schema, projection)
    finally:
        await conn.close()
