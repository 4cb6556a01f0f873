r"""Gradient descent on one sigmoid neuron, and Rosenblatt's rule to compare.

One update is :math:`w \leftarrow w - \alpha\,\partial C/\partial w`,
:math:`b \leftarrow b - \alpha\,\partial C/\partial b`. An *epoch* is one pass over
the training data: one update for full batch (the article's method), one per
mini-batch, or one per sample. Shuffling is seeded by ``(seed, epoch)``, so ten
single steps give exactly the run that ``epochs=10`` gives. Imports numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .costs import BCE, MSE, get_cost
from .history import DIVERGED, Record, Recorder, batches, check_rate, check_start, finite, seeded_order
from .neuron import sigmoid_silenced, step


@dataclass(kw_only=True)
class History(Record):
    r"""The per-epoch record of one neuron's run. Row k holds the state after k epochs.

    Attributes (k+1 rows for k epochs, d features)
    ----------
    w : ndarray of shape (k+1, d)
    b : ndarray of shape (k+1,)
    cost, accuracy, grad_norm, test_cost, test_accuracy, stopped, message
        As in :class:`~perceptron.engine.history.Record`: ``grad_norm`` is
        :math:`\lVert(\partial C/\partial w, \partial C/\partial b)\rVert` (for Rosenblatt's rule,
        ``cost`` is the fraction misclassified and ``grad_norm`` the number of updates made in that epoch).
    """

    w: np.ndarray
    b: np.ndarray

    def params(self, k: int = -1):
        """``(w, b)`` after epoch k (the last by default)."""
        return self.w[k].copy(), float(self.b[k])


def _z(X, w, b):
    """The neuron's weighted sums :math:`z = Xw + b` (what the recorder needs for the held-out set)."""
    return X @ w + b


def _zs(X, W, b):
    """:func:`_z` at many epochs' parameters at once: W of shape (epochs, d), b of shape (epochs,); returns
    shape (epochs, m)."""
    return W @ X.T + b[:, None]


class _Buffers:
    """One set of full-length arrays reused by every epoch's full pass.

    At n = 200,000 each array is 1.6 MB; allocating fresh ones every epoch costs
    more than the arithmetic (the memory has to be mapped and faulted in each time).
    """

    def __init__(self, n: int, y=None):
        self.z = np.empty(n)
        self.y_hat = np.empty(n)
        self.r = np.empty(n)
        self.dC_dz = np.empty(n)
        self.t = np.empty(n)
        self.hit = np.empty(n, dtype=bool)
        # the labels as 0/1 floats and 1 − y: choosing per sample by arithmetic, not a masked copy (slower)
        self.y = None if y is None else np.asarray(y, dtype=float).reshape(-1)
        self.y0 = None if y is None else 1.0 - self.y


def _sigmoid_into(minus_z):
    r""":math:`\sigma(z) = 1/(1 + e^{-z})` written over ``minus_z`` (the array :math:`-z`), in place: the same
    operations as :func:`~perceptron.engine.neuron.sigmoid`, the same bits, no allocation and no error-state
    context (the training loop holds one)."""
    np.exp(minus_z, out=minus_z)
    minus_z += 1.0
    return np.reciprocal(minus_z, out=minus_z)


