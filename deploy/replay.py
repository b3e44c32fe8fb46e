"""`kaohe replay`: rebuild the read models from position zero with a progress bar, compare them
with the live ones table by table, report every difference, and optionally switch to them.
"""

from __future__ import annotations

import asyncio
import dataclasses

import asyncpg
import structlog
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gateway.audit.replay import (
    TableComparison,
    compare,
    differing,
    drop_schema,
    fresh_schema_name,
    rebuild,
    schema_exists,
    switch,
)
from gateway.projections.catalogue import READ_SCHEMA, projections
from gateway.projections.runner import Projection

SHOWN_ROWS = 20
log = structlog.get_logger("kaohe.replay")


@dataclasses.dataclass(frozen=True)
class ReplayOutcome:
    """What a replay found and did."""

    rebuilt: str
    comparisons: list[TableComparison]
    replaced: str | None

    @property
    def differences(self) -> list[TableComparison]:
        """The tables that differ."""
        return differing(self.comparisons)


async def replay(
    dsn: str,
    console: Console,
    *,
    live: str = READ_SCHEMA,
    switch_over: bool = False,
    keep: bool = False,
) -> ReplayOutcome:
    """Rebuild into a fresh schema, compare with `live`, then switch to it, keep it or drop it."""
    target = fresh_schema_name()
    rebuilt_projections = projections(target)
    conn: asyncpg.Connection = await asyncpg.connect(dsn)
    try:
        if not await schema_exists(conn, live):
            raise SystemExit(f"no live read schema {live!r}: start the gateway first")
        if await schema_exists(conn, target):
            raise SystemExit(f"schema {target!r} exists already: try again in a second")
        try:
            comparisons, replaced = await _rebuild_and_compare(
                conn, dsn, console, live, target, rebuilt_projections, switch_over
            )
        except BaseException:
            # A failed replay leaves nothing behind (a switch that failed was rolled back).
            await _drop_quietly(dsn, target)
            raise
        if not switch_over and not keep:
            await drop_schema(conn, target)
    finally:
        await conn.close()
    return ReplayOutcome(target, comparisons, replaced)


async def _drop_quietly(dsn: str, schema: str) -> None:
    """Drop the scratch schema on a connection of its own (the replay's may be what failed)."""
    try:
        conn: asyncpg.Connection = await asyncpg.connect(dsn)
        try:
            await drop_schema(conn, schema)
        finally:
            await conn.close()
    except (asyncpg.PostgresError, OSError) as exc:
        log.warning("replay_schema_left_behind", schema=schema, error=str(exc))


async def _rebuild_and_compare(
    conn: asyncpg.Connection,
    dsn: str,
    console: Console,
    live: str,
    target: str,
    rebuilt_projections: list[Projection],
    switch_over: bool,
) -> tuple[list[TableComparison], str | None]:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks = {
            p.log.service: bar.add_task(f"replaying {p.log.service}", total=None)
            for p in rebuilt_projections
        }

        def progress(service: str, position: int, total: int) -> None:
            bar.update(tasks[service], completed=position, total=total)

        await rebuild(conn, target, rebuilt_projections, progress)
    comparisons = await compare(dsn, live, target, rebuilt_projections)
    replaced = None
    if switch_over:
        replaced = await switch(conn, live, target, rebuilt_projections)
    return comparisons, replaced


def report(outcome: ReplayOutcome, console: Console) -> None:
    """Print each table's verdict, then every differing row."""
    table = Table("table", "live rows", "rebuilt rows", "verdict")
    for c in outcome.comparisons:
        verdict = "[green]same[/green]" if c.same else "[red]DIFFERENT[/red]"
        table.add_row(c.table, str(c.live.rows), str(c.rebuilt.rows), verdict)
    console.print(table)
    for c in outcome.differences:
        console.print(f"[red]{c.table}[/red] rows are ({', '.join(c.columns)})", markup=True)
        console.print(f"[red]{c.table}[/red]: live rows that the replay does not produce:")
        _rows(c.only_live, console)
        console.print(f"[red]{c.table}[/red]: rows the replay produces that live lacks:")
        _rows(c.only_rebuilt, console)


def _rows(rows: tuple[str, ...], console: Console) -> None:
    for row in rows[:SHOWN_ROWS]:
        console.print(f"  {row}", markup=False, highlight=False)
    if len(rows) > SHOWN_ROWS:
        console.print(f"  ... and {len(rows) - SHOWN_ROWS} more")
    if not rows:
        console.print("  (none)")


def run_replay(dsn: str, console: Console, *, switch_over: bool, keep: bool) -> bool:
    """The `kaohe replay` command; returns whether the rebuilt read models matched."""
    outcome = asyncio.run(replay(dsn, console, switch_over=switch_over, keep=keep))
    report(outcome, console)
    if outcome.replaced:
        console.print(
            f"Switched: the gateway now reads the rebuilt models; the previous ones are kept "
            f"as schema {outcome.replaced} (drop it when done)."
        )
    elif keep:
        console.print(f"The rebuilt read models are kept as schema {outcome.rebuilt}.")
    if outcome.differences:
        console.print(f"[red]{len(outcome.differences)} table(s) differ.[/red]")
        return False
    console.print("[green]Every read table matches its replay.[/green]")
    return True
