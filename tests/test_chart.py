"""The Plotly component of perceptron/web/chart.py: figure specs, its JavaScript module, AppTest rendering, and a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from apptest import payload

from perceptron.web import chart, plotlyjs
from servers import CHROMIUM_ARGS, require_chromium, streamlit_server

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------------
# figure_spec
# ---------------------------------------------------------------------------------------------
def _figure():
    fig = go.Figure()
    fig.add_scatter(x=np.linspace(0.0, 1.0, 4), y=np.array([1.0, np.nan, 2.0, 1 / 3]),
                    customdata=np.arange(4), mode="markers", name="points")
    fig.add_heatmap(z=np.arange(6, dtype=float).reshape(2, 3) / 7)
    fig.update_layout(title="t", xaxis_range=[np.float64(-1), np.float64(2)])
    return fig


def test_figure_spec_is_plain_json():
    spec = chart.figure_spec(_figure())
    text = json.dumps(spec, allow_nan=False)  # strict JSON: no NaN, no numpy, no bdata
    assert "bdata" not in text
    assert set(spec) == {"data", "layout"}


def test_figure_spec_converts_numpy_arrays():
    spec = chart.figure_spec(_figure())
    scatter, heat = spec["data"]
    assert scatter["x"] == [0.0, 0.333333, 0.666667, 1.0]
    assert scatter["y"] == [1.0, None, 2.0, 0.333333]  # NaN -> null (a gap), floats rounded
    assert scatter["customdata"] == [0, 1, 2, 3] and all(type(v) is int for v in scatter["customdata"])
    assert np.allclose(heat["z"], np.arange(6).reshape(2, 3) / 7, atol=1e-6)  # 2-D shape kept
    assert spec["layout"]["xaxis"]["range"] == [-1.0, 2.0]


def test_figure_spec_keeps_the_traces():
    fig = _figure()
    spec = chart.figure_spec(fig)
    assert [t["type"] for t in spec["data"]] == [t.type for t in fig.data]
    assert spec["data"][0]["name"] == "points" and spec["data"][0]["mode"] == "markers"
    assert spec["layout"]["title"]["text"] == "t"
    assert "template" in spec["layout"]  # the figure looks the same as with st.plotly_chart


def test_figure_spec_accepts_dicts_and_exact_floats():
    spec = chart.figure_spec({"data": [{"type": "scatter", "y": np.array([np.pi])}]}, digits=None)
    assert spec == {"data": [{"type": "scatter", "y": [np.pi]}], "layout": {}}


def test_chart_data_cleans_frames_and_sizes_the_layout():
    frames = [{"data": [{"y": np.array([1.0, 2.0])}], "layout": {"title": {"text": "a"}}},
              go.Frame(data=[go.Scatter(y=[3, 4])])]
    data = chart.chart_data(go.Figure(go.Scatter(y=[0, 1])), height=321, frames=frames, playing=True,
                            src="/app/static/plotly-cartesian.min.js")
    json.dumps(data, allow_nan=False)
    assert data["spec"]["layout"]["height"] == 321 and data["height"] == 321
    assert data["frames"][0] == {"data": [{"y": [1.0, 2.0]}], "layout": {"title": {"text": "a"}}}
    assert data["frames"][1]["data"][0]["y"] == [3, 4]
    assert data["playing"] and data["frames_sig"]
    assert chart.chart_data(go.Figure(), playing=True, src="x")["playing"] is False  # nothing to play


def test_large_type_and_the_address_bar_epoch_travel_with_the_chart():
    """Large type: the browser draws the figure's every text larger (chart_logic.largeText); ``link``: while
    frames play, the epoch of each, which the browser writes into the address bar (only with frames)."""
    fig = go.Figure(go.Scatter(y=[0, 1]))
    assert chart.chart_data(fig, src="x")["large"] is False
    assert chart.chart_data(fig, src="x", large=True)["large"] is True
    link = {"param": "epoch", "epochs": [np.int64(2), 4]}
    frames = [{"data": [{"y": [1, 0]}]}, {"data": [{"y": [0, 0]}]}]
    assert chart.chart_data(fig, src="x", frames=frames, playing=True, link=link)["link"] == {
        "param": "epoch", "epochs": [2, 4]}
    assert chart.chart_data(fig, src="x", link=link)["link"] is None  # nothing plays


def test_plotly_js_is_not_inlined_and_never_written_by_the_app():
    assert len(chart.JS) < 100_000 and "app/static" not in chart.JS  # plotly.js is 1.5 MB
    # the committed bundle is what the browser loads; the app has no code that copies or writes it
    assert plotlyjs.bundle_path() == ROOT / "static" / chart.STATIC_NAME and plotlyjs.bundle_path().is_file()
    source = (ROOT / "perceptron" / "web" / "chart.py").read_text()
    assert not any(w in source for w in ("copyfile", "os.replace", "write_bytes", "write_text", "mkdir"))


def test_nothing_in_the_chart_config_reaches_a_third_party():
    config = chart.chart_data(go.Figure(), src="x", config={"toImageButtonOptions": {"format": "svg"}})["config"]
    assert config["displaylogo"] is False and config["showLink"] is False
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert config["toImageButtonOptions"] == {"format": "svg"}


def test_a_drag_selects_only_while_the_page_asks_for_it():
    fig = go.Figure(layout={"dragmode": "select", "clickmode": "event+select"})
    assert "dragmode" not in chart.chart_data(fig, src="x")["spec"]["layout"]
    assert chart.chart_data(fig, src="x", select=True)["spec"]["layout"]["dragmode"] == "select"
    assert chart.chart_data(go.Figure(), src="x", select=True)["spec"]["layout"]["dragmode"] == "select"
    lasso = go.Figure(layout={"dragmode": "lasso"})
    assert chart.chart_data(lasso, src="x", select=True)["spec"]["layout"]["dragmode"] == "lasso"
    pan = go.Figure(layout={"dragmode": "pan"})
    assert chart.chart_data(pan, src="x")["spec"]["layout"]["dragmode"] == "pan"  # chart_logic.js decides on touch
    # turning selection on or off changes the figure, so the browser draws it again
    assert chart.chart_data(fig, src="x")["spec"] != chart.chart_data(fig, src="x", select=True)["spec"]


def test_the_favicon_is_local_and_no_page_icon_is_a_material_icon():
    from perceptron.web import frame

    assert frame.ICON.is_file() and frame.ICON.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert frame.ICON.parent == ROOT / "static"
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("perceptron/**/*.py")]:
        text = path.read_text()
        assert not re.search(r"page_icon\s*=\s*[\"']:material", text), path


# ---------------------------------------------------------------------------------------------
# The component's JavaScript: perceptron/web/*.js joined into static/neuron-lab-chart.js (tests/js/ tests
# the logic), imported by loader.js, the only JavaScript the component sends with each rerun
# ---------------------------------------------------------------------------------------------
def test_the_bundle_is_the_js_files_joined():
    """forward.js, chart_logic.js, redraw.js and chart.js in that order, each without its imports of the ones before."""
    web = ROOT / "perceptron" / "web"
    joined, at = chart.bundle(), -1
    for name in chart.MODULES:
        source = (web / name).read_text()
        body = re.sub(r'^import\s*\{[^}]*\}\s*from\s*"\./[a-z_]+\.js";[ \t]*\n', "", source, flags=re.MULTILINE)
        assert body in joined and joined.index(body) > at
        at = joined.index(body)
    assert 'from "./chart_logic.js"' in (web / "chart.js").read_text()
    assert 'from "./forward.js"' in (web / "chart_logic.js").read_text()
    assert not re.search(r"^\s*import\b", joined, re.MULTILINE)


def test_the_committed_bundle_is_the_current_one():
    """static/neuron-lab-chart.js is what the JavaScript files make now: after editing them, run
    ``python -m perceptron.web.chart`` and commit the bundle (the URL carries its hash)."""
    assert chart.bundle_path().read_text(encoding="utf-8") == chart.bundle(), "run: python -m perceptron.web.bundle"
    assert chart.chart_data({"data": [], "layout": {}}, src="x")["module"].endswith(
        f"/app/static/neuron-lab-chart.js?v={chart.BUNDLE_VERSION}")


def test_the_bundle_is_one_module_that_loads(tmp_path):
    """The joined module parses (no name declared twice) and has the default export the loader calls."""
    check = "const m = await import(process.argv[1]); console.log(JSON.stringify([typeof m.default, typeof m.figureWith]));"
    done = subprocess.run(["node", "--input-type=module", "-e", check, chart.bundle_path().as_uri()],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["function", "function"]


def test_the_component_sends_only_the_loader():
    """What st.components.v2 sends with every rerun is the loader, a few hundred bytes, not the chart's code."""
    assert chart.JS == (ROOT / "perceptron" / "web" / "loader.js").read_text(encoding="utf-8")
    assert len(chart.JS.encode()) < 2_000 and "export default function" in chart.JS


