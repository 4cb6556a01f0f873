"""The hidden-layer page in a real Chromium: Step repaints the boundary, one thumbnail per hidden unit.

Starts ``streamlit run app.py`` on a free port (stopped by its PID afterwards) and drives
Debian's Chromium through Playwright. Skips when /usr/bin/chromium is missing, unless
``NEURON_LAB_REQUIRE_BROWSER=1``, which makes that a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
MISSING = "Chromium not found at /usr/bin/chromium: apt-get install chromium (Debian) to run the browser tests"

# the page's combined figure: the chart whose traces include the hidden units' heatmaps
FIGURE = """
() => [...document.querySelectorAll('.js-plotly-plot')]
        .find(g => (g.data || []).some(t => /^hidden unit/.test(t.name || '')))
"""
READ = f"""
() => {{
  const gd = ({FIGURE})();
  if (!gd || !gd._fullLayout) return null;
  const heat = gd.data.filter(t => t.type === 'heatmap');
  const boundary = gd.data.find(t => (t.name || '').startsWith('boundary'));
  return {{
    heatmaps: heat.length,
    thumbAxes: heat.slice(1).map(t => t.xaxis),
    layoutAxes: Object.keys(gd._fullLayout).filter(k => /^xaxis\\d*$/.test(k)).length,
    output: JSON.stringify(heat[0].z),
    boundary: JSON.stringify([boundary.x, boundary.y]),
  }};
}}
"""
# the app is idle: connected, no script running, nothing stale
IDLE = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]');
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chromium() -> str:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("NEURON_LAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{MISSING} (NEURON_LAB_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
        pytest.skip(MISSING)
    return CHROMIUM


@pytest.fixture(scope="module")
def app_url(chromium, tmp_path_factory):
    """``python -m streamlit run app.py`` on a free port; healthy before the test, stopped by PID after."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("hidden_layer_server") / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit was not healthy after 60 s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture
def page(chromium, app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            ctx.set_default_timeout(30_000)
            pg = ctx.new_page()
            pg.js_errors = []
            pg.on("pageerror", lambda err: pg.js_errors.append(str(err)))
            yield pg
        finally:
            browser.close()


def _wait_idle(page) -> None:
    page.wait_for_function(IDLE, polling=100)
    page.wait_for_timeout(300)  # one idle poll between two reruns is not enough
    page.wait_for_function(IDLE, polling=100)


def test_step_repaints_the_boundary_and_each_hidden_unit_has_a_thumbnail(page, app_url):
    page.goto(f"{app_url}/Hidden_layer")
    page.wait_for_function(f"() => !!({FIGURE})() && !!({FIGURE})()._fullLayout", polling=100)
    _wait_idle(page)
    assert page.get_by_role("heading", name="Hidden layer").first.is_visible()
    before = page.evaluate(READ)
    h = 3  # the page's default
    assert before["heatmaps"] == h + 1, before
    assert before["thumbAxes"] == [f"x{3 + j}" for j in range(h)], before
    assert before["layoutAxes"] == 2 + h  # the plane, the cost, and one small plane per unit

    page.get_by_role("button", name="Step one epoch").click()
    page.wait_for_function(
        f"(old) => {{ const now = ({READ})(); return !!now && now.output !== old; }}",
        arg=before["output"], polling=100, timeout=30_000,
    )
    _wait_idle(page)
    after = page.evaluate(READ)
    assert after["output"] != before["output"], "the output's heatmap did not change"
    assert after["boundary"] != before["boundary"], "the boundary ŷ = 0.5 did not move"
    assert after["heatmaps"] == h + 1
    epoch = page.locator('[data-testid="stMetric"]').filter(has_text="Epoch").first.inner_text()
    assert epoch.split()[-1] == "1", epoch
    assert "This app has encountered an error" not in page.content()
    assert not page.js_errors, page.js_errors
