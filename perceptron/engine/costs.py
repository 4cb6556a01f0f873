r"""Costs, each beside its derivative.

A cost is the mean of a per-sample loss :math:`L_i`:
:math:`C = \frac{1}{n}\sum_i L_i`, so :math:`\frac{\partial C}{\partial \hat y_i} = \frac{1}{n}\frac{\partial L_i}{\partial \hat y_i}`.

Every function takes the labels ``y`` and the pre-activations ``z`` (not
:math:`\hat y`), so that cross-entropy can be computed from z and stays finite
when the sigmoid saturates.  Imports numpy only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .neuron import sigmoid, sigmoid_prime

_TINY = np.finfo(float).tiny


def _arrays(y, z):
    return np.asarray(y, dtype=float), np.asarray(z, dtype=float)


def residual(y, z):
    r""":math:`y_i - \hat y_i` without cancellation: for a label 1 it is :math:`1 - \sigma(z_i) = \sigma(-z_i)`,
    which keeps its digits where :math:`\hat y_i` rounds to 1 (a saturated sigmoid), and for a label 0
    it is :math:`-\sigma(z_i)`."""
    y, z = _arrays(y, z)
    return np.where(y >= 0.5, (y - 1.0) + sigmoid(-z), y - sigmoid(z))


# --- mean squared error: the article's cost, no 1/2 --------------------------------------


def mse_loss(y, z, y_hat=None):
    r"""Per-sample squared error :math:`L_i = (y_i - \hat y_i)^2`, with :math:`\hat y_i = \sigma(z_i)`.

    Parameters
    ----------
    y : ndarray of shape (n,), labels 0 or 1
    z : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (n,)

    Computed from z as :math:`\sigma(-z_i)^2` for a label 1 and :math:`\sigma(z_i)^2` for a label 0 (the
    residual without cancellation), as the gradient is: where :math:`\hat y_i` rounds to 1 the loss keeps its
    digits (at :math:`z_i = 420`, :math:`e^{-840} \approx 10^{-365}` underflows, but at :math:`z_i = 200` it
    is :math:`e^{-400} \approx 1.9\times10^{-174}`, not 0). ``y_hat`` is accepted and not needed.
    """
    y, z = _arrays(y, z)
    return residual(y, z) ** 2  # not (y − ŷ)²: for a label 1, 1 − ŷ rounds to 0 long before σ(−z) does


def mse_dL_dyhat(y, z, y_hat=None):
    r""":math:`\frac{\partial L_i}{\partial \hat y_i} = -2\,(y_i - \hat y_i)`. Note the minus sign."""
    y, z = _arrays(y, z)
    return -2.0 * (residual(y, z) if y_hat is None else y - y_hat)


def mse_dL_dz(y, z, y_hat=None):
    r""":math:`\frac{\partial L_i}{\partial z_i} = -2\,(y_i - \hat y_i)\,\sigma'(z_i)`.

    ``y_hat`` may be passed when already known (the training loop's hot path).
    """
    y, z = _arrays(y, z)
    if y_hat is None:
        return -2.0 * residual(y, z) * sigmoid_prime(z)
    return -2.0 * (y - y_hat) * (y_hat * (1.0 - y_hat))


# --- binary cross-entropy -----------------------------------------------------------------


def bce_loss(y, z, y_hat=None):
    r"""Per-sample cross-entropy :math:`L_i = -[y_i \log \hat y_i + (1-y_i)\log(1-\hat y_i)]`.

    Computed from z as :math:`L_i = \log(1 + e^{z_i}) - y_i z_i`, which is the same
    quantity and stays finite for every finite z, even where :math:`\hat y_i`
    rounds to exactly 0 or 1. For labels 0 and 1 it is written :math:`\log(1 + e^{s_i z_i})` with
    :math:`s_i = 1 - 2y_i`, so that a label 1 far on its side keeps its loss
    :math:`\log(1 + e^{-z_i}) \approx e^{-z_i}` (:math:`\log(1 + e^{z}) - z` rounds it to 0 once
    :math:`z > 37`).
    """
    y, z = _arrays(y, z)
    if np.all((y == 0) | (y == 1)):
        # ±z exactly: no cancellation. z − z is 0, or NaN for an infinite z (weights that diverged): the loss
        # there is not a number, as log(1 + e^z) − y·z said, and the training loop stops on it
        return np.logaddexp(0.0, (1.0 - 2.0 * y) * z) + (z - z)
    return np.logaddexp(0.0, z) - y * z


def bce_dL_dyhat(y, z, y_hat=None):
    r""":math:`\frac{\partial L_i}{\partial \hat y_i} = -\left(\frac{y_i}{\hat y_i} - \frac{1-y_i}{1-\hat y_i}\right)`.

    Where :math:`\hat y_i` saturates this factor is huge; it is bounded by
    :math:`1/\text{tiny}` so it stays finite. The gradient itself uses
    :func:`bce_dL_dz`, the exact product with :math:`\sigma'(z)`.
    """
    y, z = _arrays(y, z)
    y_hat = np.maximum(sigmoid(z), _TINY)
    one_minus = np.maximum(sigmoid(-z), _TINY)  # 1 - y_hat without cancellation
    return -(y / y_hat - (1.0 - y) / one_minus)


def bce_dL_dz(y, z, y_hat=None):
    r""":math:`\frac{\partial L_i}{\partial z_i} = \hat y_i - y_i`: the sigmoid's slope cancels."""
    y, z = _arrays(y, z)
    return -residual(y, z) if y_hat is None else y_hat - y


@dataclass(frozen=True)
class Cost:
    r"""A cost stored with its derivatives (the pairing can't drift).

    ``loss``, ``dL_dyhat`` and ``dL_dz`` take ``(y, z)`` (and optionally the
    already computed ``y_hat``) and return per-sample arrays of shape (n,). ``latex`` is the formula the pages display.
    """

    name: str
    label: str
    latex: str
    dC_dyhat_latex: str
    loss: Callable
    dL_dyhat: Callable
    dL_dz: Callable

    def __call__(self, y, z, y_hat=None) -> float:
        r"""The mean cost :math:`C = \frac{1}{n}\sum_i L_i` (0 for n = 0)."""
        losses = self.loss(y, z, y_hat)
        return float(np.mean(losses)) if losses.size else 0.0


MSE = Cost(
    name="mse",
    label="Mean squared error (the article's cost)",
    latex=r"C = \frac{1}{n}\sum_{i=1}^{n} (y_i - \hat y_i)^2",
    dC_dyhat_latex=r"\frac{\partial C}{\partial \hat y_i} = -\frac{2}{n}(y_i - \hat y_i)",
    loss=mse_loss,
    dL_dyhat=mse_dL_dyhat,
    dL_dz=mse_dL_dz,
)

BCE = Cost(
    name="bce",
    label="Cross-entropy",
    latex=r"C = -\frac{1}{n}\sum_{i=1}^{n} \left[y_i \log \hat y_i + (1-y_i)\log(1-\hat y_i)\right]",
    dC_dyhat_latex=(
        r"\frac{\partial C}{\partial \hat y_i} = -\frac{1}{n}"
        r"\left(\frac{y_i}{\hat y_i} - \frac{1-y_i}{1-\hat y_i}\right)"
    ),
    loss=bce_loss,
    dL_dyhat=bce_dL_dyhat,
    dL_dz=bce_dL_dz,
)

COSTS = MappingProxyType({"mse": MSE, "bce": BCE})


def get_cost(loss) -> Cost:
    """Look a cost up by name (``"mse"`` or ``"bce"``), or pass a :class:`Cost` through."""
    if isinstance(loss, Cost):
        return loss
    try:
        return COSTS[loss]
    except KeyError:
        raise ValueError(f"Unknown cost {loss!r}: choose one of {sorted(COSTS)}.") from None
