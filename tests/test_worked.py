"""The printing rule for worked arithmetic (perceptron/text/worked.py): a line written with "="
holds for the numbers as printed, checked here with Python's own decimal arithmetic on the
printed strings (an independent reading, not the module's ``value_of``)."""

from __future__ import annotations

import math
import re
from decimal import Decimal, getcontext

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from perceptron.text.worked import equation, num

getcontext().prec = 60


def decimal_of(s: str) -> Decimal:
    s = s.strip().strip("()")
    m = re.fullmatch(r"(-?[0-9.]+) \\times 10\^\{(-?\d+)\}", s)
    return Decimal(m.group(1)) * Decimal(10) ** int(m.group(2)) if m else Decimal(s)


def rounds_to(exact: Decimal, printed: str) -> bool:
    """``printed`` is ``exact`` at the significant digits it shows (half a unit in its last place)."""
    p = decimal_of(printed)
    if p == 0:
        return exact == 0
    digits = len(re.sub(r"[^0-9]", "", printed.split(r"\times")[0]).lstrip("0")) or 1
    if r"\times" not in printed and "." not in printed:  # a whole number: its last digit is the units
        ulp = Decimal(1)
    else:
        ulp = Decimal(10) ** (p.copy_abs().adjusted() - digits + 1)
    return abs(exact - p) <= ulp / 2


SUM = "@0 + @1 @eq @r"
UPDATE = r"@0 - @1 \cdot @2p @eq @r"
PRODUCT = r"@0p \cdot @1p @eq @r"


def parts(line: str, sep: str) -> tuple[list[str], str, str]:
    lhs, rel, rhs = re.split(r" (=|\\approx) ", line)
    return [t.strip() for t in re.split(sep, lhs)], rel, rhs.strip()


def test_the_issue_s_examples_add_up_as_printed():
    # Forward page, default link: 0.008042 + 0.3202 printed "= 0.3283" (the printed numbers give 0.3282)
    a, b = 0.0080419, 0.32024
    ops, rel, r = parts(equation(SUM, lambda a, b: a + b, [a, b], a + b), r" \+ ")
    assert rel == "=" and r == num(a + b) == "0.3283"
    assert rounds_to(decimal_of(ops[0]) + decimal_of(ops[1]), r)
    # Gradient descent after one Step: -0.06605 - 0.5 · (-0.2404) printed "= 0.05416"
    w, lr, g = -0.066049, 0.5, -0.24042
    line = equation(UPDATE, lambda w, lr, g: w - lr * g, [w, lr, g], w - lr * g)
    m = re.fullmatch(r"(\S+) - (\S+) \\cdot \((\S+)\) = (\S+)", line)
    assert m, line
    assert rounds_to(decimal_of(m[1]) - decimal_of(m[2]) * decimal_of(m[3]), m[4])
    # Hidden layer: 0.03369 · 0.2334 · 0.4686 printed "= 0.003684"
    x = [0.0336894, 0.233447, 0.468579]
    line = equation(r"@0 \cdot @1 \cdot @2 @eq @r", lambda a, b, c: a * b * c, x, math.prod(x))
    ops, rel, r = parts(line, r" \\cdot ")
    assert rel == "=" and rounds_to(decimal_of(ops[0]) * decimal_of(ops[1]) * decimal_of(ops[2]), r), line


def test_a_saturated_sigmoid_is_never_printed_as_1_times_0():
    """σ(z)(1 − σ(z)) at z = −71: the slope is tiny, not zero, and the line shows why."""
    z = -71.0
    s, one_minus = 1 / (1 + math.exp(-z)), 1 / (1 + math.exp(z))
    line = equation(PRODUCT, lambda a, b: a * b, [s, one_minus], s * one_minus)
    ops, rel, r = parts(line, r" \\cdot ")
    assert "0" not in (ops[0], ops[1], r) and rel == "=", line
    assert rounds_to(decimal_of(ops[0]) * decimal_of(ops[1]), r)


def test_scientific_form_for_small_and_large_never_a_rounded_zero():
    assert num(6.179e-32) == r"6.179 \times 10^{-32}"
    assert num(2.5e7) == r"2.5 \times 10^{7}" and num(-0.000125) == r"-1.25 \times 10^{-4}"
    assert num(12345.6) == "12346" and num(99999.4) == r"1 \times 10^{5}" and "e+" not in num(4.2e12)
    for v in (1e-300, -3e-9, 4.2e-4):
        assert decimal_of(num(v)) != 0


# the magnitudes a page can show: 0, or normal floats well clear of underflow (the engine's values)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-100)


