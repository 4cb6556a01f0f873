"""The single-sample loop in plain Python floats (``training._epoch_in_floats``) against the numpy loop of
the same mathematics (``training._epoch_of_batches`` with one sample a batch) and against the independent
scalar-autodiff reference (``tests/reference.py``). The two loops round differently (the order of a dot
product's additions), so they agree to rounding, over few epochs at learning rates where descent is not
chaotic. No timing here: what the loop costs is ``python -m bench links``' ``engine_single_sample`` row.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perceptron.data import datasets as ds
from perceptron.engine import training
from perceptron.engine.costs import BCE, MSE
from perceptron.engine.history import seeded_order
from reference import reference_run

MAPS = ("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


def same_history(a, b) -> None:
    assert (a.epochs, a.stopped, a.message) == (b.epochs, b.stopped, b.message)
    for name in a.row_names():
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            np.testing.assert_array_equal(x, y, err_msg=name)  # bit for bit, NaN where NaN


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize(("name", "maps", "standardize"), [
    ("blobs", (), True), ("overlap", ("x1^2",), True), ("moons", MAPS, True), ("xor", ("x1*x2",), False),
])
def test_one_epoch_agrees_with_the_numpy_loop(name, maps, standardize, loss):
    data = ds.make_dataset(name, n=120, noise=0.3, seed=2, test_fraction=0.2)
    f = ds.fit_features(data.train_X, maps=maps, standardize=standardize)
    X, y = f.transform(data.train_X), data.train_y.astype(float)
    fl = training._Floats(X, y)
    cost = MSE if loss == "mse" else BCE
    for w, b in ((np.zeros(f.d), 0.0), (np.random.default_rng(f.d).normal(0, 0.5, f.d), 0.1)):
        for epoch in range(3):
            wn, bn = training._epoch_of_batches(X, y, w, b, 0.3, cost, 1, 3, epoch)
            wf, bf = training._epoch_in_floats(fl, w, b, 0.3, loss == "mse", 3, epoch)
            np.testing.assert_allclose(wf, wn, rtol=1e-12, atol=1e-14)
            assert bf == pytest.approx(bn, rel=1e-12, abs=1e-14)
            w, b = wn, bn


@settings(max_examples=60, deadline=None)
@given(d=st.integers(1, 7), n=st.integers(2, 30), scale=st.sampled_from([1e-3, 1.0, 1e3]),
       mse=st.booleans(), seed=st.integers(0, 2**16))
def test_one_epoch_agrees_at_small_and_large_inputs(d, n, scale, mse, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, size=(n, d)) * scale
    y = (rng.random(n) < 0.5).astype(float)
    w, b = rng.normal(0.0, 1.0, size=d), float(rng.normal())
    with np.errstate(all="ignore"):
        wn, bn = training._epoch_of_batches(X, y, w, b, 0.1, MSE if mse else BCE, 1, seed, 0)
    wf, bf = training._epoch_in_floats(training._Floats(X, y), w, b, 0.1, mse, seed, 0)
    scale_w = max(1.0, float(np.max(np.abs(wn))))
    np.testing.assert_allclose(wf, wn, rtol=1e-9, atol=1e-9 * scale_w)
    assert bf == pytest.approx(bn, rel=1e-9, abs=1e-9 * scale_w)


def test_a_saturated_sigmoid_and_an_overflowing_step_stay_finite_or_stop():
    """z of ±1000 gives σ = 1 or 0 with no overflow error; a learning rate that overflows the weights
    stops the pass, and train reports the divergence keeping the last finite state."""
    X, y = np.array([[1000.0, 0.0], [-1000.0, 0.0]]), np.array([0.0, 1.0])
    w, b = training._epoch_in_floats(training._Floats(X, y), np.array([1.0, 0.0]), 0.0, 0.1, True, 0, 0)
    assert np.all(np.isfinite(w)) and math.isfinite(b)
    h = training.train(np.array([[1e100, 1.0], [-1e100, 1.0]]), np.array([0.0, 1.0]), np.zeros(2), 0.0,
                       lr=1e300, epochs=3, loss="bce", batch_size=1)
    assert h.stopped == "diverged" and np.all(np.isfinite(h.w))


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("maps", [(), MAPS])
def test_every_update_matches_the_scalar_autodiff_reference(loss, maps):
    """Single-sample descent replayed with the independent reference: each update is the gradient of that
    one sample's loss (the mean over a batch of one), in the seeded order, for 5 epochs."""
    data = ds.make_dataset("moons", n=12, noise=0.2, seed=5, test_fraction=0.0)
    f = ds.fit_features(data.train_X, maps=maps, standardize=True)
    X, y = f.transform(data.train_X), data.train_y.astype(float)
    w, b, lr = np.linspace(-0.4, 0.4, f.d), 0.2, 0.7
    h = training.train(X, y, w, b, lr=lr, epochs=5, loss=loss, batch_size=1, seed=9)
    w, b = list(w), b
    for epoch in range(5):
        for i in seeded_order(len(y), 9, epoch):
            r = reference_run([X[i]], [y[i]], w, b, loss)
            w = [wj - lr * g for wj, g in zip(w, r["dw"], strict=True)]
            b = b - lr * r["db"]
        np.testing.assert_allclose(h.w[epoch + 1], w, rtol=0, atol=1e-12)
        assert abs(h.b[epoch + 1] - b) <= 1e-12


@pytest.mark.parametrize("maps", [(), MAPS])
def test_stepping_k_times_equals_one_run_of_k_epochs(maps):
    data = ds.make_dataset("overlap", n=80, noise=0.5, seed=1, test_fraction=0.0)
    f = ds.fit_features(data.train_X, maps=maps, standardize=True)
    X, y = f.transform(data.train_X), data.train_y.astype(float)
    kw = {"lr": 5.0, "loss": "mse", "batch_size": 1, "seed": 4}  # chaotic: any difference would grow
    one = training.train(X, y, np.zeros(f.d), 0.0, epochs=12, **kw)
    h = training.train(X, y, np.zeros(f.d), 0.0, epochs=0, **kw)
    for k in range(12):
        w, b = h.params()
        h = h.extend(training.train(X, y, w, b, epochs=1, start_epoch=k, **kw))
    same_history(h, one)
