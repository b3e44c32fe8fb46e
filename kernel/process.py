"""What each of Kaohe's processes does first when it is started from the environment (by
`kaohe run`, a container or a unit file): read its settings, refuse to go on without an explicit
database or on a database that is not migrated, and set up its logs."""

from __future__ import annotations

from kernel.logs import configure_logging
from kernel.schema import require_migrated
from kernel.settings import DatabaseNotConfiguredError, Settings, load_settings


def start_process() -> Settings:
    """The process's settings, read from the environment now, with its logs configured.

    DATABASE_URL is required: left empty, libpq would choose a database by its own defaults
    (PGHOST, a local socket, the account's name), and the process would work, healthy-looking,
    in a database nobody chose. The database must be migrated to the revision this release was
    written for (`kaohe migrate`): a process never makes the tables of the record itself."""
    settings = load_settings()
    if not settings.database_url.strip():
        raise DatabaseNotConfiguredError
    require_migrated(settings.database_url)
    configure_logging()
    return settings
