"""The eventsourcing library's own save, in process and without HTTP: an Application with a
trivial aggregate, the default PostgreSQL recorder, in a schema of its own. The same application
on Kaohe's store (chained, group-committed) measures the store itself against it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from psycopg import sql

from bench.stats import Figure, figure
from kernel.store import postgres_env

SCHEMA = "bench_es"
KAOHE_SCHEMA = "bench_kaohe"


class Row(Aggregate):
    """A trivial aggregate: one created event with a small payload."""

    @event("Created")
    def __init__(self, payload: str) -> None:
        self.payload = payload


class Rows(Application[UUID]):
    """An application that saves Row aggregates."""

    def create(self, payload: str) -> Any:
        """Create and save one aggregate."""
        row = Row(payload)
        self.save(row)
        return row.id


def application(database_url: str) -> Rows:
    """The baseline application on the bench's database, with the library's defaults."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
    env = postgres_env(database_url, SCHEMA)
    env.pop("APPLICATION_RECORDER_TOPIC", None)  # the library's default recorder, not Kaohe's
    env.update({"PERSISTENCE_MODULE": "eventsourcing.postgres", "CREATE_TABLE": "y"})
    return Rows(env=env)


def kaohe_application(database_url: str) -> Rows:
    """The same application on Kaohe's store: hash chain, idempotency table, group commit."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(KAOHE_SCHEMA)))
    # A scratch log, not one of Kaohe's: the library makes its tables, as it did for every log
    # before migrations.
    return Rows(env={**postgres_env(database_url, KAOHE_SCHEMA), "CREATE_TABLE": "y"})


def measure(app: Rows, total: int, concurrency: int) -> Figure:
    """Save `total` new aggregates with `concurrency` threads; latency per save."""
    payload = "x" * 200

    def one(_: int) -> float:
        started = time.perf_counter()
        app.create(payload)
        return time.perf_counter() - started

    started = time.perf_counter()
    if concurrency == 1:
        latencies = [one(i) for i in range(total)]
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            latencies = list(pool.map(one, range(total)))
    return figure(latencies, 0, time.perf_counter() - started)
