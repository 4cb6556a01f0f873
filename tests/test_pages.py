"""The app's main flows through Streamlit's AppTest, checked against the engine's own numbers.

Every expected number is computed here from ``perceptron`` (the engine) and the
dataset generators, never read back from the page: a page that shows stale
weights, a figure that was not updated, or a flow that loses the session's state
fails one of these tests.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import streamlit.config
from apptest import chart, click, go, last_number, metric, numbers, ok, payload, payload_text, sigma
from streamlit.testing.v1 import AppTest

import perceptron
from chart_js import figure_with
from perceptron.data.datasets import Dataset, make_dataset
from perceptron.session.lab import Lab
from perceptron.session.settings import Settings
from perceptron.views import latex as L
from perceptron.views import scenes
from perceptron.web import chart as component
from perceptron.web.playback import PLAY_CHUNK, PLAY_FPS

# .streamlit/config.toml redacts exception messages; the tests need to read them.
streamlit.config.set_option("client.showErrorDetails", "full")

ROOT = Path(__file__).resolve().parents[1]
HOME = "app.py"
DATASET = "pages/1_Dataset.py"
FORWARD = "pages/2_Forward_propagation.py"
BACKPROP = "pages/3_Backpropagation.py"
DESCENT = "pages/4_Gradient_descent.py"
LANDSCAPE = "pages/5_Loss_landscape.py"
# every page on disk, so a page added later is covered too
PAGES = [HOME] + sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


# --- helpers --------------------------------------------------------------------------------------


def open_app(page: str | None = None, *, lab: Lab | None = None, query: dict | None = None) -> AppTest:
    """A fresh session (optionally with a lab already in it, or opened from a link) on ``page``."""
    at = AppTest.from_file(str(ROOT / HOME), default_timeout=120)
    if lab is not None:
        at.session_state["lab"] = lab
    if query:
        at.query_params.update(query)
    if page and page != HOME:
        at.switch_page(page)
    at.run()
    return ok(at)


def trace(spec: dict, name: str) -> dict:
    found = [t for t in spec["data"] if t.get("name") == name]
    assert len(found) == 1, f"no single trace {name!r} in {[t.get('name') for t in spec['data']]}"
    return found[0]


def assert_all_charts_finite(at: AppTest) -> None:
    """No NaN or infinity anywhere in what any chart component received."""
    for c in at.get("bidi_component"):
        bad = []
        data = json.loads(payload_text(c.proto), parse_constant=bad.append)  # NaN, Infinity, -Infinity
        assert not bad, (c.proto.id, bad[:3])
        assert all(math.isfinite(v) for v in numbers(data)), c.proto.id


def latex(at: AppTest) -> list[str]:
    """Every formula line shown (a ``gathered`` block's lines one by one), a line stacked one relation per
    row (``latex.stacked``: ``a &= b \\\\ &= c``) read back as the one line ``a = b = c``."""
    out = []
    for e in at.latex:
        body = e.value.strip().removeprefix("$$").removesuffix("$$").strip()
        if r"\begin{gathered}" in body:
            body = re.sub(r"\\(begin|end)\{gathered\}", "", body)
            lines = re.split(r" \\\\\[6pt\] " if r"\\[6pt]" in body else r" \\\\ ", body)
        else:
            lines = [body]
        out += [unstack(line.strip()) for line in lines]
    return out


def unstack(line: str) -> str:
    if not (line.startswith(r"\begin{aligned}") and line.endswith(r"\end{aligned}")):
        return line
    line = line.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").replace(L.GO_ON.strip(), " ").replace("&", "").replace(r"\\", " ")
    return " ".join(line.split())


def messages(at: AppTest) -> str:
    return " | ".join(e.value for e in [*at.error, *at.warning, *at.info])


def default_run(epochs: int) -> perceptron.History:
    """The default experiment (Settings()), trained by the engine directly."""
    data = make_dataset("blobs", n=100, noise=0.1, seed=0, test_fraction=0.2)
    rng = np.random.default_rng(0)  # init="random", init_seed=0: small normal weights
    w0, b0 = rng.normal(0.0, 0.5, size=2), float(rng.normal(0.0, 0.5))
    return perceptron.train(data.train_X, data.train_y, w0, b0, lr=0.5, epochs=epochs, loss="mse",
                            X_test=data.test_X, y_test=data.test_y)


def default_train():
    data = make_dataset("blobs", n=100, noise=0.1, seed=0, test_fraction=0.2)
    return data.train_X, data.train_y.astype(float)


def assert_heatmap_shows(spec: dict, w, b) -> None:
    """The plane's heatmap is σ(w·x + b) over its own grid (z rounded to 2 decimals, grid to 3)."""
    heat = spec["data"][0]
    assert heat["type"] == "heatmap"
    gx, gy = np.meshgrid(heat["x"], heat["y"])
    expected = sigma(w[0] * gx + w[1] * gy + b)
    np.testing.assert_allclose(np.array(heat["z"], dtype=float), expected, atol=0.006)


def assert_cost_curve(spec: dict, cost) -> None:
    curve = trace(spec, "train cost")
    assert curve["x"] == list(range(len(cost)))
    np.testing.assert_allclose(curve["y"], cost, rtol=1e-5, atol=1e-6)


# --- 1. every page runs -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_directly_in_a_fresh_session(page):
    at = open_app(page)  # the page is the session's first run
    assert isinstance(at.session_state["lab"], Lab)
    assert at.title and at.title[0].value
    assert (at.title[0].value == "Neuron Lab") == (page == HOME)  # the page asked for, not the home page
    assert_all_charts_finite(at)


def test_every_page_runs_one_after_another_in_one_session():
    at = open_app()
    lab = at.session_state["lab"]
    for page in PAGES + PAGES[::-1]:
        go(at, page)
        assert at.session_state["lab"] is lab  # one experiment per session, never rebuilt by a page
        assert_all_charts_finite(at)


# --- 2. Dataset page: presets ------------------------------------------------------------------------


def test_choosing_a_preset_replaces_the_points_the_plot_and_the_counts():
    at = open_app(DATASET)
    lab = at.session_state["lab"]
    before = chart(at, "ds_plot")["spec"]
    at.selectbox(key=f"ds_preset_{lab.version}").set_value("xor")
    at.slider(key="setting_n").set_value(60)
    at.run()
    ok(at)

    expected = make_dataset("xor", n=60, noise=0.1, seed=0, test_fraction=0.2)
    d = at.session_state["lab"].dataset
    assert (d.source, d.n) == ("xor", 60)
    assert at.session_state["lab"].settings.dataset == "xor"
    np.testing.assert_array_equal(d.X, expected.X)
    np.testing.assert_array_equal(d.y, expected.y)
    np.testing.assert_array_equal(d.test, expected.test)

    spec = chart(at, "ds_plot")["spec"]
    assert spec != before
    for label in (0, 1):
        for test, suffix in ((False, ""), (True, " (test)")):
            t = trace(spec, f"class {label}{suffix}")
            idx = (expected.y == label) & (expected.test == test)
            shown = sorted(zip(t["x"], t["y"], strict=True))
            want = sorted(zip(np.round(expected.X[idx, 0], 4), np.round(expected.X[idx, 1], 4), strict=True))
            np.testing.assert_allclose(shown, want, atol=1e-4)

    counts = at.dataframe[0].value
    for label in (0, 1):
        row = counts.loc[f"class {label}: {label}"]
        train = int(np.sum((expected.y == label) & ~expected.test))
        test = int(np.sum((expected.y == label) & expected.test))
        assert (int(row["train"]), int(row["test"]), int(row["total"])) == (train, test, train + test)
    assert int(counts.loc["total", "total"]) == 60


def test_a_dataset_change_restarts_the_run_on_the_new_points():
    at = open_app(DESCENT)
    click(at, "step10")
    go(at, DATASET)
    lab = at.session_state["lab"]
    assert lab.epoch == 10  # merely visiting the Dataset page changes nothing
    at.selectbox(key=f"ds_preset_{lab.version}").set_value("moons").run()
    ok(at)
    lab = at.session_state["lab"]
    assert lab.dataset.source == "moons" and lab.epoch == 0 and lab.history.epochs == 0
    go(at, DESCENT)
    assert metric(at, "Epoch") == "0"
    moons = make_dataset("moons", n=100, noise=0.1, seed=0, test_fraction=0.2)
    assert len(trace(chart(at, "descent")["spec"], "class 0")["x"]) == int(np.sum((moons.y == 0) & ~moons.test))


# --- 3. Step, Step ×10, Reset ---------------------------------------------------------------------------


def test_step_step10_and_reset_follow_the_engine():
    ref = default_run(11)
    at = open_app(DESCENT)
    lab = at.session_state["lab"]
    np.testing.assert_allclose(lab.history.w[0], ref.w[0])  # the documented seeded start
    start = chart(at, "descent")["spec"]
    assert_heatmap_shows(start, ref.w[0], ref.b[0])
    assert_cost_curve(start, ref.cost[:1])
    assert metric(at, "Epoch") == "0"

    click(at, "step")
    lab = at.session_state["lab"]
    assert lab.epoch == 1 and lab.history.epochs == 1
    np.testing.assert_allclose(lab.history.w[1], ref.w[1], rtol=1e-12)
    np.testing.assert_allclose(lab.history.b[1], ref.b[1], rtol=1e-12)
    one = chart(at, "descent")["spec"]
    assert one["data"][0]["z"] != start["data"][0]["z"]
    assert_heatmap_shows(one, ref.w[1], ref.b[1])
    assert_cost_curve(one, ref.cost[:2])
    assert trace(one, "epoch 1")["x"] == [1]
    assert metric(at, "Epoch") == "1"
    assert metric(at, "Cost") == f"{ref.cost[1]:.5g}"
    # the update written out with its numbers: w ← w − α ∂C/∂w = the new weight
    lines = latex(at)
    for j in range(2):
        assert any(rf"w_{j + 1} \leftarrow" in s and s.rstrip("$\n ").endswith(L.num(ref.w[1][j])) for s in lines)

    click(at, "step10")
    lab = at.session_state["lab"]
    assert lab.epoch == 11 and lab.history.epochs == 11
    np.testing.assert_allclose(lab.history.w, ref.w, rtol=1e-12)
    np.testing.assert_allclose(lab.history.cost, ref.cost, rtol=1e-12)
    eleven = chart(at, "descent")["spec"]
    assert_heatmap_shows(eleven, ref.w[11], ref.b[11])
    assert_cost_curve(eleven, ref.cost)
    assert metric(at, "Cost") == f"{ref.cost[11]:.5g}"
    assert ref.accuracy[11] == 1 and metric(at, "Train accuracy") == "80 of 80"  # all 80 right, one form (not "100 %")
    assert at.query_params.get("epoch") == "11"  # the address bar follows

    click(at, "reset")
    lab = at.session_state["lab"]
    assert lab.epoch == 0 and lab.history.epochs == 0
    np.testing.assert_allclose(lab.history.w[0], ref.w[0])
    again = chart(at, "descent")["spec"]
    assert again["data"][0]["z"] == start["data"][0]["z"]
    assert_cost_curve(again, ref.cost[:1])
    assert metric(at, "Epoch") == "0"
    assert not any(s.key and s.key.startswith("rewind_") for s in at.slider)
    assert "epoch" not in at.query_params


def test_a_training_setting_in_the_sidebar_restarts_the_run_with_it():
    at = open_app(DESCENT)
    click(at, "step10")
    at.number_input(key="setting_lr").set_value(2.0)
    at.radio(key="setting_loss").set_value("bce")
    at.run()
    ok(at)
    lab = at.session_state["lab"]
    assert (lab.settings.lr, lab.settings.loss, lab.epoch) == (2.0, "bce", 0)
    click(at, "step")
    X, y = default_train()
    w0, b0 = lab.history.params(0)
    ref = perceptron.train(X, y, w0, b0, lr=2.0, epochs=1, loss="bce")
    np.testing.assert_allclose(at.session_state["lab"].history.w[1], ref.w[1], rtol=1e-12)
    assert metric(at, "Cost") == f"{ref.cost[1]:.5g}"


# --- 4. the state survives page switches ------------------------------------------------------------------


def test_switching_pages_keeps_dataset_epoch_and_weights():
    at = open_app(DESCENT)
    click(at, "step10")
    click(at, "step")
    lab = at.session_state["lab"]
    dataset, w, cost = lab.dataset, lab.history.w.copy(), lab.history.cost.copy()

    go(at, FORWARD)
    assert "From the model (epoch 11)" in at.radio(key="fwd_source").options
    X, _ = default_train()
    z, _ = perceptron.forward(X[lab.sample][None, :], w[11], lab.history.b[11])
    assert any(s.rstrip("$\n ").endswith(f"= {L.num(z[0])}") and "z = x" in s for s in latex(at))

    for page in (BACKPROP, DATASET, LANDSCAPE, HOME, DESCENT):
        go(at, page)
        lab = at.session_state["lab"]
        assert lab.dataset is dataset and lab.epoch == 11, page
        np.testing.assert_array_equal(lab.history.w, w)
        np.testing.assert_array_equal(lab.history.cost, cost)
    assert metric(at, "Epoch") == "11"
    assert_cost_curve(chart(at, "descent")["spec"], default_run(11).cost)


# --- 5. forward and backward numbers for a chosen sample ------------------------------------------------


def test_forward_page_shows_the_engines_z_and_prediction_for_the_chosen_sample():
    at = open_app(DESCENT)
    click(at, "step10")
    go(at, FORWARD)
    lab = at.session_state["lab"]
    at.selectbox(key=f"fwd_sample_{lab.sample}").set_value(5).run()
    ok(at)
    lab = at.session_state["lab"]
    assert lab.sample == 5
    X, y = default_train()
    w, b = default_run(10).params(10)
    z, y_hat = perceptron.forward(X[5:6], w, b)
    lines = latex(at)
    assert len(lines) == 3
    assert lines[1].rstrip("$\n ").endswith(f"= {L.num(z[0])}")
    assert lines[2].rstrip("$\n ").endswith(f"= {L.num(y_hat[0])}")
    assert f"true class y = {int(y[5])}" in " ".join(m.value for m in at.markdown)
    assert f"class {int(z[0] >= 0)}" in " ".join(m.value for m in at.markdown)
    plane = chart(at, "fwd_plane")["spec"]
    (marked,) = [t for t in plane["data"] if str(t.get("name", "")).startswith("sample #")]
    np.testing.assert_allclose([marked["x"][0], marked["y"][0]], X[5], atol=1e-4)  # the ring is on sample 5
    assert marked["name"] == "sample #5"  # and the legend numbers it as the page does

    # the selection stays when the page reruns (its key follows the sample)
    at.run()
    assert at.session_state["lab"].sample == 5 and latex(at)[1] == lines[1]

    # weights by hand: the same lines with the sliders' numbers
    at.radio(key="fwd_source").set_value("hand").run()
    at.slider(key="fwd_w0").set_value(1.5)
    at.slider(key="fwd_w1").set_value(-2.0)
    at.slider(key="fwd_b").set_value(0.25)
    at.run()
    ok(at)
    z, y_hat = perceptron.forward(X[5:6], np.array([1.5, -2.0]), 0.25)
    lines = latex(at)
    assert lines[1].rstrip("$\n ").endswith(f"= {L.num(z[0])}")
    assert lines[2].rstrip("$\n ").endswith(f"= {L.num(y_hat[0])}")
    np.testing.assert_allclose(at.session_state["lab"].history.w[10], w)  # trying by hand trains nothing


def test_backprop_page_shows_the_engines_gradient_and_chain_rule():
    at = open_app(DESCENT)
    click(at, "step10")
    go(at, BACKPROP)
    lab = at.session_state["lab"]
    at.radio(key="bp_loss").set_value("bce")
    at.selectbox(key=f"bp_sample_{lab.sample}").set_value(7)
    at.run()
    ok(at)
    assert at.session_state["lab"].sample == 7
    X, y = default_train()
    w, b = default_run(10).params(10)
    dw, db = perceptron.gradients(X, y, w, b, "bce")
    lines = latex(at)
    for j in range(2):
        line = [s for s in lines if rf"\frac{{\partial C}}{{\partial w_{j + 1}}} = \sum_i" in s]
        assert len(line) == 1 and line[0].rstrip("$\n ").endswith(f"= {L.num(dw[j])}"), line
    line = [s for s in lines if r"\frac{\partial C}{\partial b} = \sum_i" in s]
    assert len(line) == 1 and line[0].rstrip("$\n ").endswith(f"= {L.num(db)}")

    # sample 7's own factors, from the formulas (cross-entropy: ∂C/∂z_i = (ŷ_i − y_i)/n)
    n = len(y)
    z = X @ w + b
    y_hat = sigma(z)
    dC_dz = (y_hat[7] - y[7]) / n
    factor = [s for s in lines if s.lstrip("$\n ").startswith(r"\frac{\partial C}{\partial z_i} = ")]
    assert len(factor) == 1 and math.isclose(last_number(factor[0]), dC_dz, rel_tol=6e-4)
    for j in range(2):
        part = [s for s in lines if rf"\frac{{\partial C}}{{\partial w_{j + 1}}}\Big|_i" in s]
        assert len(part) == 1 and math.isclose(last_number(part[0]), dC_dz * X[7, j], rel_tol=6e-4)
    cost = -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    assert math.isclose(last_number(lines[0]), cost, rel_tol=6e-4)
    assert at.session_state["lab"].settings.loss == "mse"  # inspecting another cost changes nothing


# --- 6. rewinding ------------------------------------------------------------------------------------------


def test_rewind_shows_an_earlier_epoch_and_the_next_step_continues_from_it():
    ref = default_run(10)
    at = open_app(DESCENT)
    click(at, "step10")
    at.slider(key="rewind_10").set_value(4).run()
    ok(at)
    lab = at.session_state["lab"]
    assert lab.epoch == 4 and lab.history.epochs == 10  # the future stays until the next Step
    assert metric(at, "Epoch") == "4"
    assert metric(at, "Cost") == f"{ref.cost[4]:.5g}"
    spec = chart(at, "descent")["spec"]
    assert_heatmap_shows(spec, ref.w[4], ref.b[4])
    assert trace(spec, "epoch 4")["x"] == [4]
    np.testing.assert_allclose(lab.params()[0], ref.w[4], rtol=1e-12)

    click(at, "step")
    lab = at.session_state["lab"]
    assert lab.epoch == 5 and lab.history.epochs == 5  # truncated at 4, then one more
    np.testing.assert_allclose(lab.history.w, ref.w[:6], rtol=1e-12)
    spec = chart(at, "descent")["spec"]
    assert_cost_curve(spec, ref.cost[:6])
    assert_heatmap_shows(spec, ref.w[5], ref.b[5])
    assert at.slider(key="rewind_5").value == 5


# --- 7. huge numbers --------------------------------------------------------------------------------------


def big_lab(scale: float) -> Lab:
    blobs = make_dataset("blobs", n=60, seed=1)
    lab = Lab.from_settings(Settings())
    lab.set_dataset(Dataset(X=blobs.X * scale, y=blobs.y, test=np.zeros(60, bool)))
    return lab


@pytest.mark.parametrize(("scale", "loss"), [(1e6, "mse"), (1e154, "bce")])
def test_a_huge_learning_rate_on_huge_coordinates_is_reported_and_stays_finite(scale, loss):
    at = open_app(DESCENT, lab=big_lab(scale))
    at.number_input(key="setting_lr").set_value(1000.0)
    at.radio(key="setting_loss").set_value(loss)
    at.run()
    ok(at)
    before = at.session_state["lab"].params()
    for key in ("step", "step10"):
        click(at, key)
        lab = at.session_state["lab"]
        w, b = lab.params()
        assert np.all(np.isfinite(lab.history.w)) and np.all(np.isfinite(lab.history.b))
        assert np.all(np.isfinite(lab.history.cost)) and np.isfinite(b) and np.all(np.isfinite(w))
        assert_all_charts_finite(at)
        assert metric(at, "Cost") not in ("nan", "inf")
        # the learner is told something went wrong (divergence, overshoot, or a step that changed nothing)
        assert at.error or at.warning, (
            f"no warning after {key}: epoch {lab.epoch}, weights {before} -> {(w, b)}, cost {lab.history.cost[-3:]}")
    for page in PAGES:
        go(at, page)
        assert_all_charts_finite(at)


def test_divergence_keeps_the_last_finite_state_and_reset_recovers():
    at = open_app(DESCENT, lab=big_lab(1e154))
    at.number_input(key="setting_lr").set_value(1000.0)
    at.radio(key="setting_loss").set_value("bce")
    at.run()
    click(at, "step")
    lab = at.session_state["lab"]
    assert lab.history.diverged and lab.epoch == 0
    assert any("diverged" in e.value for e in at.error)
    at.number_input(key="setting_lr").set_value(1e-160).run()
    ok(at)
    click(at, "step")
    lab = at.session_state["lab"]
    assert lab.epoch == 1 and not lab.history.diverged and not at.error


# --- 9. links ---------------------------------------------------------------------------------------------


def test_a_link_opens_its_experiment():
    query = {"dataset": "xor", "n": "60", "lr": "2.0", "loss": "bce", "epoch": "5"}
    at = open_app(DESCENT, query=query)
    lab = at.session_state["lab"]
    assert (lab.settings.dataset, lab.dataset.n, lab.settings.lr, lab.settings.loss) == ("xor", 60, 2.0, "bce")
    assert lab.epoch == 5 and at.session_state["link_problems"] == []
    data = make_dataset("xor", n=60, noise=0.1, seed=0, test_fraction=0.2)
    ref = perceptron.train(data.train_X, data.train_y, *lab.history.params(0), lr=2.0, epochs=5, loss="bce")
    np.testing.assert_allclose(lab.history.w, ref.w, rtol=1e-12)
    assert metric(at, "Epoch") == "5"
    assert metric(at, "Cost") == f"{ref.cost[5]:.5g}"
    assert_cost_curve(chart(at, "descent")["spec"], ref.cost)


def test_the_address_bar_reopens_the_same_experiment_with_hand_made_points():
    at = open_app(DATASET)
    click(at, "ds_clear")
    lab = at.session_state["lab"]
    for x, y, label in ((0.5, -0.25, 1), (-1.0, 0.75, 0), (1.25, 1.5, 1), (-0.5, -1.0, 0)):
        lab.on_plot_event({"event": "click", "x": x, "y": y}, label=label)
    go(at, DESCENT)
    at.number_input(key="setting_lr").set_value(3.0).run()
    click(at, "step10")
    at.slider(key="rewind_10").set_value(7).run()
    lab = at.session_state["lab"]
    link = dict(at.query_params)
    assert link == lab.query() and "pts" in link and link["epoch"] == "7"

    again = open_app(DESCENT, query=link)
    other = again.session_state["lab"]
    assert other is not lab and again.session_state["link_problems"] == []
    np.testing.assert_array_equal(other.dataset.X, lab.dataset.X)
    np.testing.assert_array_equal(other.dataset.y, lab.dataset.y)
    assert other.settings.lr == 3.0 and other.epoch == 7
    np.testing.assert_allclose(other.history.w, lab.history.w[:8], rtol=1e-12)
    assert metric(again, "Cost") == metric(at, "Cost")


def test_a_hostile_link_opens_the_defaults_and_says_why():
    query = {"lr": "nan", "n": "-5", "dataset": "<script>alert(1)</script>", "maps": "evil", "bogus": "1",
             "epoch": "9" * 500, "pts": "%%%not-base64%%%"}
    at = open_app(HOME, query=query)
    lab = at.session_state["lab"]
    assert lab.settings.with_(epoch=0) == Settings()
    shown = " ".join(w.value for w in at.warning)
    for word in ("lr", "n must", "dataset", "maps", "bogus", "epoch"):
        assert word in shown, (word, shown)
    assert "<script>" not in "".join(m.value for m in at.markdown)
    for page in PAGES:
        go(at, page)


def test_damaged_points_in_a_link_fall_back_to_the_defaults():
    at = open_app(HOME, query={"dataset": "custom", "pts": "AAAA"})
    assert at.session_state["lab"].settings == Settings()
    assert any("damaged" in w.value for w in at.warning)


# --- 10. no training points ----------------------------------------------------------------------------


def test_clearing_every_point_leaves_pages_that_say_there_is_nothing_to_train():
    at = open_app(DATASET)
    click(at, "ds_clear")
    lab = at.session_state["lab"]
    assert lab.dataset.n == 0 and lab.settings.dataset == "custom" and lab.epoch == 0
    counts = at.dataframe[0].value
    assert int(counts.loc["total", "total"]) == 0
    for page in (FORWARD, BACKPROP, DESCENT):
        go(at, page)
        assert any("no training points" in i.value for i in at.info), page
    go(at, LANDSCAPE)
    assert any("needs training points" in i.value for i in at.info)
    for page in PAGES:
        go(at, page)
        assert_all_charts_finite(at)
    # and a click on the empty plot starts a new dataset
    lab = at.session_state["lab"]
    assert lab.on_plot_event({"event": "click", "x": 0.5, "y": -0.25}, label=1)
    assert lab.dataset.n == 1


def test_an_empty_lab_set_directly_runs_every_page():
    lab = Lab.from_settings(Settings())
    lab.set_dataset(Dataset(X=np.zeros((0, 2)), y=np.zeros(0, int), test=np.zeros(0, bool)))
    at = open_app(HOME, lab=lab)
    for page in PAGES:
        go(at, page)


def test_rosenblatt_mode_on_the_descent_page_follows_the_engine():
    at = open_app(DESCENT)
    at.selectbox(key="setting_mode").set_value("rosenblatt").run()
    ok(at)
    click(at, "step10")
    lab = at.session_state["lab"]
    data = make_dataset("blobs", n=100, noise=0.1, seed=0, test_fraction=0.2)
    ref = perceptron.rosenblatt(data.train_X, data.train_y, *lab.history.params(0), lr=0.5, epochs=10, seed=0)
    assert lab.epoch == ref.epochs
    np.testing.assert_allclose(lab.history.w, ref.w, rtol=1e-12)
    assert metric(at, "Epoch") == str(ref.epochs)
    go(at, LANDSCAPE)
    assert any("not Rosenblatt" in i.value for i in at.info)


# --- Step drawn ahead: the preview frame turns the figure on screen into the next epoch's ---------


def _same(a, b) -> bool:
    return json.loads(json.dumps(a)) == json.loads(json.dumps(b))


@pytest.mark.parametrize("settings", [
    dict(), dict(dataset="circles", maps=("x1^2", "x2^2")), dict(test_fraction=0.3), dict(loss="bce", lr=3.0),
    dict(mode="minibatch", batch_size=16), dict(mode="rosenblatt", noise=2.0),
])
def test_the_step_preview_is_exactly_the_next_epochs_figure(settings):
    lab = Lab.from_settings(Settings(n=120, **settings))
    for _ in range(4):
        before = scenes.descent_spec(lab)
        ahead = scenes.descent_preview(lab)
        assert ahead is not None
        # as the browser gets it
        frame = component.chart_data(before, src="x", preview={"selector": "b", "view": 1, "frame": ahead})["preview"]["frame"]
        lab.step(1)
        assert _same(figure_with(before, frame), figure_with(scenes.descent_spec(lab), None))
    lab.rewind(2)  # after a rewind the Step drops epochs 3 and 4: the cost lines are replaced, not extended
    before, frame = scenes.descent_spec(lab), scenes.descent_preview(lab)
    assert "extend" not in frame
    lab.step(1)
    assert lab.history.epochs == 3
    assert _same(figure_with(before, frame), figure_with(scenes.descent_spec(lab), None))


def test_no_preview_where_step_would_not_train():
    lab = Lab.from_settings(Settings(n=60, max_epochs=2))
    lab.step(2)
    assert scenes.descent_preview(lab) is None
    assert lab.step(1) == 0


def test_the_descent_chart_sends_the_preview():
    at = open_app(DESCENT)
    data = chart(at, "descent")
    assert data["view"] == 0
    assert data["preview"]["view"] == 1 and data["preview"]["selector"] == ".st-key-step button"
    data = chart(click(at, "step"), "descent")
    assert data["view"] == 1 and data["preview"]["view"] == 2


def test_play_shows_every_stride_th_epoch_and_trains_a_chunk():
    """Play, by default 1 epoch a frame (60 frames a second show 60 epochs); at ``?stride=2`` the first
    chunk's frames name epochs 2, 4, ..., each frame drawn from its epoch's weights."""
    assert Settings().stride == 1 and PLAY_FPS == 60 and PLAY_CHUNK == 3 * PLAY_FPS
    at = open_app(DESCENT, query={"stride": "2"})
    click(at, "play")
    lab, data = at.session_state["lab"], chart(at, "descent")
    stride = 2
    assert lab.epoch == stride * PLAY_CHUNK
    assert [f["data"][0]["x"] for f in data["frames"]] == [[stride * (i + 1)] for i in range(PLAY_CHUNK)]
    assert data["frames"][0]["params"]["w"] == lab.history.w[stride].tolist()


def test_play_and_pause_do_what_the_button_said_and_a_play_waits_for_the_pause_report():
    at = open_app(DESCENT, query={"stride": "1"})  # one epoch a frame: frame k is epoch k
    click(at, "play")  # labelled "Play ▶": trains a chunk, the browser plays it
    lab, play = at.session_state["lab"], at.session_state["playback"]
    data = chart(at, "descent")
    assert play and not play["paused"] and data["playing"] and len(data["frames"]) == lab.epoch == PLAY_CHUNK
    assert data["stop_on"] == ".st-key-play button"  # the browser stops at the click, before the rerun
    for _ in range(2):  # labelled "Pause" until the browser reports where it stopped: never trains more
        click(at, "play")
        assert at.session_state["playback"]["paused"] and at.session_state["lab"].epoch == PLAY_CHUNK
        assert not chart(at, "descent")["playing"]
    # a Play that arrives before the report (a link's keyboard shortcut, a second tab's click)
    # is kept, and carried out from the epoch the browser reports
    at.session_state["playback"]["resume"] = True
    ok(at.run())
    frames = at.session_state["_neuron_lab_chart_descent"]
    assert not frames["playing"]
    at.session_state["descent"] = {"frame": {"event": "frame", "index": 9, "view": 10, "end": False, "n": 1, "t": 1}}
    ok(at.run())
    play = at.session_state["playback"]
    assert play and not play["paused"] and play["start"] == 10 and at.session_state["lab"].epoch == 10 + PLAY_CHUNK


def test_play_asks_for_more_and_hears_when_there_is_no_more():
    """The browser asks for the next chunk while it plays (a ``more`` report); the page answers with
    the frames after the one on screen, or, at the epoch limit, with ``more_at`` 0, so that the
    browser stops on its last frame instead of waiting for a chunk that will not come."""
    limit = PLAY_CHUNK + 15
    at = open_app(DESCENT, query={"max_epochs": str(limit), "stride": "1"})
    click(at, "play")
    assert at.session_state["lab"].epoch == PLAY_CHUNK and chart(at, "descent")["more_at"]
    at.session_state["descent"] = {"frame": {"event": "frame", "index": 20, "view": 21, "end": False,
                                             "more": True, "n": 1, "t": 1}}
    ok(at.run())
    play, data = at.session_state["playback"], chart(at, "descent")
    assert at.session_state["lab"].epoch == limit and play["epochs"] == list(range(22, limit + 1))
    assert data["first"] == 22 and len(data["frames"]) == limit - 21 and data["more_at"] and data["playing"]
    at.session_state["descent"] = {"frame": {"event": "frame", "index": 20, "view": 42, "end": False,
                                             "more": True, "n": 2, "t": 2}}
    ok(at.run())
    data = chart(at, "descent")
    assert at.session_state["lab"].epoch == limit and data["playing"] and not data.get("more_at")
    assert len(data["frames"]) == limit - 21, "the frames still to play stay"


def test_the_training_samples_are_sent_once_per_dataset():
    """The descent figure's samples (the browser's inputs for drawing from the weights) travel on the first
    run only; a Step names them by id; a new dataset sends the new ones (chart.py's share_parts)."""
    def samples(at):
        found = [c for c in at.get("bidi_component") if c.proto.id.endswith("-descent")]
        return payload(found[0].proto)["spec"]["model"]["samples"]

    at = open_app(DESCENT, query={"n": "300"})
    first = samples(at)
    assert set(first) == {"$part", "value"} and len(first["value"]["x1"]) == at.session_state["lab"].points.train_X.shape[0]
    click(at, "step")
    assert samples(at) == {"$part": first["$part"]}  # named, not sent
    assert chart(at, "descent")["sent"]["model"]["samples"] == first["value"]  # and they are the same points
    at = go(at, DATASET)
    at.selectbox(key=f"ds_preset_{at.session_state['lab'].version}").set_value("moons").run()
    at = go(ok(at), DESCENT)
    moved = samples(at)
    assert moved["$part"] != first["$part"] and "value" in moved


def test_share_parts_remembers_a_few_ids():
    from perceptron.web.chart import SHARED_PARTS_KEPT, share_parts

    sent = []
    for k in range(SHARED_PARTS_KEPT + 2):
        spec, sent = share_parts({"data": [], "model": {"samples": {"x1": [k]}}}, sent)
        assert "value" in spec["model"]["samples"]
    assert len(sent) == SHARED_PARTS_KEPT
    spec, again = share_parts({"data": [], "model": {"samples": {"x1": [SHARED_PARTS_KEPT + 1]}}}, sent)
    assert set(spec["model"]["samples"]) == {"$part"} and again == sent
    spec, _ = share_parts({"data": [], "model": {"samples": {"x1": [0]}}}, sent)  # forgotten: sent again
    assert "value" in spec["model"]["samples"]
    plain = {"data": [], "model": {"kind": "network"}}
    assert share_parts(plain, sent) == (plain, sent)
