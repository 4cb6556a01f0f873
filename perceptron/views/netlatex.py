r"""The hidden-layer page's chain rule, written out with its numbers, for one sample and two weights.

Pure string building from a :class:`~perceptron.session.netlab.NetLab`: the forward pass layer
by layer, the chain-rule products for the output weight :math:`w^{(2)}_j` and the hidden weight
:math:`W^{(1)}_{ij}`, the finite-difference check of both, and the gradient summed over every
sample. The page imports these through :mod:`perceptron.views.netscenes`.
"""

from __future__ import annotations

import numpy as np

from ..engine import network as net
from ..session.netlab import NetLab
from .latex import num, paren


def ledger(lab: NetLab, k: int | None = None) -> net.NetLedger:
    """Every chain-rule factor of every training sample at epoch k."""
    X, y, *_ = lab.design()
    return net.chain_rule(X, y, lab.params(k), lab.loss)


def _x(lab: NetLab, i: int) -> str:
    return lab.features.names[i].replace("x_1", "x_{s1}").replace("x_2", "x_{s2}") if lab.d > 2 else f"x_{{s{i + 1}}}"


def _sum(terms, per_row: int = 4) -> str:
    """Terms joined by +, broken into rows of ``per_row`` inside an aligned block (long sums stay on screen)."""
    rows = [" + ".join(terms[r : r + per_row]) for r in range(0, len(terms), per_row)]
    return r" \\ &\quad + ".join(rows)


def forward_lines(lab: NetLab, k: int | None = None) -> list[str]:
    r"""Sample s layer by layer: :math:`z^{(1)}_j = \sum_i x_i W^{(1)}_{ij} + b^{(1)}_j`, :math:`a^{(1)}_j`,
    :math:`z^{(2)} = \sum_j a^{(1)}_j w^{(2)}_j + b^{(2)}`, :math:`\hat y`."""
    p, L = lab.params(k), ledger(lab, k)
    X, *_ = lab.design()
    s, x = lab.sample, X[lab.sample]
    lines = []
    for j in range(p.h):
        terms = [rf"{paren(x[i])} \cdot {paren(p.W1[i, j])}" for i in range(p.d)] + [paren(p.b1[j])]
        z = rf"z^{{(1)}}_{j + 1} &= {_sum(terms)} = {num(L.z1[s, j])}"
        a = rf"a^{{(1)}}_{j + 1} = \sigma({num(L.z1[s, j])}) = {num(L.a1[s, j])}"
        lines.append(rf"\begin{{aligned}} {z}, \quad {a} \end{{aligned}}" if p.d <= 3
                     else rf"\begin{{aligned}} {z} \\ {a.replace(' = ', ' &= ', 1)} \end{{aligned}}")
    terms = [rf"{paren(L.a1[s, j])} \cdot {paren(p.w2[j])}" for j in range(p.h)] + [paren(p.b2)]
    lines.append(rf"\begin{{aligned}} z^{{(2)}} &= {{\textstyle\sum_j}} a^{{(1)}}_j w^{{(2)}}_j + b^{{(2)}} \\ "
                 rf"&= {_sum(terms)} = {num(L.z2[s])} \end{{aligned}}")
    lines.append(rf"\hat y = \sigma(z^{{(2)}}) = \sigma({num(L.z2[s])}) = {num(L.y_hat[s])}")
    return lines


