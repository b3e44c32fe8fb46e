"""`kaohe audit checkpoint | rotate-key | keys | prove | consistency | export`: signed checkpoints,
Merkle proofs and the offline bundle, for auditors (审计/纪检).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar
from uuid import UUID

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from kernel.settings import load_settings
from kernel.store import SERVICES
from services.audit.checkpoints import (
    CheckpointRefusedError,
    ProofError,
    Signer,
    checkpoint_service,
    prove_consistency,
    prove_inclusion,
    signer_from,
    verify_checkpoints,
)
from services.audit.export import export_bundle
from services.audit.keys import published_keys, rotate_key
from services.audit.tlog import PublicKey

P = TypeVar("P")
ServiceOption = Annotated[str, typer.Option(help=f"One of {', '.join(SERVICES)}")]


def _service(value: str) -> str:
    if value not in SERVICES:
        known = ", ".join(SERVICES)
        raise typer.BadParameter(f"{value!r} is not one of {known}", param_hint="--service")
    return value


def checkpoint_reports(url: str) -> tuple[Table, bool]:
    """Check every service's signed checkpoints against the keys and the log: a table of the
    verdicts, and whether all are sound.
    """
    settings = load_settings()
    signer = signer_from(settings)
    keys = signer.public_keys()
    table = Table("service", "checkpoints", "latest size", "verdict")
    ok = True
    for service in SERVICES:
        report = verify_checkpoints(url, service, keys, signer.origin_prefix)
        latest = str(report.latest.tree_size) if report.latest else "-"
        if report.ok:
            verdict = "[green]signed and consistent[/green]" if report.checkpoints else "none yet"
        else:
            ok = False
            problems = "\n".join(f"FORGED OR BROKEN: {p}" for p in report.problems)
            verdict = f"[red]{problems}[/red]"
        table.add_row(service, str(report.checkpoints), latest, verdict)
    return table, ok


def register(
    audit: typer.Typer,
    console: Console,
    database_url: Callable[[Path], AbstractContextManager[str]],
) -> None:
    """Add the checkpoint, proof and export commands to the `kaohe audit` group."""
    commands = _AuditCommands(console, database_url)
    audit.command("checkpoint")(commands.checkpoint)
    audit.command("rotate-key")(commands.rotate)
    audit.command("keys")(commands.keys)
    audit.command("prove")(commands.prove)
    audit.command("consistency")(commands.consistency)
    audit.command("export")(commands.export)


class _AuditCommands:
    """The commands, printing to the CLI's `console` and reaching PostgreSQL through its
    `database_url` (embedded, or DATABASE_URL): the CLI lives in `deploy`, which this side of
    the layout does not import.
    """

    def __init__(
        self, console: Console, database_url: Callable[[Path], AbstractContextManager[str]]
    ) -> None:
        self.console = console
        self.database_url = database_url

    def checkpoint(
        self,
        service: Annotated[str | None, typer.Option(help="Only this service")] = None,
    ) -> None:
        """Sign and record a checkpoint of each service log that grew since its last one."""
        settings = load_settings()
        signer = signer_from(settings)
        table = Table("service", "size", "root hash", "key id", "outcome")
        refused = False
        with self.database_url(settings.kaohe_data_dir) as url:
            for name in [_service(service)] if service else SERVICES:
                refused |= not _checkpoint_row(table, url, name, signer)
        self.console.print(table)
        if refused:
            raise typer.Exit(1)

    def rotate(self) -> None:
        """Retire the checkpoint signing key and create the next; retired keys stay published."""
        settings = load_settings()
        new, retired = rotate_key(settings.key_dir, settings.kaohe_checkpoint_key_name)
        for key in retired:
            self.console.print(f"retired {key.key_id} (created {key.created:%Y-%m-%d %H:%M})")
        self.console.print(f"active  {new.key_id}: {new.as_json()['verifier_key']}")

    def keys(self) -> None:
        """Print every checkpoint public key (the same JSON as GET /audit/keys)."""
        settings = load_settings()
        published = [k.as_json() for k in published_keys(settings.key_dir)]
        print(json.dumps({"keys": published}, indent=2))

    def prove(
        self,
        service: ServiceOption,
        position: Annotated[int, typer.Option(help="The event's position in the service log")],
        checkpoint: Annotated[
            int | None, typer.Option(help="The checkpoint's tree size (default: the latest)")
        ] = None,
    ) -> None:
        """Prove one event is in a signed checkpoint (RFC 9162 inclusion proof) and verify it."""
        result = self._proved(
            lambda url, keys: prove_inclusion(url, _service(service), position, keys, checkpoint)
        )
        self.console.print(
            f"service {result.service}, position {result.position}, leaf {result.leaf_index}"
        )
        self.console.print(f"leaf hash {result.leaf_hash.hex()}")
        self.console.print(f"checkpoint (tree size {result.checkpoint.tree_size}):")
        print(result.checkpoint.note, end="")
        self.console.print("inclusion proof:")
        self._verdict(result.path, result.problem, "the event is in the signed log")

    def consistency(
        self,
        service: ServiceOption,
        old: Annotated[int | None, typer.Option(help="The older checkpoint's tree size")] = None,
        new: Annotated[int | None, typer.Option(help="The newer checkpoint's tree size")] = None,
    ) -> None:
        """Prove a newer checkpoint extends an older one (RFC 9162 consistency proof); by
        default the latest two.
        """
        result = self._proved(
            lambda url, keys: prove_consistency(url, _service(service), keys, old, new)
        )
        self.console.print(
            f"{result.service}: checkpoint {result.old.tree_size} -> {result.new.tree_size}"
        )
        self._verdict(
            result.path, result.problem, "the newer log extends the older, nothing rewritten"
        )

    def _proved(self, prove: Callable[[str, list[PublicKey]], P]) -> P:
        """Run `prove` on the database with the published keys; a proof that cannot be made
        (no such event or checkpoint) exits 2.
        """
        settings = load_settings()
        keys = signer_from(settings).public_keys()
        with self.database_url(settings.kaohe_data_dir) as url:
            try:
                return prove(url, keys)
            except ProofError as exc:
                self.console.print(f"[red]{exc}[/red]")
                raise typer.Exit(2) from None

    def _verdict(self, path: list[bytes], problem: str | None, verified: str) -> None:
        """Print the proof's path and whether it verifies; exit 1 if it does not."""
        for node in path:
            print(f"  {node.hex()}")
        if problem:
            self.console.print(f"[red]DOES NOT VERIFY: {problem}[/red]")
            raise typer.Exit(1)
        self.console.print(f"[green]verified: {verified}[/green]")

    def export(
        self,
        unit: Annotated[str, typer.Option(help="The unit's code or id")],
        out: Annotated[Path, typer.Option(help="A new folder, or a file ending in .zip")],
        start: Annotated[
            str, typer.Option("--from", help="First day, YYYY-MM-DD (China date)")
        ] = "2000-01-01",
        end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (China date)")] = (
            "2999-12-31"
        ),
    ) -> None:
        """Write a self-contained bundle of a unit's events, with proofs, checkpoints and keys."""
        settings = load_settings()
        first, last = _date(start, "--from"), _date(end, "--to")
        if last < first:
            raise typer.BadParameter("must not be before --from", param_hint="--to")
        with self.database_url(settings.kaohe_data_dir) as url:
            unit_id = _unit(url, unit)
            try:
                summary = export_bundle(url, unit_id, first, last, out, signer_from(settings))
            except CheckpointRefusedError as exc:
                self.console.print(f"[red]export refused: {exc}[/red]")
                raise typer.Exit(1) from None
            except FileExistsError as exc:
                raise typer.BadParameter(str(exc), param_hint="--out") from None
        counts = ", ".join(f"{s} {n}" for s, n in summary.event_counts.items())
        self.console.print(f"wrote {summary.out}: {counts} events")
        verifier = (
            "verify_bundle.py (in the archive)"
            if out.suffix == ".zip"
            else (f"{summary.out}/verify_bundle.py")
        )
        self.console.print(f"check it offline: python {verifier} {summary.out}")


def _checkpoint_row(table: Table, url: str, name: str, signer: Signer) -> bool:
    """Checkpoint one service's log and add its row to `table`; False if it was refused."""
    try:
        outcome = checkpoint_service(url, name, signer)
    except CheckpointRefusedError as exc:
        table.add_row(name, "-", "-", "-", f"[red]REFUSED: {exc.reason}[/red]")
        return False
    latest = outcome.latest
    if latest is None:
        table.add_row(name, "0", "-", "-", "empty log: nothing to sign")
    else:
        what = "[green]signed[/green]" if outcome.signed else "unchanged"
        table.add_row(name, str(latest.tree_size), latest.root_hash.hex()[:16], latest.key_id, what)
    return True


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = f"{value!r} is not a date like 2026-03-31"
        raise typer.BadParameter(message, param_hint=option) from None


def _unit(url: str, value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        pass
    with psycopg.connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('gateway.units')").fetchone()
        row = None
        if exists is not None and exists[0] is not None:
            row = conn.execute("SELECT id FROM gateway.units WHERE code = %s", (value,)).fetchone()
    if row is None:
        raise typer.BadParameter(f"no unit with code or id {value!r}", param_hint="--unit")
    return UUID(str(row[0]))
