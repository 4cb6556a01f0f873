"""Teaching truth, round 3 (issue 22), the second half: the cost that underflowed while its gradient did not, the
finite-difference verdict beside it, an exact zero printed as rounding noise, a product that underflowed, the
chart note's printing, the rising-cost warning, and Rosenblatt's rule on the Backpropagation page. Each test
recomputes its number independently: in 500-digit decimals (the standard library's), never with the engine's
own formulas."""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest
import streamlit.config
from apptest import app, ok

streamlit.config.set_option("client.showErrorDetails", "full")
ROOT = Path(__file__).resolve().parents[1]
DIGITS = 500  # enough that 1 − σ(z) keeps its digits at |z| ≈ 900 without rewriting it as σ(−z)


def exact_z(x, w, b) -> Decimal:
    """z = x·w + b of the float inputs, exactly (each float is a dyadic rational)."""
    return sum((Decimal(float(a)) * Decimal(float(c)) for a, c in zip(x, w, strict=True)), Decimal(float(b)))


def exact_costs(X, y, w, b) -> tuple[Decimal, Decimal]:
    """MSE (1/n)Σ(y − σ(z))² and cross-entropy −(1/n)Σ[y log σ(z) + (1 − y) log(1 − σ(z))], straight from their
    definitions, in 500-digit decimals."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        mse = bce = Decimal(0)
        for x, t in zip(X.tolist(), y.tolist(), strict=True):
            p = 1 / (1 + (-exact_z(x, w, b)).exp())
            mse += (Decimal(int(t)) - p) ** 2
            bce -= (p.ln() if t == 1 else (1 - p).ln())
        return +(mse / len(y)), +(bce / len(y))


def exact_gradient(X, y, w, b) -> list[Decimal]:
    """MSE's ∂C/∂w_j and ∂C/∂b from the definition: (1/n)Σ −2(y − σ)σ(1 − σ)·(x_j, 1), in 500-digit decimals."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        g = [Decimal(0)] * (len(w) + 1)
        for x, t in zip(X.tolist(), y.tolist(), strict=True):
            p = 1 / (1 + (-exact_z(x, w, b)).exp())
            d = -2 * (Decimal(int(t)) - p) * p * (1 - p) / len(y)
            for j, v in enumerate([*x, 1.0]):
                g[j] += d * Decimal(float(v))
        return [+v for v in g]


def close(value: float, exact: Decimal, rel: str = "1e-12") -> bool:
    return abs(Decimal(value) - exact) <= abs(exact) * Decimal(rel)


def blobs_lab(**extra):
    from perceptron.session.lab import Lab
    from perceptron.session.settings import Settings

    return Lab.from_settings(Settings(dataset="blobs", lr=900, epoch=5, **extra))


# --- 1. the cost underflowed while the gradient did not -----------------------------------------------------------


@pytest.mark.parametrize("mode", ["batch", "minibatch", "sample"])
def test_the_cost_keeps_the_digits_the_gradient_keeps(mode):
    """`?dataset=blobs&lr=900&epoch=5`: the cost read 6.7049×10⁻²⁶⁴ (1 − ŷ of the class-1 samples lost to rounding);
    the definition gives 1.384×10⁻¹⁸³. The record, the chain-rule ledger and both costs now agree with it."""
    from perceptron.engine.backprop import chain_rule, cost_at

    lab = blobs_lab(mode=mode)
    X, y, *_ = lab.design()
    w, b = lab.params()
    mse, bce = exact_costs(X, y, w, b)
    assert float(lab.history.cost[lab.epoch]) > 0
    assert close(float(lab.history.cost[lab.epoch]), mse), (lab.history.cost[lab.epoch], mse)
    assert close(chain_rule(X, y, w, b, "mse").cost, mse) and close(cost_at(X, y, w, b, "mse"), mse)
    assert close(cost_at(X, y, w, b, "bce"), bce), (cost_at(X, y, w, b, "bce"), bce)
    if mode == "batch":  # the issue's numbers
        assert f"{float(mse):.4g}" == "1.384e-183" and f"{float(bce):.4g}" == "4.159e-93"


