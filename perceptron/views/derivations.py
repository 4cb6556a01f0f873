r"""What a maths teacher expects beside the chain rule, each with the student's live numbers (Backpropagation page):

1. :func:`sigmoid_slope`: :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))` derived step by step, ending with the chosen
   sample's number;
2. :func:`cancel`: cross-entropy's :math:`\partial C/\partial z_i = (\hat y_i - y_i)/n`, where σ′ cancels, beside
   MSE's :math:`-\frac{2}{n}(y_i - \hat y_i)\,\sigma'(z_i)`, and their ratio :math:`2\sigma'(z_i)`;
3. :func:`matrix_form`: :math:`\nabla_w C = X^\top \frac{\partial C}{\partial z}` with its shapes, row by row
   beside the per-sample sum;
4. :func:`float_limits`: why σ(40) prints as 1 − …, where the page switches to ≈, what underflow does to a gradient.

Each returns what the page renders, in order, as ``(kind, content)`` pairs, ``"latex"`` or ``"markdown"`` (as
:func:`perceptron.views.slips.indices` does). Every numeric line holds for its numbers as printed
(:func:`~perceptron.text.worked.equation`); the sentences are computed in :mod:`perceptron.text.teaching`.
Pure (numpy).
"""

from __future__ import annotations

import math

import numpy as np

from ..engine.backprop import Ledger
from ..engine.neuron import sigmoid
from ..text import teaching
from ..text.worked import DIGITS, equation, exp, num
from .latex import rows_sum, slope_line

Items = list[tuple[str, str]]
SHOWN = 3  # samples written out in the matrix form; the rest are one sum


def sigmoid_slope(z: float, slope: float, i: int, digits: int = DIGITS) -> Items:
    r""":math:`\sigma'(z)` from :math:`\sigma(z) = (1 + e^{-z})^{-1}` by the chain rule, then rewritten as
    :math:`\sigma(z)(1 - \sigma(z))`; the last lines put in sample ``i``'s ``z`` (the ledger's :math:`z_i`) and end
    at ``slope``, the ledger's :math:`\partial \hat y_i/\partial z_i`, printed with ``digits`` significant digits
    as the chain rule prints it (:func:`~perceptron.views.latex.backward_digits`)."""
    z, slope = float(z), float(slope)
    items: Items = [
        ("markdown", "Write the sigmoid as a power, $\\sigma(z) = (1 + e^{-z})^{-1}$, and take the outer function "
                     "$u^{-1}$ of the inner $u = 1 + e^{-z}$, whose derivative is $u' = -e^{-z}$ (the chain rule "
                     "once more, through $-z$):"),
        ("latex", r"\sigma'(z) = -(1 + e^{-z})^{-2} \cdot (-e^{-z}) = \frac{e^{-z}}{(1 + e^{-z})^2}"
                  r" = \frac{1}{1 + e^{-z}} \cdot \frac{e^{-z}}{1 + e^{-z}}"),
        ("markdown", "The first factor is σ(z). Add and subtract 1 in the second one's numerator:"),
        ("latex", r"\frac{e^{-z}}{1 + e^{-z}} = \frac{(1 + e^{-z}) - 1}{1 + e^{-z}} = 1 - \frac{1}{1 + e^{-z}}"
                  r" = 1 - \sigma(z)"),
        ("latex", r"\text{so} \quad \sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr)"),
        ("markdown", f"The slope is the product of the two probabilities the neuron gives, largest (1/4) at z = 0. "
                     f"For sample #{i}, with its z:"),
    ]
    if abs(z) < 700:  # e^{−z} and the quotient are floats: both forms, each holding as printed
        e = math.exp(-z)
        items.append(("latex", equation(rf"e^{{-z_{{{i}}}}} = e^{{-@0p}} @eq @r", lambda v: exp(-v), [z], e)))
        items.append(("latex", equation(rf"\sigma'(z_{{{i}}}) = \frac{{e^{{-z_{{{i}}}}}}}{{(1 + e^{{-z_{{{i}}}}})^2}} = "
                                        r"\frac{@0}{(1 + @0)^2} @eq @r", lambda v: v / (1 + v) ** 2, [e], slope, digits)))
    items.append(("latex", slope_line(rf"\sigma'(z_{{{i}}}) = \sigma(z_{{{i}}})(1 - \sigma(z_{{{i}}}))", z, slope,
                                      digits)))
    items.append(("markdown", r"the same number as $\partial \hat y_i/\partial z_i$ in the chain rule above."))
    return items


