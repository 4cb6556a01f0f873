r"""The live class's figures: every student's boundary over their points with their cost curve (small
multiples), the class's cost curves overlaid, and the class experiment's results against each student's value.

Pure: plain values in (what the class page's roster holds: a student's link, points, model and reported
weights), plain figure dicts out (:func:`perceptron.views.traces.spec`); no Streamlit, nothing of the store.

A student's boundary is drawn from the weights they reported, through the feature pipeline their own run
uses, rebuilt from their link (:func:`pipeline`): the curve ŷ = 0.5, which is z = 0 for the output's
pre-activation, traced by marching squares (:func:`perceptron.views.geometry.level_curve`) over a ``GRID``
× ``GRID`` grid of their plane. For the neuron, :math:`z = \varphi(x)\cdot w + b` (a line without feature maps,
a curve with them); for the network, :math:`z^{(2)} = \sigma(\varphi(x) W_1 + b_1)\, w_2 + b_2`. Tracing z
rather than σ(z) keeps the curve exact where σ is flat (a student's weights may be huge).

Nicknames are text: every one is HTML-escaped (:func:`perceptron.views.scenes.safe`) before plotly sees it.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data import datasets as ds
from ..engine import network as net
from ..session.settings import NetSettings, Settings
from .geometry import level_curve, plane_bounds
from .palette import ACCENT, C0, C1, GREEN, GREY, INK, RED
from .scenes import safe
from .traces import figure_layout, point_traces, rounded, scatter, spec

GRID = 30  # the boundary's grid on a small multiple: 29 × 29 cells, a smooth enough curve in ~1 ms
COLUMNS = 4  # small multiples a row
CELL = 350  # px a row of small multiples takes: its title, the plane, the cost curve
TITLE, GAP, COST, FOOT = 62, 26, 62, 22  # px of a cell, top to bottom (the plane takes the rest)
CURVE_COLOURS = (C1, GREEN, ACCENT, C0, RED, INK, GREY)


# --- a student's plane, from their link and weights ------------------------------------------------------
def pipeline(query: dict, model: str, data: ds.Dataset) -> ds.Features:
    """The feature pipeline a student's weights act on, as their run builds it: the neuron's maps and
    standardization (fitted on their training points); the network's preset plain, or on "yours" the neuron's."""
    if model == "network" and NetSettings.from_query(query)[0].hdata != "yours":
        return ds.fit_features(data.train_X)
    settings, _ = Settings.from_query(query)
    return ds.fit_features(data.train_X, maps=settings.maps, standardize=settings.standardize)


def output_z(features: ds.Features, model: str, weights, hidden: int | None, X) -> np.ndarray:
    r"""The output unit's pre-activation at the raw points X of shape (m, 2): :math:`\varphi(x)\cdot w + b`
    (the neuron: weights are w₁ … w_d, b) or :math:`z^{(2)}` (the network: W1 row-major, b1, w2, b2);
    ŷ = σ(z) is 0.5 where z = 0. ValueError when the weights do not fit the pipeline."""
    Phi = features.transform(X)
    weights = np.asarray(weights, dtype=float).reshape(-1)
    if model == "network":
        p = net.Params.from_vector(weights, features.d, int(hidden or 0))
        return net.forward(Phi, p).z2
    if weights.size != features.d + 1:
        raise ValueError(f"{weights.size} weights for a neuron with {features.d} inputs.")
    return Phi @ weights[:-1] + weights[-1]


@dataclass(frozen=True)
class Plane:
    """What a small multiple draws of one student: their points (``X`` of shape (n, 2), ``y``, ``test``), the
    plane's ``bounds`` and the boundary ŷ = 0.5 as a polyline (``bx``, ``by``: lists, None between pieces)."""

    X: np.ndarray
    y: np.ndarray
    test: np.ndarray
    bounds: tuple
    bx: list
    by: list


def plane(data: ds.Dataset, features: ds.Features, model: str, weights, hidden: int | None = None,
          res: int = GRID) -> Plane:
    """A student's points and boundary (none when they reported no weights, or weights that do not fit)."""
    bounds = plane_bounds(data.X)
    bx, by = [], []
    if len(weights):
        (x0, x1), (y0, y1) = bounds
        xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
        gx, gy = np.meshgrid(xs, ys)
        try:
            with np.errstate(all="ignore"):
                Z = output_z(features, model, weights, hidden, np.column_stack([gx.ravel(), gy.ravel()]))
        except ValueError:
            Z = None
        if Z is not None and np.all(np.isfinite(Z)):
            bx, by = level_curve(xs, ys, Z.reshape(res, res), 0.0)
    return Plane(data.X, data.y, data.test, bounds, bx, by)


