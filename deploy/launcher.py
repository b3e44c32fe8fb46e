"""`kaohe run`: PostgreSQL (embedded unless DATABASE_URL is set), its schema migrated to this
release's revision, then each service and the gateway as its own process, all started at once,
supervised (deploy/supervisor.py): a process that dies is restarted. Ctrl-C or SIGTERM stops
everything, the database last.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

from deploy.postgres import database_url, started_here
from deploy.supervisor import DatabaseWatch, Supervisor, Watched, answers
from kernel.auth import load_or_create_signing_key
from kernel.schema import migrate
from kernel.settings import Settings
from kernel.store import SERVICES


@dataclass(frozen=True)
class Process:
    """One process of the system: its name, its composition root (an ASGI factory) and port."""

    name: str
    factory: str
    port: int


def processes(settings: Settings) -> list[Process]:
    """Every process `kaohe run` starts (all at once: none makes tables any more, so none
    waits for another)."""
    return [
        Process("directory", "services.directory.main:create_app", settings.kaohe_directory_port),
        Process("goals", "services.goals.main:create_app", settings.kaohe_goals_port),
        Process("feedback", "services.feedback.main:create_app", settings.kaohe_feedback_port),
        Process("reviews", "services.reviews.main:create_app", settings.kaohe_reviews_port),
        Process("gateway", "gateway.main:create_app", settings.kaohe_gateway_port),
        Process("audit", "services.audit.main:create_app", settings.kaohe_audit_port),
        Process(
            "integrations",
            "gateway.integrations.main:create_app",
            settings.kaohe_integrations_port,
        ),
    ]


def _spawn(process: Process, settings: Settings, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "deploy.child",
        process.factory,
        "--factory",
        "--host",
        settings.kaohe_host,
        "--port",
        str(process.port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    # Its own process group: a Ctrl-C at the terminal reaches the launcher alone, which then
    # stops the processes in order, instead of each dying of SIGINT on its own.
    return subprocess.Popen(command, env=env, process_group=0)


def _wait_healthy(url: str, child: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            msg = f"{url} exited with code {child.returncode} while starting"
            raise RuntimeError(msg)
        if answers(url, timeout=1):
            return
        time.sleep(0.2)
    msg = f"{url} did not answer within {timeout:.0f}s"
    raise RuntimeError(msg)


@dataclass(frozen=True)
class Running:
    """The started system: the environment its processes share, the processes, and their
    children (in the same order; a supervisor replaces a child in place when it restarts it)."""

    env: dict[str, str]
    children: list[subprocess.Popen[bytes]]
    processes: list[Process]
    settings: Settings

    def health_url(self, process: Process) -> str:
        return f"http://{self.settings.kaohe_host}:{process.port}/health"

    def supervisor(self) -> Supervisor:
        """A supervisor that restarts any of these processes that stops."""
        now = time.monotonic()
        return Supervisor(
            self.children,
            [Watched(p.name, self.health_url(p), now) for p in self.processes],
            lambda index: _spawn(self.processes[index], self.settings, self.env),
            hung_after=self.settings.kaohe_hung_after_seconds,
            probe_every=min(5.0, self.settings.kaohe_hung_after_seconds / 3),
        )


@contextlib.contextmanager
def running(settings: Settings) -> Iterator[Running]:
    """Migrate the database, start the whole system; stop it (the database last) when the block
    ends."""
    with database_url(settings.kaohe_data_dir) as url:
        # Once, before any process starts: a process refuses a database that is not migrated.
        migrate(url)
        load_or_create_signing_key(settings.key_dir)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "KAOHE_DATA_DIR": str(settings.kaohe_data_dir),
            "KAOHE_HOST": settings.kaohe_host,
            "KAOHE_GATEWAY_PORT": str(settings.kaohe_gateway_port),
            "KAOHE_DIRECTORY_PORT": str(settings.kaohe_directory_port),
            "KAOHE_DIRECTORY_URL": settings.directory_url,
            "KAOHE_GOALS_PORT": str(settings.kaohe_goals_port),
            "KAOHE_GOALS_URL": settings.goals_url,
            "KAOHE_FEEDBACK_PORT": str(settings.kaohe_feedback_port),
            "KAOHE_FEEDBACK_URL": settings.feedback_url,
            "KAOHE_REVIEWS_PORT": str(settings.kaohe_reviews_port),
            "KAOHE_REVIEWS_URL": settings.reviews_url,
            "KAOHE_INTEGRATIONS_PORT": str(settings.kaohe_integrations_port),
            "KAOHE_AUDIT_PORT": str(settings.kaohe_audit_port),
        }
        children: list[subprocess.Popen[bytes]] = []
        system = Running(env, children, processes(settings), settings)
        try:
            # In parallel: the schema is made, so the processes no longer race on the catalogue,
            # and the start takes as long as the slowest process, not the sum of them all.
            children.extend(_spawn(process, settings, env) for process in system.processes)
            for process, child in zip(system.processes, children, strict=True):
                _wait_healthy(system.health_url(process), child)
            yield system
        finally:
            for child in reversed(children):
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in reversed(children):
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()


def run(settings: Settings) -> None:
    """Run until Ctrl-C or SIGTERM, telling the user where everything is, and restarting any
    process that stops meanwhile."""
    # `docker stop`, systemd and Kubernetes send SIGTERM: the same clean stop as Ctrl-C, from
    # the first moment (a stop during start-up stops what has started).
    # SIGINT too: a shell that starts `kaohe run` in the background has Python ignore it.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    with contextlib.suppress(KeyboardInterrupt), running(settings) as system:
        host = settings.kaohe_host
        print(
            f"Kaohe is running.\n  GraphQL:   http://{host}:{settings.kaohe_gateway_port}/graphql"
        )
        for process in processes(settings):
            if process.name in SERVICES:
                print(f"  {process.name:<10} http://{host}:{process.port}/docs")
        print(f"  events     http://{host}:{settings.kaohe_gateway_port}/events (CloudEvents feed)")
        print(f"  delivery   http://{host}:{settings.kaohe_integrations_port}/health")
        print(f"  signer     http://{host}:{settings.kaohe_audit_port}/health")
        print("Load the demo unit with `make demo`; mint a token with `make token LOGIN=<login>`.")
        print("A process that stops is restarted; Ctrl-C stops everything.", flush=True)
        supervisor = system.supervisor()
        database = DatabaseWatch(started_here(settings.kaohe_data_dir))
        try:
            while True:
                supervisor.tick()
                database.tick()
                time.sleep(0.5)
        finally:
            print("Stopping Kaohe...", flush=True)
    print("Kaohe stopped.", flush=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
