"""What a school's IT office checks on the proxy in front (issue 20): ``deploy/replicas.sh`` with one
replica, reached through its nginx.

Every response carries the security headers once each (a Content-Security-Policy that names no other host
and forbids framing, X-Frame-Options DENY, nosniff, no Referer) and no internal address (no
``X-Neuron-Lab-Replica``, no ``Access-Control-Allow-Origin: *``); ``/_stcore/metrics`` is a 404 however
it is spelled; a websocket whose Origin is another site is refused by nginx (403) before Streamlit sees
it, while the app's own Origin upgrades (101). In a real Chromium through nginx: every page draws its
charts, and the Gradient descent page Steps and exports a PNG, with no CSP violation and no request to
another host; and another site's page can neither frame the app nor open its websocket (that site is a
second local server on another port: Chromium keeps a page from a public address from reaching
127.0.0.1 at all, which would prove nothing about the headers).

Skips only when nginx or Chromium is missing (``apt-get install nginx chromium``); with
``NEURON_LAB_REQUIRE_BROWSER=1`` (CI) that is a failure instead.
"""

from __future__ import annotations

import gzip
import html
import http.server
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from servers import CHROMIUM, ROOT, VIEWPORT, chromium, require
from testing.servers import NGINX, Replicas, free_port

pytestmark = pytest.mark.browser

