r"""What each page shows, assembled from a :class:`~perceptron.session.lab.Lab`: figures and tables.

No streamlit here: a scene is a pure function of the lab's state, so it is
tested without a server, and any renderer can draw it.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ..engine.backprop import Ledger, chain_rule, gradients
from ..session.lab import Lab
from . import figures as F
from .geometry import loss_landscape, plane_bounds, probability_grid
from .palette import ACCENT, RED
from .traces import as_figure

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


def _plain(lab: Lab) -> bool:
    """A plain two-input neuron on raw coordinates, where w lives in the same plane as x."""
    return lab.features.d == 2 and not lab.settings.standardize


def plane(lab: Lab, w=None, b=None, highlight=None, arrows=(), title="Decision boundary"):
    """The decision boundary for (w, b) (the epoch on screen by default), with every point."""
    if w is None:
        w, b = lab.params()
    d = lab.dataset
    bounds = plane_bounds(d.X)
    grid = probability_grid(lab.features, w, b, bounds, GRID)
    return F.plane_figure(grid, d.X, d.y, d.test, bounds, feature_names=axis_names(lab),
                          class_names=class_names(lab), highlight=highlight, arrows=arrows, title=title,
                          highlight_name=_sample_name(lab, highlight))


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


def descent_spec(lab: Lab, k: int | None = None) -> dict:
    """The gradient-descent page's three views at epoch k (the epoch on screen by default), as a
    plain figure dict (:func:`perceptron.views.traces.spec`): what the page sends on every Step."""
    d, h = lab.dataset, lab.history
    k = lab.epoch if k is None else k
    bounds = plane_bounds(d.X)
    X, y, *_ = lab.design()
    grid, z = _moving_parts(lab, k, bounds, X)
    return F.descent_spec(grid, d.X, d.y, d.test, bounds, z, y, h.cost, h.test_cost, h.accuracy, k,
                          feature_names=axis_names(lab), class_names=class_names(lab))


def descent(lab: Lab, k: int | None = None):
    """:func:`descent_spec` as a ``go.Figure``."""
    return as_figure(descent_spec(lab, k))


def descent_frames(lab: Lab, start: int, end: int) -> list[dict]:
    """In-browser playback of epochs ``start..end`` (inclusive) as partial figure updates."""
    bounds = plane_bounds(lab.dataset.X)
    X, y, *_ = lab.design()
    h = lab.history
    frames = []
    for k in range(start, end + 1):
        grid, z = _moving_parts(lab, k, bounds, X)
        frames.append(F.descent_frame(grid, z, y, h.cost, h.accuracy, k, " · playing"))
    return frames


def descent_preview(lab: Lab) -> dict | None:
    """The frame of the epoch one press of Step reaches (:func:`perceptron.views.figures.descent_step_frame`),
    or None when a Step would not train (the epoch limit, a stop rule)."""
    k = lab.epoch
    h = lab.preview(1)
    if h is None or h.epochs != k + 1:
        return None
    X, y, *_ = lab.design()
    w, b = h.params(k + 1)
    grid = probability_grid(lab.features, w, b, plane_bounds(lab.dataset.X), GRID)
    return F.descent_step_frame(grid, X @ w + b, y, h.cost, h.test_cost, h.accuracy, k + 1,
                                extend=lab.history.epochs == k)


def train_index(lab: Lab) -> np.ndarray:
    """Dataset row of each training sample (sample i on the pages is row ``train_index[i]``)."""
    return np.flatnonzero(~lab.dataset.test)


def weight_arrows(lab: Lab, w, b, gradient=None, lr=None):
    """The weight vector from the origin (perpendicular to the boundary) and, if given, the step −α∇C from its tip."""
    if not _plain(lab):
        return ()
    arrows = [(0.0, 0.0, float(w[0]), float(w[1]), "w", ACCENT)]
    if gradient is not None:
        step = -(lr or 1.0) * np.asarray(gradient[:2])
        arrows.append((float(w[0]), float(w[1]), float(w[0] + step[0]), float(w[1] + step[1]), "−α∇C", RED))
    return tuple(arrows)


def forward_table(lab: Lab, w, b) -> pd.DataFrame:
    """z and ŷ for every training sample."""
    X, y, *_ = lab.design()
    z = X @ w + b
    L = chain_rule(X, y, w, b)
    table = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(X.shape[1])])
    table.insert(0, "sample", np.arange(len(y)))
    table["y"] = y.astype(int)
    table["z"] = z
    table["ŷ = σ(z)"] = L.y_hat
    table["predicted class"] = (z >= 0).astype(int)
    return table


def ledger_table(L: Ledger, y) -> pd.DataFrame:
    """Every sample's chain-rule factors and contribution; the last row is their sum, the gradient."""
    d = L.dz_dw.shape[1]
    cols = {"y": np.asarray(y, dtype=float), "z": L.z, "ŷ": L.y_hat, "∂C/∂ŷ": L.dC_dyhat, "∂ŷ/∂z": L.dyhat_dz,
            "∂C/∂z": L.dC_dz}
    for j in range(d):
        cols[f"∂C/∂w{j + 1} contribution"] = L.dC_dw_i[:, j]
    cols["∂C/∂b contribution"] = L.dC_db_i
    table = pd.DataFrame(cols)
    total = {c: np.nan for c in table.columns}
    for j in range(d):
        total[f"∂C/∂w{j + 1} contribution"] = L.dw[j]
    total["∂C/∂b contribution"] = L.db
    table.loc[len(table)] = total
    table.index = [f"#{i}" for i in range(L.n)] + ["sum = gradient"]
    return table


def history_table(lab: Lab) -> pd.DataFrame:
    """Every epoch's parameters, cost and accuracy (train and test)."""
    h = lab.history
    table = pd.DataFrame(h.w, columns=[f"w{j + 1}" for j in range(h.w.shape[1])])
    table.insert(0, "epoch", np.arange(h.epochs + 1))
    table["b"] = h.b
    table["cost"] = h.cost
    table["train accuracy"] = h.accuracy
    if h.test_cost is not None:
        table["test cost"] = h.test_cost
        table["test accuracy"] = h.test_accuracy
    table["‖gradient‖" if lab.settings.mode != "rosenblatt" else "updates"] = h.grad_norm
    return table


def separability_note(lab: Lab) -> str | None:
    """Guidance where one straight line cannot work: XOR and circles without feature maps."""
    if lab.settings.dataset in ("xor", "circles") and not lab.settings.maps:
        return (
            f"No straight line can separate the classes of “{lab.settings.dataset}”: a single neuron draws "
            "one line, so some points stay wrong whatever the weights. Two ways out: add curved "
            "**feature maps** (x₁², x₂², x₁x₂) on the Dataset page, or use a hidden layer."
        )
    return None


def landscape(lab: Lab, paths: dict, span: float = 3.0, res: int = 41):
    """Cost over (w₁, w₂) around the paths, b held at the value on screen."""
    X, y, *_ = lab.design()
    w, b = lab.params()
    pts = np.vstack([p[:, :2] for p in paths.values()] + [w[None, :2]])
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = np.maximum((hi - lo) * 0.25, span / 2)
    w1s, w2s, C = loss_landscape(X, y, b, lab.settings.loss, (lo[0] - pad[0], hi[0] + pad[0]),
                                 (lo[1] - pad[1], hi[1] + pad[1]), res)
    return F.landscape_figure(w1s, w2s, C, paths)


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
