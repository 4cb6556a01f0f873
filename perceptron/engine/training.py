r"""Gradient descent on one sigmoid neuron, and Rosenblatt's rule to compare.

One update is :math:`w \leftarrow w - \alpha\,\partial C/\partial w`,
:math:`b \leftarrow b - \alpha\,\partial C/\partial b`. An *epoch* is one pass over
the training data: one update for full batch (the article's method), one per
mini-batch, or one per sample. Shuffling is seeded by ``(seed, epoch)``, so ten
single steps give exactly the run that ``epochs=10`` gives. Imports numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .costs import MSE, get_cost
from .neuron import sigmoid, step

MODES = ("batch", "minibatch", "sample")


@dataclass
class History:
    r"""The per-epoch record of a run. Row k holds the state after k epochs.

    Attributes (k+1 rows for k epochs, d features)
    ----------
    w : ndarray of shape (k+1, d)
    b, cost, accuracy, grad_norm : ndarray of shape (k+1,)
        ``cost`` is the full training-data cost at row k's parameters;
        ``grad_norm`` is :math:`\lVert(\partial C/\partial w, \partial C/\partial b)\rVert` there
        (for Rosenblatt's rule, ``cost`` is the fraction misclassified and
        ``grad_norm`` the number of updates made in that epoch).
    test_cost, test_accuracy : ndarray of shape (k+1,) or None
        The same on the held-out set, when one was given.
    stopped : str or None
        Why training stopped before ``epochs`` ("diverged", "cost threshold", ...).
    """

    w: np.ndarray
    b: np.ndarray
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
        return int(self.b.shape[0]) - 1

    @property
    def diverged(self) -> bool:
        return self.stopped == "diverged"

    def params(self, k: int = -1):
        """``(w, b)`` after epoch k (the last by default)."""
        return self.w[k].copy(), float(self.b[k])

    def upto(self, k: int) -> History:
        """The record cut after epoch k (for rewinding)."""
        k = int(np.clip(k, 0, self.epochs)) + 1
        cut = lambda a: None if a is None else a[:k].copy()  # noqa: E731
        return History(
            cut(self.w), cut(self.b), cut(self.cost), cut(self.accuracy), cut(self.grad_norm),
            cut(self.test_cost), cut(self.test_accuracy),
        )

    def extend(self, more: History) -> History:
        """This record followed by ``more``, whose row 0 repeats this one's last row."""
        join = lambda a, c: None if a is None or c is None else np.concatenate([a, c[1:]])  # noqa: E731
        return History(
            join(self.w, more.w), join(self.b, more.b), join(self.cost, more.cost),
            join(self.accuracy, more.accuracy), join(self.grad_norm, more.grad_norm),
            join(self.test_cost, more.test_cost), join(self.test_accuracy, more.test_accuracy),
            stopped=more.stopped, message=more.message,
        )

    def tail(self, keep: int) -> tuple[History, int]:
        """Keep only the last ``keep`` epochs (bounded memory); returns it and how many rows were dropped."""
        drop = max(0, self.epochs - keep)
        if drop == 0:
            return self, 0
        cut = lambda a: None if a is None else a[drop:].copy()  # noqa: E731
        return History(
            cut(self.w), cut(self.b), cut(self.cost), cut(self.accuracy), cut(self.grad_norm),
            cut(self.test_cost), cut(self.test_accuracy), self.stopped, self.message,
        ), drop


class _Recorder:
    """Collects rows; knows the optional held-out set."""

    def __init__(self, X_test, y_test, cost):
        self.has_test = X_test is not None and y_test is not None and len(y_test) > 0
        self.X_test = None if not self.has_test else np.asarray(X_test, dtype=float)
        self.y_test = None if not self.has_test else np.asarray(y_test, dtype=float)
        self.cost = cost
        self.rows = {k: [] for k in ("w", "b", "cost", "accuracy", "grad_norm", "test_cost", "test_accuracy")}

    def add(self, w, b, cost, acc, gnorm):
        r = self.rows
        r["w"].append(w.copy())
        r["b"].append(b)
        r["cost"].append(cost)
        r["accuracy"].append(acc)
        r["grad_norm"].append(gnorm)
        if self.has_test:
            z = self.X_test @ w + b
            r["test_cost"].append(self.cost(self.y_test, z))
            r["test_accuracy"].append(float(np.mean((z >= 0) == (self.y_test == 1))))

    def history(self, stopped=None, message="") -> History:
        r = self.rows
        test = self.has_test
        return History(
            w=np.array(r["w"]),
            b=np.array(r["b"], dtype=float),
            cost=np.array(r["cost"], dtype=float),
            accuracy=np.array(r["accuracy"], dtype=float),
            grad_norm=np.array(r["grad_norm"], dtype=float),
            test_cost=np.array(r["test_cost"], dtype=float) if test else None,
            test_accuracy=np.array(r["test_accuracy"], dtype=float) if test else None,
            stopped=stopped,
            message=message,
        )


class _Buffers:
    """One set of full-length arrays reused by every epoch's full pass.

    At n = 200,000 each array is 1.6 MB; allocating fresh ones every epoch costs
    more than the arithmetic (the memory has to be mapped and faulted in each time).
    """

    def __init__(self, n: int):
        self.z = np.empty(n)
        self.y_hat = np.empty(n)
        self.r = np.empty(n)
        self.dC_dz = np.empty(n)
        self.hit = np.empty(n, dtype=bool)


