"""What a maths teacher expects, continued (issue 22): MSE with a sigmoid is not convex while cross-entropy is (Loss
landscape), the perceptron convergence theorem's mistake bound (Gradient descent, Rosenblatt's rule), train against
test (Gradient descent) and symmetry breaking (Hidden layer). Every number is recomputed here independently of the
views: costs along the line from the raw points in 60-digit decimals and second derivatives by finite differences,
the margin by brute force over directions, the test cost's minimum from the run record, the zero-start network by
hand."""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from test_teaching_truth import number, rounds_to

from perceptron.engine import curvature
from perceptron.session.lab import Lab
from perceptron.session.settings import Settings
from perceptron.views import convexity

ROOT = Path(__file__).resolve().parents[1]
STATES = [{}, {"dataset": "xor"}, {"dataset": "blobs", "init": "manual", "w1": "45", "w2": "-38", "b": "14"},
          {"dataset": "moons", "epoch": "40", "loss": "bce"}, {"dataset": "circles", "maps": "x1^2,x2^2", "epoch": "30"}]


def lab_of(query: dict) -> Lab:
    settings, problems = Settings.from_query(query)
    assert not problems, problems
    return Lab.from_settings(settings, query.get("pts"))


def exact(f):
    with localcontext() as ctx:
        ctx.prec = 60
        return +f()


def D(v) -> Decimal:
    return Decimal(float(v))


def cost_at(X, y, w, b, loss: str, name: str, at: Decimal) -> Decimal:
    """The cost at (w, b) with the coordinate ``name`` (w1, w2 or b) set to ``at``, in 60-digit decimals."""
    w = [D(v) for v in w]
    b = D(b)
    if name == "b":
        b = at
    else:
        w[int(name[1:]) - 1] = at

    def one(x, t):
        z = sum((D(a) * c for a, c in zip(x, w, strict=True)), b)
        s = -z if t == 1 else z  # how far on the wrong side: both losses are functions of it
        if loss == "mse":
            return (1 / (1 + (-s).exp())) ** 2  # σ(−z)² for a label 1, σ(z)² for a label 0
        return (1 + s.exp()).ln()  # log(1 + e^{−z}) for a label 1, log(1 + e^{z}) for a label 0

    return exact(lambda: sum((one(x, int(t)) for x, t in zip(X.tolist(), y.tolist(), strict=True)), Decimal(0))
                 / len(y))


def chord(line: str) -> tuple[list[Decimal], list[str], str, str]:
    """A chord line's three coordinates, its three printed costs and its printed δ (as printed), the sign it states."""
    flat = re.sub(r"\\begin\{aligned\}|\\end\{aligned\}|&|\\\\", " ", line)
    at = [number(v) for v in re.findall(r"\{=\}(-?[0-9.]+)\)", flat)]
    m = re.search(r"= (\S+) - \\tfrac12\((\S+) \+ (\S+)\)\s+= (\S+)(?: ([<>]) 0)?", flat)
    assert m, flat
    return at, [m.group(k) for k in (1, 2, 3)], m.group(4), m.group(5) or ""