def test_the_finite_difference_of_the_issue_agrees_with_the_definition():
    """The check read −7.37×10⁻²⁶⁴ against −1.947×10⁻¹⁸³ and called the relative error 0. Its finite difference now
    agrees with the 500-digit gradient, and the relative error is the one recomputed here."""
    from perceptron.engine.backprop import gradient_check

    lab = blobs_lab()
    X, y, *_ = lab.design()
    w, b = lab.params()
    check = gradient_check(X, y, w, b, "mse")
    exact = exact_gradient(X, y, w, b)
    assert f"{float(exact[0]):.4g}" == "-1.947e-183"
    for got, want in zip(check["numeric"], exact, strict=True):
        assert close(float(got), want, "1e-6"), (got, want)
    for got, want in zip(check["analytic"], exact, strict=True):
        assert close(float(got), want, "1e-12"), (got, want)
    with localcontext() as ctx:
        ctx.prec = 60
        g, ng = [Decimal(float(v)) for v in check["analytic"]], [Decimal(float(v)) for v in check["numeric"]]
        norm = lambda v: sum(a * a for a in v).sqrt()  # noqa: E731 (exact squares: no underflow in decimals)
        rel = norm([a - c for a, c in zip(g, ng, strict=True)]) / (norm(g) + norm(ng))
    assert 0 < check["rel_error"] and close(check["rel_error"], rel, "1e-9"), (check["rel_error"], rel)


def test_the_relative_error_of_two_numbers_80_orders_apart_is_not_zero():
    """The issue's old pair, −1.947×10⁻¹⁸³ by the chain rule and −7.37×10⁻²⁶⁴ by the finite difference: their
    relative error is 1 to 80 digits, and the verdict says they differ (the finite difference's uncertainty there,
    about 10⁻²⁶³, is far below the gradient)."""
    from perceptron.engine.backprop import scaled_norm
    from perceptron.text.teaching import fd_check

    g, ng = np.array([-1.947e-183, -1.108e-183, -2.767e-183]), np.array([-7.37e-264, -9.0e-264, 1.34e-263])
    assert math.isclose(scaled_norm(g), math.sqrt(sum((v * 1e183) ** 2 for v in g)) * 1e-183, rel_tol=1e-15)
    rel = scaled_norm(g - ng) / (scaled_norm(g) + scaled_norm(ng))
    assert math.isclose(rel, 1.0, rel_tol=1e-15)
    # the curvature's error, as gradient_check estimates it, is of the size of such costs: far below the gradient
    said = fd_check({"analytic": g, "numeric": ng, "rel_error": rel, "truncation": 1e-263}, 6.7049e-264)
    assert "Relative error: **1**" in said and "They differ" in said and "agree" not in said, said


def test_a_cost_that_underflowed_cannot_resolve_its_gradient():
    """One sample x = 10¹⁰ with label 1 at z = 362: its loss σ(−362)² = e⁻⁷²⁴ ≈ 2.4×10⁻³¹⁵ is below the smallest normal
    float (subnormal), its gradient ≈ −4.8×10⁻³⁰⁵ is not. The check says the finite difference cannot resolve it,
    whatever it reads, and never that they agree."""
    from perceptron.engine.backprop import chain_rule, gradient_check
    from perceptron.text.teaching import fd_check

    X, y, w, b = np.array([[1e10]]), np.array([1]), np.array([362e-10]), 0.0
    L = chain_rule(X, y, w, b, "mse")
    exact = exact_gradient(X, y, w, b)
    mse, _ = exact_costs(X, y, w, b)
    assert mse < Decimal(np.finfo(float).tiny) and abs(exact[0]) > Decimal(np.finfo(float).tiny)
    assert close(float(L.dw[0]), exact[0], "1e-8")  # its ∂C/∂z ≈ 7×10⁻³¹⁵ is subnormal itself: 9 digits left
    said = fd_check(gradient_check(X, y, w, b, "mse"), L.cost)
    assert "cannot resolve this gradient" in said and "agree" not in said, said
    assert "below the smallest normal number the computer stores (2.225×10⁻³⁰⁸)" in said


def test_the_backpropagation_page_prints_the_true_cost_and_an_honest_check():
    at = app("pages/3_Backpropagation.py", {"dataset": "blobs", "lr": "900", "epoch": "5"})
    lab = at.session_state["lab"]
    X, y, *_ = lab.design()
    mse, _ = exact_costs(X, y, *lab.params())
    lines = [e.value for e in at.latex]
    printed = f"{float(mse):.4g}".split("e")
    assert any(rf"&= {printed[0]} \times 10^{{{int(printed[1])}}}" in t and r"\hat y_i)^2" in t for t in lines), lines
    said = next(m.value for m in at.markdown if m.value.startswith("Finite difference"))
    assert "Relative error: **0**" not in said and "**They agree.**" in said, said


