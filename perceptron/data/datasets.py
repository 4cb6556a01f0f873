r"""Datasets of labelled points on a plane, and the features the neuron sees.

A :class:`Dataset` holds n points :math:`x_i = (x_{i1}, x_{i2})` with labels
:math:`y_i \in \{0, 1\}` and a mask of held-out *test* points. Presets are drawn
from seeded generators (``np.random.default_rng(seed)``) on a standard-ish scale,
roughly within :math:`[-2, 2]^2`, so that a learning rate near 1 trains. Fisher's
Iris flowers come from ``iris.csv`` next to this module.

A :class:`Features` pipeline turns the raw points into the neuron's inputs:
optional standardization :math:`\tilde x_j = (x_j - \mu_j)/\sigma_j` with
:math:`\mu, \sigma` fitted on the training points, then the two columns followed
by chosen feature maps such as :math:`x_1^2` or :math:`\sin x_1`.

Every function returns a new ``Dataset``; nothing is changed in place.
Imports numpy and the standard library only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from numbers import Integral, Real

import numpy as np

# --- the dataset ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    r"""Labelled points on a plane, some of them held out for testing.

    Attributes
    ----------
    X : ndarray of shape (n, 2), float
        The raw points as the user sees them on the plane.
    y : ndarray of shape (n,), int
        Labels 0 or 1.
    test : ndarray of shape (n,), bool
        True for held-out (test) points.
    feature_names : tuple of 2 str
        What :math:`x_1` and :math:`x_2` measure.
    class_names : tuple of 2 str
        What label 0 and label 1 mean (e.g. ``("setosa", "versicolor")``).
    source : str
        Where the points came from: a preset name, ``"iris"``, ``"csv"`` or ``"custom"``.
    """

    X: np.ndarray
    y: np.ndarray
    test: np.ndarray
    feature_names: tuple[str, str] = ("x1", "x2")
    class_names: tuple[str, str] = ("0", "1")
    source: str = "custom"

    def __post_init__(self):
        X = np.array(self.X, dtype=float).reshape(-1, 2) if np.size(self.X) == 0 else np.array(self.X, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"X must have shape (n, 2), got {X.shape}.")
        n = X.shape[0]
        y_raw = np.asarray(self.y).reshape(-1)
        if y_raw.shape[0] != n:
            raise ValueError(f"y must have {n} labels (one per point), got {y_raw.shape[0]}.")
        y = y_raw.astype(int) if n else np.zeros(0, dtype=int)
        if n and not np.array_equal(y, y_raw):
            raise ValueError("Labels must be the whole numbers 0 or 1.")
        if np.any((y != 0) & (y != 1)):
            raise ValueError("Labels must be 0 or 1.")
        test = np.asarray(self.test, dtype=bool).reshape(-1) if n else np.zeros(0, dtype=bool)
        if test.shape[0] != n:
            raise ValueError(f"test must have {n} entries (one per point), got {test.shape[0]}.")
        for a in (X, y, test):
            a.setflags(write=False)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "test", test)
        object.__setattr__(self, "feature_names", tuple(str(s) for s in self.feature_names))
        object.__setattr__(self, "class_names", tuple(str(s) for s in self.class_names))
        if len(self.feature_names) != 2 or len(self.class_names) != 2:
            raise ValueError("feature_names and class_names must each hold two names.")

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.X.shape[0])

    @property
    def train_X(self) -> np.ndarray:
        """Training points, shape (n_train, 2)."""
        return self.X[~self.test]

    @property
    def train_y(self) -> np.ndarray:
        """Training labels, shape (n_train,)."""
        return self.y[~self.test]

    @property
    def test_X(self) -> np.ndarray:
        """Held-out points, shape (n_test, 2)."""
        return self.X[self.test]

    @property
    def test_y(self) -> np.ndarray:
        """Held-out labels, shape (n_test,)."""
        return self.y[self.test]

    @property
    def counts(self) -> dict[str, dict[int, int]]:
        """Points per class: ``{"train": {0: .., 1: ..}, "test": {0: .., 1: ..}}``."""
        return {
            part: {c: int(np.sum((self.y == c) & (self.test == is_test))) for c in (0, 1)}
            for part, is_test in (("train", False), ("test", True))
        }

    def replace(self, **changes) -> Dataset:
        """A copy with some fields changed."""
        fields = dict(X=self.X, y=self.y, test=self.test, feature_names=self.feature_names,
                      class_names=self.class_names, source=self.source)
        fields.update(changes)
        return Dataset(**fields)


def _empty(**kw) -> Dataset:
    return Dataset(X=np.zeros((0, 2)), y=np.zeros(0, dtype=int), test=np.zeros(0, dtype=bool), **kw)


# --- presets ----------------------------------------------------------------------------------

PRESETS: dict[str, str] = {
    "blobs": "two separate round clouds: linearly separable",
    "overlap": "two overlapping clouds: no line separates them all",
    "and": "logical AND: class 1 only near the corner (1, 1)",
    "or": "logical OR: class 0 only near the corner (0, 0)",
    "xor": "logical XOR: opposite corners share a class, not linearly separable",
    "circles": "a small ring inside a larger one",
    "moons": "two interleaving half-moons",
    "function": "points above (1) or below (0) the curve y = sin(1.5 x)",
}

SCALE = 1.0  # the corners of AND/OR/XOR sit at ±SCALE


def _check_n_noise(n, noise):
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 0:
        raise ValueError(f"The number of points must be a whole number ≥ 0, got {n!r}.")
    if not isinstance(noise, Real) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"The noise must be a finite number ≥ 0, got {noise!r}.")


def _labels(n: int) -> np.ndarray:
    """n - n//2 zeros then n//2 ones."""
    return np.repeat([0, 1], [n - n // 2, n // 2])


def _clusters(rng, centers, counts, std) -> np.ndarray:
    """``counts[k]`` normal points around ``centers[k]`` with standard deviation ``std``."""
    parts = [c + std * rng.standard_normal((k, 2)) for c, k in zip(centers, counts, strict=True)]
    return np.concatenate(parts) if parts else np.zeros((0, 2))


def _spread(total: int, k: int) -> list[int]:
    """``total`` split into ``k`` near-equal whole parts."""
    return [total // k + (i < total % k) for i in range(k)]


def _logic(rng, y, noise, gate) -> np.ndarray:
    r"""Points around the corners :math:`\{0,1\}^2` scaled to :math:`\{-1,1\}^2`, each class at its gate's corners."""
    corners = [(a, b) for a in (0, 1) for b in (0, 1)]
    X = np.zeros((len(y), 2))
    std = 0.1 + noise * SCALE
    for label in (0, 1):
        mine = [SCALE * (2 * np.array(c, dtype=float) - 1) for c in corners if gate(*c) == label]
        idx = np.flatnonzero(y == label)
        X[idx] = _clusters(rng, mine, _spread(len(idx), len(mine)), std)
    return X


def _function_curve(x):
    return np.sin(1.5 * x)


def _generate(preset: str, y: np.ndarray, noise: float, rng) -> np.ndarray:
    n0, n1 = int(np.sum(y == 0)), int(np.sum(y == 1))
    if preset == "blobs":
        return _clusters(rng, [(-1.0, -1.0), (1.0, 1.0)], [n0, n1], 0.15 + noise)
    if preset == "overlap":
        return _clusters(rng, [(-0.5, -0.5), (0.5, 0.5)], [n0, n1], 0.5 + noise)
    if preset in ("and", "or", "xor"):
        gate = {"and": lambda a, b: a & b, "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b}[preset]
        return _logic(rng, y, noise, gate)
    if preset == "circles":
        r = np.where(y == 0, 1.5, 0.6) + noise * rng.standard_normal(len(y))
        t = rng.uniform(0, 2 * np.pi, len(y))
        return np.column_stack([r * np.cos(t), r * np.sin(t)])
    if preset == "moons":
        t = rng.uniform(0, np.pi, len(y))
        upper = np.column_stack([np.cos(t), np.sin(t)])
        lower = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
        X = np.where((y == 0)[:, None], upper, lower) + noise * rng.standard_normal((len(y), 2))
        return 1.2 * (X - [0.5, 0.25])
    if preset == "function":
        # rejection sampling: uniform points, labelled by which side of the (noisily shifted) curve
        want = {0: n0, 1: n1}
        got = {0: [], 1: []}
        while any(len(got[c]) < want[c] for c in (0, 1)):
            P = rng.uniform(-2, 2, (max(64, 2 * len(y)), 2))
            lab = (P[:, 1] + noise * rng.standard_normal(len(P)) > _function_curve(P[:, 0])).astype(int)
            for c in (0, 1):
                got[c].extend(P[lab == c][: want[c] - len(got[c])])
        return np.array(got[0] + got[1], dtype=float).reshape(-1, 2)
    raise AssertionError(preset)  # pragma: no cover


def make_dataset(preset: str, n: int = 100, noise: float = 0.1, seed: int = 0, test_fraction: float = 0.0) -> Dataset:
    r"""A seeded preset of n points, half of each class (label 1 gets n // 2).

    Parameters
    ----------
    preset : str
        One of :data:`PRESETS`.
    n : int ≥ 0
    noise : float ≥ 0
        Spread as a fraction of the scale: 0 is clean, 0.5 very noisy.
        ``"blobs"`` stays linearly separable at the default 0.1.
    seed : int
        The same seed gives the same points (``np.random.default_rng(seed)``).
    test_fraction : float in [0, 1)
        Share of points held out, chosen by :func:`split_mask`.

    Returns
    -------
    Dataset
        X of shape (n, 2) roughly within :math:`[-2, 2]^2`, in shuffled order.
    """
    if preset not in PRESETS:
        raise ValueError(f"Unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}.")
    _check_n_noise(n, noise)
    n = int(n)
    noise = float(noise)
    rng = np.random.default_rng(seed)
    y = _labels(n)
    X = _generate(preset, y, noise, rng)
    order = rng.permutation(n)
    X, y = X[order], y[order]
    test = split_mask(n, test_fraction, seed, y=y)
    return Dataset(X=X, y=y, test=test, source=preset)


def _check_fraction(test_fraction):
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, Real) or not 0 <= test_fraction < 1:
        raise ValueError(f"The test fraction must be a number from 0 up to (not including) 1, got {test_fraction!r}.")


def split_mask(n: int, test_fraction: float, seed: int, y=None) -> np.ndarray:
    r"""A seeded mask of exactly ``round(n * test_fraction)`` test points.

    Parameters
    ----------
    n : int
    test_fraction : float in [0, 1)
    seed : int
    y : ndarray of shape (n,), optional
        Labels; when given, the test points are spread over the classes in
        proportion (stratified).

    Returns
    -------
    ndarray of shape (n,), bool
    """
    _check_fraction(test_fraction)
    n = int(n)
    k = int(round(n * test_fraction))
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    if y is not None:
        y = np.asarray(y).reshape(-1)
        if y.shape[0] != n:
            raise ValueError(f"y must have {n} labels, got {y.shape[0]}.")
        order = order[np.argsort(y[order], kind="stable")]  # classes in blocks, shuffled inside each
    test = np.zeros(n, dtype=bool)
    if k:
        picks = np.floor((np.arange(k) + 0.5) * n / k).astype(int)  # evenly spaced, so each block gets its share
        test[order[picks]] = True
    return test


def with_split(ds: Dataset, test_fraction: float, seed: int) -> Dataset:
    """The same points with a fresh, class-stratified train/test split."""
    return ds.replace(test=split_mask(ds.n, test_fraction, seed, y=ds.y))


# --- iris -------------------------------------------------------------------------------------

IRIS_FEATURES: tuple[str, ...] = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")
IRIS_SPECIES: tuple[str, ...] = ("setosa", "versicolor", "virginica")


def _iris_rows() -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("iris.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_iris(
    features=("petal_length_cm", "petal_width_cm"),
    species=("setosa", "versicolor"),
    test_fraction=0.0,
    seed=0,
) -> Dataset:
    r"""Fisher's Iris flowers: two measurements of two species (50 flowers each).

    Label 0 is ``species[0]`` and label 1 is ``species[1]``; X has shape (100, 2)
    in centimetres, columns ``features``.
    """
    features, species = tuple(features), tuple(species)
    if len(features) != 2:
        raise ValueError(f"Choose exactly two Iris features, got {len(features)}.")
    if len(species) != 2:
        raise ValueError(f"Choose exactly two Iris species, got {len(species)}.")
    for f in features:
        if f not in IRIS_FEATURES:
            raise ValueError(f"Unknown Iris feature {f!r}; choose among {', '.join(IRIS_FEATURES)}.")
    for s in species:
        if s not in IRIS_SPECIES:
            raise ValueError(f"Unknown Iris species {s!r}; choose among {', '.join(IRIS_SPECIES)}.")
    if species[0] == species[1]:
        raise ValueError(f"Choose two different species (both are {species[0]!r}).")
    rows = [r for r in _iris_rows() if r["species"] in species]
    X = np.array([[float(r[f]) for f in features] for r in rows]).reshape(-1, 2)
    y = np.array([species.index(r["species"]) for r in rows], dtype=int)
    return Dataset(X=X, y=y, test=split_mask(len(y), test_fraction, seed, y=y),
                   feature_names=features, class_names=species, source="iris")


# --- editing ----------------------------------------------------------------------------------


def add_point(ds: Dataset, x1: float, x2: float, label: int, test: bool = False) -> Dataset:
    """A new dataset with the point ``(x1, x2)`` of class ``label`` appended."""
    try:
        p = np.array([float(x1), float(x2)])
    except (TypeError, ValueError):
        raise ValueError(f"The coordinates must be numbers, got ({x1!r}, {x2!r}).") from None
    if not np.all(np.isfinite(p)):
        raise ValueError(f"The coordinates must be finite numbers, got ({x1!r}, {x2!r}).")
    if isinstance(label, bool) or not isinstance(label, Integral | Real) or label not in (0, 1):
        raise ValueError(f"The label must be 0 or 1, got {label!r}.")
    return ds.replace(
        X=np.vstack([ds.X, p]), y=np.append(ds.y, int(label)), test=np.append(ds.test, bool(test)),
    )


def delete_points(ds: Dataset, indices) -> Dataset:
    """A new dataset without the points at ``indices`` (any iterable of indices; repeats are fine)."""
    idx = np.asarray(list(indices), dtype=object)
    if idx.size and not all(isinstance(i, Integral) and not isinstance(i, bool) for i in idx):
        raise ValueError("Point indices must be whole numbers.")
    idx = idx.astype(int)
    bad = idx[(idx < 0) | (idx >= ds.n)]
    if bad.size:
        raise ValueError(f"No point number {int(bad[0])}: the dataset has {ds.n} points (0 to {ds.n - 1}).")
    keep = np.ones(ds.n, dtype=bool)
    keep[idx] = False
    return ds.replace(X=ds.X[keep], y=ds.y[keep], test=ds.test[keep])


# --- features ---------------------------------------------------------------------------------

FEATURE_MAPS: dict[str, str] = {
    "x1^2": "x_1^2",
    "x2^2": "x_2^2",
    "x1*x2": "x_1 x_2",
    "sin(x1)": r"\sin x_1",
    "sin(x2)": r"\sin x_2",
}

_MAP_FUNCS = {
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1*x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: np.sin(a),
    "sin(x2)": lambda a, b: np.sin(b),
}


@dataclass(frozen=True)
class Features:
    r"""The pipeline from raw points to the neuron's inputs.

    .. math::
        \tilde x_j = \frac{x_j - \mu_j}{\sigma_j}, \qquad
        \phi(x) = (\tilde x_1, \tilde x_2, m_1(\tilde x), \dots, m_k(\tilde x))

    with :math:`\mu, \sigma` the training points' mean and standard deviation
    (:math:`\mu = 0, \sigma = 1` without standardization; a :math:`\sigma` of 0
    counts as 1) and :math:`m_i` the chosen :data:`FEATURE_MAPS`.

    Attributes
    ----------
    maps : tuple of str
    standardize : bool
    mean, std : ndarray of shape (2,)
    """

    maps: tuple[str, ...]
    standardize: bool
    mean: np.ndarray
    std: np.ndarray

    @property
    def names(self) -> tuple[str, ...]:
        """LaTeX names of the d inputs: ``("x_1", "x_2", "x_1^2", ...)``."""
        return ("x_1", "x_2", *(FEATURE_MAPS[m] for m in self.maps))

    @property
    def d(self) -> int:
        """Number of inputs the neuron gets."""
        return 2 + len(self.maps)

    def transform(self, X) -> np.ndarray:
        r"""Raw points of shape (m, 2) to inputs of shape (m, d)."""
        X = np.asarray(X, dtype=float).reshape(-1, 2)
        Z = (X - self.mean) / self.std
        cols = [Z[:, 0], Z[:, 1], *(_MAP_FUNCS[m](Z[:, 0], Z[:, 1]) for m in self.maps)]
        return np.column_stack(cols) if len(X) else np.zeros((0, self.d))


def fit_features(X_train, maps=(), standardize=False) -> Features:
    r"""Fit the pipeline on training points of shape (n, 2) (n may be 0: mean 0, std 1).

    Unknown map names raise ``ValueError``; a repeated name counts once.
    """
    maps = tuple(dict.fromkeys(maps))
    for m in maps:
        if m not in FEATURE_MAPS:
            raise ValueError(f"Unknown feature map {m!r}; choose among {', '.join(FEATURE_MAPS)}.")
    X = np.asarray(X_train, dtype=float).reshape(-1, 2)
    mean, std = np.zeros(2), np.ones(2)
    if standardize and len(X):
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        std = np.where(np.isfinite(std) & (std > 0), std, 1.0)
        mean = np.where(np.isfinite(mean), mean, 0.0)
    return Features(maps=maps, standardize=bool(standardize), mean=mean, std=std)
