r"""The building blocks of every figure: plain trace dicts, the layout, the figure as JSON.

Shared by :mod:`perceptron.views.figures` (the neuron's figures) and
:mod:`perceptron.views.netscenes` (the hidden-layer page). Traces are plain dicts (no plotly
validation: 4x faster per update; the tests validate every builder's output with
``go.Figure(fig.to_dict())``), numbers are rounded plain lists (smaller messages, same picture),
and :func:`spec` writes a figure out as the JSON plotly.js draws.
"""

from __future__ import annotations

import copy
import functools

import numpy as np
import plotly.graph_objects as go

from ..text import worked
from ..text.teaching import percent
from .geometry import level_curve
from .palette import ACCENT, C0, C1, CLASS_COLOURS, HEAT, INK, SYMBOLS, base_layout

# --- traces, figures, layouts -------------------------------------------------------------------


def scatter(**kw) -> dict:
    return dict(type="scatter", **kw)


def heatmap(**kw) -> dict:
    return dict(type="heatmap", **kw)


def contour(**kw) -> dict:
    return dict(type="contour", **kw)


def new_figure(data=None) -> go.Figure:
    """A figure from plain trace dicts, skipping plotly's per-property validation."""
    data = [data] if isinstance(data, dict) else list(data or [])
    return go.Figure(data=data, _validate=False)


def figure(data=None, layout=None, **more) -> go.Figure:
    """A figure from plain trace dicts and a layout dict, ``more`` merged into it as ``Figure.update_layout``
    merges its keywords (nested dicts merged, the rest replaced), built in one go: ``update_layout`` walks and
    checks every property path (about 11 ms a figure, most of a Forward propagation visit's own work), the
    constructor without validation does not (under 1 ms)."""
    data = [data] if isinstance(data, dict) else list(data or [])
    return go.Figure(data=data, layout=_as_updated(merge(dict(layout or {}), more)), _validate=False)


def _as_updated(layout: dict) -> dict:
    """``layout`` as ``update_layout`` would have written it: a ``title`` given as a string is ``{"text": …}``
    (plotly.js 3 reads no other), and a ``None`` sets nothing."""
    out = {}
    for k, v in layout.items():
        if v is None:
            continue
        if k == "title" and isinstance(v, str):
            v = {"text": v}
        out[k] = _as_updated(v) if isinstance(v, dict) else v
    return out


_TRACE_TYPES = ("scatter", "heatmap", "contour")
_UNUSED_LAYOUT = ("scene", "ternary", "polar", "geo", "coloraxis", "colorscale")  # every colour scale is explicit


@functools.lru_cache(maxsize=1)
def template_json() -> dict:
    """The ``plotly_white`` template as plotly.js reads it (plotly.js knows no template names)."""
    import plotly.io as pio

    full = pio.templates["plotly_white"].to_plotly_json()
    # only the trace types and subplots the app draws: the rest is 6 KB sent on every update for nothing
    layout = {k: v for k, v in full["layout"].items() if k not in _UNUSED_LAYOUT}
    # tick labels are never hidden at the plot's edge (the default measures every label on every draw)
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**layout.get(axis, {}), "ticklabeloverflow": "allow"}
    return {"layout": layout, "data": {k: v for k, v in full["data"].items() if k in _TRACE_TYPES}}


def merge(a: dict, b: dict) -> dict:
    """``a`` updated by ``b``, nested dicts merged (as ``Figure.update_layout`` does)."""
    out = dict(a)
    for k, v in b.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def spec(data, layout) -> dict:
    """A figure as plain JSON, ``{"data": [...], "layout": {...}}``, with the app's template written out.

    Building a figure this way costs a few milliseconds less than a ``go.Figure`` (no
    validation, no conversion); the chart component draws it as it is, and
    :func:`as_figure` makes the same figure a ``go.Figure`` for ``st.plotly_chart`` and exports.
    """
    layout = dict(layout)
    if layout.get("template") == "plotly_white":
        layout["template"] = copy.deepcopy(template_json())
    return {"data": list(data), "layout": layout}


def as_figure(fig) -> go.Figure:
    """A :func:`spec` dict (or a figure) as a ``go.Figure``: the same picture for any renderer."""
    if isinstance(fig, go.Figure):
        return fig
    return go.Figure(data=fig["data"], layout=fig["layout"], _validate=False)


