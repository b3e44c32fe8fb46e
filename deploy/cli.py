"""The `kaohe` command: run the system, load the demo, mint tokens, verify the record."""

from __future__ import annotations

from contextlib import closing
from datetime import timedelta
from typing import Annotated
from uuid import UUID, uuid5

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from deploy import launcher
from deploy.postgres import database_url
from kernel.auth import max_lifetime, mint_token
from kernel.calendar import china_date
from kernel.context import Scope
from kernel.roles import Role
from kernel.schema import current_revision, migrate
from kernel.settings import Settings, load_settings
from services.audit import commands as audit_commands
from services.audit.verify import verify_all
from services.directory.application import Directory

app = typer.Typer(
    help="Kaohe (考核): appraisal of civil servants, event-sourced.", no_args_is_help=True
)
audit = typer.Typer(help="Auditors' tools: verify the record.", no_args_is_help=True)
app.add_typer(audit, name="audit")
events = typer.Typer(help="Integrators' tools: the event catalogue.", no_args_is_help=True)
app.add_typer(events, name="events")
console = Console()
audit_commands.register(audit, console, database_url)


@app.command()
def run() -> None:
    """Start PostgreSQL (embedded unless DATABASE_URL is set), the services and the gateway."""
    launcher.run(load_settings())


@app.command("migrate")
def migrate_command() -> None:
    """Bring the database (DATABASE_URL, or the embedded one) to the schema this release needs."""
    settings = load_settings()
    with database_url(settings.kaohe_data_dir) as url:
        before = current_revision(url)
        after = migrate(url)
    if before == after:
        console.print(f"The database schema is at revision {after}: nothing to do.")
    else:
        console.print(f"The database schema is at revision {after} (was {before or 'none'}).")


@app.command()
def demo(
    graphql: Annotated[str | None, typer.Option(help="The gateway's GraphQL URL")] = None,
) -> None:
    """Load the demo unit (济宁市机关事务服务中心, 60 people) through GraphQL. Safe to repeat."""
    from deploy.demo import load_demo

    settings = load_settings()
    url = graphql or f"http://{settings.kaohe_host}:{settings.kaohe_gateway_port}/graphql"
    unit_id = load_demo(settings, url)
    console.print(f"Demo unit loaded: {unit_id}. Try `kaohe token liuming` (the principal leader).")


@app.command()
def token(
    login: Annotated[
        str, typer.Argument(help="A person's login, 'admin', or 'integration' (with --unit)")
    ],
    unit: Annotated[
        str | None, typer.Option(help="The unit's code, if the login is ambiguous")
    ] = None,
    role: Annotated[
        list[Role] | None,
        typer.Option(help="Only these of the roles held today (repeatable)"),
    ] = None,
    hours: Annotated[
        float, typer.Option(help="Lifetime in hours (at most KAOHE_TOKEN_MAX_LIFETIME)")
    ] = 8.0,
    platform: Annotated[
        bool,
        typer.Option(
            "--platform",
            help="A platform-wide auditor's token (纪检): for an auditor the platform "
            "administrator appointed (appointPlatformAuditor), in force today",
        ),
    ] = False,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="An integration's scope (repeatable): fields:<class> (identity, contact, "
            "opinions, scores, sanctions, work) and events:<type or prefix>; none: every event "
            "type, no personal field"
        ),
    ] = None,
) -> None:
    """Print a development bearer token for a person, with their roles in the org chart today."""
    settings = load_settings()
    ttl = _lifetime(settings, hours)
    if login == "admin":
        from deploy.demo import admin_token

        print(admin_token(settings, ttl))
    elif login == "integration":
        print(integration_token(settings, unit, ttl, scope or []))
    elif platform:
        print(platform_auditor_token(settings, login, ttl))
    else:
        print(person_token(settings, login, unit, role or [], ttl))


def _lifetime(settings: Settings, hours: float) -> timedelta:
    """The token's lifetime, refused beyond KAOHE_TOKEN_MAX_LIFETIME before anything is read."""
    ttl = timedelta(hours=hours)
    if ttl > max_lifetime(settings):
        console.print(
            f"[red]A token lives at most {max_lifetime(settings)}[/red] "
            f"(KAOHE_TOKEN_MAX_LIFETIME), not {ttl}."
        )
        raise typer.Exit(2)
    return ttl


def person_token(
    settings: Settings, login: str, unit: str | None, roles: list[Role], ttl: timedelta
) -> str:
    """A token for the person `login` (in the unit coded `unit`, if given) with the roles they
    hold in the org chart today, or only `roles` of them.
    """
    with database_url(settings.kaohe_data_dir) as url:
        person_id, unit_id, name = _person(url, login, unit)
        with closing(Directory.on_postgres(url)) as directory:
            held = directory.get_unit(unit_id).roles_of(person_id, china_date())
    # Every request checks the roles against the org chart: a role not held today would only
    # make a token every service refuses.
    if not_held := sorted(set(roles) - set(held)):
        console.print(
            f"[red]{login} does not hold {', '.join(r.value for r in not_held)} today[/red] "
            f"(holds {', '.join(r.value for r in held) or 'nothing'})."
        )
        raise typer.Exit(2)
    return mint_token(
        settings,
        person_id=UUID(str(person_id)),
        tenant_id=UUID(str(unit_id)),
        login=login,
        name=name,
        roles=list(roles or held),
        ttl=ttl,
    )