MISSING = "nginx or Chromium not found: apt-get install nginx chromium (Debian) to run the proxy test"
FOREIGN = "http://evil.invalid"  # an Origin header only: .invalid never resolves
SECURITY_HEADERS = {"x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
LEAKS = ("x-neuron-lab-replica", "access-control-allow-origin")
# Home and every file in pages/ (a new page is checked too), by the path Streamlit serves it at.
PAGES = ["/"] + [f"/{re.sub(r'^[0-9]+_', '', f.stem)}" for f in sorted((ROOT / "pages").glob("*.py"))
         if not f.stem.endswith("_Class")]  # the class page needs the teacher's key and draws no chart without it

# Listens before any script of the page runs: every CSP violation the page reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`), true);
"""

# The app is connected, idle, and plotly.js has drawn every chart on the page.
DRAWN = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('.js-plotly-plot')];
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && charts.length > 0 && charts.every((c) => !!c._fullLayout);
}
"""


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """``deploy/replicas.sh 1 <free port>``; stopped, and checked for leftovers, at the end."""
    require(NGINX, CHROMIUM, message=MISSING)
    proxy = Replicas(1, tmp_path_factory.mktemp("proxy")).start()
    yield proxy
    leftovers = proxy.stop()
    assert not leftovers, f"processes left running after replicas.sh stopped: {leftovers}\n{proxy.log_text()}"


@pytest.fixture(scope="module")
def browser(proxy):
    with chromium() as b:
        yield b


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(60_000)
    yield ctx
    ctx.close()


def _get(url: str):
    """(status, headers) of a GET; an error status is an answer too."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            r.read()
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


def _csp(value: str) -> dict[str, list[str]]:
    directives = [d.split() for d in value.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def _websocket_status(proxy: Replicas, origin: str | None) -> int:
    """The status nginx answers a websocket handshake to /_stcore/stream with (101: upgraded)."""
    try:
        with connect(proxy.url.replace("http", "ws", 1) + "/_stcore/stream", origin=origin, open_timeout=30) as ws:
            return ws.response.status_code
    except InvalidStatus as e:
        return e.response.status_code


def _assert_security_headers(proxy: Replicas, headers, what: str) -> None:
    host = proxy.url.removeprefix("http://")
    for name, value in SECURITY_HEADERS.items():
        assert headers.get_all(name) == [value], f"{what}: {name} {headers.get_all(name)}"
    (value,) = headers.get_all("content-security-policy") or [None]
    assert value, f"{what}: no Content-Security-Policy"
    csp = _csp(value)
    assert csp["frame-ancestors"] == ["'none'"], value
    assert csp["default-src"] == ["'self'"], value
    assert csp["object-src"] == ["'none'"], value
    assert csp["img-src"] == ["'self'", "data:", "blob:"], value
    assert csp["connect-src"] == ["'self'", f"ws://{host}", f"wss://{host}"], value
    # Only the app's own host: every source is a keyword, a hash, data:/blob: or this host's websocket.
    own = re.compile(rf"'[a-z-]+'|'sha256-[A-Za-z0-9+/=]+'|data:|blob:|wss?://{re.escape(host)}")
    assert [s for sources in csp.values() for s in sources if not own.fullmatch(s)] == [], value
    assert "'unsafe-eval'" not in value and "'unsafe-inline'" not in csp["script-src"], value
    for name in LEAKS:
        assert name not in headers, f"{what}: {name}: {headers[name]}"


@pytest.mark.parametrize("path", ["/", "/Gradient_descent", "/app/static/plotly-cartesian.min.js", "/_stcore/health"])
def test_every_response_carries_the_security_headers(proxy, path):
    status, headers = _get(proxy.url + path)
    assert status == 200, (path, status)
    _assert_security_headers(proxy, headers, path)


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/", "//_stcore/metrics",
                                  "/_stcore/%6Detrics", "/_stcore/./metrics", "/_stcore/metrics?x=1"])
def test_metrics_are_not_served(proxy, path):
    status, headers = _get(proxy.url + path)
    assert status == 404, (path, status)
    _assert_security_headers(proxy, headers, path)  # "always": the error pages too


def test_the_replica_itself_serves_metrics_so_the_404_is_the_proxys(proxy):
    status, _ = _get(f"http://{proxy.replicas[0]}/_stcore/metrics")
    assert status == 200


def test_websockets_from_other_sites_are_refused_by_nginx(proxy):
    host = proxy.url.removeprefix("http://")
    port = host.rsplit(":", 1)[1]
    assert _websocket_status(proxy, f"http://{host}") == 101
    assert _websocket_status(proxy, f"https://{host}") == 101  # behind a TLS proxy that talks http to nginx
    assert _websocket_status(proxy, None) == 101  # no Origin: not a browser (Streamlit accepts it too)
    foreign = [FOREIGN, "null", f"http://{host}.evil.invalid", f"http://localhost:{port}", "http://127.0.0.1",
               f"http://{host}/", f"http://evil.invalid/{host}"]
    assert {origin: _websocket_status(proxy, origin) for origin in foreign} == dict.fromkeys(foreign, 403)

    refused = proxy.wait_access(lambda e: e["request"].startswith("GET /_stcore/stream ") and e["status"] == "403",
                                count=len(foreign))
    assert {e["replica"] for e in refused} == {"-"}, "nginx answers them itself, no replica sees them"
    # So Streamlit never ran its own check, which looks up the machine's address outside for a foreign Origin.
    log = proxy.replica_log()
    assert "Rejecting WebSocket connection" not in log and "external IP" not in log, log[-2000:]


def _fetch(url: str, compressed: bool = False):
    """(status, headers, body) of a GET, asking for gzip or not."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if compressed else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, b""


def test_nginx_serves_the_static_files_itself(proxy):
    """Streamlit's frontend and the app's static files come from nginx, not from the one Python process that
    runs every student's script: each file that the page's HTML names and plotly.js are answered with no
    replica in nginx's access log, typed as what they are (the page says nosniff), compressed when asked,
    and kept by the browser (Streamlit's files carry a hash of their content in their names)."""
    status, _, page = _fetch(proxy.url + "/Gradient_descent")
    assert status == 200
    named = re.findall(r'(?:src|href)="\.?/?(static/[^"]+)"', page.decode())
    assert [n for n in named if n.endswith(".js")] and [n for n in named if n.endswith(".css")], named
    probe = uuid.uuid4().hex
    types = {".js": "application/javascript", ".css": "text/css", ".woff2": "font/woff2", ".png": "image/png"}
    for path in [*named, "app/static/plotly-cartesian.min.js?v=1", "app/static/neuron-lab-chart.js?v=1"]:
        url = f"{proxy.url}/{path}{'&' if '?' in path else '?'}probe={probe}"
        status, headers, body = _fetch(url, compressed=True)
        assert status == 200 and body, (path, status)
        kind = next(t for ext, t in types.items() if path.split("?")[0].endswith(ext))
        assert headers["Content-Type"].split(";")[0] == kind, (path, headers["Content-Type"])
        if kind in ("application/javascript", "text/css") and len(body) > 1024:
            assert headers.get("Content-Encoding") == "gzip", path
        age = int(re.search(r"max-age=(\d+)", headers.get("Cache-Control", "max-age=0"))[1])
        assert age >= (365 * 86400 if path.startswith("static/") else 3600), (path, headers.get("Cache-Control"))
        _assert_security_headers(proxy, headers, path)
    served = proxy.wait_access(lambda e: f"probe={probe}" in e["request"], count=len(named) + 2)
    assert {e["replica"] for e in served} == {"-"}, "a static file went through a replica"
    # and the same bytes as the installed files
    status, _, body = _fetch(f"{proxy.url}/app/static/plotly-cartesian.min.js")
    assert body == (ROOT / "static" / "plotly-cartesian.min.js").read_bytes()


def test_every_page_names_plotly_js_to_run_early(proxy):
    """The pages' HTML names plotly.js in its head (deferred: it runs once the page's own scripts have), at the
    URL the chart loads it from, so the chart finds it ready; the replica's own HTML does not."""
    from perceptron.web.plotlyjs import STATIC_NAME, VERSION

    src = f"/app/static/{STATIC_NAME}?v={VERSION}"
    for path in PAGES:
        status, headers, body = _fetch(proxy.url + path, compressed=True)
        assert status == 200 and headers.get("Content-Encoding") == "gzip", path
        head = gzip.decompress(body).decode().split("</head>")[0]
        assert head.count(f'<script defer src="{src}"></script>') == 1, (path, head[-300:])
    status, _, direct = _fetch(f"http://{proxy.replicas[0]}/Gradient_descent")
    assert status == 200 and STATIC_NAME not in direct.decode()


def test_plotly_js_runs_once_and_before_the_first_chart(proxy, context):
    page = context.new_page()
    loads: list[str] = []
    page.on("request", lambda r: loads.append(r.url) if "plotly-cartesian" in r.url else None)
    page.goto(proxy.url + "/Gradient_descent")
    page.wait_for_function(DRAWN, polling=100)
    assert len(loads) == 1, loads  # the page's own, not a second one from the chart
    # the chart found plotly.js ready: it added no script of its own (chart.js's loadPlotly adds an async one)
    assert page.evaluate("() => !!window.Plotly && !document.querySelector('script[src*=\"plotly\"][async]')")
    page.close()


def test_every_page_draws_its_charts_with_no_csp_violation(proxy, context):
    context.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    elsewhere: list[str] = []
    for path in PAGES:
        page = context.new_page()
        page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
        page.on("request", lambda r: None if r.url.startswith((proxy.url, "data:", "blob:")) else elsewhere.append(r.url))
        response = page.goto(proxy.url + path)
        assert response is not None and response.ok
        assert "content-security-policy" in response.headers
        page.wait_for_function(DRAWN, polling=100)
        if path == "/Gradient_descent":
            page.get_by_role("button", name="Step one epoch").click()  # the chart redraws from the websocket
            page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
                                        .some((m) => m.innerText.trim() === '1')""", polling=100)
            page.wait_for_function(DRAWN, polling=100)
            # The camera icon: plotly.js draws the SVG into an image (img-src data:) and saves a PNG.
            page.locator(".js-plotly-plot").first.hover()
            with page.expect_download() as download:
                page.locator(".modebar-btn[data-title^='Download']").first.click()
            assert download.value.suggested_filename.endswith(".png")
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], f"{path}: {violations}"
        page.close()
    assert not [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m], console
    assert not [m for m in console if m.startswith("uncaught")], console
    assert elsewhere == [], "only the app's host"


@pytest.fixture(scope="module")
def foreign_site(proxy):
    """Another site on this machine (another port: another origin), as Chromium sees it: its page at
    ``/?frame=<url>&marker=<m>`` frames ``<url>`` and opens a websocket to the app through nginx."""
    ws_url = proxy.url.replace("http", "ws", 1) + "/_stcore/stream"

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            frame, marker = html.escape(query["frame"][0]), html.escape(query["marker"][0])
            body = f"""<!doctype html><title>another site</title>
<iframe id="app" src="{frame}" width="800" height="600"></iframe>
<script>
  window.socketEnd = new Promise((resolve) => {{
    const ws = new WebSocket("{ws_url}?from-foreign-page={marker}");
    ws.onopen = () => resolve("open");
    ws.onclose = (e) => resolve("closed " + e.code);
  }});
</script>""".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def _open_foreign_page(page, foreign_site: str, frame: str, marker: str):
    """The foreign page framing ``frame``; returns its frame (a Playwright Frame) once loaded."""
    page.goto(f"{foreign_site}/?" + urllib.parse.urlencode({"frame": frame, "marker": marker}))
    child = next(f for f in page.frames if f != page.main_frame)
    child.wait_for_load_state()
    return child


def test_a_foreign_page_can_neither_frame_the_app_nor_open_its_websocket(proxy, foreign_site, context):
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))

    # Through nginx: the app's page is served to the frame, and Chromium refuses to show it there.
    marker = uuid.uuid4().hex
    child = _open_foreign_page(page, foreign_site, f"{proxy.url}/Gradient_descent?framed={marker}", marker)
    (served,) = proxy.wait_access(lambda e: f"framed={marker} " in e["request"])
    assert served["status"] == "200", served
    assert not child.url.startswith(proxy.url), f"the app was framed by another site: {child.url}"
    assert page.frame_locator("#app").locator('[data-testid="stApp"]').count() == 0
    assert [m for m in console if "frame-ancestors 'none'" in m], console
    # Its websocket: refused by nginx (403, no replica), so it never opens.
    assert page.evaluate("window.socketEnd") == "closed 1006"
    (refused,) = proxy.wait_access(lambda e: f"from-foreign-page={marker} " in e["request"])
    assert refused["status"] == "403" and refused["replica"] == "-", refused

    # The control: the replica itself sends none of the proxy's headers, and the same page frames it.
    child = _open_foreign_page(page, foreign_site, f"http://{proxy.replicas[0]}/", uuid.uuid4().hex)
    assert child.url == f"http://{proxy.replicas[0]}/", child.url