# ---------------------------------------------------------------------------------------------
# AppTest
# ---------------------------------------------------------------------------------------------
APP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import json
import plotly.graph_objects as go
import streamlit as st
from perceptron.web.chart import plotly_chart

fig = go.Figure(go.Scatter(x=[0, 1, 2], y=[3.5, 4, 5], customdata=[7, 8, 9], mode="markers"))
event = plotly_chart(fig, key="demo", height=300, click=True,
                     renderer=st.session_state.get("renderer", "component"))
st.text("EVENT " + json.dumps(event))
"""


def test_apptest_renders_the_component(tmp_path):
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "app.py"
    script.write_text(APP)
    at = AppTest.from_file(str(script), default_timeout=120).run()
    assert not at.exception
    (element,) = at.get("bidi_component")
    assert element.proto.component_name == chart.COMPONENT_NAME
    data = payload(element.proto)
    assert data["spec"]["data"][0]["x"] == [0, 1, 2]
    assert data["spec"]["data"][0]["y"] == [3.5, 4, 5]
    assert data["spec"]["data"][0]["customdata"] == [7, 8, 9]
    assert data["click"] is True and data["height"] == 300
    assert data["src"].startswith("/app/static/plotly-cartesian.min.js")
    assert at.text[0].value == "EVENT null"
    assert not (tmp_path / "static").exists()  # the app never writes plotly.js: it is committed in static/

    at.session_state["renderer"] = "plotly"
    at.run()
    assert not at.exception
    assert not at.get("bidi_component") and len(at.get("plotly_chart")) == 1


def test_unknown_renderer_is_an_error():
    with pytest.raises(ValueError):
        chart.plotly_chart(go.Figure(), key="x", renderer="svg")


# ---------------------------------------------------------------------------------------------
# A real browser
# ---------------------------------------------------------------------------------------------
BROWSER_APP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import json
import streamlit as st
from plotly.subplots import make_subplots
from perceptron.web.chart import plotly_chart

fig = make_subplots(rows=1, cols=2)
fig.add_scatter(x=[0, 5, 10], y=[0, 5, 10], customdata=[10, 11, 12], mode="markers",
                marker=dict(size=16), row=1, col=1)
fig.add_scatter(x=[0, 1], y=[0, 100], mode="markers", row=1, col=2)
fig.update_xaxes(range=[0, 10], row=1, col=1)
fig.update_yaxes(range=[0, 10], row=1, col=1)
fig.update_xaxes(range=[0, 1], row=1, col=2)
fig.update_yaxes(range=[0, 100], row=1, col=2)
fig.update_layout(showlegend=False, margin=dict(l=40, r=20, t=40, b=40),
                  title="clicks " + str(st.session_state.get("events", 0)))
event = plotly_chart(fig, key="demo", height=420, click=True)
if event:
    st.session_state["events"] = st.session_state.get("events", 0) + 1
st.text("EVENT " + json.dumps(event))
st.text("COUNT " + str(st.session_state.get("events", 0)))

# A second chart plays five frames in the browser once, then reports where it stopped.
anim = make_subplots()
anim.add_scatter(x=[0, 1], y=[0, 0])
frames = [{{"data": [{{"y": [0, k]}}]}} for k in range(5)]
frame = plotly_chart(anim, key="anim", height=200, frames=frames, fps=20,
                     playing=not st.session_state.get("played"))
if frame and frame["event"] == "frame":
    st.session_state["played"] = frame
st.text("FRAME " + json.dumps(st.session_state.get("played")))
"""

