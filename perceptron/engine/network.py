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
at a time, shuffled with ``default_rng((seed, epoch))``. Imports numpy only;
no module-level mutable state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .costs import get_cost
from .neuron import sigmoid, sigmoid_prime
from .training import DIVERGED

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


def _forward(X, W1, b1, w2, b2):
    z1 = X @ W1 + b1
    a1 = sigmoid(z1)
    z2 = a1 @ w2 + b2
    return z1, a1, z2, sigmoid(z2)


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
    def n(self) -> int:
        return int(self.z2.shape[0])

    @property
    def grads(self) -> Params:
        """The totals as a :class:`Params` (what :func:`gradients` returns)."""
        return Params(self.dW1, self.db1, self.dw2, self.db2)


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
    cost = get_cost(loss)
    n = X.shape[0]
    z1, a1, z2, y_hat = _forward(X, p.W1, p.b1, p.w2, p.b2)
    scale = 1.0 / n if n else 0.0
    # output layer: one neuron on the hidden activations
    dC_dyhat = scale * cost.dL_dyhat(y, z2)  # the 1/n of the mean
    dyhat_dz2 = sigmoid_prime(z2)
    dC_dz2 = scale * cost.dL_dz(y, z2)  # = dC_dyhat * dyhat_dz2, computed without overflow
    dz2_dw2 = a1
    dC_dw2_i = dC_dz2[:, None] * dz2_dw2
    dC_db2_i = dC_dz2  # dz2/db2 = 1
    # hidden layer: two more factors
    dz2_da1 = p.w2.copy()
    dC_da1 = dC_dz2[:, None] * dz2_da1[None, :]
    da1_dz1 = sigmoid_prime(z1)
    dC_dz1 = dC_da1 * da1_dz1
    dz1_dW1 = X
    dC_dW1_i = dz1_dW1[:, :, None] * dC_dz1[:, None, :]
    dC_db1_i = dC_dz1  # dz1/db1 = 1
    return NetLedger(
        z1=z1, a1=a1, z2=z2, y_hat=y_hat, loss=cost.loss(y, z2),
        dC_dyhat=dC_dyhat, dyhat_dz2=dyhat_dz2, dC_dz2=dC_dz2, dz2_dw2=dz2_dw2,
        dC_dw2_i=dC_dw2_i, dC_db2_i=dC_db2_i,
        dz2_da1=dz2_da1, dC_da1=dC_da1, da1_dz1=da1_dz1, dC_dz1=dC_dz1, dz1_dW1=dz1_dW1,
        dC_dW1_i=dC_dW1_i, dC_db1_i=dC_db1_i,
        dW1=dC_dW1_i.sum(axis=0), db1=dC_db1_i.sum(axis=0), dw2=dC_dw2_i.sum(axis=0),
        db2=float(dC_db2_i.sum()), cost=cost(y, z2),
    )


