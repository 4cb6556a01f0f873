"""The engine against independent references: scalar autodiff, decimal arithmetic, finite differences."""

from __future__ import annotations

import warnings
from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perceptron as p
from perceptron.engine.backprop import pulled_out_slip, sign_slip
from reference import reference_run

getcontext().prec = 50


# --- one sample, worked by hand in 50-digit decimal arithmetic ------------------------------


def test_hand_worked_single_sample_matches_decimal_to_the_last_digit():
    x, w, b, y = [Decimal(2), Decimal(-1)], [Decimal("0.5"), Decimal("0.25")], Decimal("-0.25"), Decimal(1)
    z = x[0] * w[0] + x[1] * w[1] + b  # 1 - 0.25 - 0.25 = 0.5
    y_hat = 1 / (1 + (-z).exp())
    cost = (y - y_hat) ** 2
    dC_dyhat = -2 * (y - y_hat)  # n = 1; note the minus sign
    dyhat_dz = y_hat * (1 - y_hat)
    dC_dw = [dC_dyhat * dyhat_dz * xi for xi in x]

    L = p.chain_rule(np.array([[2.0, -1.0]]), np.array([1.0]), np.array([0.5, 0.25]), -0.25)
    assert L.z[0] == 0.5
    for got, want in [
        (L.y_hat[0], y_hat), (L.cost, cost), (L.dC_dyhat[0], dC_dyhat), (L.dyhat_dz[0], dyhat_dz),
        (L.dw[0], dC_dw[0]), (L.dw[1], dC_dw[1]), (L.db, dC_dyhat * dyhat_dz),
    ]:
        assert abs(got - float(want)) <= 2 * np.spacing(abs(float(want))), (got, want)
    assert L.dC_dyhat[0] < 0 < L.dw[1]  # below the target: the cost falls as y_hat rises


