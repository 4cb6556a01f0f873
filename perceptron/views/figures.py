r"""Figure builders: plain arrays in, ``plotly.graph_objects.Figure`` (or a :func:`spec` dict) out.

Pure functions, testable without Streamlit; any renderer can show what they return. The
pieces they share with the hidden-layer page (traces as plain dicts, the layout, the points,
the boundary, the cost lines) are in :mod:`perceptron.views.traces`; colours and shapes in
:mod:`perceptron.views.palette`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..engine.neuron import sigmoid
from ..engine.neuron import step as step_activation
from ..text.worked import text as printed
from .palette import (
    ACCENT,
    C0,
    C1,
    CLASS_COLOURS,
    GREEN,
    GREY,
    HALO,
    INK,
    LANDSCAPE,
    PATH_COLOURS,
    RED,
    SYMBOLS,
)
from .traces import (
    add_cost_lines,
    arrow,
    as_figure,
    boundary_traces,
    contour,
    cost_top,
    cost_traces,
    epoch_axis_top,
    epoch_note,
    figure,
    figure_layout,
    merge,
    new_figure,
    point_traces,
    rounded,
    scatter,
    spec,
)


def dataset_figure(X, y, test, bounds, feature_names=("x₁", "x₂"), class_names=("0", "1"), large=False):
    """The dataset on the plane, ready for clicking (adds a point) and box/lasso selection."""
    (x0, x1), (y0, y1) = bounds
    return figure(
        point_traces(X, y, test, class_names),
        figure_layout(large, height=460, dragmode="select", clickmode="event+select"),
        xaxis=dict(title=feature_names[0], range=[x0, x1], zeroline=True),
        yaxis=dict(title=feature_names[1], range=[y0, y1], zeroline=True, scaleanchor=None),
    )


def plane_traces(grid, X, y, test, class_names=("0", "1"), xaxis="x", yaxis="y", highlight=None,
                 highlight_name="chosen sample", step=False):
    r"""The decision boundary: σ over the plane as a heatmap (``step``: Rosenblatt's step(z)), the contour
    ŷ = 0.5 (z = 0), and the points.

    Parameters
    ----------
    grid : (xs, ys, P) from :func:`perceptron.views.geometry.probability_grid`
    """
    traces = boundary_traces(grid, xaxis, yaxis, step=step)
    return traces + point_traces(X, y, test, class_names, xaxis, yaxis, highlight, highlight_name)


def plane_figure(grid, X, y, test, bounds, *, feature_names=("x₁", "x₂"), class_names=("0", "1"),
                 highlight=None, arrows=(), title="Decision boundary", large=False, highlight_name="chosen sample",
                 step=False, equal_axes=False):
    r"""The plane with the boundary; ``arrows`` are ``(x0, y0, x1, y1, label, colour)`` drawn on top;
    ``equal_axes``: one unit as long on both axes (so that "perpendicular" looks it).

    Used for the weight vector (from the origin, perpendicular to the line) and
    the gradient (from the current w, against which descent moves).
    """
    (x0, x1), (y0, y1) = bounds
    layout = figure_layout(large, height=480, title=title)
    layout["margin"] = {**layout["margin"], "t": 112}  # the title, then up to 3 rows of legend in a half-width column
    return figure(
        plane_traces(grid, X, y, test, class_names, highlight=highlight, highlight_name=highlight_name, step=step),
        layout,
        xaxis=dict(title=feature_names[0], range=[x0, x1]),
        yaxis=dict(title=feature_names[1], range=[y0, y1], **(dict(scaleanchor="x", scaleratio=1) if equal_axes else {})),
        annotations=[arrow(*a) for a in arrows],
    )


def sigmoid_traces(z, y, xaxis="x", yaxis="y", chosen=None, z_range=None):
    r"""The curve :math:`\sigma(z)` with every sample placed on it at its own z.

    Parameters
    ----------
    z : ndarray of shape (n,)
    y : ndarray of shape (n,), 0 or 1
    chosen : index of a sample to mark, or None
    """
    z = np.asarray(z, dtype=float)
    lim = min(z_range, 60.0) if z_range else sigmoid_limit(z)
    curve = np.linspace(-lim, lim, 161)
    traces = [
        scatter(x=rounded(curve), y=rounded(sigmoid(curve)), mode="lines", name="σ(z)", xaxis=xaxis, yaxis=yaxis,
                line=dict(color=GREY, width=2), hoverinfo="skip", showlegend=False)
    ]
    traces += sigmoid_points(z, y, lim, xaxis, yaxis, digits=4)
    zc = np.clip(z, -lim, lim)
    if chosen is not None and 0 <= chosen < z.size:
        traces.append(
            scatter(x=[float(zc[chosen])], y=[float(sigmoid(z[chosen]))], mode="markers+text",
                    text=[f" #{chosen}"], textposition="middle right", xaxis=xaxis, yaxis=yaxis,
                    marker=dict(size=18, symbol="circle-open", color=ACCENT, line=dict(width=3)),
                    showlegend=False, hoverinfo="skip")
        )
    return traces, lim


def sigmoid_figure(z, y, chosen=None, large=False):
    """The sigmoid curve with every sample at its z (a standalone figure)."""
    traces, lim = sigmoid_traces(z, y, chosen=chosen)
    return figure(
        traces,
        figure_layout(large, height=360, title="ŷ = σ(z): every sample at its z"),
        xaxis=dict(title="z = w·x + b", range=[-lim, lim]),
        yaxis=dict(title="ŷ", range=[-0.05, 1.05]),
        shapes=[dict(type="line", x0=-lim, x1=lim, y0=0.5, y1=0.5, line=dict(dash="dot", color=GREY, width=1))],
    )


Z_LIMITS = (6.0, 8.0, 10.0, 15.0, 20.0, 30.0, 40.0, 60.0)  # the z axis' half-widths, in steps: it changes rarely


def sigmoid_limit(z) -> float:
    """Half the width of the z axis: the first of ``Z_LIMITS`` that holds every sample with a 10 % margin
    (±60 at most). In steps, so that the axis stays put while training moves the samples a little
    (the browser then redraws only what moved; perceptron/web/forward.js has the same rule)."""
    z = np.asarray(z, dtype=float)
    need = float(np.max(np.abs(z))) * 1.1 if z.size else 0.0
    return next((lim for lim in Z_LIMITS if need <= lim), Z_LIMITS[-1])



def sigmoid_points(z, y, lim, xaxis, yaxis, digits=3, step=False):
    """One scatter per class: every sample at (z, σ(z)) (or (z, step(z)) for Rosenblatt's rule), clipped
    into the visible range; the hover gives each sample's own z and ŷ (:func:`point_text`), also where it
    is drawn at the edge. ``z`` None: the traces without their points, which the browser computes from
    the weights (``perceptron/web/forward.js``, the same text)."""
    y = np.asarray(y).reshape(-1)
    act, name = (step_activation, "step(z)") if step else (sigmoid, "σ(z)")
    traces = []
    for label in (0, 1):
        mine = np.flatnonzero(y == label)
        x = ys = text = []
        if z is not None:
            zl = np.asarray(z, dtype=float)[mine]
            x, ys, text = rounded(np.clip(zl, -lim, lim), digits), rounded(act(zl), digits), point_text(zl, step)
        traces.append(scatter(
            x=x, y=ys, mode="markers", xaxis=xaxis, yaxis=yaxis, name=f"class {label} at its z",
            customdata=mine.tolist(), text=text, showlegend=False,
            hovertemplate="#%{customdata}<br>%{text}<extra></extra>",
            marker=dict(symbol=SYMBOLS[label], size=8, color=CLASS_COLOURS[label],  # opaque: full contrast
                        line=dict(width=0.6, color=HALO)),
        ))
    return traces


def point_text(z, step=False) -> list[str]:
    """Each sample's hover on the sigmoid: "z=1.234<br>ŷ=σ(z)=0.7746", by the printing rule
    (:func:`perceptron.text.worked.text`; ``forward.js``'s ``printNumber`` writes the same)."""
    act, name = (step_activation, "step(z)") if step else (sigmoid, "σ(z)")
    return [f"z={printed(v)}<br>ŷ={name}={printed(act(v))}" for v in np.asarray(z, dtype=float)]


# σ over z in [−60, 60]: dense where it bends, a few points where it is flat (121 points, not 481)
_CURVE = np.concatenate([np.linspace(-60, -12, 9)[:-1], np.linspace(-12, 12, 97), np.linspace(12, 60, 9)[1:]])
_SIGMOID_CURVE = (tuple(rounded(_CURVE)), tuple(rounded(sigmoid(_CURVE))))  # a constant (tuples: never mutated)
_STEP_CURVE = ((-60.0, 0.0, 0.0, 60.0), (0.0, 0.0, 1.0, 1.0))  # Rosenblatt's step(z): 0, then 1 from z = 0 on
DESCENT_DYNAMIC = 5  # traces 0-4 of the descent figure change with the epoch; frames update only those


def _descent_dynamic(grid, z, z_y, cost, epoch, step=False):
    """The traces that move with the epoch: heatmap, boundary, samples on the sigmoid (or on the
    step activation), the cost marker. ``z`` None (and ``grid``'s values None): the first four without
    their data, which the browser computes from the weights; then the sigmoid's z range is its too."""
    lim = None if z is None else sigmoid_limit(z)
    return boundary_traces(grid, step=step) + sigmoid_points(z, z_y, lim, "x2", "y2", step=step) + [_marker(cost, epoch)], lim


def _marker(cost, epoch):
    """The cost plot's marker of the epoch on screen."""
    return scatter(x=[epoch], y=[round(float(cost[epoch]), 6)], mode="markers", xaxis="x3", yaxis="y3",
                   name=f"epoch {epoch}", showlegend=False, marker=dict(size=12, color=ACCENT))


def _descent_layout_update(epoch, cost, accuracy, lim, status="", step=False, axis_to=0):
    """The titles and the epoch note; with ``step`` (Rosenblatt's rule) the middle view is the
    step activation and the number on the right is the misclassified fraction, not a cost. The epoch
    axis reaches ``axis_to`` too (Play: the last epoch of the frames sent, so it changes once a chunk)."""
    middle, right = ("Step activation", "Misclassified fraction") if step else ("Sigmoid", "Cost")
    titles = [
        dict(text=t, x=x, y=1.0, xref="paper", yref="paper", yanchor="bottom", showarrow=False, font=dict(size=14))
        for t, x in (("Decision boundary", 0.18), (middle, 0.555), (right, 0.875))
    ]
    titles.append(epoch_note(epoch, cost, accuracy, status, y=1.13,
                             measure="misclassified fraction" if step else "cost"))
    out = dict(annotations=titles, xaxis3=dict(range=[0, epoch_axis_top(max(epoch, axis_to))]))
    if lim is not None:  # else the browser ranges the z axis (web/forward.js)
        out["xaxis2"] = dict(range=[-lim, lim])
    return out


def descent_spec(grid, X, y, test, bounds, z, z_y, cost, test_cost, accuracy, epoch, *,
                 feature_names=("x₁", "x₂"), class_names=("0", "1"), large=False, step=False) -> dict:
    r"""The three views of gradient descent in one figure, so that one update repaints all three.

    Left: the decision boundary; middle: σ(z) with the training samples at their z;
    right: the cost per epoch (train, and test if given) with ``epoch`` marked.
    Traces 0 to ``DESCENT_DYNAMIC - 1`` are the ones that move with the epoch
    (see :func:`descent_frame`). Returned as a plain :func:`spec` dict, since the
    page rebuilds it on every Step; :func:`descent_figure` gives the ``go.Figure``.

    Parameters
    ----------
    grid : (xs, ys, P) σ over the plane
    X, y, test : the points (n, 2), (n,), (n,)
    z, z_y : the training samples' z and labels, shape (m,)
    cost, accuracy : ndarray of shape (k+1,); test_cost : same or None
    """
    dynamic, lim = _descent_dynamic(grid, z, z_y, cost, epoch, step)
    curve, act = (_STEP_CURVE, "step(z)") if step else (_SIGMOID_CURVE, "σ(z)")
    static = [scatter(x=curve[0], y=curve[1], mode="lines", xaxis="x2", yaxis="y2",
                      showlegend=False, line=dict(color=GREY, width=2), hoverinfo="skip", name=act)]
    lines = cost_traces(cost, test_cost, None, xaxis="x3", yaxis="y3")
    if step:  # Rosenblatt's rule has no cost: it counts mistakes
        for t, name in zip(lines, ("train: misclassified fraction", "test: misclassified fraction"), strict=False):
            t["name"] = name
    static += lines
    static += point_traces(X, y, test, class_names)
    (x0, x1), (y0, y1) = bounds
    top = cost_top(cost, test_cost)
    layout = merge(figure_layout(large, height=500, showlegend=True, margin=dict(l=50, r=20, t=70, b=105)), dict(
        xaxis=dict(domain=[0, 0.36], range=[x0, x1], title=dict(text=feature_names[0])),
        yaxis=dict(range=[y0, y1], title=dict(text=feature_names[1])),
        yaxis2=dict(anchor="x2", range=[-0.05, 1.05], title=dict(text=f"ŷ = {act}")),
        xaxis2=dict(domain=[0.43, 0.68], title=dict(text="z")),
        xaxis3=dict(domain=[0.75, 1.0], title=dict(text="epoch")),
        yaxis3=dict(anchor="x3", range=[0, top], title=dict(text="misclassified fraction" if step else "cost")),
        legend=dict(orientation="h", y=-0.17, yanchor="top", x=0),
    ))
    return spec(dynamic + static, merge(layout, _descent_layout_update(epoch, cost, accuracy, lim, step=step)))


def descent_figure(*args, **kwargs) -> go.Figure:
    """:func:`descent_spec` as a ``go.Figure`` (same arguments)."""
    return as_figure(descent_spec(*args, **kwargs))


def descent_frame(grid, z, z_y, cost, accuracy, epoch, status="", step=False, params=None, axis_to=0):
    """A partial update of :func:`descent_figure` to another epoch, for in-browser playback.

    Returns ``{"data": [...], "traces": [0..4], "layout": {...}}`` (plain JSON-able dicts). With
    ``params`` (:func:`perceptron.views.live.neuron_params`; ``grid`` and ``z`` None) only the cost
    marker and the titles, and the weights from which the browser draws the rest:
    ``{"params": ..., "data": [marker], "traces": [4], "layout": {...}}``.
    """
    if params is not None:
        marker = _marker(cost, epoch)
        return {"params": params, "data": [{k: marker[k] for k in ("x", "y", "name")}], "traces": [DESCENT_DYNAMIC - 1],
                "layout": _descent_layout_update(epoch, cost, accuracy, None, status, step, axis_to)}
    dynamic, lim = _descent_dynamic(grid, z, z_y, cost, epoch, step)
    keep = ("x", "y", "z", "name", "text")  # only what moves (the marker is named by its epoch); the style stays
    data = [{k: v for k, v in t.items() if k in keep} for t in dynamic]
    data[0].pop("x"), data[0].pop("y")  # the heatmap's grid stays put; only its values change
    return {"data": data, "traces": list(range(DESCENT_DYNAMIC)),
            "layout": _descent_layout_update(epoch, cost, accuracy, lim, status, step, axis_to)}


def descent_frames(cost, accuracy, epochs, params, status="", step=False, axis_to=0) -> list[dict]:
    """:func:`descent_frame` with ``params`` for each of ``epochs`` at once (a Play chunk: hundreds of frames), the
    same dicts: the titles, the same in every frame, are built once and shared (the chart's wire format names a
    repeated annotation by its index: found by identity, not compared field by field), and each frame adds only
    its epoch's note, cost marker and weights (``params``: one :func:`perceptron.views.live.neuron_params` each)."""
    titles = _descent_layout_update(0, [0.0], [1.0], None, step=step)["annotations"][:-1]
    measure = "misclassified fraction" if step else "cost"
    frames = []
    for k, p in zip(epochs, params, strict=True):
        frames.append({
            "params": p,
            "data": [{"x": [k], "y": [round(float(cost[k]), 6)], "name": f"epoch {k}"}],
            "traces": [DESCENT_DYNAMIC - 1],
            "layout": {"annotations": [*titles, epoch_note(k, cost, accuracy, status, y=1.13, measure=measure)],
                       "xaxis3": {"range": [0, epoch_axis_top(max(k, axis_to))]}},
        })
    return frames


def descent_step_frame(grid, z, z_y, cost, test_cost, accuracy, epoch, *, extend: bool, step=False,
                       params=None) -> dict:
    """:func:`descent_frame` for the epoch one Step reaches, cost lines included, so that the browser
    can draw the next epoch the moment Step is pressed (see ``preview`` in :mod:`perceptron.web.chart`).

    ``cost``/``test_cost`` are the whole record after the Step. ``extend``: the figure on screen
    already holds every earlier epoch, so only the new points are appended to the cost lines
    (else the lines are replaced: the Step drops the epochs after a rewind).
    """
    frame = descent_frame(grid, z, z_y, cost, accuracy, epoch, step=step, params=params)
    frame["layout"]["yaxis3"] = dict(range=[0, cost_top(cost, test_cost)])
    lines = [cost] + ([test_cost] if test_cost is not None else [])
    # after the σ curve: train, then test cost
    return add_cost_lines(frame, lines, DESCENT_DYNAMIC + 1, epoch, extend)


def landscape_figure(w1s, w2s, C, paths=None, title="Cost over (w₁, w₂), b fixed", large=False, ends=None):
    r"""Contours of the cost over :math:`(w_1, w_2)` with gradient-descent paths drawn on them.

    ``paths`` maps a label to an ndarray of shape (k, 2+) of successive weights
    (the first two columns are drawn); ``ends`` maps a label to ``(hover, note)`` for its end marker,
    the note (e.g. a projected run's true cost, which the surface there does not show) kept as the
    marker's text and written in a key under the plot, one line a run in its colour: beside the marker
    another run's marker or path could cover it (WCAG 1.4.3).
    """
    traces = [contour(x=rounded(w1s), y=rounded(w2s), z=rounded(C, 5), colorscale=LANDSCAPE,
                      contours=dict(showlabels=True, labelfont=dict(color=INK)), colorbar=dict(title=dict(text="C")),
                      name="cost")]
    palette = PATH_COLOURS  # dark on the light landscape (palette.py)
    key = []
    for i, (label, path) in enumerate((paths or {}).items()):
        path = np.asarray(path, dtype=float)
        colour = palette[i % len(palette)]
        traces.append(scatter(x=rounded(path[:, 0]), y=rounded(path[:, 1]), mode="lines+markers", name=label,
                              line=dict(color=colour, width=2), marker=dict(size=4, color=colour)))
        hover, note = (ends or {}).get(label, (f"{label}: end", None))
        traces.append(scatter(x=[path[-1, 0]], y=[path[-1, 1]], mode="markers", showlegend=False, name=f"{label}: end",
                              text=[note] if note else [],
                              marker=dict(size=13, color=colour, symbol="x", line=dict(width=1, color="#333")),
                              hovertemplate=f"{hover}<extra></extra>"))
        if note:
            key.append(f'<span style="color:{colour}">× end of {label.split(" (")[0]}: {note}</span>')
    layout = figure_layout(large, height=480, title=title)
    if key:  # under the axis title, one line a run
        layout["margin"] = {**layout["margin"], "b": layout["margin"]["b"] + KEY_LINE * len(key) + 8}
        layout["annotations"] = [dict(text="<br>".join(key), x=0, y=0, xref="paper", yref="paper", xanchor="left",
                                      yanchor="top", yshift=-KEY_BELOW, align="left", showarrow=False,
                                      font=dict(size=12))]
    return figure(traces, layout, xaxis=dict(title="w₁"), yaxis=dict(title="w₂"))


KEY_LINE, KEY_BELOW = 17, 60  # px a line of the landscape's key takes, and from the plot's bottom to the key (under the axis title)


def curves_figure(curves: dict, title, ytitle="cost", large=False, log=False):
    """Several cost curves against the epoch: ``{label: ndarray}``."""
    palette = (C1, GREEN, ACCENT, C0, RED)
    return figure([
        scatter(x=list(range(len(c))), y=rounded(c, 6), mode="lines", name=label,
                line=dict(width=2.5, color=palette[i % len(palette)], dash=("solid", "dash", "dot")[i % 3]))
        for i, (label, c) in enumerate(curves.items())
    ], figure_layout(large, height=380, title=title), xaxis=dict(title="epoch"),
        yaxis=dict(title=ytitle, type="log" if log else "linear"))


def neuron_diagram(w, b, names=("x₁", "x₂"), x=None, z=None, y_hat=None, large=False, activation="σ"):
    r"""A live diagram of the neuron: inputs → Σ (with w, b) → σ → ŷ (``activation``: the box's name, "step" for
    Rosenblatt's rule).

    Link widths show |wᵢ|; colour shows the sign (blue positive, orange negative).
    When ``x``, ``z`` and ``y_hat`` are given, the values flowing through are written on it.
    """
    w = np.asarray(w, dtype=float)
    d = len(w)
    ys = np.linspace(0.88, 0.12, d) if d > 1 else np.array([0.5])
    big = max(float(np.max(np.abs(w))) if d else 1.0, 1e-9)
    shapes, notes = [], []
    for i in range(d):
        colour = C1 if w[i] >= 0 else C0
        shapes.append(dict(type="line", x0=0.2, y0=ys[i], x1=0.44, y1=0.5,
                           line=dict(width=1 + 7 * abs(w[i]) / big, color=colour)))
        label = names[i] if i < len(names) else f"φ{i + 1}"
        value = f" = {printed(x[i])}" if x is not None else ""
        notes.append(dict(x=0.19, y=ys[i], text=f"{label}{value}", showarrow=False, xanchor="right",
                          font=dict(size=14)))
        notes.append(dict(x=0.29, y=ys[i] + (0.5 - ys[i]) * 0.38 + 0.07, text=f"w{i + 1} = {printed(w[i])}",
                          showarrow=False, font=dict(color=colour, size=13), bgcolor="rgba(255,255,255,0.8)"))
    shapes += [
        dict(type="circle", x0=0.44, y0=0.36, x1=0.54, y1=0.64, line=dict(color="#333", width=2), fillcolor="#f4f4f4"),
        dict(type="line", x0=0.54, y0=0.5, x1=0.66, y1=0.5, line=dict(color="#333", width=2)),
        dict(type="rect", x0=0.66, y0=0.38, x1=0.76, y1=0.62, line=dict(color="#333", width=2), fillcolor="#f4f4f4"),
        dict(type="line", x0=0.76, y0=0.5, x1=0.84, y1=0.5, line=dict(color="#333", width=2)),
    ]
    notes += [
        dict(x=0.49, y=0.5, text="Σ", showarrow=False, font=dict(size=26)),
        dict(x=0.49, y=0.26, text=f"+ b = {printed(b)}", showarrow=False, font=dict(size=13)),
        dict(x=0.71, y=0.5, text=activation, showarrow=False, font=dict(size=26 if len(activation) == 1 else 13)),
        # above the line from Σ to σ and above both shapes, which a long value would cross beside them
        dict(x=0.6, y=0.66, text="z" + (f" = {printed(z)}" if z is not None else ""), showarrow=False, yanchor="bottom"),
        dict(x=0.85, y=0.5, text="ŷ" + (f" = {printed(y_hat)}" if y_hat is not None else ""), showarrow=False,
             xanchor="left", font=dict(size=16)),
    ]
    return figure(
        [], figure_layout(large, height=260, margin=dict(l=10, r=10, t=10, b=10)), shapes=shapes, annotations=notes,
        xaxis=dict(visible=False, range=[-0.12, 1.1]), yaxis=dict(visible=False, range=[0, 1]), showlegend=False,
    )


def line_costs_figure(x, left: tuple, right: tuple, xtitle: str, title: str, bend=None, large=False):
    """Two costs along one line through weight space, against the coordinate ``x`` (shape (T,)): ``left`` and
    ``right`` are ``(label, values)``, each on its own y axis (their scales differ); ``bend``, a pair of x, shades
    where the left one bends downward."""
    (l_name, l_val), (r_name, r_val) = left, right
    fig = new_figure([
        scatter(x=rounded(x, 6), y=rounded(l_val, 6), mode="lines", name=l_name, line=dict(width=2.5, color=C1)),
        scatter(x=rounded(x, 6), y=rounded(r_val, 6), mode="lines", name=r_name, yaxis="y2",
                line=dict(width=2.5, color=GREEN, dash="dash")),
    ])
    layout = figure_layout(large, height=380, title=title)
    layout["margin"] = {**layout["margin"], "r": 80}  # the right axis' ticks and title, inside the figure
    fig.update_layout(layout, xaxis=dict(title=xtitle), yaxis=dict(title=l_name),
                      yaxis2=dict(title=r_name, overlaying="y", side="right", showgrid=False))
    if bend is not None:  # said in the legend, not over the plot (a note there covered the axis' ticks)
        fig.add_vrect(x0=float(bend[0]), x1=float(bend[1]), fillcolor=RED, opacity=0.12, line_width=0)
        fig.add_trace(scatter(x=[None], y=[None], mode="markers", name=f"shaded: {l_name} bends down",
                              marker=dict(symbol="square", size=12, color=RED, opacity=0.25)))
    return fig
