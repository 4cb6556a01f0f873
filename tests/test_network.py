"""The one-hidden-layer network against independent references: scalar autodiff and finite differences."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perceptron as single
from perceptron.data.datasets import make_dataset
from perceptron.engine import network as net
from reference import Value

# --- an independent reference: the same network built from scalar autodiff Values ------------


def reference_network(X, y, p, loss="mse", weight=None):
    """Cost and every gradient of ``weight * sum_i L_i`` (default weight 1/n), by scalar autodiff.

    Every weight and every intermediate node is its own ``Value``; nothing is shared with
    ``perceptron``. Returns the weight gradients and, per sample, the gradients at the nodes.
    """
    d, h = p.W1.shape
    W1 = [[Value(p.W1[j, k]) for k in range(h)] for j in range(d)]
    b1 = [Value(v) for v in p.b1]
    w2 = [Value(v) for v in p.w2]
    b2 = Value(p.b2)
    nodes = {"z1": [], "a1": [], "z2": [], "y_hat": []}
    terms = []
    for xi, yi in zip(X, y, strict=True):
        z1 = [b1[k] + sum((W1[j][k] * float(xi[j]) for j in range(d)), Value(0.0)) for k in range(h)]
        a1 = [z.sigmoid() for z in z1]
        z2 = b2 + sum((w2[k] * a1[k] for k in range(h)), Value(0.0))
        y_hat = z2.sigmoid()
        if loss == "mse":
            terms.append((float(yi) - y_hat) ** 2)
        else:
            terms.append(-(float(yi) * y_hat.log() + (1.0 - float(yi)) * (1.0 - y_hat).log()))
        for name, v in (("z1", z1), ("a1", a1), ("z2", z2), ("y_hat", y_hat)):
            nodes[name].append(v)
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    cost = total * (1.0 / len(y) if weight is None else weight)
    cost.backward()
    grads = lambda vs: np.array([v.grad for v in vs])
    return {
        "cost": cost.data,
        "y_hat": np.array([v.data for v in nodes["y_hat"]]),
        "dC_dyhat": grads(nodes["y_hat"]),
        "dC_dz2": grads(nodes["z2"]),
        "dC_da1": np.array([grads(row) for row in nodes["a1"]]),
        "dC_dz1": np.array([grads(row) for row in nodes["z1"]]),
        "dW1": np.array([grads(row) for row in W1]),
        "db1": grads(b1),
        "dw2": grads(w2),
        "db2": b2.grad,
    }


def random_problem(seed, n, d, h, w_scale=1.0, x_scale=1.0):
    rng = np.random.default_rng(seed)
    X = x_scale * rng.normal(size=(n, d))
    y = rng.integers(0, 2, size=n).astype(float)
    p = net.Params(
        W1=w_scale * rng.normal(size=(d, h)),
        b1=w_scale * rng.normal(size=h),
        w2=w_scale * rng.normal(size=h),
        b2=w_scale * rng.normal(),
    )
    return X, y, p


def xor():
    ds = make_dataset("xor", n=80, noise=0.1, seed=0)
    return ds.X, ds.y


# --- parameters and forward pass --------------------------------------------------------------


def test_init_params_is_seeded_and_scaled_by_fan_in():
    a, b = net.init_params(3, 5, seed=4), net.init_params(3, 5, seed=4)
    assert (a.W1.shape, a.b1.shape, a.w2.shape, a.d, a.h, a.size) == ((3, 5), (5,), (5,), 3, 5, 26)
    assert np.array_equal(a.vector(), b.vector())
    assert not np.array_equal(a.W1, net.init_params(3, 5, seed=5).W1)
    assert np.all(a.b1 == 0) and a.b2 == 0.0
    rng = np.random.default_rng(4)  # the documented scheme, drawn in order
    np.testing.assert_array_equal(a.W1, rng.standard_normal((3, 5)) / np.sqrt(3))
    np.testing.assert_array_equal(a.w2, rng.standard_normal(5) / np.sqrt(5))
    np.testing.assert_allclose(net.init_params(3, 5, seed=4, scale=2.5).W1, 2.5 * a.W1)
    assert np.all(net.init_params(2, 2, scale=0.0).vector() == 0)
    with pytest.raises(ValueError):
        net.init_params(0, 3)
    with pytest.raises(ValueError):
        net.init_params(2, 0)


def test_params_are_read_only_checked_and_round_trip_through_a_vector():
    p = net.init_params(2, 4, seed=1)
    with pytest.raises(ValueError):
        p.W1[0, 0] = 1.0
    q = net.Params.from_vector(p.vector(), 2, 4)
    for name in ("W1", "b1", "w2"):
        assert np.array_equal(getattr(p, name), getattr(q, name))
    assert q.b2 == p.b2
    with pytest.raises(ValueError):
        net.Params(np.zeros((2, 3)), np.zeros(2), np.zeros(3), 0.0)
    with pytest.raises(ValueError):
        net.Params.from_vector(np.zeros(5), 2, 4)


def test_forward_shapes_and_values():
    X, y, p = random_problem(0, n=7, d=3, h=4)
    f = net.forward(X, p)
    assert f.z1.shape == f.a1.shape == (7, 4) and f.z2.shape == f.y_hat.shape == (7,)
    for i in range(7):
        for k in range(4):
            z = sum(X[i, j] * p.W1[j, k] for j in range(3)) + p.b1[k]
            assert f.z1[i, k] == pytest.approx(z, rel=1e-14)
            assert f.a1[i, k] == pytest.approx(1 / (1 + np.exp(-z)), rel=1e-14)
        z2 = sum(f.a1[i, k] * p.w2[k] for k in range(4)) + p.b2
        assert f.z2[i] == pytest.approx(z2, rel=1e-13, abs=1e-15)
    np.testing.assert_array_equal(net.predict(X, p), (f.y_hat >= 0.5).astype(int))
    assert net.predict(X, p).dtype.kind == "i"
    assert net.accuracy(X, y, p) == np.mean(net.predict(X, p) == y)
    with pytest.raises(ValueError):
        net.forward(np.zeros((3, 2)), p)


def test_hidden_grid_gives_each_units_activation_over_the_grid():
    _, _, p = random_problem(1, n=1, d=2, h=3)
    g = np.linspace(-2, 2, 11)
    G = np.column_stack([np.repeat(g, 11), np.tile(g, 11)])
    A = net.hidden_grid(G, p)
    assert A.shape == (3, 121)
    np.testing.assert_array_equal(A, net.forward(G, p).a1.T)
    # unit k is above 0.5 exactly on its own side of its own line
    np.testing.assert_array_equal(A >= 0.5, (G @ p.W1 + p.b1).T >= 0)


# --- gradients ----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 20),
    d=st.integers(1, 4),
    h=st.integers(1, 8),
    loss=st.sampled_from(["mse", "bce"]),
    w_scale=st.floats(0.05, 3.0),
    x_scale=st.floats(0.05, 3.0),
)
def test_gradients_equal_finite_differences(seed, n, d, h, loss, w_scale, x_scale):
    X, y, p = random_problem(seed, n, d, h, w_scale, x_scale)
    g = net.gradients(X, y, p, loss)
    ng = net.numerical_gradient(X, y, p, loss)
    for name in ("W1", "b1", "w2"):
        assert getattr(g, name).shape == getattr(p, name).shape
    np.testing.assert_allclose(g.vector(), ng.vector(), rtol=1e-5, atol=1e-8)
    check = net.gradient_check(X, y, p, loss)
    np.testing.assert_array_equal(check["analytic"], g.vector())
    np.testing.assert_array_equal(check["numeric"], ng.vector())
    assert check["rel_error"] < 1e-5 or np.linalg.norm(check["analytic"] - check["numeric"]) < 1e-8


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize(("n", "d", "h"), [(1, 1, 1), (6, 2, 3), (9, 3, 5)])
def test_ledger_matches_scalar_autodiff_for_every_weight(loss, n, d, h):
    X, y, p = random_problem(11 + n + d + h, n, d, h)
    L = net.chain_rule(X, y, p, loss)
    ref = reference_network(X, y, p, loss)
    tight = dict(rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(L.cost, ref["cost"], rtol=1e-13)
    np.testing.assert_allclose(L.y_hat, ref["y_hat"], rtol=1e-13)
    np.testing.assert_allclose(L.dC_dyhat, ref["dC_dyhat"], **tight)
    np.testing.assert_allclose(L.dC_dz2, ref["dC_dz2"], **tight)
    np.testing.assert_allclose(L.dC_da1, ref["dC_da1"], **tight)
    np.testing.assert_allclose(L.dC_dz1, ref["dC_dz1"], **tight)
    for name in ("dW1", "db1", "dw2", "db2"):
        np.testing.assert_allclose(getattr(L, name), ref[name], **tight)
    # each sample's contribution: autodiff of that sample's L_i / n alone
    for i in range(n):
        one = reference_network(X[i : i + 1], y[i : i + 1], p, loss, weight=1.0 / n)
        np.testing.assert_allclose(L.dC_dW1_i[i], one["dW1"], **tight)
        np.testing.assert_allclose(L.dC_db1_i[i], one["db1"], **tight)
        np.testing.assert_allclose(L.dC_dw2_i[i], one["dw2"], **tight)
        np.testing.assert_allclose(L.dC_db2_i[i], one["db2"], **tight)


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_ledger_factors_multiply_and_contributions_sum_to_the_gradient(loss):
    X, y, p = random_problem(3, n=12, d=3, h=4)
    L = net.chain_rule(X, y, p, loss)
    n, d, h = 12, 3, 4
    shapes = {
        "dC_dyhat": (n,), "dyhat_dz2": (n,), "dC_dz2": (n,), "dz2_dw2": (n, h), "dC_dw2_i": (n, h),
        "dC_db2_i": (n,), "dz2_da1": (h,), "dC_da1": (n, h), "da1_dz1": (n, h), "dC_dz1": (n, h),
        "dz1_dW1": (n, d), "dC_dW1_i": (n, d, h), "dC_db1_i": (n, h), "dW1": (d, h), "db1": (h,), "dw2": (h,),
    }
    for name, shape in shapes.items():
        assert getattr(L, name).shape == shape, name
    assert L.n == n and isinstance(L.db2, float) and isinstance(L.cost, float)
    np.testing.assert_array_equal(L.dz2_dw2, L.a1)
    np.testing.assert_array_equal(L.dz2_da1, p.w2)
    np.testing.assert_array_equal(L.dz1_dW1, X)
    np.testing.assert_allclose(L.da1_dz1, L.a1 * (1 - L.a1), rtol=1e-12)
    np.testing.assert_allclose(L.dC_dyhat * L.dyhat_dz2, L.dC_dz2, rtol=1e-10)
    np.testing.assert_allclose(L.dC_dz2[:, None] * p.w2 * L.da1_dz1, L.dC_dz1, rtol=1e-12)
    for j in range(d):
        for k in range(h):
            np.testing.assert_allclose(L.dC_dW1_i[:, j, k], X[:, j] * L.dC_dz1[:, k], rtol=1e-15)
    g = net.gradients(X, y, p, loss)
    np.testing.assert_allclose(L.dC_dW1_i.sum(axis=0), g.W1, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(L.dC_db1_i.sum(axis=0), g.b1, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(L.dC_dw2_i.sum(axis=0), g.w2, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(L.dC_db2_i.sum(), g.b2, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(L.grads.vector(), g.vector(), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(L.loss.mean(), L.cost, rtol=1e-14)
    assert L.cost == pytest.approx(net.cost_at(X, y, p, loss), rel=1e-14)


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("h", [1, 3])
def test_output_layer_is_the_single_neuron_on_the_hidden_activations(loss, h):
    X, y, p = random_problem(5, n=10, d=2, h=h)
    L = net.chain_rule(X, y, p, loss)
    one = single.chain_rule(L.a1, y, p.w2, p.b2, loss)
    np.testing.assert_allclose(L.z2, one.z, rtol=1e-14)
    np.testing.assert_allclose(L.y_hat, one.y_hat, rtol=1e-14)
    np.testing.assert_allclose(L.dC_dyhat, one.dC_dyhat, rtol=1e-14)
    np.testing.assert_allclose(L.dyhat_dz2, one.dyhat_dz, rtol=1e-14)
    np.testing.assert_allclose(L.dC_dz2, one.dC_dz, rtol=1e-14)
    np.testing.assert_allclose(L.dz2_dw2, one.dz_dw, rtol=1e-14)
    np.testing.assert_allclose(L.dC_dw2_i, one.dC_dw_i, rtol=1e-14)
    np.testing.assert_allclose(L.dw2, one.dw, rtol=1e-13)
    assert L.db2 == pytest.approx(one.db, rel=1e-13)
    assert L.cost == pytest.approx(one.cost, rel=1e-14)


def test_empty_data_gives_zero_gradient():
    p = net.init_params(2, 3)
    g = net.gradients(np.zeros((0, 2)), np.zeros(0), p)
    assert np.all(g.vector() == 0)


# --- training -----------------------------------------------------------------------------------


def test_hidden_layer_separates_xor_where_one_neuron_cannot():
    X, y = xor()
    for h, loss, lr, epochs in [(2, "mse", 3.0, 400), (3, "bce", 3.0, 300)]:
        hist = net.train(X, y, net.init_params(2, h, seed=0), lr=lr, epochs=epochs, loss=loss)
        assert hist.stopped is None and hist.epochs == epochs
        assert hist.accuracy[-1] == 1.0, (h, loss)
        assert net.accuracy(X, y, hist.params()) == 1.0
        assert hist.cost[-1] < hist.cost[0]
    lone = single.train(X, y, np.zeros(2), 0.0, lr=1.0, epochs=1000, loss="bce")
    assert lone.accuracy.max() <= 0.8  # no line gets more than three XOR corners right


@pytest.mark.parametrize("batch_size", [None, 7, 1])
def test_same_seed_same_run_and_stepping_equals_one_run(batch_size):
    X, y = xor()
    p = net.init_params(2, 3, seed=2)
    kw = dict(lr=2.0, loss="bce", batch_size=batch_size, seed=5)
    long = net.train(X, y, p, epochs=8, **kw)
    again = net.train(X, y, net.init_params(2, 3, seed=2), epochs=8, **kw)
    stepped = net.train(X, y, p, epochs=0, **kw)
    for k in range(8):
        stepped = stepped.extend(net.train(X, y, stepped.params(), epochs=1, start_epoch=k, **kw))
    three = net.train(X, y, p, epochs=3, **kw)
    rest = three.extend(net.train(X, y, three.params(), epochs=5, start_epoch=3, **kw))
    for other in (again, stepped, rest):
        for a, b in zip(long._arrays(), other._arrays(), strict=True):
            assert (a is None and b is None) or np.array_equal(a, b)
    assert long.W1.shape == (9, 2, 3) and long.b1.shape == long.w2.shape == (9, 3) and long.b2.shape == (9,)
    if batch_size is not None:  # the shuffling seed matters, and only it
        other_seed = net.train(X, y, p, epochs=8, **{**kw, "seed": 6})
        assert not np.array_equal(other_seed.W1, long.W1)


def test_full_batch_step_is_gradient_descent_and_rows_are_states():
    X, y, p = random_problem(8, n=15, d=2, h=4)
    hist = net.train(X, y, p, lr=0.5, epochs=3, loss="mse")
    for k in range(3):
        q, g = hist.params(k), net.gradients(X, y, hist.params(k), "mse")
        nxt = hist.params(k + 1)
        np.testing.assert_allclose(nxt.vector(), q.vector() - 0.5 * g.vector(), rtol=1e-15, atol=1e-15)
        assert hist.cost[k] == pytest.approx(net.cost_at(X, y, q), rel=1e-14)
        assert hist.grad_norm[k] == pytest.approx(np.linalg.norm(g.vector()), rel=1e-12)
    np.testing.assert_array_equal(hist.params(0).vector(), p.vector())


def test_held_out_record_and_rewinding():
    X, y = xor()
    p = net.init_params(2, 2, seed=0)
    hist = net.train(X[:60], y[:60], p, lr=3.0, epochs=20, X_test=X[60:], y_test=y[60:])
    assert hist.test_cost.shape == hist.test_accuracy.shape == (21,)
    for k in (0, 10, 20):
        assert hist.test_cost[k] == pytest.approx(net.cost_at(X[60:], y[60:], hist.params(k)), rel=1e-14)
        assert hist.test_accuracy[k] == net.accuracy(X[60:], y[60:], hist.params(k))
    cut = hist.upto(5)
    assert cut.epochs == 5 and np.array_equal(cut.W1, hist.W1[:6]) and np.array_equal(cut.test_cost, hist.test_cost[:6])
    kept, dropped = hist.tail(4)
    assert dropped == 16 and kept.epochs == 4 and np.array_equal(kept.b2, hist.b2[16:])
    assert net.train(X, y, p, lr=1.0, epochs=2).test_cost is None


@pytest.mark.parametrize("batch_size", [None, 5, 1])
def test_divergence_stops_and_keeps_the_last_finite_state(batch_size):
    rng = np.random.default_rng(0)
    X = 100 * rng.normal(size=(20, 2))
    y = rng.integers(0, 2, size=20)
    p = net.init_params(2, 3, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # diverging quietly: no overflow warnings
        hist = net.train(X, y, p, lr=1e308, epochs=50, loss="bce", batch_size=batch_size)
    assert hist.stopped == "diverged" and hist.diverged and "diverged" in hist.message
    assert hist.epochs < 50
    for a in (hist.W1, hist.b1, hist.w2, hist.b2, hist.cost, hist.accuracy, hist.grad_norm):
        assert np.all(np.isfinite(a))
    assert hist.params().is_finite()


def test_bad_training_inputs_raise():
    X, y = xor()
    p = net.init_params(2, 2)
    for lr in (-1.0, np.inf, np.nan):
        with pytest.raises(ValueError):
            net.train(X, y, p, lr=lr, epochs=1)
    with pytest.raises(ValueError):
        net.train(X, y, net.Params(np.full((2, 2), np.inf), np.zeros(2), np.zeros(2), 0.0), lr=1.0, epochs=1)
    with pytest.raises(ValueError):
        net.train(X, y[:-1], p, lr=1.0, epochs=1)
    with pytest.raises(ValueError):
        net.train(X, y, p, lr=1.0, epochs=1, batch_size=0)
    with pytest.raises(ValueError):
        net.train(X, y, p, lr=1.0, epochs=1, loss="hinge")


def test_early_stopping_thresholds():
    X, y = xor()
    p = net.init_params(2, 3, seed=0)
    hist = net.train(X, y, p, lr=3.0, epochs=2000, loss="bce", tol_cost=0.1)
    assert hist.stopped == "cost threshold" and hist.cost[-1] <= 0.1 and np.all(hist.cost[:-1] > 0.1)
    assert net.train(X, y, p, lr=3.0, epochs=5, tol_grad=1e9).epochs == 0


def test_a_saturated_output_keeps_its_gradient():
    """A label-1 sample at z⁽²⁾ ≈ 200: ∂C/∂b₂ = −2(1 − σ(z))σ′(z) ≈ −2e⁻⁴⁰⁰ ≈ −3.8×10⁻¹⁷⁴ (σ(−z) keeps its digits),
    where 1 − ŷ in floats is 0: the network's chain rule gives the true value, not 0 (MSE), and −σ(−z) (BCE)."""
    from perceptron.engine.network import Params, gradients

    X, y = np.array([[1.0, 0.0]]), np.array([1])
    p = Params(W1=np.zeros((2, 1)), b1=np.zeros(1), w2=np.zeros(1), b2=200.0)
    g_mse, g_bce = gradients(X, y, p, "mse"), gradients(X, y, p, "bce")
    s = math.exp(-200.0)  # σ(−200) to a relative 1e-87; σ′(200) = σ(200)σ(−200) ≈ s
    assert math.isclose(g_mse.b2, -2 * s * s, rel_tol=1e-12) and g_mse.b2 != 0
    assert math.isclose(g_bce.b2, -s, rel_tol=1e-12)
