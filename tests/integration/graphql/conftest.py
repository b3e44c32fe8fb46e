"""GraphQL tested in process, for every capability: `schema.execute` against the real PostgreSQL
read tables.

The records are made once for the folder by the real service applications (`world.py`) and
projected by the real projections into a read schema of their own; each test module then gets
the gateway's schema and, per request, the `Context` the gateway builds (`client.py`).

Queries only. A mutation is forwarded over HTTP to the service that owns the command and
answered once the projections running beside the gateway have caught up: that needs the
running processes, so mutations stay with the end-to-end tests (tests/e2e), as does whatever
else only they show (HTTP status codes, websockets, limits on the wire, the background runners).

This docstring stands for the folder's: it has no `__init__.py`, since pytest would import it as
a package named `graphql`, in the place of the GraphQL library itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
import pytest

from gateway.audit.access import AccessRecorder
from gateway.freshness import Freshness
from gateway.graphql.limits import GraphQLLimits
from gateway.graphql.schema import build_schema
from kernel.settings import Settings
from services.directory.application import Directory
from services.directory.grants import GrantsInForce
from services.directory.reader import OrgChart
from tests.integration.graphql.client import Gql
from tests.integration.graphql.world import World, record_world
from tests.integration.recorded import project_all


@pytest.fixture(scope="session")
def read_schema() -> str:
    return f"gql_{uuid4().hex[:8]}"


@pytest.fixture(scope="session")
async def world(database: str, data_dir: Path, read_schema: str) -> World:
    """Recorded and projected once for every module of the folder (the apps closed after)."""
    recorded = record_world(database, data_dir / "gql-disclosure.pem")
    await project_all(database, read_schema)
    return recorded


@pytest.fixture(scope="module")
async def gql(world: World, database: str, data_dir: Path, read_schema: str) -> AsyncIterator[Gql]:
    """The gateway's schema and what its context holds, for one module (connections included:
    nothing is held open between modules)."""
    settings = Settings(database_url=database, kaohe_data_dir=data_dir)
    pool = await asyncpg.create_pool(database, min_size=1, max_size=4)
    freshness = Freshness(read_schema)
    await freshness.start(database)
    access = AccessRecorder(pool)
    access.start()
    org = OrgChart(Directory.on_postgres(database, reader=True))
    http = httpx.AsyncClient(timeout=5)
    try:
        yield Gql(
            schema=build_schema(settings.kaohe_graphql_max_depth, GraphQLLimits(settings)),
            settings=settings,
            pool=pool,
            read_schema=read_schema,
            freshness=freshness,
            http=http,
            access=access,
            grants=GrantsInForce(org),
            world=world,
        )
    finally:
        await access.stop()
        await http.aclose()
        await freshness.stop()
        await pool.close()
        org.close()