def _yhat(z: float) -> tuple[str, float, bool]:
    r"""How a worked line writes :math:`\hat y = \sigma(z)`: ``@k`` with its value, or ``(1 - @k)`` with
    :math:`\sigma(-z)` where σ(z) would print as 1 (σ never reaches 1). Returns (fragment, operand, written as 1 − …)."""
    p, q = float(sigmoid(z)), float(sigmoid(-z))
    if num(p) == "1" and q > 0:
        return "(1 - @0)", q, True
    return "@0", p, False


def cancel(mse: Ledger, bce: Ledger, y, i: int) -> Items:
    r"""Cross-entropy's :math:`\partial C/\partial z_i = (\hat y_i - y_i)/n`, where σ′ cancels, derived and beside
    MSE's, both with sample ``i``'s numbers (``mse`` and ``bce``: the two costs' ledgers at the same weights, ``y``
    the labels of shape (n,)); then their ratio :math:`2\sigma'(z_k)` on the misclassified sample with the largest
    :math:`|z|` (:func:`perceptron.text.teaching.saturation`)."""
    y = np.asarray(y, dtype=float)
    n, z = mse.n, float(mse.z[i])
    t = float(y[i])
    hat, p, high = _yhat(z)
    v = (lambda g: 1 - g) if high else (lambda g: g)  # ŷ from the operand as printed
    ce_line = equation(rf"\frac{{\partial C_{{\text{{CE}}}}}}{{\partial z_{{{i}}}}} = \frac{{\hat y_{{{i}}} - y_{{{i}}}}}{{n}}"
                       rf" = \frac{{{hat} - @1}}{{{n}}} @eq @r", lambda g, a: (v(g) - a) / n, [p, t], float(bce.dC_dz[i]))
    mse_line = equation(rf"\frac{{\partial C_{{\text{{MSE}}}}}}{{\partial z_{{{i}}}}} = -\frac{{2}}{{n}}(y_{{{i}}} - "
                        rf"\hat y_{{{i}}})\,\sigma'(z_{{{i}}}) = -\frac{{2}}{{{n}}}(@1 - {hat}) \cdot @2 @eq @r",
                        lambda g, a, s: -2 * (a - v(g)) * s / n, [p, t, float(mse.dyhat_dz[i])], float(mse.dC_dz[i]))
    items: Items = [
        ("markdown", "Cross-entropy's loss for one sample is $L = -[y\\log\\hat y + (1 - y)\\log(1 - \\hat y)]$. "
                     "Its slope in ŷ, put over one denominator:"),
        ("latex", r"\frac{\partial L}{\partial \hat y} = -\frac{y}{\hat y} + \frac{1 - y}{1 - \hat y}"
                  r" = \frac{-y(1 - \hat y) + (1 - y)\hat y}{\hat y(1 - \hat y)} = \frac{\hat y - y}{\hat y(1 - \hat y)}"),
        ("markdown", "The denominator is σ′(z) = ŷ(1 − ŷ), the next factor of the chain rule, so it **cancels**:"),
        ("latex", r"\frac{\partial L}{\partial z} = \frac{\hat y - y}{\hat y(1 - \hat y)} \cdot \hat y(1 - \hat y)"
                  r" = \hat y - y"),
        ("markdown", r"and with the mean's 1/n, for sample i: $\frac{\partial C}{\partial z_i} = \frac{1}{n}\frac{\partial L_i}"
                     r"{\partial z_i} = \frac{\hat y_i - y_i}{n}$."),
        ("markdown", "The mean squared error keeps it: $\\frac{\\partial C}{\\partial z_i} = -\\frac{2}{n}(y_i - \\hat y_i)"
                     f"\\,\\sigma'(z_i)$. Both for sample #{i}, at these weights:"),
        ("latex", ce_line),
        ("latex", mse_line),
    ]
    k = teaching.saturated_wrong(mse.z, y)
    ratio = 2 * float(mse.dyhat_dz[k])  # −(2/n)(y − ŷ)σ′ over (ŷ − y)/n
    items.append(("markdown", teaching.saturation(k, float(mse.z[k]), int(y[k]), float(mse.dC_dz[k]),
                                                  float(bce.dC_dz[k]), ratio, bool((mse.z[k] >= 0) != (y[k] == 1)))))
    items.append(("latex", equation(
        rf"\frac{{\partial C_{{\text{{MSE}}}}/\partial z_{{{k}}}}}{{\partial C_{{\text{{CE}}}}/\partial z_{{{k}}}}}"
        rf" = \frac{{@0}}{{@1}} @eq 2\sigma'(z_{{{k}}}) = @r", lambda a, c: a / c,
        [float(mse.dC_dz[k]), float(bce.dC_dz[k])], ratio)))
    return items


