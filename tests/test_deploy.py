"""The container image and the Kubernetes example (deploy/Dockerfile, deploy/k8s/), read as text and YAML.

Neither can run here (no container runtime, no cluster: see deploy/README.md), so this keeps them
consistent with the app and with each other: the image runs the app as a non-root user on port 8501
with a health check on /_stcore/health; the manifests parse, select the pods they create, probe the same
endpoint, give each pod one CPU, and keep a browser on one pod with the same cookie name as
deploy/replicas.sh's nginx. The Ingress declares the security headers and refusals of
deploy/nginx.conf.template (the same Content-Security-Policy, whose one inline-script hash must match the
installed Streamlit), and so does its no-snippets alternative; the pods' outside requests fail at once;
Streamlit's config makes it look up no outside address at start; the pods read the live class's
database URL from the example Secret's name and key, under the name the class store reads, and the image
installs the store's pinned driver. Schema validation and hadolint are in deploy/README.md (run by hand).
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import streamlit
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
    examples = {f.name for f in (DEPLOY / "k8s").glob("*.example.yaml")}
    assert {f.name for f in (DEPLOY / "k8s").glob("*.yaml")} - {"kustomization.yaml"} - examples == set(kust["resources"])
    assert not examples & set(kust["resources"])  # an example's placeholder is never applied by apply -k
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


# --- response headers and refusals (deploy/README.md, "Response headers") ------------------------------
NOTE = "nginx.ingress.kubernetes.io/"


def _template_headers() -> dict[str, str]:
    """nginx.conf.template's add_header lines: header name (lower case) -> value."""
    text = (DEPLOY / "nginx.conf.template").read_text()
    return {m[1].lower(): m[2] if m[2] is not None else m[3]
            for m in re.finditer(r'^\s*add_header (\S+) (?:"([^"]*)"|(\S+)) always;', text, re.M)}


def _snippet_headers(snippet: str) -> dict[str, str]:
    return {m[1].lower(): m[2] for m in re.finditer(r'more_set_headers "([^:"]+): ([^"]*)";', snippet)}


def _csp(value: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in value.split(";") if d.strip()}


def _same_headers_as_the_template(headers: dict[str, str], websocket: list[str]) -> None:
    """The template's security headers, with only the websocket's sources (connect-src) written otherwise."""
    ours = _template_headers()
    for name in ("x-frame-options", "x-content-type-options", "referrer-policy"):
        assert headers[name] == ours[name], name
    theirs, csp = _csp(headers["content-security-policy"]), _csp(ours["content-security-policy"])
    assert theirs["connect-src"] == ["'self'", *websocket]
    assert {k: v for k, v in theirs.items() if k != "connect-src"} == {k: v for k, v in csp.items() if k != "connect-src"}


def test_the_template_sends_the_security_headers_and_no_internal_address():
    text = (DEPLOY / "nginx.conf.template").read_text()
    headers = _template_headers()
    csp = _csp(headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["connect-src"] == ["'self'", "ws://$http_host", "wss://$http_host"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert "x-neuron-lab-replica" not in headers and "$upstream_addr" in text  # in the access log only
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                 "Access-Control-Allow-Origin"):
        assert f"proxy_hide_header {name};" in text, name  # Streamlit's own copies never doubled
    assert re.search(r"location \^~ /_stcore/metrics \{\s*return 404;", text)
    assert re.search(r"location = /_stcore/stream \{\s*if \(\$nl_foreign_origin\) \{\s*return 403;", text)


def test_the_csp_allows_streamlits_one_inline_script_by_its_hash():
    """Streamlit's index.html has an inline <script>; the CSP names its hash instead of 'unsafe-inline'.
    A Streamlit upgrade that changes it fails here (and the browser would report a violation)."""
    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text()
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", index, re.S)
    assert inline, "no inline script any more: drop its hash from the CSP"
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline}
    script_src = _csp(_template_headers()["content-security-policy"])["script-src"]
    assert hashes == {s for s in script_src if s.startswith("'sha256-")}
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_the_ingress_sends_the_same_headers_and_refusals_as_the_template():
    ing = _manifests()["Ingress"]
    notes = ing["metadata"]["annotations"]
    location = notes[NOTE + "configuration-snippet"]
    _same_headers_as_the_template(_snippet_headers(location), ["wss://$host"])
    assert 'more_clear_headers "Access-Control-Allow-Origin";' in location
    server = notes[NOTE + "server-snippet"]
    assert re.search(r"location \^~ /_stcore/metrics \{\s*return 404;", server)
    assert "if ($uri = /_stcore/stream)" in server and re.search(r'\$nl_refuse = "stream\+foreign"\) \{\s*return 403;', server)
    # the comment tells the administrator what the controller must allow
    text = (DEPLOY / "k8s" / "ingress.yaml").read_text()
    assert 'allow-snippet-annotations: "true"' in text and "annotations-risk-level: Critical" in text


