"""Supervision for `kaohe run`: a process that dies is restarted with backoff, and said so, while
the others keep serving. A process that stops answering `/health` (hung) is killed and restarted
the same way. Only Ctrl-C or SIGTERM stops the whole system.

Each process is its own composition root on its own port (docs/architecture.md), so one can die
and come back alone: the gateway and the delivery worker resume from their stored positions, a
service from its log. The backoff keeps a process that cannot start (a port taken, a database
refused) from spinning: 0.5 s after the first exit, doubling to 30 s while it keeps dying, and
back to 0.5 s once it has served for a minute.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from deploy.postgres import Embedded

FIRST_DELAY = 0.5
MAX_DELAY = 30.0
# A process that served this long before it died is restarted at once again, not after a long
# backoff earned by an earlier crash loop.
STABLE_AFTER = 60.0
# A serving process is asked for /health every `probe_every` seconds (each answer awaited up to
# PROBE_TIMEOUT); one that has not answered for `hung_after` seconds is hung (a deadlock, a
# stopped process) and is killed to be restarted. Generous: a process busy on two shared cores
# must not be taken for a hung one.
PROBE_TIMEOUT = 2.0


def restart_delay(crashes: int) -> float:
    """Seconds to wait before starting a process again after `crashes` exits in a row (1, 2...)."""
    return float(min(MAX_DELAY, FIRST_DELAY * 2 ** max(0, crashes - 1)))


@dataclass
class Watched:
    """One supervised process: what it is, its current child, and its crash record."""

    name: str
    health_url: str
    started_at: float
    crashes: int = 0
    restart_at: float | None = None
    down_since: float | None = None
    restarts: int = 0
    next_probe: float = 0.0
    unanswered: int = 0


@dataclass
class Supervisor:
    """Watches `children` (replaced in place when a process is restarted, so whoever holds the
    list sees the new child) and restarts any that exits, with `spawn(index)`."""

    children: list[subprocess.Popen[bytes]]
    watched: list[Watched]
    spawn: Callable[[int], subprocess.Popen[bytes]]
    say: Callable[[str], None] = print
    clock: Callable[[], float] = time.monotonic
    _probe: Callable[[str], bool] = field(default=lambda url: answers(url))
    hung_after: float = 30.0
    probe_every: float = 5.0

    def tick(self) -> None:
        """Look at every process once: notice exits, restart when their delay is over, and say
        when a restarted process answers again."""
        now = self.clock()
        for index, (child, watched) in enumerate(zip(self.children, self.watched, strict=True)):
            if watched.restart_at is not None:
                if now >= watched.restart_at:
                    self._restart(index, watched, now)
            elif child.poll() is not None:
                self._exited(child, watched, now)
            elif watched.down_since is not None:
                if self._probe(watched.health_url):
                    self.say(
                        f"{watched.name} is serving again, {now - watched.down_since:.1f}s after "
                        f"it stopped (restart {watched.restarts})"
                    )
                    watched.down_since = None
                    watched.next_probe = now + self.probe_every
            elif now >= watched.next_probe:
                self._check_alive(child, watched, now)

    def _check_alive(self, child: subprocess.Popen[bytes], watched: Watched, now: float) -> None:
        """A serving process that stops answering /health is hung: kill it, to be restarted
        as any process that stops (its exit is noticed at the next tick)."""
        watched.next_probe = now + self.probe_every
        if self._probe(watched.health_url):
            watched.unanswered = 0
            return
        watched.unanswered += 1
        if watched.unanswered * self.probe_every >= self.hung_after:
            self.say(
                f"{watched.name} (pid {child.pid}) has not answered /health for "
                f"{self.hung_after:.0f}s; killing it to restart it"
            )
            watched.unanswered = 0
            child.kill()

    def _exited(self, child: subprocess.Popen[bytes], watched: Watched, now: float) -> None:
        watched.crashes = 1 if now - watched.started_at >= STABLE_AFTER else watched.crashes + 1
        delay = restart_delay(watched.crashes)
        watched.restart_at = now + delay
        if watched.down_since is None:
            watched.down_since = now
        self.say(
            f"{watched.name} (pid {child.pid}) stopped with exit code {child.returncode}; "
            f"restarting it in {delay:.1f}s, the other processes keep serving"
        )

    def _restart(self, index: int, watched: Watched, now: float) -> None:
        watched.restart_at = None
        watched.started_at = now
        watched.restarts += 1
        self.children[index] = self.spawn(index)
        self.say(f"{watched.name} started again (pid {self.children[index].pid})")


@dataclass
class DatabaseWatch:
    """The embedded PostgreSQL that `kaohe run` started (None: $DATABASE_URL's, or one it
    reused, which are someone else's to run), started again when found stopped. The processes
    ride the outage out: /ready answers 503 meanwhile, and their connections come back."""

    server: Embedded | None
    say: Callable[[str], None] = print
    clock: Callable[[], float] = time.monotonic
    every: float = 2.0
    _next_check: float = 0.0
    _down_since: float | None = None

    def tick(self) -> None:
        """Look at the server, at most every `every` seconds."""
        now = self.clock()
        if self.server is None or now < self._next_check:
            return
        self._next_check = now + self.every
        if self.server.alive():
            if self._down_since is not None:
                self.say(
                    f"embedded PostgreSQL is back, {now - self._down_since:.1f}s after it stopped"
                )
                self._down_since = None
            return
        if self._down_since is None:
            self._down_since = now
            self.say(
                "embedded PostgreSQL stopped; starting it again (/ready answers 503 meanwhile)"
            )
        try:
            self.server.revive()
        except RuntimeError as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.say(f"embedded PostgreSQL did not start yet ({first}); trying again")


def answers(url: str, timeout: float = PROBE_TIMEOUT) -> bool:
    """Whether `url` (a process's /health) answers 200 within `timeout` seconds."""
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(url, timeout=timeout).status_code == 200
    return False
