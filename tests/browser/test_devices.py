"""Phones and tablets (issue 13), in Chromium with Playwright: a tap adds a point (or picks the sample
it lands on), a swipe that starts on a chart scrolls the page and selects nothing unless *Select to
delete* is on, Step works by tap, the Gradient descent figure stacks its panels on a phone, no text
of a chart covers another, a mouse zoom ends with the next Step, Play under reduced motion changes
the picture in steps, the sidebar starts collapsed, and no request leaves the app's own host.

The profiles are a 390x844 phone and an 820x1180 tablet, both touch screens (``is_mobile``,
``has_touch``: ``(pointer: coarse)`` matches). Swipes are real touch sequences sent through the
DevTools protocol (``Input.dispatchTouchEvent``), so Chromium decides whether they scroll. Pixel and
data coordinates come from plotly.js's own axis transforms. Every wait has a 60 s fuse; nothing here
reads a clock. Screenshots of every page at both sizes go to ``artifacts/screens/``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from lab_browser import (
    PAGES,
    assert_no_app_error,
    counts,
    epoch_metric,
    figure_epoch,
    open_expanders,
    open_page,
    settle,
    wait_counts,
    wait_epoch_metric,
)

from perceptron.session.settings import Settings
from perceptron.web.playback import PLAY_CHUNK, PLAY_FPS

pytestmark = pytest.mark.browser

PROFILES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "tablet": {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True},
}
DESKTOP = {"viewport": {"width": 1400, "height": 1000}}


@pytest.fixture
def device(new_page):
    """A factory of pages in a fresh browser context of a device profile (a fresh Streamlit session
    each); JavaScript errors are kept in ``page.js_errors``; a failed test leaves screenshots."""
    return new_page


# ---------------------------------------------------------------------------------------------
# reading the page
# ---------------------------------------------------------------------------------------------
# How far the page is scrolled: the document, and Streamlit's main area (which scrolls on its own
# on wide screens).
SCROLLED = """(document.scrollingElement.scrollTop
  + (document.querySelector('[data-testid="stMain"]') || {scrollTop: 0}).scrollTop)"""
SCROLL_TOP = f"() => {SCROLLED}"

# True once the page's scroll position has not moved for 15 polls in a row (a fling has ended).
SCROLL_STILL = f"""() => {{
  const now = {SCROLLED};
  if (window.__nlScroll !== now) {{ window.__nlScroll = now; window.__nlStill = 0; return false; }}
  window.__nlStill = (window.__nlStill || 0) + 1;
  return window.__nlStill >= 15;
}}"""

# What a swipe must not change on chart i: its axes' ranges, its selections, its drag mode.
CHART_STATE = """(i) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[i], fl = gd._fullLayout;
  const axes = Object.keys(fl).filter(k => /^[xy]axis\\d*$/.test(k)).sort()
    .map(k => [k, fl[k].range.map(v => Math.round(v * 1e6) / 1e6)]);
  return {axes, dragmode: fl.dragmode, selections: (fl.selections || []).length,
          selected: gd.data.filter(t => Array.isArray(t.selectedpoints)).length};
}"""

# Scrolls chart i to the middle of the screen; returns where a swipe starts (the middle of the part
# of a plot area that is on screen, in viewport pixels) and how far the page can scroll each way.
SWIPE_START = """(i) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[i];
  gd.scrollIntoView({block: 'center'});
  const r = gd.getBoundingClientRect(), vh = window.innerHeight, fl = gd._fullLayout;
  let best = null;
  for (const p of Object.values(fl._plots)) {
    const top = Math.max(r.top + p.yaxis._offset, 60), bottom = Math.min(r.top + p.yaxis._offset + p.yaxis._length, vh - 60);
    if (bottom - top > (best ? best.h : 20)) {
      best = {x: r.left + p.xaxis._offset + p.xaxis._length / 2, y: (top + bottom) / 2, h: bottom - top};
    }
  }
  // the element that scrolls: Streamlit's main area, or the document
  let down = 0, up = 0;
  for (const el of [document.querySelector('[data-testid="stMain"]'), document.scrollingElement]) {
    if (!el || el.scrollHeight <= el.clientHeight + 1) continue;
    down += el.scrollHeight - el.clientHeight - el.scrollTop;
    up += el.scrollTop;
  }
  const title = (fl.title && fl.title.text) || '';
  return {...best, down, up, title, shown: gd.offsetParent !== null, height: r.height, top: r.top};
}"""


def swipe(page, x: float, y0: float, y1: float, steps: int = 12) -> None:
    """A one-finger swipe from (x, y0) to (x, y1), as touch events through the DevTools protocol."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y0}]})
        for k in range(1, steps + 1):
            y = y0 + (y1 - y0) * k / steps
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()
    page.wait_for_function(SCROLL_STILL, timeout=60_000, polling=50)


