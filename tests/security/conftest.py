"""The security suite's system: every process started once for the whole suite, on the session's
database, with two seeded units (`seed.py`) to aim requests at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import System, started
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
    # The suite sends thousands of operations with a few tokens: the per-caller rates are
    # tests/e2e/test_limits.py's business, not a limit on what this suite may ask.
    unlimited = {
        "KAOHE_GRAPHQL_QUERY_RATE": "100000",
        "KAOHE_GRAPHQL_QUERY_BURST": "100000",
        "KAOHE_GRAPHQL_MUTATION_RATE": "100000",
        "KAOHE_GRAPHQL_MUTATION_BURST": "100000",
    }
    with started(database, data_dir, unlimited) as system:
        yield Secured(
            system,
            seed_unit(system, "SEC-A", "安全测试甲中心"),
            seed_unit(system, "SEC-B", "安全测试乙中心"),
        )


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