@pytest.mark.parametrize("query", STATES, ids=lambda q: q.get("dataset", "blobs") + q.get("w1", "") + q.get("maps", ""))
def test_mse_bends_the_wrong_way_and_cross_entropy_never_does(query):
    lab = lab_of(query)
    X, y, *_ = lab.design()
    w, b = lab.params()
    bent = convexity.bend(X, y, w, b, lab.epoch)
    texts = [c for _, c in bent.items]
    latex = [c for k, c in bent.items if k == "latex"]
    assert bent.stretch is not None, texts  # every state here has a concave stretch on the first lines tried
    name = bent.name
    # the printed C″ at the printed point, against a centred finite difference of the decimal cost
    second = next(t for t in latex if t.startswith("C''_{"))
    at, value = (number(v) for v in re.search(r"= (-?[0-9.]+)\) = (\S+)", second).groups())
    h = Decimal("1e-5")
    fd = exact(lambda: (cost_at(X, y, w, b, "mse", name, at + h) - 2 * cost_at(X, y, w, b, "mse", name, at)
                        + cost_at(X, y, w, b, "mse", name, at - h)) / h ** 2)
    assert rounds_to(fd, second.split("= ")[-1].split(" <")[0]) and value < 0 and second.endswith("< 0"), (second, fd)
    # the chord: every printed cost is the decimal cost at its printed coordinate, δ holds as printed, signs as said
    chords = [t for t in latex if r"\tfrac12" in t]
    assert len(chords) == 2, texts
    for line, loss in zip(chords, ("mse", "bce"), strict=True):
        coords, printed, delta, sign = chord(line)
        assert coords[0] == (coords[1] + coords[2]) / 2, coords  # C(midpoint) − ½(C(a) + C(c)), as printed
        true = [cost_at(X, y, w, b, loss, name, c) for c in coords]
        for t, p in zip(true, printed, strict=True):
            assert rounds_to(t, p), (t, p, line)
        values = [number(p) for p in printed]
        on_printed = exact(lambda v=values: v[0] - (v[1] + v[2]) / 2)
        assert rounds_to(on_printed, delta) or r"\approx" in line, (on_printed, delta, line)
        true_delta = exact(lambda t=true: t[0] - (t[1] + t[2]) / 2)
        assert (true_delta > 0) == (loss == "mse") and sign == (">" if loss == "mse" else "<"), (line, true_delta)
    # cross-entropy is convex on the whole grid: every second difference of its decimal cost is ≥ 0 (a sample of it)
    xs = [D(v) for v in bent.x[::12]]
    ce = [cost_at(X, y, w, b, "bce", name, v) for v in xs]
    assert all(ce[k - 1] + ce[k + 1] - 2 * ce[k] >= 0 for k in range(1, len(ce) - 1))
    least = re.search(r"at least (\S+) \(at", texts[-1]).group(1)
    assert number(least) >= 0 and rounds_to(D(np.min(bent.line.curve["bce"])), least)


def test_the_second_derivative_formula_agrees_with_finite_differences_everywhere_on_the_line():
    """C″ from the formula at every 10th grid point, both costs, against the decimal finite difference."""
    lab = lab_of({"dataset": "moons", "epoch": "40"})
    X, y, *_ = lab.design()
    w, b = lab.params()
    name, line = curvature.concave_line(X, y, w, b)
    origin = float(w[0]) if name == "w1" else (float(w[1]) if name == "w2" else float(b))
    h = Decimal("1e-5")
    for k in range(0, curvature.GRID, 10):
        at = D(origin + line.t[k])
        for loss in ("mse", "bce"):
            fd = exact(lambda at=at, loss=loss: (cost_at(X, y, w, b, loss, name, at + h) - 2 * cost_at(
                X, y, w, b, loss, name, at) + cost_at(X, y, w, b, loss, name, at - h)) / h ** 2)
            assert abs(D(line.curve[loss][k]) - fd) <= Decimal("1e-6") * (1 + abs(fd)), (k, loss, fd)


def test_no_concave_stretch_is_said_honestly(monkeypatch):
    """One sample of class 1 at z near 0 and a grid of ±0.5 in z: MSE's C″ stays positive, and the page says so."""
    monkeypatch.setattr(curvature, "REACH", 0.5)
    X, y = np.array([[1.0, 0.0]]), np.array([1.0])
    bent = convexity.bend(X, y, np.array([0.1, 0.0]), 0.0, 0)
    said = " ".join(c for k, c in bent.items if k == "markdown")
    assert bent.stretch is None and "no concave stretch found" in said, said
    assert not any(r"\tfrac12" in c for _, c in bent.items)
    assert "is not constant here" in said


def test_the_loss_landscape_page_shows_the_line():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/5_Loss_landscape.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    box = next(e for e in at.expander if e.label.startswith("Convex or not"))
    shown = [getattr(c, "value", "") for c in box.children.values()]
    assert any("MSE bends **downward**" in str(v) for v in shown), shown
    assert any(r"\tfrac12" in str(v) and "> 0" in str(v) for v in shown), shown
