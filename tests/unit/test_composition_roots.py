"""Every process `kaohe run` starts is built by a composition root of its own, named the same in
every process (`<package>.main:create_app`), that builds its app from the settings alone.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI

from deploy.launcher import processes
from kernel.settings import Settings


def test_every_process_is_built_by_its_own_main_module(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://127.0.0.1:1/none", kaohe_data_dir=tmp_path)
    started = processes(settings)
    assert {p.name for p in started} >= {"gateway", "integrations", "audit"}
    for process in started:
        module, _, factory = process.factory.partition(":")
        assert (module.rsplit(".", 1)[-1], factory) == ("main", "create_app"), process
        # Building the app touches nothing: the objects are built when the process starts.
        app = getattr(importlib.import_module(module), factory)(settings)
        assert isinstance(app, FastAPI), process
    assert len({p.factory for p in started}) == len(started)
    assert len({p.port for p in started}) == len(started)


# What a capability publishes for the others: its log's reader, its codes, and for the
# directory the grant check and the rule of who manages whom.
PUBLISHED = ("reader", "vocabulary", "grants", "managers")


def test_services_read_each_other_only_through_the_published_readers() -> None:
    root = Path(__file__).parents[2] / "services"
    capabilities = {p.name for p in root.iterdir() if (p / "reader.py").exists()}
    found = set()
    for path in root.rglob("*.py"):
        own = path.relative_to(root).parts[0]
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) < 2 or words[0] not in ("from", "import"):
                continue
            parts = words[1].split(".")
            if (
                len(parts) > 2
                and parts[0] == "services"
                and parts[1] in capabilities - {own}
                and parts[2] not in PUBLISHED
            ):
                found.add((path.relative_to(root).as_posix(), words[1]))
    assert not found, found
