"""Teacher links: hidden pages say so and stop, hidden controls are not drawn and keep the link's value."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import streamlit.config
from streamlit.testing.v1 import AppTest

from perceptron.web import chart

streamlit.config.set_option("client.showErrorDetails", "full")
ROOT = Path(__file__).resolve().parents[1]


def opened(query: dict, page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_hidden_page_says_so_and_shows_nothing_else():
    at = opened({"hide": "backprop,lr"}, "pages/3_Backpropagation.py")
    assert any("hides this page" in i.value for i in at.info)
    charts = [c for c in at.get("bidi_component") if c.proto.component_name.endswith(chart.COMPONENT_NAME)]
    assert not at.latex and not charts


def test_only_the_allowed_control_is_drawn_and_locked_values_hold():
    hide = "points,n,noise,seed,test_fraction,standardize,maps,loss,mode,batch_size,init,init_seed,max_epochs"
    at = opened({"hide": hide, "lr": "3.0", "loss": "bce"}, "pages/4_Gradient_descent.py")
    keys = {w.key for w in at.number_input} | {w.key for w in at.radio} | {w.key for w in at.selectbox}
    assert "setting_lr" in keys
    assert not keys & {"setting_loss", "setting_mode", "setting_init"}
    lab = at.session_state["lab"]
    assert lab.settings.loss == "bce" and lab.settings.lr == 3.0
    at.number_input(key="setting_lr").set_value(0.25).run()
    assert at.session_state["lab"].settings.lr == 0.25 and at.session_state["lab"].settings.loss == "bce"


def test_the_teacher_panel_builds_a_link_with_the_hidden_parts():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.multiselect(key="teacher_pages").set_value(["descent"])
    at.multiselect(key="teacher_controls").set_value(["lr"]).run()
    link = [c.value for c in at.code if "hide=" in c.value][0]
    hidden = parse_qs(urlsplit(link).query)["hide"][0].split(",")
    assert {"dataset", "forward", "backprop", "landscape", "hidden", "loss", "mode"} <= set(hidden)
    assert "lr" not in hidden and "descent" not in hidden


def test_a_teacher_link_locks_the_hidden_layer_pages_controls_too():
    """The network's settings go through the same controls as the neuron's: a hidden one is not drawn
    and keeps the link's value, the others still work."""
    at = opened({"hide": "h,hlr,hdata", "h": "5", "hlr": "0.5"}, "pages/6_Hidden_layer.py")
    keys = {w.key for w in at.slider} | {w.key for w in at.number_input} | {w.key for w in at.selectbox}
    assert not keys & {"setting_h", "setting_hlr", "setting_hdata"}
    assert {"setting_hseed", "setting_hmode"} <= keys
    net = at.session_state["netlab"]
    assert (net.h, net.settings.hlr, net.settings.hdata) == (5, 0.5, "xor")
    at.number_input(key="setting_hseed").set_value(3).run()
    assert not at.exception, [e.value for e in at.exception]
    net = at.session_state["netlab"]
    assert net.settings.hseed == 3 and (net.h, net.settings.hlr) == (5, 0.5)