# The Dataset plot: a spot in its plot area as far as can be from every point (so a tap there is
# on no point), in data coordinates, and where it is on screen once the plot is in view.
FREE_SPOT = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  gd.scrollIntoView({block: 'center'});
  const fl = gd._fullLayout, xa = fl.xaxis, ya = fl.yaxis, pts = [];
  for (const t of gd._fullData) {
    if (t.visible !== true || !String(t.mode || '').includes('markers')) continue;
    t.x.forEach((x, k) => pts.push([xa.l2p(x), ya.l2p(t.y[k])]));
  }
  let best = null;
  for (let fx = 0.1; fx <= 0.9; fx += 0.04) {
    for (let fy = 0.1; fy <= 0.9; fy += 0.04) {
      const px = Math.round(fx * xa._length), py = Math.round(fy * ya._length);
      const d = Math.min(...pts.map(([a, b]) => Math.hypot(a - px, b - py)));
      if (!best || d > best.d) best = {px, py, d};
    }
  }
  const r = gd.getBoundingClientRect();
  return {x: xa.p2l(best.px), y: ya.p2l(best.py), d: best.d, cx: r.left + xa._offset + best.px,
          cy: r.top + ya._offset + best.py, xscale: Math.abs(xa._m), yscale: Math.abs(ya._m)};
}"""

POINTS = """() => {
  const gd = document.querySelector('.js-plotly-plot'), out = [];
  for (const t of gd.data) {
    if (String(t.mode || '').includes('markers')) (t.x || []).forEach((x, k) => out.push([x, t.y[k]]));
  }
  return out;
}"""

# Text on every chart that covers other text or the toolbar, or is cut off at the chart's edge:
# the paper-placed annotations (titles, the epoch line, notes), the figure's title, the legend,
# the toolbar.
TEXT_PROBLEMS = """() => {
  const problems = [];
  document.querySelectorAll('.js-plotly-plot').forEach((gd, i) => {
    const fl = gd._fullLayout, box = gd.getBoundingClientRect(), boxes = [];
    gd.querySelectorAll('g.annotation').forEach((g) => {
      const a = fl.annotations[Number(g.getAttribute('data-index'))];
      if (!a || a.xref !== 'paper' || a.yref !== 'paper' || !a.visible) return;
      const t = g.querySelector('.annotation-text-g') || g;
      boxes.push({what: 'note ' + JSON.stringify(a.text.slice(0, 30)), r: t.getBoundingClientRect()});
    });
    const title = gd.querySelector('.gtitle');
    if (title && title.textContent.trim()) boxes.push({what: 'title', r: title.getBoundingClientRect()});
    const legend = gd.querySelector('.legend');
    if (legend) boxes.push({what: 'legend', r: legend.getBoundingClientRect()});
    const bar = gd.querySelector('.modebar');
    if (bar) boxes.push({what: 'toolbar', r: bar.getBoundingClientRect()});
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    for (let j = 0; j < boxes.length; j++) {
      const r = boxes[j].r;
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) problems.push(`chart ${i}: ${boxes[j].what} cut off`);
      for (let k = j + 1; k < boxes.length; k++) {
        if (r.width && boxes[k].r.width && meet(r, boxes[k].r)) problems.push(`chart ${i}: ${boxes[j].what} covers ${boxes[k].what}`);
      }
    }
  });
  return problems;
}"""

PLOT_AREAS = """(i) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[i];
  return Object.entries(gd._fullLayout._plots).map(([id, p]) => ({
    id, w: p.xaxis._length, h: p.yaxis._length, top: p.yaxis._offset, bottom: p.yaxis._offset + p.yaxis._length}));
}"""


def screenshot(page, path) -> None:
    """The whole page (the main area, not the collapsed sidebar's length): the screen grown to it."""
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(document.scrollingElement.scrollHeight,
      ...['[data-testid="stMain"]', '[data-testid="stMainBlockContainer"]'].map(s => document.querySelector(s))
        .filter(Boolean).map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 9000)})
    try:
        settle(page, min_charts=1, quiet=300)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
        settle(page, min_charts=1, quiet=300)


