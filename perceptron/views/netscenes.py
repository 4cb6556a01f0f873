r"""What the hidden-layer page shows, from a :class:`~perceptron.session.netlab.NetLab`: figures and LaTeX.

Pure functions (no streamlit): one combined figure (the output's decision boundary,
the cost per epoch and one thumbnail per hidden unit, so a single ``Plotly.react``
repaints them all), its partial updates for in-browser playback and for the Step drawn
ahead, and the network diagram. The chain rule of one sample written out with its numbers
is :mod:`perceptron.views.netlatex`, whose names are importable from here too.

The page rebuilds the figures on every Step, so they are plain :func:`perceptron.views.traces.spec`
dicts with rounded lists (``*_spec``); :func:`figure` and :func:`diagram` give the same
pictures as ``go.Figure`` for exports and tests.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from ..data.features import PLAIN_NAMES
from ..engine import network as net
from ..session.netlab import DATASET_LABELS, NetLab
from ..text.teaching import accuracy_text
from ..text.worked import text
from . import live
from .geometry import level_curve, linearly_separable, plane_bounds
from .netlatex import (
    FD_EPS_TEXT,
    backward_lines,
    finite_differences,
    forward_lines,
    gradient_lines,
    ledger,
    weight_names,
)
from .palette import ACCENT, C0, C1, CLASS_COLOURS, GREEN, GREY, HEAT, SYMBOLS, UNIT_HEAT
from .traces import (
    add_cost_lines,
    as_figure,
    boundary_traces,
    cost_top,
    cost_traces,
    epoch_axis_top,
    epoch_note,
    figure_layout,
    heatmap,
    play_axis_reach,
    point_traces,
    rounded,
    scatter,
    spec,
)

__all__ = [  # the page's names; the LaTeX ones live in netlatex
    "COST_DIGITS", "FD_EPS_TEXT", "FIXED", "backward_lines", "diagram", "diagram_spec", "figure",
    "figure_spec", "finite_differences", "forward_lines", "frames", "gradient_lines", "input_names", "ledger",
    "step_frame", "weight_names",
]

GRID = 40  # the output's boundary ŷ = 0.5 is traced on a GRID × GRID grid, as on the other pages
HEAT_GRID = 30  # the output's map: smoothed by the browser, it looks the same as 40 × 40 at half the bytes
THUMB = 12  # each hidden unit's map: small, and light in the frames
THUMB_LINE = 20  # each unit's line a = 0.5 is traced on a finer grid than its map
COST_DIGITS = 4  # decimals of the cost line and its marker
THUMB_POINTS = 60  # points drawn in each thumbnail (an even sample): each point is an SVG node to redraw
UNIT = GREEN  # a hidden unit's activation (not a class)
COLS = 4  # thumbnails per row
TOP = 0.58  # the thumbnails fill the paper from 0 to TOP on the right, under the cost plot
FIXED = 3  # traces 0-2 move with the epoch (output heatmap, its boundary, the cost marker); then 2h more
W1, W2 = "W<sup>(1)</sup><sub>{i}{j}</sub>", "w<sup>(2)</sup><sub>{j}</sub>"  # as in the LaTeX lines
# the browser's bilinear scaling of the grid: the same picture as plotly's "best", a fraction of its draw time
SMOOTH = "fast"


def input_names(lab: NetLab) -> list[str]:
    """The inputs' names as plain text (x₁, x₂, x₁², ...)."""
    return [PLAIN_NAMES.get(n, n) for n in lab.features.names]


# --- the combined figure ------------------------------------------------------------------------


def _grid(lab: NetLab, bounds, res: int, points: bool = True):
    """A res × res grid over the plane: its axes and (``points``) its points through the feature pipeline."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
    if not points:  # the browser computes the values (live.py): only the axes are needed
        return xs, ys, None
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, lab.features.transform(np.column_stack([gx.ravel(), gy.ravel()]))


def _z(Z) -> list:
    """A map's values to 2 decimals, the saturated 0 and 1 written as integers (a third fewer bytes)."""
    return [[int(v) if v in (0.0, 1.0) else v for v in row] for row in np.round(Z, 2).tolist()]