# --- 2. an exact zero printed as rounding noise --------------------------------------------------------------------

ISSUE_POINTS = {"dataset": "custom", "pts": "AAAAPwAAoL8BAAAAQAAAQD8AAADAvwAAAL8B", "init": "manual", "w1": "0.3",
                "w2": "-0.7", "b": "0.1"}  # (0.5, −1.25, 1), (2, 0.75, 0), (−1.5, −0.5, 1)


def test_the_points_of_the_issue_are_in_the_link():
    from perceptron.session.settings import decode_points

    X, y, _ = decode_points(ISSUE_POINTS["pts"])
    assert X.tolist() == [[0.5, -1.25], [2.0, 0.75], [-1.5, -0.5]] and y.tolist() == [1, 0, 1]


def test_an_exact_zero_is_printed_as_zero_and_the_class_rule_speaks():
    """Sample #2: (−1.5)(0.3) + (−0.5)(−0.7) + 0.1 is exactly 0 for these floats (checked here in exact decimals), the
    computer's sum 2.776×10⁻¹⁷. The worked lines print z = 0 and ŷ = σ(0) = 0.5, and the verdict is the tie's."""
    from perceptron.text.teaching import prediction, side_of_half
    from perceptron.text.worked import exact_z
    from perceptron.views.latex import forward_steps

    x, w, b = [-1.5, -0.5], [0.3, -0.7], 0.1
    assert exact_z_decimal(x, w, b) == 0 and float(np.array(x) @ np.array(w) + b) == 2.7755575615628914e-17
    assert exact_z(x, w, b) == 0.0
    weighted, bias, squash = forward_steps(x, w, b)
    assert bias == r"z = x \cdot w + b = -0.1 + 0.1 = 0", bias
    assert squash.endswith("= 0.5") and "2.776" not in squash, squash
    assert "(z = 0 \\ge 0)" in forward_steps(x, w, b, step=True)[2]
    said = prediction(exact_z(x, w, b), 0.5, 1)
    assert "z = 0 exactly" in said and "class 1" in said and "positive" not in said, said
    noise = side_of_half(2.7755575615628914e-17, 0.5)  # a page that still passes the computer's sum
    assert "ŷ = 0.5 is above" not in noise and "prints as 0.5 to 4 digits" in noise, noise


@pytest.mark.parametrize("seed", range(40))
def test_exact_z_is_the_correctly_rounded_sum_of_the_printed_terms(seed):
    """On random floats with the cancellations of hand-made points (short decimals that cancel), exact_z is the
    exact decimal sum rounded once."""
    from perceptron.text.worked import exact_z

    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(-3, 3, 3), 2)
    w = np.round(rng.uniform(-1, 1, 3), 1)
    b = -float(np.round(x[:2] @ w[:2], 3))
    x[2], w[2] = 0.0, 0.0
    want = exact_z_decimal(x, w, b)
    assert exact_z(x, w, b) == float(want), (x, w, b, want)


def exact_z_decimal(x, w, b) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 2000  # the exact product of two doubles has at most ~770 significant digits
        return sum((Decimal(float(a)) * Decimal(float(c)) for a, c in zip(x, w, strict=True)), Decimal(float(b)))


def test_the_forward_page_prints_z_as_zero_for_the_issues_sample():
    at = app("pages/2_Forward_propagation.py", ISSUE_POINTS)
    at.selectbox(key="fwd_sample_0").set_value(2)
    ok(at.run())
    lines = [e.value for e in at.latex]
    assert any(r"&= -0.1 + 0.1 \\ &= 0 \end{aligned}" in t for t in lines), lines
    assert not any("2.776" in t for t in lines), lines
    verdicts = [m.value for m in at.markdown if m.value.startswith("ŷ ")]
    assert verdicts and "because z = 0 exactly" in verdicts[0] and "class 1" in verdicts[0], verdicts