# ---------------------------------------------------------------------------------------------
# the tests
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("profile", PROFILES)
def test_a_tap_adds_exactly_one_point_where_it_lands(device, app_url, profile):
    page = device(PROFILES[profile])
    open_page(page, app_url, "/Dataset")
    before = counts(page)
    points_before = {tuple(p) for p in page.evaluate(POINTS)}
    spot = page.evaluate(FREE_SPOT)
    assert spot["d"] > 20, f"no free spot on the plot: {spot}"
    page.touchscreen.tap(spot["cx"], spot["cy"])

    train, test, total = before["class 0"]
    wait_counts(page, {"class 0": (train + 1, test, total + 1), "class 1": before["class 1"]})
    assert_no_app_error(page)
    settle(page, min_charts=1, quiet=1500)
    assert counts(page)["total"] == (before["total"][0] + 1, before["total"][1], before["total"][2] + 1)
    new = [p for p in page.evaluate(POINTS) if tuple(p) not in points_before]
    assert len(new) == 1, new
    (x, y), = new
    # where the finger was, to a pixel (the plot's own transforms between pixels and data)
    assert abs(x - spot["x"]) * spot["xscale"] <= 1.5 and abs(y - spot["y"]) * spot["yscale"] <= 1.5, (new, spot)


# The Forward propagation plane (the chart with a heatmap): the screen position of training point k
# (a marker whose customdata is its dataset row), once the plane is in view.
MARKER = """(k) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.data.some(t => t.type === 'heatmap'));
  gd.scrollIntoView({block: 'center'});
  const fl = gd._fullLayout, r = gd.getBoundingClientRect();
  const t = gd._fullData.find(t => String(t.mode).includes('markers') && Array.isArray(t.customdata) && t.x.length > k);
  return {cx: r.left + fl.xaxis._offset + fl.xaxis.l2p(t.x[k]), cy: r.top + fl.yaxis._offset + fl.yaxis.l2p(t.y[k])};
}"""


def test_a_tap_on_a_sample_picks_it(device, app_url):
    """A finger has no hover: the marker a tap lands on (a few pixels off its centre) is the one reported."""
    page = device(PROFILES["phone"])
    open_page(page, app_url, "/Forward_propagation")
    heading = page.locator("text=/^Sample #\\d+/").first
    assert heading.inner_text().startswith("Sample #0")
    spot = page.evaluate(MARKER, 5)
    page.wait_for_function(SCROLL_STILL, timeout=60_000, polling=50)
    page.touchscreen.tap(spot["cx"] + 3, spot["cy"] - 2)
    page.wait_for_function("() => !/^Sample #0\\b/.test([...document.querySelectorAll('strong')]"
                           ".map(e => e.parentElement.innerText).find(t => /^Sample #/.test(t)) || '')",
                           timeout=60_000)
    settle(page, min_charts=1)
    assert not heading.inner_text().startswith("Sample #0")
    assert_no_app_error(page)