# --- every factor against scalar autodiff -----------------------------------------------------


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_ledger_matches_scalar_autodiff(loss):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(9, 3))
    y = rng.integers(0, 2, size=9).astype(float)
    w, b = rng.normal(size=3), 0.3
    ref = reference_run(X, y, w, b, loss)
    L = p.chain_rule(X, y, w, b, loss)
    np.testing.assert_allclose(L.cost, ref["cost"], rtol=1e-13)
    np.testing.assert_allclose(L.y_hat, ref["y_hat"], rtol=1e-13)
    np.testing.assert_allclose(L.dC_dyhat, ref["dC_dyhat"], rtol=1e-10)
    np.testing.assert_allclose(L.dC_dyhat * L.dyhat_dz, L.dC_dz, rtol=1e-10)
    np.testing.assert_allclose(L.dw, ref["dw"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(L.db, ref["db"], rtol=1e-10, atol=1e-14)
    # the averaged per-sample gradients are the gradient
    np.testing.assert_allclose(L.dL_dw.mean(axis=0), L.dw, rtol=1e-12, atol=1e-15)
    dw, db = p.gradients(X, y, w, b, loss)
    np.testing.assert_allclose(dw, L.dw, rtol=1e-12)
    assert db == pytest.approx(L.db, rel=1e-12)


def test_mse_derivative_has_the_minus_sign():
    L = p.chain_rule(np.array([[1.0, 1.0], [0.0, 0.0]]), np.array([1.0, 0.0]), np.zeros(2), 0.0)
    np.testing.assert_allclose(L.dC_dyhat, -(2 / 2) * (np.array([1.0, 0.0]) - 0.5))


# --- the gradient equals finite differences, for random shapes, scales and both costs ------


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 25),
    d=st.integers(1, 5),
    scale=st.sampled_from([0.01, 0.3, 1.0, 3.0, 10.0]),
    loss=st.sampled_from(["mse", "bce"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_gradient_equals_finite_differences(n, d, scale, loss, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=scale, size=(n, d))
    y = rng.integers(0, 2, size=n).astype(float)
    w = rng.normal(size=d) / max(scale, 1.0)
    b = float(rng.normal())
    check = p.gradient_check(X, y, w, b, loss, eps=1e-6 * max(1.0, 1 / scale))
    np.testing.assert_allclose(check["analytic"], check["numeric"], rtol=1e-4, atol=1e-7)


# --- stability -----------------------------------------------------------------------------


def test_sigmoid_and_costs_finite_and_warning_free_at_extremes():
    z = np.array([-1000.0, -745.0, -50.0, 0.0, 50.0, 745.0, 1000.0])
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            s = p.sigmoid(z)
            ds = p.sigmoid_prime(z)
            values = [s, ds]
            for cost in (p.MSE, p.BCE):
                values += [cost.loss(y, z), cost.dL_dyhat(y, z), cost.dL_dz(y, z), np.array(cost(y, z))]
    for v in values:
        assert np.all(np.isfinite(v))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert p.BCE.loss(y, z)[0] == pytest.approx(1000.0)  # -log sigma(-1000) = 1000 exactly-ish, not inf
    assert p.BCE.loss(y, z)[-1] == pytest.approx(1000.0)


def test_sigmoid_prime_keeps_precision_in_the_tail():
    assert p.sigmoid_prime(40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)


# --- training -----------------------------------------------------------------------------


def _blobs(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(-1.5, 0.5, size=(n // 2, 2)), rng.normal(1.5, 0.5, size=(n // 2, 2))])
    y = np.repeat([0.0, 1.0], n // 2)
    return X, y


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_cost_falls_for_a_small_enough_step(loss):
    X, y = _blobs()
    w, b = np.array([-0.5, 0.2]), 0.1
    c0 = p.cost_at(X, y, w, b, loss)
    dw, db = p.gradients(X, y, w, b, loss)
    for lr in (1e-3, 1e-2, 1e-1):
        assert p.cost_at(X, y, w - lr * dw, b - lr * db, loss) < c0


def test_full_batch_history_shapes_and_rows():
    X, y = _blobs()
    h = p.train(X, y, np.zeros(2), 0.0, lr=0.5, epochs=20)
    assert h.w.shape == (21, 2) and h.b.shape == (21,) and h.cost.shape == (21,)
    # row k is the state after k epochs: one update by hand from row 0 gives row 1
    dw, db = p.gradients(X, y, h.w[0], h.b[0])
    np.testing.assert_allclose(h.w[1], h.w[0] - 0.5 * dw)
    assert h.b[1] == pytest.approx(h.b[0] - 0.5 * db)
    assert h.cost[3] == pytest.approx(p.cost_at(X, y, h.w[3], h.b[3]))
    assert h.cost[-1] < h.cost[0] and h.accuracy[-1] == 1.0


@pytest.mark.parametrize("batch_size", [1, 7, None])
def test_same_seed_same_run_and_steps_equal_one_run(batch_size):
    X, y = _blobs(50)
    a = p.train(X, y, np.zeros(2), 0.0, lr=0.3, epochs=6, batch_size=batch_size, seed=4)
    b = p.train(X, y, np.zeros(2), 0.0, lr=0.3, epochs=6, batch_size=batch_size, seed=4)
    np.testing.assert_array_equal(a.w, b.w)
    h = p.train(X, y, np.zeros(2), 0.0, lr=0.3, epochs=0, batch_size=batch_size, seed=4)
    for k in range(6):
        w, b0 = h.params()
        h = h.extend(p.train(X, y, w, b0, lr=0.3, epochs=1, batch_size=batch_size, seed=4, start_epoch=k))
    np.testing.assert_allclose(h.w, a.w, rtol=1e-12)
    if batch_size is not None:
        c = p.train(X, y, np.zeros(2), 0.0, lr=0.3, epochs=6, batch_size=batch_size, seed=5)
        assert not np.array_equal(a.w, c.w)


def test_minibatch_updates_once_per_batch():
    X, y = _blobs(12)
    h = p.train(X, y, np.zeros(2), 0.0, lr=0.1, epochs=1, batch_size=4, seed=0)
    order = np.random.default_rng((0, 0)).permutation(12)
    w, b = np.zeros(2), 0.0
    for s in range(0, 12, 4):
        idx = order[s : s + 4]
        dw, db = p.gradients(X[idx], y[idx], w, b)
        w, b = w - 0.1 * dw, b - 0.1 * db
    np.testing.assert_allclose(h.w[1], w, rtol=1e-12)


def test_test_set_is_recorded():
    X, y = _blobs(40)
    h = p.train(X[:30], y[:30], np.zeros(2), 0.0, lr=0.5, epochs=5, X_test=X[30:], y_test=y[30:])
    assert h.test_cost.shape == (6,)
    assert h.test_cost[5] == pytest.approx(p.cost_at(X[30:], y[30:], h.w[5], h.b[5]))


def test_divergence_stops_and_keeps_the_last_finite_state():
    X, y = _blobs()
    h = p.train(X * 1e6, y, np.zeros(2), 0.0, lr=1e308, epochs=50)
    assert h.stopped == "diverged" and "learning rate" in h.message
    assert np.all(np.isfinite(h.w)) and np.all(np.isfinite(h.cost))
    assert h.epochs < 50


def test_stop_rules():
    X, y = _blobs()
    h = p.train(X, y, np.zeros(2), 0.0, lr=1.0, epochs=10_000, tol_cost=0.01)
    assert h.stopped == "cost threshold" and h.cost[-1] <= 0.01 < h.cost[-2]
    g = p.train(X, y, np.zeros(2), 0.0, lr=1.0, epochs=10_000, tol_grad=1e-3)
    assert g.stopped == "gradient threshold" and g.grad_norm[-1] <= 1e-3


def test_history_rewind_and_bound():
    X, y = _blobs()
    h = p.train(X, y, np.zeros(2), 0.0, lr=0.5, epochs=30)
    r = h.upto(10)
    assert r.epochs == 10 and np.array_equal(r.w, h.w[:11])
    t, dropped = h.tail(12)
    assert dropped == 18 and t.epochs == 12 and np.array_equal(t.w[-1], h.w[-1])


def test_empty_data_trains_to_nothing_without_nan():
    h = p.train(np.zeros((0, 2)), np.zeros(0), np.zeros(2), 0.0, lr=1.0, epochs=3)
    assert h.epochs == 0 and np.all(np.isfinite(h.cost))


# --- Rosenblatt ----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), gap=st.floats(0.2, 2.0))
def test_rosenblatt_converges_within_novikoff_bound(seed, gap):
    rng = np.random.default_rng(seed)
    u = rng.normal(size=3)
    u /= np.linalg.norm(u)  # a unit separator of the augmented points (x, 1)
    X = rng.uniform(-2, 2, size=(80, 2))
    margin = (X @ u[:2] + u[2]) / np.linalg.norm(u)
    keep = np.abs(margin) > gap / 4
    X, y = X[keep], (margin[keep] > 0).astype(float)
    if len(np.unique(y)) < 2:
        return
    Xa = np.hstack([X, np.ones((len(X), 1))])
    R = np.max(np.linalg.norm(Xa, axis=1))
    gamma = np.min(np.abs(Xa @ u))
    h = p.rosenblatt(X, y, np.zeros(2), 0.0, lr=1.0, epochs=10_000, seed=seed)
    assert h.stopped == "converged" and h.cost[-1] == 0.0
    assert h.grad_norm.sum() <= (R / gamma) ** 2


# --- the article's slips, computed live -------------------------------------------------------


def test_sign_slip_climbs_and_pulled_out_sum_differs():
    X, y = _blobs(20)
    s = sign_slip(X, y, np.array([0.3, -0.2]), 0.1, lr=0.5)
    assert s["correct"] < s["before"] < s["sign_dropped"]
    slip = pulled_out_slip(X, y, np.array([0.3, -0.2]), 0.1, i=0)
    assert not np.allclose(slip["pulled_out"], slip["correct"])
    one = pulled_out_slip(X[:1], y[:1], np.array([0.3, -0.2]), 0.1, i=0)
    np.testing.assert_allclose(one["pulled_out"], one["correct"])


def test_the_pulled_out_sum_keeps_its_value_where_the_sigmoid_saturates():
    """Σ(yₖ − ŷₖ) with σ saturated: each 1 − σ(z) is tiny, not 0, and their sum is not a float's rounded 0
    (it was printed as 0 on the Backpropagation page at w = (−50, −50)). Reference: 60-digit decimals."""
    from decimal import Decimal, localcontext

    X = np.array([[1.0, 1.0], [1.02, 0.98], [-1.0, -1.0], [0.99, 1.0]])  # z ≈ 100 for class 1, −100 for class 0
    y = np.array([1, 1, 0, 1])
    w, b, i = np.array([50.0, 50.0]), 0.0, 1
    slip = pulled_out_slip(X, y, w, b, i=i)
    with localcontext() as ctx:
        ctx.prec = 60
        z = [Decimal(b) + sum(Decimal(float(v)) * Decimal(float(c)) for v, c in zip(x, w, strict=True)) for x in X]
        s = [1 / (1 + (-zk).exp()) for zk in z]
        total = sum(Decimal(int(yk)) - sk for yk, sk in zip(y, s, strict=True))
        expected = [float(2 / Decimal(len(y)) * total * s[i] * (1 - s[i]) * Decimal(float(x))) for x in X[i]]
    assert all(v != 0 for v in slip["pulled_out"])
    np.testing.assert_allclose(slip["pulled_out"], expected, rtol=1e-9)


# --- real data --------------------------------------------------------------------------------


def test_iris_setosa_versicolor_separated():
    from pathlib import Path

    rows = (Path(p.__file__).parent / "data" / "iris.csv").read_text().splitlines()[1:]
    rows = [r.split(",") for r in rows if r.split(",")[4] in ("setosa", "versicolor")]
    X = np.array([[float(r[2]), float(r[3])] for r in rows])
    y = np.array([float(r[4] == "versicolor") for r in rows])
    h = p.train(X, y, np.zeros(2), 0.0, lr=1.0, epochs=300)
    assert h.accuracy[-1] == 1.0


def test_bad_inputs_give_clear_errors():
    with pytest.raises(ValueError, match="rows"):
        p.gradients(np.zeros((3, 2)), np.zeros(2), np.zeros(2), 0.0)
    with pytest.raises(ValueError, match="Unknown cost"):
        p.gradients(np.zeros((3, 2)), np.zeros(3), np.zeros(2), 0.0, loss="hinge")
    with pytest.raises(ValueError, match="learning rate"):
        p.train(np.zeros((3, 2)), np.zeros(3), np.zeros(2), 0.0, lr=float("nan"), epochs=1)




def test_the_cost_went_up_is_one_definition_everywhere():
    """engine.history.moved/rises decide "went up" for the Gradient descent warning, the landscape's verdicts, the
    lesson and the learning-rate search alike: a change within 1e-12 of the larger value is rounding."""
    from perceptron.engine.history import RISE, moved, rises
    from perceptron.text.teaching import direction

    assert moved(1.0, 1.0 + RISE / 2) == 0 and moved(1.0, 1.0 + 4 * RISE) == 1 and moved(1.0, 0.5) == -1
    assert moved(1e-300, 2e-300) == 1 and moved(0.0, 0.0) == 0
    assert rises([0.3, 0.2, 0.25, 0.25, 0.1, 0.1 * (1 + 1e-15), 0.2]) == [2, 6]
    for a, b in ((0.3, 0.2), (0.2, 0.3), (0.2, 0.2 * (1 + 1e-14))):
        assert direction(a, b) == {1: "goes up", -1: "goes down", 0: "does not change"}[moved(a, b)]