def _map(xs, ys, Z, **style) -> dict:
    """A heatmap of Z over the uniform grid xs × ys (given by its first point and its step); Z None: its
    values left to the browser (:mod:`.live`)."""
    values = {} if Z is None else {"z": _z(Z)}
    return heatmap(x0=round(float(xs[0]), 4), dx=round(float(xs[1] - xs[0]), 6), y0=round(float(ys[0]), 4),
                   dy=round(float(ys[1] - ys[0]), 6), **values, zmin=0, zmax=1, zsmooth=SMOOTH, showscale=False,
                   **style)


GRIDS = MappingProxyType({"heat": HEAT_GRID, "line": GRID, "thumb": THUMB, "thumbLine": THUMB_LINE})  # the browser's grids (live.py)


def _dynamic(lab: NetLab, hist: net.NetHistory, k: int, bounds, full: bool = True) -> list[dict]:
    """Traces 0..FIXED+2h-1 at epoch k of ``hist``: the output's map and boundary, the cost marker,
    each unit's map, each unit's line a = 0.5.

    The maps are drawn with the browser's bilinear smoothing, so a coarse grid looks smooth and
    stays light on the wire; the lines a = 0.5 and ŷ = 0.5 are traced on finer grids. ``full`` False:
    the maps and lines without their values, which the browser computes from the weights (:mod:`.live`).
    """
    p = hist.params(k)
    xs, ys, G = _grid(lab, bounds, GRID, full)
    line = boundary_traces((xs, ys, net.forward(G, p).y_hat.reshape(GRID, GRID) if full else None))[1]
    xs, ys, G = _grid(lab, bounds, HEAT_GRID, full)
    Y = net.forward(G, p).y_hat.reshape(HEAT_GRID, HEAT_GRID) if full else None
    traces = [_map(xs, ys, Y, colorscale=HEAT, name="ŷ = σ(z)",
                   hovertemplate="x₁=%{x}<br>x₂=%{y}<br>ŷ=%{z:.2f}<extra></extra>"), line]
    traces.append(_marker(hist, k))
    ts, us, T = _grid(lab, bounds, THUMB, full)
    A = net.hidden_grid(T, p).reshape(p.h, THUMB, THUMB) if full else [None] * p.h
    ls, ms, T = _grid(lab, bounds, THUMB_LINE, full)
    B = net.hidden_grid(T, p).reshape(p.h, THUMB_LINE, THUMB_LINE) if full else None
    heat, lines = [], []
    for j in range(p.h):
        ax = str(3 + j)
        heat.append(_map(ts, us, A[j], colorscale=UNIT_HEAT, xaxis="x" + ax, yaxis="y" + ax,
                         name=f"hidden unit {j + 1}", hovertemplate=f"a{j + 1}" + "=%{z:.2f}<extra></extra>"))
        cx, cy = level_curve(ls, ms, B[j], 0.5) if full else ([], [])
        lines.append(scatter(x=cx, y=cy, mode="lines", xaxis="x" + ax, yaxis="y" + ax, showlegend=False,
                             name=f"unit {j + 1}: a = 0.5", hoverinfo="skip",
                             line=dict(color=UNIT, width=2), connectgaps=False))
    return traces + heat + lines


def _marker(hist: net.NetHistory, k: int) -> dict:
    """The cost plot's marker of epoch k."""
    return scatter(x=[k], y=[round(float(hist.cost[k]), COST_DIGITS)], mode="markers", xaxis="x2", yaxis="y2",
                   name=f"epoch {k}", showlegend=False, marker=dict(size=12, color=ACCENT))


def model(lab: NetLab) -> dict:
    """What the browser draws the moving traces from (:func:`perceptron.views.live.network_model`)."""
    return live.network_model(lab.features, plane_bounds(lab.data.X), GRIDS, heat=0, boundary=1, units=FIXED, h=lab.h)