@pytest.mark.parametrize("profile", PROFILES)
def test_a_swipe_on_any_chart_scrolls_the_page_and_selects_nothing(device, app_url, profile):
    page = device(PROFILES[profile])
    swiped = 0
    for path in PAGES:
        open_page(page, app_url, path)
        open_expanders(page)  # charts in an expander (the convexity figure) are swiped too
        height = PROFILES[profile]["viewport"]["height"]
        for i in range(page.locator(".js-plotly-plot").count()):
            start = page.evaluate(SWIPE_START, i)
            if max(start["down"], start["up"]) < 120:  # the whole page fits on the screen (Home on a tablet):
                height = 500  # a shorter screen (the tablet turned, a keyboard open) must scroll it
                page.set_viewport_size({**PROFILES[profile]["viewport"], "height": height})
                settle(page, min_charts=1)
                start = page.evaluate(SWIPE_START, i)
            page.wait_for_function(SCROLL_STILL, timeout=60_000, polling=50)
            assert start.get("h", 0) > 40, f"{path} chart {i}: no plot area on screen: {start}"
            state = page.evaluate(CHART_STATE, i)
            assert state["dragmode"] is False, f"{path} chart {i}: a drag mode on a touch screen: {state}"
            before = page.evaluate(SCROLL_TOP)
            # towards the end of the page when there is room, else back
            down = start["down"] >= 120 or start["down"] >= start["up"]
            assert max(start["down"], start["up"]) >= 120, f"{path}: the page cannot scroll ({start})"
            travel = min(260, start["y"] - 20) if down else min(260, height - start["y"] - 20)
            swipe(page, start["x"], start["y"], start["y"] - travel if down else start["y"] + travel)
            moved = page.evaluate(SCROLL_TOP) - before
            assert (moved if down else -moved) >= 40, f"{path} chart {i}: a swipe scrolled {moved} px"
            assert page.evaluate(CHART_STATE, i) == state, f"{path} chart {i}: the swipe zoomed or selected"
            swiped += 1
        if path == "/Dataset":  # nothing selected, so nothing offered for deletion
            assert page.get_by_role("button", name="selected").count() == 0
        assert_no_app_error(page)
        if height != PROFILES[profile]["viewport"]["height"]:
            page.set_viewport_size(PROFILES[profile]["viewport"])
    assert swiped >= len(PAGES)


def test_select_to_delete_is_an_explicit_tool(device, app_url):
    page = device(PROFILES["phone"])
    open_page(page, app_url, "/Dataset")
    page.get_by_text("Select to delete", exact=True).tap()
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.dragmode === 'select'",
                           timeout=60_000)
    settle(page, min_charts=1)
    start = page.evaluate(SWIPE_START, 0)
    page.wait_for_function(SCROLL_STILL, timeout=60_000, polling=50)
    box = page.evaluate("""() => {
      const gd = document.querySelector('.js-plotly-plot'), r = gd.getBoundingClientRect(), fl = gd._fullLayout;
      return {left: r.left + fl.xaxis._offset, top: r.top + fl.yaxis._offset, w: fl.xaxis._length, h: fl.yaxis._length};
    }""")
    before = page.evaluate(SCROLL_TOP)
    # a drag across the whole plot area: every point is in the box
    cdp = page.context.new_cdp_session(page)
    x0, y0, x1, y1 = box["left"] + 2, max(box["top"] + 2, 5), box["left"] + box["w"] - 2, box["top"] + box["h"] - 2
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for k in range(1, 13):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x0 + (x1 - x0) * k / 12, "y": y0 + (y1 - y0) * k / 12}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()
    delete = page.get_by_role("button", name="selected")
    delete.wait_for(timeout=60_000)
    assert "Delete" in delete.inner_text()
    assert page.evaluate(SCROLL_TOP) == before  # while selecting, a drag on the plot does not scroll
    assert start["h"] > 40
    assert_no_app_error(page)