def _backward(X, y, W1, b1, w2, b2, cost):
    """Cost, accuracy and the four gradients at one point: one forward, one backward (the hot path)."""
    n = X.shape[0]
    z1, a1, z2, y_hat = _forward(X, W1, b1, w2, b2)
    c = cost(y, z2, y_hat)
    acc = float(np.mean((z2 >= 0) == (y == 1))) if n else 0.0
    dC_dz2 = cost.dL_dz(y, z2, y_hat) / n if n else np.zeros(0)
    dC_dz1 = dC_dz2[:, None] * w2 * sigmoid_prime(z1)
    return c, acc, X.T @ dC_dz1, dC_dz1.sum(axis=0), a1.T @ dC_dz2, float(dC_dz2.sum())


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
        \text{rel} = \frac{\lVert g - \tilde g\rVert}{\max(\lVert g\rVert + \lVert \tilde g\rVert, 10^{-12})}

    Returns
    -------
    dict with ``analytic`` and ``numeric`` (each an ndarray of shape (p.size,), in
    the order of :meth:`Params.vector`) and ``rel_error`` (float).
    """
    g = gradients(X, y, p, loss).vector()
    ng = numerical_gradient(X, y, p, loss, eps).vector()
    denom = max(np.linalg.norm(g) + np.linalg.norm(ng), 1e-12)
    return {"analytic": g, "numeric": ng, "rel_error": float(np.linalg.norm(g - ng) / denom)}


# --- training ---------------------------------------------------------------------------------

_ROWS = ("W1", "b1", "w2", "b2", "cost", "accuracy", "grad_norm", "test_cost", "test_accuracy")


@dataclass
class NetHistory:
    r"""The per-epoch record of a network's run. Row k holds the state after k epochs.

    Attributes (k+1 rows for k epochs, d inputs, h hidden units)
    ----------
    W1 : ndarray of shape (k+1, d, h)
    b1, w2 : ndarray of shape (k+1, h)
    b2, cost, accuracy, grad_norm : ndarray of shape (k+1,)
        ``cost`` is the full training-data cost at row k's parameters and
        ``grad_norm`` the norm of the whole gradient there.
    test_cost, test_accuracy : ndarray of shape (k+1,) or None
        The same on the held-out set, when one was given.
    stopped : str or None
        Why training stopped before ``epochs`` ("diverged", "cost threshold", ...).
    message : str
    """

    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    cost: np.ndarray
    accuracy: np.ndarray
    grad_norm: np.ndarray
    test_cost: np.ndarray | None = None
    test_accuracy: np.ndarray | None = None
    stopped: str | None = None
    message: str = field(default="")

    @property
    def epochs(self) -> int:
        """How many epochs the record covers (rows minus one)."""
        return int(self.b2.shape[0]) - 1

    @property
    def diverged(self) -> bool:
        return self.stopped == "diverged"

    def params(self, k: int = -1) -> Params:
        """The :class:`Params` after epoch k (the last by default)."""
        return Params(self.W1[k], self.b1[k], self.w2[k], float(self.b2[k]))

    def _arrays(self):
        return [getattr(self, name) for name in _ROWS]

    def upto(self, k: int) -> NetHistory:
        """The record cut after epoch k (for rewinding)."""
        k = int(np.clip(k, 0, self.epochs)) + 1
        return NetHistory(*(None if a is None else a[:k].copy() for a in self._arrays()))

    def extend(self, more: NetHistory) -> NetHistory:
        """This record followed by ``more``, whose row 0 repeats this one's last row."""
        join = lambda a, c: None if a is None or c is None else np.concatenate([a, c[1:]])
        rows = [join(a, c) for a, c in zip(self._arrays(), more._arrays(), strict=True)]
        return NetHistory(*rows, stopped=more.stopped, message=more.message)

    def tail(self, keep: int) -> tuple[NetHistory, int]:
        """Keep only the last ``keep`` epochs (bounded memory); returns it and how many rows were dropped."""
        drop = max(0, self.epochs - keep)
        if drop == 0:
            return self, 0
        rows = [None if a is None else a[drop:].copy() for a in self._arrays()]
        return NetHistory(*rows, stopped=self.stopped, message=self.message), drop


class _Recorder:
    """Collects rows; knows the optional held-out set."""

    def __init__(self, X_test, y_test, cost, d):
        self.has_test = X_test is not None and y_test is not None and len(y_test) > 0
        self.X_test = np.asarray(X_test, dtype=float).reshape(-1, d) if self.has_test else None
        self.y_test = np.asarray(y_test, dtype=float).reshape(-1) if self.has_test else None
        if self.has_test and self.X_test.shape[0] != self.y_test.shape[0]:
            raise ValueError(f"X_test has {self.X_test.shape[0]} rows but y_test has {self.y_test.shape[0]} labels.")
        self.cost = cost
        self.rows = {k: [] for k in _ROWS}

    def add(self, W1, b1, w2, b2, cost, acc, gnorm):
        r = self.rows
        for name, v in (("W1", W1), ("b1", b1), ("w2", w2)):
            r[name].append(v.copy())
        r["b2"].append(b2)
        r["cost"].append(cost)
        r["accuracy"].append(acc)
        r["grad_norm"].append(gnorm)
        if self.has_test:
            z2 = _forward(self.X_test, W1, b1, w2, b2)[2]
            r["test_cost"].append(self.cost(self.y_test, z2))
            r["test_accuracy"].append(float(np.mean((z2 >= 0) == (self.y_test == 1))))

    def history(self, stopped=None, message="") -> NetHistory:
        r = self.rows
        test = self.has_test
        as_float = lambda k: np.array(r[k], dtype=float)
        return NetHistory(
            W1=as_float("W1"), b1=as_float("b1"), w2=as_float("w2"), b2=as_float("b2"),
            cost=as_float("cost"), accuracy=as_float("accuracy"), grad_norm=as_float("grad_norm"),
            test_cost=as_float("test_cost") if test else None,
            test_accuracy=as_float("test_accuracy") if test else None,
            stopped=stopped, message=message,
        )


