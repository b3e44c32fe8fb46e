"""How `kaohe demo` runs its stages and tells a log how far it has got."""

from __future__ import annotations

import io
import threading
from functools import partial

import pytest

from deploy.demo_progress import loading


def test_off_a_terminal_each_stage_is_told_in_plain_lines_at_its_start_tenths_and_end() -> None:
    out = io.StringIO()

    with loading(out, workers=4) as stages:
        stages.run("goal sets approved", [partial(int, i) for i in range(40)])

    lines = out.getvalue().splitlines()
    assert lines[0] == "demo: 0/40 goal sets approved"
    assert lines[1:-1] == [f"demo: {n}/40 goal sets approved" for n in range(4, 40, 4)]
    assert lines[-1].startswith("demo: 40/40 goal sets approved (")
    assert lines[-1].endswith(" s)")


def test_a_stage_answers_its_steps_results_in_the_order_of_its_steps() -> None:
    with loading(io.StringIO(), workers=8) as stages:
        results = stages.run("squares", [partial(pow, i, 2) for i in range(50)])

    assert results == [i * i for i in range(50)]


def test_steps_run_at_once_up_to_the_bound_and_in_order_one_after_another() -> None:
    running, most = 0, 0
    lock = threading.Lock()
    gate = threading.Barrier(3, timeout=10)

    def step(wait: bool) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        if wait:
            gate.wait()  # three steps must be running together to pass
        with lock:
            running -= 1

    with loading(io.StringIO(), workers=3) as stages:
        stages.run("together", [partial(step, True) for _ in range(3)])
        assert most == 3
        most = 0
        stages.run("in order", [partial(step, False) for _ in range(5)], in_order=True)
        assert most == 1


def test_the_first_failure_stops_the_stage_and_is_raised_after_the_steps_already_sent() -> None:
    started: list[int] = []

    def step(i: int) -> int:
        started.append(i)
        if i == 2:
            raise RuntimeError("GraphQL error: refused")
        return i

    with loading(io.StringIO(), workers=1) as stages, pytest.raises(RuntimeError, match="refused"):
        stages.run("failing", [partial(step, i) for i in range(10)])

    assert started == [0, 1, 2]
