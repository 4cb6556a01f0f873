"""Extreme settings: nothing breaks, no NaN reaches a figure, divergence is caught and undoable."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import streamlit.config
from apptest import payload
from streamlit.testing.v1 import AppTest

from perceptron.data.datasets import Dataset, make_dataset
from perceptron.session.lab import Lab
from perceptron.session.settings import MAX_EPOCHS, Settings
from perceptron.views import scenes
from perceptron.web.chart import figure_spec

streamlit.config.set_option("client.showErrorDetails", "full")
ROOT = Path(__file__).resolve().parents[1]
PAGES = ["app.py", "pages/1_Dataset.py", "pages/2_Forward_propagation.py", "pages/3_Backpropagation.py",
         "pages/4_Gradient_descent.py", "pages/5_Loss_landscape.py"]


def custom(X, y, test=None):
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    y = np.asarray(y, dtype=int)
    return Dataset(X=X, y=y, test=np.zeros(len(y), bool) if test is None else test, source="custom")


def scenario(name):
    blobs = make_dataset("blobs", n=60, seed=1)
    lab = Lab.from_settings(Settings())
    if name == "huge features, lr 1000":
        lab.set_dataset(custom(blobs.X * 1e6, blobs.y))
        lab.update(lr=1000.0, loss="bce")
    elif name == "huge features, lr 1000, mse":
        lab.set_dataset(custom(blobs.X * 1e6, blobs.y))
        lab.update(lr=1000.0)
    elif name == "all points on one spot":
        lab.set_dataset(custom(np.ones((10, 2)) * 3.0, [0, 1] * 5))
        lab.update(standardize=True, maps=("x1^2", "x1*x2"))
    elif name == "every point one class":
        lab.set_dataset(custom(blobs.X, np.ones(60, int)))
    elif name == "zero points":
        lab.set_dataset(custom(np.zeros((0, 2)), np.zeros(0, int)))
    elif name == "far past convergence":
        lab.update(lr=5.0, max_epochs=MAX_EPOCHS)
    elif name == "rosenblatt":
        lab.update(mode="rosenblatt")
    return lab


SCENARIOS = ["huge features, lr 1000", "huge features, lr 1000, mse", "all points on one spot",
             "every point one class", "zero points", "far past convergence", "rosenblatt"]


def finite_numbers(obj) -> bool:
    """True when no number anywhere in a JSON-able structure is NaN or infinite."""
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(finite_numbers(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return all(finite_numbers(v) for v in obj)
    return True


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_view_stays_finite(name):
    lab = scenario(name)
    lab.step(MAX_EPOCHS if name == "far past convergence" else 200)
    assert lab.epoch <= MAX_EPOCHS
    h = lab.history
    assert np.all(np.isfinite(h.w)) and np.all(np.isfinite(h.cost))
    figures = [scenes.dataset_view(lab), scenes.plane(lab), scenes.descent(lab)]
    if lab.dataset.train_y.size:
        figures.append(scenes.landscape(lab, {"run": h.w}))
        figures.append(scenes.plane(lab, *lab.params(), arrows=scenes.weight_arrows(lab, *lab.params())))
    for fig in figures:
        spec = figure_spec(fig, digits=None)
        assert finite_numbers(spec), name
        json.dumps(spec, allow_nan=False)


def test_far_past_convergence_stops_at_the_bound_and_says_so():
    lab = scenario("far past convergence")
    lab.step(10 * MAX_EPOCHS)
    assert lab.epoch == MAX_EPOCHS and lab.history.epochs == MAX_EPOCHS
    assert lab.step(1) == 0 and str(MAX_EPOCHS) in lab.notice


def test_divergence_is_reported_and_undone_by_rewinding():
    lab = Lab.from_settings(Settings(dataset="overlap", lr=1000.0, loss="bce"))
    lab.step(5)
    assert "cost went up at epoch 1" in lab.notice and "learning rate" in lab.notice
    assert lab.history.cost[1] > lab.history.cost[0]
    lab.rewind(0)
    assert lab.epoch == 0 and lab.notice == ""
    lab.step(1)  # continues from the rewound epoch, dropping the bad future
    assert lab.history.epochs == 1
    lab.update(lr=1.0)
    lab.step(5)
    assert np.all(np.diff(lab.history.cost) < 0) and "went up" not in lab.notice


def test_huge_features_and_rate_stay_finite():
    lab = scenario("huge features, lr 1000")
    lab.step(50)
    assert np.all(np.isfinite(lab.history.w)) and lab.history.cost[-1] < lab.history.cost[0]


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_extreme_state(name, page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lab"] = scenario(name)
    at.run()
    if page != "app.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    for chart in at.get("bidi_component"):
        data = payload(chart.proto)
        if "spec" not in data:
            continue  # not a chart: the focus and live-region component (perceptron/web/focus.py)
        assert finite_numbers(data["spec"]), (name, page)
        assert data.get("alt") and "nan" not in data["alt"], (name, page, data.get("alt"))  # a text alternative
    if name == "zero points" and page in PAGES[2:]:
        assert any("no training points" in i.value or "needs training points" in i.value for i in at.info)


def test_rounding_for_the_browser_keeps_the_largest_floats_without_overflow():
    """Figures round their numbers before sending them; near the largest floats that rounding
    (x · 10^digits) would overflow to inf and the point would vanish from the chart."""
    from perceptron.views.figures import rounded

    with np.errstate(all="raise"):
        out = rounded([1.234567, -9.87654321, 1e306, -1.5e307, 2.5e15], 3)
    assert out == [1.235, -9.877, 1e306, -1.5e307, 2.5e15]
