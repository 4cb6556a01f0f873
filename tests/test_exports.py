"""Exports open as valid CSV and Markdown whose numbers match the engine."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

import perceptron as p
from perceptron.data import csv_io
from perceptron.session.lab import Lab
from perceptron.session.settings import Settings
from perceptron.views import latex, scenes


def test_history_csv_matches_the_engine():
    lab = Lab.from_settings(Settings(dataset="moons", n=80, lr=0.8, loss="bce"))
    lab.step(12)
    table = pd.read_csv(io.StringIO(scenes.history_table(lab).to_csv(index=False)))
    X, y, X_test, y_test = lab.design()
    w0, b0 = lab.initial_params()
    ref = p.train(X, y, w0, b0, lr=0.8, epochs=12, loss="bce", X_test=X_test, y_test=y_test)
    np.testing.assert_allclose(table[["w1", "w2"]].to_numpy(), ref.w, rtol=1e-12)
    np.testing.assert_allclose(table["cost"], ref.cost, rtol=1e-12)
    np.testing.assert_allclose(table["test cost"], ref.test_cost, rtol=1e-12)
    assert list(table["epoch"]) == list(range(13))


def test_dataset_csv_round_trips():
    lab = Lab.from_settings(Settings(dataset="xor", n=40, test_fraction=0.25))
    back = csv_io.read_csv(csv_io.to_csv(lab.dataset)).dataset
    np.testing.assert_array_equal(back.X, lab.dataset.X)
    np.testing.assert_array_equal(back.y, lab.dataset.y)
    np.testing.assert_array_equal(back.test, lab.dataset.test)


def test_ledger_markdown_numbers_match_the_engine():
    lab = Lab.from_settings(Settings(dataset="blobs", n=30))
    lab.step(3)
    X, y, *_ = lab.design()
    w, b = lab.params()
    L = p.chain_rule(X, y, w, b)
    text = latex.ledger_markdown("ledger", X[4], y[4], w, b, L, 4)
    blocks = re.findall(r"\$\$ (.+?) \$\$", text)
    assert len(blocks) == 3 + 6 + 3  # forward, chain rule for one sample, gradient
    z, y_hat = p.forward(X[4:5], w, b)
    assert blocks[1].endswith(f"= {latex.num(z[0])}")
    assert blocks[2].endswith(f"= {latex.num(y_hat[0])}")
    assert blocks[3].endswith(f"= {latex.num(L.dC_dyhat[4])}")
    assert blocks[-3].endswith(f"= {latex.num(L.dw[0])} ") or blocks[-3].endswith(f"= {latex.num(L.dw[0])}")
    assert blocks[-1].strip().endswith(f"= {latex.num(L.db)}")
    assert text.count("$$") % 2 == 0 and "nan" not in text.lower()
