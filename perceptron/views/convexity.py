r"""MSE with a sigmoid is not convex in the weights; cross-entropy is (Loss landscape page), with the student's numbers.

:func:`bend` takes the line through the weights on screen along w₁ (else w₂, else b: the first on which MSE bends
downward, :func:`perceptron.engine.curvature.concave_line`) and returns what the page renders, in order, as
``(kind, content)`` pairs (``"latex"`` or ``"markdown"``), and the figure's data. The witness of non-convexity is a
chord: a convex function lies on or below every chord, :math:`C(\tfrac{a+c}{2}) \le \tfrac12(C(a) + C(c))`, so one
midpoint above its chord proves MSE is not convex, with no calculus; the second derivative, computed from the
formula of :mod:`~perceptron.engine.curvature`, says where. Every numeric line holds as printed
(:func:`~perceptron.text.worked.equation`). Pure (numpy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..engine import curvature as cv
from ..text.worked import equation, num, subscript, text

Items = list[tuple[str, str]]


def prose_name(name: str) -> str:
    """A direction's name as the page writes it: w₁, w₂ or b."""
    return _names(name)[0]


def _names(name: str) -> tuple[str, str]:
    """(prose, LaTeX) for a direction named ``"w1"``, ``"w2"`` or ``"b"``."""
    if name == "b":
        return "b", "b"
    j = name[1:]
    return f"w{subscript(j)}", f"w_{j}"


def _coordinate(name: str, w, b) -> float:
    return float(b) if name == "b" else float(np.asarray(w, dtype=float)[int(name[1:]) - 1])


def _tidy(lo: float, hi: float) -> tuple[float, float, float]:
    """Two ends near ``lo`` and ``hi`` that print exactly with their midpoint: multiples of 2q, q a thousandth of
    the span rounded down to a power of ten (the midpoint is then a multiple of q)."""
    q = 10.0 ** (math.floor(math.log10(hi - lo)) - 3)
    a, c = round(lo / (2 * q)) * 2 * q, round(hi / (2 * q)) * 2 * q
    a, c = float(num(a, 8)), float(num(c, 8))  # drop the binary noise of the product
    return a, float(num((a + c) / 2, 8)), c


@dataclass(frozen=True)
class Bend:
    """What the page shows: the direction's name, the coordinate along the line (shape (T,)), both costs and their
    second derivatives there (``line``), the shaded stretch (coordinates, or None) and the items to render."""

    name: str
    x: np.ndarray
    line: cv.Line
    stretch: tuple[float, float] | None
    items: tuple


def _chord(X, y, w, b, u, origin: float, pts, loss: str, label: str) -> tuple[str, float]:
    """The chord line ``C(m) − ½(C(a) + C(c)) = δ`` for one cost at the coordinates ``pts = (a, m, c)``, and δ."""
    a, m, c = pts
    line = cv.along(X, y, w, b, u, np.array([a, m, c]) - origin)
    Ca, Cm, Cc = (float(v) for v in line.cost[loss])
    delta = Cm - (Ca + Cc) / 2
    sign = ">" if delta > 0 else ("<" if delta < 0 else "=")
    # the three points by letter (they are named on the line before): with the coordinates written in, the left
    # side alone was wider than a tablet's column
    C = rf"C_{{\text{{{label}}}}}"
    tex = equation(rf"{C}(m) - \tfrac12\bigl({C}(a) + {C}(c)\bigr) = @0 - \tfrac12(@1 + @2) @eq @r",
                   lambda p, q, r: p - (q + r) / 2, [Cm, Ca, Cc], delta)
    return (tex + (rf" {sign} 0" if sign != "=" else "")), delta


