"""Presets, Iris, editing, splits and the feature pipeline."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perceptron.data import datasets as D
from perceptron.engine.training import rosenblatt


def separable(X, y, epochs=200) -> bool:
    """Rosenblatt's rule converges (zero mistakes) within ``epochs``."""
    hist = rosenblatt(X, y, np.zeros(X.shape[1]), 0.0, epochs=epochs)
    return hist.stopped == "converged" and hist.cost[-1] == 0


# --- presets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", list(D.PRESETS))
@pytest.mark.parametrize("n", [0, 1, 7, 100])
def test_preset_shapes_and_balance(preset, n):
    ds = D.make_dataset(preset, n=n, seed=3)
    assert ds.X.shape == (n, 2) and ds.X.dtype == float
    assert ds.y.shape == (n,) and ds.y.dtype.kind == "i"
    assert ds.test.shape == (n,) and ds.test.dtype == bool and not ds.test.any()
    assert set(ds.y.tolist()) <= {0, 1}
    assert int(ds.y.sum()) == n // 2 and int((ds.y == 0).sum()) == n - n // 2
    assert np.all(np.isfinite(ds.X))
    assert ds.source == preset and ds.n == n


@pytest.mark.parametrize("preset", list(D.PRESETS))
def test_preset_scale(preset):
    X = D.make_dataset(preset, n=400).X
    assert np.all(np.abs(X) < 3.0)
    assert np.mean(np.abs(X) <= 2.0) > 0.97
    assert X.std() > 0.3  # not collapsed onto a point


@pytest.mark.parametrize("preset", list(D.PRESETS))
def test_seed_reproducibility(preset):
    a, b = D.make_dataset(preset, n=50, seed=5), D.make_dataset(preset, n=50, seed=5)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    c = D.make_dataset(preset, n=50, seed=6)
    assert not np.array_equal(a.X, c.X)


def test_unknown_preset_names_the_choices():
    with pytest.raises(ValueError, match="blobs.*xor"):
        D.make_dataset("spiral")


@pytest.mark.parametrize("bad", [-1, 2.5, True])
def test_bad_n(bad):
    with pytest.raises(ValueError, match="number of points"):
        D.make_dataset("blobs", n=bad)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_bad_noise(bad):
    with pytest.raises(ValueError, match="noise"):
        D.make_dataset("blobs", noise=bad)


@pytest.mark.parametrize("seed", range(5))
def test_blobs_separable_at_default_noise(seed):
    ds = D.make_dataset("blobs", n=200, seed=seed)
    assert separable(ds.X, ds.y)


def test_overlap_is_not_separable():
    ds = D.make_dataset("overlap", n=200)
    assert not separable(ds.X, ds.y, epochs=50)


@pytest.mark.parametrize("preset", ["and", "or"])
def test_and_or_separable_when_clean(preset):
    ds = D.make_dataset(preset, n=100, noise=0.0)
    assert separable(ds.X, ds.y)


def test_xor_not_linearly_separable_but_separable_with_product():
    ds = D.make_dataset("xor", n=100, noise=0.0)
    assert not separable(ds.X, ds.y)
    f = D.fit_features(ds.X, maps=("x1*x2",))
    assert separable(f.transform(ds.X), ds.y)


@pytest.mark.parametrize("preset", ["and", "or", "xor"])
def test_logic_labels_follow_the_corners(preset):
    ds = D.make_dataset(preset, n=200, noise=0.0)
    a, b = (ds.X[:, 0] > 0).astype(int), (ds.X[:, 1] > 0).astype(int)
    expected = {"and": a & b, "or": a | b, "xor": a ^ b}[preset]
    np.testing.assert_array_equal(ds.y, expected)


def test_circles_inner_ring_is_class_1():
    ds = D.make_dataset("circles", n=200, noise=0.0)
    r = np.hypot(ds.X[:, 0], ds.X[:, 1])
    assert r[ds.y == 1].max() < r[ds.y == 0].min()


def test_function_labels_by_the_curve_when_clean():
    ds = D.make_dataset("function", n=200, noise=0.0)
    above = ds.X[:, 1] > np.sin(1.5 * ds.X[:, 0])
    np.testing.assert_array_equal(ds.y, above.astype(int))


def test_noise_spreads_the_points():
    clean = D.make_dataset("blobs", n=200, noise=0.0)
    noisy = D.make_dataset("blobs", n=200, noise=0.5)
    assert noisy.X[noisy.y == 0].std(axis=0).mean() > 2 * clean.X[clean.y == 0].std(axis=0).mean()


# --- splits -----------------------------------------------------------------------------------


