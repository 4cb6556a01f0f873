"""Helpers of the browser tests: waiting for Streamlit to settle, reading what the pages show."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_ERROR_TEXT = "This app has encountered an error"


def _pages() -> dict[str, str]:
    """URL path -> screenshot name, for the home page and every file in pages/ (new pages included)."""
    def order(f: Path):
        m = re.match(r"(\d+)_", f.name)
        return (int(m[1]) if m else 10**9, f.name)

    out = {"/": "home"}
    for f in sorted((ROOT / "pages").glob("*.py"), key=order):
        name = re.sub(r"^\d+_", "", f.stem)
        if f"/{name}" not in TEACHER_ONLY:
            out[f"/{name}"] = name.lower()
    return out


# pages a student's link does not open (the live class's page needs the teacher's key, and draws no chart
# without it): tests/browser/test_live_class_browser.py opens it as the teacher
TEACHER_ONLY = ("/Class",)
PAGES = _pages()

# True once the app has been connected, idle (no script run, no running indicator) and every
# chart drawn for `quiet` ms in a row: one idle poll between two reruns is not enough.
_SETTLED = """
([quiet, minCharts]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  const charts = [...document.querySelectorAll('.js-plotly-plot')];
  const idle = app
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !(status && status.offsetParent !== null && /running/i.test(status.innerText))
    && !document.querySelector('[data-stale="true"]')
    && charts.length >= minCharts
    // drawn, and by plotly.js itself (not only the chart's own quick drawing of a Step, which plotly.js
    // redraws whole once quiet: perceptron/web/redraw.js)
    && charts.every(c => c._fullLayout && !(c.parentElement.__nlChart && c.parentElement.__nlChart.behind));
  const now = performance.now();
  if (!idle) { window.__nlIdleSince = null; return false; }
  if (window.__nlIdleSince == null) window.__nlIdleSince = now;
  return now - window.__nlIdleSince >= quiet;
}
"""


def settle(page, min_charts: int = 0, quiet: int = 400, timeout: float = 60_000) -> None:
    """Wait until the app is idle and drawn (see ``_SETTLED``)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(_SETTLED, arg=[quiet, min_charts], timeout=timeout, polling=50)


def open_page(page, base: str, path: str, min_charts: int = 1) -> None:
    page.goto(base + path)
    settle(page, min_charts=min_charts)


def open_expanders(page) -> int:
    """Open every closed expander on the page, as a curious student would (their charts and formulas
    are drawn only then); how many were opened."""
    opened = 0
    while (closed := page.locator('[data-testid="stMain"] details:not([open]) > summary')).count():
        closed.first.scroll_into_view_if_needed()
        closed.first.click()
        opened += 1
        page.wait_for_timeout(100)
        assert opened < 40, "an expander does not stay open"
    settle(page)
    return opened


def assert_no_app_error(page) -> None:
    """No Streamlit exception box, no generic error text (showErrorDetails = "none"), no JS error."""
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"stException on {page.url}: {exceptions.first.inner_text()}"
    assert page.get_by_text(APP_ERROR_TEXT).count() == 0, f"app error on {page.url}: {page.inner_text('body')[:2000]}"
    errors = [e for e in getattr(page, "js_errors", []) if "ResizeObserver loop" not in e]
    assert not errors, f"JavaScript errors on {page.url}: {errors}"


def chart_count(page) -> int:
    return page.locator(".js-plotly-plot").count()


# --- tables (st.dataframe / st.data_editor draw on a canvas; glide-data-grid keeps an accessible table) ---

_GRID_ROWS = """
(headerCell) => {
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const rows = [...grid.querySelectorAll('tr')].map(tr => [...tr.querySelectorAll('th, td')]
      .map(c => c.textContent.trim()));
    if (rows.length && rows[0].includes(headerCell)) return rows;
  }
  return null;
}
"""


_GRID_READY = """
(headerCell) => {
  // glide-data-grid builds its accessible table only once the grid has been on screen
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const head = grid.querySelector('thead tr');
    if (head && [...head.children].some(c => c.textContent.trim() === headerCell)) return true;
    if (!grid.querySelector('table')) grid.scrollIntoView({block: 'center'});
  }
  return false;
}
"""


def grid_rows(page, header_cell: str, timeout: float = 60_000) -> list[list[str]] | None:
    """The rendered rows (header first) of the first table whose header has ``header_cell``."""
    page.wait_for_function(_GRID_READY, arg=header_cell, timeout=timeout, polling=100)
    return page.evaluate(_GRID_ROWS, header_cell)


def counts(page) -> dict[str, tuple[int, int, int]]:
    """The Dataset page's counts table: ``{"class 0": (train, test, total), "class 1": ..., "total": ...}``."""
    rows = grid_rows(page, "train")
    assert rows, f"no counts table on {page.url}"
    header = rows[0]
    cols = [header.index(c) for c in ("train", "test", "total")]
    out = {}
    for row in rows[1:]:
        if not row or not row[0]:
            continue
        key = "total" if row[0] == "total" else row[0].split(":")[0]
        out[key] = tuple(int(float(row[c])) for c in cols)
    return out


