r"""The source article's three slips, each shown live with the learner's numbers (Backpropagation page).

1. **The minus sign**: :math:`\partial C/\partial \hat y = \frac{2}{n}(y - \hat y)` instead of
   :math:`-\frac{2}{n}(y - \hat y)`; every step then climbs.
2. **Pulling σ'(z) and x out of the sum**: :math:`\text{sum}(y - \hat y)\cdot\sigma'(z)\cdot x_j`.
3. **One index for two things, and b inside the sum**:
   :math:`\partial z/\partial w_i = \partial/\partial w_i \sum_i (x_i \cdot w_i + b)` uses i for the
   samples and for the inputs, and adds b once per input.

:func:`items` returns what the page renders, in order, as ``(kind, content)`` pairs (``"markdown"``,
``"latex"`` or ``"table"``); the sentences about which way the cost moves are computed from the
numbers (:func:`perceptron.text.teaching.direction`). Pure (numpy, pandas).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine.backprop import pulled_out_slip, sign_slip
from ..text.teaching import apart, direction
from ..text.worked import equation, exact_z, text
from .latex import rows_sum


def _moves(before: float, after: float) -> str:
    return direction(before, after, "goes **up**", "goes **down**", "does **not change**")


def sign(X, y, w, b, lr) -> str:
    """Slip 1, with one MSE step from here with and without the minus sign."""
    s = sign_slip(X, y, w, b, lr)
    good, bad = apart(s["before"], s["correct"]), apart(s["before"], s["sign_dropped"])  # digits enough to differ
    return (
        r"**1. The minus sign.** The article writes $\partial C/\partial \hat y = \frac{2}{n}(y - \hat y)$. "
        r"The derivative of $(y - \hat y)^2$ with respect to $\hat y$ is $-2(y - \hat y)$: without the minus, "
        "every gradient points the wrong way, and a small step climbs the cost instead of descending it. "
        f"One MSE step with α = {lr:g} from here: with the correct sign the cost {_moves(s['before'], s['correct'])} "
        f"({good[0]} → {good[1]}); with the sign dropped it {_moves(s['before'], s['sign_dropped'])} "
        f"({bad[0]} → {bad[1]})."
    )


def pulled(X, y, w, b, i, n) -> tuple[str, pd.DataFrame, str]:
    """Slip 2: its sentence, the two sums side by side, and the table's caption."""
    p = pulled_out_slip(X, y, w, b, i)
    head = (
        r"**2. Pulling σ(z) and x out of the sum.** The article writes the gradient as "
        r"$\text{sum}(y - \hat y)\cdot\sigma(z)(1-\sigma(z))\cdot x_j$. But each sample has its own $z_i$ and "
        r"$x_{ij}$, so they must stay inside the sum: $\sum_i (y_i - \hat y_i)\,\sigma'(z_i)\,x_{ij}$. "
        f"The two agree only for a single sample. Here (n = {n}, using sample #{i}'s σ'(z) and x):"
    )
    table = pd.DataFrame({"pulled out of the sum (wrong)": [text(v) for v in p["pulled_out"]],
                          "kept inside the sum (right) = −∂C/∂w": [text(v) for v in p["correct"]]},
                         index=[f"w{j + 1}" for j in range(len(w))])
    return head, table, "Both columns use the factor 2/n so that only the pulled-out sum differs."


def indices(x, w, b, i: int) -> list[tuple[str, str]]:
    """Slip 3: one index for samples and inputs, and b inside the sum, with sample i's numbers."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    d = len(w)
    z = exact_z(x, w, b)  # what the printed terms add up to: 0, not the float sum's 2.776×10⁻¹⁷, where that is exact
    wrong_z = exact_z([*x, d - 1], [*w, b], b)  # Σ_j (x_j w_j + b): b counted d times, summed exactly as well
    right = equation(
        rf"z_{{{i}}} = \sum_j x_{{{i}j}} w_j + b = "
        + rows_sum([*(f"@{j}p \\cdot @{d + j}p" for j in range(d)), f"@{2 * d}p"]) + " @eq @r",  # a term a row
        lambda *v: sum(v[j] * v[d + j] for j in range(d)) + v[2 * d], [*x, *w, b], z)
    wrong = equation(
        rf"\sum_j (x_{{{i}j}} w_j + b) = " + rows_sum(f"(@{j}p \\cdot @{d + j}p + @{2 * d}p)" for j in range(d))
        + " @eq @r", lambda *v: sum(v[j] * v[d + j] + v[2 * d] for j in range(d)), [*x, *w, b], wrong_z)
    return [
        ("markdown",
         r"**3. One index for two things, and b inside the sum.** The article writes "
         r"$\frac{\partial z}{\partial w_i} = \frac{\partial}{\partial w_i}\sum_i (x_i \cdot w_i + b)$. "
         "Two slips in one line. The letter i counts the **samples** in the cost's sum, and here it also "
         "counts the **inputs** of one sample: a sum over i would pair sample 1 with weight 1, sample 2 with "
         "weight 2, …, which means nothing (there are n samples but only "
         f"{d} weights). These pages keep one convention: **i for samples, j for inputs**. And b sits "
         f"inside the sum, so it is added once per input ({d} times) instead of once:"),
        ("latex", right),
        ("latex", wrong + rf" \quad (= z_{{{i}}} + {'' if d == 2 else d - 1}b)"),
        ("markdown",
         rf"Written correctly, $z_i = \sum_j x_{{ij}} w_j + b$, so $\frac{{\partial z_i}}{{\partial w_j}} = x_{{ij}}$ "
         rf"and $\frac{{\partial z_i}}{{\partial b}} = 1$; with b inside the sum, $\partial z/\partial b$ would be {d}."),
    ]