@given(n=st.integers(0, 300), frac=st.floats(0, 0.95), seed=st.integers(0, 2**31))
@settings(max_examples=100, deadline=None)
def test_split_mask_exact_count(n, frac, seed):
    m = D.split_mask(n, frac, seed)
    assert m.shape == (n,) and m.dtype == bool
    assert int(m.sum()) == round(n * frac)
    np.testing.assert_array_equal(m, D.split_mask(n, frac, seed))


def test_split_mask_stratified_and_seeded():
    y = np.repeat([0, 1], [60, 40])
    m = D.split_mask(100, 0.2, 1, y=y)
    assert int(m[y == 0].sum()) == 12 and int(m[y == 1].sum()) == 8
    assert not np.array_equal(m, D.split_mask(100, 0.2, 2, y=y))


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan")])
def test_split_mask_bad_fraction(bad):
    with pytest.raises(ValueError, match="test fraction"):
        D.split_mask(10, bad, 0)


def test_make_dataset_with_test_fraction_and_counts():
    ds = D.make_dataset("blobs", n=100, test_fraction=0.2)
    assert int(ds.test.sum()) == 20
    assert ds.counts == {"train": {0: 40, 1: 40}, "test": {0: 10, 1: 10}}
    assert ds.train_X.shape == (80, 2) and ds.test_X.shape == (20, 2)
    assert ds.train_y.shape == (80,) and ds.test_y.shape == (20,)


def test_with_split_keeps_points():
    ds = D.make_dataset("moons", n=50)
    s = D.with_split(ds, 0.3, seed=4)
    np.testing.assert_array_equal(s.X, ds.X)
    np.testing.assert_array_equal(s.y, ds.y)
    assert int(s.test.sum()) == 15
    assert int(D.with_split(s, 0.0, 0).test.sum()) == 0


# --- iris -------------------------------------------------------------------------------------


def test_iris_setosa_versicolor():
    ds = D.load_iris()
    assert ds.X.shape == (100, 2)
    assert ds.counts["train"] == {0: 50, 1: 50}
    assert ds.class_names == ("setosa", "versicolor")
    assert ds.feature_names == ("petal_length_cm", "petal_width_cm")
    assert ds.source == "iris"
    np.testing.assert_allclose(ds.X[0], [1.4, 0.2])  # the first flower of the file
    assert separable(ds.X, ds.y)


def test_iris_choices_and_labels():
    ds = D.load_iris(features=("sepal_length_cm", "sepal_width_cm"), species=("virginica", "setosa"),
                     test_fraction=0.2, seed=1)
    assert ds.class_names == ("virginica", "setosa")
    assert ds.counts == {"train": {0: 40, 1: 40}, "test": {0: 10, 1: 10}}
    # setosa (label 1) has the wider sepals on average
    assert ds.X[ds.y == 1, 1].mean() > ds.X[ds.y == 0, 1].mean()
    assert D.IRIS_FEATURES == ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")
    assert D.IRIS_SPECIES == ("setosa", "versicolor", "virginica")


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(features=("petal_length_cm", "stem")), "Unknown Iris feature 'stem'"),
        (dict(species=("setosa", "rose")), "Unknown Iris species 'rose'"),
        (dict(species=("setosa", "setosa")), "two different species"),
        (dict(features=("petal_length_cm",)), "exactly two Iris features"),
    ],
)
def test_iris_bad_names(kw, message):
    with pytest.raises(ValueError, match=message):
        D.load_iris(**kw)


# --- editing ----------------------------------------------------------------------------------


def test_add_point_returns_new_dataset():
    ds = D.make_dataset("blobs", n=4)
    new = D.add_point(ds, 0.5, -0.25, 1, test=True)
    assert ds.n == 4 and new.n == 5
    np.testing.assert_array_equal(new.X[-1], [0.5, -0.25])
    assert new.y[-1] == 1 and new.test[-1]
    assert new.feature_names == ds.feature_names and new.source == ds.source


def test_add_point_to_empty():
    new = D.add_point(D.make_dataset("xor", n=0), 1, 2, 0)
    assert new.X.shape == (1, 2) and new.y.tolist() == [0] and new.test.tolist() == [False]


@pytest.mark.parametrize(
    "x1, x2, label",
    [(float("nan"), 0, 0), (0, float("inf"), 1), ("a", 0, 1), (0, 0, 2), (0, 0, -1), (0, 0, 0.5), (0, 0, None)],
)
def test_add_point_rejects(x1, x2, label):
    with pytest.raises(ValueError):
        D.add_point(D.make_dataset("blobs", n=2), x1, x2, label)


