r"""What each page shows, assembled from a :class:`~perceptron.session.lab.Lab`: figures and tables.

No streamlit here: a scene is a pure function of the lab's state, so it is
tested without a server, and any renderer can draw it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine import history, modes
from ..engine.backprop import Ledger, chain_rule, cost_at, cost_slice, gradient_check, gradients
from ..engine.costs import get_cost
from ..session import rates
from ..session.lab import Lab
from ..session.run import NEURON_COSTS, SLICE_CELLS_PER_UNIT, epoch_units
from ..text import worked
from . import alt, live
from . import figures as F
from .geometry import linearly_separable, plane_bounds, probability_grid
from .latex import update_steps
from .ledger_table import ledger_table  # noqa: F401 - the pages read it as scenes.ledger_table
from .palette import ACCENT, GREY, RED
from .traces import as_figure, figure, figure_layout, play_axis_reach, scatter

GRID = 40  # heatmap resolution: drawn with bilinear smoothing, 40 × 40 looks smooth and stays light on the wire


def safe(name) -> str:
    """A user's text (a column or class name from a file) for a figure: plotly reads a little HTML
    in labels, so every tag is shown as text, and long names are cut."""
    name = str(name)
    return html.escape(name[:40] + ("…" if len(name) > 40 else ""))


def _axis(symbol: str, name: str) -> str:
    return symbol if name in ("x1", "x2", "x₁", "x₂") else f"{symbol}: {safe(name)}"


def class_names(lab: Lab):
    return tuple(safe(c) for c in lab.dataset.class_names)


def axis_names(lab: Lab):
    """Axis titles: x₁ and x₂, with the file's or Iris' column names where there are any."""
    names = lab.dataset.feature_names
    return (_axis("x₁", names[0]), _axis("x₂", names[1]))


def plane(lab: Lab, w=None, b=None, highlight=None, arrows=(), title="Decision boundary"):
    """The decision boundary for (w, b) (the epoch on screen by default), with every point."""
    if w is None:
        w, b = lab.params()
    d = lab.dataset
    bounds = plane_bounds(d.X)
    grid = probability_grid(lab.features, w, b, bounds, GRID)
    fig = F.plane_figure(grid, d.X, d.y, d.test, bounds, feature_names=axis_names(lab),
                         class_names=class_names(lab), highlight=highlight, arrows=arrows, title=title,
                         highlight_name=_sample_name(lab, highlight), step=_step(lab),
                         equal_axes=bool(arrows))  # w drawn on the plane: "perpendicular" looks it
    return fig


def _sample_name(lab: Lab, row) -> str:
    """The chosen point named as the pages number it: its index among the training samples."""
    if row is None:
        return ""
    index = np.flatnonzero(train_index(lab) == row)
    return f"sample #{int(index[0])}" if index.size else "chosen point"


def _moving_parts(lab: Lab, k: int, bounds, X):
    """What changes with the epoch: σ over the plane and the samples' z."""
    w, b = lab.params(k)
    return probability_grid(lab.features, w, b, bounds, GRID), X @ w + b


def descent_spec(lab: Lab, k: int | None = None, *, full: bool = False) -> dict:
    """The gradient-descent page's three views at epoch k (the epoch on screen by default), as a
    plain figure dict (:func:`perceptron.views.traces.spec`): what the page sends on every Step.

    Its moving traces (σ over the plane, the curve ŷ = 0.5, the samples on the sigmoid) are left to
    the browser, which computes them from the figure's ``model`` and ``params`` (:mod:`.live`);
    ``full``: computed here instead (exports, tests), the same picture.
    """
    d, h = lab.dataset, lab.history
    k = lab.epoch if k is None else k
    bounds = plane_bounds(d.X)
    y = lab.points.train_y
    if full:
        grid, z = _moving_parts(lab, k, bounds, lab.design()[0])
    else:  # only the grid's axes: the features and z are the browser's work
        (x0, x1), (y0, y1) = bounds
        grid, z = (np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID), None), None
    out = F.descent_spec(grid, d.X, d.y, d.test, bounds, z, y, h.cost, h.test_cost, h.accuracy, k,
                         feature_names=axis_names(lab), class_names=class_names(lab), step=_step(lab))
    if not full:
        out["model"] = live.neuron_model(lab.features, lab.points.train_X, lab.points.train_y, bounds, GRID,
                                         step=_step(lab))
        out["params"] = live.neuron_params(*lab.params(k))
    return out