def wait_counts(page, expected: dict, timeout: float = 60_000) -> None:
    """Wait until the counts table shows ``expected`` (a subset of :func:`counts`)."""
    page.wait_for_function(
        """([expected]) => {
          for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
            const rows = [...grid.querySelectorAll('tr')].map(tr => [...tr.querySelectorAll('th, td')]
              .map(c => c.textContent.trim()));
            if (!rows.length || !rows[0].includes('train')) continue;
            const h = rows[0], got = {};
            for (const r of rows.slice(1)) {
              if (!r[0]) continue;
              const key = r[0] === 'total' ? 'total' : r[0].split(':')[0];
              got[key] = ['train', 'test', 'total'].map(c => Number(r[h.indexOf(c)]));
            }
            return Object.entries(expected).every(([k, v]) => got[k] && got[k].join() === v.join());
          }
          return false;
        }""",
        arg=[{k: list(v) for k, v in expected.items()}],
        timeout=timeout,
        polling=100,
    )
    settle(page, min_charts=1)


# --- the gradient-descent page ---

def epoch_metric(page) -> int | None:
    """The value of the "Epoch" metric, or None when it is not shown."""
    metric = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text("Epoch", exact=True))
    if metric.count() == 0:
        return None
    return int(metric.first.locator('[data-testid="stMetricValue"]').inner_text().strip())


# the notes as drawn on screen (the chart writes a Step's note into the SVG itself, before plotly.js redraws)
_FIGURE_EPOCH = """
() => {
  const gd = document.querySelector('.js-plotly-plot');
  const notes = gd ? [...gd.querySelectorAll('g.annotation text.annotation-text')] : [];
  for (const a of notes) {
    const m = /^epoch (\\d+)/.exec(a.textContent || '');
    if (m) return Number(m[1]);
  }
  return null;
}
"""


def figure_epoch(page) -> int | None:
    """The epoch the descent figure itself says it shows (its title line "epoch k · cost ...")."""
    return page.evaluate(_FIGURE_EPOCH)


def wait_epoch_metric(page, value: int, timeout: float = 60_000) -> None:
    page.wait_for_function(
        """(v) => [...document.querySelectorAll('[data-testid="stMetric"]')].some(m =>
             m.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim() === 'Epoch'
             && m.querySelector('[data-testid="stMetricValue"]')?.innerText.trim() === String(v))""",
        arg=value, timeout=timeout, polling=50,
    )


def descent_snapshot(page) -> dict:
    """What the descent figure shows right now: the heatmap's z and the cost curve."""
    return page.evaluate(
        """() => {
          const gd = document.querySelector('.js-plotly-plot');
          const drawn = gd.parentElement.__nlChart.drawn.data;  // what the chart drew, itself or by plotly.js
          const heat = drawn.find(t => t.type === 'heatmap');
          const cost = drawn.find(t => t.name === 'train cost');
          return {z: heat ? heat.z : null, cost: cost ? cost.y : null};
        }"""
    )


def step(page, times: int = 1) -> int:
    """Press "Step one epoch" ``times`` times, each time waiting for the Epoch metric to move; returns it."""
    for _ in range(times):
        settle(page, min_charts=1)  # no rerun in flight (e.g. the one a navigation started) to race the click
        # the fragment may still be sending its elements: wait for the metric before reading it
        page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text("Epoch", exact=True)).first.wait_for(
            timeout=60_000)
        before = epoch_metric(page)
        page.get_by_role("button", name="Step one epoch").click()
        wait_epoch_metric(page, before + 1)
    settle(page, min_charts=1)
    return epoch_metric(page)


# --- navigation ---

def sidebar_link(page, label: str):
    """The app's own page link in the sidebar (st.page_link), by its label, e.g. "2 · Forward propagation"."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]').filter(
        has_text=re.compile(re.escape(label)))


TITLES = {"/": "Neuron Lab", "/Dataset": "Dataset", "/Forward_propagation": "Forward propagation",
          "/Backpropagation": "Backpropagation", "/Gradient_descent": "Gradient descent",
          "/Loss_landscape": "Loss landscape"}


def go_by_link(page, label: str, path: str, min_charts: int = 1) -> None:
    """Click the sidebar link and wait for the page at ``path`` (its own title) to be drawn."""
    sidebar_link(page, label).first.click()
    page.wait_for_url(re.compile(re.escape(path) + r"(\?|$)"))
    page.wait_for_function(
        """(title) => [...document.querySelectorAll('[data-testid="stMain"] h1')]
             .some(h => h.innerText.trim() === title)""", arg=TITLES[path])
    settle(page, min_charts=min_charts)


def data_summary(page) -> str:
    """The sidebar's caption about the data (its wording belongs to perceptron/ui.py)."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stCaptionContainer"]').last.inner_text()


# --- screenshots ---

def full_screenshot(page, path, max_height: int = 9000) -> None:
    """A screenshot of the whole page. Streamlit scrolls inside its own containers, so
    ``full_page=True`` alone stops at the viewport: grow the viewport to the content first."""
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]',
                               '[data-testid="stSidebarContent"]', 'body']
             .map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), max_height)})
    try:
        settle(page, min_charts=0, quiet=300)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)


