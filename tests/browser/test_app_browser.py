"""Neuron Lab in a real Chromium: every page, clicks on the plot, CSV upload, Step/Play/Pause,
navigation, sessions kept apart, and the address bar. See conftest.py for the fixtures."""

from __future__ import annotations

import re

import pytest
from lab_browser import (
    PAGES,
    assert_no_app_error,
    chart_count,
    counts,
    data_summary,
    descent_snapshot,
    epoch_metric,
    figure_epoch,
    full_screenshot,
    go_by_link,
    grid_rows,
    open_page,
    settle,
    step,
    wait_counts,
    walk_lesson,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from perceptron.session.settings import Settings
from perceptron.web.playback import PLAY_CHUNK

pytestmark = pytest.mark.browser

DEFAULT_COUNTS = {"class 0": (40, 10, 50), "class 1": (40, 10, 50), "total": (80, 20, 100)}  # blobs, n=100
MIN_CHARTS = {"/Loss_landscape": 3}  # "several"; the others at least one


# --------------------------------------------------------------------------------------------
# 1. Every page
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", list(PAGES), ids=list(PAGES.values()))
def test_page_loads_with_charts(page, app_url, artifacts, path):
    minimum = MIN_CHARTS.get(path, 1)
    page.goto(app_url + path)
    try:
        settle(page, min_charts=minimum, timeout=60_000)
    except PlaywrightTimeoutError:  # say what is missing rather than "timeout"
        settle(page, min_charts=0)
        full_screenshot(page, artifacts / f"{PAGES[path]}.png")
    assert_no_app_error(page)
    assert chart_count(page) >= minimum, f"{path}: {chart_count(page)} charts, expected at least {minimum}"
    # plotly.js came from the static file, once, and every chart really drew something
    assert page.evaluate("() => [...document.scripts].filter(s => s.src.includes('plotly-cartesian.min.js')).length") == 1
    assert page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].every(g => g.data.length > 0
              || (g._fullLayout.shapes || []).length > 0 || (g._fullLayout.annotations || []).length > 0)"""
    ), "a chart was drawn empty"
    full_screenshot(page, artifacts / f"{PAGES[path]}.png")
    assert_no_app_error(page)


# --------------------------------------------------------------------------------------------
# 2. Clicking on the Dataset plot adds points where the click was
# --------------------------------------------------------------------------------------------
_TARGET = """
([fx, fy]) => {
  const gd = document.querySelector('.js-plotly-plot');
  gd.scrollIntoView({block: 'center'});
  const fl = gd._fullLayout, xa = fl.xaxis, ya = fl.yaxis;
  const r = gd.getBoundingClientRect();
  const px = fx * xa._length, py = fy * ya._length;   // inside the plot area
  return {
    left: r.left + xa._offset + px, top: r.top + ya._offset + py,
    x: xa.p2d(px), y: ya.p2d(py),
    xspan: Math.abs(xa.range[1] - xa.range[0]), yspan: Math.abs(ya.range[1] - ya.range[0]),
  };
}
"""

_PLOTTED = """
(cls) => {
  const gd = document.querySelector('.js-plotly-plot');
  const out = [];
  for (const t of gd.data) {
    if (new RegExp('^class ' + cls + '(?!.*test)').test(t.name || '')) {
      (t.x || []).forEach((x, i) => out.push([x, t.y[i]]));
    }
  }
  return out;
}
"""


def _radio_option(page, group: str, option):
    return page.get_by_test_id("stRadio").filter(has_text=group).get_by_text(option)


def _points(page) -> list[dict]:
    rows = grid_rows(page, "x1")
    assert rows, "no points table"
    header = rows[0]
    return [{k: r[header.index(k)] for k in ("x1", "x2", "label", "test")} for r in rows[1:] if len(r) == len(header)]


def test_dataset_click_adds_points(page, app_url):
    open_page(page, app_url, "/Dataset")
    assert counts(page) == DEFAULT_COUNTS
    _radio_option(page, "Start from", "My own points").click()
    settle(page, min_charts=1)
    assert counts(page) == DEFAULT_COUNTS, "choosing 'My own points' should keep the points on screen"
    page.get_by_role("button", name="Clear all points").click()
    wait_counts(page, {"total": (0, 0, 0)})
    _radio_option(page, "A click adds a point of", re.compile(r"^class 1\b")).click()
    settle(page, min_charts=1)

    added = []
    for k, (fx, fy) in enumerate([(0.25, 0.3), (0.7, 0.8)], start=1):
        target = page.evaluate(_TARGET, [fx, fy])
        page.mouse.click(target["left"], target["top"])
        wait_counts(page, {"class 1": (k, 0, k), "class 0": (0, 0, 0), "total": (k, 0, k)})
        assert_no_app_error(page)
        added.append(target)

        # The points table lists every point: the ones clicked, of class 1, where the click was.
        points = _points(page)
        assert len(points) == k, points
        for p, t in zip(points, added, strict=True):
            assert p["label"] == "1" and p["test"] == "false", p
            assert float(p["x1"]) == pytest.approx(t["x"], abs=0.01 * t["xspan"]), (p, t)
            assert float(p["x2"]) == pytest.approx(t["y"], abs=0.01 * t["yspan"]), (p, t)
        # ... and the plot shows them as class-1 markers.
        plotted = page.evaluate(_PLOTTED, 1)
        assert len(plotted) == k
        for t in added:
            assert any(abs(x - t["x"]) <= 0.01 * t["xspan"] and abs(y - t["y"]) <= 0.01 * t["yspan"]
                       for x, y in plotted), (plotted, t)


# --------------------------------------------------------------------------------------------
# 3. CSV upload
# --------------------------------------------------------------------------------------------
GOOD_CSV = b"a,b,label\n0,0,cat\n1,0,cat\n0,1,cat\n5,5,dog\n6,5,dog\n5,6,dog\n"
ONE_CLASS_CSV = b"a,b,label\n0,0,cat\n1,1,cat\n2,0,cat\n"


def _upload(page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


def test_csv_upload_replaces_the_dataset_and_rejects_a_bad_file(page, app_url):
    open_page(page, app_url, "/Dataset")
    assert counts(page) == DEFAULT_COUNTS

    _upload(page, "good.csv", GOOD_CSV)
    loaded = {"class 0": (3, 0, 3), "class 1": (3, 0, 3), "total": (6, 0, 6)}
    wait_counts(page, loaded)
    page.get_by_text("Loaded 6 points from good.csv").wait_for()
    assert_no_app_error(page)
    rows = grid_rows(page, "train")
    assert {r[0] for r in rows[1:]} >= {"class 0: cat", "class 1: dog"}, rows  # the file's class names
    assert len(_points(page)) == 6

    _upload(page, "one_class.csv", ONE_CLASS_CSV)
    error = page.get_by_test_id("stAlert").filter(has_text="one_class.csv")
    error.wait_for()
    text = error.inner_text()
    assert "only one class" in text and "two classes" in text, text
    assert "unchanged" in text, text
    settle(page, min_charts=1)
    assert counts(page) == loaded, "a rejected file must leave the previous points as they were"
    assert len(_points(page)) == 6
    assert_no_app_error(page)


# --------------------------------------------------------------------------------------------
# 4. Step, Play, Pause
# --------------------------------------------------------------------------------------------
def test_gradient_descent_step_play_pause(page, app_url):
    open_page(page, app_url, "/Gradient_descent")
    assert epoch_metric(page) == 0 and figure_epoch(page) == 0
    before = descent_snapshot(page)
    assert before["z"] and before["cost"] and len(before["cost"]) == 1

    assert step(page) == 1
    page.wait_for_function("() => { const gd = document.querySelector('.js-plotly-plot');"
                           " return gd.data.find(t => t.name === 'train cost').y.length === 2; }")
    after = descent_snapshot(page)
    assert figure_epoch(page) == 1
    assert after["z"] != before["z"], "the boundary heatmap did not change after a Step"
    assert after["cost"][:1] == before["cost"] and len(after["cost"]) == 2 and after["cost"][1] < after["cost"][0]
    assert_no_app_error(page)

    page.get_by_role("button", name="Play ▶").click()
    # It advances by itself: several epochs within ~2 s, with nobody clicking.
    page.wait_for_function(f"() => ({_epoch_on_screen_js()}) >= 6", timeout=60_000, polling=50)
    assert_no_app_error(page)

    page.get_by_role("button", name=re.compile(r"^Pause")).click()
    page.get_by_role("button", name="Play ▶").wait_for()
    settle(page, min_charts=1)
    paused = epoch_metric(page)
    assert paused is not None and paused >= 6, paused
    assert figure_epoch(page) == paused, "the figure and the metric disagree on the epoch after Pause"
    page.wait_for_timeout(1_500)  # nothing may move by itself now
    assert epoch_metric(page) == paused and figure_epoch(page) == paused
    assert_no_app_error(page)

    # A Step after Pause continues from the epoch on screen.
    assert step(page) == paused + 1


def test_a_pause_is_one_message_to_the_server_by_click_and_by_keyboard(page, app_url):
    """While the chart plays, it keeps the Pause click and the Pause shortcut (Alt+P) to itself and reports the frame
    on screen: the server hears one message and runs once; the button's own rerun would resend every frame. Alt+P
    sent two before (the shortcut went on to Streamlit's button too)."""
    open_page(page, app_url, "/Gradient_descent")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    sent: list[int] = []
    cdp.on("Network.webSocketFrameSent", lambda e: sent.append(len(e["response"]["payloadData"])))
    for how in ("click", "Alt+P"):
        start = epoch_metric(page)  # read while the page is idle: playing hides the metrics
        page.get_by_role("button", name="Play ▶").click()
        page.wait_for_function(f"() => ({_epoch_on_screen_js()}) >= {start + 3}", timeout=60_000, polling=50)
        before = len(sent)
        if how == "click":
            page.get_by_role("button", name=re.compile(r"^Pause")).click()
        else:
            page.keyboard.press("Alt+P")
        page.get_by_role("button", name="Play ▶").wait_for()
        settle(page, min_charts=1)
        page.wait_for_timeout(1_000)  # a second message would have left by now
        assert len(sent) - before == 1, f"Pause by {how}: {len(sent) - before} messages"
        assert figure_epoch(page) == epoch_metric(page)
    page.keyboard.press("Alt+P")  # not playing: the shortcut is the Play button's, as before
    page.get_by_role("button", name=re.compile(r"^Pause")).wait_for()
    assert_no_app_error(page)


def test_step_is_drawn_ahead_once_and_play_goes_on_past_its_first_chunk(page, app_url):
    """Step: the browser draws the next epoch from the frame sent ahead, and the server's
    identical figure is not drawn a second time. Play: the next chunk follows, and playback goes on."""
    open_page(page, app_url, "/Gradient_descent?n=200")
    # Count the chart's Plotly.react calls (a resize, e.g. when a scrollbar appears, redraws
    # the plot too, but that is not the figure drawn again).
    page.evaluate("""() => { const gd = document.querySelector('.js-plotly-plot'); window.__nlDraws = 0;
                             const react = window.Plotly.react;
                             window.Plotly.react = function (div, ...rest) {
                               if (div === gd) window.__nlDraws += 1;
                               return react.call(this, div, ...rest);
                             }; }""")
    for k in (1, 2, 3):
        assert step(page) == k
        settle(page, min_charts=1)
        assert figure_epoch(page) == k
        # drawn at the click by the chart itself (perceptron/web/redraw.js), then once by plotly.js when quiet
        page.wait_for_function("() => !document.querySelector('.js-plotly-plot').parentElement.__nlChart.behind")
    # (the first Step after opening may be drawn whole: the page's scrollbar can change the chart's width)
    assert page.evaluate("document.querySelector('.js-plotly-plot').parentElement.__nlChart.quick") >= 2
    assert page.evaluate("window.__nlDraws") == 3, "plotly.js should draw each Step exactly once"

    page.get_by_role("button", name="Play ▶").click()
    # well into the second chunk (the page trains and sends PLAY_CHUNK frames at once, `stride` epochs apart)
    goal = 3 + Settings().stride * PLAY_CHUNK + 8
    seen = _epochs_played(page, _epoch_on_screen_js(), goal)
    page.get_by_role("button", name=re.compile(r"^Pause")).click()
    assert seen == sorted(seen) and seen[-1] >= goal, f"Play did not go on past its first chunk: {seen}"
    page.get_by_role("button", name="Play ▶").wait_for()
    settle(page, min_charts=1)
    assert figure_epoch(page) == epoch_metric(page)
    assert_no_app_error(page)


def _epochs_played(page, epoch_js: str, goal: int, timeout_ms: int = 60_000) -> list[int]:
    """The epochs the figure shows, in order, sampled every animation frame until ``goal`` is on
    screen. Waits on the state, not on a time window: the timeout is only a fuse against a hang,
    and on a slow machine Play may take longer to get there. How fast it plays is ``python -m bench``'s."""
    seen = page.evaluate("""([goal, timeout]) => new Promise(done => {
        const out = []; const t0 = performance.now();
        const tick = () => {
          const e = (""" + epoch_js + """);  // -1 while plotly swaps the layout: not a frame
          if (e >= 0 && out[out.length - 1] !== e) out.push(e);
          if (e < goal && performance.now() - t0 < timeout) requestAnimationFrame(tick); else done(out);
        };
        tick();
    })""", [goal, timeout_ms])
    assert seen and seen[-1] >= goal, f"Play did not reach epoch {goal} within {timeout_ms / 1000:.0f} s: {seen}"
    return seen


def _epoch_on_screen_js() -> str:
    """JS expression: the epoch in the descent figure's title line (works while playing, too)."""
    return ("(() => { const notes = document.querySelectorAll('.js-plotly-plot g.annotation text.annotation-text');"
            " const a = [...notes].map(t => /^epoch (\\d+)/.exec(t.textContent || '')).find(Boolean);"
            " return a ? Number(a[1]) : -1; })()")


# --------------------------------------------------------------------------------------------
# 5. The session's experiment survives navigation
# --------------------------------------------------------------------------------------------
def test_state_survives_navigation(page, app_url):
    open_page(page, app_url, "/Dataset")
    start_counts = counts(page)
    go_by_link(page, "4 · Gradient descent", "/Gradient_descent")
    assert step(page, 3) == 3

    go_by_link(page, "2 · Forward propagation", "/Forward_propagation", min_charts=3)
    assert_no_app_error(page)
    assert page.get_by_test_id("stRadio").get_by_text("From the model (epoch 3)").count() == 1

    go_by_link(page, "4 · Gradient descent", "/Gradient_descent")
    assert epoch_metric(page) == 3 and figure_epoch(page) == 3

    go_by_link(page, "1 · Dataset", "/Dataset")
    assert counts(page) == start_counts
    assert_no_app_error(page)


# --------------------------------------------------------------------------------------------
# 6. Two sessions do not share data
# --------------------------------------------------------------------------------------------
def _preset(page):
    return page.get_by_role("combobox", name="Preset")


def _choose_preset(page, name: str) -> None:
    _preset(page).click()
    page.get_by_role("option", name=re.compile(rf"^{name}\b")).click()
    expect(_preset(page)).to_have_value(re.compile(rf"^{name}:"))
    settle(page, min_charts=1)


def test_two_sessions_are_independent(new_page, app_url):
    a = new_page()
    open_page(a, app_url, "/Dataset")
    _choose_preset(a, "xor")
    a_counts = counts(a)
    go_by_link(a, "4 · Gradient descent", "/Gradient_descent")
    assert step(a, 2) == 2

    b = new_page()
    open_page(b, app_url, "/Gradient_descent")
    assert epoch_metric(b) == 0
    assert re.search(r"\bblobs\b", data_summary(b)) and not re.search(r"\bxor\b", data_summary(b))
    open_page(b, app_url, "/Dataset")
    assert counts(b) == DEFAULT_COUNTS
    assert _preset(b).input_value().startswith("blobs:")

    # A is as it was, and its session goes on from there.
    assert epoch_metric(a) == 2 and re.search(r"\bxor\b", data_summary(a))
    assert step(a) == 3
    go_by_link(a, "1 · Dataset", "/Dataset")
    assert counts(a) == a_counts
    assert _preset(a).input_value().startswith("xor:")
    assert_no_app_error(a)
    assert_no_app_error(b)


# --------------------------------------------------------------------------------------------
# 7. The address bar reopens the experiment
# --------------------------------------------------------------------------------------------
def test_link_reopens_the_experiment(new_page, app_url):
    a = new_page()
    open_page(a, app_url, "/Dataset")
    _choose_preset(a, "xor")
    a_counts = counts(a)
    go_by_link(a, "4 · Gradient descent", "/Gradient_descent")
    step(a, 2)
    a.wait_for_function("() => /[?&]epoch=2(&|$)/.test(location.search)")
    url = a.url
    assert re.search(r"[?&]dataset=xor(&|$)", url), url
    a_cost = a.get_by_test_id("stMetric").filter(has_text="Cost").locator('[data-testid="stMetricValue"]').inner_text()

    b = new_page()
    open_page(b, url, "")
    assert_no_app_error(b)
    assert epoch_metric(b) == 2 and figure_epoch(b) == 2
    b_cost = b.get_by_test_id("stMetric").filter(has_text="Cost").locator('[data-testid="stMetricValue"]').inner_text()
    assert b_cost == a_cost
    assert re.search(r"\bxor\b", data_summary(b))
    for problem in ("unknown link setting", "using the default", "Opened the default experiment"):
        assert b.get_by_text(problem).count() == 0, problem
    go_by_link(b, "1 · Dataset", "/Dataset")
    assert counts(b) == a_counts


# --------------------------------------------------------------------------------------------
# 8. The sidebar's summary follows a change on the same run
# --------------------------------------------------------------------------------------------
def test_sidebar_summary_follows_a_preset_change(page, app_url):
    open_page(page, app_url, "/Dataset")
    assert re.search(r"\bblobs\b", data_summary(page))
    _choose_preset(page, "xor")
    # The plot shows XOR (four clouds: class 1 on both sides of x₁ = 0) once the rerun has drawn it
    # (waited for: on a busy machine the rerun may start after the page first looks idle) ...
    page.wait_for_function("() => { const xs = document.querySelector('.js-plotly-plot').data"
                           ".filter(t => /^class 1/.test(t.name || '')).flatMap(t => t.x);"
                           " return xs.length && Math.min(...xs) < 0 && Math.max(...xs) > 0; }", timeout=60_000)
    settle(page, min_charts=1)
    # ... and so does the sidebar, in the same rerun, without the user clicking anything else.
    summary = data_summary(page)
    assert re.search(r"\bxor\b", summary), f"the sidebar still describes the previous dataset: {summary!r}"


# --------------------------------------------------------------------------------------------
# 9. The guided lesson runs from start to end, on the live numbers
# --------------------------------------------------------------------------------------------
def test_guided_lesson_runs_start_to_end(page, app_url):
    open_page(page, app_url, "/", min_charts=1)
    walk_lesson(page)