def test_the_lessons_bias_and_activation_steps_say_z_is_zero_for_the_issues_sample():
    """The guided lesson on the same sample: its bias line adds up to z = 0 and its answer is the tie's (class 1 by
    z ≥ 0), never the computer's 2.776×10⁻¹⁷ called positive."""
    from perceptron.session.lab import Lab
    from perceptron.session.settings import Settings
    from perceptron.views.lesson import STEPS

    settings, problems = Settings.from_query(ISSUE_POINTS)
    assert not problems, problems
    lab = Lab.from_settings(settings, ISSUE_POINTS["pts"])
    lab.sample = 2
    bias = next(s for s in STEPS if s.title == "The bias").say(lab)
    assert "= 0$" in bias and "2.776" not in bias, bias
    activation = next(s for s in STEPS if s.title == "The activation")
    right, why = activation.answer(lab)
    _, choices = activation.question.asked(lab)
    assert choices[right].startswith("exactly 0.5") and "2.776" not in why and "positive" not in why, (choices, why)


# --- 3. a product that underflowed, printed "= 0" -----------------------------------------------------------------


def exact_dC_dz(x, t, w, b, n) -> Decimal:
    """MSE's ∂C/∂z_i = −(2/n)(y − σ)σ(1 − σ) from the definition, in 500-digit decimals."""
    with localcontext() as ctx:
        ctx.prec = DIGITS
        p = 1 / (1 + (-exact_z(x, w, b)).exp())
        return +(-2 * (Decimal(int(t)) - p) * p * (1 - p) / n)


def sci(v: Decimal, digits: int = 4) -> str:
    """A decimal as the pages write it: 4 (or ``digits``) significant digits, "m \\times 10^{k}"."""
    m, k = f"{v:.{digits - 1}e}".split("e")
    return rf"{float(m):g} \times 10^{{{int(k)}}}"


def test_a_product_that_underflowed_is_approximately_its_true_value():
    """lr = 900, row #1: ∂C/∂ŷ = 2.856×10⁻²⁵⁴ times ∂ŷ/∂z = 1.142×10⁻²⁵² was printed "= 0" under "every product holds
    as printed"; its value is about 3.26×10⁻⁵⁰⁶, which no float holds. The worked line says ≈ and the value (from
    the definition here), the table "≈", and neither prints an "= 0" for it."""
    from perceptron.engine.backprop import chain_rule
    from perceptron.views.latex import backward_steps
    from perceptron.views.ledger_table import ledger_table, underflowed

    lab = blobs_lab()
    X, y, *_ = lab.design()
    w, b = lab.params()
    L = chain_rule(X, y, w, b, "mse")
    exact = exact_dC_dz(X[1].tolist(), y[1], w, b, len(y))
    assert L.dC_dz[1] == 0 and Decimal("1e-507") < exact < Decimal("1e-505")
    lines = backward_steps(L, 1, y[1], "mse")
    assert rf"\approx {sci(exact)}" in lines[2] and "stored as } 0" in lines[2], (lines[2], sci(exact))
    for j in range(2):
        want = sci(exact * Decimal(float(X[1, j])))
        assert rf"\approx {want}" in lines[3 + j], (lines[3 + j], want)
    assert not any(line.endswith("= 0") for line in lines), lines
    table = ledger_table(L, y)
    assert table.loc["#1", "∂C/∂z"] == "≈ 0" and table.loc["#1", "∂C/∂w1 contribution"] == "≈ 0"
    assert table.loc["#0", "∂C/∂z"].startswith("8.466")  # a normal product keeps its "="
    lost_c, _ = underflowed(L)
    with localcontext() as ctx:  # every sample whose exact ∂C/∂z is below the smallest normal float, and only those
        ctx.prec = DIGITS
        below = [abs(exact_dC_dz(X[i].tolist(), y[i], w, b, len(y))) < Decimal(np.finfo(float).tiny)
                 for i in range(len(y))]
    assert lost_c.tolist() == below


def test_the_backpropagation_caption_says_what_underflowed():
    at = app("pages/3_Backpropagation.py", {"dataset": "blobs", "lr": "900", "epoch": "5"})
    lab = at.session_state["lab"]
    X, y, *_ = lab.design()
    w, b = lab.params()
    n = len(y)
    with localcontext() as ctx:
        ctx.prec = DIGITS
        lost = [i for i in range(n) if abs(exact_dC_dz(X[i].tolist(), y[i], w, b, n)) < Decimal(np.finfo(float).tiny)]
    said = next(c.value for c in at.caption if c.value.startswith("Every product and sum"))
    assert f"{len(lost)} ∂C/∂z and {2 * len(lost)} contributions are products" in said, said
    assert "The true value is not 0 (sample #1: 2.856×10⁻²⁵⁴ · 1.142×10⁻²⁵² ≈ 3.26×10⁻⁵⁰⁶, stored as 0)" in said