LESSON_PATHS = {"home": "/", "dataset": "/Dataset", "forward": "/Forward_propagation",
                "backprop": "/Backpropagation", "descent": "/Gradient_descent", "landscape": "/Loss_landscape",
                "hidden": "/Hidden_layer"}


def walk_lesson(page) -> None:
    """Press Start on Home and walk the whole guided lesson as a student: each step on its page (following the
    lesson's own link where it names another page), live numbers in it, each question answered and revealed,
    no page hidden from it, no app error, Next to the end, where Next is disabled."""
    from perceptron.views.lesson import STEPS

    page.get_by_role("button", name=re.compile("Start the guided lesson")).click()
    settle(page)
    for k, step in enumerate(STEPS):
        panel = page.locator(".st-key-lesson_panel")
        title = panel.get_by_text(f"step {k + 1} of {len(STEPS)}: {step.title}")
        title.wait_for(timeout=60_000)
        go = panel.get_by_role("link", name=re.compile("Continue the lesson on"))
        if go.count():  # the step lives on another page: the lesson's own link goes there
            go.click()
            settle(page)
            title.wait_for(timeout=60_000)
        assert page.url.split("?")[0].rstrip("/").endswith(LESSON_PATHS[step.page].rstrip("/")), page.url
        assert not page.get_by_text("hides this page").count()
        body = panel.inner_text()
        assert re.search(r"\d", body) and "{" not in body, body  # live numbers, no template left
        if step.question:
            panel.get_by_role("radiogroup").locator("label").first.click()
            settle(page)
            panel.get_by_role("button", name="Reveal").click()
            panel.get_by_text(re.compile(r"^(Right\.|Not this time\.)")).wait_for(timeout=60_000)
        assert_no_app_error(page)
        if k < len(STEPS) - 1:
            panel.get_by_role("button", name="Next").click()
            settle(page)
    assert panel.get_by_role("button", name="Next").is_disabled()


# Words broken in their middle and text cut (an ellipsis, a clipping box narrower than its text), in the main
# area and an open sidebar: a list of what is wrong, empty when nothing is.
BROKEN = r"""() => {
  const out = [];
  const side = document.querySelector('[data-testid="stSidebar"]');
  const open = side && side.getAttribute('aria-expanded') !== 'false' && side.getAttribute('data-collapsed') !== 'true';
  const roots = [document.querySelector('[data-testid="stMain"]'), open ? side : null].filter(Boolean);
  // shown: laid out, not visually hidden (a live region's 1 px clip), not in code (an address, a command:
  // one long word, which may break anywhere), not a formula or a chart
  const shown = (el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('.katex, svg, [aria-hidden="true"], script, style, canvas, pre, code, .nl-live');
  // every word on one line: a word's rectangles (Range.getClientRects) on more than one line are a word
  // broken in its middle (a word ends at a space, a hyphen, a dash or a slash, where a line may break)
  for (const root of roots) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!el || !shown(el)) continue;
      const text = n.textContent, re = /[^\s\-\u2010-\u2014/]+/g;
      let m;
      while ((m = re.exec(text))) {
        const r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].filter((q) => q.width > 0.5).map((q) => Math.round(q.top)));
        if (lines.size > 1) out.push(`${JSON.stringify(m[0])} broken in <${el.tagName.toLowerCase()}> ${JSON.stringify(text.slice(0, 60))}`);
      }
    }
  }
  // no text cut: an element that clips its text (an ellipsis, overflow hidden) narrower than that text
  for (const el of roots.flatMap((r) => [...r.querySelectorAll('*')])) {
    if (!shown(el) || el.closest('.katex-display, [data-testid="stDataFrame"], .js-plotly-plot, [data-testid="stCode"]')) continue;
    const cs = getComputedStyle(el);
    const clips = cs.textOverflow === 'ellipsis' || cs.overflowX === 'hidden' || cs.overflow === 'hidden';
    if (clips && el.scrollWidth > el.clientWidth + 1 && el.textContent.trim()
        && !el.querySelector('*:not(span):not(p):not(b):not(strong):not(em):not(code)')) {
      out.push(`cut: <${el.tagName.toLowerCase()}> ${JSON.stringify(el.textContent.trim().slice(0, 60))}, ${el.scrollWidth} px in ${el.clientWidth}`);
    }
  }
  return out;
}"""

# Chart text (plotly's SVG, hover labels aside) under ``least`` px: a list of what is smaller.
SMALL_CHART_TEXT = """(least) => {
  const out = [];
  document.querySelectorAll('.js-plotly-plot').forEach((gd, i) => gd.querySelectorAll('.main-svg text').forEach((t) => {
    if (!t.textContent.trim() || !t.getClientRects().length || t.closest('.hoverlayer')) return;
    const px = parseFloat(getComputedStyle(t).fontSize);
    if (px < least) out.push(`chart ${i}: ${px} px ${JSON.stringify(t.textContent.slice(0, 40))}`);
  }));
  return out;
}"""