# --- the small multiples -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """One student's small multiple: ``name`` (their nickname, or a stand-in: plain text, escaped here),
    ``line`` beside it and the lines of ``detail`` under it (plain text: epoch and cost; page, mode, α, last
    seen), ``flags``,
    their ``plane`` (None: nothing reported yet) and cost curve (``epochs``, ``costs``), and ``seat``, their
    seat's number (the boundary and cost traces' ``meta``)."""

    seat: int
    name: str
    line: str
    plane: Plane | None
    epochs: tuple = ()
    costs: tuple = ()
    flags: tuple = ()
    detail: tuple[str, ...] = ()


def _axis(n: int, kind: str) -> str:
    """Plotly's name of the n-th axis: ``x``, ``x2``, … (``kind`` "x"/"y"); its layout key adds "axis"."""
    return kind if n == 1 else f"{kind}{n}"


def _key(n: int, kind: str) -> str:
    return f"{kind}axis" if n == 1 else f"{kind}axis{n}"


def _cell_traces(cell: Cell, a: int, c: int, large: bool = False) -> list[dict]:
    """The points, the boundary (on axes ``a``) and the cost curve (on axes ``c``) of one student."""
    traces = []
    name = safe(cell.name)
    if cell.plane is not None:
        p = cell.plane
        for t in point_traces(p.X, p.y, p.test, xaxis=_axis(a, "x"), yaxis=_axis(a, "y")):
            t["showlegend"] = False
            t["marker"] = {**t["marker"], "size": 9 if large else 5}
            t.pop("customdata", None)  # nothing to click here: a third fewer bytes every refresh
            t["x"], t["y"] = rounded(t["x"], 3), rounded(t["y"], 3)
            traces.append(t)
        traces.append(scatter(x=p.bx, y=p.by, mode="lines", name=f"{name}: boundary ŷ = 0.5", meta={"seat": cell.seat},
                              xaxis=_axis(a, "x"), yaxis=_axis(a, "y"), showlegend=False, hoverinfo="skip",
                              line=dict(color=INK, width=3 if large else 2), connectgaps=False))
    if len(cell.epochs):
        traces.append(scatter(x=[int(e) for e in cell.epochs], y=rounded(cell.costs, 6), mode="lines+markers",
                              name=f"{name}: cost", meta={"seat": cell.seat}, xaxis=_axis(c, "x"),
                              yaxis=_axis(c, "y"), showlegend=False, line=dict(color=C1, width=2),
                              marker=dict(size=3, color=C1), hovertemplate="epoch %{x}<br>cost %{y}<extra></extra>"))
    return traces


def _plane_axes(cell: Cell, xdom, ydom, a: int, small: int) -> dict:
    (x0, x1), (y0, y1) = cell.plane.bounds if cell.plane is not None else ((-1.0, 1.0), (-1.0, 1.0))
    tick = dict(size=small)
    return {
        _key(a, "x"): dict(domain=xdom, anchor=_axis(a, "y"), range=[x0, x1], zeroline=False, tickfont=tick, nticks=4),
        _key(a, "y"): dict(domain=ydom, anchor=_axis(a, "x"), range=[y0, y1], zeroline=False, tickfont=tick, nticks=4),
    }


def _cost_axes(cell: Cell, xdom, ydom, c: int, small: int, title: bool = False) -> dict:
    top = max([float(v) for v in cell.costs] + [1e-9]) * 1.08
    last = int(cell.epochs[-1]) if len(cell.epochs) else 1
    return {
        _key(c, "x"): dict(domain=xdom, anchor=_axis(c, "y"), range=[0, max(last, 1)], tickfont=dict(size=small),
                           nticks=4, zeroline=False, **({"title": {"text": "epoch"}} if title else {})),
        _key(c, "y"): dict(domain=ydom, anchor=_axis(c, "x"), range=[0, top], tickfont=dict(size=small), nticks=3,
                           zeroline=False, **({"title": {"text": "cost"}} if title else {})),
    }


def _heading(cell: Cell, x: float, y: float, large: bool = False) -> dict:
    detail = "".join(f"<br>{html.escape(line)}" for line in cell.detail)
    flags = f'<br><span style="color:{RED}">{html.escape(", ".join(cell.flags))}</span>' if cell.flags else ""
    return dict(text=f"<b>{safe(cell.name)}</b> · {html.escape(cell.line)}{detail}{flags}", x=x, y=y, xref="paper", yref="paper",
                xanchor="center", yanchor="top", showarrow=False, align="center",
                font=dict(size=18 if large else 11, color=INK))


def grid_figure(cells: list[Cell], columns: int = COLUMNS) -> dict:
    """One figure of every student's small multiple, ``columns`` a row in the order given: the plane with
    their points and boundary, their cost curve under it, their name and numbers above it."""
    n = len(cells)
    rows = max(math.ceil(n / columns), 1)
    height = rows * CELL
    data, layout, notes = [], {}, []
    gx = 0.025
    for k, cell in enumerate(cells):
        i, j = divmod(k, columns)
        xdom = [j / columns + gx, (j + 1) / columns - gx]
        top = 1 - i * CELL / height
        cost = [top - (CELL - FOOT) / height, top - (CELL - FOOT - COST) / height]
        ydom = [cost[1] + GAP / height, top - TITLE / height]
        a, c = 2 * k + 1, 2 * k + 2
        data += _cell_traces(cell, a, c)
        layout |= _plane_axes(cell, xdom, ydom, a, 9) | _cost_axes(cell, xdom, cost, c, 9)
        notes.append(_heading(cell, (xdom[0] + xdom[1]) / 2, top))
    lay = figure_layout(height=height, margin=dict(l=30, r=10, t=10, b=10), showlegend=False, annotations=notes,
                        hovermode="closest")
    return spec(data, {**lay, **layout})


