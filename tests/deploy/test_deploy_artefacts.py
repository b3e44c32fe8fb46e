"""The deployment artefacts (deploy/Dockerfile, deploy/compose.yaml, deploy/k8s/), checked
offline: by hadolint, the Compose specification's JSON schema (as check-jsonschema ships it), the
Kubernetes API's schemas (as kubernetes-validate ships them), and against Kaohe itself: the
processes `kaohe run` starts (deploy/launcher.py) and the settings they read (kernel/settings.py).

No Docker engine runs here, so the image is never built nor run by these tests: they check what
can be checked without one (docs/operations.md says what that leaves).
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
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


def test_hadolint_refuses_a_latest_base_image_and_a_root_user() -> None:
    bad = "FROM python:latest\nUSER root\n"
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


# --- Kubernetes -----------------------------------------------------------------------------


def manifest_files() -> list[Path]:
    return sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml")


@functools.cache
def base() -> tuple[Manifest, ...]:
    """Every resource of the base, as its kustomization lists them (read once: tests only read
    them)."""
    kustomization = yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text())
    return tuple(
        document
        for name in kustomization["resources"]
        for document in yaml.safe_load_all((K8S / "base" / name).read_text())
    )


def of_kind(kind: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in base() if m["kind"] == kind}


def test_every_manifest_follows_the_kubernetes_schemas() -> None:
    for path in manifest_files():
        for document in yaml.safe_load_all(path.read_text()):
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_kubernetes_schemas_refuse_a_misspelt_field() -> None:
    deployment = of_kind("Deployment")["kaohe-gateway"]
    bad = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBERNETES_VERSION, strict=True)


def container(deployment: Manifest) -> Manifest:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    found: Manifest = only
    return found


def test_every_process_has_a_deployment_probed_limited_and_not_root() -> None:
    deployments = of_kind("Deployment")
    for process in PROCESSES:
        deployment = deployments[f"kaohe-{process.name}"]
        pod = deployment["spec"]["template"]["spec"]
        main = container(deployment)
        assert main["command"] == command_of(process)
        assert main["ports"] == [{"name": "http", "containerPort": process.port}]
        assert main["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
        assert main["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
        for bound in ("requests", "limits"):
            assert set(main["resources"][bound]) == {"cpu", "memory"}
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert main["securityContext"]["allowPrivilegeEscalation"] is False
        assert main["securityContext"]["readOnlyRootFilesystem"] is True
        assert main["securityContext"]["capabilities"]["drop"] == ["ALL"]


def test_every_process_reads_its_database_url_from_a_secret_of_its_own() -> None:
    deployments = of_kind("Deployment")
    secrets = []
    for process in PROCESSES:
        env = {e["name"]: e for e in container(deployments[f"kaohe-{process.name}"])["env"]}
        secrets.append(env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"])
    assert len(set(secrets)) == len(PROCESSES)


def test_every_process_has_a_service_on_its_port() -> None:
    services = of_kind("Service")
    for process in PROCESSES:
        service = services[f"kaohe-{process.name}"]
        assert service["spec"]["ports"] == [
            {"name": "http", "port": process.port, "targetPort": "http"}
        ]
        assert service["spec"]["selector"] == {
            "app.kubernetes.io/name": "kaohe",
            "app.kubernetes.io/component": process.name,
        }


def test_the_gateway_reaches_each_service_through_its_kubernetes_service() -> None:
    config = of_kind("ConfigMap")["kaohe-config"]["data"]
    for name in SERVICES:
        port = next(p.port for p in PROCESSES if p.name == name)
        assert config[f"KAOHE_{name.upper()}_URL"] == f"http://kaohe-{name}:{port}"


def pod_specs() -> list[Manifest]:
    return [m["spec"]["template"]["spec"] for m in base() if m["kind"] in {"Deployment", "Job"}]


def test_the_manifests_set_only_variables_that_kaohe_reads() -> None:
    names = set(of_kind("ConfigMap")["kaohe-config"]["data"])
    for spec in pod_specs():
        for each in spec["containers"]:
            names |= {e["name"] for e in each.get("env", [])}
    assert not names - settable_variables()


def test_every_secret_and_config_map_named_is_defined() -> None:
    secrets, configs = set(of_kind("Secret")), set(of_kind("ConfigMap"))
    for spec in pod_specs():
        for each in spec["containers"] + spec.get("initContainers", []):
            for e in each.get("env", []):
                if "valueFrom" in e:
                    assert e["valueFrom"]["secretKeyRef"]["name"] in secrets
            for source in each.get("envFrom", []):
                assert source["configMapRef"]["name"] in configs
        for volume in spec["volumes"]:
            if "secret" in volume:
                assert volume["secret"]["secretName"] in secrets


def test_the_secrets_hold_placeholders_and_never_a_value() -> None:
    for secret in of_kind("Secret").values():
        assert "data" not in secret, "base64 would hide a real value from review"
        for value in secret["stringData"].values():
            assert "REPLACE" in value
            assert "PRIVATE KEY" not in value


def test_the_gateway_keeps_serving_through_a_voluntary_disruption() -> None:
    budget = of_kind("PodDisruptionBudget")["kaohe-gateway"]["spec"]
    gateway = of_kind("Deployment")["kaohe-gateway"]["spec"]
    assert budget["selector"]["matchLabels"] == gateway["selector"]["matchLabels"]
    assert gateway["replicas"] > budget["minAvailable"] >= 1


def test_a_job_runs_the_migrations_as_the_schemas_owner() -> None:
    job = of_kind("Job")["kaohe-migrate"]["spec"]["template"]["spec"]
    (migrate,) = job["containers"]
    assert migrate["command"] == ["kaohe", "migrate"]
    assert job["restartPolicy"] == "Never"
    secret = migrate["env"][0]["valueFrom"]["secretKeyRef"]["name"]
    assert secret == "kaohe-db-migrate"


# --- Who may talk to whom -------------------------------------------------------------------


def selects(selector: Manifest, labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", "only In is understood by this check"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def peers_of(labels: dict[str, str]) -> list[Manifest | None]:
    """Who may connect to a pod with `labels`: each rule's peers, None for anyone at all."""
    peers: list[Manifest | None] = []
    for policy in of_kind("NetworkPolicy").values():
        if selects(policy["spec"]["podSelector"], labels):
            for rule in policy["spec"].get("ingress", []):
                peers.extend(rule.get("from", [None]))
    return peers


