"""The security suite's system: every process started once for the whole suite, on the session's
database, with two seeded units (`seed.py`) to aim requests at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.launcher import running
from kernel.settings import Settings
from tests.conftest import free_port
from tests.e2e.conftest import System
from tests.security.seed import Unit, seed_unit


@dataclass(frozen=True)
class Secured:
    """The running system and its two units: `own` is the caller's, `other` someone else's."""

    system: System
    own: Unit
    other: Unit


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.security)


@pytest.fixture(scope="package")
def secured(database: str, data_dir: Path) -> Iterator[Secured]:
    settings = Settings(
        database_url=database,
        kaohe_data_dir=data_dir,
        kaohe_gateway_port=free_port(),
        kaohe_directory_port=free_port(),
        kaohe_goals_port=free_port(),
        kaohe_feedback_port=free_port(),
        kaohe_reviews_port=free_port(),
        kaohe_integrations_port=free_port(),
    )
    overrides = {
        "DATABASE_URL": database,
        "KAOHE_OVERDUE_CHECK_SECONDS": "3600",
        "NATS_URL": "",
        # The suite sends thousands of operations with a few tokens: the per-caller rates are
        # tests/e2e/test_limits.py's business, not a limit on what this suite may ask.
        "KAOHE_GRAPHQL_QUERY_RATE": "100000",
        "KAOHE_GRAPHQL_QUERY_BURST": "100000",
        "KAOHE_GRAPHQL_MUTATION_RATE": "100000",
        "KAOHE_GRAPHQL_MUTATION_BURST": "100000",
    }
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    try:
        with running(settings) as processes:
            system = System(settings, database, processes)
            yield Secured(
                system,
                seed_unit(system, "SEC-A", "安全测试甲中心"),
                seed_unit(system, "SEC-B", "安全测试乙中心"),
            )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="package")
def scratch(secured: Secured) -> Secured:
    """Two more units for the tests whose requests may record things (hostile input,
    schemathesis), so that the role matrix's units stay as its table expects whatever runs first.
    """
    return Secured(
        secured.system,
        seed_unit(secured.system, "SEC-C", "安全测试丙中心"),
        seed_unit(secured.system, "SEC-D", "安全测试丁中心"),
    )