def _person(url: str, login: str, unit: str | None) -> tuple[UUID, UUID, str]:
    """The one person with `login` (in the unit coded `unit`, if given): id, unit id, name."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT p.id, p.unit_id, p.name FROM gateway.people p "
            "JOIN gateway.units u ON u.id = p.unit_id "
            "WHERE p.login = %s AND (%s::text IS NULL OR u.code = %s)",
            (login, unit, unit),
        ).fetchall()
    if not rows:
        console.print(
            f"[red]No person with login {login!r}[/red] (load the demo with `make demo`)."
        )
        raise typer.Exit(2)
    if len(rows) > 1:
        console.print(f"[red]{login!r} exists in several units[/red]: pass --unit CODE.")
        raise typer.Exit(2)
    person_id, unit_id, name = rows[0]
    return person_id, unit_id, name


def platform_auditor_token(settings: Settings, login: str, ttl: timedelta) -> str:
    """A platform-scope AUDITOR token for the recorded platform auditor `login` (纪检)."""
    today = china_date()
    with (
        database_url(settings.kaohe_data_dir) as url,
        closing(Directory.on_postgres(url)) as directory,
    ):
        auditor = directory.ask_platform(
            lambda p: (
                None
                if p is None or (a := p.auditor_by_login(login)) is None or not a.in_force_on(today)
                else (a.id, a.name)
            )
        )
    if auditor is None:
        console.print(
            f"[red]{login!r} is not a platform auditor today[/red]: the platform administrator "
            "appoints them (appointPlatformAuditor)."
        )
        raise typer.Exit(2)
    person_id, name = auditor
    return mint_token(
        settings,
        person_id=person_id,
        tenant_id=None,
        login=login,
        name=name,
        roles=[Role.AUDITOR],
        ttl=ttl,
        scope=Scope.PLATFORM,
    )


def integration_token(
    settings: Settings, unit: str | None, ttl: timedelta, scope: list[str] | None = None
) -> str:
    """A token for a unit's integration (集成系统): it reads that unit's event feed only, the
    event types and personal fields its `scope` names (`gateway.integrations.scopes`).
    """
    from gateway.integrations.scopes import parse_scope
    from kernel.errors import DomainError

    try:
        granted = parse_scope(scope or [], field="--scope")
    except DomainError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if not unit:
        console.print("[red]An integration token is for one unit[/red]: pass --unit CODE.")
        raise typer.Exit(2)
    with database_url(settings.kaohe_data_dir) as url, psycopg.connect(url) as conn:
        found = conn.execute("SELECT id FROM gateway.units WHERE code = %s", (unit,)).fetchone()
    if found is None:
        console.print(f"[red]No unit with code {unit!r}[/red].")
        raise typer.Exit(2)
    unit_id = UUID(str(found[0]))
    return mint_token(
        settings,
        person_id=uuid5(unit_id, "integration"),
        tenant_id=unit_id,
        login=f"integration@{unit}",
        name="集成系统",
        roles=[Role.INTEGRATION],
        ttl=ttl,
        integration_scope=granted.tokens(),
    )


@audit.command("verify")
def audit_verify() -> None:
    """Recompute every service log's hash chain and the access log's, and check the signed
    checkpoints; name the first record that does not match.
    """
    from gateway.audit.access import verify_access_log

    settings = load_settings()
    with database_url(settings.kaohe_data_dir) as url:
        reports = [*verify_all(url), verify_access_log(url)]
        checkpoint_table, checkpoints_ok = audit_commands.checkpoint_reports(url)
    table = Table("service", "events", "chain head", "verdict")
    for report in reports:
        if report.broken is None:
            verdict = "[green]intact[/green]"
        else:
            verdict = (
                f"[red]BROKEN at position {report.broken.notification_id}: "
                f"{report.broken.problem}[/red]"
            )
        table.add_row(report.service, str(report.events), (report.head or "-")[:16], verdict)
    console.print(table)
    console.print(checkpoint_table)
    if not all(r.ok for r in reports) or not checkpoints_ok:
        raise typer.Exit(1)


@app.command("replay")
def replay_command(
    switch: Annotated[
        bool, typer.Option("--switch", help="Then make the gateway read the rebuilt models")
    ] = False,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the rebuilt schema")] = False,
) -> None:
    """Rebuild every read model from position zero into a fresh schema, compare it table by table
    with the live one and report every difference; exit 1 if any table differs.
    """
    from deploy.replay import run_replay

    settings = load_settings()
    with database_url(settings.kaohe_data_dir) as url:
        matched = run_replay(url, console, switch_over=switch, keep=keep)
    if not matched:
        raise typer.Exit(1)


@events.command("catalogue")
def events_catalogue() -> None:
    """Write docs/events/ (every event type and the JSON Schema of its data) from the domain."""
    from deploy.event_catalogue import write

    for path in write():
        console.print(f"wrote {path}")


if __name__ == "__main__":
    app()
