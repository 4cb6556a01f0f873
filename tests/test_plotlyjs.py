"""The vendored plotly.js cartesian bundle (perceptron/plotlyjs.py): the right file, the plotly.js
version the plotly package bundles, and every trace type the pages draw is in it."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit
from apptest import payload
from plotly.offline import get_plotlyjs_version
from streamlit.testing.v1 import AppTest

from perceptron.web import chart, plotlyjs

streamlit.config.set_option("client.showErrorDetails", "full")
ROOT = Path(__file__).resolve().parents[1]
PAGES = ["app.py"] + sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
PAGES.remove("pages/7_Class.py")  # the teacher's, chartless without the key: tests/test_live_class.py checks it


def test_the_vendored_bundle_is_the_named_file():
    path = plotlyjs.bundle_path()
    assert path.is_file() and path.name == plotlyjs.STATIC_NAME
    assert plotlyjs.sha256(path) == plotlyjs.SHA256
    head = path.read_text(encoding="utf-8", errors="replace")[:200]
    assert "plotly.js (cartesian - minified)" in head and f"v{plotlyjs.VERSION}" in head
    assert (path.parent / "LICENSE-plotly.js.txt").is_file()


def test_the_bundle_is_the_plotly_js_release_that_the_plotly_package_bundles():
    # figures are built by plotly.py for its own plotly.js; a plotly upgrade must bring a new bundle
    assert plotlyjs.VERSION == get_plotlyjs_version()


def test_trace_types_reads_specs_frames_and_defaults():
    assert plotlyjs.trace_types({"data": [{"x": [1]}, {"type": "heatmap"}]}) == {"scatter", "heatmap"}
    chart = {"spec": {"data": [{"type": "contour"}]}, "frames": [{"data": [{"type": "bar"}, {"x": [2]}]}],
             "preview": {"frame": {"data": [{"type": "pie"}]}}}
    assert plotlyjs.trace_types(chart) == {"contour", "bar", "pie"}


def _charts(at: AppTest) -> list[dict]:
    """The chart components' data (not the page's focus and live-region component)."""
    return [payload(c.proto) for c in at.get("bidi_component")
            if c.proto.component_name.endswith(chart.COMPONENT_NAME)]


def _open(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if page != "app.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _string_titles(obj, path="") -> list[str]:
    """Where a ``title`` is a bare string: plotly.js 3 and later draw only ``title.text``."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "title" and isinstance(v, str):
                found.append(f"{path}.title = {v!r}")
            elif k != "template":
                found += _string_titles(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found += _string_titles(v, f"{path}[{i}]")
    return found


def _assert_drawable(at: AppTest, where: str) -> int:
    charts = _charts(at)
    for data in charts:
        used = plotlyjs.trace_types(data)
        assert used <= plotlyjs.TRACE_TYPES, f"{where}: {sorted(used - plotlyjs.TRACE_TYPES)} not in the cartesian bundle"
        assert not _string_titles(data), f"{where}: titles plotly.js would not draw: {_string_titles(data)}"
    return len(charts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_draws_only_trace_types_of_the_cartesian_bundle(page):
    at = _open(page)
    assert _assert_drawable(at, page) >= 1  # every page has a chart
    buttons = {b.key for b in at.button}
    for key in ("step10", "net_step10", "play", "net_play"):  # trained states and playback frames
        if key in buttons:
            at.button(key=key).click().run()
            assert not at.exception, [e.value for e in at.exception]
            _assert_drawable(at, f"{page} after {key}")


@pytest.mark.browser
def test_in_chromium_the_bundle_registers_exactly_the_named_trace_types():
    from playwright.sync_api import sync_playwright

    from servers import CHROMIUM_ARGS, require_chromium

    chromium = require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.add_script_tag(path=str(plotlyjs.bundle_path()))
            version, types = page.evaluate("() => [Plotly.version, Object.keys(Plotly.PlotSchema.get().traces)]")
        finally:
            browser.close()
    assert version == plotlyjs.VERSION
    assert set(types) == plotlyjs.TRACE_TYPES
