r"""The article's steps written out in LaTeX with a sample's real numbers.

Pure string building from numbers (numpy only): the pages render these lines,
and the Markdown export pastes the same lines into homework.
"""

from __future__ import annotations

import numpy as np


def num(v, digits: int = 4) -> str:
    r"""A number for LaTeX: 4 significant digits, ``\times 10^{k}`` for very large or small values."""
    v = float(v)
    if not np.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\text{NaN}")
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e5:
        s = f"{v:.{digits}g}"
        return s
    mant, exp = f"{v:.{digits - 1}e}".split("e")
    return rf"{mant} \times 10^{{{int(exp)}}}"


def paren(v) -> str:
    """A number in parentheses when negative, so that products read clearly."""
    s = num(v)
    return f"({s})" if float(v) < 0 else s


def forward_steps(x, w, b, names=None) -> list[str]:
    r"""The three steps of forward propagation for one sample, with its numbers.

    1. the weighted sum :math:`\sum_j x_j w_j`, term by term;
    2. :math:`z = \sum_j x_j w_j + b`;
    3. :math:`\hat y = \sigma(z) = 1/(1+e^{-z})`.
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    d = len(w)
    names = names or [f"x_{j + 1}" for j in range(d)]
    products = x * w
    s = float(products.sum())
    z = s + float(b)
    y_hat = 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))
    terms = " + ".join(rf"{paren(x[j])} \cdot {paren(w[j])}" for j in range(d))
    prods = " + ".join(paren(p) for p in products)
    return [
        rf"\begin{{aligned}} x \cdot w &= {terms} \\ &= {prods} = {num(s)} \end{{aligned}}",
        rf"z = x \cdot w + b = {num(s)} + {paren(b)} = {num(z)}",
        rf"\hat y = \sigma(z) = \frac{{1}}{{1 + e^{{-{paren(z)}}}}} = {num(y_hat)}",
    ]


def backward_steps(L, i: int, y_i: float, loss: str = "mse", names=None) -> list[str]:
    r"""The chain rule for sample i, factor by factor, from a :class:`~perceptron.engine.backprop.Ledger`."""
    n = L.n
    y_hat = L.y_hat[i]
    if loss == "mse":
        dC = rf"\frac{{\partial C}}{{\partial \hat y_i}} = -\frac{{2}}{{n}}(y_i - \hat y_i) = -\frac{{2}}{{{n}}}({num(y_i)} - {num(y_hat)}) = {num(L.dC_dyhat[i])}"
    else:
        dC = (
            rf"\frac{{\partial C}}{{\partial \hat y_i}} = -\frac{{1}}{{n}}\left(\frac{{y_i}}{{\hat y_i}} - \frac{{1-y_i}}{{1-\hat y_i}}\right)"
            rf" = -\frac{{1}}{{{n}}}\left(\frac{{{num(y_i)}}}{{{num(y_hat)}}} - \frac{{{num(1 - y_i)}}}{{{num(1 - y_hat)}}}\right) = {num(L.dC_dyhat[i])}"
        )
    d = L.dz_dw.shape[1]
    names = names or [f"x_{{i{j + 1}}}" for j in range(d)]
    lines = [
        dC,
        rf"\frac{{\partial \hat y_i}}{{\partial z_i}} = \sigma(z_i)(1 - \sigma(z_i)) = {num(y_hat)} \cdot {paren(1 - y_hat)} = {num(L.dyhat_dz[i])}",
        rf"\frac{{\partial C}}{{\partial z_i}} = \frac{{\partial C}}{{\partial \hat y_i}}\frac{{\partial \hat y_i}}{{\partial z_i}} = {paren(L.dC_dyhat[i])} \cdot {paren(L.dyhat_dz[i])} = {num(L.dC_dz[i])}",
    ]
    for j in range(d):
        lines.append(
            rf"\frac{{\partial C}}{{\partial w_{j + 1}}}\Big|_i = \frac{{\partial C}}{{\partial z_i}} \cdot \frac{{\partial z_i}}{{\partial w_{j + 1}}}"
            rf" = {paren(L.dC_dz[i])} \cdot {paren(L.dz_dw[i, j])} = {num(L.dC_dw_i[i, j])}"
        )
    lines.append(
        rf"\frac{{\partial C}}{{\partial b}}\Big|_i = \frac{{\partial C}}{{\partial z_i}} \cdot 1 = {num(L.dC_db_i[i])}"
    )
    return lines


def update_steps(w, b, dw, db, lr, w_new, b_new) -> list[str]:
    r"""The update :math:`w \leftarrow w - \alpha\,\partial C/\partial w` with its numbers."""
    lines = [
        rf"w_{j + 1} \leftarrow w_{j + 1} - \alpha \frac{{\partial C}}{{\partial w_{j + 1}}} = {num(w[j])} - {num(lr)} \cdot {paren(dw[j])} = {num(w_new[j])}"
        for j in range(len(w))
    ]
    lines.append(
        rf"b \leftarrow b - \alpha \frac{{\partial C}}{{\partial b}} = {num(b)} - {num(lr)} \cdot {paren(db)} = {num(b_new)}"
    )
    return lines


def ledger_markdown(title, x, y_i, w, b, L, i, loss="mse") -> str:
    """The chosen sample's forward and backward ledger as Markdown with LaTeX (for homework)."""
    parts = [f"# {title}", "", f"Sample #{i}: x = ({', '.join(num(v) for v in x)}), y = {num(y_i)}", "",
             "## Forward propagation", ""]
    parts += [f"$$ {line} $$" for line in forward_steps(x, w, b)]
    parts += ["", f"## Backpropagation ({'mean squared error' if loss == 'mse' else 'cross-entropy'})", ""]
    parts += [f"$$ {line} $$" for line in backward_steps(L, i, y_i, loss)]
    parts += ["", "## The gradient (sum over all samples)", ""]
    parts += [f"$$ \\frac{{\\partial C}}{{\\partial w_{j + 1}}} = {num(L.dw[j])} $$" for j in range(len(L.dw))]
    parts += [f"$$ \\frac{{\\partial C}}{{\\partial b}} = {num(L.db)} $$", ""]
    return "\n".join(parts)
