r"""What the browser draws from the weights: a figure's *model* and each epoch's *parameters*.

The stepping pages send their figure with its moving traces empty, a model (what those traces are
computed from: the feature pipeline, the grid, the training points, which trace is which) and the
parameters of the epoch on screen; every Step drawn ahead and every Play frame is the next epoch's
parameters, a few floats. ``perceptron/web/forward.js`` computes the traces from them in the page
(the σ-heatmap, the curve ŷ = 0.5, each sample's z on the sigmoid, the hidden units' maps), as the
Python it mirrors would: :func:`perceptron.views.geometry.probability_grid`,
:func:`~perceptron.views.geometry.level_curve`, :func:`perceptron.engine.network.forward`.

Every float is sent exactly (``repr`` round-trips), so the page's values agree with numpy's to
rounding; a weight that is not finite (a run that diverged) is sent as ``None``, drawn as a gap.
Pure: no Streamlit.
"""

from __future__ import annotations

import math

import numpy as np


def exact(values) -> list:
    """Floats as JSON keeps them exactly; NaN and ±∞ (not JSON) as None. Nested lists stay nested."""
    a = np.asarray(values, dtype=float)
    return [None if not math.isfinite(v) else v for v in a.tolist()] if a.ndim == 1 else [exact(r) for r in a]


def _number(v) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def pipeline(features) -> dict:
    """The feature pipeline φ (:class:`perceptron.data.features.Features`): its mean, std and maps."""
    return {"mean": exact(features.mean), "std": exact(features.std), "maps": list(features.maps)}


def _bounds(bounds) -> list:
    return [[float(bounds[0][0]), float(bounds[0][1])], [float(bounds[1][0]), float(bounds[1][1])]]


def neuron_model(features, train_X, train_y, bounds, res: int, step: bool = False) -> dict:
    r"""The Gradient descent figure's model: traces 0 (σ over a res × res grid of ``bounds``), 1 (the curve
    ŷ = 0.5), 2 and 3 (class 0's and class 1's training samples at their z on the activation), and the
    z axis (``xaxis2``) ranged to the samples.

    Parameters
    ----------
    features : Features, the pipeline the weights act on
    train_X : ndarray of shape (n, 2), the raw training points, in the order of the samples' numbers
    train_y : ndarray of shape (n,), 0 or 1
    bounds : ((x0, x1), (y0, y1)), the plane shown
    step : bool, Rosenblatt's step activation instead of σ for the samples' ŷ
    """
    X = np.asarray(train_X, dtype=float).reshape(-1, 2)
    return {
        "kind": "neuron", "pipeline": pipeline(features), "bounds": _bounds(bounds), "res": int(res),
        "samples": {"x1": exact(X[:, 0]), "x2": exact(X[:, 1]), "y": np.asarray(train_y).astype(int).tolist()},
        "step": bool(step), "traces": {"heat": 0, "boundary": 1, "classes": [2, 3]}, "zaxis": "xaxis2",
    }


def neuron_params(w, b) -> dict:
    r"""The neuron's parameters :math:`(w, b)`, w of shape (d,)."""
    return {"w": exact(w), "b": _number(b)}


def neuron_params_many(W, b) -> list[dict]:
    r""":func:`neuron_params` of many epochs at once: W of shape (epochs, d), b of shape (epochs,)."""
    return [{"w": w, "b": v} for w, v in zip(exact(W), exact(b), strict=True)]


def network_model(features, bounds, grids: dict, heat: int, boundary: int, units: int, h: int) -> dict:
    r"""The Hidden layer figure's model: the output's σ on a ``grids["heat"]`` grid (trace ``heat``), its
    curve ŷ = 0.5 on a ``grids["line"]`` grid (trace ``boundary``), each hidden unit's activation on a
    ``grids["thumb"]`` grid (traces ``units .. units + h − 1``) and its line a = 0.5 on a
    ``grids["thumbLine"]`` grid (the h traces after those)."""
    return {"kind": "network", "pipeline": pipeline(features), "bounds": _bounds(bounds),
            "grids": {k: int(v) for k, v in grids.items()},
            "traces": {"heat": heat, "boundary": boundary, "units": [units, units + h]}}


def network_params(p) -> dict:
    r"""A network's parameters (:class:`perceptron.engine.network.Params`): W1 of shape (d, h), b1 and w2
    of shape (h,), b2."""
    return {"W1": exact(p.W1), "b1": exact(p.b1), "w2": exact(p.w2), "b2": _number(p.b2)}