def _step(lab: Lab) -> bool:
    """Rosenblatt's rule: the step activation, and a misclassified fraction instead of a cost."""
    return lab.mode.step


def descent(lab: Lab, k: int | None = None):
    """:func:`descent_spec` as a ``go.Figure``, computed whole (exports)."""
    return as_figure(descent_spec(lab, k, full=True))


def descent_frames(lab: Lab, epochs) -> list[dict]:
    """In-browser playback of ``epochs`` (one frame each): each frame is the epoch's weights (the browser
    draws the moving traces from them, :mod:`.live`), its cost marker and its titles."""
    h, epochs = lab.history, list(epochs)
    return F.descent_frames(h.cost, h.accuracy, epochs, live.neuron_params_many(h.w[epochs], h.b[epochs]),
                            " · playing", step=_step(lab), axis_to=play_axis_reach(epochs))


def descent_preview(lab: Lab) -> dict | None:
    """The frame of the epoch one press of Step reaches (:func:`perceptron.views.figures.descent_step_frame`),
    or None when a Step would not train (the epoch limit, a stop rule)."""
    k = lab.epoch
    h = lab.preview(1)
    if h is None or h.epochs != k + 1:
        return None
    return F.descent_step_frame(None, None, None, h.cost, h.test_cost, h.accuracy, k + 1,
                                extend=lab.history.epochs == k, step=_step(lab),
                                params=live.neuron_params(*h.params(k + 1)))


def activation(lab: Lab, z, y, chosen=None):
    """ŷ against z with every sample at its z: the sigmoid, or in Rosenblatt's mode the step function that
    rule uses (1 where z ≥ 0, else 0), never σ(z) there."""
    if not _step(lab):
        return F.sigmoid_figure(z, y, chosen=chosen)
    z = np.asarray(z, dtype=float)
    lim = F.sigmoid_limit(z)
    traces = [scatter(x=[-lim, 0.0, 0.0, lim], y=[0.0, 0.0, 1.0, 1.0], mode="lines", name="step(z)",
                      line=dict(color=GREY, width=2), hoverinfo="skip", showlegend=False)]
    traces += F.sigmoid_points(z, y, lim, "x", "y", digits=4, step=True)
    if chosen is not None and 0 <= chosen < z.size:
        traces.append(scatter(x=[float(np.clip(z[chosen], -lim, lim))], y=[float(z[chosen] >= 0)], mode="markers+text",
                              text=[f" #{chosen}"], textposition="middle right", hoverinfo="skip", showlegend=False,
                              marker=dict(size=18, symbol="circle-open", color=ACCENT, line=dict(width=3))))
    return figure(traces, figure_layout(title="ŷ = step(z): every sample at its z (Rosenblatt's rule)", height=360),
                  xaxis=dict(title="z = w·x + b", range=[-lim, lim]), yaxis=dict(title="ŷ", range=[-0.05, 1.05]))


def train_index(lab: Lab) -> np.ndarray:
    """Dataset row of each training sample (sample i on the pages is row ``train_index[i]``)."""
    return np.flatnonzero(~lab.dataset.test)


def weight_arrows(lab: Lab, w, b, gradient=None, lr=None):
    """The weight vector from the origin (perpendicular to the boundary) and, if given, the step −α∇C from its tip.

    With standardized inputs the plane is drawn in the data's own units, where w is not perpendicular to the
    boundary but w′ = w/σ is (:meth:`~perceptron.data.features.Features.raw_line`): that arrow is drawn from
    the training points' mean (where the standardized inputs are 0), and the step as −α∇C/σ."""
    if lab.features.d != 2:
        return ()
    origin, scale, name, step_name = np.zeros(2), np.ones(2), "w", "−α∇C"
    if lab.settings.standardize:
        origin, scale, name, step_name = lab.features.mean, 1 / lab.features.std, "w′", "−α∇C/σ"
    tip = origin + np.asarray(w[:2], dtype=float) * scale
    arrows = [(float(origin[0]), float(origin[1]), float(tip[0]), float(tip[1]), name, ACCENT)]
    if gradient is not None:
        end = tip - (lr or 1.0) * np.asarray(gradient[:2], dtype=float) * scale
        arrows.append((float(tip[0]), float(tip[1]), float(end[0]), float(end[1]), step_name, RED))
    return tuple(arrows)