def _full_pass(X, y, w, b, cost, n, y1=None, buf=None):
    """Cost, accuracy and gradient of the whole training set at (w, b): one forward, one backward.

    ``y1`` (the mask y == 1) may be passed in so the loop does not rebuild it every epoch,
    and ``buf`` (:class:`_Buffers`) so that it does not allocate its full-length arrays.
    """
    if n == 0:
        return 0.0, 0.0, X.T @ np.zeros(0), 0.0
    buf = _Buffers(n, y) if buf is None else buf
    z = np.matmul(X, w, out=buf.z)
    z += b
    # σ in place without an error-state context of its own: the caller silences overflow once (σ(z) for z < −709
    # is 1/(1 + inf) = 0, the right limit), around the whole loop, not four times an epoch
    y_hat = _sigmoid_into(np.negative(z, out=buf.y_hat))
    y1 = (y == 1) if y1 is None else y1
    hit = np.greater_equal(z, 0.0, out=buf.hit)
    np.equal(hit, y1, out=hit)
    acc = float(np.count_nonzero(hit)) / n
    if cost is MSE:  # the article's cost, written for speed: in place, r = y − ŷ once, C = r·r/n
        # 1 − ŷ as σ(−z), without cancellation where ŷ rounds to 1 (a saturated sigmoid keeps its tiny
        # slope, as the pages print it), then × ŷ × r × (−2/n): one buffer
        np.copyto(buf.dC_dz, z)
        dC_dz = _sigmoid_into(buf.dC_dz)  # σ(−z) = 1/(1 + e^{z}): written over z itself, since −(−z) = z
        # y − ŷ = y·σ(−z) − (1 − y)·ŷ for labels 0 and 1: 1 − ŷ without cancellation for a label 1,
        # for the cost as for the gradient (y − ŷ itself loses a class-1 sample's loss once ŷ rounds to 1)
        r = np.multiply(buf.y, dC_dz, out=buf.r)
        r -= np.multiply(buf.y0, y_hat, out=buf.t)
        c = float(r @ r) / n
        dC_dz *= y_hat
        dC_dz *= r
        dC_dz *= -2.0 / n
    elif cost is BCE:  # ŷ − y, written as −σ(−z) for a label 1: no cancellation where ŷ rounds to 1
        c = cost(y, z, y_hat)
        np.copyto(buf.dC_dz, z)
        dC_dz = _sigmoid_into(buf.dC_dz)  # σ(−z) = 1/(1 + e^{z})
        # ŷ − y = (1 − y)·ŷ − y·σ(−z) for labels 0 and 1
        np.multiply(buf.y, dC_dz, out=dC_dz)
        np.negative(dC_dz, out=dC_dz)
        dC_dz += np.multiply(buf.y0, y_hat, out=buf.t)
        dC_dz /= n
    else:
        c = cost(y, z, y_hat)
        dC_dz = cost.dL_dz(y, z, y_hat) / n
    return c, acc, X.T @ dC_dz, float(dC_dz.sum())


def train(
    X,
    y,
    w,
    b,
    *,
    lr,
    epochs,
    loss="mse",
    batch_size=None,
    seed=0,
    X_test=None,
    y_test=None,
    start_epoch=0,
    tol_cost=None,
    tol_grad=None,
) -> History:
    r"""Gradient descent for ``epochs`` epochs from ``(w, b)``.

    Each update: :math:`w \leftarrow w - \alpha \frac{\partial C}{\partial w}`,
    :math:`b \leftarrow b - \alpha \frac{\partial C}{\partial b}`, with the gradient of
    the mean cost over the batch.

    Parameters
    ----------
    X, y, w, b : the samples (n, d), their labels 0 or 1 (n,), the starting weights (d,) and bias (float)
    lr : float
        The learning rate :math:`\alpha`.
    epochs : int
        Passes over the data.
    loss : ``"mse"`` or ``"bce"``
    batch_size : int or None
        None: full batch (one update per epoch); 1: one update per sample;
        otherwise mini-batches of that size, reshuffled every epoch.
    seed : int
        Shuffling seed; epoch k shuffles with ``default_rng((seed, start_epoch + k))``.
    X_test, y_test : held-out data, optional
    start_epoch : int
        Epoch number of the starting point, so that a run continued step by step
        shuffles exactly as one long run.
    tol_cost, tol_grad : float, optional
        Stop early once the cost, or the gradient norm, is at or below this.

    Returns
    -------
    History
        Row k holds the parameters after k epochs. Fewer than ``epochs + 1`` rows
        when training stopped early; ``History.stopped`` says why. A run whose
        numbers stop being finite keeps its last finite state.
    """
    X = np.atleast_2d(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float).reshape(-1)
    w = np.array(w, dtype=float).reshape(-1)
    b = float(b)
    cost = get_cost(loss)
    n = X.shape[0]
    rec = Recorder(History, _z, cost, w.shape[0], X_test, y_test, tol_cost, tol_grad, outputs=_zs, losses=cost.loss)
    epochs = int(epochs)
    check_rate(lr)
    full = batch_size is None or batch_size >= n

    y1 = y == 1
    buf = _Buffers(n, y)
    # one sample at a time: in plain Python floats (numpy's per-call overhead dominates one-row arrays)
    floats = _Floats(X, y) if not full and batch_size == 1 and cost in (MSE, BCE) else None
    with np.errstate(over="ignore"):  # σ's e^{−z} overflows to inf for z < −709: 1/(1 + inf) = 0 is right
        c, acc, dw, db = _full_pass(X, y, w, b, cost, n, y1, buf)
    check_start(c, dw, db, w, b)
    for k in range(epochs + 1):
        gnorm = float(np.sqrt(dw @ dw + db * db))
        rec.add((w, b), c, acc, gnorm)
        if rec.done or k == epochs or n == 0:  # a stop rule holds, or the last epoch is recorded
            break
        with np.errstate(all="ignore"):  # a diverging step is caught just below, not warned about
            if full:
                new_w, new_b = w - lr * dw, b - lr * db
            elif floats is not None:
                new_w, new_b = _epoch_in_floats(floats, w, b, lr, cost is MSE, seed, start_epoch + k)
            else:
                new_w, new_b = _epoch_of_batches(X, y, w, b, lr, cost, batch_size, seed, start_epoch + k)
            nc, nacc, ndw, ndb = _full_pass(X, y, new_w, new_b, cost, n, y1, buf)
        if not finite(new_w, new_b, nc, ndw, ndb):
            rec.stop("diverged", DIVERGED)
            break
        w, b, c, acc, dw, db = new_w, new_b, nc, nacc, ndw, ndb
    return rec.history()