@settings(max_examples=400, deadline=None)
@given(finite, finite, finite)
def test_every_equals_sign_holds_for_the_printed_numbers(w, lr, g):
    exact = w - lr * g
    line = equation(UPDATE, lambda w, lr, g: w - lr * g, [w, lr, g], exact)
    m = re.fullmatch(r"(\S+(?: \\times 10\^\{-?\d+\})?) - (\S+(?: \\times 10\^\{-?\d+\})?) \\cdot "
                     r"(\(?\S+(?: \\times 10\^\{-?\d+\})?\)?) (=|\\approx) (.+)", line)
    assert m, line
    assert m[5] == num(exact)  # the result is the engine's value, as printed everywhere else
    again = decimal_of(m[1]) - decimal_of(m[2]) * decimal_of(m[3])
    if m[4] == "=":
        assert rounds_to(again, m[5]), line


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1e4), st.floats(min_value=1e-6, max_value=1e4))
@example(1.5, 999.9999999999982)  # the sum on a rounding tie: the result gets the digit that settles it
def test_a_sum_of_two_positive_numbers_always_gets_its_equals_sign(a, b):
    """Where the rule can hold (no cancellation), it does: "≈" is only the fallback."""
    line = equation(SUM, lambda a, b: a + b, [a, b], a + b)
    ops, rel, r = parts(line, r" \+ ")
    assert rel == "=", line
    assert rounds_to(decimal_of(ops[0]) + decimal_of(ops[1]), r), line


def test_a_chain_is_stacked_one_relation_per_row_with_the_result_alone():
    from perceptron.views.latex import stacked

    line = r"\frac{\partial C}{\partial w_2}\Big|_i = \frac{\partial C}{\partial z_i} \cdot x = 1.545 \times 10^{-33} \cdot (-0.7632) = -1.179 \times 10^{-33}"
    assert stacked(line) == (r"\begin{aligned} \frac{\partial C}{\partial w_2}\Big|_i &= \frac{\partial C}{\partial z_i} \cdot x"
                             r" \\ &= 1.545 \times 10^{-33} \cdot (-0.7632) \\ &= -1.179 \times 10^{-33} \end{aligned}")
    # relations inside braces or parentheses, and a note after \quad, are not rows of the chain
    noted = r"a = \sum_{i=1}^{n} b_i = 0.5 \approx 0.5 \quad (\text{with } y = 1 - \sigma(z) = \sigma(-z))"
    assert stacked(noted) == (r"\begin{aligned} a &= \sum_{i=1}^{n} b_i \\ &= 0.5 \\ &\approx 0.5 \\ "
                              r"&\quad (\text{with } y = 1 - \sigma(z) = \sigma(-z)) \end{aligned}")
    assert stacked(r"w_1 \leftarrow w_1 - \alpha g = 1 - 0.5 \cdot 2 = 0") == (
        r"\begin{aligned} w_1 &\leftarrow w_1 - \alpha g \\ &= 1 - 0.5 \cdot 2 \\ &= 0 \end{aligned}")
    assert stacked("C = 1") == "C = 1"  # one relation: nothing to stack
    already = r"\begin{aligned} x \cdot w &= a \cdot b \\ &= c = 0.5 \end{aligned}"
    assert stacked(already) == r"\begin{aligned} x \cdot w &= a \cdot b \\ &= c \\ &= 0.5 \end{aligned}"


def test_the_finite_difference_verdict_is_computed_from_its_numbers():
    from perceptron.text.teaching import fd_check, fd_floor

    floor = fd_floor(1.0)
    assert 1e-9 < floor < 2e-9
    tiny = fd_check({"analytic": np.array([-1.9e-26, -2.7e-26]), "numeric": np.zeros(2), "rel_error": 2.7e-14}, 1.0)
    assert "They agree only at float precision" in tiny and "reads exactly 0" in tiny and "2.7×10⁻²⁶" in tiny
    assert "They agree." not in tiny
    fine = fd_check({"analytic": np.array([0.12, -0.3]), "numeric": np.array([0.12, -0.3]) + 1e-11,
                     "rel_error": 3e-11}, 0.25)
    assert fine.endswith("**They agree.**") and "3×10⁻¹¹" in fine
    off = fd_check({"analytic": np.array([0.12, -0.3]), "numeric": np.array([0.13, -0.3]), "rel_error": 0.02}, 0.25)
    assert "**They differ**" in off and "agree" not in off
    for said in (tiny, fine, off):
        assert not any(0x2600 <= ord(c) <= 0x27BF or ord(c) >= 0x1F000 for c in said), said  # words, no emoji


def test_a_metric_value_is_short_exact_and_signed_by_the_rule():
    from perceptron.text.teaching import accuracy_value, signed

    assert accuracy_value(319 / 320, 320) == "319 of 320" and accuracy_value(1.0, 320) == "320 of 320"
    assert accuracy_value(1599 / 1600, 1600) == "1,599 of 1,600"
    assert signed(-1.1791e-33) == "-1.18×10⁻³³" and signed(0.0123) == "+0.0123"  # ASCII "-": the arrow goes down
