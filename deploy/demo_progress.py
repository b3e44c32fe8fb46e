"""How `kaohe demo` runs its steps and says how far it has got.

The demo is a few thousand GraphQL requests. Sent one after another, each waits for its own
round trip and for the projections to reach what it wrote (read-your-writes), while the
services sit idle; independent steps (sixty people's goal sets, every rating of a quarter) are
sent a bounded number at a time instead, so the services group-commit them and the projections
catch up once for many. Steps that depend on each other stay in order (a goal set is drafted,
then submitted, then approved; a quarter's ratings wait for its summaries).

Progress: on a terminal, rich's bar for each stage; otherwise (a log, CI, a pipe) plain lines,
one as each stage starts and ends and one for every tenth of a long stage, so a log shows
what is happening and that something is.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import IO, Protocol, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")

# Requests in flight at once: enough to keep the four services and the projections busy on a
# small machine, few enough to stay inside the gateway's per-caller burst and its concurrency.
WORKERS = 8


class Report(Protocol):
    """Where progress goes: a stage of `total` steps starts, advances, ends."""

    def start(self, label: str, total: int) -> None: ...
    def advance(self) -> None: ...
    def end(self) -> None: ...


class PlainReport:
    """One line per event worth logging: "demo: 12/40 goal sets approved"."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.label, self.total, self.done, self.started = "", 0, 0, 0.0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.started = label, total, 0, time.monotonic()
        self._line(f"0/{total} {label}")

    def advance(self) -> None:
        with self.lock:
            self.done += 1
            # A line at every tenth, so a long stage shows life without flooding the log.
            step = max(1, self.total // 10)
            if self.done % step == 0 and self.done < self.total:
                self._line(f"{self.done}/{self.total} {self.label}")

    def end(self) -> None:
        elapsed = time.monotonic() - self.started
        self._line(f"{self.total}/{self.total} {self.label} ({elapsed:.1f} s)")

    def _line(self, text: str) -> None:
        print(f"demo: {text}", file=self.out, flush=True)


class BarReport:
    """rich's progress bars, one per stage, for a person at a terminal."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task, self.total = progress.add_task("", total=None, visible=False), 0

    def start(self, label: str, total: int) -> None:
        self.task, self.total = self.progress.add_task(label, total=total), total

    def advance(self) -> None:
        self.progress.advance(self.task)

    def end(self) -> None:
        self.progress.update(self.task, completed=self.total)


class Loading:
    """The demo's stages: each runs its steps, a bounded number at once, and reports them."""

    def __init__(self, report: Report, pool: ThreadPoolExecutor) -> None:
        self.report = report
        self.pool = pool

    def run(
        self, label: str, steps: Sequence[Callable[[], T]], *, in_order: bool = False
    ) -> list[T]:
        """Run `steps` (independent of each other unless `in_order`); their results in order.
        The first failure stops the stage: the steps not started are not sent, the ones under
        way finish, and the failure is raised.
        """
        self.report.start(label, len(steps))
        if in_order:
            results = []
            for step in steps:
                results.append(step())
                self.report.advance()
        else:
            results = self._at_once(steps)
        self.report.end()
        return results

    def one(self, label: str, step: Callable[[], T]) -> T:
        """A stage of a single step."""
        return self.run(label, [step])[0]

    def _at_once(self, steps: Sequence[Callable[[], T]]) -> list[T]:
        failures: list[BaseException] = []

        def guarded(step: Callable[[], T]) -> T | None:
            if failures:
                return None  # the stage has failed: the steps not yet started are not sent
            try:
                result = step()
            except BaseException as exc:
                failures.append(exc)
                raise
            self.report.advance()
            return result

        futures = [self.pool.submit(guarded, step) for step in steps]
        wait(futures)
        if failures:
            raise failures[0]
        return [future.result() for future in futures]  # type: ignore[misc]


@contextmanager
def loading(out: IO[str] | None = None, *, workers: int = WORKERS) -> Iterator[Loading]:
    """A Loading reporting to `out` (standard error): bars on a terminal, lines otherwise."""
    out = out or sys.stderr
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="demo") as pool:
        console = Console(file=out)
        if console.is_terminal:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=console) as progress:
                yield Loading(BarReport(progress), pool)
        else:
            yield Loading(PlainReport(out), pool)
