"""Neuron Lab past one process: ``deploy/replicas.sh`` runs two replicas behind nginx, sticky by a cookie.

A real Chromium goes through nginx: two browsers whose ``nl_replica`` cookies hash to different
replicas each keep their own session; one browser's page, websocket and static files all reach one
replica; a browser without the cookie gets it on its first response. The fixture stops the script
by its PID and checks that it left no process behind (its nginx and replicas share its process group).

Skips only when Chromium or nginx is missing (``apt-get install chromium nginx``); with
``NEURON_LAB_REQUIRE_BROWSER=1`` (CI) that is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from servers import CHROMIUM, ROOT, VIEWPORT, chromium, free_port, require, stop, wait_healthy

pytestmark = pytest.mark.browser

SCRIPT = ROOT / "deploy" / "replicas.sh"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MISSING = "Chromium or nginx not found: apt-get install chromium nginx (Debian) to run the multi-replica test"
COOKIE = "nl_replica"
REPLICA_HEADER = "x-neuron-lab-replica"
START_TIMEOUT = 120.0  # fuses against a hang, never speed limits
STOP_TIMEOUT = 20.0


def _require_tools() -> None:
    require(CHROMIUM, NGINX, message=MISSING)


def _logs(prefix: Path) -> str:
    parts = []
    for f in sorted((prefix / "logs").glob("*.log")) + [prefix / "script.log"]:
        if f.exists():
            parts.append(f"--- {f.name} ---\n" + "\n".join(f.read_text(errors="replace").splitlines()[-25:]))
    return "\n".join(parts)


def _get(url: str, cookie: str | None = None, timeout: float = 5):
    req = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        r.read()
        return r


class Cluster:
    def __init__(self, base: str, prefix: Path, replicas: list[str]):
        self.base, self.prefix, self.replicas = base, prefix, replicas

    def replica_for(self, cookie: str | None) -> str:
        """The upstream nginx picks for a request carrying ``nl_replica=cookie``."""
        return _get(f"{self.base}/_stcore/health", cookie).headers[REPLICA_HEADER]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``deploy/replicas.sh 2 <free port>`` in its own process group; stopped, and checked, at the end."""
    _require_tools()
    prefix = tmp_path_factory.mktemp("replicas")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHON=sys.executable, NGINX=NGINX, NL_PREFIX=str(prefix))
    env.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)  # the script generates one, shared by the replicas
    log = open(prefix / "script.log", "wb")  # noqa: SIM115 - closed in the finalizer
    proc = subprocess.Popen(["bash", str(SCRIPT), "2", str(port)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    # start_new_session: the script leads a new process group; nginx and the replicas join it

    def finish() -> None:
        # The way an operator does it: SIGTERM to the script, which stops nginx and every replica
        # by PID. Whatever is left in its process group after that is killed, and reported.
        try:
            leftovers = stop(proc, timeout=STOP_TIMEOUT)
        finally:
            log.close()
        assert not leftovers, f"processes left running after replicas.sh stopped: {leftovers}\n{_logs(prefix)}"

    try:
        wait_healthy(base, proc, lambda: _logs(prefix), START_TIMEOUT, what="replicas.sh (nginx)")
        lines = (prefix / "replicas").read_text().split("\n")
        replicas = [line.split()[1] for line in lines if line and "nginx" not in line]
        assert len(replicas) == 2, lines
    except BaseException:
        finish()
        raise
    yield Cluster(base, prefix, replicas)
    finish()


@pytest.fixture(scope="module")
def browser(cluster):
    with chromium() as b:
        yield b


@pytest.fixture
def new_context(browser):
    contexts = []

    def make(cookie: str | None = None, base: str | None = None):
        ctx = browser.new_context(viewport=VIEWPORT)
        ctx.set_default_timeout(60_000)
        if cookie is not None:
            ctx.add_cookies([{"name": COOKIE, "value": cookie, "url": base}])
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


def _sets_cookie(response) -> list[str]:
    """The response's Set-Cookie headers for nl_replica (a page's or an API request's response)."""
    headers = response.headers_array
    return [h["value"] for h in (headers() if callable(headers) else headers)
            if h["name"].lower() == "set-cookie" and h["value"].startswith(f"{COOKIE}=")]


def _epoch(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def _wait_epoch(page, value: int) -> None:
    page.wait_for_function(
        """(v) => document.querySelector('[data-testid="stMetricValue"]')?.innerText.trim() === String(v)""",
        arg=value, polling=50,
    )


def _goto_descent(page, base: str):
    response = page.goto(f"{base}/Gradient_descent")
    assert response is not None and response.ok, response
    return response


def _wait_descent(page) -> None:
    page.wait_for_selector(".js-plotly-plot")
    page.get_by_role("button", name="Step one epoch").wait_for()
    _wait_epoch(page, 0)


def test_two_browsers_on_two_replicas_keep_their_own_sessions(cluster, new_context):
    # Cookie values whose hash lands on each replica; the same values always give the same answer.
    chosen: dict[str, str] = {}
    for i in range(64):
        value = f"test-route-{i}"
        chosen.setdefault(cluster.replica_for(value), value)
        if len(chosen) == 2:
            break
    assert sorted(chosen) == sorted(cluster.replicas), f"cookies reached {chosen}, replicas are {cluster.replicas}"

    pages = {}
    for upstream, value in chosen.items():  # both replicas run their first script at the same time
        page = new_context(value, cluster.base).new_page()
        response = _goto_descent(page, cluster.base)
        assert response.headers[REPLICA_HEADER] == upstream
        assert not _sets_cookie(response), "a preset cookie must not be replaced"
        pages[upstream] = page
    a, b = pages.values()
    _wait_descent(a)
    _wait_descent(b)

    a.get_by_role("button", name="Step one epoch").click()
    _wait_epoch(a, 1)
    assert _epoch(a) == "1"
    assert _epoch(b) == "0", "the other replica's session must not move"


def test_one_browser_stays_on_one_replica(cluster, new_context):
    ctx = new_context()
    page = ctx.new_page()
    seen: list[tuple[str, str]] = []  # (url, replica) of every HTTP response from nginx
    page.on("response", lambda r: seen.append((r.url, r.headers.get(REPLICA_HEADER, ""))))
    # Playwright reports no headers for a websocket; Chromium's devtools protocol does.
    sockets: list[str] = []
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketCreated", lambda e: sockets.append(e["url"]))
    handshakes: list[dict] = []
    cdp.on("Network.webSocketHandshakeResponseReceived", lambda e: handshakes.append(e["response"]))

    _goto_descent(page, cluster.base)
    _wait_descent(page)  # plotly.js loaded, the websocket open and the session's script run

    ours = [(u, h) for u, h in seen if u.startswith(cluster.base)]
    page_hits = [h for u, h in ours if u == f"{cluster.base}/Gradient_descent"]
    static_hits = [h for u, h in ours if "/app/static/plotly-cartesian.min.js" in u]
    assert page_hits and static_hits, f"no page or plotly.js response through nginx: {ours}"
    assert any("/_stcore/stream" in u for u in sockets), f"no websocket to /_stcore/stream: {sockets}"
    ws_hits = [{k.lower(): v for k, v in r["headers"].items()}.get(REPLICA_HEADER, "") for r in handshakes
               if r.get("status") == 101]
    assert ws_hits, f"no websocket handshake seen: {handshakes}"

    replica = page_hits[0]
    assert replica in cluster.replicas
    assert {h for _, h in ours} | set(ws_hits) == {replica}, f"requests spread over replicas: {ours}, ws {ws_hits}"


def test_first_response_sets_the_cookie(cluster, new_context):
    ctx = new_context()
    page = ctx.new_page()
    response = page.goto(f"{cluster.base}/")
    assert response is not None and response.ok
    ours = _sets_cookie(response)
    assert len(ours) == 1, response.headers_array()
    assert {"Path=/", "HttpOnly", "SameSite=Lax"} <= {p.strip() for p in ours[0].split(";")[1:]}, ours[0]

    cookie = next(c for c in ctx.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert len(cookie["value"]) == 32 and int(cookie["value"], 16) >= 0  # nginx's $request_id
    assert response.headers[REPLICA_HEADER] == cluster.replica_for(cookie["value"])

    # The browser now sends the cookie: nginx routes by it and does not set it again.
    again = ctx.request.get(f"{cluster.base}/_stcore/health")
    assert again.ok
    assert again.headers[REPLICA_HEADER] == response.headers[REPLICA_HEADER]
    assert not _sets_cookie(again)
