r"""Backpropagation as the chain rule, per sample and averaged.

For one sample i the chain rule reads

.. math::
    \frac{\partial C}{\partial w_j}\Big|_i
    = \frac{\partial C}{\partial \hat y_i}\,
      \frac{\partial \hat y_i}{\partial z_i}\,
      \frac{\partial z_i}{\partial w_j},
    \qquad
    \frac{\partial z_i}{\partial w_j} = x_{ij},\quad
    \frac{\partial z_i}{\partial b} = 1 ,

and the gradient of the mean cost is the sum of those contributions over the
samples (the :math:`1/n` sits inside :math:`\partial C / \partial \hat y_i`),
which equals the *average* of the per-sample gradients of :math:`L_i`.
Imports numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .costs import get_cost
from .neuron import forward, sigmoid, sigmoid_prime


@dataclass(frozen=True)
class Ledger:
    r"""Every chain-rule factor of every sample, as the pages show them.

    Attributes (n samples, d features)
    ----------
    z, y_hat : ndarray of shape (n,)
        Forward pass: :math:`z_i = x_i \cdot w + b`, :math:`\hat y_i = \sigma(z_i)`.
    loss : ndarray of shape (n,)
        Per-sample loss :math:`L_i`; the cost is their mean.
    dC_dyhat : ndarray of shape (n,)
        :math:`\partial C/\partial \hat y_i = \frac{1}{n}\,\partial L_i/\partial \hat y_i`
        (for MSE, :math:`-\frac{2}{n}(y_i - \hat y_i)`).
    dyhat_dz : ndarray of shape (n,)
        :math:`\partial \hat y_i / \partial z_i = \sigma(z_i)(1-\sigma(z_i))`.
    dC_dz : ndarray of shape (n,)
        Their product, computed stably (for cross-entropy, :math:`(\hat y_i - y_i)/n`).
    dz_dw : ndarray of shape (n, d)
        :math:`\partial z_i / \partial w_j = x_{ij}`.
    dC_dw_i : ndarray of shape (n, d)
        Sample i's contribution :math:`\partial C/\partial z_i \cdot x_{ij}`.
    dC_db_i : ndarray of shape (n,)
        Sample i's contribution to :math:`\partial C/\partial b` (:math:`\partial z_i/\partial b = 1`).
    dL_dw : ndarray of shape (n, d)
        The gradient of sample i's own loss :math:`L_i` (= n times its contribution).
    dw : ndarray of shape (d,), db : float
        The gradient of the mean cost: the sum of the contributions, i.e. the
        average of ``dL_dw``.
    cost : float
    """

    z: np.ndarray
    y_hat: np.ndarray
    loss: np.ndarray
    dC_dyhat: np.ndarray
    dyhat_dz: np.ndarray
    dC_dz: np.ndarray
    dz_dw: np.ndarray
    dC_dw_i: np.ndarray
    dC_db_i: np.ndarray
    dL_dw: np.ndarray
    dw: np.ndarray
    db: float
    cost: float

    @property
    def n(self) -> int:
        return int(self.z.shape[0])


def _inputs(X, y, w):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float).reshape(-1)
    w = np.asarray(w, dtype=float).reshape(-1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} labels.")
    if X.shape[1] != w.shape[0]:
        raise ValueError(f"X has {X.shape[1]} columns but w has {w.shape[0]} weights.")
    return X, y, w


def chain_rule(X, y, w, b, loss="mse") -> Ledger:
    r"""Forward pass, then every chain-rule factor of every sample.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,), labels 0 or 1
    w : ndarray of shape (d,)
    b : float
    loss : ``"mse"`` or ``"bce"``

    Returns
    -------
    Ledger
    """
    X, y, w = _inputs(X, y, w)
    cost = get_cost(loss)
    n = X.shape[0]
    z, y_hat = forward(X, w, b)
    scale = 1.0 / n if n else 0.0
    dC_dyhat = scale * cost.dL_dyhat(y, z)  # the 1/n of the mean
    dyhat_dz = sigmoid_prime(z)
    dC_dz = scale * cost.dL_dz(y, z)  # = dC_dyhat * dyhat_dz, computed without overflow
    dz_dw = X
    dC_dw_i = dC_dz[:, None] * dz_dw
    dC_db_i = dC_dz  # dz/db = 1
    return Ledger(
        z=z,
        y_hat=y_hat,
        loss=cost.loss(y, z),
        dC_dyhat=dC_dyhat,
        dyhat_dz=dyhat_dz,
        dC_dz=dC_dz,
        dz_dw=dz_dw,
        dC_dw_i=dC_dw_i,
        dC_db_i=dC_db_i,
        dL_dw=dC_dw_i * n,
        dw=dC_dw_i.sum(axis=0),
        db=float(dC_db_i.sum()),
        cost=cost(y, z),
    )


def gradients(X, y, w, b, loss="mse"):
    r"""The gradient of the mean cost, :math:`\nabla_w C` and :math:`\partial C/\partial b`.

    .. math::
        \frac{\partial C}{\partial w} = \sum_i \frac{\partial C}{\partial z_i}\, x_i
        = X^\top \frac{\partial C}{\partial z},
        \qquad
        \frac{\partial C}{\partial b} = \sum_i \frac{\partial C}{\partial z_i}

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    w : ndarray of shape (d,)
    b : float
    loss : ``"mse"`` or ``"bce"``

    Returns
    -------
    dw : ndarray of shape (d,)
    db : float
    """
    X, y, w = _inputs(X, y, w)
    n = X.shape[0]
    if n == 0:
        return np.zeros_like(w), 0.0
    z, _ = forward(X, w, b)
    dC_dz = get_cost(loss).dL_dz(y, z) / n
    return X.T @ dC_dz, float(dC_dz.sum())


def cost_at(X, y, w, b, loss="mse") -> float:
    r"""The mean cost :math:`C(w, b)` on (X, y)."""
    X, y, w = _inputs(X, y, w)
    z, _ = forward(X, w, b)
    return get_cost(loss)(y, z)


SLICE_CELLS = 1 << 17  # cells (grid points × samples) a slice evaluates at once: ~1 MB a temporary, whatever n
TINY_SLICE = 1e-25  # a slice's cost below this is computed in float64 (float32 holds the terms it adds)


def cost_slice(X, y, w, b, loss, w1s, w2s) -> np.ndarray:
    r"""The mean cost over a grid of :math:`(w_1, w_2)`, every other weight and b held where they are:
    ``C[i, j]`` is :math:`C` at :math:`w_1 = ` ``w1s[j]``, :math:`w_2 = ` ``w2s[i]``, :math:`w_3, \dots` = ``w[2:]``
    and ``b`` (a slice through the point ``(w, b)`` of the whole parameter space).

    Each sample's loss is one function of :math:`u_i = s_i z_i`, with :math:`s_i = 1 - 2y_i` (+1 for a label 0,
    −1 for a label 1): MSE's :math:`(y_i - \hat y_i)^2 = \sigma(u_i)^2` and cross-entropy's
    :math:`\log(1 + e^{z_i}) - y_i z_i = \log(1 + e^{u_i})`. The z are computed in float64, the exponentials
    and logarithms in float32 (7 digits; a surface is drawn to 5) and the means in float64; a cell whose cost
    float32 cannot hold (below ``TINY_SLICE``, or not finite) is computed again in float64. The grid is
    evaluated a few rows at a time, so no temporary grows with it (at n = 2,000 and 41 × 41 cells a single
    array of every cell's loss held 3.4 million numbers, 27 MB). About 5 times faster than the losses in
    float64 on every cell at once.

    Returns
    -------
    ndarray of shape (len(w2s), len(w1s))
    """
    X, y, w = _inputs(X, y, w)
    cost = get_cost(loss)
    w1s, w2s = np.asarray(w1s, dtype=float).reshape(-1), np.asarray(w2s, dtype=float).reshape(-1)
    n = X.shape[0]
    C = np.zeros((w2s.size, w1s.size))
    if n == 0 or C.size == 0:
        return C
    rest = X[:, 2:] @ w[2:] + float(b) if X.shape[1] > 2 else np.full(n, float(b))
    labels = bool(np.all((y == 0) | (y == 1)))
    s = 1.0 - 2.0 * y
    a, c, r = s * X[:, 0], s * X[:, 1], s * rest  # u = a·w1 + c·w2 + r, sample by sample
    rows = max(1, SLICE_CELLS // (n * w1s.size))  # grid rows at once
    with np.errstate(all="ignore"):  # overflow to inf is the right limit here; a cell that needs more is redone
        for i0 in range(0, w2s.size, rows):
            g2 = w2s[i0 : i0 + rows]
            U = w1s[None, :, None] * a + (g2[:, None] * c + r)[:, None, :]  # (rows, columns, n), float64
            if labels:
                V = U.astype(np.float32)
                if cost.name == "mse":  # σ(u)² = 1 / (1 + e^(−u))²
                    np.negative(V, out=V)
                    np.exp(V, out=V)
                    V += 1
                    np.reciprocal(V, out=V)
                    np.square(V, out=V)
                else:  # log(1 + e^u) = max(u, 0) + log1p(e^(−|u|)); log1p(e) = log(1 + e)·e / ((1 + e) − 1)
                    top = np.maximum(V, 0)  # (Goldberg's exact form: numpy's float32 log1p is 5× slower than log)
                    np.abs(V, out=V)
                    np.negative(V, out=V)
                    e = np.exp(V, out=V)
                    t = e + 1
                    m = t - 1
                    kept = m != 0  # where 1 + e rounds to 1, log1p(e) is e itself
                    np.log(t, out=t)
                    np.divide(t, m, out=t, where=kept)
                    np.multiply(t, e, out=t, where=kept)
                    np.copyto(e, t, where=kept)
                    V += top
                C[i0 : i0 + rows] = V.mean(axis=2, dtype=np.float64)
                redo = ~(np.isfinite(C[i0 : i0 + rows]) & (C[i0 : i0 + rows] >= TINY_SLICE))
            else:
                redo = np.ones((g2.size, w1s.size), dtype=bool)
            for k in np.flatnonzero(redo.any(axis=1)):  # in float64, the losses as the costs define them
                z = s * U[k]  # (columns, n)
                C[i0 + k] = np.where(redo[k], cost.loss(np.broadcast_to(y, z.shape), z).mean(axis=1), C[i0 + k])
    return C


def numerical_gradient(X, y, w, b, loss="mse", eps=1e-6):
    r"""Central finite differences, an independent check of :func:`gradients`.

    .. math::
        \frac{\partial C}{\partial w_j} \approx
        \frac{C(w + \varepsilon e_j) - C(w - \varepsilon e_j)}{2\varepsilon}

    Returns
    -------
    dw : ndarray of shape (d,)
    db : float
    """
    X, y, w = _inputs(X, y, w)
    dw = np.empty_like(w)
    for j in range(w.shape[0]):
        e = np.zeros_like(w)
        e[j] = eps
        dw[j] = (cost_at(X, y, w + e, b, loss) - cost_at(X, y, w - e, b, loss)) / (2 * eps)
    db = (cost_at(X, y, w, b + eps, loss) - cost_at(X, y, w, b - eps, loss)) / (2 * eps)
    return dw, float(db)


def gradient_check(X, y, w, b, loss="mse", eps=1e-6) -> dict:
    r"""Analytic gradient beside the finite-difference one, and their relative error.

    .. math::
        \text{rel} = \frac{\lVert g - \tilde g\rVert}{\lVert g\rVert + \lVert \tilde g\rVert}

    (0 when both are 0). The norms are taken scaled by the largest component, so that a gradient of
    :math:`10^{-183}` does not square to 0 on the way (an unscaled norm underflowed and read a relative
    error of 0 for two numbers 80 orders of magnitude apart).

    The central difference's curvature error, about :math:`\varepsilon^2\,\partial^3 C/\partial w_j^3/6`, is
    estimated from the numbers themselves: the same difference with :math:`2\varepsilon` is off by four
    times as much, so :math:`|\tilde g(2\varepsilon) - \tilde g(\varepsilon)|/3` measures it (Richardson).

    Returns
    -------
    dict with ``analytic`` and ``numeric`` (each an ndarray of shape (d+1,), the
    bias last), ``rel_error`` (float) and ``truncation`` (float, the largest estimated curvature error of
    ``numeric``).
    """
    dw, db = gradients(X, y, w, b, loss)
    ndw, ndb = numerical_gradient(X, y, w, b, loss, eps)
    wide_w, wide_b = numerical_gradient(X, y, w, b, loss, 2 * eps)
    g, ng = np.append(dw, db), np.append(ndw, ndb)
    denom = scaled_norm(g) + scaled_norm(ng)
    rel = float(scaled_norm(g - ng) / denom) if denom > 0 else 0.0
    truncation = float(np.max(np.abs(np.append(wide_w, wide_b) - ng))) / 3 if ng.size else 0.0
    return {"analytic": g, "numeric": ng, "rel_error": rel, "truncation": truncation}


def scaled_norm(v) -> float:
    r""":math:`\lVert v\rVert` computed as :math:`m\,\lVert v/m\rVert` with m the largest :math:`|v_j|`: no square
    underflows (or overflows) on the way."""
    v = np.asarray(v, dtype=float)
    m = float(np.max(np.abs(v))) if v.size else 0.0
    if m == 0 or not math.isfinite(m):
        return m
    return m * float(np.linalg.norm(v / m))


# --- the article's two slips, computed so the pages can show them live ---------------------


def sign_slip(X, y, w, b, lr):
    r"""What happens if :math:`\partial C/\partial \hat y` loses its minus sign.

    The article writes :math:`\frac{\partial C}{\partial \hat y} = \frac{2}{n}(y - \hat y)`.
    That flips the whole gradient, so "descending" along it climbs:
    :math:`w \leftarrow w - \alpha(-\nabla C) = w + \alpha \nabla C`.

    Returns
    -------
    dict with the cost before, after one correct MSE step, and after one step
    with the sign dropped.
    """
    dw, db = gradients(X, y, w, b, "mse")
    w = np.asarray(w, dtype=float)
    return {
        "before": cost_at(X, y, w, b),
        "correct": cost_at(X, y, w - lr * dw, b - lr * db),
        "sign_dropped": cost_at(X, y, w + lr * dw, b + lr * db),
    }


def pulled_out_slip(X, y, w, b, i):
    r"""The article's :math:`\sum(y-\hat y)\,\sigma(z)(1-\sigma(z))\,x_j` against the true sum.

    Pulling :math:`\sigma'(z)` and :math:`x_j` out of the sum evaluates them at one
    sample (here sample ``i``):

    .. math::
        \text{pulled out} = \frac{2}{n}\Big(\sum_k (y_k - \hat y_k)\Big)\,\sigma'(z_i)\,x_{ij},
        \qquad
        \text{correct} = \frac{2}{n}\sum_k (y_k - \hat y_k)\,\sigma'(z_k)\,x_{kj}
        = -\frac{\partial C}{\partial w_j}.

    They agree only when n = 1.

    Returns
    -------
    dict with ``pulled_out`` and ``correct``, each an ndarray of shape (d,).
    """
    X, y, w = _inputs(X, y, w)
    n = X.shape[0]
    z, y_hat = forward(X, w, b)
    # y − ŷ for labels 0 and 1 without cancellation: 1 − σ(z) is σ(−z), tiny but not 0 where σ saturates;
    # summed exactly (math.fsum), so that a saturated sum is not printed as 0
    residual = np.where(y == 1, sigmoid(-z), y - y_hat)
    pulled = (2.0 / n) * math.fsum(residual) * sigmoid_prime(z[i]) * X[i]
    dw, _ = gradients(X, y, w, b, "mse")
    return {"pulled_out": pulled, "correct": -dw}
