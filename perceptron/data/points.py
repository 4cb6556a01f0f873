r"""Labelled points on a plane: the :class:`Dataset`, its train/test split, adding and deleting points.

A :class:`Dataset` holds n points :math:`x_i = (x_{i1}, x_{i2})` with labels
:math:`y_i \in \{0, 1\}` and a mask of held-out *test* points. Every function returns a new
``Dataset``; nothing is changed in place. Imports numpy and the standard library only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a

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

    # The four splits are read on every run of a page, many times: each is cut once per dataset (the dataset is
    # frozen; its arrays are read-only, and so are these, which every reader shares)

    @functools.cached_property
    def train_X(self) -> np.ndarray:
        """Training points, shape (n_train, 2)."""
        return _read_only(self.X[~self.test])

    @functools.cached_property
    def train_y(self) -> np.ndarray:
        """Training labels, shape (n_train,)."""
        return _read_only(self.y[~self.test])

    @functools.cached_property
    def test_X(self) -> np.ndarray:
        """Held-out points, shape (n_test, 2)."""
        return _read_only(self.X[self.test])

    @functools.cached_property
    def test_y(self) -> np.ndarray:
        """Held-out labels, shape (n_test,)."""
        return _read_only(self.y[self.test])

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


# --- the split --------------------------------------------------------------------------------


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
