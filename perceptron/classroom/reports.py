r"""A student's report built from their run: what a page passes to :meth:`ClassStore.report`.

:func:`state_of` reads a :class:`~perceptron.session.run.Run` (the neuron's ``Lab`` or the network's
``NetLab``) through its public API only: the epoch on screen, its cost, accuracy and parameters, the
learning rate, mode and cost function by their roles, and the link that reopens it (the points apart).
It also works out the chance cost (answering the class share for every point) and, for the neuron,
whether the sigmoid is saturated where the points are, so that the class page can flag both.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import numpy as np

from ..engine import modes
from ..session.settings import NetSettings
from .validate import MAX_QUERY

SATURATED_Z = 10.0  # |z| past which σ′(z) < 5·10⁻⁵: the point no longer moves the weights
SATURATED_SHARE = 0.5  # most training points there


def chance(y, loss: str, mode: str) -> float | None:
    r"""The cost of answering the class share $p$ for every point: $p(1-p)$ for MSE,
    $-p\ln p-(1-p)\ln(1-p)$ for cross-entropy, $\min(p, 1-p)$ misclassified for Rosenblatt's rule."""
    y = np.asarray(y, dtype=float)
    if y.size == 0:
        return None
    p = float(y.mean())
    if mode in modes.MODES and modes.mode(mode).step:
        return min(p, 1.0 - p)
    if loss == "bce":
        return -sum(q * math.log(q) for q in (p, 1.0 - p) if q > 0.0)
    return p * (1.0 - p)


def _finite(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def state_of(run, page: str, playing: bool = False) -> dict:
    """The report of ``run`` as it is on screen on ``page`` (one of the settings' ``PAGES``)."""
    network = isinstance(run.settings, NetSettings)
    k = int(run.epoch)
    hist = run.history
    # the record's parameters in the order it declares them (w, b; W1, b1, w2, b2), each flattened
    params = np.concatenate([np.ravel(np.asarray(getattr(hist, name)[k], dtype=float)) for name in hist.param_names()])
    held = hist.test_accuracy if hist.test_accuracy is not None and hist.test_accuracy.size > k else None
    accuracy = _finite(held[k]) if held is not None else _finite(hist.accuracy[k])
    try:
        query = dict(run.query())
    except ValueError:  # hand-made points a link cannot carry (too many): the run without them
        query = run.link_settings().to_query()
    points = query.pop("pts", "")
    query = urlencode(query)
    if len(query) > MAX_QUERY:
        query = ""
    train_y = run.points.train_y
    state = {
        "page": page, "model": "network" if network else "neuron", "mode": run.setting("mode"),
        "loss": run.setting("loss"), "lr": float(run.setting("lr")), "epoch": k,
        "cost": _finite(hist.cost[k]), "accuracy": None if accuracy is None else min(max(accuracy, 0.0), 1.0),
        "chance": chance(train_y, run.setting("loss"), run.setting("mode")),
        "hidden": int(run.settings.h) if network else None,
        "weights": [float(x) for x in params] if np.all(np.isfinite(params)) else [],
        "playing": bool(playing), "saturated": False, "query": query, "points": points,
    }
    if not network and train_y.size:
        X = run.design()[0]
        w, b = (getattr(hist, name)[k] for name in hist.param_names())
        with np.errstate(over="ignore", invalid="ignore"):
            z = X @ np.asarray(w, dtype=float) + float(b)
        state["saturated"] = bool(np.mean(~(np.abs(z) < SATURATED_Z)) > SATURATED_SHARE)
    return state
