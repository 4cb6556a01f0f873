r"""Beyond one neuron: d inputs, one hidden layer of h sigmoid units, one sigmoid output.

Forward propagation, for the n samples stacked as the rows of X:

.. math::
    z^{(1)} = X W_1 + b_1, \qquad a^{(1)} = \sigma(z^{(1)}), \qquad
    z^{(2)} = a^{(1)} w_2 + b_2, \qquad \hat y = \sigma(z^{(2)}).

The output unit is exactly the single neuron of :mod:`perceptron.engine.neuron`, fed
the hidden activations :math:`a^{(1)}` instead of the inputs. Backpropagation
is the same chain rule with two more factors for the hidden layer:

.. math::
    \frac{\partial C}{\partial W_{1,jk}}\Big|_i
    = \underbrace{\frac{\partial C}{\partial \hat y_i}\,
      \frac{\partial \hat y_i}{\partial z^{(2)}_i}}_{\partial C/\partial z^{(2)}_i}\;
      \underbrace{\frac{\partial z^{(2)}_i}{\partial a^{(1)}_{ik}}}_{w_{2,k}}\;
      \underbrace{\frac{\partial a^{(1)}_{ik}}{\partial z^{(1)}_{ik}}}_{\sigma'(z^{(1)}_{ik})}\;
      \underbrace{\frac{\partial z^{(1)}_{ik}}{\partial W_{1,jk}}}_{x_{ij}} .

Costs come from :mod:`perceptron.engine.costs` (mean squared error without 1/2, and
cross-entropy), so the output layer's factors are the single neuron's. Training
follows :func:`perceptron.engine.training.train`: full batch, mini-batch or one sample
at a time, shuffled with ``default_rng((seed, epoch))``; what it keeps of each epoch
(:class:`NetHistory`, its recorder) is :mod:`perceptron.engine.history`, shared with the neuron.
Imports numpy only; no module-level mutable state.

Longer than the other modules (~570 lines, most of them the formulas' docstrings): it is the
network's whole lesson, parameters, forward pass, chain rule and training, in the order the page
teaches them, and ``perceptron.engine.network`` is the one name the page, the views and the tests
import it by (the neuron's lesson is three modules: neuron, backprop, training).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .backprop import chain_rule as neuron_chain_rule
from .backprop import scaled_norm
from .costs import get_cost
from .history import DIVERGED, Record, Recorder, batches, check_rate, check_start, finite
from .neuron import sigmoid, sigmoid_prime, sigmoid_silenced

# --- parameters -------------------------------------------------------------------------------


def _frozen(a, shape=None) -> np.ndarray:
    a = np.array(a, dtype=float)
    if shape is not None:
        a = a.reshape(shape)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Params:
    r"""The network's weights (read-only arrays).

    Attributes (d inputs, h hidden units)
    ----------
    W1 : ndarray of shape (d, h)
        Column k holds hidden unit k's input weights: :math:`z^{(1)}_{ik} = x_i \cdot W_{1,:k} + b_{1,k}`.
    b1 : ndarray of shape (h,)
    w2 : ndarray of shape (h,)
        The output unit's weights on the hidden activations.
    b2 : float
    """

    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float

    def __post_init__(self):
        W1 = np.array(self.W1, dtype=float)
        if W1.ndim != 2:
            raise ValueError(f"W1 must have shape (d, h), got {W1.shape}.")
        d, h = W1.shape
        b1 = np.asarray(self.b1, dtype=float).reshape(-1)
        w2 = np.asarray(self.w2, dtype=float).reshape(-1)
        if b1.shape != (h,) or w2.shape != (h,):
            raise ValueError(f"b1 and w2 must have shape ({h},), got {b1.shape} and {w2.shape}.")
        object.__setattr__(self, "W1", _frozen(W1))
        object.__setattr__(self, "b1", _frozen(b1))
        object.__setattr__(self, "w2", _frozen(w2))
        object.__setattr__(self, "b2", float(self.b2))

    @property
    def d(self) -> int:
        """Number of inputs."""
        return int(self.W1.shape[0])

    @property
    def h(self) -> int:
        """Number of hidden units."""
        return int(self.W1.shape[1])

    @property
    def size(self) -> int:
        """Number of weights and biases: :math:`dh + 2h + 1`."""
        return self.d * self.h + 2 * self.h + 1

    def vector(self) -> np.ndarray:
        """All weights in one array of shape (size,): W1 (row-major), b1, w2, b2."""
        return np.concatenate([self.W1.ravel(), self.b1, self.w2, [self.b2]])

    @classmethod
    def from_vector(cls, v, d: int, h: int) -> Params:
        """The inverse of :meth:`vector`."""
        v = np.asarray(v, dtype=float).reshape(-1)
        if v.shape[0] != d * h + 2 * h + 1:
            raise ValueError(f"Expected {d * h + 2 * h + 1} numbers for d={d}, h={h}, got {v.shape[0]}.")
        i = d * h
        return cls(v[:i].reshape(d, h), v[i : i + h], v[i + h : i + 2 * h], float(v[-1]))

    def is_finite(self) -> bool:
        return bool(np.all(np.isfinite(self.vector())))


def init_params(d: int, h: int, seed: int = 0, scale: float = 1.0) -> Params:
    r"""Seeded random weights, scaled by fan-in, zero biases.

    .. math::
        W_{1,jk} \sim \mathcal N\!\left(0, \frac{s^2}{d}\right), \quad
        w_{2,k} \sim \mathcal N\!\left(0, \frac{s^2}{h}\right), \quad
        b_1 = 0, \quad b_2 = 0,

    drawn in that order from ``np.random.default_rng(seed)``, with s = ``scale``.
    Dividing by the fan-in keeps :math:`z` of order s for inputs of order 1, so the
    sigmoids start on their slopes; random (not zero) weights make the hidden
    units differ, otherwise they would receive identical gradients forever.

    Parameters
    ----------
    d : int ≥ 1, number of inputs
    h : int ≥ 1, number of hidden units
    seed : int
    scale : float ≥ 0

    Returns
    -------
    Params
    """
    d, h = int(d), int(h)
    if d < 1 or h < 1:
        raise ValueError(f"Need at least one input and one hidden unit, got d={d}, h={h}.")
    if not (np.isfinite(scale) and scale >= 0):
        raise ValueError(f"The scale must be a finite number ≥ 0, got {scale!r}.")
    rng = np.random.default_rng(seed)
    W1 = scale * rng.standard_normal((d, h)) / np.sqrt(d)
    w2 = scale * rng.standard_normal(h) / np.sqrt(h)
    return Params(W1=W1, b1=np.zeros(h), w2=w2, b2=0.0)


# --- forward propagation ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Forward:
    r"""The forward pass of n samples.

    Attributes
    ----------
    z1 : ndarray of shape (n, h)
        :math:`z^{(1)} = X W_1 + b_1`.
    a1 : ndarray of shape (n, h)
        :math:`a^{(1)} = \sigma(z^{(1)})`.
    z2 : ndarray of shape (n,)
        :math:`z^{(2)} = a^{(1)} w_2 + b_2`.
    y_hat : ndarray of shape (n,)
        :math:`\hat y = \sigma(z^{(2)})`.
    """

    z1: np.ndarray
    a1: np.ndarray
    z2: np.ndarray
    y_hat: np.ndarray


def _X(X, p: Params) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    X = X.reshape(-1, p.d) if X.size == 0 else np.atleast_2d(X)
    if X.shape[1] != p.d:
        raise ValueError(f"X has {X.shape[1]} columns but the network has {p.d} inputs.")
    return X


def _inputs(X, y, p: Params):
    X = _X(X, p)
    y = np.asarray(y, dtype=float).reshape(-1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} labels.")
    return X, y


def _forward(X, W1, b1, w2, b2, sig=sigmoid):
    z1 = X @ W1 + b1
    a1 = sig(z1)
    z2 = a1 @ w2 + b2
    return z1, a1, z2, sig(z2)


def forward(X, p: Params) -> Forward:
    r"""Forward propagation through both layers.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    p : Params

    Returns
    -------
    Forward
        z1, a1 of shape (n, h); z2, y_hat of shape (n,).
    """
    return Forward(*_forward(_X(X, p), p.W1, p.b1, p.w2, p.b2))


def predict(X, p: Params) -> np.ndarray:
    r"""The predicted class: 1 where :math:`\hat y \ge 0.5`, i.e. :math:`z^{(2)} \ge 0`.

    Returns
    -------
    ndarray of shape (n,), integers 0 or 1.
    """
    return (forward(X, p).z2 >= 0).astype(int)


def accuracy(X, y, p: Params) -> float:
    """The fraction of samples whose predicted class equals the label (0 for n = 0)."""
    y = np.asarray(y).reshape(-1)
    if y.size == 0:
        return 0.0
    return float(np.mean(predict(X, p) == y))


def hidden_grid(G, p: Params) -> np.ndarray:
    r"""Each hidden unit's activation :math:`\sigma(g \cdot W_{1,:k} + b_{1,k})` over m grid points.

    Parameters
    ----------
    G : ndarray of shape (m, d)
        The grid points *after* the feature pipeline (``Features.transform``).
    p : Params

    Returns
    -------
    ndarray of shape (h, m): row k is hidden unit k's map, its own linear
    boundary where it equals 0.5.
    """
    G = _X(G, p)
    return sigmoid(G @ p.W1 + p.b1).T


def cost_at(X, y, p: Params, loss="mse") -> float:
    r"""The mean cost :math:`C = \frac{1}{n}\sum_i L_i` of the network on (X, y)."""
    X, y = _inputs(X, y, p)
    return get_cost(loss)(y, forward(X, p).z2)


# --- backpropagation --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NetLedger:
    r"""Every chain-rule factor of every sample, for every weight.

    Attributes (n samples, d inputs, h hidden units)
    ----------
    z1, a1 : ndarray of shape (n, h); z2, y_hat : ndarray of shape (n,)
        The forward pass.
    loss : ndarray of shape (n,)
        Per-sample loss :math:`L_i`; the cost is their mean.

    Output layer, as for one neuron fed :math:`a^{(1)}`:

    dC_dyhat : ndarray of shape (n,)
        :math:`\partial C/\partial \hat y_i = \frac{1}{n}\,\partial L_i/\partial \hat y_i`.
    dyhat_dz2 : ndarray of shape (n,)
        :math:`\sigma'(z^{(2)}_i)`.
    dC_dz2 : ndarray of shape (n,)
        Their product, computed stably (for cross-entropy, :math:`(\hat y_i - y_i)/n`).
    dz2_dw2 : ndarray of shape (n, h)
        :math:`\partial z^{(2)}_i/\partial w_{2,k} = a^{(1)}_{ik}`.
    dC_dw2_i : ndarray of shape (n, h)
        Sample i's contribution :math:`\partial C/\partial z^{(2)}_i \cdot a^{(1)}_{ik}`.
    dC_db2_i : ndarray of shape (n,)
        Sample i's contribution to :math:`\partial C/\partial b_2` (= ``dC_dz2``).

    Hidden layer, through the extra factors:

    dz2_da1 : ndarray of shape (h,)
        :math:`\partial z^{(2)}_i/\partial a^{(1)}_{ik} = w_{2,k}` (the same for every sample).
    dC_da1 : ndarray of shape (n, h)
        :math:`\partial C/\partial z^{(2)}_i \cdot w_{2,k}`.
    da1_dz1 : ndarray of shape (n, h)
        :math:`\sigma'(z^{(1)}_{ik})`.
    dC_dz1 : ndarray of shape (n, h)
        :math:`\partial C/\partial z^{(2)}_i \cdot w_{2,k} \cdot \sigma'(z^{(1)}_{ik})`.
    dz1_dW1 : ndarray of shape (n, d)
        :math:`\partial z^{(1)}_{ik}/\partial W_{1,jk} = x_{ij}` (the same for every unit k).
    dC_dW1_i : ndarray of shape (n, d, h)
        Sample i's contribution :math:`x_{ij}\,\partial C/\partial z^{(1)}_{ik}`.
    dC_db1_i : ndarray of shape (n, h)
        Sample i's contribution to :math:`\partial C/\partial b_{1,k}` (= ``dC_dz1``).

    Totals, the gradient of the mean cost (sums of the contributions):

    dW1 : ndarray of shape (d, h); db1, dw2 : ndarray of shape (h,); db2 : float
    cost : float
    """

    z1: np.ndarray
    a1: np.ndarray
    z2: np.ndarray
    y_hat: np.ndarray
    loss: np.ndarray
    dC_dyhat: np.ndarray
    dyhat_dz2: np.ndarray
    dC_dz2: np.ndarray
    dz2_dw2: np.ndarray
    dC_dw2_i: np.ndarray
    dC_db2_i: np.ndarray
    dz2_da1: np.ndarray
    dC_da1: np.ndarray
    da1_dz1: np.ndarray
    dC_dz1: np.ndarray
    dz1_dW1: np.ndarray
    dC_dW1_i: np.ndarray
    dC_db1_i: np.ndarray
    dW1: np.ndarray
    db1: np.ndarray
    dw2: np.ndarray
    db2: float
    cost: float

    @property
    def grads(self) -> Params:
        """The totals as a :class:`Params` (what :func:`gradients` returns)."""
        return Params(self.dW1, self.db1, self.dw2, self.db2)

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.z2.shape[0])


def chain_rule(X, y, p: Params, loss="mse") -> NetLedger:
    r"""Forward pass, then every chain-rule factor of every sample.

    .. math::
        \frac{\partial C}{\partial z^{(2)}_i} = \frac{\partial C}{\partial \hat y_i}\,\sigma'(z^{(2)}_i),
        \qquad
        \frac{\partial C}{\partial z^{(1)}_{ik}} = \frac{\partial C}{\partial z^{(2)}_i}\, w_{2,k}\,
        \sigma'(z^{(1)}_{ik}),

    then :math:`\partial C/\partial w_{2,k} = \sum_i \partial C/\partial z^{(2)}_i\, a^{(1)}_{ik}` and
    :math:`\partial C/\partial W_{1,jk} = \sum_i x_{ij}\, \partial C/\partial z^{(1)}_{ik}`.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,), labels 0 or 1
    p : Params
    loss : ``"mse"`` or ``"bce"``

    Returns
    -------
    NetLedger
    """
    X, y = _inputs(X, y, p)
    z1 = X @ p.W1 + p.b1
    a1 = sigmoid(z1)
    # output layer: exactly the single neuron, fed the hidden activations (z2, ŷ and their factors)
    out = neuron_chain_rule(a1, y, p.w2, p.b2, loss)
    # hidden layer: two more factors
    dz2_da1 = p.w2.copy()
    dC_da1 = out.dC_dz[:, None] * dz2_da1[None, :]
    da1_dz1 = sigmoid_prime(z1)
    dC_dz1 = dC_da1 * da1_dz1
    dz1_dW1 = X
    dC_dW1_i = dz1_dW1[:, :, None] * dC_dz1[:, None, :]
    dC_db1_i = dC_dz1  # dz1/db1 = 1
    return NetLedger(
        z1=z1, a1=a1, z2=out.z, y_hat=out.y_hat, loss=out.loss,
        dC_dyhat=out.dC_dyhat, dyhat_dz2=out.dyhat_dz, dC_dz2=out.dC_dz, dz2_dw2=out.dz_dw,
        dC_dw2_i=out.dC_dw_i, dC_db2_i=out.dC_db_i,
        dz2_da1=dz2_da1, dC_da1=dC_da1, da1_dz1=da1_dz1, dC_dz1=dC_dz1, dz1_dW1=dz1_dW1,
        dC_dW1_i=dC_dW1_i, dC_db1_i=dC_db1_i,
        dW1=dC_dW1_i.sum(axis=0), db1=dC_db1_i.sum(axis=0), dw2=out.dw, db2=out.db, cost=out.cost,
    )


def _backward(X, y, W1, b1, w2, b2, cost):
    """Cost, accuracy and the four gradients at one point: one forward, one backward (the hot path)."""
    n = X.shape[0]
    z1, a1, z2, y_hat = _forward(X, W1, b1, w2, b2)
    c = cost(y, z2, y_hat)
    acc = float(np.mean((z2 >= 0) == (y == 1))) if n else 0.0
    return (c, acc, *_gradients(X, y, z1, a1, z2, y_hat, w2, cost))


def _gradients(X, y, z1, a1, z2, y_hat, w2, cost, sig=None):
    """The four gradients from a forward pass (``_forward``'s arrays): what a mini-batch's update needs (its cost
    and accuracy are not: an epoch records them once, over every point). ``sig``: σ for σ'(z1) = a1·σ(−z1)
    (``sigmoid_silenced`` in the mini-batch loop; by default
    :func:`~perceptron.engine.neuron.sigmoid_prime`, the same bits)."""
    n = X.shape[0]
    # from z2, not ŷ: for a label 1, 1 − ŷ rounds to 0 long before σ(−z2) does (a saturated output still learns)
    dC_dz2 = cost.dL_dz(y, z2) / n if n else np.zeros(0)
    dC_dz1 = dC_dz2[:, None] * w2 * (sigmoid_prime(z1) if sig is None else a1 * sig(-z1))
    return X.T @ dC_dz1, dC_dz1.sum(axis=0), a1.T @ dC_dz2, float(dC_dz2.sum())


def gradients(X, y, p: Params, loss="mse") -> Params:
    r"""The gradient of the mean cost, in the shapes of ``p``.

    .. math::
        \frac{\partial C}{\partial w_2} = a^{(1)\top} \frac{\partial C}{\partial z^{(2)}}, \quad
        \frac{\partial C}{\partial b_2} = \sum_i \frac{\partial C}{\partial z^{(2)}_i}, \quad
        \frac{\partial C}{\partial W_1} = X^\top \frac{\partial C}{\partial z^{(1)}}, \quad
        \frac{\partial C}{\partial b_1} = \sum_i \frac{\partial C}{\partial z^{(1)}_{i,:}}

    Returns
    -------
    Params
        dW1 (d, h), db1 (h,), dw2 (h,), db2 float (all zero for n = 0).
    """
    X, y = _inputs(X, y, p)
    _, _, dW1, db1, dw2, db2 = _backward(X, y, p.W1, p.b1, p.w2, p.b2, get_cost(loss))
    return Params(dW1, db1, dw2, db2)


def numerical_gradient(X, y, p: Params, loss="mse", eps=1e-6) -> Params:
    r"""Central finite differences over every weight, an independent check of :func:`gradients`.

    .. math::
        \frac{\partial C}{\partial \theta_j} \approx
        \frac{C(\theta + \varepsilon e_j) - C(\theta - \varepsilon e_j)}{2\varepsilon}

    Returns
    -------
    Params
    """
    X, y = _inputs(X, y, p)
    theta = p.vector()
    g = np.empty_like(theta)
    for j in range(theta.shape[0]):
        e = np.zeros_like(theta)
        e[j] = eps
        up = cost_at(X, y, Params.from_vector(theta + e, p.d, p.h), loss)
        down = cost_at(X, y, Params.from_vector(theta - e, p.d, p.h), loss)
        g[j] = (up - down) / (2 * eps)
    return Params.from_vector(g, p.d, p.h)


def gradient_check(X, y, p: Params, loss="mse", eps=1e-6) -> dict:
    r"""Analytic gradient beside the finite-difference one, and their relative error.

    .. math::
        \text{rel} = \frac{\lVert g - \tilde g\rVert}{\lVert g\rVert + \lVert \tilde g\rVert}

    (0 when both are 0). The norms are scaled by the largest component (:func:`~perceptron.engine.backprop.scaled_norm`):
    a gradient of :math:`10^{-170}` squared to 0 on the way, and a floor of :math:`10^{-12}` under the denominator
    then read a relative error of 0 for any two such gradients.

    Returns
    -------
    dict with ``analytic`` and ``numeric`` (each an ndarray of shape (p.size,), in
    the order of :meth:`Params.vector`) and ``rel_error`` (float).
    """
    g = gradients(X, y, p, loss).vector()
    ng = numerical_gradient(X, y, p, loss, eps).vector()
    denom = scaled_norm(g) + scaled_norm(ng)
    return {"analytic": g, "numeric": ng, "rel_error": float(scaled_norm(g - ng) / denom) if denom > 0 else 0.0}


# --- training ---------------------------------------------------------------------------------

@dataclass(kw_only=True)
class NetHistory(Record):
    r"""The per-epoch record of a network's run. Row k holds the state after k epochs.

    Attributes (k+1 rows for k epochs, d inputs, h hidden units)
    ----------
    W1 : ndarray of shape (k+1, d, h)
    b1, w2 : ndarray of shape (k+1, h)
    b2 : ndarray of shape (k+1,)
    cost, accuracy, grad_norm, test_cost, test_accuracy, stopped, message
        As in :class:`~perceptron.engine.history.Record` (``grad_norm`` is the norm of the whole gradient).
    """

    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def params(self, k: int = -1) -> Params:
        """The :class:`Params` after epoch k (the last by default)."""
        return Params(self.W1[k], self.b1[k], self.w2[k], float(self.b2[k]))


def _z2(X, W1, b1, w2, b2):
    """The output unit's :math:`z^{(2)}` on the rows of X (what the recorder needs for the held-out set)."""
    return _forward(X, W1, b1, w2, b2)[2]


def _epoch_of_batches(X, y, W1, b1, w2, b2, lr, cost, batch_size, seed, epoch):
    """One pass of mini-batch (or single-sample) updates in the seeded order."""
    W1, b1, w2 = W1.copy(), b1.copy(), w2.copy()
    for idx in batches(X.shape[0], batch_size, seed, epoch):
        Xb, yb = X[idx], y[idx]
        dW1, db1, dw2, db2 = _gradients(Xb, yb, *_forward(Xb, W1, b1, w2, b2, sigmoid_silenced), w2, cost,
                                        sigmoid_silenced)
        W1 -= lr * dW1
        b1 -= lr * db1
        w2 -= lr * dw2
        b2 -= lr * db2
        if not finite(W1, b1, w2, b2):
            break
    return W1, b1, w2, b2


def train(
    X,
    y,
    p: Params,
    *,
    lr,
    epochs,
    loss="mse",
    batch_size=None,
    seed=0,
    start_epoch=0,
    X_test=None,
    y_test=None,
    tol_cost=None,
    tol_grad=None,
) -> NetHistory:
    r"""Gradient descent on every weight for ``epochs`` epochs from ``p``.

    Each update: :math:`\theta \leftarrow \theta - \alpha\,\partial C/\partial \theta` for
    :math:`\theta \in \{W_1, b_1, w_2, b_2\}`, with the gradient of the mean cost over the batch.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,), labels 0 or 1
    p : Params, the starting point
    lr : float ≥ 0, the learning rate :math:`\alpha`
    epochs : int, passes over the data
    loss : ``"mse"`` or ``"bce"``
    batch_size, seed, start_epoch, X_test, y_test, tol_cost, tol_grad
        As for one neuron (:func:`perceptron.engine.training.train`): the mini-batch size (None for
        full batch), the shuffling seed and the starting epoch's number (so that a run continued step
        by step shuffles exactly as one long run), the held-out data, and the stop rules.

    Returns
    -------
    NetHistory
        Row k holds the parameters after k epochs; fewer rows when training stopped early
        (``NetHistory.stopped`` says why; a diverging run keeps its last finite state).
    """
    X, y = _inputs(X, y, p)
    W1, b1, w2, b2 = p.W1.copy(), p.b1.copy(), p.w2.copy(), float(p.b2)
    cost = get_cost(loss)
    n = X.shape[0]
    rec = Recorder(NetHistory, _z2, cost, p.d, X_test, y_test, tol_cost, tol_grad)
    epochs = int(epochs)
    check_rate(lr)
    if batch_size is not None and int(batch_size) < 1:
        raise ValueError(f"The batch size must be a whole number ≥ 1 or None, got {batch_size!r}.")
    full = batch_size is None or batch_size >= n

    with np.errstate(all="ignore"):  # a non-finite start is reported just below
        c, acc, dW1, db1, dw2, db2 = _backward(X, y, W1, b1, w2, b2, cost)
    check_start(c, dW1, db1, dw2, db2, W1, b1, w2, b2)
    for k in range(epochs + 1):
        gnorm = float(np.sqrt(np.sum(dW1**2) + db1 @ db1 + dw2 @ dw2 + db2 * db2))
        rec.add((W1, b1, w2, b2), c, acc, gnorm)
        if rec.done or k == epochs or n == 0:  # a stop rule holds, or the last epoch is recorded
            break
        with np.errstate(all="ignore"):  # a diverging step is caught just below, not warned about
            if full:
                new = W1 - lr * dW1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
            else:
                new = _epoch_of_batches(X, y, W1, b1, w2, b2, lr, cost, batch_size, seed, start_epoch + k)
            step = _backward(X, y, *new, cost)
        if not finite(*new, *step):
            rec.stop("diverged", DIVERGED)
            break
        (W1, b1, w2, b2), (c, acc, dW1, db1, dw2, db2) = new, step
    return rec.history()
