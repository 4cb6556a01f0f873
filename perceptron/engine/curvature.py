r"""The cost along a line through weight space, and how it bends: MSE with a sigmoid is not convex, cross-entropy is.

Along the line :math:`(w, b) + t\,u` every sample's weighted sum moves in a straight line,
:math:`z_i(t) = z_i + t\,d_i` with :math:`d_i = \tilde x_i \cdot u` and :math:`\tilde x_i = (x_i, 1)`, so the cost
:math:`C(t) = \frac{1}{n}\sum_i L(y_i, z_i(t))` has the second derivative

.. math::
    C''(t) = \frac{1}{n}\sum_i d_i^2\, \frac{\partial^2 L}{\partial z^2}(y_i, z_i(t)),

with :math:`\partial^2 L/\partial z^2 = 2\sigma'(z)^2 - 2(y - \sigma(z))\,\sigma''(z)` for the squared error
(:math:`\sigma'' = \sigma'(1 - 2\sigma)`: negative where a sample is confidently right or wrong) and
:math:`\sigma'(z) \ge 0` for cross-entropy (so cross-entropy's :math:`C''` is never negative: convex on every line).
Imports numpy only; the work is one pass over the points a grid point (bounded by :data:`GRID`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .neuron import sigmoid

GRID = 121  # points of t on the line
REACH = 12.0  # the grid moves the most-moved sample's z by ±REACH: far enough for the sigmoid to flatten


def loss_along(y, z, loss: str) -> np.ndarray:
    r"""Per-sample loss from z (any shape, ``y`` broadcast against it), without cancellation:
    :math:`\sigma(-z)^2` or :math:`\sigma(z)^2` for MSE, :math:`\log(1 + e^{\mp z})` for cross-entropy."""
    y, z = np.asarray(y, dtype=float), np.asarray(z, dtype=float)
    one = y >= 0.5
    if loss == "mse":
        return np.where(one, sigmoid(-z), sigmoid(z)) ** 2
    return np.logaddexp(0.0, np.where(one, -z, z))


def second(y, z, loss: str) -> np.ndarray:
    r""":math:`\partial^2 L/\partial z^2` per sample (any shape): for MSE
    :math:`2\sigma'^2 - 2(y - \sigma)\sigma'(1 - 2\sigma)`, with :math:`y - \sigma` and :math:`1 - \sigma` from
    :math:`\sigma(-z)`; for cross-entropy :math:`\sigma'(z) = \sigma(z)\sigma(-z)`."""
    y, z = np.asarray(y, dtype=float), np.asarray(z, dtype=float)
    p, q = sigmoid(z), sigmoid(-z)  # σ(z) and 1 − σ(z)
    s1 = p * q
    if loss != "mse":
        return s1
    r = np.where(y >= 0.5, q, -p)  # y − σ(z)
    return 2 * s1 * s1 - 2 * r * s1 * (q - p)  # 1 − 2σ = (1 − σ) − σ


@dataclass(frozen=True)
class Line:
    r"""Both costs along :math:`(w, b) + t\,u`, at the grid ``t`` of shape (T,).

    Attributes
    ----------
    u : ndarray of shape (d + 1,)
        The direction in (w, b).
    t : ndarray of shape (T,)
    cost, curve : dict of ndarray of shape (T,)
        :math:`C(t)` and :math:`C''(t)` for ``"mse"`` and ``"bce"``.
    """

    u: np.ndarray
    t: np.ndarray
    cost: dict
    curve: dict


def shifts(X, w, b, u):
    r"""``(z, d)``: the weighted sums :math:`z_i` at (w, b) and how fast they move, :math:`d_i = \tilde x_i\cdot u`."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    u = np.asarray(u, dtype=float)
    return X @ np.asarray(w, dtype=float) + float(b), X @ u[:-1] + u[-1]


def along(X, y, w, b, u, t) -> Line:
    """Both costs and their second derivatives along ``u`` from (w, b), at each ``t``: (T, n) numbers a cost."""
    z, d = shifts(X, w, b, u)
    t = np.asarray(t, dtype=float)
    Z = z[None, :] + t[:, None] * d[None, :]
    y = np.asarray(y, dtype=float)[None, :]
    n = max(z.size, 1)
    with np.errstate(over="ignore", invalid="ignore"):  # huge inputs: d² past the floats, C″ not finite (said so)
        cost = {k: loss_along(y, Z, k).sum(axis=1) / n for k in ("mse", "bce")}
        curve = {k: (d[None, :] ** 2 * second(y, Z, k)).sum(axis=1) / n for k in ("mse", "bce")}
    return Line(np.asarray(u, dtype=float), t, cost, curve)


def grid(X, w, b, u) -> np.ndarray:
    """The grid of t: ``GRID`` points, wide enough that the sample whose z moves fastest moves by ±``REACH``."""
    _, d = shifts(X, w, b, u)
    fastest = float(np.max(np.abs(d))) if d.size else 0.0
    half = REACH / fastest if fastest > 0 else 1.0
    return np.linspace(-half, half, GRID)


def directions(d: int) -> list[tuple[str, np.ndarray]]:
    """The lines tried, in order: along w₁, along w₂ (when there is one), along b; unit vectors in (w, b)."""
    eye = np.eye(d + 1)
    names = [f"w{j + 1}" for j in range(min(d, 2))] + ["b"]
    cols = list(range(min(d, 2))) + [d]
    return [(name, eye[c]) for name, c in zip(names, cols, strict=True)]


def concave_line(X, y, w, b) -> tuple[str, Line]:
    """The first of :func:`directions` on whose grid MSE's :math:`C''` is negative somewhere, with its
    :class:`Line`; the first direction's line when none is."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    first = None
    for name, u in directions(X.shape[1]):
        line = along(X, y, w, b, u, grid(X, w, b, u))
        first = first or (name, line)
        if np.min(line.curve["mse"]) < 0 and np.isfinite(line.curve["mse"]).all():
            return name, line
    return first


def stretch(curve, k: int) -> tuple[int, int]:
    """The grid indices ``(first, last)`` of the run of negative values of ``curve`` around index k."""
    first = last = k
    while first > 0 and curve[first - 1] < 0:
        first -= 1
    while last < len(curve) - 1 and curve[last + 1] < 0:
        last += 1
    return first, last
