r"""A printable handout of one sample's numbers: the forward pass, every chain-rule factor, the gradient over all
samples and one full-batch update, with the math typeset.

The handout is one self-contained HTML document: the formulas are MathML (converted from the same LaTeX the pages
show, :mod:`perceptron.views.latex`), which a browser typesets without any font or script from elsewhere, and a
print stylesheet lays it out on paper (print it, or save it as PDF). Pure string work: no Streamlit.
"""

from __future__ import annotations

import html

import latex2mathml.converter

from . import latex

STYLE = """
body {font-family: system-ui, sans-serif; color: #080a0e; background: #fff; max-width: 46rem; margin: 2rem auto;
      padding: 0 1rem; line-height: 1.45;}
h1 {font-size: 1.5rem;} h2 {font-size: 1.15rem; margin-top: 1.6rem; border-bottom: 1px solid #999;}
.line {margin: 0.6rem 0; overflow-x: auto;} math {font-size: 1.1rem;}
.note {color: #333; font-size: 0.9rem;}
@media print {body {margin: 0; max-width: none;} .line {overflow: visible; break-inside: avoid;}
              h2 {break-after: avoid;}}
"""


def _math(line: str) -> str:
    """One LaTeX line as display MathML; an ``aligned`` block (a long sum in rows) as one display per row, its
    alignment marks dropped (the converter would print them)."""
    rows = [line]
    if line.startswith(r"\begin{aligned}"):
        rows = line.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r"\\")
    return "".join(f'<div class="line">{latex2mathml.converter.convert(r.replace("&", "").strip(), display="block")}'
                   "</div>" for r in rows)


def handout_html(title: str, about: str, x, y_i, w, b, L, i: int, loss: str, lr: float, names=None) -> str:
    r"""The handout for sample ``i``: ``x`` of shape (d,), its label ``y_i``, weights ``w`` of shape (d,) and ``b``,
    the chain-rule ledger ``L`` (:class:`perceptron.engine.backprop.Ledger`) of cost ``loss``, and the learning
    rate ``lr`` of the full-batch update :math:`w \leftarrow w - \alpha\,\partial C/\partial w` it ends with.
    ``about`` says where the numbers come from (plain text, shown as text). ``names``: the LaTeX names of the inputs
    (``("x_1", "x_2", "x_1^2", ...)``), so that the update of a weight past :math:`w_2` says which feature map it
    multiplies, as the Gradient descent page does."""
    cost = "mean squared error" if loss == "mse" else "cross-entropy"
    w_new, b_new = w - lr * L.dw, b - lr * L.db
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>", f'<p class="note">{html.escape(about)}</p>',
        f"<p>Sample #{i}: x = ({', '.join(latex.text(v) for v in x)}), y = {latex.text(y_i)}.</p>",
        "<h2>Forward propagation</h2>", *map(_math, latex.forward_steps(x, w, b)),
        f"<h2>Backpropagation ({cost}), sample #{i}</h2>", *map(_math, latex.backward_steps(L, i, y_i, loss)),
        f"<h2>The gradient: the sum over all {L.n} samples</h2>",
        *(_math(rf"\frac{{\partial C}}{{\partial w_{j + 1}}} = {latex.num(g)}") for j, g in enumerate(L.dw)),
        _math(rf"\frac{{\partial C}}{{\partial b}} = {latex.num(L.db)}"),
        f"<h2>One full-batch update, α = {latex.text(lr)}</h2>",
        *map(_math, latex.update_steps(w, b, L.dw, L.db, lr, w_new, b_new, names)),
        "</body></html>",
    ]
    return "\n".join(parts)
