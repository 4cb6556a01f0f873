"""The hidden-layer page in a real Chromium: Step repaints the boundary, one thumbnail per hidden unit.

Starts ``streamlit run app.py`` on a free port (stopped by its PID afterwards) and drives
Debian's Chromium through Playwright. Skips when /usr/bin/chromium is missing, unless
``NEURON_LAB_REQUIRE_BROWSER=1``, which makes that a failure.
"""

from __future__ import annotations

import pytest

from servers import CHROMIUM_ARGS, require_chromium, streamlit_server

pytestmark = pytest.mark.browser


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


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


@pytest.fixture(scope="module")
def app_url(chromium, tmp_path_factory):
    """``python -m streamlit run app.py`` on a free port; healthy before the test, stopped by PID after."""
    with streamlit_server(tmp_path_factory.mktemp("hidden_layer_server") / "server.log") as base:
        yield base


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


def _epoch_metric(page) -> str:
    page.wait_for_selector('[data-testid="stMetric"]')
    return page.locator('[data-testid="stMetric"]').filter(has_text="Epoch").first.inner_text().split()[-1]


def test_a_link_reopens_the_network_and_the_address_bar_follows_a_step(page, app_url):
    page.goto(f"{app_url}/Hidden_layer?h=2&hseed=1&hepoch=6")
    page.wait_for_function(f"() => !!({FIGURE})() && !!({FIGURE})()._fullLayout", polling=100)
    _wait_idle(page)
    assert page.evaluate(READ)["heatmaps"] == 2 + 1
    assert _epoch_metric(page) == "6"
    page.get_by_role("button", name="Step one epoch").click()
    page.wait_for_url("**hepoch=7**", timeout=30_000)
    _wait_idle(page)
    assert _epoch_metric(page) == "7"
    assert "h=2" in page.url and "hseed=1" in page.url
    assert not page.js_errors, page.js_errors
