"""What a maths teacher expects on the Backpropagation page (issue 22): σ′ derived, cross-entropy's ∂C/∂z where σ′
cancels beside MSE's, the matrix form of the gradient, the floating-point limits. Every number is recomputed here
from the raw points in 60-digit decimals (the standard library's), never with the engine's formulas, and every worked
line is checked on its printed numbers (test_teaching_truth's evaluator)."""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest
import streamlit.config
from apptest import app
from test_teaching_truth import check_line, evaluate, lines_of, number, rounds_to

from perceptron.engine.backprop import chain_rule
from perceptron.session.lab import Lab
from perceptron.session.settings import Settings
from perceptron.views import derivations, latex

streamlit.config.set_option("client.showErrorDetails", "full")
ROOT = Path(__file__).resolve().parents[1]
SATURATED = {"dataset": "blobs", "init": "manual", "w1": "45", "w2": "-38", "b": "14"}
STATES = [SATURATED, {"dataset": "blobs"}, {"dataset": "moons", "epoch": "40", "loss": "bce"},
          {"dataset": "custom", "pts": "AAAAPwAAoL8BAAAAQAAAQD8AAADAvwAAAL8B", "init": "manual", "w1": "0.3", "w2": "-0.7",
           "b": "0.1"}]


def lab_of(query: dict) -> Lab:
    settings, problems = Settings.from_query(query)
    assert not problems, problems
    return Lab.from_settings(settings, query.get("pts"))


def D(v) -> Decimal:
    return Decimal(float(v))


def exact(f):
    with localcontext() as ctx:
        ctx.prec = 60
        return +f()


def sig(z: Decimal) -> Decimal:
    return exact(lambda: 1 / (1 + (-z).exp()))


def slope(z: Decimal) -> Decimal:
    """σ(z)(1 − σ(z)) = e^{−|z|}/(1 + e^{−|z|})², which keeps its digits however large |z| is."""
    return exact(lambda: (-abs(z)).exp() / (1 + (-abs(z)).exp()) ** 2)


def zs(X, w, b) -> list[Decimal]:
    """z_i = x_i·w + b, exactly, of the float inputs."""
    return [exact(lambda x=x: sum((D(a) * D(c) for a, c in zip(x, w, strict=True)), D(b))) for x in X.tolist()]


def result(line: str) -> str:
    """The printed result of a worked line: what follows its last relation (a note after \\quad dropped)."""
    flat = lines_of(f"$${line}$$")[0] if "aligned" in line else line
    flat = flat.split(r"\quad")[0]
    return re.split(r"=|\\approx", flat)[-1].strip()


def numeric(items) -> list[str]:
    return [item for kind, item in items if kind == "latex"]


# --- 1. σ′(z) = σ(z)(1 − σ(z)), derived and put to the sample's z ------------------------------------------------


@pytest.mark.parametrize("z", [12.67273135798624, -0.05996, 0.0, -30.5, 2.7755575615628914e-17, 745.5])
def test_the_slope_derivation_ends_at_the_true_slope(z):
    from perceptron.engine.neuron import sigmoid_prime

    items = derivations.sigmoid_slope(z, float(sigmoid_prime(z)), 3)
    lines = numeric(items)
    symbolic = lines[:3]
    assert symbolic[-1] == r"\text{so} \quad \sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr)"
    for t in (Decimal("-2.5"), Decimal("0.7"), Decimal(4)):  # each symbolic step, evaluated at a few z
        e = exact(lambda t=t: (-t).exp())
        steps = [exact(lambda e=e: (1 + e) ** -2 * e), exact(lambda e=e: e / (1 + e) ** 2),
                 exact(lambda e=e: 1 / (1 + e) * (e / (1 + e))), exact(lambda t=t: sig(t) * (1 - sig(t)))]
        assert max(steps) - min(steps) < Decimal("1e-50")
        assert abs(exact(lambda e=e: e / (1 + e)) - exact(lambda e=e: 1 - 1 / (1 + e))) < Decimal("1e-50")
    worked = lines[3:]
    true = slope(D(z))
    assert sum(check_line(line) for line in worked) >= (2 if abs(z) < 700 else 0), worked
    last = worked[-1]
    assert r"1 \cdot" not in last and r"\cdot 1 " not in last, last
    if abs(z) < 700:
        assert rounds_to(true, result(last)), (last, true)
        assert rounds_to(exact(lambda: (-D(z)).exp()), result(worked[0])), worked[0]
    else:  # the slope is below the floats: ≈ its value from the exponent, and what was stored
        printed = number(last.split(r"\approx")[-1].split(r"\quad")[0])
        assert abs(printed - true) / true < Decimal("1e-3") and r"\text{stored as } 0" in last, (last, true)