def _finite(*xs) -> bool:
    return all(np.all(np.isfinite(x)) for x in xs)


def _epoch_of_batches(X, y, W1, b1, w2, b2, lr, cost, batch_size, seed, epoch):
    """One pass of mini-batch (or single-sample) updates in a seeded order."""
    n = X.shape[0]
    order = np.random.default_rng((int(seed), int(epoch))).permutation(n)
    W1, b1, w2 = W1.copy(), b1.copy(), w2.copy()
    for start in range(0, n, int(batch_size)):
        idx = order[start : start + int(batch_size)]
        _, _, dW1, db1, dw2, db2 = _backward(X[idx], y[idx], W1, b1, w2, b2, cost)
        W1 -= lr * dW1
        b1 -= lr * db1
        w2 -= lr * dw2
        b2 -= lr * db2
        if not _finite(W1, b1, w2, b2):
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
    batch_size : int or None
        None: full batch (one update per epoch); 1: one update per sample;
        otherwise mini-batches of that size, reshuffled every epoch.
    seed : int
        Shuffling seed; epoch k shuffles with ``default_rng((seed, start_epoch + k))``.
    start_epoch : int
        Epoch number of the starting point, so that a run continued step by step
        shuffles exactly as one long run.
    X_test, y_test : held-out data, optional
    tol_cost, tol_grad : float, optional
        Stop early once the cost, or the gradient norm, is at or below this.

    Returns
    -------
    NetHistory
        Row k holds the parameters after k epochs. Fewer than ``epochs + 1`` rows
        when training stopped early; ``NetHistory.stopped`` says why. A run whose
        numbers stop being finite keeps its last finite state (``stopped="diverged"``).
    """
    X, y = _inputs(X, y, p)
    W1, b1, w2, b2 = p.W1.copy(), p.b1.copy(), p.w2.copy(), float(p.b2)
    cost = get_cost(loss)
    n = X.shape[0]
    rec = _Recorder(X_test, y_test, cost, p.d)
    epochs = int(epochs)
    if not (np.isfinite(lr) and lr >= 0):
        raise ValueError(f"The learning rate must be a finite number ≥ 0, got {lr!r}.")
    if batch_size is not None and int(batch_size) < 1:
        raise ValueError(f"The batch size must be a whole number ≥ 1 or None, got {batch_size!r}.")
    full = batch_size is None or batch_size >= n

    with np.errstate(all="ignore"):  # a non-finite start is reported just below
        c, acc, dW1, db1, dw2, db2 = _backward(X, y, W1, b1, w2, b2, cost)
    if not _finite(c, dW1, db1, dw2, db2, W1, b1, w2, b2):
        raise ValueError("The starting point already gives non-finite numbers: check the data and weights.")
    for k in range(epochs + 1):
        gnorm = float(np.sqrt(np.sum(dW1**2) + db1 @ db1 + dw2 @ dw2 + db2 * db2))
        rec.add(W1, b1, w2, b2, c, acc, gnorm)
        if tol_cost is not None and c <= tol_cost:
            return rec.history("cost threshold", f"Stopped: the cost reached {c:.4g} ≤ {tol_cost:g}.")
        if tol_grad is not None and gnorm <= tol_grad:
            return rec.history("gradient threshold", f"Stopped: the gradient norm reached {gnorm:.3g} ≤ {tol_grad:g}.")
        if k == epochs or n == 0:
            break
        with np.errstate(all="ignore"):  # a diverging step is caught just below, not warned about
            if full:
                new = W1 - lr * dW1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
            else:
                new = _epoch_of_batches(X, y, W1, b1, w2, b2, lr, cost, batch_size, seed, start_epoch + k)
            step = _backward(X, y, *new, cost)
        if not _finite(*new, *step):
            return rec.history("diverged", DIVERGED)
        (W1, b1, w2, b2), (c, acc, dW1, db1, dw2, db2) = new, step
    return rec.history()
