"""Teaching truth, round 3 (issue 22): lines that contradicted their own numbers, each with a regression test that
recomputes the number independently (the standard library's math, in exact or high precision where it matters)."""

from __future__ import annotations

import math
import re
from decimal import Decimal, getcontext
from pathlib import Path

import pytest
import streamlit.config
from apptest import app, ok
from streamlit.testing.v1 import AppTest

from perceptron.text.teaching import side_of_half
from perceptron.views.latex import sigmoid_line

streamlit.config.set_option("client.showErrorDetails", "full")
ROOT = Path(__file__).resolve().parents[1]
getcontext().prec = 60


def sigma_exact(z: float) -> Decimal:
    return 1 / (1 + (-Decimal(z)).exp())


@pytest.mark.parametrize("z", [12.6712, 20.0, 36.0, 40.0, 100.0, 700.0])
def test_a_saturated_sigmoid_is_never_printed_as_one(z):
    """σ(12.67) = 0.99999686…: "= 1" and "ŷ = 1 is above 0.5" said what σ never reaches; the gap is printed."""
    line, said = sigmoid_line(z), side_of_half(z)
    assert not re.search(r"= 1$", line) and "ŷ = 1 is" not in said, (line, said)
    rest = sigma_exact(-z)  # 1 − σ(z) = σ(−z), without the cancellation
    m = re.search(r"1 - ([\d.]+) \\times 10\^\{(-\d+)\}$", line)
    assert m, line
    printed = Decimal(m.group(1)) * Decimal(10) ** int(m.group(2))
    assert abs(printed - rest) <= rest * Decimal("5e-4"), (printed, rest)  # 4 digits of the true 1 − σ(z)


@pytest.mark.parametrize("z", [800.0, -800.0])
def test_beyond_the_floats_the_sigmoid_says_approximately(z):
    line, said = sigmoid_line(z), side_of_half(z)
    assert line.endswith(r"\approx 1" if z > 0 else r"\approx 0"), line
    assert said.startswith("ŷ ≈ 1" if z > 0 else "ŷ ≈ 0") and "smallest number" in said, said


def test_the_forward_page_never_says_y_hat_is_one():
    """The issue's link: every sample of blobs at w = (45, −38), b = 14 has |z| > 10; no line or verdict says ŷ = 1."""
    at = app("pages/2_Forward_propagation.py", {"dataset": "blobs", "init": "manual", "w1": "45", "w2": "-38", "b": "14"})
    lines = [e.value for e in at.latex] + [m.value for m in at.markdown]
    assert not [t for t in lines if re.search(r"(\\hat y|ŷ) = \\sigma\(z\).*= 1$|ŷ = 1 is", t)], lines
    lab = at.session_state["lab"]
    X, y, *_ = lab.design()
    w, b = lab.params()
    z = float(X[lab.sample] @ w + b)
    assert abs(z) > 10 and math.isfinite(z)


def test_the_check_says_when_a_few_samples_carry_the_gradient():
    """"They agree." while 52 of 80 samples have |z| > 10: the page now says how few carry the gradient, from the
    numbers recomputed here (σ′ and ∂C/∂z for MSE in 60-digit decimals)."""
    at = app("pages/3_Backpropagation.py", {"dataset": "blobs", "init": "manual", "w1": "45", "w2": "-38", "b": "14"})
    lab = at.session_state["lab"]
    X, y, *_ = lab.design()
    w, b = lab.params()
    n = len(y)
    zs = [Decimal(float(X[i] @ w)) + Decimal(b) for i in range(n)]
    terms = [abs(Decimal(-2) / n * (Decimal(int(y[i])) - sigma_exact(float(z))) * sigma_exact(float(z))
                 * sigma_exact(-float(z))) for i, z in enumerate(zs)]
    total, running, carry = sum(terms), Decimal(0), 0
    for t in sorted(terms, reverse=True):
        running, carry = running + t, carry + 1
        if running >= Decimal("0.9") * total:
            break
    flat = [i for i, z in enumerate(zs) if abs(z) > 10]
    wrong = [i for i in flat if int(zs[i] >= 0) != int(y[i])]
    said = [m.value for m in at.info if m.value.startswith("Most of this gradient comes from a few samples")]
    assert said and f"{carry} of the {n} carry 90 %" in said[0], (carry, said)
    assert f"{len(flat)} samples have |z| > 10" in said[0] and f"gets {len(wrong)} of them wrong" in said[0]
    assert carry <= n // 4 and len(flat) == 52


def test_a_learning_rate_too_small_to_move_a_weight_is_named_as_such():
    """`lr=1e-320&epoch=50` said "the sigmoid is saturated"; α·∂C/∂w rounds to nothing, which the page now says."""
    from perceptron.engine.backprop import gradients

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lr"], at.query_params["epoch"] = "1e-320", "50"
    at.switch_page("pages/4_Gradient_descent.py")
    ok(at.run())
    lab = at.session_state["lab"]
    X, y, *_ = lab.design()
    w, b = lab.params(0)
    dw, db = gradients(X, y, w, b, "mse")
    assert all(float(v) - 1e-320 * float(g) == float(v) for v, g in zip([*w, b], [*dw, db], strict=True))
    said = " ".join(m.value for m in [*at.warning, *at.info, *at.error])
    assert "so small that α times the gradient" in said and "saturated" not in said, said


@pytest.mark.parametrize("dataset", ["blobs", "overlap", "xor"])
def test_the_lessons_learning_rate_answer_is_what_the_engine_does(dataset):
    """The landscape step's answer, recomputed: full batch from the lab's start, 60 epochs at each rate of the grid,
    the first rate at which the cost goes up (in plain Python floats here, not the engine's numpy)."""
    from perceptron.session.lab import Lab
    from perceptron.session.settings import Settings
    from perceptron.views.lesson import STEPS

    lab = Lab.from_settings(Settings(dataset=dataset))
    X, y, *_ = lab.design()
    w0, b0 = lab.initial_params()

    def costs(a):
        w, b, out = [float(v) for v in w0], float(b0), []
        for _ in range(61):
            p = [1 / (1 + math.exp(-(sum(wj * xj for wj, xj in zip(w, x, strict=True)) + b))) for x in X.tolist()]
            out.append(sum((float(t) - q) ** 2 for t, q in zip(y, p, strict=True)) / len(p))
            d = [-2 / len(p) * (float(t) - q) * q * (1 - q) for t, q in zip(y, p, strict=True)]
            w = [wj - a * sum(di * x[j] for di, x in zip(d, X.tolist(), strict=True)) for j, wj in enumerate(w)]
            b -= a * sum(d)
        return out

    def rises(c):
        return [k for k in range(1, len(c)) if c[k] > c[k - 1] * (1 + 1e-9)]

    first = next((a for a in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if rises(costs(a))), None)
    step = next(s for s in STEPS if s.page == "landscape")
    right, why = step.answer(lab)
    assert right == (0 if first is not None else 1), (first, why)
    if first is not None:
        assert why.startswith(f"Yes: with α = {first:g},"), why