@pytest.mark.parametrize("profile", PROFILES)
def test_step_works_by_tap(device, app_url, profile):
    page = device(PROFILES[profile])
    open_page(page, app_url, "/Gradient_descent")
    assert epoch_metric(page) == 0
    page.get_by_role("button", name="Step one epoch").tap()
    wait_epoch_metric(page, 1)
    settle(page, min_charts=1)
    assert figure_epoch(page) == 1
    assert_no_app_error(page)


def test_the_descent_figure_stacks_its_panels_on_a_phone(device, app_url):
    page = device(PROFILES["phone"])
    open_page(page, app_url, "/Gradient_descent")
    areas = page.evaluate(PLOT_AREAS, 0)
    assert len(areas) == 3
    for a in areas:
        assert a["w"] >= 250 and a["h"] >= 200, areas
    ordered = sorted(areas, key=lambda a: a["top"])
    assert [a["id"] for a in ordered] == ["xy", "x2y2", "x3y3"]  # boundary, sigmoid, cost, top to bottom
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        assert lower["top"] >= upper["bottom"] + 60, areas  # room for the ticks, axis title and next title
    assert page.evaluate(TEXT_PROBLEMS) == []
    # after a Step (drawn ahead, then the server's figure) the figure is still stacked
    page.get_by_role("button", name="Step one epoch").tap()
    wait_epoch_metric(page, 1)
    settle(page, min_charts=1)
    assert all(a["w"] >= 250 for a in page.evaluate(PLOT_AREAS, 0))
    assert page.evaluate(TEXT_PROBLEMS) == []


