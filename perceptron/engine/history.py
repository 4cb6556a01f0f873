r"""The bookkeeping every training loop shares: the per-epoch record, its recorder, the seeded order.

A training loop (:func:`perceptron.engine.training.train`, :func:`~perceptron.engine.training.rosenblatt`,
:func:`perceptron.engine.network.train`) does the mathematics; what it keeps of each epoch goes
through a :class:`Recorder` into a :class:`Record`. A record's per-epoch arrays are its dataclass
fields, declared once: the cost, accuracy and gradient norm here, the parameters in the subclass
of each model (``History`` names ``w`` and ``b``, ``NetHistory`` names ``W1``, ``b1``, ``w2``, ``b2``).
Imports numpy only; nothing mutable at module level.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields

import numpy as np

DIVERGED = (
    "Training diverged: the numbers became too large to represent (try a smaller learning rate). "
    "The last finite state is kept."
)
_NOT_ROWS = ("stopped", "message")  # the fields of a record that are not one value per epoch
# "The cost went up", declared once: a change of no more than this, relative to the larger of the two
# values, is rounding and "does not change" (the Gradient descent warning, the landscape's verdicts, the lesson)
RISE = 1e-12


def moved(before: float, after: float) -> int:
    """+1 where a number went up from ``before`` to ``after``, −1 where it went down, 0 within rounding
    (:data:`RISE`, relative)."""
    before, after = float(before), float(after)
    if after == before or abs(after - before) <= RISE * max(abs(before), abs(after)):
        return 0
    return 1 if after > before else -1


def rises(cost) -> list[int]:
    """The epochs k at which the cost went up from epoch k − 1 (more than rounding), for a cost per epoch
    ``cost`` of shape (k + 1,)."""
    cost = np.asarray(cost, dtype=float)
    return [k for k in range(1, cost.size) if moved(cost[k - 1], cost[k]) > 0]


@dataclass(kw_only=True)
class Record:
    r"""The per-epoch record of a run. Row k holds the state after k epochs.

    Attributes (k+1 rows for k epochs), besides the parameters a subclass declares
    ----------
    cost, accuracy, grad_norm : ndarray of shape (k+1,)
        ``cost`` is the full training-data cost at row k's parameters;
        ``grad_norm`` the norm of the whole gradient there.
    test_cost, test_accuracy : ndarray of shape (k+1,) or None
        The same on the held-out set, when one was given.
    stopped : str or None
        Why training stopped before ``epochs`` ("diverged", "cost threshold", ...).
    message : str
        That reason in a sentence for the learner.
    """

    cost: np.ndarray
    accuracy: np.ndarray
    grad_norm: np.ndarray
    test_cost: np.ndarray | None = None
    test_accuracy: np.ndarray | None = None
    stopped: str | None = None
    message: str = ""

    @classmethod
    def param_names(cls) -> tuple[str, ...]:
        """The parameter arrays a subclass declares, in order (``("w", "b")`` for one neuron)."""
        return tuple(f.name for f in fields(cls) if f.name not in {g.name for g in fields(Record)})

    @classmethod
    def row_names(cls) -> tuple[str, ...]:
        """Every per-epoch array, in declaration order."""
        return tuple(f.name for f in fields(cls) if f.name not in _NOT_ROWS)

    def params(self, k: int = -1):
        """The parameters after epoch k (the last by default); a subclass gives them their type."""
        return tuple(getattr(self, name)[k] for name in self.param_names())

    @property
    def epochs(self) -> int:
        """How many epochs the record covers (rows minus one)."""
        return int(self.cost.shape[0]) - 1

    @property
    def diverged(self) -> bool:
        return self.stopped == "diverged"

    def _arrays(self) -> list[np.ndarray | None]:
        return [getattr(self, name) for name in self.row_names()]

    def _with(self, arrays, stopped=None, message="") -> Record:
        return type(self)(**dict(zip(self.row_names(), arrays, strict=True)), stopped=stopped, message=message)

    def upto(self, k: int) -> Record:
        """The record cut after epoch k (for rewinding); why it stopped is forgotten."""
        k = int(np.clip(k, 0, self.epochs)) + 1
        return self._with([None if a is None else a[:k].copy() for a in self._arrays()])

    def extend(self, more: Record) -> Record:
        """This record followed by ``more``, whose row 0 repeats this one's last row."""
        join = lambda a, c: None if a is None or c is None else np.concatenate([a, c[1:]])  # noqa: E731
        rows = [join(a, c) for a, c in zip(self._arrays(), more._arrays(), strict=True)]
        return self._with(rows, more.stopped, more.message)

    def tail(self, keep: int) -> tuple[Record, int]:
        """Keep only the last ``keep`` epochs (bounded memory); returns it and how many rows were dropped."""
        drop = max(0, self.epochs - keep)
        if drop == 0:
            return self, 0
        return self._with([None if a is None else a[drop:].copy() for a in self._arrays()],
                          self.stopped, self.message), drop


