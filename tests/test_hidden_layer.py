"""The hidden-layer page and its package: NetLab, the figures, and the chain rule written out.

Every expected number comes from the engine (perceptron.engine.network) and the dataset
generators, run here independently of the page: a figure that was not repainted,
a LaTeX line with stale numbers or a thumbnail missing for a unit fails a test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import streamlit.config
from apptest import last_number, metric, numbers, ok, payload, payload_text
from streamlit.testing.v1 import AppTest

from chart_js import drawn, figure_with
from perceptron.data.datasets import fit_features, make_dataset
from perceptron.engine import network as net
from perceptron.session.lab import Lab
from perceptron.session.netlab import NetLab
from perceptron.session.settings import MAX_EPOCHS, MAX_HIDDEN, NetSettings, Settings
from perceptron.views import netscenes as S
from perceptron.views.latex import GO_ON
from perceptron.web import chart as component

# .streamlit/config.toml redacts exception messages; the tests need to read them.
streamlit.config.set_option("client.showErrorDetails", "full")

ROOT = Path(__file__).resolve().parents[1]
HOME = "app.py"
HIDDEN = "pages/6_Hidden_layer.py"


# --- helpers --------------------------------------------------------------------------------------


def open_page(*, first: bool = True, lab: Lab | None = None, query: dict | None = None) -> AppTest:
    """A fresh session on the hidden-layer page (its first run, or after the home page), optionally
    opened from a link's query parameters."""
    at = AppTest.from_file(str(ROOT / HOME), default_timeout=120)
    if lab is not None:
        at.session_state["lab"] = lab
    if query:
        at.query_params.update(query)
    if not first:
        ok(at.run())
    at.switch_page(HIDDEN)
    return ok(at.run())


def click(at: AppTest, key: str) -> AppTest:
    return ok(at.button(key=key).click().run())