def test_the_no_snippets_component_replaces_the_snippets():
    base, ing = _manifests()["Kustomization"], _manifests()["Ingress"]
    assert "#   - no-snippets" in (DEPLOY / "k8s" / "kustomization.yaml").read_text()  # offered, commented out
    assert "components" not in base  # the snippets are the default
    here = DEPLOY / "k8s" / "no-snippets"
    comp = yaml.safe_load((here / "kustomization.yaml").read_text())
    assert comp["kind"] == "Component"
    ops = {(op["op"], op["path"]): op.get("value") for patch in comp["patches"] for op in yaml.safe_load(patch["patch"])}
    assert ("remove", "/metadata/annotations/nginx.ingress.kubernetes.io~1configuration-snippet") in ops
    assert ("remove", "/metadata/annotations/nginx.ingress.kubernetes.io~1server-snippet") in ops
    namespace, name = ops[("add", "/metadata/annotations/nginx.ingress.kubernetes.io~1custom-headers")].split("/")
    assert namespace == "neuron-lab"  # the namespace deploy/README.md applies it in
    headers_map = yaml.safe_load((here / "headers.yaml").read_text())
    assert headers_map["metadata"]["name"] == name and set(comp["resources"]) == {"headers.yaml", "metrics-ingress.yaml"}
    host = ing["spec"]["rules"][0]["host"]
    _same_headers_as_the_template({k.lower(): v for k, v in headers_map["data"].items()}, [f"wss://{host}"])
    # ingress-nginx's custom headers must be named in the controller's global-allowed-response-headers
    allowed = re.search(r'global-allowed-response-headers: "([^"]+)"', (here / "kustomization.yaml").read_text())[1]
    assert set(allowed.split(",")) == set(headers_map["data"])

    metrics = yaml.safe_load((here / "metrics-ingress.yaml").read_text())
    assert metrics["metadata"]["annotations"][NOTE + "denylist-source-range"] == "0.0.0.0/0,::/0"
    (rule,) = metrics["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert rule["host"] == host and path["path"] == "/_stcore/metrics"
    assert path["backend"] == ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]


def test_the_pods_outside_requests_fail_at_once():
    (container,) = _manifests()["Deployment"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["HTTP_PROXY"] == env["HTTPS_PROXY"] == "http://127.0.0.1:9"  # nothing listens there


START = """
import sys
from streamlit import config, net_util
from streamlit.config_option import ConfigOption
from streamlit.web import bootstrap

# .streamlit/config.toml, then the image's flags (deploy/Dockerfile): headless, on every interface
config.get_config_options(force_reparse=True, options_from_flags={"server.headless": True, "server.address": "0.0.0.0"})
if sys.argv[1] == "without-server-address":
    config._set_option("browser.serverAddress", "localhost", ConfigOption.DEFAULT_DEFINITION)
asked = []
net_util._make_blocking_http_get = lambda url, timeout=5: asked.append(url)
bootstrap._print_url(False)  # what `streamlit run` prints once started
print("ASKED", asked)
"""


def _outside_requests_at_start(variant: str) -> str:
    out = subprocess.run([sys.executable, "-c", START, variant], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return out.rsplit("ASKED ", 1)[1].strip()


def test_streamlit_looks_up_no_outside_address_at_start():
    assert _outside_requests_at_start("as-configured") == "[]"
    # The control: without browser.serverAddress, the same start asks checkip.amazonaws.com.
    assert "checkip.amazonaws.com" in _outside_requests_at_start("without-server-address")


def test_the_pods_read_the_live_class_database_from_the_secret():
    """Every replica gets the same PostgreSQL URL, from the Secret the example shows (required: without it
    each pod would keep a class of its own in SQLite), under the variable the class store reads."""
    from perceptron.classroom import store

    docs = _manifests()
    (container,) = docs["Deployment"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    ref = env[store.ENV_URL]["valueFrom"]["secretKeyRef"]
    secret = docs["Secret"]
    assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["stringData"]
    assert ref.get("optional") is False
    url = store.database_url({store.ENV_URL: secret["stringData"][ref["key"]]})
    assert url.startswith("postgresql+psycopg://") and "CHANGE-ME" in url  # a placeholder, never a password
    assert store.class_hours({store.ENV_HOURS: env[store.ENV_HOURS]["value"]}) == store.DEFAULT_HOURS
    readme = (DEPLOY / "README.md").read_text()
    for name in (store.ENV_URL, store.ENV_FILE, store.ENV_HOURS, secret["metadata"]["name"]):
        assert name in readme, name


def test_the_image_installs_the_class_stores_pinned_driver():
    """requirements.txt pins SQLAlchemy and psycopg with its binary libpq (the slim image has no libpq), at the
    versions installed here, which the tests ran against."""
    from importlib.metadata import version

    pins = dict(re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", (ROOT / "requirements.txt").read_text(), re.M))
    assert pins["SQLAlchemy"] == version("sqlalchemy")
    assert pins["psycopg[binary]"] == version("psycopg") == version("psycopg-binary")