class Recorder:
    """Collects a run's rows, the held-out set's cost and accuracy at each, and why the run stopped.

    ``kind`` is the record type to build; ``output(X, *params)`` the model's :math:`z` (the output
    unit's, before the sigmoid) on the rows of X; ``cost(y, z)`` the cost of those; ``d`` the number
    of inputs. After :meth:`add`, ``done`` says whether a stop rule (``tol_cost``, ``tol_grad``) holds.
    """

    def __init__(self, kind: type[Record], output: Callable, cost: Callable, d: int, X_test=None, y_test=None,
                 tol_cost=None, tol_grad=None, outputs: Callable | None = None, losses: Callable | None = None):
        self.kind, self.output, self.cost = kind, output, cost
        # ``outputs(X, *stacked_params)``, z of every epoch's parameters at once (shape (epochs, m)), and the cost's
        # per-sample ``losses(y, Z)``: the held-out record is then computed when the run ends, for all its epochs in
        # a few array operations, not with a forward pass of its own in every epoch (most of a small run's time)
        self.outputs, self.losses = (outputs, losses) if outputs is not None and losses is not None else (None, None)
        self.has_test = X_test is not None and y_test is not None and len(y_test) > 0
        self.X_test = np.asarray(X_test, dtype=float).reshape(-1, d) if self.has_test else None
        self.y_test = np.asarray(y_test, dtype=float).reshape(-1) if self.has_test else None
        if self.has_test and self.X_test.shape[0] != self.y_test.shape[0]:
            raise ValueError(f"X_test has {self.X_test.shape[0]} rows but y_test has {self.y_test.shape[0]} labels.")
        self.y1_test = self.y_test == 1 if self.has_test else None  # made once, not every epoch
        self.tol_cost, self.tol_grad = tol_cost, tol_grad
        self.names = kind.param_names()  # the dataclass fields, read once (every epoch adds a row)
        self.rows = {name: [] for name in kind.row_names()}
        self.stopped, self.message = None, ""

    @property
    def done(self) -> bool:
        return self.stopped is not None

    def add(self, params, cost: float, acc: float, gnorm: float) -> None:
        """One row: the parameters (in the order of ``kind.param_names()``), the training data's cost,
        accuracy and gradient norm there."""
        r = self.rows
        for name, value in zip(self.names, params, strict=True):
            r[name].append(np.array(value, dtype=float))
        r["cost"].append(cost)
        r["accuracy"].append(acc)
        r["grad_norm"].append(gnorm)
        if self.has_test and self.outputs is None:
            z = self.output(self.X_test, *params)
            r["test_cost"].append(self.cost(self.y_test, z))
            r["test_accuracy"].append(np.count_nonzero((z >= 0) == self.y1_test) / self.y1_test.size)
        if self.tol_cost is not None and cost <= self.tol_cost:
            self.stop("cost threshold", f"Stopped: the cost reached {cost:.4g} ≤ {self.tol_cost:g}.")
        elif self.tol_grad is not None and gnorm <= self.tol_grad:
            self.stop("gradient threshold", f"Stopped: the gradient norm reached {gnorm:.3g} ≤ {self.tol_grad:g}.")

    def stop(self, stopped: str, message: str) -> None:
        """Say why the run stops early (the record keeps the rows added so far)."""
        self.stopped, self.message = stopped, message

    def history(self) -> Record:
        as_float = lambda name: np.array(self.rows[name], dtype=float)  # noqa: E731
        rows = {name: as_float(name) for name in self.kind.row_names() if not name.startswith("test_")}
        if self.has_test and self.outputs is not None:
            test = dict(zip(("test_cost", "test_accuracy"),
                            self._held_out([rows[name] for name in self.names]), strict=True))
        else:
            test = {name: as_float(name) if self.has_test else None for name in ("test_cost", "test_accuracy")}
        return self.kind(**rows, **test, stopped=self.stopped, message=self.message)

    _BLOCK = 1 << 20  # numbers of z computed at once: a block of epochs × held-out samples stays a few MB

    def _held_out(self, params) -> tuple[np.ndarray, np.ndarray]:
        """The held-out cost and accuracy at every epoch's parameters (stacked, one row an epoch)."""
        epochs, m = len(params[0]), self.y_test.size
        cost, acc = np.empty(epochs), np.empty(epochs)
        step = max(1, self._BLOCK // m)
        with np.errstate(all="ignore"):  # a diverged run's last rows are caught by the loop, not warned about here
            for k in range(0, epochs, step):
                z = self.outputs(self.X_test, *(p[k : k + step] for p in params))
                cost[k : k + step] = self.losses(self.y_test, z).mean(axis=1)
                acc[k : k + step] = np.count_nonzero((z >= 0) == self.y1_test, axis=1) / m
        return cost, acc


def finite(*xs) -> bool:
    """Whether every number in every argument is finite (a float by ``math.isfinite``, an array at once: this
    runs after every epoch, and after every mini-batch of the network)."""
    for x in xs:
        if isinstance(x, float):
            if not math.isfinite(x):
                return False
        elif not np.isfinite(x).all():
            return False
    return True


def check_rate(lr) -> None:
    """Refuse a learning rate that is not a finite number ≥ 0."""
    if not (np.isfinite(lr) and lr >= 0):
        raise ValueError(f"The learning rate must be a finite number ≥ 0, got {lr!r}.")


def check_start(*xs) -> None:
    """Refuse a starting point whose cost or gradient is already not finite."""
    if not finite(*xs):
        raise ValueError("The starting point already gives non-finite numbers: check the data and weights.")


def seeded_order(n: int, seed: int, epoch: int) -> np.ndarray:
    """The order of the n samples in epoch ``epoch``: shuffled by ``default_rng((seed, epoch))``, so that
    a run continued step by step visits the samples exactly as one long run."""
    return np.random.default_rng((int(seed), int(epoch))).permutation(int(n))


def batches(n: int, batch_size: int, seed: int, epoch: int) -> Iterator[np.ndarray]:
    """The sample indices of each mini-batch of one epoch, in the seeded order (the last may be short)."""
    order, size = seeded_order(n, seed, epoch), int(batch_size)
    for start in range(0, int(n), size):
        yield order[start : start + size]