# --- 4. the chart note and the update lines -----------------------------------------------------------------------


def test_the_chart_note_prints_the_cost_as_the_page_does():
    """The note above the descent figure printed "6.705e-264" where the page writes ×10⁻²⁶⁴; it now prints the cost
    (the true 1.384×10⁻¹⁸³, from the definition here) in the page's form."""
    from perceptron.views.scenes import descent_spec

    lab = blobs_lab()
    X, y, *_ = lab.design()
    mse, _ = exact_costs(X, y, *lab.params())
    m, k = f"{float(mse):.3e}".split("e")
    want = f"{float(m):g}×10{str(int(k)).translate(str.maketrans('-0123456789', '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'))}"
    note = next(a["text"] for a in descent_spec(lab)["layout"]["annotations"] if a["text"].startswith("epoch "))
    assert f"epoch 5 · cost {want} · train accuracy" in note and "e-" not in note, (note, want)


def test_the_update_lines_say_which_map_a_weight_belongs_to():
    """With the feature maps x₁² and x₁x₂ the update lines named w₃ and w₄ only; each now says the input it
    multiplies, and the update's numbers are those of w − α∂C/∂w recomputed here."""
    from perceptron.engine.backprop import gradients

    at = app("pages/4_Gradient_descent.py", {"dataset": "circles", "maps": "x1^2,x1*x2", "epoch": "3"})
    lab = at.session_state["lab"]
    assert lab.settings.maps == ("x1^2", "x1*x2"), lab.settings.maps
    update = next(t.value for t in at.latex if r"w_3 &\leftarrow" in t.value)
    assert r"w_3 &\leftarrow w_3" in update and r"(\text{the weight of } x_1^2)" in update, update
    assert r"(\text{the weight of } x_1 x_2)" in update or r"(\text{the weight of } x_1x_2)" in update, update
    assert r"\text{the weight of } x_1)" not in update and r"\text{the weight of } x_2)" not in update
    X, y, *_ = lab.design()
    w0, b0 = lab.params(2)
    dw, _ = gradients(X, y, w0, b0, lab.settings.loss)
    assert math.isclose(w0[2] - lab.settings.lr * dw[2], lab.params(3)[0][2], rel_tol=1e-12)


# --- 5. the rising-cost warning -----------------------------------------------------------------------------------


def costs_by_definition(lab) -> list[float]:
    """The cross-entropy at every recorded epoch's weights, from its definition (60-digit decimals)."""
    X, y, *_ = lab.design()
    out = []
    with localcontext() as ctx:
        ctx.prec = 60
        for k in range(lab.history.epochs + 1):
            w, b = lab.params(k)
            total = Decimal(0)
            for x, t in zip(X.tolist(), y.tolist(), strict=True):
                p = 1 / (1 + (-exact_z(x, w, b)).exp())
                total -= p.ln() if t == 1 else (1 - p).ln()
            out.append(float(total / len(y)))
    return out


@pytest.mark.parametrize("mode", ["minibatch", "sample"])
def test_the_rising_cost_warning_counts_the_rises_and_cites_the_last(mode):
    """The issue's link (moons, mini-batches of 7, α = 2.5, epoch 25): the warning cited the first rise (epoch 2)
    while the cost rose 11 times, the epoch on screen included, and promised that a smaller rate descends steadily,
    which mini-batches do not. Here the rises are recounted from costs computed by definition."""
    from perceptron.session.lab import Lab
    from perceptron.session.settings import Settings

    lab = Lab.from_settings(Settings(dataset="moons", noise=0.3, seed=11, loss="bce", mode=mode, batch_size=7, lr=2.5,
                                     epoch=25))
    cost = costs_by_definition(lab)
    rises = [k for k in range(1, len(cost)) if cost[k] > cost[k - 1] * (1 + 1e-9)]
    assert len(rises) > 1, rises
    said = lab.notice
    assert f"The cost went up {len(rises)} times in these 25 epochs" in said, (rises, said)
    last = rises[-1]
    assert f"the last at epoch {last} (from " in said and ("the epoch on screen" in said) == (last == 25), said
    m = re.search(r"the last at epoch \d+ \(from ([\d.]+) to ([\d.]+)", said)
    assert m and math.isclose(float(m.group(1)), cost[last - 1], rel_tol=1e-3)
    assert math.isclose(float(m.group(2)), cost[last], rel_tol=1e-3)
    assert "descends steadily" not in said and "at any learning rate" in said, said
    if mode == "minibatch":
        assert len(rises) == 11 and last == 25  # the issue's count


