"""What a page keeps per experiment (``perceptron.web.memo``): computed once for every session that asks the same,
computed again for another experiment, and what a session is shown is what the builder draws when asked afresh.
The "Numbers of" tables are built only while their expander is open."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import streamlit as st
from apptest import app, component, open_numbers

from perceptron.views import comparisons
from perceptron.web import chart
from perceptron.web.controls import LOSS_LABELS

LANDSCAPE = "pages/5_Loss_landscape.py"


@pytest.fixture
def trains(monkeypatch):
    """How many runs the comparisons trained (every call of ``train`` in :mod:`perceptron.views.comparisons`)."""
    st.cache_data.clear()
    calls = Counter()
    original = comparisons.train

    def counted(*args, **kwargs):
        calls["runs"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(comparisons, "train", counted)
    yield calls
    st.cache_data.clear()


def test_a_class_opening_the_loss_landscape_trains_its_comparisons_once(trains):
    for _ in range(3):  # three students open the same link
        app(LANDSCAPE, {"seed": "3"})
    assert trains["runs"] == 3 + 2  # the three rates, then MSE and cross-entropy: once for the three sessions
    app(LANDSCAPE, {"seed": "3", "lr": "2"})  # another α: MSE against cross-entropy at it (the rates are the data's)
    assert trains["runs"] == 3 + 2 + 2
    app(LANDSCAPE, {"seed": "4"})  # other points: everything again
    assert trains["runs"] == 3 + 2 + 2 + 5


def test_what_a_session_is_shown_is_what_the_builder_draws_afresh(trains):
    app(LANDSCAPE, {"seed": "5"})  # the first session fills the cache
    at = app(LANDSCAPE, {"seed": "5"})  # the second is served from it
    lab = at.session_state["lab"]
    X, y, *_ = lab.design()
    w0, b0 = lab.initial_params()
    lrs = tuple(at.number_input(key=f"ls_lr{j}").value for j in range(3))
    epochs = at.number_input(key="ls_epochs").value
    fresh = comparisons.rate_runs(X, y, w0, b0, lab.settings.loss, tuple(lab.features.names), lrs, epochs)
    for key, piece in (("ls_curves", fresh.curves), ("ls_paths", fresh.paths)):
        sent = component(at, key)
        assert sent["spec"]["data"] == chart.figure_spec(piece.figure)["data"]
        assert sent["alt"] == piece.alt
    verdicts = "\n".join(f"- {v}" for v in fresh.verdicts)
    assert any(m.value == verdicts for m in at.markdown)
    labels = (LOSS_LABELS["mse"], LOSS_LABELS["bce"])
    errors = comparisons.cost_runs(X, y, w0, b0, lab.settings.lr, epochs, labels)
    assert component(at, "ls_cmp")["spec"]["data"] == chart.figure_spec(errors.figure)["data"]
    at = open_numbers(at, "the error curves")  # the table too, once its expander is open
    table = next(d.value for d in at.dataframe if errors.table.columns[-1] in d.value.columns)
    assert np.allclose(table.to_numpy(dtype=float), errors.table.to_numpy(dtype=float), equal_nan=True)


def test_a_numbers_table_is_built_only_while_its_expander_is_open():
    at = app(LANDSCAPE)
    labels = [e.label for e in at.expander]
    assert "Numbers of the cost curves" in labels and not at.dataframe  # closed: the label, no table sent
    at = open_numbers(at, "the cost curves")
    assert len(at.dataframe) == 1 and "α = " in " ".join(map(str, at.dataframe[0].value.columns))
