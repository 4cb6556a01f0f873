"""chart.preload(): the page's first element starts loading the chart's module and plotly.js (issue 21's fresh
visit). It is the chart component with only the two URLs the charts load, outside the page's layout (where a
style-only st.html goes: no room taken, no gap above the title), and a chart drawn later is unaffected."""

from __future__ import annotations

from pathlib import Path

from apptest import payload
from streamlit.testing.v1 import AppTest

from perceptron.web import chart

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from perceptron.web import chart
chart.preload()
st.title("A page")
chart.plotly_chart({{"data": [{{"x": [1, 2], "y": [3, 4]}}], "layout": {{}}}}, key="fig")
"""


def test_preload_is_the_chart_component_with_the_urls_the_charts_load_outside_the_layout():
    at = AppTest.from_string(SCRIPT).run()
    assert not at.exception, [e.value for e in at.exception]
    found = {c.proto.id.rsplit("-", 1)[-1]: c for c in at.get("bidi_component")}
    assert set(found) == {chart.PRELOAD_KEY, "fig"}
    preload, fig = (payload(found[k].proto) for k in (chart.PRELOAD_KEY, "fig"))
    assert preload == {"preload": True, "module": fig["module"], "src": fig["src"]}
    assert found[chart.PRELOAD_KEY].proto.component_name == found["fig"].proto.component_name
    main = [c.proto.id.rsplit("-", 1)[-1] for c in at.main.get("bidi_component")]
    assert main == ["fig"], "the preload is not in the page's layout"
    assert fig["spec"]["data"][0]["y"] == [3, 4]
