"""Neuron Lab past one process: ``deploy/replicas.sh`` runs two replicas behind nginx, sticky by a cookie.

A real Chromium goes through nginx: two browsers whose ``nl_replica`` cookies hash to different
replicas each keep their own session; one browser's page, websocket and static files all reach one
replica; a browser without the cookie gets it on its first response. Which replica answered is read
from nginx's access log (``replica=...``): no response says it, since it is an internal address. The
fixture (:class:`testing.servers.Replicas`) stops the script by its PID and checks that it left no
process behind (its nginx and replicas share its process group).

Skips only when Chromium or nginx is missing (``apt-get install chromium nginx``); with
``NEURON_LAB_REQUIRE_BROWSER=1`` (CI) that is a failure instead.
"""

from __future__ import annotations

import pytest

from servers import CHROMIUM, VIEWPORT, chromium, require
from testing.servers import NGINX, Replicas

pytestmark = pytest.mark.browser

MISSING = "Chromium or nginx not found: apt-get install chromium nginx (Debian) to run the multi-replica test"
COOKIE = "nl_replica"
REPLICA_HEADER = "x-neuron-lab-replica"  # sent to every visitor before issue 20; now in nginx's access log only


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``deploy/replicas.sh 2 <free port>`` in its own process group; stopped, and checked, at the end."""
    require(CHROMIUM, NGINX, message=MISSING)
    cluster = Replicas(2, tmp_path_factory.mktemp("replicas")).start()
    yield cluster
    leftovers = cluster.stop()
    assert not leftovers, f"processes left running after replicas.sh stopped: {leftovers}\n{cluster.log_text()}"


def _answered_by(cluster: Replicas, route: str, request: str, status: str | None = None) -> str:
    """The replica that answered ``request`` ("GET /path", with or without its query) for the browser whose
    route (its cookie) is ``route``: nginx's access log says it, responses do not."""
    def match(e: dict[str, str]) -> bool:
        method, target = e["request"].split(" ")[:2]
        return (e["route"] == route and status in (None, e["status"])
                and request in (f"{method} {target}", f"{method} {target.split('?')[0]}"))

    return cluster.wait_access(match)[0]["replica"]


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
        page = new_context(value, cluster.url).new_page()
        response = _goto_descent(page, cluster.url)
        assert REPLICA_HEADER not in response.headers, "which replica answered is not the visitor's business"
        assert _answered_by(cluster, value, "GET /Gradient_descent") == upstream
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
    seen: list[tuple[str, dict]] = []  # (url, headers) of every HTTP response from nginx
    page.on("response", lambda r: seen.append((r.url, r.headers)))
    # Playwright reports no headers for a websocket; Chromium's devtools protocol does.
    handshakes: list[dict] = []
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketHandshakeResponseReceived", lambda e: handshakes.append(e["response"]))

    _goto_descent(page, cluster.url)
    _wait_descent(page)  # plotly.js loaded, the websocket open and the session's script run
    route = next(c["value"] for c in ctx.cookies() if c["name"] == COOKIE)  # the first request's id
    page.close()  # nginx logs a websocket when it closes

    ours = [(u, h) for u, h in seen if u.startswith(cluster.url)]
    assert ours and not [u for u, h in ours if REPLICA_HEADER in h], f"a response names its replica: {ours}"
    upgraded = [r for r in handshakes if r.get("status") == 101]
    assert upgraded, f"no websocket handshake seen: {handshakes}"
    assert not [r for r in upgraded if REPLICA_HEADER in {k.lower() for k in r["headers"]}]

    # nginx's access log, for this browser's route: the page and the websocket on one replica; the static files
    # (plotly.js, Streamlit's frontend) from nginx itself ("-": no replica), never from a replica.
    replica = _answered_by(cluster, route, "GET /Gradient_descent")
    assert replica in cluster.replicas
    assert _answered_by(cluster, route, "GET /app/static/plotly-cartesian.min.js") == "-"
    assert _answered_by(cluster, route, "GET /_stcore/stream", status="101") == replica
    mine = [e for e in cluster.access() if e["route"] == route]
    assert not [e["request"] for e in mine if e["request"].startswith(("GET /static/", "GET /app/static/"))
                and e["replica"] != "-"], "a static file went through a replica"
    spread = {e["replica"] for e in mine} - {"-"}
    assert spread == {replica}, f"one browser's requests spread over replicas: {spread}"


def test_first_response_sets_the_cookie(cluster, new_context):
    ctx = new_context()
    page = ctx.new_page()
    response = page.goto(f"{cluster.url}/")
    assert response is not None and response.ok
    ours = _sets_cookie(response)
    assert len(ours) == 1, response.headers_array()
    assert {"Path=/", "HttpOnly", "SameSite=Lax"} <= {p.strip() for p in ours[0].split(";")[1:]}, ours[0]

    cookie = next(c for c in ctx.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert len(cookie["value"]) == 32 and int(cookie["value"], 16) >= 0  # nginx's $request_id
    # The first request was routed by the id it then set as the cookie, to the replica that id picks.
    first = _answered_by(cluster, cookie["value"], "GET /")
    assert first == cluster.replica_for(cookie["value"])

    # The browser now sends the cookie: nginx routes by it and does not set it again.
    again = ctx.request.get(f"{cluster.url}/_stcore/health?again=1")
    assert again.ok
    assert _answered_by(cluster, cookie["value"], "GET /_stcore/health?again=1") == first
    assert not _sets_cookie(again)