def _epoch_of_batches(X, y, w, b, lr, cost, batch_size, seed, epoch):
    """One pass of mini-batch (or single-sample) updates in the seeded order."""
    w = w.copy()
    with np.errstate(all="ignore"):
        for idx in batches(X.shape[0], batch_size, seed, epoch):
            Xb, yb = X[idx], y[idx]
            z = Xb @ w + b
            dC_dz = cost.dL_dz(yb, z, sigmoid_silenced(z)) / len(idx)
            w -= lr * (Xb.T @ dC_dz)
            b -= lr * float(dC_dz.sum())
            if not np.isfinite(b):
                break
    return w, b


class _Floats:
    """The training points as Python lists of floats (made once per run), for :func:`_epoch_in_floats`."""

    def __init__(self, X, y):
        self.rows = X.tolist()
        self.y = y.tolist()
        self.n = len(self.y)


def _epoch_in_floats(f: _Floats, w, b, lr, mse: bool, seed, epoch):
    r"""One pass of single-sample updates in the seeded order, in plain Python floats.

    For each sample i: :math:`z_i = x_i \cdot w + b`, :math:`\hat y_i = \sigma(z_i)` (computed without
    overflow, and :math:`1 - \hat y_i = \sigma(-z_i)` without cancellation), the cost's
    :math:`\delta_i = \partial L/\partial z_i`: :math:`-2(y_i - \hat y_i)\,\hat y_i(1 - \hat y_i)` for MSE,
    :math:`\hat y_i - y_i` for cross-entropy; then :math:`w_j \leftarrow w_j - \alpha\,x_{ij}\,\delta_i` and
    :math:`b \leftarrow b - \alpha\,\delta_i`. The same mathematics as :func:`_epoch_of_batches` with one
    sample a batch, about 10× faster (numpy's per-call overhead dominates one-row arrays); the two
    agree to rounding (``tests/test_single_sample.py``), and every run of single samples goes through
    this one loop, so stepping epoch by epoch gives exactly the run of the same epochs at once.
    """
    rows, ys = f.rows, f.y
    ws = [float(v) for v in w]
    b, lr = float(b), float(lr)
    exp, isfinite = math.exp, math.isfinite
    d = range(len(ws))
    for i in seeded_order(f.n, seed, epoch).tolist():
        x = rows[i]
        z = b
        for j in d:
            z += x[j] * ws[j]
        if z >= 0:  # σ(z) and 1 − σ(z) = σ(−z), each without overflow or cancellation
            e = exp(-z)
            y_hat, one_minus = 1.0 / (1.0 + e), e / (1.0 + e)
        else:
            e = exp(z) if z > -745.0 else 0.0
            y_hat, one_minus = e / (1.0 + e), 1.0 / (1.0 + e)
        delta = -2.0 * (ys[i] - y_hat) * y_hat * one_minus if mse else y_hat - ys[i]
        for j in d:
            ws[j] -= lr * x[j] * delta
        b -= lr * delta
        if not isfinite(b) or not isfinite(delta):
            break
    return np.array(ws), b


