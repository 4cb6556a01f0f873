r"""The hidden-layer page's chain rule, written out with its numbers, for one sample and two weights.

Pure string building from a :class:`~perceptron.session.netlab.NetLab`: the forward pass layer
by layer, the chain-rule products for the output weight :math:`w^{(2)}_k` and the hidden weight
:math:`W^{(1)}_{jk}`, the finite-difference check of both, and the gradient summed over every
sample. The page imports these through :mod:`perceptron.views.netscenes`.

One index convention on every page: i numbers the samples, j the inputs, and here k the hidden units.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import network as net
from ..session.netlab import NetLab
from ..text.worked import equation, num, sigmoid_of, subscript, superscript
from .latex import GO_ON, dC_dyhat_line, rows_sum, slope_line

FD_EPS = 1e-6  # the step of the finite-difference check
FD_EPS_TEXT = "10" + superscript(round(math.log10(FD_EPS)))


def ledger(lab: NetLab, k: int | None = None) -> net.NetLedger:
    """Every chain-rule factor of every training sample at epoch k."""
    X, y, *_ = lab.design()
    return net.chain_rule(X, y, lab.params(k), lab.loss)


def _x(lab: NetLab, j: int) -> str:
    """Input j of sample i as LaTeX: ``x_{i1}``, or a feature map of sample i's inputs (``x_{i1} x_{i2}``)."""
    if lab.d > 2:
        return lab.features.names[j].replace("x_1", "x_{i1}").replace("x_2", "x_{i2}")
    return f"x_{{i{j + 1}}}"


def _dot(n: int, bias: bool = True):
    """``sum(v[m] * v[n + m]) (+ v[2n])``: a weighted sum of the printed operands, as the line writes it."""
    return lambda *v: sum(v[m] * v[n + m] for m in range(n)) + (v[2 * n] if bias else 0)


def forward_lines(lab: NetLab, k: int | None = None) -> list[str]:
    r"""Sample i layer by layer: :math:`z^{(1)}_k = \sum_j x_{ij} W^{(1)}_{jk} + b^{(1)}_k`, :math:`a^{(1)}_k`,
    :math:`z^{(2)} = \sum_k a^{(1)}_k w^{(2)}_k + b^{(2)}`, :math:`\hat y`. Every line holds for its
    numbers as printed (:func:`perceptron.text.worked.equation`)."""
    p, L = lab.params(k), ledger(lab, k)
    X, *_ = lab.design()
    i, x = lab.sample, X[lab.sample]
    lines = []
    for u in range(p.h):
        terms = [rf"@{j}p \cdot @{p.d + j}p" for j in range(p.d)] + [f"@{2 * p.d}p"]
        z = equation(rf"z^{{(1)}}_{u + 1} &= {rows_sum(terms)} @eq @r", _dot(p.d),  # x·W: both signed, wide
                     [*x, *p.W1[:, u], float(p.b1[u])], float(L.z1[i, u]))
        a = equation(rf"a^{{(1)}}_{u + 1} = \sigma(@0) @eq @r", sigmoid_of, [float(L.z1[i, u])], float(L.a1[i, u]))
        lines.append(rf"\begin{{aligned}} {z}, \quad {a} \end{{aligned}}" if p.d <= 3
                     else rf"\begin{{aligned}} {z} \\ {a.replace(' = ', ' &= ', 1)} \end{{aligned}}")
    terms = [rf"@{u}p \cdot @{p.h + u}p" for u in range(p.h)] + [f"@{2 * p.h}p"]
    lines.append(equation(rf"\begin{{aligned}} z^{{(2)}} &= {{\textstyle\sum_k}} a^{{(1)}}_k w^{{(2)}}_k + b^{{(2)}} \\ "
                          rf"&= {rows_sum(terms, per_row=2)} @eq @r \end{{aligned}}", _dot(p.h),
                          [*L.a1[i], *p.w2, float(p.b2)], float(L.z2[i])))
    lines.append(equation(r"\hat y_i = \sigma(z^{(2)}) = \sigma(@0) @eq @r", sigmoid_of, [float(L.z2[i])],
                          float(L.y_hat[i])))
    return lines