def _thumb_domains(h: int):
    """(x domain, y domain) of each thumbnail: up to COLS per row, under the cost plot."""
    cols = min(h, COLS)
    rows = -(-h // cols)
    width, height, gap = 0.5 / cols, TOP / rows, 0.012
    out = []
    for j in range(h):
        r, c = divmod(j, cols)
        left, top = 0.5 + c * width, TOP - r * height
        out.append(([round(left + gap, 4), round(left + width - gap, 4)],
                    [round(max(top - height + 0.06, 0), 4), round(top, 4)]))
    return out


def _annotations(lab: NetLab, hist: net.NetHistory, k: int, status: str = ""):
    p = hist.params(k)
    notes = [epoch_note(k, hist.cost, hist.accuracy, status, y=1.1)]
    for t, x, y, anchor in (
        ("Output ŷ: decision boundary", 0.22, 1.0, "center"), ("Cost per epoch", 0.76, 1.0, "center"),
        ("<b>Hidden units</b>: activation a over the plane (green = 1), line a = 0.5;<br>"
         "above each: its weight w<sup>(2)</sup> into ŷ (blue +, orange −)", 0.5, 0.62, "left"),
    ):
        notes.append(dict(text=t, x=x, y=y, xref="paper", yref="paper", yanchor="bottom", xanchor=anchor,
                          align="left", showarrow=False, font=dict(size=14 if y == 1.0 else 13)))
    for j, (dx, dy) in enumerate(_thumb_domains(p.h)):
        w = float(p.w2[j])
        notes.append(dict(text=f"h{j + 1}: {w:+.2f}" if abs(w) < 10 else f"h{j + 1}: {w:+.1f}",
                          x=round((dx[0] + dx[1]) / 2, 4), y=dy[1], xref="paper", yref="paper", yanchor="bottom",
                          showarrow=False, font=dict(size=12, color=C1 if w >= 0 else C0)))
    return notes


def _layout_update(lab: NetLab, hist: net.NetHistory, k: int, status: str = "", axis_to: int = 0):
    return dict(annotations=_annotations(lab, hist, k, status), xaxis2=dict(range=[0, epoch_axis_top(max(k, axis_to))]))


def figure_spec(lab: NetLab, k: int | None = None, *, full: bool = False) -> dict:
    r"""The page's one figure at epoch k (the epoch on screen by default), as a plain figure dict.

    Left: the output's σ over the plane, the curve ŷ = 0.5 and every point. Top right:
    the cost per epoch. Below it, one thumbnail per hidden unit: :math:`\sigma(z^{(1)}_j)`
    over the same plane, with its own straight line :math:`a_j = 0.5`. Traces ``0..FIXED+2h-1``
    move with the epoch (see :func:`frames` and :func:`step_frame`): the browser draws the maps and the
    lines from the figure's ``model`` and ``params`` (:mod:`.live`); ``full``: computed here (exports, tests).
    """
    k = lab.epoch if k is None else int(k)
    d, h = lab.data, lab.history
    bounds = plane_bounds(d.X)
    (x0, x1), (y0, y1) = bounds
    static = cost_traces(h.cost, h.test_cost, None, xaxis="x2", yaxis="y2")
    for t, c in zip(static, (h.cost, h.test_cost), strict=False):  # the line grows by one point per epoch
        t["y"] = rounded(c, COST_DIGITS)  # and is a few hundred pixels high: 4 decimals
    for t in point_traces(d.X, d.y, d.test):  # nothing here reads clicks; 3 decimals place a point to a pixel
        t.pop("customdata", None)
        static.append({**t, "x": rounded(t["x"], 3), "y": rounded(t["y"], 3)})
    axes = {}
    hide = dict(showticklabels=False, showgrid=False, zeroline=False, ticks="", fixedrange=True,
                constrain="domain", showline=True, linecolor="#ccc", mirror=True)
    # the thumbnails are a few hundred pixels wide: an even sample of the points, placed to a pixel
    few = np.unique(np.linspace(0, d.n - 1, min(d.n, THUMB_POINTS)).round().astype(int))
    px = {label: (rounded(d.X[few][d.y[few] == label, 0], 2), rounded(d.X[few][d.y[few] == label, 1], 2))
          for label in (0, 1)}
    for j, (dx, dy) in enumerate(_thumb_domains(lab.h)):
        ax = str(3 + j)
        for label in (0, 1):
            static.append(scatter(x=px[label][0], y=px[label][1], mode="markers",
                                  xaxis="x" + ax, yaxis="y" + ax, showlegend=False, hoverinfo="skip",
                                  name=f"class {label} (unit {j + 1})",
                                  marker=dict(size=4, symbol=SYMBOLS[label], color=CLASS_COLOURS[label])))
        axes[f"xaxis{ax}"] = dict(domain=dx, range=[x0, x1], anchor="y" + ax, constraintoward="center", **hide)
        # the same scale on both axes, so each unit's line crosses the plane at its true angle
        axes[f"yaxis{ax}"] = dict(domain=dy, range=[y0, y1], anchor="x" + ax, scaleanchor="x" + ax,
                                  constraintoward="top", **hide)
    layout = figure_layout(
        False, height=640, showlegend=True, margin=dict(l=50, r=20, t=70, b=100),
        xaxis=dict(domain=[0, 0.43], range=[x0, x1], title=dict(text="x₁")),
        yaxis=dict(domain=[0, 1], range=[y0, y1], title=dict(text="x₂")),
        xaxis2=dict(domain=[0.55, 1.0], anchor="y2", range=[0, epoch_axis_top(k)]),
        yaxis2=dict(domain=[0.76, 1.0], range=[0, cost_top(h.cost, h.test_cost)], title=dict(text="cost"),
                    anchor="x2"),
        legend=dict(orientation="h", y=-0.12, yanchor="top", x=0),
        annotations=_annotations(lab, h, k), **axes,
    )
    out = spec(_dynamic(lab, h, k, bounds, full) + static, layout)
    if not full:
        out["model"], out["params"] = model(lab), live.network_params(h.params(k))
    return out


def figure(lab: NetLab, k: int | None = None):
    """:func:`figure_spec` as a ``go.Figure``, computed whole (exports, tests)."""
    return as_figure(figure_spec(lab, k, full=True))


def _frame(lab: NetLab, hist: net.NetHistory, k: int, status: str = "", axis_to: int = 0) -> dict:
    """The partial update of :func:`figure_spec` to epoch k of ``hist``: its weights (the browser draws
    the maps and lines from them), the cost marker and the titles."""
    marker = _marker(hist, k)
    return {"params": live.network_params(hist.params(k)), "data": [{key: marker[key] for key in ("x", "y", "name")}],
            "traces": [FIXED - 1], "layout": _layout_update(lab, hist, k, status, axis_to)}


def frames(lab: NetLab, epochs) -> list[dict]:
    """Partial updates of :func:`figure_spec` to each of ``epochs``, for playback in the browser."""
    epochs = list(epochs)
    last = play_axis_reach(epochs)
    return [_frame(lab, lab.history, k, " · playing", last) for k in epochs]


def step_frame(lab: NetLab) -> dict | None:
    """The frame that turns :func:`figure_spec` into the figure one press of Step leads to (the
    figure of epoch k + 1 after the Step), or None when a Step would not train.

    Sent with the figure, so that the browser draws the next epoch the moment Step is pressed
    (``preview`` in :mod:`perceptron.web.chart`). Besides the weights and the marker: the cost lines
    get the new epoch's point (or are replaced, when the Step drops the epochs after a rewind) and the
    cost axis its new top.
    """
    k = lab.epoch
    hist = lab.preview(1)
    if hist is None or hist.epochs != k + 1:
        return None
    frame = _frame(lab, hist, k + 1)
    frame["layout"]["yaxis2"] = dict(range=[0, cost_top(hist.cost, hist.test_cost)])
    lines = [hist.cost] + ([hist.test_cost] if hist.test_cost is not None else [])
    # the cost lines follow the dynamic traces; extended when the figure on screen holds every earlier epoch
    return add_cost_lines(frame, lines, FIXED + 2 * lab.h, k + 1, lab.history.epochs == k, COST_DIGITS)


# --- the network diagram ------------------------------------------------------------------------


def diagram_spec(lab: NetLab, k: int | None = None) -> dict:
    """Inputs → hidden units → output, for the chosen sample: link colour = sign, width = size of the weight.

    The explained weights W1_ij and w2_j are labelled; hovering any link's middle gives its weight.
    A plain figure dict. The page sends no frame ahead for it: drawing a second chart at the click
    would hold back the Step's request (see the page); it is redrawn with the server's answer.
    """
    p = lab.params(k)
    X, *_ = lab.design()
    d, h = p.d, p.h
    x = X[lab.sample] if X.shape[0] else np.zeros(d)
    fw = net.forward(x[None, :], p)
    a1, yh = fw.a1[0], float(fw.y_hat[0])
    spread = lambda m: np.linspace(0.9, 0.1, m) if m > 1 else np.array([0.5])
    yi, yj = rounded(spread(d)), rounded(spread(h))
    pos_in, pos_h, pos_out = 0.14, 0.52, 0.88
    big = max(float(np.max(np.abs(p.W1))), float(np.max(np.abs(p.w2))), 1e-9)
    shapes, mid_x, mid_y, mid_text, notes = [], [], [], [], []
    names = input_names(lab)

    def link(xa, ya, xb, yb, w, label, chosen):
        w = float(w)
        colour = C1 if w >= 0 else C0
        shapes.append(dict(type="line", x0=xa, y0=ya, x1=xb, y1=yb, layer="below",
                           line=dict(width=round(1 + 9 * abs(w) / big, 2), color=colour)))
        t = 0.5 if xa < pos_h else 0.6
        mx, my = round(xa + t * (xb - xa), 4), round(ya + t * (yb - ya), 4)
        mid_x.append(mx), mid_y.append(my), mid_text.append(f"{label} = {w:.4g}")
        if chosen:
            notes.append(dict(x=mx, y=my, text=f"<b>{label} = {w:.3g}</b>", showarrow=False,
                              bgcolor="rgba(255,255,255,0.85)", bordercolor=ACCENT, font=dict(color=colour)))

    for i in range(d):
        for j in range(h):
            link(pos_in, yi[i], pos_h, yj[j], p.W1[i, j], W1.format(i=i + 1, j=j + 1),
                 (i, j) == (lab.feature, lab.unit))
    for j in range(h):
        link(pos_h, yj[j], pos_out, 0.5, p.w2[j], W2.format(j=j + 1), j == lab.unit)
    nodes = scatter(
        x=[pos_in] * d + [pos_h] * h + [pos_out], y=[*yi, *yj, 0.5], mode="markers+text",
        text=[*names, *[f"h{j + 1}" for j in range(h)], "ŷ"], textfont=dict(size=14),
        marker=dict(size=38, color=["#f4f4f4"] * d + ["#e3f4ee"] * h + ["#f4f4f4"],
                    line=dict(width=[2] * d + [3 if j == lab.unit else 1.5 for j in range(h)] + [2],
                              color=["#333"] * d + [ACCENT if j == lab.unit else UNIT for j in range(h)] + ["#333"])),
        hovertext=[f"{names[i]} = {x[i]:.4g}" for i in range(d)]
        + [f"hidden unit {j + 1}: b1 = {p.b1[j]:.4g}, a = {a1[j]:.4g}" for j in range(h)]
        + [f"output: b2 = {p.b2:.4g}, ŷ = {yh:.4g}"],
        hoverinfo="text", showlegend=False, name="units",
    )
    mids = scatter(x=mid_x, y=mid_y, mode="markers", hovertext=mid_text, hoverinfo="text", showlegend=False,
                   marker=dict(size=12, color="rgba(0,0,0,0)"), name="weights")
    for i in range(d):
        notes.append(dict(x=pos_in - 0.06, y=yi[i], text=f"{x[i]:.3g}", xanchor="right", showarrow=False))
    for j in range(h):
        notes.append(dict(x=pos_h, y=yj[j], text=f"a<sub>{j + 1}</sub> = {a1[j]:.3g}", showarrow=False,
                          xshift=24, xanchor="left", bgcolor="rgba(255,255,255,0.85)",
                          font=dict(size=11, color="#26303d")))
    notes += [
        dict(x=pos_out + 0.05, y=0.5, text=f"{yh:.3g}", xanchor="left", showarrow=False, font=dict(size=15)),
        dict(x=pos_in, y=1.04, text="inputs", showarrow=False), dict(x=pos_h, y=1.04, text="hidden layer",
                                                                     showarrow=False),
        dict(x=pos_out, y=1.04, text="output", showarrow=False),
        dict(x=0.5, y=-0.1, showarrow=False, font=dict(size=12, color=GREY),
             text=f"sample #{lab.sample} · blue = positive weight, orange = negative, thicker = larger |w|"),
    ]
    layout = figure_layout(
        False, height=80 + 60 * max(d, h, 4), margin=dict(l=10, r=10, t=20, b=30),
        shapes=shapes, annotations=notes, showlegend=False,
        xaxis=dict(visible=False, range=[0, 1], fixedrange=True),
        yaxis=dict(visible=False, range=[-0.14, 1.08], fixedrange=True),
    )
    layout.pop("template")  # no axes, no grid: plotly.js's own defaults draw it (1.7 KB less per Step)
    return spec([mids, nodes], layout)


def diagram(lab: NetLab, k: int | None = None):
    """:func:`diagram_spec` as a ``go.Figure``."""
    return as_figure(diagram_spec(lab, k))


def data_line(lab: NetLab) -> str:
    """The network's own dataset in one line (the sidebar's summary is the single neuron's): its name, its training
    and held-out points, counted, and whether one straight line could separate the training points."""
    d = lab.points
    train, test = int(np.sum(~d.test)), int(np.sum(d.test))
    name = DATASET_LABELS[lab.settings.hdata]
    line = ("no straight line separates them (checked exactly)" if not linearly_separable(d.train_X, d.train_y)
            else "one straight line separates them (checked exactly)")
    return f"This network trains on its own dataset: {name}, {train} training and {test} held-out points; {line}."


def chance_note(lab: NetLab) -> str | None:
    r"""Said while the network is still at chance: its cost at the epoch on screen is within 0.1 % of the cost of
    the best answer that ignores the inputs, the training points' class share :math:`\bar y` for every point
    (cross-entropy: :math:`-[\bar y \ln \bar y + (1-\bar y)\ln(1-\bar y)]`, ln 2 for balanced classes; MSE:
    :math:`\bar y(1-\bar y)`). None otherwise."""
    y = np.asarray(lab.points.train_y, dtype=float)
    if not y.size or lab.settings.hloss not in ("bce", "mse"):
        return None
    share = float(y.mean())
    if share in (0.0, 1.0):
        return None
    chance = (-(share * np.log(share) + (1 - share) * np.log(1 - share)) if lab.settings.hloss == "bce"
              else share * (1 - share))
    k, h = lab.epoch, lab.history
    cost = float(h.cost[k])
    if cost < chance * (1 - 1e-3):
        return None
    named = "ln 2" if lab.settings.hloss == "bce" and share == 0.5 else "the cost of that constant answer"
    how = "no lower than" if cost >= chance else "within 0.1 % of"
    return (f"Still at chance: at epoch {k} the cost, {text(cost)}, is {how} {text(chance)} ({named}), "
            f"the cost of answering ŷ = {text(share)} (the share of class 1) for every point without looking at "
            f"it; {accuracy_text(h.accuracy[k], lab.n_train)} of the training points are right. The hidden units "
            "start from small random weights and first have to turn their lines apart.")
