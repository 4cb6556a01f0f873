"""Text alternatives of the charts, and the tables of their numbers (WCAG 2.1 1.1.1).

Each ``*_alt`` function says in a sentence or three what a chart shows *now*, computed from the
same numbers the figure is drawn from (never from its tick labels), e.g. "Decision boundary at
epoch 12: w = (0.81, −1.2), b = 0.05; 78 of 80 training points on the right side." Screen readers
read it instead of the plot (``show(fig, key, alt=...)``). The ``*_table`` functions give every
figure's numbers as a table, for the page's "Numbers of this chart" expander. Pure functions (no
streamlit), so they are tested without a server.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine import network as net
from ..text import worked
from ..text.teaching import accuracy_text, percent
from .netscenes import input_names

MINUS = "−"  # U+2212, as in the figures: a screen reader says "minus", not "dash"


def num(v, digits: int = worked.DIGITS) -> str:
    """A number as the text alternatives write it: the app's one printing rule (:func:`perceptron.text.worked.text`:
    4 significant digits, scientific form for the very small and the very large, a real minus sign), and
    words for what is not a number."""
    v = float(v)
    if not np.isfinite(v):
        return "not a number" if np.isnan(v) else ("infinity" if v > 0 else f"{MINUS}infinity")
    return worked.text(v, digits)


def vector(values, digits: int = worked.DIGITS) -> str:
    """``(a, b, …)`` with :func:`num`."""
    return "(" + ", ".join(num(v, digits) for v in np.asarray(values, dtype=float).reshape(-1)) + ")"


def pct(fraction, n: int | None = None) -> str:
    """An accuracy, never rounded up to 100 %: the exact count of n when given ("79 of 80 (98.75 %)")."""
    return accuracy_text(fraction, n) if n else percent(fraction)


def _sides(z, y) -> tuple[int, int]:
    """(points on the right side of the boundary, points): z ≥ 0 says class 1."""
    z, y = np.asarray(z, dtype=float).reshape(-1), np.asarray(y).reshape(-1)
    return int(np.sum((z >= 0) == (y == 1))), int(y.size)


def _side_text(z, y, what: str = "training points") -> str:
    right, n = _sides(z, y)
    return f"{right} of {n} {what} on the right side" if n else f"no {what}"


def _ws(w) -> str:
    return vector(w) if len(w) != 1 else num(np.asarray(w).reshape(-1)[0])


# --- the single neuron -------------------------------------------------------------------------------


def status(cost, accuracy, k: int, n_train: int, test_accuracy=None, measure: str = "cost", n_test=None) -> str:
    """The line a screen reader announces after Step, Play or Pause: "Epoch 12: cost 0.1834, 78 of 80 correct"
    (``measure`` names what ``cost`` holds, e.g. the misclassified fraction for Rosenblatt's rule)."""
    correct = int(round(float(accuracy[k]) * n_train))
    said = f"Epoch {k}: {measure} {num(cost[k])}, {correct} of {n_train} correct"
    if test_accuracy is not None:
        said += f", test accuracy {pct(test_accuracy[k], n_test)}"
    return said


def neuron_alt(w, b, names=("x₁", "x₂"), x=None, z=None, y_hat=None, step: bool = False) -> str:
    """The neuron diagram: inputs, weights, bias, and the values flowing through when given (``step``: Rosenblatt's
    step activation instead of the sigmoid)."""
    w = np.asarray(w, dtype=float).reshape(-1)
    names = [names[i] if i < len(names) else f"φ{i + 1}" for i in range(w.size)]
    inputs = ", ".join(
        f"{n}{' = ' + num(x[i]) if x is not None else ''} with weight w{i + 1} = {num(w[i])}"
        for i, n in enumerate(names))
    act = "the step function (1 where z ≥ 0, else 0)" if step else "the sigmoid σ"
    said = f"Diagram of the neuron: inputs {inputs}; bias b = {num(b)}; the sum z goes through {act} to ŷ."
    if z is not None and y_hat is not None:
        said += f" For this sample z = {num(z)} and ŷ = {num(y_hat)}, so the neuron says class {int(z >= 0)}."
    elif z is not None:
        said += f" For this sample z = {num(z)}."
    return said


def dataset_alt(X, y, test, class_names=("0", "1")) -> str:
    """The Dataset page's scatter plot: how many points of each class and split, and where they lie."""
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    y, test = np.asarray(y).reshape(-1), np.asarray(test, dtype=bool).reshape(-1)
    if y.size == 0:
        return "Scatter plot of the dataset: no points yet. Add points with the form below the plot or by clicking."
    parts = []
    for label, shape in ((0, "circles"), (1, "diamonds")):
        train, held = int(np.sum((y == label) & ~test)), int(np.sum((y == label) & test))
        named = f"class {label}" + ("" if str(class_names[label]) == str(label) else f" ({class_names[label]})")
        parts.append(f"{named}: {train} training and {held} test points ({shape}, test points hollow)")
    (a, b), (c, d) = X.min(axis=0), X.max(axis=0)
    return (f"Scatter plot of the dataset, {y.size} points. " + "; ".join(parts) +
            f". x₁ from {num(a)} to {num(c)}, x₂ from {num(b)} to {num(d)}.")


def plane_alt(X, y, w, b, *, epoch=None, X_test=None, y_test=None, chosen=None, arrows=()) -> str:
    """The decision boundary w·x + b = 0 over the plane: where it is, which points it gets right.

    ``X``, ``y``: the training samples as the neuron sees them; ``chosen``: ``(index, x, class)``
    of the ringed sample; ``arrows``: the arrows drawn, ``(x0, y0, x1, y1, label, colour)`` as
    :func:`perceptron.views.figures.plane_figure` takes them.
    """
    w = np.asarray(w, dtype=float).reshape(-1)
    X = np.asarray(X, dtype=float).reshape(len(y), -1) if len(y) else np.zeros((0, w.size))
    when = f" at epoch {epoch}" if epoch is not None else ""
    said = f"Decision boundary{when}: w = {_ws(w)}, b = {num(b)}; " + _side_text(X @ w + b, y)
    if X_test is not None and y_test is not None and len(y_test):
        said += "; " + _side_text(np.asarray(X_test, dtype=float) @ w + b, y_test, "test points")
    said += "."
    if chosen is not None:
        i, x, label = chosen
        said += f" Sample #{i} at {vector(x)}, class {int(label)}, is ringed."
    for x0, y0, x1, y1, label, *_ in arrows:
        if label == "w":
            said += f" The arrow w points from the origin to {vector((x1, y1))}, perpendicular to the boundary."
        elif label == "w′":
            said += (f" The arrow w′ = w/σ points from the training points' mean {vector((x0, y0))} to "
                     f"{vector((x1, y1))}, perpendicular to the boundary in the data's units.")
        else:
            said += f" The arrow {label} goes from {vector((x0, y0))} to {vector((x1, y1))}."
    return said


def sigmoid_alt(z, y, chosen=None, step: bool = False) -> str:
    """The sigmoid (``step``: Rosenblatt's step function) with every sample at its z: how many sit on the right
    side of ŷ = 0.5 (of the step: ŷ = 1 or 0)."""
    z, y = np.asarray(z, dtype=float).reshape(-1), np.asarray(y).reshape(-1)
    curve = "The step function ŷ = step(z)" if step else "The sigmoid ŷ = σ(z)"
    if z.size == 0:
        return f"{curve}, with no samples."
    parts = []
    for label in (0, 1):
        mine = y == label
        right = int(np.sum((z[mine] >= 0) == (label == 1)))
        side = (("= 1" if label == 1 else "= 0") if step else ("≥ 0.5" if label == 1 else "< 0.5"))
        parts.append(f"{right} of {int(mine.sum())} class {label} samples have ŷ {side}")
    said = (f"{curve} with the {z.size} training samples at their z, from {num(z.min())} to "
            f"{num(z.max())}: " + "; ".join(parts) + ".")
    if chosen is not None and 0 <= chosen < z.size:
        y_hat = float(z[chosen] >= 0) if step else 1 / (1 + np.exp(-np.clip(z[chosen], -700, 700)))
        said += f" Sample #{chosen}: z = {num(z[chosen])}, ŷ = {num(y_hat)}."
    return said


def descent_alt(X, y, history, k: int, measure: str = "cost", n_test=None) -> str:
    """The gradient-descent figure at epoch k: boundary, samples on the sigmoid, the cost so far (``measure``:
    what the history's cost holds, the misclassified fraction for Rosenblatt's rule, which has no cost)."""
    w, b = history.params(k)
    said = plane_alt(X, y, w, b, epoch=k)
    cost = history.cost
    said += f" {measure.capitalize()} at epoch {k}: {num(cost[k])}" + (f" (epoch 0: {num(cost[0])})" if k else "")
    if history.test_cost is not None:
        said += f", test {measure} {num(history.test_cost[k])}"
    return said + f"; train accuracy {pct(history.accuracy[k], len(y))}."


def curves_alt(curves: dict, title: str, xname: str = "epoch", x=None) -> str:
    """Several curves: each one's first and last value, and where it was lowest."""
    parts = []
    for label, c in curves.items():
        c = np.asarray(c, dtype=float)
        xs = np.arange(c.size) if x is None else np.asarray(x, dtype=float)
        if c.size == 0:
            continue
        finite = np.isfinite(c)
        low = int(np.nanargmin(np.where(finite, c, np.nan))) if finite.any() else 0
        parts.append(f"{label}: {num(c[0])} at {xname} {num(xs[0])}, {num(c[-1])} at {xname} {num(xs[-1])}, "
                     f"lowest {num(c[low])} at {xname} {num(xs[low])}")
    return f"{title.replace('<br>', ' ')}. " + "; ".join(parts) + "."


def landscape_alt(fig, paths: dict, b, costs: dict | None = None) -> str:
    """The loss landscape: its lowest point on the drawn grid, and where each path starts and ends.

    ``fig``: the landscape figure (its contour's grid of costs is what is drawn; a path whose trace is named
    a projection left the slice, so the surface under it is not its cost); ``paths``: label → weights per
    step; ``costs``: label → true cost per step, when known.
    """
    surface = next(t for t in fig.data if t.type == "contour")
    C = np.asarray(surface.z, dtype=float)
    w1s, w2s = np.asarray(surface.x, dtype=float), np.asarray(surface.y, dtype=float)
    j, i = np.unravel_index(int(np.nanargmin(C)), C.shape)
    said = (f"Contour map of the cost over (w₁, w₂), b held at {num(b)}: from {num(np.nanmin(C))} at "
            f"w = {vector((w1s[i], w2s[j]))} to {num(np.nanmax(C))}.")
    names = [str(t.name) for t in fig.data if t.name]
    for label, path in paths.items():
        path = np.asarray(path, dtype=float)
        if path.size == 0:
            continue
        projected = any(n.startswith(label) and "projected" in n for n in names)
        said += f" Path {label}" + (" (a projection onto this slice: its b or other weights change, so its "
                                    "true costs are not the surface's)" if projected else "")
        said += f": {len(path) - 1} steps from {vector(path[0, :2])} to {vector(path[-1, :2])}"
        if costs and label in costs:
            c = np.asarray(costs[label], dtype=float)
            said += f", {'true ' if projected else ''}cost {num(c[0])} → {num(c[-1])}"
        said += "."
    return said


# --- the hidden layer -------------------------------------------------------------------------------


def hidden_alt(lab, k: int | None = None) -> str:
    """The hidden-layer figure: the output's boundary, the cost, and each hidden unit's line and weight."""
    k = lab.epoch if k is None else int(k)
    h = lab.history
    p = h.params(k)
    X, y, *_ = lab.design()
    right, n = _sides(net.forward(X, p).y_hat - 0.5, y) if len(y) else (0, 0)
    said = (f"Hidden-layer network at epoch {k}: {right} of {n} training points on the right side of the "
            f"output's boundary ŷ = 0.5; cost {num(h.cost[k], 4)} (epoch 0: {num(h.cost[0], 4)}). "
            f"{p.h} hidden units:")
    units = []
    for j in range(p.h):
        units.append(f" unit {j + 1} draws the line {_line(p.W1[:, j], p.b1[j])} and has weight "
                     f"{num(p.w2[j])} into ŷ")
    return said + ";".join(units) + "."


def _line(w, b) -> str:
    """A hidden unit's line a = 0.5 as w·x + b = 0, with its weights and bias."""
    return f"w = {_ws(w)}, b = {num(b)}"


def network_alt(lab, k: int | None = None) -> str:
    """The network diagram for the chosen sample: inputs, hidden activations, output."""
    p = lab.params(k)
    X, *_ = lab.design()
    x = X[lab.sample] if X.shape[0] else np.zeros(p.d)
    fw = net.forward(x[None, :], p)
    names = input_names(lab)
    inputs = ", ".join(f"{n} = {num(v)}" for n, v in zip(names, x, strict=False))
    acts = ", ".join(f"a{j + 1} = {num(a)}" for j, a in enumerate(fw.a1[0]))
    said = (f"Network diagram for sample #{lab.sample}: inputs {inputs}; hidden activations {acts}; "
            f"output ŷ = {num(fw.y_hat[0])}. ")
    said += (f"Chosen weights: W(1) from input {lab.feature + 1} to unit {lab.unit + 1} = "
             f"{num(p.W1[lab.feature, lab.unit])}, w(2) of unit {lab.unit + 1} = {num(p.w2[lab.unit])}.")
    return said


# --- tables ------------------------------------------------------------------------------------------


def plane_table(w, b, gradient=None, lr=None, db=None) -> pd.DataFrame:
    """The numbers of a decision-boundary plane: w and b, and the gradient and the step when drawn."""
    w = np.asarray(w, dtype=float).reshape(-1)
    names = [f"w{j + 1}" for j in range(w.size)] + ["b"]
    table = pd.DataFrame({"now": [*w, float(b)]}, index=names)
    if gradient is not None:
        g = np.asarray(gradient, dtype=float).reshape(-1)
        grad = [*g, float(db) if db is not None else np.nan]
        table["∂C/∂·"] = grad
        table["step −α∇C"] = [-(lr or 1.0) * v for v in grad]
        table["after the step"] = table["now"] + table["step −α∇C"]
    return table


def curves_table(curves: dict, xname: str = "epoch", x=None) -> pd.DataFrame:
    """Curves side by side, one row per x (an epoch by default)."""
    n = max((len(c) for c in curves.values()), default=0)
    xs = np.arange(n) if x is None else np.asarray(x, dtype=float)
    table = pd.DataFrame({xname: xs[:n]})
    for label, c in curves.items():
        c = np.asarray(c, dtype=float)
        table[label] = np.concatenate([c, np.full(n - c.size, np.nan)])
    return table


def paths_table(paths: dict, costs: dict | None = None) -> pd.DataFrame:
    """Every step of every path drawn on the landscape: w₁, w₂ and, when known, the cost."""
    rows = []
    for label, path in paths.items():
        path = np.asarray(path, dtype=float)
        c = np.asarray((costs or {}).get(label, np.full(len(path), np.nan)), dtype=float)
        for step, row in enumerate(path):
            rows.append({"path": label, "step": step, "w1": row[0], "w2": row[1] if row.size > 1 else np.nan,
                         "cost": c[step] if step < c.size else np.nan})
    return pd.DataFrame(rows, columns=["path", "step", "w1", "w2", "cost"])


def units_table(lab, k: int | None = None) -> pd.DataFrame:
    """Each hidden unit at epoch k: its input weights, its bias, its weight into ŷ, and its activation
    for the chosen sample."""
    p = lab.params(k)
    X, *_ = lab.design()
    x = X[lab.sample] if X.shape[0] else np.zeros(p.d)
    a = net.forward(x[None, :], p).a1[0]
    table = pd.DataFrame({f"weight from {n}": p.W1[i] for i, n in enumerate(input_names(lab))})
    table["bias"] = p.b1
    table["weight into ŷ"] = p.w2
    table[f"output for sample #{lab.sample}"] = a
    table.index = [f"hidden unit {j + 1}" for j in range(p.h)]
    table.loc["output unit ŷ"] = {"bias": p.b2, f"output for sample #{lab.sample}":
                                  float(net.forward(x[None, :], p).y_hat[0])}
    return table


def history_table(history) -> pd.DataFrame:
    """Cost and accuracy per epoch (train, and test when there is a test set)."""
    table = pd.DataFrame({"epoch": np.arange(history.cost.size), "cost": history.cost,
                          "train accuracy": history.accuracy})
    if history.test_cost is not None:
        table["test cost"] = history.test_cost
        table["test accuracy"] = history.test_accuracy
    return table