@pytest.mark.browser
def test_browser_click_reports_data_coordinates(tmp_path):
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    (tmp_path / "app.py").write_text(BROWSER_APP)
    # the app dir's static/ (app/static/): the committed bundle, put there by the test, never by the app
    (tmp_path / "static").mkdir()
    shutil.copyfile(plotlyjs.bundle_path(), tmp_path / "static" / plotlyjs.STATIC_NAME)
    shutil.copyfile(chart.bundle_path(), tmp_path / "static" / chart.BUNDLE_NAME)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text(textwrap.dedent("""
        [server]
        enableStaticServing = true
        headless = true
        [browser]
        gatherUsageStats = false
    """))
    with streamlit_server(tmp_path / "server.log", cwd=tmp_path) as base:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1100, "height": 1400})
                page.goto(f"{base}/")
                page.wait_for_selector(".js-plotly-plot, [data-testid=stException]", timeout=60_000)
                assert not page.query_selector("[data-testid=stException]"), page.inner_text("body")
                page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout", timeout=60_000)

                # The animation ran in the browser and stopped at its last frame.
                page.get_by_text(re.compile(r"^FRAME \{")).wait_for(timeout=60_000)
                played = json.loads(page.get_by_text(re.compile(r"^FRAME ")).inner_text().removeprefix("FRAME "))
                assert played["index"] == 4 and played["end"] is True
                last_y = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[1].data[0].y")
                assert last_y == [0, 4]
                page.evaluate("() => { window.__chartDiv = document.querySelector('.js-plotly-plot'); }")

                def pixel(x, y, xaxis="xaxis", yaxis="yaxis"):
                    """Page pixel of data point (x, y), from plotly.js's own axis transforms."""
                    return page.evaluate(
                        """([x, y, xn, yn]) => {
                            const gd = document.querySelector('.js-plotly-plot');
                            const r = gd.getBoundingClientRect();
                            const xa = gd._fullLayout[xn], ya = gd._fullLayout[yn];
                            return [r.left + xa._offset + xa.l2p(x), r.top + ya._offset + ya.l2p(y)];
                        }""", [x, y, xaxis, yaxis])

                def click(x, y, count, **axes):
                    page.mouse.click(*pixel(x, y, **axes))
                    page.wait_for_function(
                        "n => [...document.querySelectorAll('[data-testid=stText]')]"
                        ".some(e => e.innerText.trim() === 'COUNT ' + n)", arg=count, timeout=60_000)
                    text = page.get_by_text(re.compile(r"^EVENT ")).inner_text()
                    return json.loads(text.removeprefix("EVENT "))

                # Empty space in the first subplot.
                event = click(2.5, 7.5, 1)
                assert event["event"] == "click" and event["subplot"] == "xy"
                assert event["x"] == pytest.approx(2.5, abs=0.05)
                assert event["y"] == pytest.approx(7.5, abs=0.05)
                assert "point" not in event

                # On a point: the point's index and customdata come along. A redraw from the click's rerun
                # that lands after the pointer arrived clears the hover without a new pointer event (CI, 1 of
                # 1,297), so the pointer comes again from aside, as a hand would, until plotly.js hovers.
                for attempt in range(6):
                    px, py = pixel(5, 5)
                    page.mouse.move(px - 30, py + 30)
                    page.mouse.move(px, py, steps=3)
                    try:
                        page.wait_for_function(
                            "() => (document.querySelector('.js-plotly-plot')._hoverdata || []).length > 0",
                            timeout=10_000)
                        break
                    except Exception:
                        if attempt == 5:
                            raise
                event = click(5, 5, 2)
                assert event["x"] == pytest.approx(5, abs=0.05) and event["y"] == pytest.approx(5, abs=0.05)
                assert event["point"]["index"] == 1 and event["point"]["customdata"] == 11

                # The second subplot answers in its own axes.
                event = click(0.25, 40, 3, xaxis="xaxis2", yaxis="yaxis2")
                assert event["subplot"] == "x2y2"
                assert event["x"] == pytest.approx(0.25, abs=0.01)
                assert event["y"] == pytest.approx(40, abs=0.5)

                # Reruns with a changed figure (its title) updated the same plot div: no remount.
                page.wait_for_function(
                    "() => document.querySelector('.js-plotly-plot')._fullLayout.title.text === 'clicks 2'",
                    timeout=60_000)
                assert page.evaluate("() => window.__chartDiv === document.querySelector('.js-plotly-plot')")
                assert page.evaluate("() => document.querySelectorAll('.js-plotly-plot').length") == 2
                # Two charts, one plotly.js download.
                assert page.evaluate("() => [...document.scripts].filter(s => s.src.includes('plotly-cartesian.min.js')).length") == 1
            finally:
                browser.close()