def chart(at: AppTest, key: str = "hidden") -> dict:
    """What the chart component ``key`` received (``spec`` is the figure)."""
    found = [c for c in at.get("bidi_component") if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, [c.proto.id for c in at.get("bidi_component")]
    return drawn(payload(found[0].proto))


def heatmaps(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t["type"] == "heatmap"]


def assert_finite(at: AppTest) -> None:
    for c in at.get("bidi_component"):
        bad = []
        data = json.loads(payload_text(c.proto), parse_constant=bad.append)
        assert not bad, (c.proto.id, bad[:3])
        assert all(math.isfinite(v) for v in numbers(data)), c.proto.id


def latex_lines(at: AppTest) -> list[str]:
    """The page's LaTeX lines, one element each, back on one row each."""
    return [unstacked(e.value.strip().removeprefix("$$").removesuffix("$$").strip()) for e in at.latex]


def unstacked(line: str) -> str:
    """A line written one relation a row (latex.stacked) back on one row: the arithmetic is the same."""
    if not line.startswith(r"\begin{aligned}"):
        return line
    flat = line.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").replace(GO_ON.strip(), " ").replace("&", "").replace(r"\\", " ")
    return " ".join(flat.split())


def number_before(line: str, marker: str) -> float:
    """The number written just before ``marker`` (e.g. the z of a line that goes on with a)."""
    return last_number(line[: line.index(marker)].rstrip(" ,"))


def xor_run(epochs: int, h: int = 3, lr: float = 2.0, loss: str = "bce", seed: int = 0):
    """The page's default experiment, trained by the engine directly: (X_train, y_train, history)."""
    data = make_dataset("xor", n=100, noise=0.1, seed=0, test_fraction=0.2)
    X, y = data.train_X, data.train_y.astype(float)
    H = net.train(X, y, net.init_params(2, h, seed), lr=lr, epochs=epochs, loss=loss,
                  X_test=data.test_X, y_test=data.test_y)
    return X, y, H


def grid_of(heatmap: dict) -> np.ndarray:
    """The points of a heatmap's uniform grid (``x0``, ``dx``, ``y0``, ``dy``), row by row as ``z``."""
    rows, cols = len(heatmap["z"]), len(heatmap["z"][0])
    gx, gy = np.meshgrid(heatmap["x0"] + heatmap["dx"] * np.arange(cols), heatmap["y0"] + heatmap["dy"] * np.arange(rows))
    return np.column_stack([gx.ravel(), gy.ravel()])


def assert_plane_shows(spec: dict, p: net.Params) -> None:
    """Heatmap 0 is the output's ŷ over its own grid; heatmap 1 + j is hidden unit j's σ."""
    maps = heatmaps(spec)
    G = grid_of(maps[0])
    np.testing.assert_allclose(np.array(maps[0]["z"], dtype=float).ravel(), net.forward(G, p).y_hat, atol=0.006)
    for j in range(p.h):
        A = net.hidden_grid(grid_of(maps[1 + j]), p)
        np.testing.assert_allclose(np.array(maps[1 + j]["z"], dtype=float).ravel(), A[j], atol=0.006)


# --- the page in a session --------------------------------------------------------------------------


@pytest.mark.parametrize("first", [True, False], ids=["opened-first", "after-home"])
def test_page_runs_in_a_fresh_session(first):
    at = open_page(first=first)
    assert at.title[0].value == "Hidden layer"
    assert isinstance(at.session_state["netlab"], NetLab)
    assert metric(at, "Epoch") == "0"
    assert "XOR" in at.markdown[0].value or any("XOR" in m.value for m in at.markdown)
    _, _, H = xor_run(0)
    assert_plane_shows(chart(at)["spec"], H.params(0))
    assert_finite(at)


def test_step_changes_the_epoch_and_the_figure_as_the_engine_does():
    at = open_page()
    before = chart(at)["spec"]
    click(at, "net_step1")
    assert metric(at, "Epoch") == "1"
    after = chart(at)["spec"]
    assert heatmaps(after)[0]["z"] != heatmaps(before)[0]["z"]
    assert after["data"][1]["x"] != before["data"][1]["x"]  # the boundary ŷ = 0.5 moved
    _, _, H = xor_run(1)
    assert_plane_shows(after, H.params(1))
    click(at, "net_step10")
    assert metric(at, "Epoch") == "11"
    _, _, H = xor_run(11)
    assert_plane_shows(chart(at)["spec"], H.params(11))
    assert float(metric(at, "Cost")) == pytest.approx(H.cost[11], rel=1e-4)
    cost = [t for t in chart(at)["spec"]["data"] if t.get("name") == "train cost"][0]
    np.testing.assert_allclose(cost["y"], H.cost, atol=0.5 * 10.0**-S.COST_DIGITS)
    click(at, "net_reset")
    assert metric(at, "Epoch") == "0"
    assert_finite(at)


def test_rewind_shows_an_earlier_epoch_and_the_next_step_continues_from_it():
    at = open_page()
    click(at, "net_step10")
    ok(at.slider(key="net_rewind_10").set_value(4).run())
    assert metric(at, "Epoch") == "4"
    _, _, H = xor_run(5)
    assert_plane_shows(chart(at)["spec"], H.params(4))
    click(at, "net_step1")
    assert metric(at, "Epoch") == "5"
    assert_plane_shows(chart(at)["spec"], H.params(5))
    assert at.session_state["netlab"].history.epochs == 5


@pytest.mark.parametrize("h", [1, 3, MAX_HIDDEN])
def test_one_thumbnail_per_hidden_unit(h):
    at = open_page()
    if h != 3:
        ok(at.slider(key="setting_h").set_value(h).run())
    spec = chart(at)["spec"]
    maps = heatmaps(spec)
    assert len(maps) == h + 1
    thumb_axes = {t["xaxis"] for t in maps[1:]}
    assert thumb_axes == {f"x{3 + j}" for j in range(h)}
    for j in range(h):
        assert f"xaxis{3 + j}" in spec["layout"] and f"yaxis{3 + j}" in spec["layout"]
    assert f"xaxis{3 + h}" not in spec["layout"]
    # the diagram has one link per weight: d·h into the hidden layer, h into the output
    assert len(chart(at, "hidden_net")["spec"]["layout"]["shapes"]) == 2 * h + h


def test_changing_h_rebuilds_the_network_from_its_seed():
    at = open_page()
    click(at, "net_step10")
    ok(at.slider(key="setting_h").set_value(5).run())
    lab = at.session_state["netlab"]
    assert lab.h == 5 and lab.epoch == 0 and lab.history.params().W1.shape == (2, 5)
    assert metric(at, "Epoch") == "0"
    _, _, H = xor_run(0, h=5)
    assert_plane_shows(chart(at)["spec"], H.params(0))
    click(at, "net_step1")
    _, _, H = xor_run(1, h=5)
    assert_plane_shows(chart(at)["spec"], H.params(1))


def test_the_latex_numbers_are_the_engines_chain_rule_for_the_chosen_sample():
    at = open_page()
    click(at, "net_step10")
    n = at.session_state["netlab"].n_train
    ok(at.number_input(key=f"net_sample_{n}").set_value(7).run())
    ok(at.selectbox(key="net_unit_3").set_value(2).run())
    ok(at.selectbox(key="net_feature_2").set_value(1).run())
    X, y, H = xor_run(10)
    p = H.params(10)
    L = net.chain_rule(X, y, p, "bce")
    s, i, j = 7, 1, 2
    lines = latex_lines(at)
    # forward, layer by layer
    for k in range(3):
        line = next(v for v in lines if v.startswith(rf"z^{{(1)}}_{k + 1}"))
        assert number_before(line, r"\quad") == pytest.approx(L.z1[s, k], rel=1e-3, abs=1e-4)
        assert last_number(line) == pytest.approx(L.a1[s, k], rel=1e-3, abs=1e-4)
    z2 = next(v for v in lines if v.startswith(r"z^{(2)}"))
    assert last_number(z2) == pytest.approx(L.z2[s], rel=1e-3, abs=1e-4)
    yhat = next(v for v in lines if v.startswith(r"\hat y_i = "))
    assert last_number(yhat) == pytest.approx(L.y_hat[s], rel=1e-3)
    # backward, for w2_j and W1_ij
    dyhat = next(v for v in lines if v.startswith(r"\frac{\partial C}{\partial \hat y_i}"))
    assert last_number(dyhat) == pytest.approx(L.dC_dyhat[s], rel=1e-3)
    dw2 = next(v for v in lines if v.startswith(r"\frac{\partial C}{\partial w^{(2)}_3}\Big|_i"))
    assert last_number(dw2) == pytest.approx(L.dC_dw2_i[s, j], rel=1e-3)
    dW1 = next(v for v in lines if v.startswith(r"\frac{\partial C}{\partial W^{(1)}_{23}}\Big|_i"))
    assert last_number(dW1) == pytest.approx(L.dC_dW1_i[s, i, j], rel=1e-3)
    # the product written in the line is the chain rule's: ∂C/∂ŷ · σ'(z2) · w2_j · σ'(z1_j) · x_i
    factors = [L.dC_dyhat[s], L.dyhat_dz2[s], p.w2[j], L.da1_dz1[s, j], X[s, i]]
    assert float(np.prod(factors)) == pytest.approx(L.dC_dW1_i[s, i, j], rel=1e-9)
    checks = [v for v in lines if v.startswith(r"\text{check: }")]
    assert len(checks) == 2
    assert number_before(checks[0], r"\quad (\text{chain rule") == pytest.approx(L.dC_dw2_i[s, j], rel=1e-3)
    assert number_before(checks[1], r"\quad (\text{chain rule") == pytest.approx(L.dC_dW1_i[s, i, j], rel=1e-3)
    total = next(v for v in lines if v.startswith(r"\text{all }"))
    assert last_number(total) == pytest.approx(L.dw2[j], rel=1e-3)
    total = next(v for v in lines if v.startswith(r"\frac{\partial C}{\partial W^{(1)}_{23}} = "))
    assert last_number(total) == pytest.approx(L.dW1[i, j], rel=1e-3)


def test_play_sends_frames_and_pause_stops_them():
    at = open_page()
    click(at, "net_play")
    data = chart(at)
    lab = at.session_state["netlab"]
    assert data["playing"] and len(data["frames"]) == len(at.session_state["net_playback"]["epochs"])
    assert lab.epoch == at.session_state["net_playback"]["epochs"][-1] > 0
    frame = data["frames"][-1]  # the epoch's weights (the browser draws the maps from them), its marker
    assert frame["traces"] == [S.FIXED - 1] and frame["data"][0]["x"] == [lab.epoch]
    assert frame["params"]["W1"] == lab.history.params(lab.epoch).W1.tolist()
    assert data["stop_on"] == ".st-key-net_play button"  # the browser stops at the click, before the rerun
    end = lab.epoch
    for _ in range(2):  # "Pause" until the browser reports its frame: never trains more, never plays again
        click(at, "net_play")
        assert chart(at)["playing"] is False and at.session_state["net_playback"]["paused"]
        assert at.session_state["netlab"].epoch == end
    click(at, "net_reset")
    assert at.session_state["net_playback"] is None and metric(at, "Epoch") == "0"


def test_the_other_datasets_and_settings():
    at = open_page()
    ok(at.selectbox(key="setting_hdata").set_value("circles").run())
    lab = at.session_state["netlab"]
    assert lab.settings.hdata == "circles" and lab.data.source == "circles"
    ok(at.selectbox(key="setting_hmode").set_value("minibatch").run())
    ok(at.number_input(key="setting_hbatch").set_value(8).run())
    ok(at.radio(key="setting_hloss").set_value("mse").run())
    click(at, "net_step1")
    data = make_dataset("circles", n=100, noise=0.1, seed=0, test_fraction=0.2)
    H = net.train(data.train_X, data.train_y, net.init_params(2, 3, 0), lr=2.0, epochs=1, loss="mse",
                  batch_size=8, seed=0)
    assert_plane_shows(chart(at)["spec"], H.params(1))
    assert_finite(at)


def test_yours_is_the_main_labs_dataset_and_pipeline():
    at = open_page()
    ok(at.selectbox(key="setting_hdata").set_value("yours").run())
    main, lab = at.session_state["lab"], at.session_state["netlab"]
    assert lab.data is main.dataset
    spec = chart(at)["spec"]
    shown = sum(len(t["x"]) for t in spec["data"] if t["name"].startswith("class") and t.get("xaxis", "x") == "x")
    assert shown == main.dataset.n
    click(at, "net_step1")
    assert_finite(at)


def test_an_empty_dataset_of_yours_says_so():
    empty = Lab.from_settings(Settings(dataset="custom"))
    at = open_page(lab=empty)
    ok(at.selectbox(key="setting_hdata").set_value("yours").run())
    assert any("no training points" in e.value for e in at.info)


# --- the link ----------------------------------------------------------------------------------------


def test_a_link_opens_the_network_with_its_h_settings_and_epoch():
    query = {"h": "5", "hlr": "1.5", "hloss": "mse", "hmode": "minibatch", "hbatch": "8", "hseed": "7",
             "hdata": "circles", "hstride": "5", "hepoch": "12", "lr": "0.3"}
    at = open_page(query=query)
    lab = at.session_state["netlab"]
    assert lab.settings.with_(hepoch=0) == \
        NetSettings(h=5, hlr=1.5, hloss="mse", hmode="minibatch", hbatch=8, hseed=7, hdata="circles", hstride=5)
    assert lab.epoch == 12 and metric(at, "Epoch") == "12" and at.session_state["link_problems"] == []
    assert at.session_state["lab"].settings.lr == 0.3  # the neuron's settings still come from the same link
    assert at.slider(key="setting_h").value == 5 and at.selectbox(key="setting_hdata").value == "circles"
    data = make_dataset("circles", n=100, noise=0.1, seed=0, test_fraction=0.2)
    H = net.train(data.train_X, data.train_y, net.init_params(2, 5, 7), lr=1.5, epochs=12, loss="mse",
                  batch_size=8, seed=7)
    assert_plane_shows(chart(at)["spec"], H.params(12))
    assert len(heatmaps(chart(at)["spec"])) == 5 + 1
    assert dict(at.query_params) == query  # the address bar reopens it


def test_the_address_bar_follows_a_step_and_reopens_the_same_network():
    at = open_page()
    assert not any(k.startswith("h") for k in at.query_params)  # the defaults add nothing to a link
    ok(at.slider(key="setting_h").set_value(4).run())
    ok(at.number_input(key="setting_hseed").set_value(2).run())
    click(at, "net_step10")
    click(at, "net_step1")
    link = dict(at.query_params)
    assert link == {"h": "4", "hseed": "2", "hepoch": "11"}
    again = open_page(query=link)
    a, b = at.session_state["netlab"], again.session_state["netlab"]
    assert b is not a and (b.h, b.settings.hseed, b.epoch) == (4, 2, 11)
    np.testing.assert_allclose(b.history.cost, a.history.cost, rtol=1e-12)
    assert metric(again, "Epoch") == "11" and again.session_state["link_problems"] == []


def test_a_bad_network_value_in_a_link_opens_the_default_and_says_why():
    at = open_page(query={"h": "99", "hepoch": "3", "hdata": "<script>"})
    lab = at.session_state["netlab"]
    assert lab.h == 3 and lab.settings.hdata == "xor" and lab.epoch == 3
    shown = [w.value for w in at.warning]
    assert any("Hidden layer" in w and "h must be between 1 and 8" in w for w in shown), shown
    assert any("hdata must be one of" in w for w in shown), shown


def test_a_network_link_on_your_points_trains_on_the_neurons_dataset():
    at = open_page(query={"dataset": "xor", "n": "200", "hdata": "yours", "hepoch": "2"})
    main, lab = at.session_state["lab"], at.session_state["netlab"]
    assert lab.data is main.dataset and main.dataset.n == 200 and lab.epoch == 2
    assert metric(at, "Epoch") == "2"


# --- NetLab ---------------------------------------------------------------------------------------


def test_netlab_step_by_step_is_one_long_run_and_rewind_drops_the_future():
    lab = NetLab(NetSettings(hmode="minibatch", hbatch=7, hseed=3))
    lab.step(4)
    lab.step(6)
    data = make_dataset("xor", n=100, noise=0.1, seed=0, test_fraction=0.2)
    H = net.train(data.train_X, data.train_y, net.init_params(2, 3, 3), lr=2.0, epochs=10, loss="bce",
                  batch_size=7, seed=3)
    np.testing.assert_allclose(lab.history.W1, H.W1, rtol=1e-12)
    lab.rewind(3)
    assert lab.params().vector() == pytest.approx(H.params(3).vector())
    lab.step(1)
    assert lab.history.epochs == 4


def test_netlab_preview_is_the_next_step_and_changes_nothing():
    lab = NetLab(NetSettings(hmode="sample", hseed=2))
    lab.step(5)
    lab.rewind(3)
    history, epoch = lab.history, lab.epoch
    ahead = lab.preview(1)
    assert lab.history is history and lab.epoch == epoch == 3 and history.epochs == 5
    assert lab.step(1) == 1
    assert ahead.epochs == lab.history.epochs == 4
    for a, b in zip(ahead._arrays(), lab.history._arrays(), strict=True):
        np.testing.assert_array_equal(a, b)
    lab.step(MAX_EPOCHS)
    assert lab.epoch == MAX_EPOCHS and lab.preview(1) is None  # a Step would not train: nothing is drawn ahead


def test_netlab_is_bounded_and_refuses_bad_settings():
    lab = NetLab(NetSettings(h=1))
    assert lab.step(MAX_EPOCHS + 50) <= MAX_EPOCHS
    assert lab.epoch <= MAX_EPOCHS and lab.step(1) == 0 and lab.notice
    for bad in (dict(h=0), dict(h=MAX_HIDDEN + 1), dict(hlr=float("nan")), dict(hmode="rosenblatt"),
                dict(hdata="iris"), dict(hloss="hinge")):
        with pytest.raises(ValueError):
            lab.update(**bad)


def test_netlab_play_chunk_lists_the_epochs_one_per_frame():
    lab = NetLab(NetSettings(hstride=5))
    assert lab.play_chunk(4) == [5, 10, 15, 20]
    lab = NetLab(NetSettings(hstride=2))
    lab.step(MAX_EPOCHS - 3)
    assert lab.play_chunk(4) == [MAX_EPOCHS - 1, MAX_EPOCHS]
    assert lab.play_chunk(4) == []


def test_netlab_adopts_the_main_labs_points_only_on_yours():
    main = Lab.from_settings(Settings(dataset="moons", maps=("x1^2",), standardize=True))
    lab = NetLab()
    lab.adopt(main.dataset, main.features)
    assert lab.data.source == "xor"
    lab.update(hdata="yours")
    assert lab.data is main.dataset and lab.d == 3
    lab.step(3)
    lab.adopt(main.dataset, main.features)  # unchanged: the run stays
    assert lab.epoch == 3
    main.update(maps=())
    lab.adopt(main.dataset, main.features)  # another pipeline: a new run on 2 inputs
    assert lab.epoch == 0 and lab.d == 2


# --- the scenes -----------------------------------------------------------------------------------


def _valid(fig) -> dict:
    spec = fig.to_dict()
    go.Figure(spec)  # plotly's own validation of every property
    assert all(math.isfinite(v) for v in numbers(spec["data"])), "NaN or infinity in a trace"
    assert all(math.isfinite(v) for v in numbers(spec["layout"])), "NaN or infinity in the layout"
    return spec


@pytest.mark.parametrize("h", range(1, MAX_HIDDEN + 1))
def test_the_figures_are_valid_for_every_h(h):
    lab = NetLab(NetSettings(h=h))
    lab.step(5)
    spec = _valid(S.figure(lab))
    assert len([t for t in spec["data"] if t["type"] == "heatmap"]) == h + 1
    diagram = _valid(S.diagram(lab))
    # what the page sends is already plain, finite JSON: the chart takes it as it is, no cleaning walk
    assert component._plain(S.figure_spec(lab)) and component._plain(S.diagram_spec(lab))
    assert component._plain(S.step_frame(lab)) and component._plain(S.frames(lab, [1, 2]))
    assert len(diagram["layout"]["shapes"]) == lab.d * h + h


@pytest.mark.parametrize("dataset", ["xor", "circles", "moons"])
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_frames_are_partial_updates_that_make_valid_figures(dataset, loss):
    lab = NetLab(NetSettings(hdata=dataset, hloss=loss, h=4))
    shown = lab.play_chunk(3)
    base = S.figure_spec(lab, 0)
    frames = S.frames(lab, shown)
    assert len(frames) == 3
    for k, frame in zip(shown, frames, strict=True):
        drawn = figure_with(base, frame)  # as the browser draws it, from the frame's weights
        _valid(go.Figure(data=drawn["data"], layout=drawn["layout"]))
        full = S.figure(lab, k).to_dict()  # the same figure computed whole in Python (rounded for the wire)
        for mine, theirs in zip(drawn["data"][:S.FIXED + 2 * lab.h], full["data"], strict=False):
            if theirs["type"] == "heatmap":
                np.testing.assert_allclose(np.array(mine["z"], dtype=float), np.array(theirs["z"], dtype=float), atol=0.006)
            else:
                for key in ("x", "y"):
                    np.testing.assert_allclose(np.array(mine[key], dtype=float), np.array(theirs[key], dtype=float),
                                               atol=2e-4)


def test_a_diverging_run_keeps_finite_figures():
    lab = NetLab(NetSettings(hlr=1000.0, hloss="mse"))
    lab.step(200)
    _valid(S.figure(lab))
    _valid(S.diagram(lab))
    for line in S.forward_lines(lab) + S.backward_lines(lab):
        assert "NaN" not in line


def test_the_lines_follow_the_chain_rule_with_feature_maps():
    data = make_dataset("circles", n=60, noise=0.1, seed=1, test_fraction=0.2)
    features = fit_features(data.train_X, maps=("x1^2", "x2^2", "x1*x2"), standardize=True)
    lab = NetLab(NetSettings(h=2, hloss="mse"))
    lab.adopt(data, features)
    lab.update(hdata="yours")
    lab.step(7)
    lab.choose(sample=5, unit=1, feature=4)
    X, y, *_ = lab.design()
    L = net.chain_rule(X, y, lab.params(), "mse")
    lines = S.backward_lines(lab)
    assert last_number(lines[3]) == pytest.approx(L.dC_dw2_i[5, 1], rel=1e-3)
    assert last_number(lines[4]) == pytest.approx(L.dC_dW1_i[5, 4, 1], rel=1e-3)
    assert r"x_{i1} x_{i2}" in lines[4]  # the 5th input is the map x₁x₂
    fd_w2, fd_W1 = S.finite_differences(lab)
    assert fd_w2 == pytest.approx(L.dC_dw2_i[5, 1], rel=1e-5, abs=1e-10)
    assert fd_W1 == pytest.approx(L.dC_dW1_i[5, 4, 1], rel=1e-5, abs=1e-10)
    assert len(S.forward_lines(lab)) == 2 + 2


# --- the Step drawn ahead ------------------------------------------------------------------------


def _sent(lab: NetLab) -> tuple[dict, dict | None]:
    """The figure and the Step's frame as the browser gets them."""
    ahead = S.step_frame(lab)
    data = component.chart_data(S.figure_spec(lab), height=640, src="x", view=lab.epoch,
                                preview=ahead and {"selector": "b", "view": lab.epoch + 1, "frame": ahead})
    return data["spec"], data["preview"] and data["preview"]["frame"]


@pytest.mark.parametrize("settings", [
    dict(), dict(h=5, hdata="circles"), dict(hloss="mse", hmode="minibatch", hbatch=8),
    dict(hmode="sample", h=8, hdata="moons", hseed=4), dict(h=1, hlr=30.0),
])
def test_the_step_preview_is_exactly_the_next_epochs_figure(settings):
    """The browser compares what it drew ahead with the server's next figure as JSON text, so the frame
    must give exactly that figure: same values, same keys in the same order."""
    lab = NetLab(NetSettings(**settings))
    for _ in range(4):
        before, frame = _sent(lab)
        assert frame is not None and "extend" in frame  # the cost lines get one more point, nothing more
        lab.step(1)
        after, _ = _sent(lab)
        assert json.dumps(figure_with(before, frame)) == json.dumps(figure_with(after, None))
    lab.rewind(2)  # the Step drops epochs 3 and 4: the cost lines are replaced, not extended
    before, frame = _sent(lab)
    assert "extend" not in frame
    lab.step(1)
    assert lab.history.epochs == 3
    assert json.dumps(figure_with(before, frame)) == json.dumps(figure_with(_sent(lab)[0], None))


def test_the_step_preview_on_your_points_with_feature_maps():
    data = make_dataset("circles", n=80, noise=0.1, seed=1, test_fraction=0.0)
    lab = NetLab(NetSettings(h=2, hdata="yours"), yours=(data, fit_features(data.train_X, maps=("x1^2", "x2^2"))))
    assert lab.history.test_cost is None or lab.history.test_cost.size
    before, frame = _sent(lab)
    lab.step(1)
    assert json.dumps(figure_with(before, frame)) == json.dumps(figure_with(_sent(lab)[0], None))


def test_the_page_sends_the_next_step_ahead_and_the_metrics_before_the_figure():
    at = open_page()
    data = chart(at)
    assert data["view"] == 0 and data["preview"]["view"] == 1
    assert data["preview"]["selector"] == ".st-key-net_step1 button"
    click(at, "net_step1")
    data = chart(at)
    assert data["view"] == 1 and data["preview"]["view"] == 2
    assert json.dumps(figure_with(chart_before := data["sent"], data["preview"]["frame"])) != json.dumps(figure_with(chart_before, None))
    assert chart(at, "hidden_net")["preview"] is None  # the diagram is redrawn with the server's answer
    # as on the Gradient descent page: the buttons, the epoch's numbers, the figure, then the diagram (the
    # buttons are drawn above the numbers but sent after them, into a container made before)
    shown = [getattr(e, "label", None) or getattr(getattr(e, "proto", None), "id", "") for e in walk(at.main)]
    figure = next(i for i, x in enumerate(shown) if str(x).endswith("-hidden"))
    diagram = next(i for i, x in enumerate(shown) if str(x).endswith("-hidden_net"))
    assert shown.index("Step one epoch") < shown.index("Epoch") < figure < diagram


def walk(node):
    """Every element under a node of AppTest's tree, in the order the page shows them."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for key in sorted(children):
        yield from walk(children[key])