# --- 2. cross-entropy's ∂C/∂z where σ′ cancels, beside MSE's ----------------------------------------------------


@pytest.mark.parametrize("query", STATES, ids=lambda q: q["dataset"] + q.get("w1", ""))
def test_cross_entropy_and_mse_on_the_sample_and_the_worst_mistake(query):
    lab = lab_of(query)
    X, y, *_ = lab.design()
    w, b = lab.params()
    n = len(y)
    z = zs(X, w, b)
    mse, bce = chain_rule(X, y, w, b, "mse"), chain_rule(X, y, w, b, "bce")
    for i in sorted({0, n - 1, int(np.argmax(np.abs(mse.z)))}):
        items = derivations.cancel(mse, bce, y, i)
        lines = numeric(items)
        ce, ms = next(t for t in lines if r"C_{\text{CE}}}{\partial z_" in t), next(
            t for t in lines if r"C_{\text{MSE}}}{\partial z_" in t)
        t = Decimal(int(y[i]))
        assert rounds_to(exact(lambda i=i, t=t: (sig(z[i]) - t) / n), result(ce)), ce
        assert rounds_to(exact(lambda i=i, t=t: -2 * (t - sig(z[i])) * slope(z[i]) / n), result(ms)), ms
        assert check_line(ce) >= 1 and check_line(ms) >= 1, (ce, ms)
        assert not re.search(r"\\frac\{1 - [01]\}", ce)  # ŷ is never printed as a bare 1: 1 − σ(−z) instead
    wrong = [k for k in range(n) if (z[k] >= 0) != (y[k] == 1)]
    k = max(wrong or range(n), key=lambda j: abs(z[j]))
    ratio = numeric(derivations.cancel(mse, bce, y, 0))[-1]
    assert f"_{{{k}}}" in ratio and rounds_to(exact(lambda: 2 * slope(z[k])), result(ratio)), (k, ratio)
    assert check_line(ratio) >= 1 or r"\approx" in ratio, ratio
    said = next(c for kind, c in derivations.cancel(mse, bce, y, 0) if kind == "markdown" and "slowly" in c)
    assert f"Sample #{k}" in said and ("misclassified sample furthest" in said) == bool(wrong), said
    if query is SATURATED:  # the state: #72, z = 35.06, MSE's push 1.189×10⁻¹⁵ times cross-entropy's
        assert "Sample #72" in said and "1.189×10⁻¹⁵ times as much" in said, said


# --- 3. the matrix form, with its shapes, beside the per-sample sum --------------------------------------------------


