"""The deployment artefacts (deploy/Dockerfile, deploy/compose.yaml, deploy/k8s/), checked
offline: by hadolint, the Compose specification's JSON schema (as check-jsonschema ships it), the
Kubernetes API's schemas (as kubernetes-validate ships them), and against Kaohe itself: the
processes `kaohe run` starts (deploy/launcher.py) and the settings they read (kernel/settings.py).

No Docker engine runs here, so the image is never built nor run by these tests: they check what
can be checked without one (docs/operations.md says what that leaves).
"""

from __future__ import annotations

import json
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import yaml
from dockerfile_parse import DockerfileParser

from deploy.launcher import Process, processes
from kernel.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
BIN = Path(sys.executable).parent
KUBERNETES_VERSION = "1.37.0"

PROCESSES = processes(Settings())
SERVICES = {"directory", "goals", "feedback", "reviews"}
# Read from the environment outside Settings, each by the module named (checked below).
VARIABLES_OUTSIDE_SETTINGS = {"KAOHE_LOG_FORMAT": "kernel/logs.py"}

Manifest = dict[str, Any]


def tool(name: str) -> str:
    """A validator installed in the project's environment by uv (pinned by uv.lock)."""
    path = BIN / name
    assert path.exists(), f"{name} is not installed: run `make install`"
    return str(path)


def command_of(process: Process) -> list[str]:
    """How the image starts `process`: uvicorn on the process's composition root."""
    return [
        "python",
        "-m",
        "uvicorn",
        process.factory,
        "--factory",
        "--host",
        "0.0.0.0",
        "--port",
        str(process.port),
    ]


def settable_variables() -> set[str]:
    return {name.upper() for name in Settings.model_fields} | set(VARIABLES_OUTSIDE_SETTINGS)


def test_the_variables_read_outside_settings_are_read_where_named() -> None:
    for variable, module in VARIABLES_OUTSIDE_SETTINGS.items():
        assert variable in (ROOT / module).read_text()


# --- The image -----------------------------------------------------------------------------


def dockerfile() -> DockerfileParser:
    return DockerfileParser(str(DEPLOY / "Dockerfile"))


def stages(parser: DockerfileParser) -> list[list[dict[str, Any]]]:
    """The instructions of each stage, in order."""
    found: list[list[dict[str, Any]]] = []
    for instruction in parser.structure:
        if instruction["instruction"] == "FROM":
            found.append([])
        if found:
            found[-1].append(dict(instruction))
    return found


def instructions(stage: list[dict[str, Any]], name: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == name]


def test_the_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [tool("hadolint"), str(DEPLOY / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_refuses_an_unpinned_base_image_and_a_download() -> None:
    bad = "FROM python:latest\nADD https://example.invalid/get.sh /get.sh\nUSER root\n"
    result = subprocess.run(
        [tool("hadolint"), "-"], input=bad, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # the latest tag
    assert "DL3002" in result.stdout  # the last USER is root


def test_the_image_is_built_in_two_stages_and_runs_as_a_user_who_is_not_root() -> None:
    build, runtime = stages(dockerfile())
    assert "AS build" in build[0]["value"]
    users = instructions(runtime, "USER")
    assert users, "the runtime stage names no USER: the processes would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert user.isdigit(), "a numeric user, which Kubernetes' runAsNonRoot can check"


def test_every_base_image_is_pinned_by_a_tag_or_a_digest() -> None:
    for image in dockerfile().parent_images:
        _, _, tag = image.partition(":")
        assert "@sha256:" in image or (tag and tag != "latest"), image


def test_nothing_is_added_from_a_url_or_an_archive() -> None:
    assert not [i for i in dockerfile().structure if i["instruction"] == "ADD"]


def test_the_build_installs_the_locked_dependencies_without_the_development_tools() -> None:
    build, _ = stages(dockerfile())
    syncs = [run for run in instructions(build, "RUN") if "uv sync" in run]
    assert syncs
    assert all("--frozen" in run and "--no-dev" in run for run in syncs)


def test_the_runtime_stage_has_no_compiler_and_no_package_manager_run() -> None:
    _, runtime = stages(dockerfile())
    for run in instructions(runtime, "RUN"):
        for word in ("apt-get", "apk", "gcc", "build-essential", "pip ", "uv "):
            assert word not in run, run
    copies = instructions(runtime, "COPY")
    assert copies
    assert all(copy.startswith("--from=build ") for copy in copies)


def ignored(path: str, patterns: list[str]) -> bool:
    return any(fnmatch(path, pattern) for pattern in patterns)


def test_every_file_the_image_copies_is_in_the_repository_and_sent_to_the_builder() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    build, _ = stages(dockerfile())
    for copy in instructions(build, "COPY"):
        *sources, _destination = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
            assert not ignored(source, patterns), f"COPY {source}: .dockerignore leaves it out"


def test_the_image_starts_a_process_of_the_launcher_by_default() -> None:
    (cmd,) = instructions(stages(dockerfile())[-1], "CMD")
    assert json.loads(cmd) in [command_of(p) for p in PROCESSES]


# --- Compose --------------------------------------------------------------------------------


def compose() -> Manifest:
    loaded: Manifest = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def check_compose(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_compose_file_follows_the_compose_specification() -> None:
    result = check_compose(DEPLOY / "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_schema_refuses_a_misspelt_key(tmp_path: Path) -> None:
    bad = tmp_path / "compose.yaml"
    bad.write_text("services:\n  gateway:\n    image: kaohe:local\n    comand: [kaohe]\n")
    result = check_compose(bad)
    assert result.returncode != 0
    assert "comand" in result.stdout


def test_compose_runs_postgresql_nats_the_migrations_and_every_process() -> None:
    services = compose()["services"]
    assert {"postgres", "nats", "migrate"} <= set(services)
    assert "--jetstream" in services["nats"]["command"]
    assert services["migrate"]["command"] == ["kaohe", "migrate"]
    for process in PROCESSES:
        service = services[process.name]
        assert service["command"] == command_of(process)
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert service["restart"] == "unless-stopped"
        assert f"127.0.0.1:{process.port}/ready" in " ".join(service["healthcheck"]["test"])
        assert any(str(process.port) in port for port in service["ports"])
        assert set(service["depends_on"]) & {"migrate", *(p.name for p in PROCESSES)}


def test_compose_holds_no_password() -> None:
    services = compose()["services"]
    assert "${KAOHE_DB_PASSWORD:?" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    for process in PROCESSES:
        assert ":${KAOHE_DB_PASSWORD:?" in services[process.name]["environment"]["DATABASE_URL"]


def test_compose_sets_only_variables_that_kaohe_reads() -> None:
    services = compose()["services"]
    for process in PROCESSES:
        unknown = set(services[process.name]["environment"]) - settable_variables()
        assert not unknown, f"{process.name}: no setting is named {unknown}"