def perpendicular_title(lab: Lab) -> str:
    """What the Forward page's plane shows: w, or w′ = w/σ on standardized inputs, perpendicular to the boundary."""
    if lab.features.d == 2 and lab.settings.standardize:
        return "w′ = w/σ is perpendicular to the boundary w′·x + b′ = 0"
    return "w is perpendicular to the boundary w·x + b = 0"


def descent_arrow(lab: Lab, w, b):
    """``(arrows, title)`` for the plane beside the chain rule: w and the full-batch step −α∇C of the cost
    *training* uses (whatever cost the page inspects); only w in Rosenblatt's mode, which follows no gradient."""
    s = lab.settings
    w_name, per = ("w′ = w/σ", "/σ") if s.standardize and lab.features.d == 2 else ("w", "")
    if not lab.mode.gradient:
        return weight_arrows(lab, w, b), f"{w_name} (Rosenblatt's rule follows no gradient)"
    dw, _ = gradient_at(lab, w, b, s.loss)
    cost = "MSE" if s.loss == "mse" else "cross-entropy"
    how = f"the step −α∇C{per} descent will take" if lab.mode is modes.BATCH else f"one full-batch step −α∇C{per}"
    return weight_arrows(lab, w, b, dw, s.lr), f"{w_name}, and {how} (training cost: {cost})"


def forward_table(lab: Lab, w, b) -> pd.DataFrame:
    """z and ŷ for every training sample (ŷ = step(z) in Rosenblatt's mode)."""
    X, y, *_ = lab.design()
    z = X @ w + b
    table = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(X.shape[1])])
    table.insert(0, "sample", np.arange(len(y)))
    table["y"] = y.astype(int)
    table["z"] = z
    if _step(lab):
        table["ŷ = step(z)"] = (z >= 0).astype(int)
    else:
        table["ŷ = σ(z)"] = chain_rule(X, y, w, b).y_hat
    table["predicted class"] = (z >= 0).astype(int)
    return table


def history_table(lab: Lab) -> pd.DataFrame:
    """Every epoch's parameters, cost and accuracy (train and test)."""
    h = lab.history
    table = pd.DataFrame(h.w, columns=[f"w{j + 1}" for j in range(h.w.shape[1])])
    table.insert(0, "epoch", np.arange(h.epochs + 1))
    table["b"] = h.b
    table[lab.measure] = h.cost  # Rosenblatt's rule has no cost: it reports the misclassified fraction
    table["train accuracy"] = h.accuracy
    if h.test_cost is not None:
        table[f"test {lab.measure}"] = h.test_cost
        table["test accuracy"] = h.test_accuracy
    table["‖gradient‖" if lab.mode.gradient else "updates"] = h.grad_norm
    return table


def separability_note(lab: Lab) -> str | None:
    """Guidance where one straight line cannot work: said only when it is so, computed from the training
    points themselves (:func:`perceptron.views.geometry.linearly_separable`; without feature maps, where the
    neuron's boundary is a line in the plane)."""
    d = lab.dataset
    if lab.settings.maps or not d.train_y.size or linearly_separable(d.train_X, d.train_y):
        return None
    locked = lab.settings.hide  # a teacher's link: no advice to use what it locked
    ways = ([] if {"maps", "dataset"} & set(locked) else
            ["add curved **feature maps** (x₁², x₂², x₁x₂) on the Dataset page"]) + \
           ([] if "hidden" in locked else ["use a hidden layer"])
    out = f" Two ways out: {ways[0]}, or {ways[1]}." if len(ways) == 2 else f" A way out: {ways[0]}." if ways else ""
    return ("No straight line separates these training points (checked exactly: the two classes' convex hulls "
            "overlap): a single neuron draws one line, so some points stay wrong whatever the weights." + out)