def test_the_full_batch_warning_names_its_one_rise_and_says_what_is_guaranteed():
    from perceptron.session.lab import Lab
    from perceptron.session.settings import Settings

    lab = Lab.from_settings(Settings(dataset="overlap", lr=1000.0, loss="bce"))
    lab.step(5)
    cost = costs_by_definition(lab)
    rises = [k for k in range(1, len(cost)) if cost[k] > cost[k - 1] * (1 + 1e-9)]
    assert rises == [1], cost
    assert lab.notice.startswith("The cost went up at epoch 1 (from 0.705 to 17.61)"), lab.notice
    assert "goes down every epoch once the learning rate is small enough, and 1000 is not" in lab.notice


# --- 6. Rosenblatt's rule on the Backpropagation page, and its stop rules -----------------------------------------


@pytest.mark.parametrize("epoch", ["0", "1"])
def test_the_backpropagation_page_says_what_rosenblatts_rule_updates_with(epoch):
    """`?dataset=or&mode=rosenblatt&lr=1`: the page showed the MSE chain rule as "the gradient". It now says the rule
    does not use it, and what the rule would do with the chosen sample, recomputed here: z exactly, step(z), and
    α(y − ŷ)x."""
    at = app("pages/3_Backpropagation.py", {"dataset": "or", "mode": "rosenblatt", "lr": "1", "epoch": epoch})
    lab = at.session_state["lab"]
    X, y, *_ = lab.design()
    w, b = lab.params()
    i = lab.sample
    z = exact_z(X[i].tolist(), w, b)
    error = int(y[i]) - int(z >= 0)
    said = next(m.value for m in at.info if "Rosenblatt's perceptron rule, which does not use this gradient" in m.value)
    assert f"ŷ = step(z) = {int(z >= 0)}" in said, said
    if error:
        from perceptron.text.worked import text

        change = ", ".join(text(float(Decimal(float(v)) * error)) for v in X[i])
        assert f"would add α·(y − ŷ)·x = ({change}) to w and {text(float(error))} to b" in said, (change, said)
    else:
        assert "leaves the weights as they are" in said, said
    assert "gradient descent would use" in said
    assert any("gradient descent's, not Rosenblatt's rule's" in s.value for s in at.subheader)


@pytest.mark.parametrize("mode", ["rosenblatt", "batch"])
def test_the_stop_rules_offered_are_those_the_mode_has(mode):
    """Rosenblatt's run takes no cost or gradient threshold (the engine's rosenblatt() has none); the sidebar offered
    them. It now offers the epoch limit and says how the rule stops; gradient descent keeps all three."""
    import inspect

    from perceptron.engine.training import rosenblatt

    assert not {"tol_cost", "tol_grad"} & set(inspect.signature(rosenblatt).parameters)
    at = app("pages/4_Gradient_descent.py", {"dataset": "or", "mode": mode})
    keys = {n.key for n in at.number_input}
    assert "setting_max_epochs" in keys
    thresholds = {"setting_tol_cost", "setting_tol_grad"} & keys
    said = [c.value for c in at.caption if c.value.startswith("Rosenblatt's rule stops by itself")]
    assert (thresholds, bool(said)) == ((set(), True) if mode == "rosenblatt" else
                                        ({"setting_tol_cost", "setting_tol_grad"}, False))


# --- 7. leftovers: the slip's z, σ that never prints 1, the hidden layer's check, the handout's map names ----------


