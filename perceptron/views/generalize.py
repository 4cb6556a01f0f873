r"""Train against test: overfitting and early stopping (Gradient descent page), from the run record.

:func:`early_stopping` reads the held-out points' cost per epoch (``Record.test_cost``, recorded as the run trains) up
to the epoch on screen and says, in sentences computed from those numbers, at which epoch it was lowest, whether it
has risen since, and what the training cost did meanwhile. :data:`OVERFITS` is a link that overfits, checked with the
engine in the tests. Pure (numpy).
"""

from __future__ import annotations

from types import MappingProxyType
from urllib.parse import urlencode

import numpy as np

from ..engine.history import moved
from ..text.worked import text

# few training points, every feature map, many epochs: the test cost rises while the training cost falls
OVERFITS = MappingProxyType({"dataset": "moons", "n": "24", "noise": "0.3", "test_fraction": "0.5",
                             "maps": "x1^2,x2^2,x1*x2,sin(x1),sin(x2)", "loss": "bce", "lr": "0.2", "epoch": "1000"})


def example_link(page: str = "Gradient_descent") -> str:
    """The overfitting example as a relative link to ``page``."""
    return f"{page}?{urlencode(dict(OVERFITS))}"


def early_stopping(test_cost, cost, epoch: int, measure: str, n_test: int) -> str:
    r"""Markdown: the epoch of the lowest test ``measure`` (first if tied) among epochs 0 to ``epoch``, against the
    epoch on screen, and whether it rose since; ``test_cost`` and ``cost`` of shape (k + 1,), k ≥ ``epoch``."""
    test = np.asarray(test_cost, dtype=float)[: int(epoch) + 1]
    train = np.asarray(cost, dtype=float)[: int(epoch) + 1]
    k = int(np.argmin(test))
    best, now = float(test[k]), float(test[-1])
    head = (f"On the {n_test} held-out points the test {measure} was lowest at **epoch {k}**: {text(best)} "
            f"(training {measure} {text(train[k])} then).")
    if k == epoch:
        return head + (" That is the epoch on screen: the test cost has not risen, no sign of overfitting yet."
                       if epoch > 0 else " Step to train and watch both.")
    if moved(best, now) <= 0:
        return head + f" At epoch {epoch} it is {text(now)}: within rounding of its lowest, not risen."
    fell = moved(train[k], train[-1]) < 0
    return head + (f" At epoch {epoch} it is {text(now)}: it has **risen** since epoch {k}, while the training "
                   f"{measure} went {'down' if fell else 'from ' + text(train[k]) + ' to'} "
                   + (f"to {text(train[-1])}" if fell else text(train[-1]))
                   + (". The neuron fits its training points ever more closely and the held-out points less well: "
                      "**overfitting**. **Early stopping** keeps the weights of the epoch with the lowest test cost: "
                      f"rewind to epoch {k} with the slider." if fell else
                      ". Both rose: this is not overfitting but a step that overshoots."))