# Records every epoch the descent figure shows (its "epoch k" line as drawn on screen), every animation frame.
RECORD_EPOCHS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  window.__nlShown = [];
  const look = () => {
    const m = [...gd.querySelectorAll('g.annotation text.annotation-text')]
      .map(t => /^epoch (\\d+)/.exec(t.textContent || '')).find(Boolean);
    const shown = window.__nlShown;
    if (m && shown[shown.length - 1] !== Number(m[1])) shown.push(Number(m[1]));
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}"""


def test_play_under_reduced_motion_changes_the_picture_in_steps(device, app_url):
    """prefers-reduced-motion: Play shows every PLAY_FPS-th epoch (a change a second) instead of every one."""
    page = device({**PROFILES["tablet"], "reduced_motion": "reduce"})
    open_page(page, app_url, "/Gradient_descent")
    page.evaluate(RECORD_EPOCHS)
    page.get_by_role("button", name=re.compile(r"^Play")).tap()
    page.wait_for_function("() => window.__nlShown.filter(e => e > 0).length >= 3", timeout=60_000)
    page.get_by_role("button", name=re.compile(r"^Pause")).tap()
    settle(page, min_charts=1)
    shown = [e for e in page.evaluate("() => window.__nlShown") if e > 0]  # (epoch 0: the figure before)
    # frames 1, 1 + PLAY_FPS, 1 + 2·PLAY_FPS (frame i shows epoch stride × i), a second's worth apart; the first
    # chunk's last frame is never skipped when the next chunk has not come yet (it is asked for at once and
    # usually has: then the third change is frame 1 + 2·PLAY_FPS of the frames that follow on)
    stride = Settings().stride
    assert shown[:2] == [stride, stride * (1 + PLAY_FPS)], shown
    assert shown[2] in (stride * min(1 + 2 * PLAY_FPS, PLAY_CHUNK), stride * (1 + 2 * PLAY_FPS)), shown
    assert_no_app_error(page)


def test_a_zoom_does_not_outlast_a_step(device, app_url):
    """With a mouse a drag still zooms; the next Step shows the figure's own ranges again."""
    page = device(DESKTOP)
    open_page(page, app_url, "/Gradient_descent")
    ranges = "() => { const fl = document.querySelector('.js-plotly-plot')._fullLayout; return [fl.xaxis.range, fl.yaxis.range]; }"
    own = page.evaluate(ranges)
    page.evaluate("() => document.querySelector('.js-plotly-plot').scrollIntoView({block: 'center'})")
    box = page.evaluate("""() => {
      const gd = document.querySelector('.js-plotly-plot'), r = gd.getBoundingClientRect(), fl = gd._fullLayout;
      return {left: r.left + fl.xaxis._offset, top: r.top + fl.yaxis._offset, w: fl.xaxis._length, h: fl.yaxis._length};
    }""")
    page.mouse.move(box["left"] + box["w"] * 0.3, box["top"] + box["h"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["left"] + box["w"] * 0.6, box["top"] + box["h"] * 0.6, steps=8)
    page.mouse.up()
    page.wait_for_function(f"(own) => JSON.stringify(({ranges})()) !== JSON.stringify(own)", arg=own, timeout=60_000)
    page.get_by_role("button", name="Step one epoch").click()
    wait_epoch_metric(page, 1)
    settle(page, min_charts=1)
    after = page.evaluate(ranges)
    assert after == own
    assert_no_app_error(page)


def test_no_request_leaves_the_app(device, app_url):
    """Every page, on a phone: the favicon, fonts, scripts, the websocket, all from the app's host."""
    page = device(PROFILES["phone"])
    host = urlsplit(app_url).netloc
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.on("websocket", lambda ws: seen.append(ws.url))
    for path in PAGES:
        open_page(page, app_url, path)
        icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
        assert icons and all(urlsplit(i).netloc == host for i in icons), icons
    settle(page, min_charts=1, quiet=1000)
    # blob: and data: URLs are the page's own memory (a blob: URL names the page's origin)
    elsewhere = sorted({u for u in seen if not u.startswith("data:")
                        and urlsplit(u.removeprefix("blob:")).netloc != host})
    assert not elsewhere, elsewhere
    assert any(urlsplit(u).path.endswith("plotly-cartesian.min.js") for u in seen)


# Worked lines wider than their column (each would have to be scrolled sideways to be read), with their LaTeX.
WIDE_FORMULAS = """() => [...document.querySelectorAll('.katex-display')]
  .filter(d => d.scrollWidth > d.clientWidth + 1)
  .map(d => `formula ${d.scrollWidth} px wide in ${d.clientWidth} px: ` + (d.querySelector('annotation') || {}).textContent)"""


@pytest.mark.parametrize("profile", PROFILES)
def test_every_page_at_phone_and_tablet_size(device, app_url, artifacts, profile):
    """No text of a chart covers other text or the toolbar, nothing is cut off, every worked line fits
    its column; the sidebar starts collapsed; a screenshot of each page for a person to look at (artifacts/screens/)."""
    page = device(PROFILES[profile])
    screens = artifacts / "screens"
    screens.mkdir(exist_ok=True)
    problems = {}
    for path, name in PAGES.items():
        open_page(page, app_url, path)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"]')?.getAttribute('data-collapsed') === 'true'",
            timeout=60_000)
        settle(page, min_charts=1)
        assert_no_app_error(page)
        if found := page.evaluate(TEXT_PROBLEMS):
            problems[path] = found
        if wide := page.evaluate(WIDE_FORMULAS):
            problems[path] = [*problems.get(path, []), *wide]
        screenshot(page, screens / f"{profile}-{name}.png")
    assert not problems, problems


def test_the_sidebar_stays_open_on_a_desktop(device, app_url):
    page = device(DESKTOP)
    open_page(page, app_url, "/")
    settle(page, min_charts=1, quiet=1000)
    assert page.evaluate("() => document.querySelector('[data-testid=\"stSidebar\"]').getAttribute('data-collapsed')") == "false"