def test_the_index_slip_prints_the_z_its_terms_add_up_to():
    """The "Three slips" expander on the issue's sample #2 printed z₂ ≈ 2.776×10⁻¹⁷; the exact sum of its printed
    terms (decimals here) is 0, and the wrong sum with b inside is exactly 0.1."""
    from perceptron.views.slips import indices

    x, w, b = [-1.5, -0.5], [0.3, -0.7], 0.1
    assert exact_z_decimal(x, w, b) == 0
    wrong_sum = exact_z_decimal(x, w, b) + Decimal(float(b))  # Σ_j (x_j w_j + b) = z + b for d = 2, exactly
    lines = [item for kind, item in indices(x, w, b, 2) if kind == "latex"]
    assert lines[0].endswith(r"+ 0.1 = 0") and "2.776" not in lines[0], lines[0]
    assert lines[1].split(r" \quad")[0].endswith(f"= {float(wrong_sum):g}"), lines[1]


def test_the_slip_expander_on_the_page_prints_zero_for_the_issues_sample():
    at = app("pages/3_Backpropagation.py", ISSUE_POINTS)
    at.selectbox(key="bp_sample_0").set_value(2)
    ok(at.run())
    slip = [e.value for e in at.latex if r"\sum_j x_{2j} w_j + b" in e.value]
    assert slip and slip[0].strip("$\n").endswith(r"&= 0 \end{aligned}") and "2.776" not in slip[0], slip


SATURATED = {"dataset": "blobs", "init": "manual", "w1": "45", "w2": "-38", "b": "14"}


def sigma_decimal(z) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = DIGITS
        return 1 / (1 + (-Decimal(float(z))).exp())


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_sigma_never_prints_as_one_in_the_ledger(loss):
    """`?dataset=blobs&init=manual&w1=45&w2=-38&b=14`: the table's ŷ column printed 1 for 44 of 80 samples and the
    ∂ŷ/∂z line "1 · 2.146×10⁻¹⁹". Each ŷ cell is now its value (500-digit σ of the printed z) to the digits printed,
    "1 − g" where it would read 1, with g = 1 − σ(z) printed as the exact one rounds; no factor prints as 1."""
    from perceptron.engine.backprop import chain_rule
    from perceptron.session.lab import Lab
    from perceptron.session.settings import Settings
    from perceptron.views.latex import backward_digits, backward_steps
    from perceptron.views.ledger_table import ledger_table

    settings, problems = Settings.from_query(SATURATED)
    assert not problems
    lab = Lab.from_settings(settings)
    X, y, *_ = lab.design()
    w, b = lab.params()
    L = chain_rule(X, y, w, b, loss)
    table = ledger_table(L, y)
    ones = 0
    for k in range(L.n):
        cell, zcell = table.iloc[k]["ŷ"], table.iloc[k]["z"]
        assert cell != "1", (k, cell)
        exact = sigma_decimal(exact_z(X[k], w, b))
        printed_z = sigma_decimal(number(zcell))  # σ of z as printed gives ŷ as printed
        if cell.startswith("1 − "):
            ones += 1
            g = cell.removeprefix("1 − ")
            assert sci_text(1 - exact) == g == sci_text(1 - printed_z), (k, cell, zcell)
        else:
            assert sci_text(exact) == cell == sci_text(printed_z), (k, cell, zcell)
    assert ones >= 40
    i = int(np.argmax(L.z))
    slope = backward_steps(L, i, y[i], loss)[1]
    g = 1 - sigma_decimal(exact_z(X[i], w, b))
    # σ′ is printed with the digits the next line multiplies it with (4 or more), its factor with at least as many
    k = backward_digits(L, i, y[i], loss)[1] or 4
    assert any(rf"= (1 - {sci(g, m)}) \cdot {sci(g, m)} = {sci(g * (1 - g), k)}" in slope for m in range(k, 9)), slope
    assert r"= 1 \cdot" not in slope


def number(s: str) -> float:
    s = s.replace("−", "-")
    m = re.fullmatch(r"(-?[0-9.]+)×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", s)
    if m:
        return float(f"{m.group(1)}e{m.group(2).translate(str.maketrans('⁻⁰¹²³⁴⁵⁶⁷⁸⁹', '-0123456789'))}")
    return float(s)


def sci_text(v: Decimal) -> str:
    """A decimal as a table cell prints it: 4 significant digits, plain below 10⁻³ ≤ |v| < 10³, else m×10ᵏ."""
    if Decimal("1e-3") <= abs(v) < 1000:
        return f"{float(v):.4g}".replace("-", "−")
    m, k = f"{v:.3e}".split("e")
    return f"{float(m):g}×10{str(int(k)).translate(str.maketrans('-0123456789', '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'))}".replace("-", "−")