def pod_labels(name: str) -> dict[str, str]:
    labels: dict[str, str] = of_kind("Deployment")[f"kaohe-{name}"]["spec"]["template"]["metadata"][
        "labels"
    ]
    return labels


MONITORING = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}


def test_nothing_takes_a_connection_that_no_policy_allows() -> None:
    deny = of_kind("NetworkPolicy")["kaohe-default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}


def test_only_the_gateway_takes_traffic_from_outside() -> None:
    for process in PROCESSES:
        peers = peers_of(pod_labels(process.name))
        assert (None in peers) == (process.name == "gateway"), process.name


def test_the_services_take_connections_from_the_gateway_and_monitoring_only() -> None:
    gateway = pod_labels("gateway")
    for process in PROCESSES:
        if process.name == "gateway":
            continue
        for peer in peers_of(pod_labels(process.name)):
            assert peer is not None
            if "podSelector" in peer:
                assert process.name in SERVICES
                assert selects(peer["podSelector"], gateway)
                assert "namespaceSelector" not in peer
            else:
                assert peer == MONITORING


def test_every_process_is_scraped_from_the_monitoring_namespace() -> None:
    for process in PROCESSES:
        assert MONITORING in peers_of(pod_labels(process.name))


def test_the_database_takes_connections_from_kaohes_pods_only() -> None:
    peers = peers_of({"app.kubernetes.io/name": "postgresql"})
    assert peers
    for peer in peers:
        assert peer is not None
        assert set(peer) == {"podSelector"}
        assert peer["podSelector"] == {"matchLabels": {"app.kubernetes.io/part-of": "kaohe"}}
    job = of_kind("Job")["kaohe-migrate"]["spec"]["template"]["metadata"]["labels"]
    assert all(selects(p["podSelector"], job) for p in peers if p)


# --- The example overlay --------------------------------------------------------------------


def test_the_example_overlay_changes_only_what_the_base_defines() -> None:
    overlay = K8S / "overlays" / "example"
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (overlay / resource).exists(), resource
    images = {c["image"] for spec in pod_specs() for c in spec["containers"]}
    assert {i["name"] for i in kustomization["images"]} == images
    deployments = of_kind("Deployment")
    assert all(r["name"] in deployments for r in kustomization["replicas"])
    for patch in kustomization["patches"]:
        target = yaml.safe_load((overlay / patch["path"]).read_text())
        assert target["metadata"]["name"] in of_kind(target["kind"])
        assert set(target.get("data", {})) <= settable_variables()


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (kustomize) not installed")
def test_the_example_overlay_builds_into_valid_manifests() -> None:
    built = subprocess.run(
        ["kubectl", "kustomize", str(K8S / "overlays" / "example")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    documents = list(yaml.safe_load_all(built))
    for document in documents:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        if document["kind"] != "Namespace":
            assert document["metadata"]["namespace"] == "kaohe"
