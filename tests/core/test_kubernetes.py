"""The Kubernetes manifests (deploy/kubernetes): the production overlay renders with kubectl's
Kustomize and every object validates against Kubernetes' own schema (kubernetes-validate,
strict: an unknown field fails); web and sockets have probes, every container asks for
resources, settings come by reference, and no secret is written in them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from realtime.protocol import DOTTED_PATH

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = "1.32.0"


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is not installed (bin/test-services installs it)"
    rendered = subprocess.run(  # noqa: S603 - kubectl, fixed arguments
        [kubectl, "kustomize", str(ROOT / "deploy/kubernetes/overlays/production")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return [doc for doc in yaml.safe_load_all(rendered.stdout) if doc]


def test_every_object_validates_against_the_schema(objects):
    for obj in objects:
        kubernetes_validate.validate(obj, KUBERNETES, strict=True)
    kinds = sorted(obj["kind"] for obj in objects)
    assert kinds == sorted([
        "ConfigMap", "CronJob", "Deployment", "Deployment", "Deployment",
        "HorizontalPodAutoscaler", "HorizontalPodAutoscaler", "Ingress", "Job",
        "PodDisruptionBudget", "PodDisruptionBudget", "PodDisruptionBudget",
        "Service", "Service",
    ])  # fmt: skip


def _pods(objects: list[dict]):
    for obj in objects:
        if obj["kind"] in ("Deployment", "Job"):
            yield obj["metadata"]["name"], obj["spec"]["template"]["spec"]
        elif obj["kind"] == "CronJob":
            yield obj["metadata"]["name"], obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_probes_resources_and_settings_by_reference(objects):
    for name, pod in _pods(objects):
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            assert container["resources"]["requests"], name
            sources = {next(iter(source)) for source in container["envFrom"]}
            assert sources == {"configMapRef", "secretRef"}, name
            assert "env" not in container, name  # nothing written inline
            if name in ("web", "sockets"):
                assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
                assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert not [obj for obj in objects if obj["kind"] == "Secret"]
    [ingress] = [obj for obj in objects if obj["kind"] == "Ingress"]
    paths = {p["path"]: p["backend"]["service"]["name"]
             for p in ingress["spec"]["rules"][0]["http"]["paths"]}  # fmt: skip
    assert paths == {"/ws/": "sockets", "/": "web"}
    assert ingress["spec"]["tls"]


def test_the_socket_server_runs_our_websocket_protocol(objects):
    [sockets] = [pod for name, pod in _pods(objects) if name == "sockets"]
    [container] = sockets["containers"]
    assert container["command"][:2] == ["uvicorn", "confessions_backend.asgi:application"]
    assert f"--ws={DOTTED_PATH}" in container["command"]