def bend(X, y, w, b, epoch: int) -> Bend:
    r"""The line through (w, b) (the weights of ``epoch``), both costs along it and the items that show MSE bending
    the wrong way there, or say honestly that it does not on this stretch. ``X`` of shape (n, d), ``y`` (n,)."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float)
    name, line = cv.concave_line(X, y, w, b)
    prose, tex = _names(name)
    origin = _coordinate(name, w, b)
    x = origin + line.t
    held = [f"w{subscript(j + 1)}" for j in range(X.shape[1]) if f"w{j + 1}" != name] + ([] if name == "b" else ["b"])
    mse, bce = line.curve["mse"], line.curve["bce"]
    k = int(np.argmin(mse))
    items: Items = [
        ("markdown", f"Take one straight line through weight space: from your weights at epoch {epoch}, move "
                     f"{prose} alone ({', '.join(held)} stay as they are), from {prose} = {text(x[0])} to "
                     f"{text(x[-1])}. Every sample's z moves in a straight line, zᵢ(t) = zᵢ + t·dᵢ with "
                     "dᵢ = ∂zᵢ/∂t, so the cost along it has the second derivative"),
        ("latex", r"C''(t) = \frac{1}{n}\sum_i d_i^2\,\frac{\partial^2 L}{\partial z^2}(z_i(t))"),
        ("latex", r"\frac{\partial^2 L_{\text{MSE}}}{\partial z^2} = 2\sigma'^2 - 2(y - \sigma)\,\sigma'(1 - 2\sigma)"),
        ("latex", r"\frac{\partial^2 L_{\text{CE}}}{\partial z^2} = \sigma'(z) \ge 0"),
        ("markdown", "(σ″ = σ′(1 − 2σ), by the chain rule on σ′ = σ(1 − σ).) Cross-entropy's C″ adds dᵢ² times "
                     "σ′ ≥ 0: it never bends downward, on this line or any other, which is what convex means. "
                     "MSE's second term is negative for a sample far on either side, where the loss flattens out: "
                     "a confidently wrong sample's loss stops growing (it tends to 1), so the cost bends the wrong "
                     "way there."),
    ]
    stretch = None
    if not all(np.isfinite(v).all() for v in (*line.cost.values(), *line.curve.values())):
        items[1:] = [("markdown", "With inputs this large, the second derivative along the line, a sum of dᵢ² "
                                  f"(dᵢ up to {text(np.max(np.abs(cv.shifts(X, w, b, line.u)[1])))}), is past the "
                                  "largest float: not shown.")]
        return Bend(name, x, line, None, tuple(items))
    if mse[k] < 0:
        first, last = cv.stretch(mse, k)
        lo, hi = float(x[first]), float(x[last])
        stretch = (lo, hi)
        items.append(("markdown", f"On this line MSE bends **downward** (C″ < 0) from {prose} = {text(lo)} to "
                                  f"{text(hi)} (the shaded stretch), most near {prose} = {text(x[k])}:"))
        at = float(num(x[k]))  # the point as printed, and C″ there
        there = float(cv.along(X, y, w, b, line.u, np.array([at - origin])).curve["mse"][0])
        items.append(("latex", rf"C''_{{\text{{MSE}}}}({tex} = {num(at)}) = {num(there)}"
                               + (" < 0" if there < 0 else "")))
        if hi > lo:
            pts = _tidy(lo, hi)
            line_mse, d_mse = _chord(X, y, w, b, line.u, origin, pts, "mse", "MSE")
            line_ce, d_ce = _chord(X, y, w, b, line.u, origin, pts, "bce", "CE")
            if d_mse > 0:
                items.append(("markdown", "A convex function lies on or below each of its chords. Here the midpoint "
                                          "of the stretch lies **above** the chord: MSE is not convex in the weights."))
                items.append(("markdown", f"Three points on this line: {prose} = a = {text(pts[0], 8)}, {prose} = "
                                          f"c = {text(pts[2], 8)} and their midpoint {prose} = m = {text(pts[1], 8)}."))
                items.append(("latex", line_mse))
                items.append(("markdown", "Cross-entropy, at the same three points:"))
                items.append(("latex", line_ce))
    else:
        items.append(("markdown", f"On this stretch MSE's C″ stays ≥ 0 (its least value {text(mse[k])}, at "
                                  f"{prose} = {text(x[k])}): no concave stretch found on the lines tried (w₁, w₂, b) "
                                  "for these data and weights."
                                  + (" It is there further out: a convex function that stays between 0 and 1 along a "
                                     "whole line is constant, and MSE's cost stays between 0 and 1 and is not constant "
                                     f"here (from {text(np.min(line.cost['mse']))} to {text(np.max(line.cost['mse']))})."
                                     if np.max(line.cost["mse"]) > np.min(line.cost["mse"]) else "")))
    j = int(np.argmin(bce))
    items.append(("markdown", f"Cross-entropy's C″ on the same line is at least {text(bce[j])} (at {prose} = "
                              f"{text(x[j])}), ≥ 0 everywhere, as convexity says."))
    return Bend(name, x, line, stretch, tuple(items))
