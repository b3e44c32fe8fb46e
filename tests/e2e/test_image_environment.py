"""The image's environment, rehearsed without a Docker engine (none runs on this machine).

The build stage of deploy/Dockerfile is carried out as written, in a scratch folder: its COPY
instructions copy what they name, its `uv sync` commands run with its ENV. Then every process
is started from that environment alone, by the command deploy/compose.yaml gives it, in an empty
folder with the runtime stage's ENV: no source tree beside it, nothing of the test's own
environment. What it cannot rehearse is the base image itself (docs/operations.md).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from bench.system import free_port
from deploy.launcher import processes
from kernel.settings import Settings

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".tools" / "bin" / "uv"


def stage_env(values: list[str], places: dict[str, Path], env: dict[str, str]) -> None:
    """Apply a stage's ENV instructions to `env`, its absolute paths moved to `places`."""
    for value in values:
        for pair in shlex.split(value):
            name, _, setting = pair.partition("=")
            for inside, outside in places.items():
                setting = setting.replace(inside, str(outside))
            env[name] = setting.replace("$PATH", env.get("PATH", ""))


def build(scratch: Path) -> dict[str, str]:
    """Carry out the build stage in `scratch`; the runtime stage's environment variables."""
    parser = DockerfileParser(str(ROOT / "deploy" / "Dockerfile"))
    stage = -1
    places = {"/opt/kaohe": scratch / "opt", "/var/lib/kaohe": scratch / "data"}
    envs: list[list[str]] = [[], []]
    workdir = scratch / "src"
    workdir.mkdir()
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
    }
    for instruction in parser.structure:
        kind, value = instruction["instruction"], instruction["value"]
        if kind == "FROM":
            stage += 1
        elif kind == "ENV":
            envs[stage].append(value)
            if stage == 0:
                stage_env([value], places, env)
        elif stage == 0 and kind == "COPY":
            *sources, destination = value.split()
            for source in sources:
                target = workdir / destination / (Path(source).name if len(sources) > 1 else "")
                if (ROOT / source).is_dir():
                    shutil.copytree(
                        ROOT / source, target, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    shutil.copy(ROOT / source, target)
        elif stage == 0 and kind == "RUN" and value.startswith("uv "):
            subprocess.run([str(UV), *shlex.split(value)[1:]], cwd=workdir, env=env, check=True)
        elif stage == 0 and kind == "RUN":
            # The one other step installs uv itself: the same version as the Makefile's, here.
            version = subprocess.run(
                [str(UV), "--version"], capture_output=True, text=True, check=True
            ).stdout.split()[1]
            assert f"uv=={version}" in value
    shutil.rmtree(workdir)
    runtime = {"PATH": "/usr/bin:/bin", "HOME": str(scratch)}
    stage_env(envs[1], places, runtime)
    return runtime


def wait_ready(url: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert child.poll() is None, f"{url}: the process exited with {child.returncode}"
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    pytest.fail(f"{url} was not ready within 90 s")


@contextlib.contextmanager
def started(
    commands: list[tuple[list[str], str]], env: dict[str, str], cwd: Path
) -> Iterator[None]:
    children: list[subprocess.Popen[bytes]] = []
    try:
        for command, ready in commands:
            children.append(subprocess.Popen(command, env=env, cwd=cwd))
            wait_ready(ready, children[-1])
        yield
    finally:
        for child in reversed(children):
            child.terminate()
        for child in children:
            child.wait(timeout=30)


def test_every_process_serves_from_the_images_environment_alone(
    isolated: str, tmp_path: Path
) -> None:
    env = build(tmp_path)
    python = shutil.which("python", path=env["PATH"])
    assert python is not None
    assert Path(python).is_relative_to(tmp_path / "opt")
    empty = tmp_path / "run"
    empty.mkdir()
    installed = subprocess.run(
        ["python", "-c", "import kernel; print(kernel.__file__)"],
        env=env,
        cwd=empty,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(installed.strip()).is_relative_to(tmp_path / "opt"), installed

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]
    ports = {p.name: free_port() for p in processes(Settings())}
    env |= {
        "DATABASE_URL": isolated,
        **{f"KAOHE_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()},
        "NATS_URL": "",
    }
    commands = []
    for process in processes(Settings()):
        command = list(compose[process.name]["command"])
        assert command[-2:] == ["--port", str(process.port)]
        # On the test machine: a free port, and the loopback interface only.
        command[-1] = str(ports[process.name])
        command[command.index("--host") + 1] = "127.0.0.1"
        commands.append((command, f"http://127.0.0.1:{ports[process.name]}/ready"))

    with started(commands, env, empty):
        gateway = f"http://127.0.0.1:{ports['gateway']}"
        answer = httpx.post(f"{gateway}/graphql", json={"query": "{ __typename }"})
        assert answer.status_code == 401
        assert answer.json()["error"]["rule"] == "kernel.bearer_token"
        for port in ports.values():
            assert "kaohe_http_requests_total" in httpx.get(f"http://127.0.0.1:{port}/metrics").text
