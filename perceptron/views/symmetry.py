r"""Symmetry breaking on the Hidden layer: hidden units that start equal stay equal, and the plateau at chance.

:func:`from_zeros` trains a copy of the student's network from all weights 0 (same data, α and cost; full batch,
``EPOCHS`` epochs: bounded work) and measures how far apart its hidden units are: every unit gets the same gradient
as every other (the same inputs, the same output weight), so the difference stays exactly 0. :func:`plateau` reads
the live run's record: how long its cost stayed at the chance level ŷ = 0.5 gives (0.25 for MSE, ln 2 for
cross-entropy) and when it left it. The sentences are computed from those numbers. Pure (numpy).
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import network as nw
from ..text.worked import num, text

EPOCHS = 50
ROWS = 20_000  # epochs × points at most: many points get fewer epochs (bounded work on every rerun)
NEAR = 0.01  # "on the plateau": the cost within 1 % of the chance level


def chance_level(loss: str) -> float:
    """The cost of answering ŷ = 0.5 for every point: (1 − 0.5)² = 0.25 for MSE, −ln 0.5 = ln 2 for cross-entropy."""
    return 0.25 if loss == "mse" else math.log(2.0)


def spread(p: nw.Params) -> float:
    """The largest difference between two hidden units' weights (input weights, bias, output weight)."""
    units = np.vstack([p.W1, p.b1[None, :], p.w2[None, :]])  # column k: everything of unit k
    return float(np.max(np.abs(units - units[:, :1]))) if units.shape[1] else 0.0


def epochs_for(n: int) -> int:
    """``EPOCHS``, or fewer for many points: at most ``ROWS`` rows passed over, at least 1 epoch."""
    return max(1, min(EPOCHS, ROWS // max(int(n), 1)))


def from_zeros(X, y, h: int, lr: float, loss: str) -> tuple[nw.NetHistory, float]:
    """The network trained :func:`epochs_for` full-batch epochs from all-zero weights, and its units' :func:`spread`
    at the end."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    d = X.shape[1]
    zero = nw.Params(np.zeros((d, h)), np.zeros(h), np.zeros(h), 0.0)
    run = nw.train(X, y, zero, lr=lr, epochs=epochs_for(X.shape[0]), loss=loss)
    return run, spread(run.params())


def lines(X, y, h: int, lr: float, loss: str, cost, epoch: int) -> list[tuple[str, str]]:
    """What the page renders (``(kind, content)`` pairs): the zero-start copy and the live run's plateau
    (``cost``: the live record's cost per epoch, ``epoch``: the epoch on screen)."""
    run, gap = from_zeros(X, y, h, lr, loss)
    level = chance_level(loss)
    name = "ln 2" if loss == "bce" else "0.25"
    p = run.params()
    ran = run.epochs
    items = [
        ("markdown", f"Start every weight at 0 and train a copy of your network ({h} hidden unit{'s' if h != 1 else ''}, "
                     f"α = {text(lr)}, the same cost and points, full batch) for {ran} epochs. Every hidden unit then "
                     "computes the same σ(x·W₁ + b₁) and has the same output weight, so the chain rule hands every unit "
                     "the same gradient and each step moves them alike: they **stay equal**, and the h units act as "
                     "one. Random starting weights are what break this symmetry."),
        ("latex", rf"\max_{{k,\,j}} \bigl|\theta_{{\text{{unit }} k}} - \theta_{{\text{{unit }} 1}}\bigr| "
                  rf"\text{{ after {ran} epochs}} = {num(gap) if gap else '0'}"),
    ]
    if h > 1:
        items.append(("markdown", f"Unit 1 of the copy has input weights ({', '.join(text(v) for v in p.W1[:, 0])}), "
                                  f"bias {text(p.b1[0])} and output weight {text(p.w2[0])}; "
                                  + ("every other unit has exactly the same." if gap == 0 else
                                     f"the others differ from it by at most {text(gap)} (rounding).")))
    else:
        items.append(("markdown", "With one hidden unit there is no symmetry to break: choose h ≥ 2 to see it."))
    items.append(("markdown", f"Its cost after {ran} epochs: {text(run.cost[-1])}, against "
                              f"{name + ' = ' + text(level) if loss == 'bce' else name}, "
                              "the cost of answering ŷ = 0.5 for every point (chance). "
                              + _plateau(np.asarray(cost, dtype=float)[: int(epoch) + 1], level, name)))
    return items


def _plateau(cost, level: float, name: str) -> str:
    """The live run's plateau, from its record: the first epoch its cost came within ``NEAR`` of ``level``, and the
    first after it where the cost was below that band (the plateau ended), or that it is still on it."""
    near = np.abs(cost - level) <= NEAR * level
    on = np.flatnonzero(near)
    if not on.size:
        return f"Your live run's cost has not come within 1 % of {name} in its {cost.size - 1} epochs so far."
    a = int(on[0])
    below = np.flatnonzero(cost[a:] < level * (1 - NEAR))
    if not below.size:
        return (f"Your live run's cost has stayed near {name} since epoch {a} (now {text(cost[-1])}): it is on the "
                "plateau, where the units' small random differences grow slowly until they take different sides "
                "of the data.")
    k = a + int(below[0])
    return (f"Your live run reached the plateau near {name} at epoch {a} and left it at epoch {k}, its cost "
            f"{text(cost[k])}: the units' small random differences had grown enough for them to take different sides "
            "of the data.")
