"""The container image and the Kubernetes example (deploy/Dockerfile, deploy/k8s/), read as text and YAML.

Neither can run here (no container runtime, no cluster: see deploy/README.md), so this keeps them
consistent with the app and with each other: the image runs the app as a non-root user on port 8501
with a health check on /_stcore/health; the manifests parse, select the pods they create, probe the same
endpoint, give each pod one CPU, and keep a browser on one pod with the same cookie name as
deploy/replicas.sh's nginx. Schema validation and hadolint are in deploy/README.md (run by hand).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
ROOT = DEPLOY.parent


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text())  # join continued lines
    return [tuple(line.split(None, 1)) for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _manifests() -> dict[str, dict]:
    docs = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            docs[doc["kind"]] = doc
    return docs


def test_the_image_runs_the_app_as_a_user_on_8501_with_a_health_check():
    ins = _instructions()
    first = {k: v for k, v in reversed(ins)}  # the first of each instruction
    assert first["FROM"] == "python:3.11-slim"
    assert any(k == "RUN" and "pip install -r requirements.txt" in v for k, v in ins)
    copied = {v.split()[0].rstrip("/") for k, v in ins if k == "COPY"}
    assert {"requirements.txt", "app.py", "pages", "perceptron", "static", ".streamlit"} <= copied
    for name in copied:  # every file it copies exists, and none is left out by the ignore file
        assert (ROOT / name).exists(), name
    ignored = {line.strip() for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert not copied & ignored
    users = [v for k, v in ins if k == "USER"]
    assert users and not users[-1].startswith(("0", "root"))
    assert [v for k, v in ins if k == "EXPOSE"] == ["8501"]
    assert "/_stcore/health" in next(v for k, v in ins if k == "HEALTHCHECK")
    cmd = next(v for k, v in reversed(ins) if k == "CMD")
    for part in ('"streamlit", "run", "app.py"', '"--server.headless", "true"', '"--server.address", "0.0.0.0"',
                 '"--server.port", "8501"'):
        assert part in cmd, part


def test_the_manifests_select_probe_and_size_their_pods():
    docs = _manifests()
    assert {"Deployment", "Service", "Ingress", "PodDisruptionBudget", "Kustomization"} <= set(docs)
    dep = docs["Deployment"]
    pod = dep["spec"]["template"]
    labels = pod["metadata"]["labels"]
    for selector in (dep["spec"]["selector"]["matchLabels"], docs["Service"]["spec"]["selector"],
                     docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"]):
        assert selector.items() <= labels.items()
    (container,) = pod["spec"]["containers"]
    assert container["ports"][0]["containerPort"] == 8501
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health", probe
    assert container["resources"]["requests"]["cpu"] == "1"  # one process uses about one core
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    kust = docs["Kustomization"]
    assert {f.name for f in (DEPLOY / "k8s").glob("*.yaml")} - {"kustomization.yaml"} == set(kust["resources"])
    assert kust["images"][0]["name"] == container["image"]


def test_the_ingress_keeps_a_browser_on_one_pod_like_replicas_sh():
    docs = _manifests()
    notes = docs["Ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    name = notes["nginx.ingress.kubernetes.io/session-cookie-name"]
    assert f"$cookie_{name}" in (DEPLOY / "nginx.conf.template").read_text()  # one cookie name for both
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # idle websockets stay
    backend = docs["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == docs["Service"]["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in docs["Service"]["spec"]["ports"]}