def rounded(a, digits=4):
    """Rounded plain lists: smaller messages, same picture.

    Numbers of 1e15 and more are kept as they are: a float that large has no decimals left to
    round, and ``np.round`` would overflow near the largest floats (1e306 × 10⁴ is inf).
    """
    a = np.asarray(a, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        r = np.round(a, digits)
    return np.where(np.abs(a) < 1e15, r, a).tolist()


def wrap_title(text: str, width: int = 40) -> str:
    """A title on lines of at most about ``width`` characters (plotly.js never wraps a title; a
    half-width chart cuts it off)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(lines + [line])


def figure_layout(large=False, **extra) -> dict:
    """:func:`~perceptron.views.palette.base_layout` with ``extra``; a string title is wrapped and
    placed top left, and ``large`` enlarges the font (for exports)."""
    lay = {**base_layout(), **extra}
    if isinstance(lay.get("title"), str):  # plotly.js 3 draws only title.text (figures here skip validation)
        # top left, above the legend (which sits in the top margin, just above the plot)
        lay["title"] = {"text": wrap_title(lay["title"]), "x": 0.02, "xref": "container", "xanchor": "left",
                        "y": 0.99, "yref": "container", "yanchor": "top", "pad": {"t": 14}, "font": {"size": 14}}
        lay["margin"] = {**lay["margin"], "t": max(lay["margin"]["t"], 78)}
    if large:
        lay["font"] = dict(size=20)
    return lay


def arrow(x0, y0, x1, y1, text, colour, xref="x", yref="y") -> dict:
    """An annotation arrow from (x0, y0) to (x1, y1), labelled at its head."""
    return dict(
        x=x1, y=y1, ax=x0, ay=y0, xref=xref, yref=yref, axref=xref, ayref=yref, text=text,
        showarrow=True, arrowhead=3, arrowsize=1.3, arrowwidth=2.5, arrowcolor=colour,
        font=dict(color=colour, size=14), bgcolor="rgba(255,255,255,0.7)",
    )


def epoch_note(epoch: int, cost, accuracy, status: str = "", y: float = 1.1, measure: str = "cost") -> dict:
    """The line above a training figure, "epoch K · cost … · train accuracy …" (the browser tests
    and the benchmark read K from it). ``measure`` names the number training reports ("cost", or
    "misclassified fraction" for Rosenblatt's rule), printed as the page prints it (6.705×10⁻²⁶⁴, not 6.705e-264);
    the accuracy never rounds a near miss to 100 %."""
    text = (f"epoch {epoch} · {measure} {worked.text(cost[epoch])} · train accuracy {percent(accuracy[epoch])}"
            + status)
    return dict(text=text, x=0, y=y, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                showarrow=False, font=dict(size=15, color=INK))


# --- traces every page draws --------------------------------------------------------------------


def point_traces(X, y, test, class_names=("0", "1"), xaxis="x", yaxis="y", highlight=None,
                 highlight_name="chosen sample"):
    r"""Scatter traces of the points: one per class and split, shape by class, hollow for test.

    Parameters
    ----------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,), 0 or 1
    test : ndarray of shape (n,), bool
    highlight : int or None, the index of a chosen point to ring

    Each marker's ``customdata`` is its row index in X, so a click or a selection
    names the point.
    """
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    y, test = np.asarray(y).reshape(-1), np.asarray(test, dtype=bool).reshape(-1)
    traces = []
    for label in (0, 1):
        for is_test in (False, True):
            idx = np.flatnonzero((y == label) & (test == is_test))
            if is_test and idx.size == 0:
                continue
            sym = SYMBOLS[label] + ("-open" if is_test else "")
            named = f"class {label}" if class_names[label] == str(label) else f"class {label}: {class_names[label]}"
            name = named + (" (test)" if is_test else "")
            traces.append(
                scatter(
                    x=rounded(X[idx, 0]), y=rounded(X[idx, 1]), mode="markers", name=name,
                    customdata=idx.tolist(), xaxis=xaxis, yaxis=yaxis,
                    marker=dict(
                        symbol=sym, size=9, color=CLASS_COLOURS[label],
                        line=dict(width=1.5 if is_test else 0.8, color=CLASS_COLOURS[label] if is_test else "white"),
                    ),
                    hovertemplate="x₁=%{x}<br>x₂=%{y}<extra>" + name + "</extra>",
                )
            )
    if highlight is not None and 0 <= highlight < X.shape[0]:
        traces.append(
            scatter(
                x=[X[highlight, 0]], y=[X[highlight, 1]], mode="markers", name=highlight_name,
                xaxis=xaxis, yaxis=yaxis, hoverinfo="skip",
                marker=dict(size=20, symbol="circle-open", color=ACCENT, line=dict(width=3)),
            )
        )
    return traces


def boundary_traces(grid, xaxis="x", yaxis="y", step=False):
    r"""σ over the plane as a heatmap and the curve ŷ = 0.5 (by marching squares) as a line; with ``step``
    (Rosenblatt's rule) the heatmap is ŷ = step(z), 0 or 1, and the line is named z = 0 (where σ = 0.5).

    Parameters
    ----------
    grid : (xs, ys, P) from :func:`perceptron.views.geometry.probability_grid`; P None: the two traces
        without their values, which the browser computes from the weights (``perceptron/web/forward.js``)
    """
    xs, ys, P = grid
    cx, cy = ([], []) if P is None else level_curve(xs, ys, P, 0.5)
    values = {} if P is None else {"z": rounded(np.where(P >= 0.5, 1.0, 0.0) if step else P, 2)}
    return [
        heatmap(
            x=rounded(xs, 3), y=rounded(ys, 3), **values, zmin=0, zmax=1, colorscale=HEAT,
            zsmooth="fast", showscale=False, xaxis=xaxis, yaxis=yaxis, name="ŷ = step(z)" if step else "ŷ = σ(z)",
            hovertemplate="x₁=%{x}<br>x₂=%{y}<br>ŷ=%{z:" + (".0f" if step else ".2f") + "}<extra></extra>",
        ),
        scatter(x=cx, y=cy, mode="lines", name="boundary z = 0" if step else "boundary ŷ = 0.5 (z = 0)",
                xaxis=xaxis, yaxis=yaxis, line=dict(width=2.5, color="#333"), hoverinfo="skip", connectgaps=False),
    ]


def cost_traces(cost, test_cost=None, epoch=None, offset=0, xaxis="x", yaxis="y", name="train cost"):
    """Cost per epoch (train, and test if given), with the epoch on screen marked."""
    cost = np.asarray(cost, dtype=float)
    ks = np.arange(cost.size) + offset
    traces = [scatter(x=ks.tolist(), y=rounded(cost, 6), mode="lines", name=name, xaxis=xaxis, yaxis=yaxis,
                      line=dict(color=C1, width=2.5))]
    if test_cost is not None:
        traces.append(scatter(x=ks.tolist(), y=rounded(test_cost, 6), mode="lines", name="test cost",
                              xaxis=xaxis, yaxis=yaxis, line=dict(color=C0, width=2, dash="dash")))
    if epoch is not None and 0 <= epoch < cost.size:
        traces.append(scatter(x=[epoch + offset], y=[round(float(cost[epoch]), 6)], mode="markers",
                              name=f"epoch {epoch}", xaxis=xaxis, yaxis=yaxis, showlegend=False,
                              marker=dict(size=12, color=ACCENT, symbol="circle")))
    return traces


def epoch_axis_top(epoch: int) -> int:
    """The right end of an epoch axis showing ``epoch``: 10, 20, 50, 100, 200, 500, ... (changes rarely)."""
    top = 10
    while top < epoch:
        top = top * 5 // 2 if str(top).startswith("2") else top * 2
    return top


def play_axis_reach(epochs) -> int:
    """The epoch the epoch axis must show during a Play chunk of ``epochs``: its last, plus as many again
    (the next chunk's), so that the axis, whose change costs a whole redraw, changes once in a while and
    not at each of 10, 20, 50, … nor at each chunk's start."""
    epochs = list(epochs)
    return 2 * max(epochs, default=0) - min(epochs, default=0)


def cost_top(cost, test_cost) -> float:
    """The top of a cost axis: 5 % above the highest train or test cost."""
    top = max(float(np.max(cost)) if np.size(cost) else 1.0, 1e-9) * 1.05
    if test_cost is not None and np.size(test_cost):
        top = max(top, float(np.max(test_cost)) * 1.05)
    return top


def add_cost_lines(frame: dict, lines, first: int, epoch: int, extend: bool, digits: int = 6) -> dict:
    """Put the cost lines (traces ``first``, ``first + 1``, ...) into a partial update ``frame`` to ``epoch``.

    ``extend``: the figure on screen already holds every earlier epoch, so only each line's last
    point is appended; else each line is replaced whole (a Step after a rewind drops the epochs
    after it).
    """
    for i, c in enumerate(lines, start=first):
        if extend:
            frame.setdefault("extend", []).append({"trace": i, "x": [epoch], "y": rounded(c[-1:], digits)})
        else:
            frame["data"].append({"x": list(range(len(c))), "y": rounded(c, digits)})
            frame["traces"].append(i)
    return frame
