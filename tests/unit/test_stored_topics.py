"""Stored topics: every event keeps the topic its log already holds, wherever its class moves.

The store records `module:Class.Event` with each event, and the created event records the
aggregate's `module:Class`; logs written since the first release name `services.<service>.domain`.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.utils import get_topic, resolve_topic

from kernel.aggregate import KaoheAggregate
from kernel.store import SERVICES


def _stored_classes(service: str) -> list[type]:
    module = importlib.import_module(f"services.{service}.domain")
    found: list[type] = []
    for _, aggregate in inspect.getmembers(module, inspect.isclass):
        if issubclass(aggregate, KaoheAggregate) and aggregate is not KaoheAggregate:
            found.append(aggregate)
            found += [
                value
                for value in vars(aggregate).values()
                if isinstance(value, type) and issubclass(value, CanMutateAggregate)
            ]
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_event_is_stored_under_its_services_domain_module(service: str) -> None:
    classes = _stored_classes(service)
    assert classes
    for cls in classes:
        topic = f"services.{service}.domain:{cls.__qualname__}"
        assert get_topic(cls) == topic
        assert resolve_topic(topic) is cls


def test_a_stored_topic_resolves_in_a_process_that_has_not_imported_its_class() -> None:
    topics = [
        "services.reviews.domain:Cycle",
        "services.reviews.domain:Cycle.GradesProposed",
        "services.reviews.domain:Appraisal.Rated",
        "services.reviews.domain:Sanction.SanctionRecorded",
    ]
    script = (
        "import sys\n"
        "from eventsourcing.utils import resolve_topic\n"
        "for topic in sys.argv[1:]:\n"
        "    cls = resolve_topic(topic)\n"
        "    print(cls.__module__ + ':' + cls.__qualname__)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script, *topics], capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == [
        "services.reviews.domain.cycle:Cycle",
        "services.reviews.domain.cycle:Cycle.GradesProposed",
        "services.reviews.domain.appraisal:Appraisal.Rated",
        "services.reviews.domain.sanction:Sanction.SanctionRecorded",
    ]


def test_an_aggregate_imported_from_its_own_module_records_its_packages_topics() -> None:
    script = (
        "from eventsourcing.utils import get_topic\n"
        "from services.reviews.domain.sanction import Sanction\n"
        "print(get_topic(Sanction), get_topic(Sanction.SanctionRecorded))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == [
        "services.reviews.domain:Sanction",
        "services.reviews.domain:Sanction.SanctionRecorded",
    ]
