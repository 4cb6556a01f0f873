r"""Seeded preset datasets: blobs, logic gates, circles, moons, a function's two sides.

Presets are drawn from seeded generators (``np.random.default_rng(seed)``) on a standard-ish
scale, roughly within :math:`[-2, 2]^2`, so that a learning rate near 1 trains.
Imports numpy and the standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from types import MappingProxyType

import numpy as np

from .points import Dataset, split_mask

PRESETS: Mapping[str, str] = MappingProxyType({
    "blobs": "two round clouds around (−1, −1) and (1, 1): linearly separable at low noise",
    "overlap": "two overlapping clouds: no line separates them all",
    "and": "logical AND: class 1 only near the corner (1, 1), class 0 near the other three",
    "or": "logical OR: class 0 only near the corner (−1, −1), class 1 near the other three",
    "xor": "logical XOR: opposite corners share a class, not linearly separable",
    "circles": "a small ring inside a larger one",
    "moons": "two interleaving half-moons",
    "function": "points above (1) or below (0) the curve y = sin(1.5 x)",
})

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