def test_delete_points():
    ds = D.make_dataset("blobs", n=10, test_fraction=0.3)
    out = D.delete_points(ds, [0, 3, 3, 9])
    assert out.n == 7
    keep = [i for i in range(10) if i not in (0, 3, 9)]
    np.testing.assert_array_equal(out.X, ds.X[keep])
    np.testing.assert_array_equal(out.y, ds.y[keep])
    np.testing.assert_array_equal(out.test, ds.test[keep])
    assert D.delete_points(ds, range(10)).n == 0
    assert D.delete_points(ds, []).n == 10
    assert D.delete_points(ds, np.array([1, 2])).n == 8


@pytest.mark.parametrize("bad", [[10], [-1], [1.5]])
def test_delete_points_rejects(bad):
    with pytest.raises(ValueError):
        D.delete_points(D.make_dataset("blobs", n=10), bad)


def test_dataset_is_frozen_and_arrays_read_only():
    ds = D.make_dataset("blobs", n=4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.X = np.zeros((0, 2))
    with pytest.raises(ValueError):
        ds.X[0, 0] = 1.0


def test_dataset_validates():
    with pytest.raises(ValueError):
        D.Dataset(X=np.zeros((2, 3)), y=[0, 1], test=[False, False])
    with pytest.raises(ValueError):
        D.Dataset(X=np.zeros((2, 2)), y=[0, 2], test=[False, False])
    with pytest.raises(ValueError):
        D.Dataset(X=np.zeros((2, 2)), y=[0], test=[False, False])
    empty = D.Dataset(X=np.zeros((0, 2)), y=np.zeros(0, dtype=int), test=np.zeros(0, dtype=bool))
    assert empty.n == 0 and empty.counts == {"train": {0: 0, 1: 0}, "test": {0: 0, 1: 0}}


# --- features ---------------------------------------------------------------------------------


def test_feature_maps_listed():
    assert {"x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"} <= set(D.FEATURE_MAPS)


def test_features_identity_by_default():
    X = D.make_dataset("moons", n=20).X
    f = D.fit_features(X)
    assert f.d == 2 and f.names == ("x_1", "x_2")
    np.testing.assert_array_equal(f.transform(X), X)


def test_features_maps_and_names():
    X = np.array([[1.0, 2.0], [-0.5, 3.0]])
    maps = ("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
    f = D.fit_features(X, maps=maps)
    assert f.d == 7
    assert f.names == ("x_1", "x_2", "x_1^2", "x_2^2", "x_1 x_2", r"\sin x_1", r"\sin x_2")
    a, b = X[:, 0], X[:, 1]
    expected = np.column_stack([a, b, a**2, b**2, a * b, np.sin(a), np.sin(b)])
    np.testing.assert_allclose(f.transform(X), expected)


def test_standardize_fits_on_training_points():
    ds = D.make_dataset("blobs", n=200, test_fraction=0.25, seed=2)
    ds = ds.replace(X=ds.X * [3.0, 0.5] + [10.0, -4.0])
    f = D.fit_features(ds.train_X, maps=("x1^2",), standardize=True)
    Z = f.transform(ds.train_X)
    np.testing.assert_allclose(Z[:, :2].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z[:, :2].std(axis=0), 1, atol=1e-12)
    np.testing.assert_allclose(Z[:, 2], Z[:, 0] ** 2)  # maps act on the standardized columns
    T = f.transform(ds.test_X)
    assert T.shape == (50, 3)
    np.testing.assert_allclose(T[:, :2], (ds.test_X - f.mean) / f.std)


def test_zero_std_column_stays_finite():
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    f = D.fit_features(X, maps=("x2^2",), standardize=True)
    Z = f.transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z[:, 1], 0)
    assert f.std[1] == 1


def test_features_on_zero_points():
    f = D.fit_features(np.zeros((0, 2)), maps=("sin(x1)",), standardize=True)
    np.testing.assert_array_equal(f.mean, [0, 0])
    np.testing.assert_array_equal(f.std, [1, 1])
    assert f.transform(np.zeros((0, 2))).shape == (0, 3)
    assert f.transform(np.ones((4, 2))).shape == (4, 3)


def test_unknown_feature_map():
    with pytest.raises(ValueError, match="Unknown feature map"):
        D.fit_features(np.zeros((3, 2)), maps=("x1^3",))


def test_circles_separable_with_squares():
    ds = D.make_dataset("circles", n=100, noise=0.05)
    assert not separable(ds.X, ds.y, epochs=30)
    f = D.fit_features(ds.X, maps=("x1^2", "x2^2"))
    assert separable(f.transform(ds.X), ds.y)
