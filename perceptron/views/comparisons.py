r"""The Loss landscape's comparisons, from the experiment alone: three learning rates from the same start, mean
squared error against cross-entropy, and the costs along one line through the weights (convexity).

Each is a pure function of the training points, the start and the choices it names (no session, no Streamlit), so
the page can keep what it returns for every session that asks the same (``perceptron.web.memo``): a class that
opens the page together trains these runs once, not once a student. Each returns :class:`Shown` pieces, a figure
with its text alternative and its numbers, and the sentences computed from the runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine.costs import get_cost
from ..engine.training import train
from ..session import rates as rate_choice
from . import alt, convexity, scenes
from . import figures as F


@dataclass(frozen=True)
class Shown:
    """One figure (a ``go.Figure``, or its plain spec once the page has kept it), its text alternative and the
    table of its numbers, named ``what`` ("the cost curves")."""

    figure: object
    alt: str
    table: pd.DataFrame
    what: str


@dataclass(frozen=True)
class RateRuns:
    """Three (or more) full-batch runs from one start: their cost curves, their paths on the landscape through
    the start, what each did (one sentence each) and why any stopped early."""

    curves: Shown
    paths: Shown
    verdicts: tuple[str, ...]
    stopped: tuple[str, ...]


def rate_runs(X, y, w0, b0, loss: str, feature_names, rates, epochs: int) -> RateRuns:
    """Full batch from ``(w0, b0)`` at each of ``rates`` for ``epochs`` epochs on the points X : ndarray of shape
    (n, d), y : ndarray of shape (n,), with ``loss`` ("mse" or "bce"); ``feature_names``: the inputs' names."""
    runs = {f"α = {a:g}": train(X, y, w0, b0, lr=a, epochs=epochs, loss=loss) for a in rates}
    curves = {k: r.cost for k, r in runs.items()}
    curve_fig = F.curves_figure(curves, "Cost per epoch")
    paths = {k: r.w for k, r in runs.items()}
    fig = scenes.landscape_of(X, y, loss, feature_names, {k: (r.w, r.b, r.cost) for k, r in runs.items()},
                              at=(w0, b0), where="the starting weights")
    turned = {k: rate_choice.turns(r) for k, r in runs.items()}
    return RateRuns(
        curves=Shown(curve_fig, alt.curves_alt(curves, "Cost per epoch"), alt.curves_table(curves), "the cost curves"),
        paths=Shown(fig, alt.landscape_alt(fig, paths, b0, curves),  # this slice holds the start's b
                    scenes.path_table(paths, curves), "the three paths"),
        verdicts=tuple(scenes.rate_verdicts(runs, turned)),  # from what each run did
        stopped=tuple(f"{k}: {r.message}" for k, r in runs.items() if r.stopped),
    )


def cost_runs(X, y, w0, b0, lr: float, epochs: int, labels: tuple[str, str]) -> Shown:
    """Mean squared error against cross-entropy (``labels``: their names, in that order): full batch from the
    same start at the same rate, the misclassified fraction of each per epoch."""
    both = {name: train(X, y, w0, b0, lr=lr, epochs=epochs, loss=name) for name in ("mse", "bce")}
    errors = {f"{label}: misclassified fraction": 1 - r.accuracy for label, r in zip(labels, both.values(), strict=True)}
    title = "Errors per epoch, same start, same α"
    return Shown(F.curves_figure(errors, title, ytitle="misclassified fraction"), alt.curves_alt(errors, title),
                 alt.curves_table(errors), "the error curves")


def slopes(labels: tuple[str, str]) -> Shown:
    """|∂L/∂z| of one sample of class 1 against its z, for mean squared error and cross-entropy (``labels``)."""
    zs = np.linspace(-8, 8, 161)
    ones = np.ones_like(zs)
    curves = {label: np.abs(get_cost(k).dL_dz(ones, zs)) for label, k in zip(labels, ("mse", "bce"), strict=True)}
    title = "|∂L/∂z| for a sample of class 1, against its z"
    fig = F.curves_figure(curves, title, ytitle="|∂L/∂z|")
    fig.update_traces(x=zs.round(3).tolist())
    fig.update_xaxes(title="z (negative: confidently wrong)")
    return Shown(fig, alt.curves_alt(curves, title, xname="z", x=zs), alt.curves_table(curves, "z", zs), "the slopes")


@dataclass(frozen=True)
class Bent:
    """Both costs along one line through the weights on screen (:func:`perceptron.views.convexity.bend`), drawn,
    and the lines of its worked text: ``("latex", rows)`` or ``("markdown", text)``."""

    shown: Shown
    items: tuple


def bent_line(X, y, w, b, epoch: int) -> Bent:
    """:func:`perceptron.views.convexity.bend` through ``(w, b)`` at ``epoch``, as a figure, its text and table."""
    bent = convexity.bend(X, y, w, b, epoch)  # one line through the weights on screen: 121 passes
    axis = convexity.prose_name(bent.name)
    along = {"MSE": bent.line.cost["mse"], "cross-entropy": bent.line.cost["bce"]}
    fig = F.line_costs_figure(bent.x, ("MSE", along["MSE"]), ("cross-entropy", along["cross-entropy"]), axis,
                              f"Both costs along {axis}, everything else as on screen", bend=bent.stretch)
    table = alt.curves_table({**along, "MSE's C″": bent.line.curve["mse"],
                              "cross-entropy's C″": bent.line.curve["bce"]}, axis, bent.x)
    return Bent(Shown(fig, alt.curves_alt(along, f"Both costs along {axis}", xname=axis, x=bent.x), table,
                      "the costs along the line"), tuple(bent.items))
