"""The hidden-layer page in a real Chromium: Step repaints the boundary, one thumbnail per hidden unit.

Starts ``streamlit run app.py`` on a free port (stopped by its PID afterwards) and drives
Debian's Chromium through Playwright. Skips when /usr/bin/chromium is missing, unless
``NEURON_LAB_REQUIRE_BROWSER=1``, which makes that a failure.
"""

from __future__ import annotations

import pytest

from perceptron.session.settings import NetSettings
from perceptron.web.playback import PLAY_CHUNK
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
            ctx.set_default_timeout(60_000)
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
        arg=before["output"], polling=100, timeout=60_000,
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
    page.wait_for_url("**hepoch=7**", timeout=60_000)
    _wait_idle(page)
    assert _epoch_metric(page) == "7"
    assert "h=2" in page.url and "hseed=1" in page.url
    assert not page.js_errors, page.js_errors


# the epoch in the figure's first annotation ("epoch K · cost …", also while playing)
EPOCH_ON_SCREEN = f"""
() => {{
  const gd = ({FIGURE})();
  const a = (gd && gd.layout && gd.layout.annotations) || [];
  const m = a.length ? /^epoch (\\d+)/.exec(a[0].text || '') : null;
  return m ? +m[1] : -1;
}}
"""


def _step(page) -> int:
    """Press "Step one epoch" and wait until the Epoch metric moves; returns it."""
    before = int(_epoch_metric(page))
    page.get_by_role("button", name="Step one epoch").click()
    page.wait_for_function(
        """(want) => [...document.querySelectorAll('[data-testid="stMetric"]')].some(m =>
             m.innerText.includes('Epoch') && m.innerText.trim().split(/\\s+/).pop() === String(want))""",
        arg=before + 1, polling=50, timeout=60_000)
    _wait_idle(page)
    return int(_epoch_metric(page))


def test_step_is_drawn_ahead_once_and_play_goes_on_past_its_first_chunk(page, app_url):
    """Step: the browser draws the next epoch from the frame sent ahead, and the server's identical
    figure is not drawn a second time (the first Step too: the figure stays mounted). Play: the next
    chunk follows, so playback goes on past the first chunk, one frame after another."""
    page.goto(f"{app_url}/Hidden_layer?dataset=xor&n=200&hdata=yours")
    page.wait_for_function(f"() => !!({FIGURE})() && !!({FIGURE})()._fullLayout", polling=100)
    _wait_idle(page)
    # Count the figure's Plotly.react calls (a resize, e.g. when a scrollbar appears, redraws the
    # plot too, but that is not the figure drawn again).
    page.evaluate(f"""() => {{ const gd = ({FIGURE})(); window.__nlDraws = 0;
                              const react = window.Plotly.react;
                              window.Plotly.react = function (div, ...rest) {{
                                if (div === gd) window.__nlDraws += 1;
                                return react.call(this, div, ...rest);
                              }}; }}""")
    for k in (1, 2, 3):
        assert _step(page) == k
        assert page.evaluate(EPOCH_ON_SCREEN) == k
    assert page.evaluate("window.__nlDraws") == 3, "each Step should draw the figure exactly once"

    stride, chunk = NetSettings().hstride, PLAY_CHUNK  # the page's defaults: epochs a frame, frames sent at once
    goal = 3 + stride * (chunk + 8)  # well into the second chunk
    page.locator(".st-key-net_play button").first.click()
    # Wait on the state, not a time window: the timeout is a fuse against a hang, and on a slow
    # machine Play may take longer to get there. How fast it plays is python -m bench's.
    seen = page.evaluate(f"""(goal) => new Promise(done => {{
        const out = []; const t0 = performance.now();
        const tick = () => {{
          const e = ({EPOCH_ON_SCREEN})();  // -1 while plotly swaps the layout: not a frame
          if (e >= 0 && out[out.length - 1] !== e) out.push(e);
          if (e < goal && performance.now() - t0 < 60000) requestAnimationFrame(tick); else done(out);
        }};
        tick();
    }})""", goal)
    page.locator(".st-key-net_play button").first.click()  # Pause
    assert seen == sorted(seen) and seen[-1] >= goal, f"Play did not go on past its first chunk: {seen}"
    assert all((e - 3) % stride == 0 for e in seen), f"Play showed an epoch between two frames: {seen}"
    page.wait_for_function(f"() => ({FIGURE})() && !/playing/.test((({FIGURE})().layout.annotations[0] || {{}}).text || '')",
                           polling=100, timeout=60_000)
    _wait_idle(page)
    assert page.evaluate(EPOCH_ON_SCREEN) == int(_epoch_metric(page))
    assert "This app has encountered an error" not in page.content()
    # e.g. a resize of the network diagram while Play has taken it off the page would show here
    assert not page.js_errors, page.js_errors