def held_fixed(lab: Lab, w, b) -> str:
    """What a slice through ``(w, b)`` holds fixed, in words: "b = 0.32" and each further weight with its input."""
    return held_fixed_of(lab.features.names, w, b)


def held_fixed_of(feature_names, w, b) -> str:
    """:func:`held_fixed` from the inputs' names (``lab.features.names``)."""
    names = [n.replace("x_1", "x₁").replace("x_2", "x₂").replace("^2", "²").replace(r"\sin ", "sin ")
             .replace(" ", "") for n in feature_names]
    held = [f"w{_sub(j + 1)} ({names[j]}) = {worked.text(w[j])}" for j in range(2, len(w))]
    return ", ".join([*held, f"b = {worked.text(b)}"])


def _sub(k: int) -> str:
    return worked.subscript(k)


PATH_POINTS = 121  # the most points of one path the landscape draws (and tabulates): each epoch up to 120 epochs


def path_epochs(count: int, most: int = PATH_POINTS) -> np.ndarray:
    """The epochs of a path of ``count`` points that the landscape draws: all of them up to ``most``, else
    ``most`` evenly spaced ones, the first and the last among them. A run of 5,000 epochs drew 5,001 markers
    with a hover note each (and a table row each) where a few hundred show the same path on a 480-px plot."""
    if count <= most:
        return np.arange(max(count, 0))
    return np.unique(np.round(np.linspace(0, count - 1, most)).astype(int))


# What the loss landscape page computes after training, bounded (``perceptron.session.run.PAGE_UNITS``):
SLICE_UNITS = 10_000  # one surface: 41 × 41 grid points up to ~770 samples, fewer a side past that
COMPARE_RUNS = 5  # the comparison runs: three learning rates, then MSE and cross-entropy at the run's own
COMPARE_EPOCHS = 60  # their epochs where they fit ...
COMPARE_UNITS = 20_000  # ... what a page opens with (the learner's Epochs field may ask up to COMPARE_MAX_UNITS)
COMPARE_MAX_UNITS = 170_000
COMPARE_MOST = 500  # the Epochs field's top at a few points


def landscape_res(n: int, most: int = 41) -> int:
    """Grid points a side of a landscape's surface over ``n`` samples: ``most`` where ``res² × n`` fits
    ``SLICE_UNITS``, fewer past that (25 at 2,000 samples), at least 21. Each grid point's cost passes over
    every sample (``engine.backprop.cost_slice``)."""
    fit = int(np.sqrt(SLICE_UNITS * SLICE_CELLS_PER_UNIT / max(int(n), 1)))
    return int(np.clip(fit, 21, most))