def _full_pass(X, y, w, b, cost, n, y1=None, buf=None):
    """Cost, accuracy and gradient of the whole training set at (w, b): one forward, one backward.

    ``y1`` (the mask y == 1) may be passed in so the loop does not rebuild it every epoch,
    and ``buf`` (:class:`_Buffers`) so that it does not allocate its full-length arrays.
    """
    if n == 0:
        return 0.0, 0.0, X.T @ np.zeros(0), 0.0
    buf = _Buffers(n) if buf is None else buf
    z = np.matmul(X, w, out=buf.z)
    z += b
    y_hat = sigmoid(z, out=buf.y_hat)
    y1 = (y == 1) if y1 is None else y1
    hit = np.greater_equal(z, 0.0, out=buf.hit)
    np.equal(hit, y1, out=hit)
    acc = float(np.count_nonzero(hit)) / n
    if cost is MSE:  # the article's cost, written for speed: in place, r = y − ŷ once, C = r·r/n
        r = np.subtract(y, y_hat, out=buf.r)
        c = float(r @ r) / n
        dC_dz = np.subtract(1.0, y_hat, out=buf.dC_dz)  # 1 − ŷ, then × ŷ × r × (−2/n): one buffer
        dC_dz *= y_hat
        dC_dz *= r
        dC_dz *= -2.0 / n
    else:
        c = cost(y, z, y_hat)
        dC_dz = cost.dL_dz(y, z, y_hat) / n
    return c, acc, X.T @ dC_dz, float(dC_dz.sum())


def _finite(*xs) -> bool:
    return all(np.all(np.isfinite(x)) for x in xs)


DIVERGED = (
    "Training diverged: the numbers became too large to represent (try a smaller learning rate). "
    "The last finite state is kept."
)


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
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,), labels 0 or 1
    w : ndarray of shape (d,)
    b : float
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
    rec = _Recorder(X_test, y_test, cost)
    epochs = int(epochs)
    if not (np.isfinite(lr) and lr >= 0):
        raise ValueError(f"The learning rate must be a finite number ≥ 0, got {lr!r}.")
    full = batch_size is None or batch_size >= n

    y1 = y == 1
    buf = _Buffers(n)
    c, acc, dw, db = _full_pass(X, y, w, b, cost, n, y1, buf)
    if not _finite(c, dw, db, w, b):
        raise ValueError("The starting point already gives non-finite numbers: check the data and weights.")
    for k in range(epochs + 1):
        gnorm = float(np.sqrt(dw @ dw + db * db))
        rec.add(w, b, c, acc, gnorm)
        if tol_cost is not None and c <= tol_cost:
            return rec.history("cost threshold", f"Stopped: the cost reached {c:.4g} ≤ {tol_cost:g}.")
        if tol_grad is not None and gnorm <= tol_grad:
            return rec.history("gradient threshold", f"Stopped: the gradient norm reached {gnorm:.3g} ≤ {tol_grad:g}.")
        if k == epochs or n == 0:
            break
        with np.errstate(all="ignore"):  # a diverging step is caught just below, not warned about
            if full:
                new_w, new_b = w - lr * dw, b - lr * db
            else:
                new_w, new_b = _epoch_of_batches(X, y, w, b, lr, cost, batch_size, seed, start_epoch + k)
            nc, nacc, ndw, ndb = _full_pass(X, y, new_w, new_b, cost, n, y1, buf)
        if not _finite(new_w, new_b, nc, ndw, ndb):
            return rec.history("diverged", DIVERGED)
        w, b, c, acc, dw, db = new_w, new_b, nc, nacc, ndw, ndb
    return rec.history()


def _epoch_of_batches(X, y, w, b, lr, cost, batch_size, seed, epoch):
    """One pass of mini-batch (or single-sample) updates in a seeded order."""
    n = X.shape[0]
    order = np.random.default_rng((int(seed), int(epoch))).permutation(n)
    w = w.copy()
    with np.errstate(all="ignore"):
        for start in range(0, n, int(batch_size)):
            idx = order[start : start + int(batch_size)]
            Xb, yb = X[idx], y[idx]
            z = Xb @ w + b
            dC_dz = cost.dL_dz(yb, z, sigmoid(z)) / len(idx)
            w -= lr * (Xb.T @ dC_dz)
            b -= lr * float(dC_dz.sum())
            if not np.isfinite(b):
                break
    return w, b


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
    n = X.shape[0]

    def misclassified(X_, y_, w_, b_):
        return float(np.mean(step(X_ @ w_ + b_) != y_)) if len(y_) else 0.0

    rec = _Recorder(X_test, y_test, lambda y_, z_, *_: float(np.mean(step(z_) != y_)))
    rec.add(w, b, misclassified(X, y, w, b), 1 - misclassified(X, y, w, b), 0.0)
    for k in range(int(epochs)):
        order = np.random.default_rng((int(seed), int(start_epoch + k))).permutation(n)
        updates = 0
        for i in order:
            error = y[i] - step(X[i] @ w + b)
            if error != 0:
                w += lr * error * X[i]
                b += lr * float(error)
                updates += 1
        err = misclassified(X, y, w, b)
        rec.add(w, b, err, 1 - err, float(updates))
        if updates == 0:
            return rec.history("converged", "Converged: a whole epoch made no mistake.")
    return rec.history()
