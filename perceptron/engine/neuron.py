r"""The single neuron: a weighted sum, a bias and a sigmoid.

Each function sits beside its derivative, so the pair cannot drift apart.
Imports numpy only: use it from a notebook as it is.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z, out=None):
    r"""The logistic function :math:`\sigma(z) = \frac{1}{1 + e^{-z}}`.

    Parameters
    ----------
    z : float or ndarray of any shape
    out : ndarray of z's shape, optional
        Where to write the result (may be ``z`` itself); a loop that reuses one
        buffer avoids allocating a fresh array every epoch.

    Returns
    -------
    float or ndarray of the same shape, each value in [0, 1].

    Notes
    -----
    For :math:`z < -709`, :math:`e^{-z}` overflows to ``inf`` and
    :math:`1/(1+\infty) = 0` is the correct limit, so the overflow is silenced
    on purpose: the result is finite and warning-free for every finite z.
    """
    if out is None:
        out = np.array(z, dtype=float)  # a copy, also for a scalar (a 0-d array)
        np.negative(out, out=out)
    else:
        np.negative(z, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)  # in place: one buffer instead of four temporaries
    out += 1.0
    np.reciprocal(out, out=out)
    return out[()]  # a float for a scalar z, an array otherwise


def sigmoid_silenced(z):
    """:func:`sigmoid` for a loop that silences numpy's overflow itself, once around many calls: the same
    operations, the same bits, without an error-state context per call (a tenth of a one-sample update)."""
    out = np.negative(z)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def sigmoid_prime(z):
    r"""The sigmoid's derivative :math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`.

    Written with :math:`1 - \sigma(z) = \sigma(-z)`, which keeps full precision
    where :math:`\sigma(z)` is close to 1.
    """
    return sigmoid(z) * sigmoid(-np.asarray(z, dtype=float))


def weighted_sum(X, w, b):
    r"""The pre-activation :math:`z = X w + b`.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        One sample per row.
    w : ndarray of shape (d,)
    b : float

    Returns
    -------
    z : ndarray of shape (n,)
    """
    return np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + float(b)


def forward(X, w, b):
    r"""Forward propagation: :math:`z = X w + b`, then :math:`\hat y = \sigma(z)`.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    w : ndarray of shape (d,)
    b : float

    Returns
    -------
    z : ndarray of shape (n,)
    y_hat : ndarray of shape (n,)
    """
    z = weighted_sum(X, w, b)
    return z, sigmoid(z)


def predict(X, w, b):
    r"""The class the neuron predicts: 1 where :math:`\hat y \ge 0.5`, i.e. :math:`z \ge 0`.

    Returns
    -------
    ndarray of shape (n,), integers 0 or 1.
    """
    return (weighted_sum(X, w, b) >= 0).astype(int)


def accuracy(X, y, w, b):
    r"""The fraction of samples whose predicted class equals the label y (NaN-free; 0 for n = 0)."""
    y = np.asarray(y)
    if y.size == 0:
        return 0.0
    return float(np.mean(predict(X, w, b) == y))


def step(z):
    r"""Rosenblatt's step activation: 1 where :math:`z \ge 0`, else 0.

    Its derivative is 0 almost everywhere, which is why the perceptron rule
    is not gradient descent.
    """
    return (np.asarray(z, dtype=float) >= 0).astype(float)