@pytest.mark.parametrize("query", STATES, ids=lambda q: q["dataset"] + q.get("w1", ""))
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_the_matrix_form_is_the_per_sample_sum(query, loss):
    lab = lab_of(query)
    X, y, *_ = lab.design()
    w, b = lab.params()
    n, d = X.shape
    z = zs(X, w, b)
    dz = [exact(lambda k=k: -2 * (Decimal(int(y[k])) - sig(z[k])) * slope(z[k]) / n) if loss == "mse" else
          exact(lambda k=k: (sig(z[k]) - Decimal(int(y[k]))) / n) for k in range(n)]
    L = chain_rule(X, y, w, b, loss)
    items = numeric(derivations.matrix_form(L))
    assert rf"({d}, {n}) \cdot ({n},) = ({d},)" in items[1] and r"\underbrace{X^\top}_{(d,\,n)}" in items[0]
    rows = [t for t in items if r"= (X^\top" in t]
    assert len(rows) == d
    for j, row in enumerate(rows):
        true = exact(lambda j=j: sum((dz[k] * D(X[k, j]) for k in range(n)), Decimal(0)))
        flat = lines_of(f"$${latex.stacked(row)}$$")[0]
        under = re.compile(r"\\underbrace\{(.*?)\}_\{\\sum_\{i=(\d+)\}\^\{(\d+)\}\}")  # the rest, i = 3 … n − 1
        assert [m.groups()[1:] for m in under.finditer(flat)] == ([(str(min(n, 3)), str(n - 1))] if n > 3 else [])
        flat = under.sub(r"\1", flat)
        assert flat.startswith(rf"\frac{{\partial C}}{{\partial w_{j + 1}}} = (X^\top"), flat
        printed = flat.split("=")[-1].strip()
        assert rounds_to(true, printed) and printed == latex.num(L.dw[j]), (row, true)
        terms = flat.split("=")[-2].strip()  # the written terms, the rest as one number
        assert rounds_to(evaluate(terms), printed), (terms, printed)


# --- 4. floating-point limits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", STATES[:2], ids=lambda q: q["dataset"] + q.get("w1", ""))
def test_the_floating_point_limits_are_those_of_the_floats(query):
    from perceptron.engine.neuron import sigmoid

    lab = lab_of(query)
    X, y, *_ = lab.design()
    w, b = lab.params()
    z = zs(X, w, b)
    items = derivations.float_limits(chain_rule(X, y, w, b, "mse"))
    forty, said = items[0][1], items[1][1]
    assert rf"1 - {latex.num(float(exact(lambda: 1 - sig(Decimal(40)))))}" in forty and float(sigmoid(40.0)) == 1.0
    one, four, gone = (float(v.replace("−", "-")) for v in re.findall(
        r"from z ≈ ([0-9.]+)", said))
    assert float(sigmoid(one + 0.01)) == 1.0 > float(sigmoid(one - 0.01))  # printed to 4 digits
    assert exact(lambda: sig(D(four + 0.001))) >= Decimal("0.99995") > exact(lambda: sig(D(four - 0.001)))
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(gone - 0.05)) and not np.isfinite(np.exp(gone + 0.05))
    flat = sum(slope(v) < Decimal("1e-8") for v in z)
    assert f"{flat} of the {len(y)} samples have σ′(z) below 10⁻⁸" in said, said
    edge = float(re.search(r"\(\|z\| > ([0-9.]+)\)", said).group(1))
    assert slope(D(edge - 0.01)) > Decimal("1e-8") > slope(D(edge + 0.01))
    if query is SATURATED:
        assert "26 of the 80 samples" in said and "none has σ′(z) below the smallest normal float" in said


def test_the_expanders_on_the_page_as_a_student_reads_them():
    at = app("pages/3_Backpropagation.py", SATURATED)
    labels = [e.label for e in at.expander]
    for want in ("Where σ′(z) = σ(z)(1 − σ(z)) comes from", "Cross-entropy against MSE: where σ′ cancels, and why MSE "
                 "learns slowly", "The same sums as one matrix product: ∇w C = Xᵀ·∂C/∂z",
                 "Floating-point limits: what the computer cannot hold"):
        assert want in labels, labels
    chain = [e.value for e in at.latex if r"\partial \hat y_i}{\partial z_i}" in e.value][0]
    slope_box = next(e for e in at.expander if e.label.startswith("Where σ′"))
    last = [c.value for c in slope_box.children.values() if type(c).__name__ == "Latex"][-1]
    # the derivation ends at σ′ printed as the chain rule prints it (5 digits here: its product needs them)
    assert result(lines_of(last)[0]) == result(lines_of(chain)[0]) == "3.1355 \\times 10^{-6}", (last, chain)
    assert not any(type(c).__name__ == "Help" for e in at.expander for c in e.children.values())