def slice_units(n: int, res: int) -> int:
    """What one surface of ``res × res`` grid points over ``n`` samples counts (``SLICE_CELLS_PER_UNIT``)."""
    return -(-res * res * max(int(n), 0) // SLICE_CELLS_PER_UNIT)


def compare_epoch_units(n: int) -> int:
    """What one epoch of a comparison run counts: full batch over the ``n`` training points (no held-out set)."""
    return epoch_units(NEURON_COSTS, modes.BATCH.key, n, n, max(int(n), 1))


def compare_epochs(n: int) -> tuple[int, int]:
    """``(default, most)`` epochs of the page's five comparison runs over ``n`` training points: 60 and 500
    where they fit ``COMPARE_UNITS`` and ``COMPARE_MAX_UNITS``, fewer at many points (each epoch passes
    over all of them: 16 and 136 at 2,000), at least 5."""
    per = COMPARE_RUNS * compare_epoch_units(n)
    return (int(np.clip(COMPARE_UNITS // per, 5, COMPARE_EPOCHS)), int(np.clip(COMPARE_MAX_UNITS // per, 5, COMPARE_MOST)))


def search_epochs(n: int) -> int:
    """The epochs each rate of the search for run 3's rate trains over ``n`` training points (at most
    :data:`perceptron.session.rates.EPOCHS`, within ``SEARCH_UNITS``, at least 5)."""
    per = len(rates.GRID) * compare_epoch_units(n)
    return int(np.clip(rates.SEARCH_UNITS // per - 1, 5, rates.EPOCHS))


def landscape(lab: Lab, paths: dict, span: float = 3.0, res: int | None = None, at=None,
              where: str = "the current weights"):
    """:func:`landscape_of` the lab's training points, cost and inputs, through ``at`` (the weights on screen by
    default)."""
    X, y, *_ = lab.design()
    return landscape_of(X, y, lab.settings.loss, lab.features.names, paths, lab.params() if at is None else at,
                        span=span, res=res, where=where)


def landscape_of(X, y, loss: str, feature_names, paths: dict, at, span: float = 3.0, res: int | None = None,
                 where: str = "the current weights"):
    r"""The cost over (w₁, w₂) around the paths: a slice through ``at`` (``(w, b)``), every other weight and b
    held at their values there (:func:`perceptron.engine.backprop.cost_slice`). X : ndarray of shape (n, d) and
    y of shape (n,), the training points; ``feature_names`` the inputs' names (d of them).

    ``paths`` maps a label to the weights per epoch (an array of shape (k, d)), or to ``(W, B, costs)``: then
    the hover of each point gives its true cost, and a path whose b or other weights leave the slice is
    named a projection onto it (its points' true costs are not the surface's). The slice's own point is
    marked: there the surface shows the model's cost. A long path is drawn at :func:`path_epochs` (its hover
    notes name each point's epoch); its extent, its end and whether it left the slice are the whole path's.
    ``res``: grid points a side (:func:`landscape_res` of the training points by default).
    """
    res = landscape_res(y.size) if res is None else int(res)
    w, b = at
    w = np.asarray(w, dtype=float)
    weights = {k: np.asarray(v[0] if isinstance(v, tuple) else v, dtype=float) for k, v in paths.items()}
    pts = np.vstack([p[:, :2] for p in weights.values()] + [w[None, :2]])
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = np.maximum((hi - lo) * 0.25, span / 2)
    w1s, w2s = np.linspace(lo[0] - pad[0], hi[0] + pad[0], res), np.linspace(lo[1] - pad[1], hi[1] + pad[1], res)
    C = cost_slice(X, y, w, b, loss, w1s, w2s)
    shown, notes, ends = {}, {}, {}
    for label, v in paths.items():
        W = weights[label]
        if isinstance(v, tuple) and len(v) == 3:
            B, costs = np.asarray(v[1], dtype=float), np.asarray(v[2], dtype=float)
            off = ~(np.all(np.isclose(W[:, 2:], w[2:], rtol=0, atol=1e-12), axis=1)
                    & np.isclose(B, b, rtol=0, atol=1e-12))
            name = label + (" (projected onto this slice)" if off.any() else "")
            ks = path_epochs(min(len(W), len(costs)))
            notes[name] = [f"epoch {k}: true cost {worked.text(costs[k])}" + (" (off the slice)" if off[k] else " (on the slice)")
                           for k in ks]
            ends[name] = _end_note(X, y, loss, w, b, W, costs, off, label)
        else:
            name, ks = label + " (projected onto this slice)", path_epochs(len(W))
        shown[name] = W[ks]
    title = f"Cost over (w₁, w₂): a slice through {where}, with {held_fixed_of(feature_names, w, b)} held fixed"
    fig = F.landscape_figure(w1s, w2s, C, shown, title=title, ends=ends)
    for name, text in notes.items():
        fig.update_traces(selector=dict(name=name), text=text,
                          hovertemplate="%{text}<br>w₁=%{x}<br>w₂=%{y}<extra></extra>")
    here = float(cost_at(X, y, w, b, loss))
    fig.add_trace(dict(type="scatter", x=[float(w[0])], y=[float(w[1])], mode="markers",
                       name=f"{where} (C = {worked.text(here)})",
                       marker=dict(size=11, symbol="diamond", color="#ffffff", line=dict(width=2, color="#000000")),
                       hovertemplate=f"{where}: C = {worked.text(here)}<extra></extra>"))
    return fig


def path_table(paths: dict, costs: dict) -> pd.DataFrame:
    """The numbers of the points :func:`landscape` draws of each path (:func:`path_epochs`): w₁, w₂ and the cost
    (:func:`perceptron.views.alt.paths_table`), the "step" column each point's epoch."""
    epochs = {k: path_epochs(len(p)) for k, p in paths.items()}
    cut = {k: np.asarray(p)[epochs[k]] for k, p in paths.items()}
    table = alt.paths_table(cut, {k: np.asarray(c)[epochs[k][epochs[k] < len(c)]] for k, c in costs.items()})
    table["step"] = np.concatenate([epochs[k] for k in cut] or [np.zeros(0, dtype=int)])
    return table


def _end_note(X, y, loss, w, b, W, costs, off, label):
    """``(hover, note)`` for a path's end marker: its true cost and, where the run left the slice, that the marker
    is its projection and what the surface there shows instead (the two differ)."""
    k = min(len(W), len(costs)) - 1
    if k < 0 or not np.all(np.isfinite(W[k, :2])):
        return f"{label}: end", None
    true = worked.text(costs[k])
    if not off[k]:
        return f"{label}: end, epoch {k}: cost {true} (on the slice)", f"C = {true}"
    there = worked.text(float(cost_at(X, y, np.concatenate([W[k, :2], w[2:]]), b, loss)))
    return (f"{label}: end, epoch {k}, projected onto this slice: true cost {true}; "
            f"the slice at this point shows {there}", f"true C = {true}")


def rate_verdicts(runs: dict, turned: dict | None = None) -> list[str]:
    """What each of several runs did, from its own cost record: whether it diverged, went up at some epoch
    (overshot and bounced) or went down every epoch, how far it got, and which ended lowest. ``runs`` maps
    a label ("α = 0.05") to a training History; ``turned`` the label to the epochs at which its path turned
    back across the valley (:func:`perceptron.session.rates.turns`); returns one sentence per run."""
    turned = turned or {}
    finals = {k: float(r.cost[-1]) for k, r in runs.items() if not r.diverged and np.isfinite(r.cost[-1])}
    best = min(finals, key=finals.get) if finals else None
    gains = {k: float(r.cost[0]) - finals[k] for k, r in runs.items() if k in finals}
    top = max(gains.values()) if gains else 0.0
    out = []
    for k, r in runs.items():
        c = np.asarray(r.cost, dtype=float)
        rises = len(history.rises(c))
        what = f"{k}: the cost went from {worked.text(c[0])} to {worked.text(c[-1])} in {len(c) - 1} epochs"
        if r.diverged:
            verdict = "then it diverged (too large: the weights flew off)"
        elif rises:
            verdict = (f"going **up** at {rises} of them: it overshoots and bounces"
                       + (", and still ended lowest of the three" if k == best else " (too large)"))
        elif turned.get(k):
            n = len(turned[k])
            verdict = ("going down every epoch, though its path turned back across the valley at "
                       + (f"epoch {turned[k][0]}" if n == 1 else f"{n} epochs, first at {turned[k][0]}")
                       + ": the step went past the lowest point along its line (it overshoots; the far side was lower)"
                       + (", and it ended lowest of the three" if k == best else ""))
        elif k == best:
            verdict = "going down every epoch, and ended lowest of the three"
        elif top > 0 and gains.get(k, 0.0) < 0.25 * top:
            verdict = "going down every epoch, but slowly: it barely moves (too small for this many epochs)"
        else:
            verdict = "going down every epoch"
        out.append(f"{what}, {verdict}.")
    return out


def overshoot_note(found, separable: bool, grid, epochs: int) -> str:
    """Why run 3 has the rate it has: the smallest rate of ``grid`` that overshoots on these points from this
    start (``found``: a :class:`perceptron.session.rates.Overshoot`), or why none does; ``separable``: a
    straight line separates the training points (in the plane, checked exactly)."""
    tried = f"{', '.join(f'{a:g}' for a in grid[:6])}, …, {grid[-1]:g}"
    where = f"full batch from the same start, {epochs} epochs each"
    if found.rate is None:
        why = (" A straight line separates these points (checked exactly), so the cost has no lowest point at "
               "finite weights: it keeps falling as the weights grow, there is no valley floor to jump over, and a "
               "longer step only gets down faster. On points whose classes overlap (the presets overlap, xor) a "
               "step that is too long jumps over the valley." if separable else "")
        return f"No α of {tried} overshoots on these points ({where}).{why}"
    how = (f"its cost goes up at epoch {found.rises[0]}" if found.rises else
           f"its path turns back across the valley at epoch {found.turns[0]}, though the cost still falls")
    return (f"Run 3's rate, {found.rate:g}, is the smallest α of {tried} that overshoots on these points ({where}): "
            f"{how}.")




def gradient_at(lab: Lab, w, b, loss=None):
    X, y, *_ = lab.design()
    return gradients(X, y, w, b, loss or lab.settings.loss)


def dataset_view(lab: Lab):
    """The dataset page's plot: the raw points, clickable."""
    d = lab.dataset
    return F.dataset_figure(d.X, d.y, d.test, plane_bounds(d.X, minimum=2.0), axis_names(lab), class_names(lab))


def counts_table(lab: Lab) -> pd.DataFrame:
    """Points per class, in the training and the test set."""
    d = lab.dataset
    rows = {}
    for label in (0, 1):
        train = int(np.sum((d.y == label) & ~d.test))
        test = int(np.sum((d.y == label) & d.test))
        rows[f"class {label}: {d.class_names[label]}"] = {"train": train, "test": test, "total": train + test}
    table = pd.DataFrame(rows).T
    table.loc["total"] = table.sum()
    return table


def points_table(lab: Lab) -> pd.DataFrame:
    """The points as an editable table: x1, x2, label, test."""
    d = lab.dataset
    return pd.DataFrame({"x1": d.X[:, 0], "x2": d.X[:, 1], "label": d.y.astype(int), "test": d.test.astype(bool)})


def dataset_from_table(table: pd.DataFrame, like) -> object:
    """A Dataset from an edited table; raises ValueError saying which row is wrong."""
    from ..data.datasets import Dataset

    t = table.reset_index(drop=True)
    for col in ("x1", "x2"):
        values = pd.to_numeric(t[col], errors="coerce")
        bad = np.flatnonzero(~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan)))
        if bad.size:
            raise ValueError(f"row {bad[0] + 1}: {col} must be a finite number.")
    labels = pd.to_numeric(t["label"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(~np.isin(labels, (0, 1)))
    if bad.size:
        raise ValueError(f"row {bad[0] + 1}: the label must be 0 or 1.")
    return Dataset(
        X=t[["x1", "x2"]].to_numpy(dtype=float).reshape(-1, 2), y=labels.astype(int),
        test=t["test"].fillna(False).astype(bool).to_numpy(), feature_names=like.feature_names,
        class_names=like.class_names, source="custom",
    )


@dataclass(frozen=True)
class Backprop:
    """What the Backpropagation page shows of the weights (w, b) under one cost: the chain rule's ledger
    (``ledger``), the same for the other cost (``other``, for the comparison), the finite-difference check of the
    gradient (``check``) and the cost's formula with its value (``cost_line``, LaTeX)."""

    ledger: Ledger
    other: Ledger
    check: dict
    cost_line: str


def backprop(lab: Lab, w, b, loss: str) -> Backprop:
    """:class:`Backprop` on the learner's training points, as the model sees them."""
    X, y, *_ = lab.design()
    L = chain_rule(X, y, w, b, loss)
    return Backprop(L, chain_rule(X, y, w, b, "bce" if loss == "mse" else "mse"), gradient_check(X, y, w, b, loss),
                    get_cost(loss).latex + rf" = {worked.num(L.cost)}")


def last_update(lab: Lab) -> list[str] | None:
    """The worked lines of the last update, epoch k − 1 → k (w ← w − α·∂C/∂w, and b), in full batch; None at epoch 0
    and in the modes that make many updates an epoch (mini-batch, single-sample, Rosenblatt's rule)."""
    k = lab.epoch
    if k == 0 or lab.mode is not modes.BATCH:
        return None
    w0, b0 = lab.params(k - 1)
    dw, db = gradient_at(lab, w0, b0)
    w1, b1 = lab.params(k)
    return update_steps(w0, b0, dw, db, lab.settings.lr, w1, b1, lab.features.names)  # w₃… name their map