def matrix_form(L: Ledger) -> Items:
    r""":math:`\nabla_w C = X^\top \frac{\partial C}{\partial z}` with its shapes, :math:`(d, n)\cdot(n,) = (d,)`, the
    first ``SHOWN`` columns of :math:`X^\top` and entries of :math:`\partial C/\partial z` in numbers, and each row of
    the product as the per-sample sum it is: the first terms, the rest as one number, the total the page's
    :math:`\partial C/\partial w_j` (``L.dw``)."""
    X, g = np.asarray(L.dz_dw, dtype=float), np.asarray(L.dC_dz, dtype=float)
    n, d = X.shape
    m = min(n, SHOWN)
    more = n > m
    rows = r" \\ ".join(" & ".join([*(num(X[i, j]) for i in range(m)), *([r"\cdots"] if more else [])])
                        for j in range(d))
    dz = r" \\ ".join([*(num(g[i]) for i in range(m)), *([r"\vdots"] if more else [])])
    items: Items = [
        ("markdown", f"Stack the samples as the rows of the matrix X, of shape (n, d) = ({n}, {d}), and the "
                     "factors ∂C/∂zᵢ as a vector of shape (n,). Each sum over the samples above is one row of a "
                     "matrix product:"),
        ("latex", r"\underbrace{\nabla_w C}_{(d,)} = \underbrace{X^\top}_{(d,\,n)}\;\underbrace{\frac{\partial C}"
                  r"{\partial z}}_{(n,)}"),
        ("latex", rf"\text{{shapes: }} ({d}, {n}) \cdot ({n},) = ({d},)"),  # a row of its own: a phone's width
        ("latex", rf"X^\top = \begin{{pmatrix}} {rows} \end{{pmatrix}}"),
        ("latex", rf"\frac{{\partial C}}{{\partial z}} = \begin{{pmatrix}} {dz} \end{{pmatrix}}"),
        ("markdown", f"Column i of Xᵀ is sample #i's inputs (the first {m} written). Row j of the product multiplies the "
                     "j-th input of every sample by its ∂C/∂zᵢ and adds: exactly the sum ∂C/∂wⱼ = Σᵢ ∂C/∂zᵢ xᵢⱼ above"
                     + (f" (the first {m} terms written out, the other {n - m} added into one number)." if more
                        else ".")),
    ]
    for j in range(d):
        products = g * X[:, j]
        rest = math.fsum(products[m:])
        terms = rows_sum([*(f"@{2 * k}p \\cdot @{2 * k + 1}p" for k in range(m)),  # a term a row: a phone's width
                          *([rf"\underbrace{{@{2 * m}p}}_{{\sum_{{i={m}}}^{{{n - 1}}}}}"] if more else [])])
        operands = [v for k in range(m) for v in (float(g[k]), float(X[k, j]))] + ([rest] if more else [])
        items.append(("latex", equation(
            rf"\frac{{\partial C}}{{\partial w_{j + 1}}} = (X^\top \tfrac{{\partial C}}{{\partial z}})_{j + 1} = "
            rf"\sum_{{i}} \frac{{\partial C}}{{\partial z_i}} x_{{i{j + 1}}} = {terms} @eq @r",
            lambda *o: sum(o[2 * k] * o[2 * k + 1] for k in range(m)) + (o[2 * m] if more else 0), operands,
            float(L.dw[j]))))
    items.append(("markdown", r"The bias is the row of ones: $\frac{\partial C}{\partial b} = \mathbf{1}^\top "
                              rf"\frac{{\partial C}}{{\partial z}} = \sum_i \frac{{\partial C}}{{\partial z_i}} = {num(L.db)}$. "
                              "In code this is one line, `X.T @ dC_dz`, and it is how the engine computes the gradient "
                              "it trains with."))
    return items


def float_limits(L: Ledger) -> Items:
    r"""The floating-point limits, short, computed: what the computer stores for σ(40), where the page writes
    :math:`1 - \dots` and where ≈, and how many of this ledger's samples have a slope below :math:`10^{-8}` or below
    the smallest normal float (:func:`perceptron.text.teaching.float_limits`)."""
    s40 = float(sigmoid(40.0))
    return [
        ("latex", rf"\sigma(40) = 1 - \sigma(-40) = 1 - {num(float(sigmoid(-40.0)))} \quad "
                  rf"(\text{{stored as }} {num(s40) if s40 != 1 else '1.0'})"),
        ("markdown", teaching.float_limits(L.z, L.dyhat_dz, L.dC_dz)),
    ]