def backward_lines(lab: NetLab, k: int | None = None) -> list[str]:
    r"""The chain rule for sample i, for the output weight :math:`w^{(2)}_k` and the hidden weight
    :math:`W^{(1)}_{jk}`, each as a product of numbers (holding as printed; :math:`1 - \sigma` is written from
    :math:`\sigma(-z)`, so a saturated unit shows its tiny slope, never 0); then central finite differences
    of sample i's share of the cost, :math:`\frac1n L_i`, which must give the same numbers."""
    p, L = lab.params(k), ledger(lab, k)
    X, y, *_ = lab.design()
    i, j, u, n = lab.sample, lab.feature, lab.unit, L.n
    z2, ys = float(L.z2[i]), float(y[i])
    w2, W1 = rf"w^{{(2)}}_{u + 1}", rf"W^{{(1)}}_{{{j + 1}{u + 1}}}"
    xj, z1 = float(X[i, j]), float(L.z1[i, u])
    A, B, s1 = float(L.dC_dyhat[i]), float(L.dyhat_dz2[i]), float(L.da1_dz1[i, u])
    product = lambda *v: math.prod(v)  # noqa: E731
    lines = [
        rf"\frac{{\partial C}}{{\partial \hat y_i}} = {dC_dyhat_line(n, ys, z2, A, lab.loss)}",
        slope_line(r"\frac{\partial \hat y_i}{\partial z^{(2)}} = \hat y_i(1 - \hat y_i)", z2, B),  # never "1 ·"
        slope_line(rf"\sigma'(z^{{(1)}}_{u + 1}) = a^{{(1)}}_{u + 1}(1 - a^{{(1)}}_{u + 1})", z1, s1),
        equation(rf"\frac{{\partial C}}{{\partial {w2}}}\Big|_i = \frac{{\partial C}}{{\partial \hat y_i}} \cdot "
                 rf"\frac{{\partial \hat y_i}}{{\partial z^{{(2)}}}} \cdot a^{{(1)}}_{u + 1} = @0p \cdot @1p \cdot @2p @eq @r",
                 product, [A, B, float(L.a1[i, u])], float(L.dC_dw2_i[i, u])),
        equation(rf"\frac{{\partial C}}{{\partial {W1}}}\Big|_i = \frac{{\partial C}}{{\partial \hat y_i}} \cdot "
                 rf"\frac{{\partial \hat y_i}}{{\partial z^{{(2)}}}} \cdot {w2} \cdot \sigma'(z^{{(1)}}_{u + 1}) \cdot {_x(lab, j)}"
                 rf" = @0p \cdot @1p \cdot @2p {GO_ON} \cdot @3p \cdot @4p @eq @r", product,
                 [A, B, float(p.w2[u]), s1, xj], float(L.dC_dW1_i[i, j, u])),
    ]
    fd_w2, fd_W1 = finite_differences(lab, k)
    for name, fd, exact in ((w2, fd_w2, L.dC_dw2_i[i, u]), (W1, fd_W1, L.dC_dW1_i[i, j, u])):
        lines.append(  # in rows: the difference quotient, its value, the chain rule's beside it (on a phone too)
            rf"\begin{{aligned}} \text{{check: }} & \frac{{\tfrac1n L_i({name} + \varepsilon) - \tfrac1n L_i({name} - \varepsilon)}}"
            rf"{{2\varepsilon}} \\ &= {num(fd)} \\ &\quad (\text{{chain rule: }} {{{num(exact)}}}) \end{{aligned}}"
        )
    return lines


def finite_differences(lab: NetLab, k: int | None = None, eps: float = FD_EPS) -> tuple[float, float]:
    r"""Central differences of sample i's share :math:`\frac1n L_i` of the cost in :math:`w^{(2)}_k` and
    :math:`W^{(1)}_{jk}`: independent of the chain rule, they must give its two products."""
    p = lab.params(k)
    X, y, *_ = lab.design()
    s, n = lab.sample, max(lab.n_train, 1)
    xs, ys = X[s : s + 1], y[s : s + 1]
    theta = p.vector()
    out = []
    for where in (p.d * p.h + p.h + lab.unit, lab.feature * p.h + lab.unit):  # w2_j, W1_ij in vector order
        e = np.zeros_like(theta)
        e[where] = eps
        up = net.cost_at(xs, ys, net.Params.from_vector(theta + e, p.d, p.h), lab.loss)
        down = net.cost_at(xs, ys, net.Params.from_vector(theta - e, p.d, p.h), lab.loss)
        out.append((up - down) / (2 * eps) / n)
    return out[0], out[1]


def gradient_lines(lab: NetLab, k: int | None = None) -> list[str]:
    """Summed over every sample: the gradient the next update uses for the two explained weights (a line each)."""
    L = ledger(lab, k)
    j, u = lab.feature, lab.unit
    return [rf"\text{{all }} {L.n} \text{{ samples: }} \frac{{\partial C}}{{\partial w^{{(2)}}_{u + 1}}} = "
            rf"{{\textstyle\sum_i}} \ldots = {num(L.dw2[u])}",
            rf"\frac{{\partial C}}{{\partial W^{{(1)}}_{{{j + 1}{u + 1}}}}} = {{\textstyle\sum_i}} \ldots = {num(L.dW1[j, u])}"]


def weight_names(lab: NetLab) -> tuple[str, str]:
    """The explained weights as plain text, e.g. ``("w⁽²⁾₃", "W⁽¹⁾₂₃")`` (for prose, without LaTeX)."""
    i, j = lab.feature + 1, lab.unit + 1
    return f"w⁽²⁾{subscript(j)}", f"W⁽¹⁾{subscript(f'{i}{j}')}"