def spotlight_figure(cell: Cell) -> dict:
    """One student's run large, for the projector: the plane with their points and boundary beside their cost curve."""
    data = _cell_traces(cell, 1, 2, large=True)
    layout = _plane_axes(cell, [0.0, 0.56], [0.0, 0.86], 1, 14) | _cost_axes(cell, [0.66, 1.0], [0.0, 0.86], 2, 14,
                                                                           title=True)
    lay = figure_layout(height=520, margin=dict(l=50, r=20, t=20, b=50), showlegend=False,
                        annotations=[_heading(cell, 0.5, 1.0, large=True)])
    return spec(data, {**lay, **layout})


def grid_alt(cells: list[Cell]) -> str:
    """The small multiples' text alternative: each student's name and numbers, as the figure writes them."""
    if not cells:
        return "No student has joined yet."
    said = "; ".join(f"{c.name}: {', '.join((c.line, *c.detail, *c.flags))}" for c in cells)
    return f"Each student's decision boundary over their points, with their cost curve under it. {said}."


# --- the class together --------------------------------------------------------------------------------
def curves_figure(curves: list[tuple[str, tuple, tuple]]) -> dict:
    """Every student's cost curve on one plot: ``(name, epochs, costs)`` each. A curve that rises past the
    highest starting cost (a learning rate too large) leaves the top of the plot."""
    data, top = [], 1e-9
    for k, (name, epochs, costs) in enumerate(curves):
        if not len(epochs):
            continue
        colour = CURVE_COLOURS[k % len(CURVE_COLOURS)]
        label = safe(name)
        top = max(top, float(costs[0]) * 1.1)
        data.append(scatter(x=[int(e) for e in epochs], y=rounded(costs, 6), mode="lines", name=label,
                            line=dict(color=colour, width=2, dash=("solid", "dash", "dot")[(k // len(CURVE_COLOURS)) % 3]),
                            hovertemplate=f"{label}<br>epoch %{{x}}<br>cost %{{y}}<extra></extra>"))
    lay = figure_layout(height=360, title="The class's cost curves", showlegend=len(data) <= 12,
                        xaxis=dict(title={"text": "epoch"}, zeroline=False),
                        yaxis=dict(title={"text": "cost"}, range=[0, top], zeroline=False))
    return spec(data, lay)


def results_figure(label: str, spacing: str, points: list[tuple[str, object, float | None]], ytitle: str) -> dict:
    """The class experiment: one dot per student, ``(name, value, result)``, the result against the value
    (a log axis for a log-spaced setting, one column per mode for a choice); students without a result are
    left out."""
    kept = [(n, v, r) for n, v, r in points if r is not None and v is not None]
    kept.sort(key=lambda p: (str(type(p[1])), p[1]))
    xs = [v if isinstance(v, str) else float(v) for _, v, _ in kept]
    names = [safe(n) for n, _, _ in kept]
    data = [scatter(x=xs, y=rounded([r for *_, r in kept], 6), mode="lines+markers" if spacing != "choice" else "markers",
                    name=ytitle, text=names, line=dict(color=GREY, width=1), marker=dict(size=11, color=ACCENT),
                    hovertemplate="%{text}<br>" + html.escape(label) + " = %{x}<br>" + html.escape(ytitle)
                    + " = %{y}<extra></extra>")]
    xaxis = dict(title={"text": html.escape(label)}, type="log" if spacing == "log" else "category" if spacing == "choice"
                 else "linear")
    lay = figure_layout(height=380, title=f"{ytitle} against {label}, one dot per student", showlegend=False,
                        xaxis=xaxis, yaxis=dict(title={"text": html.escape(ytitle)}, rangemode="tozero"))
    return spec(data, lay)


def ago(seconds: float) -> str:
    """How long ago, as a person says it: "now", "12 s ago", "3 min ago", "2 h ago"."""
    s = max(float(seconds), 0.0)
    if s < 3:
        return "now"
    if s < 90:
        return f"{s:.0f} s ago"
    if s < 5400:
        return f"{s / 60:.0f} min ago"
    return f"{s / 3600:.0f} h ago"


ROSTER_COLUMNS = ("student", "epoch", "cost", "accuracy", "page", "mode", "α", "value", "flags", "last seen")


def roster_table(rows: list[dict]) -> pd.DataFrame:
    """The roster as a table (text and numbers: a nickname is a cell's text, never Markdown), in the order given."""
    return pd.DataFrame([{c: r.get(c) for c in ROSTER_COLUMNS} for r in rows], columns=list(ROSTER_COLUMNS))