def test_a_slope_below_the_floats_is_its_exponent():
    """z = 750: σ′(z) = e⁻⁷⁵⁰/(1 + e⁻⁷⁵⁰)² is stored as 0; the line says ≈ e^{−750} ≈ 1.902×10⁻³²⁶ (500 digits here)."""
    from perceptron.views.latex import slope_line

    with localcontext() as ctx:
        ctx.prec = 50
        e = (-Decimal(750)).exp()
        true = e / (1 + e) ** 2
    line = slope_line("S", 750.0, 0.0)
    assert rf"\approx {sci(true)}" in line and "stored as } 0" in line and "= 0" not in line, line


def exact_relative_error(g, ng) -> Decimal:
    """‖g − g̃‖ / (‖g‖ + ‖g̃‖) of two float vectors, in 60-digit decimals (no square underflows there)."""
    with localcontext() as ctx:
        ctx.prec = 60
        a, c = [Decimal(float(v)) for v in g], [Decimal(float(v)) for v in ng]
        norm = lambda v: sum(t * t for t in v).sqrt()  # noqa: E731
        denom = norm(a) + norm(c)
        return norm([s - t for s, t in zip(a, c, strict=True)]) / denom if denom else Decimal(0)


@pytest.mark.parametrize("label", [0, 1])
def test_the_hidden_layers_check_does_not_read_zero_when_squares_underflow(label):
    """The output unit at z⁽²⁾ ≈ ∓200: the gradient's components are about 10⁻¹⁷², whose squares underflow, and the
    unscaled norm with its 10⁻¹² floor read a relative error of 0 (for label 1 even against a chain rule that
    reads 0 everywhere and finite differences that do not). It is now the one recomputed in decimals."""
    from perceptron.engine import network as net

    X, y = np.array([[1.0, 0.5], [0.3, -1.0]]), np.array([label, label])
    s = 1.0 if label else -1.0
    p = net.Params(np.array([[0.1, 0.2], [0.3, -0.1]]), np.array([0.0, 0.1]), s * np.array([150.0, 150.0]), s * 50.0)
    check = net.gradient_check(X, y, p, "mse")
    g, ng = check["analytic"], check["numeric"]
    assert 0 < float(np.max(np.abs(ng))) < 1e-154 and float(np.dot(ng, ng)) == 0  # squares underflow here
    want = exact_relative_error(g, ng)
    assert want > 0 and close(check["rel_error"], want, "1e-9"), (check["rel_error"], want)


def test_the_handout_says_which_map_a_weight_belongs_to():
    """The printable handout's update lines named w₃, w₄ alone; with the maps x₁², x₁x₂ each says the input it
    multiplies, and w₃'s new value is w₃ − α∂C/∂w₃ with the gradient from the definition (500-digit decimals)."""
    from perceptron.engine.backprop import chain_rule
    from perceptron.session.lab import Lab
    from perceptron.session.settings import Settings
    from perceptron.views.handout import handout_html

    settings, problems = Settings.from_query({"dataset": "circles", "maps": "x1^2,x1*x2", "epoch": "3", "loss": "mse"})
    assert not problems
    lab = Lab.from_settings(settings)
    X, y, *_ = lab.design()
    w, b = lab.params()
    lr = lab.settings.lr
    page = handout_html("t", "a", X[0], y[0], w, b, chain_rule(X, y, w, b, "mse"), 0, "mse", lr, lab.features.names)
    lines = page[page.index("One full-batch update"):].split('<div class="line">')[1:]
    w3, w4 = lines[2], lines[3]
    weight_of = "<mtext>the&#x000A0;weight&#x000A0;of&#x000A0;</mtext>"
    assert weight_of + "<msubsup><mi>x</mi><mn>1</mn><mn>2</mn></msubsup>" in w3, w3
    assert weight_of + "<msub><mi>x</mi><mn>1</mn></msub><msub><mi>x</mi><mn>2</mn></msub>" in w4, w4
    assert weight_of not in lines[0] + lines[1] + lines[4]
    new_w3 = Decimal(float(w[2])) - Decimal(float(lr)) * exact_gradient(X, y, w, b)[2]
    assert f"<mo>&#x0003D;</mo><mn>{float(new_w3):.4g}</mn><mspace" in w3, (w3, new_w3)
