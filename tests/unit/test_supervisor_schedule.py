"""The supervisor's schedule, with stand-in children and a stand-in clock: no process runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from deploy.supervisor import (
    FIRST_DELAY,
    MAX_DELAY,
    STABLE_AFTER,
    DatabaseWatch,
    Supervisor,
    Watched,
    restart_delay,
)


@dataclass
class Child:
    pid: int
    returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode


@given(st.integers(min_value=1, max_value=200))
def test_the_backoff_grows_and_is_bounded(crashes: int) -> None:
    assert FIRST_DELAY <= restart_delay(crashes) <= MAX_DELAY
    assert restart_delay(crashes) <= restart_delay(crashes + 1)


class World:
    def __init__(self) -> None:
        self.now = 0.0
        self.said: list[str] = []
        self.up = False
        self.children: list[Any] = [Child(100)]
        self.spawned = 0

        def spawn(index: int) -> Any:
            self.spawned += 1
            return Child(100 + self.spawned)

        self.supervisor = Supervisor(
            self.children,
            [Watched("goals", "http://goals/health", started_at=0.0)],
            spawn,
            say=self.said.append,
            clock=lambda: self.now,
            _probe=lambda url: self.up,
        )

    def crash(self) -> None:
        self.children[0].returncode = -9


def test_a_crash_loop_backs_off_and_a_stable_process_restarts_at_once() -> None:
    world = World()
    delays = []
    for _ in range(4):
        world.crash()
        world.supervisor.tick()
        restart_at = world.supervisor.watched[0].restart_at
        assert restart_at is not None
        delays.append(restart_at - world.now)
        world.now = restart_at
        world.supervisor.tick()
    assert delays == [restart_delay(n) for n in range(1, 5)]
    assert world.spawned == 4
    assert world.children[0].pid == 104, "the new child replaces the old one in place"
    # Served for a minute, then died: the first delay again, not the crash loop's.
    world.now += STABLE_AFTER
    world.crash()
    world.supervisor.tick()
    assert world.supervisor.watched[0].restart_at == world.now + FIRST_DELAY


def test_it_says_when_a_process_stopped_and_when_it_serves_again() -> None:
    world = World()
    world.crash()
    world.supervisor.tick()
    world.now += FIRST_DELAY
    world.supervisor.tick()
    world.supervisor.tick()
    assert len(world.said) == 2, "not serving yet: nothing more to say"
    world.up = True
    world.now += 1.5
    world.supervisor.tick()
    assert world.said == [
        "goals (pid 100) stopped with exit code -9; restarting it in 0.5s, the other processes "
        "keep serving",
        "goals started again (pid 101)",
        "goals is serving again, 2.0s after it stopped (restart 1)",
    ]


class Server:
    """A stand-in embedded server: stopped until it has been revived `refusals` + 1 times."""

    def __init__(self, refusals: int) -> None:
        self.running = True
        self.refusals = refusals

    def alive(self) -> bool:
        return self.running

    def revive(self) -> None:
        if self.refusals:
            self.refusals -= 1
            raise RuntimeError("pg_ctl failed: pre-existing shared memory block is still in use")
        self.running = True


def test_a_stopped_embedded_server_is_started_again_until_it_starts() -> None:
    now = [0.0]
    said: list[str] = []
    server = Server(refusals=1)
    watch = DatabaseWatch(server, say=said.append, clock=lambda: now[0])  # type: ignore[arg-type]
    watch.tick()
    assert said == []
    server.running = False
    for step in range(4):
        now[0] = 2.0 * (step + 1)
        watch.tick()
    assert said == [
        "embedded PostgreSQL stopped; starting it again (/ready answers 503 meanwhile)",
        "embedded PostgreSQL did not start yet (pg_ctl failed: pre-existing shared memory block "
        "is still in use); trying again",
        "embedded PostgreSQL is back, 4.0s after it stopped",
    ]


def test_a_server_kaohe_did_not_start_is_not_watched() -> None:
    said: list[str] = []
    DatabaseWatch(None, say=said.append).tick()
    assert said == []


def test_a_process_that_stops_answering_is_killed_to_be_restarted() -> None:
    world = World()
    world.up = True
    world.supervisor.hung_after, world.supervisor.probe_every = 15.0, 5.0
    killed: list[int] = []
    world.children[0].kill = lambda: killed.append(world.children[0].pid)
    world.supervisor.tick()  # answers
    world.up = False
    for step in range(1, 4):
        world.now = 5.0 * step
        world.supervisor.tick()
        assert killed == ([] if step < 3 else [100]), step
    assert world.said == [
        "goals (pid 100) has not answered /health for 15s; killing it to restart it"
    ]
    # A busy moment is not a hang: one answer in between starts the count again.
    world.up, world.now = True, 20.0
    world.supervisor.tick()
    world.up = False
    for step in range(1, 3):
        world.now = 20.0 + 5.0 * step
        world.supervisor.tick()
    assert killed == [100]