def backward_lines(lab: NetLab, k: int | None = None) -> list[str]:
    r"""The chain rule for sample s, for the output weight :math:`w^{(2)}_j` and the hidden weight
    :math:`W^{(1)}_{ij}`, each as a product of numbers; then central finite differences of sample s's
    share of the cost, :math:`\frac1n L_s`, which must give the same numbers."""
    p, L = lab.params(k), ledger(lab, k)
    X, y, *_ = lab.design()
    s, i, j, n = lab.sample, lab.feature, lab.unit, L.n
    yh, ys = L.y_hat[s], y[s]
    if lab.loss == "mse":
        dC = rf"-\frac{{2}}{{n}}(y - \hat y) = -\frac{{2}}{{{n}}}({num(ys)} - {num(yh)})"
    else:
        dC = (rf"-\frac{{1}}{{n}}\left(\frac{{y}}{{\hat y}} - \frac{{1-y}}{{1-\hat y}}\right) = "
              rf"-\frac{{1}}{{{n}}}\left(\frac{{{num(ys)}}}{{{num(yh)}}} - \frac{{{num(1 - ys)}}}{{{num(1 - yh)}}}\right)")
    w2, W1 = rf"w^{{(2)}}_{j + 1}", rf"W^{{(1)}}_{{{i + 1}{j + 1}}}"
    xi = X[s, i]
    lines = [
        rf"\frac{{\partial C}}{{\partial \hat y}} = {dC} = {num(L.dC_dyhat[s])}",
        rf"\frac{{\partial \hat y}}{{\partial z^{{(2)}}}} = \hat y(1 - \hat y) = {num(yh)} \cdot {paren(1 - yh)} = {num(L.dyhat_dz2[s])}",
        rf"\sigma'(z^{{(1)}}_{j + 1}) = a^{{(1)}}_{j + 1}(1 - a^{{(1)}}_{j + 1}) = {num(L.a1[s, j])} \cdot "
        rf"{paren(1 - L.a1[s, j])} = {num(L.da1_dz1[s, j])}",
        rf"\frac{{\partial C}}{{\partial {w2}}}\Big|_s = \frac{{\partial C}}{{\partial \hat y}} \cdot "
        rf"\frac{{\partial \hat y}}{{\partial z^{{(2)}}}} \cdot a^{{(1)}}_{j + 1} = {paren(L.dC_dyhat[s])} \cdot "
        rf"{paren(L.dyhat_dz2[s])} \cdot {paren(L.a1[s, j])} = {num(L.dC_dw2_i[s, j])}",
        rf"\frac{{\partial C}}{{\partial {W1}}}\Big|_s = \frac{{\partial C}}{{\partial \hat y}} \cdot "
        rf"\frac{{\partial \hat y}}{{\partial z^{{(2)}}}} \cdot {w2} \cdot \sigma'(z^{{(1)}}_{j + 1}) \cdot {_x(lab, i)}"
        rf" = {paren(L.dC_dyhat[s])} \cdot {paren(L.dyhat_dz2[s])} \cdot {paren(p.w2[j])} \cdot "
        rf"{paren(L.da1_dz1[s, j])} \cdot {paren(xi)} = {num(L.dC_dW1_i[s, i, j])}",
    ]
    fd_w2, fd_W1 = finite_differences(lab, k)
    for name, fd, exact in ((w2, fd_w2, L.dC_dw2_i[s, j]), (W1, fd_W1, L.dC_dW1_i[s, i, j])):
        lines.append(
            rf"\text{{check: }} \frac{{\tfrac1n L_s({name} + \varepsilon) - \tfrac1n L_s({name} - \varepsilon)}}"
            rf"{{2\varepsilon}} = {num(fd)} \quad (\text{{chain rule: }} {num(exact)},\ \varepsilon = 10^{{-6}})"
        )
    return lines


def finite_differences(lab: NetLab, k: int | None = None, eps: float = 1e-6) -> tuple[float, float]:
    r"""Central differences of sample s's share :math:`\frac1n L_s` of the cost in :math:`w^{(2)}_j` and
    :math:`W^{(1)}_{ij}`: independent of the chain rule, they must give its two products."""
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


def gradient_line(lab: NetLab, k: int | None = None) -> str:
    """Summed over every sample: the gradient the next update uses for the two explained weights."""
    L = ledger(lab, k)
    i, j = lab.feature, lab.unit
    return (rf"\text{{all }} {L.n} \text{{ samples: }} \frac{{\partial C}}{{\partial w^{{(2)}}_{j + 1}}} = "
            rf"{{\textstyle\sum_s}} \ldots = {num(L.dw2[j])}, \qquad \frac{{\partial C}}{{\partial W^{{(1)}}_{{{i + 1}{j + 1}}}}}"
            rf" = {{\textstyle\sum_s}} \ldots = {num(L.dW1[i, j])}")


LINE_BREAK = r" \\[6pt] "


def block(lines: list[str]) -> str:
    """Display lines as one LaTeX block: one element for the browser to typeset, not one per line."""
    return r"\begin{gathered} " + LINE_BREAK.join(lines) + r" \end{gathered}"


def weight_names(lab: NetLab) -> tuple[str, str]:
    """The explained weights as plain text, e.g. ``("w⁽²⁾₃", "W⁽¹⁾₂₃")`` (for prose, without LaTeX)."""
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    i, j = lab.feature + 1, lab.unit + 1
    return f"w⁽²⁾{str(j).translate(sub)}", f"W⁽¹⁾{f'{i}{j}'.translate(sub)}"
