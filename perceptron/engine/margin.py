r"""The margin of a separating hyperplane, and the perceptron convergence theorem's mistake bound (Novikoff).

Write each sample with a 1 appended, :math:`\tilde x_i = (x_i, 1)`, its sign :math:`s_i = 2y_i - 1`, and
:math:`z_i = s_i \tilde x_i`. A unit vector :math:`u = (w, b)/\lVert(w, b)\rVert` separates the classes with margin
:math:`\gamma(u) = \min_i u \cdot z_i`; the best margin is :math:`\gamma^* = \max_{\lVert u\rVert = 1} \gamma(u)`.
By duality it is the distance from the origin to the convex hull of the :math:`z_i` (0 when the hull holds the
origin: no separator), and :func:`best_margin` finds that hull's point nearest the origin, :math:`p`, by pairwise
Frank–Wolfe steps (each one pass over the points). At every step :math:`p` lies in the hull, so
:math:`\gamma^* \le \lVert p\rVert`, and :math:`u = p/\lVert p\rVert` is a separator with
:math:`\gamma(u) \le \gamma^*`: the answer is a bracket, and the lower end is the exact margin of a separator.

:func:`mistake_bound`: Rosenblatt's rule :math:`v \leftarrow v + \alpha s_i \tilde x_i` on a mistake
(:math:`s_i\, v\cdot\tilde x_i \le 0`) makes, from :math:`v_0 = 0`, at most :math:`(R/\gamma)^2` mistakes,
:math:`R = \max_i \lVert \tilde x_i\rVert`, for the margin :math:`\gamma` of *any* unit separator (a smaller
:math:`\gamma` gives a larger, still valid bound). From another start the same two inequalities give a larger one.
Imports numpy only; the work is at most ``MAX_STEPS`` passes over the points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_STEPS = 1000  # Frank–Wolfe steps at most: one pass over the points each
TOL = 1e-9  # stop once the bracket's ends agree to this, relatively


def signed(X, y) -> np.ndarray:
    r""":math:`z_i = s_i (x_i, 1)`, of shape (n, d + 1), with :math:`s_i = 2y_i - 1`."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    s = 2 * np.asarray(y, dtype=float).reshape(-1) - 1
    return s[:, None] * np.hstack([X, np.ones((X.shape[0], 1))])


def radius(X) -> float:
    r""":math:`R = \max_i \lVert (x_i, 1) \rVert`."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    return float(np.sqrt(np.max(np.sum(X * X, axis=1)) + 1.0)) if X.size else 1.0


@dataclass(frozen=True)
class Margin:
    r"""What :func:`best_margin` found.

    Attributes
    ----------
    u : ndarray of shape (d + 1,)
        The best unit separator found, :math:`(w, b)` scaled to norm 1 (its first d entries w, its last b).
    low : float
        Its margin :math:`\min_i s_i\, u \cdot \tilde x_i`: a lower bound on :math:`\gamma^*` (≤ 0: no separator found).
    high : float
        The norm of a point of the hull: an upper bound on :math:`\gamma^*`.
    steps : int
        The passes over the points it took.
    """

    u: np.ndarray
    low: float
    high: float
    steps: int


def best_margin(X, y, max_steps: int = MAX_STEPS) -> Margin:
    r"""The largest margin of a hyperplane :math:`w\cdot x + b = 0` through the augmented points, bracketed
    (:class:`Margin`). Pairwise Frank–Wolfe on :math:`\min_{p \in \mathrm{conv}\{z_i\}} \lVert p \rVert^2`: the
    weights :math:`\lambda` of :math:`p = \sum_i \lambda_i z_i` move from the point of largest :math:`p\cdot z_i`
    among those in use to the point of the smallest, by the exact line search."""
    Z = signed(X, y)
    n = Z.shape[0]
    if n == 0:
        return Margin(np.zeros(Z.shape[1]), 0.0, 0.0, 0)
    norms = np.einsum("ij,ij->i", Z, Z)
    j = int(np.argmin(norms))
    lam = np.zeros(n)
    lam[j] = 1.0
    p = Z[j].copy()
    best_u, low, high = np.zeros(Z.shape[1]), -math.inf, math.inf
    steps = 0
    while steps < int(max_steps):
        steps += 1
        g = Z @ p
        size = math.sqrt(float(p @ p))
        high = min(high, size)
        if size == 0:
            break
        s = int(np.argmin(g))
        if g[s] / size > low:  # p's own margin: the separator u = p/‖p‖
            low, best_u = float(g[s] / size), p / size
        if high - low <= TOL * high:
            break
        used = np.flatnonzero(lam > 0)
        a = int(used[np.argmax(g[used])])
        step = Z[s] - Z[a]
        denom = float(step @ step)
        if denom == 0:
            break
        eta = min(max(-float(p @ step) / denom, 0.0), lam[a])
        p = p + eta * step
        lam[s] += eta
        lam[a] -= eta
    if low > 0:  # the separator's margin exactly as the points see it (not p's rounding)
        low = float(np.min(Z @ best_u))
    return Margin(best_u, low, high, steps)


def mistake_bound(R: float, gamma: float, v0=None, u=None, lr: float = 1.0) -> float:
    r"""The most mistakes Rosenblatt's rule can make on points of norm ≤ R (augmented) separated with margin
    ``gamma`` > 0 by the unit vector ``u``, starting from ``v0`` = (w, b) with learning rate ``lr`` > 0.

    From :math:`v_0 = 0` it is :math:`(R/\gamma)^2`. Otherwise, after k mistakes
    :math:`v_k\cdot u \ge v_0\cdot u + k\alpha\gamma` and :math:`\lVert v_k\rVert^2 \le \lVert v_0\rVert^2 + k\alpha^2R^2`,
    and Cauchy–Schwarz bounds k by the larger root of
    :math:`\gamma^2k^2 + (2a\gamma - R^2)k + a^2 - q^2 = 0`, :math:`a = v_0\cdot u/\alpha`,
    :math:`q = \lVert v_0\rVert/\alpha`."""
    R, gamma = float(R), float(gamma)
    if v0 is None or not np.any(v0):
        return (R / gamma) ** 2
    v0, u = np.asarray(v0, dtype=float), np.asarray(u, dtype=float)
    a, q = float(v0 @ u) / lr, float(np.linalg.norm(v0)) / lr
    lin = R * R - 2 * a * gamma
    return (lin + math.sqrt(max(lin * lin - 4 * gamma * gamma * (a * a - q * q), 0.0))) / (2 * gamma * gamma)