def rosenblatt(X, y, w, b, *, lr=1.0, epochs, seed=0, start_epoch=0, X_test=None, y_test=None) -> History:
    r"""Rosenblatt's perceptron rule, one sample at a time, in a seeded order.

    .. math::
        \hat y_i = \operatorname{step}(x_i \cdot w + b), \qquad
        w \leftarrow w + \alpha\,(y_i - \hat y_i)\,x_i, \qquad
        b \leftarrow b + \alpha\,(y_i - \hat y_i)

    It changes the weights only on a mistake and stops changing them once every
    sample is on its side. On linearly separable data it converges after at most
    :math:`(R/\gamma)^2` updates (Novikoff), with R the largest norm of
    :math:`(x_i, 1)` and :math:`\gamma` the margin of a unit separator.

    Returns
    -------
    History
        ``cost`` is the fraction misclassified and ``grad_norm`` the number of
        updates made in the epoch that led to that row. Training stops early
        once an epoch makes no update (``stopped="converged"``).
    """
    X = np.atleast_2d(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float).reshape(-1)
    w = np.array(w, dtype=float).reshape(-1)
    b = float(b)

    rec = Recorder(History, _z, lambda y_, z_: float(np.mean(step(z_) != y_)), w.shape[0], X_test, y_test)
    err = _misclassified(X, y, w, b)
    rec.add((w, b), err, 1 - err, 0.0)
    floats = _Floats(X, y)
    for k in range(int(epochs)):
        w, b, updates = _rosenblatt_epoch(floats, w, b, lr, seed, start_epoch + k)
        err = _misclassified(X, y, w, b)
        rec.add((w, b), err, 1 - err, float(updates))
        if updates == 0:
            rec.stop("converged", "Converged: a whole epoch made no mistake.")
            break
    return rec.history()


def _misclassified(X, y, w, b) -> float:
    """Rosenblatt's record of an epoch: the fraction of the points (X, y) on the wrong side of w·x + b = 0
    (0 for none); one pass over them."""
    return float(np.mean(step(X @ w + b) != y)) if len(y) else 0.0


def _rosenblatt_epoch(f: _Floats, w, b, lr, seed, epoch):
    r"""One epoch of Rosenblatt's rule in the seeded order, in plain Python floats (as :func:`_epoch_in_floats`:
    numpy's per-call overhead dominates one-row arrays, 3× slower here): for each sample,
    :math:`z = x \cdot w + b` and, on a mistake, :math:`w_j \leftarrow w_j + (\alpha\,(y - \hat y))\,x_j`,
    :math:`b \leftarrow b + \alpha\,(y - \hat y)`, the same products numpy formed. Returns ``(w, b, updates)``."""
    rows, ys = f.rows, f.y
    ws = [float(v) for v in w]
    b, lr = float(b), float(lr)
    d = range(len(ws))
    updates = 0
    for i in seeded_order(f.n, seed, epoch).tolist():
        x = rows[i]
        z = 0.0
        for j in d:
            z += x[j] * ws[j]
        error = ys[i] - (1.0 if z + b >= 0 else 0.0)
        if error != 0:
            change = lr * error
            for j in d:
                ws[j] += change * x[j]
            b += change
            updates += 1
    return np.array(ws), b, updates
