r"""Which learning rates the Loss landscape compares, chosen from the learner's own data. Numpy only.

A step *overshoots* when it goes past the lowest point along its own line. Full batch, the step from
epoch :math:`k` is :math:`\Delta_k = -\alpha\,\nabla C(\theta_k)` over :math:`\theta = (w, b)`; it went past
that point exactly when the next gradient points back against it,
:math:`\nabla C(\theta_{k+1})\cdot\Delta_k > 0`, that is :math:`\Delta_{k+1}\cdot\Delta_k < 0`: the path
turns back across the valley. Where the far side is higher, the cost goes up as well, the case a cost
curve shows. On points a straight line separates no step overshoots: the cost has no lowest point at
finite weights (it falls on as the weights grow along the separating direction), so there is no valley
floor to jump over, and every rate of :data:`GRID` goes down every epoch there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.history import rises
from ..engine.training import History, train

GRID = (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)  # the rates tried, smallest first
EPOCHS = 60  # each tried for at most this many epochs, full batch, from the lab's starting weights
# what the search may train, in the link budget's units (perceptron.session.run): on top of the page's PAGE_UNITS,
# once per experiment (the page keeps what it found for every session, perceptron.web.memo); fewer epochs at
# many points (views.scenes.search_epochs: 60 up to ~150 points, 13 at 2,000)
SEARCH_UNITS = 40_000
SMALL, GOOD, LARGE = 0.05, 1.0, 40.0  # the comparison's rates where none of the grid overshoots


def turns(run: History) -> list[int]:
    """The epochs k at which the step from epoch k went back against the step into it (Δₖ·Δₖ₋₁ < 0 over
    the weights and the bias): the step into epoch k had gone past the lowest point along its line."""
    theta = np.column_stack([np.asarray(run.w, dtype=float), np.asarray(run.b, dtype=float)])
    step = np.diff(theta, axis=0)
    back = np.einsum("ij,ij->i", step[1:], step[:-1]) < 0
    return [int(k) + 1 for k in np.flatnonzero(back)]


@dataclass(frozen=True)
class Overshoot:
    """The smallest rate of the grid that overshoots, and how: ``rate`` None when none does."""

    rate: float | None = None
    run: History | None = None
    rises: tuple[int, ...] = ()  # epochs at which its cost went up
    turns: tuple[int, ...] = ()  # epochs at which its path turned back across the valley


def overshoot(X, y, w0, b0, loss: str, epochs: int = EPOCHS, grid=GRID) -> Overshoot:
    """Full batch from (w0, b0): the smallest rate of ``grid`` whose cost goes up at some epoch within
    ``epochs`` (what a cost curve shows); failing that, the smallest whose path turns back across the
    valley; failing that, none. X : ndarray of shape (n, d), y : ndarray of shape (n,)."""
    first_turn = None
    for a in grid:
        run = train(X, y, w0, b0, lr=a, epochs=epochs, loss=loss)
        if run.diverged:
            continue
        up, back = rises(run.cost), turns(run)
        if up:
            return Overshoot(float(a), run, tuple(up), tuple(back))
        if back and first_turn is None:
            first_turn = Overshoot(float(a), run, (), tuple(back))
    return first_turn or Overshoot()


def compare(found: Overshoot) -> tuple[float, float, float]:
    """The three rates the landscape compares: one that crawls, one that walks down the valley, and the
    one ``found`` to overshoot (``LARGE`` where none does)."""
    if found.rate is None:
        return SMALL, GOOD, LARGE
    good = min(GOOD, found.rate / 5)
    return min(SMALL, good / 10), good, found.rate
