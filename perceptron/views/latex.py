r"""The article's steps written out in LaTeX with a sample's real numbers.

Pure string building from numbers (numpy only): the pages render these lines,
and the Markdown export pastes the same lines into homework.
"""

from __future__ import annotations

import functools
import itertools
import math
import re

import numpy as np

from ..engine.neuron import sigmoid
from ..text.worked import DIGITS, MAX_DIGITS, equation, exact_z, fit, holds, num, sigmoid_of, text, value_of
from ..text.worked import paren as _paren

__all__ = ["backward_digits", "backward_steps", "dC_dyhat_line", "forward_digits", "forward_steps", "ledger_markdown",
           "num", "paren", "raw_units_steps", "stacked", "text", "update_steps"]


def paren(v) -> str:
    """A number (:func:`~perceptron.text.worked.num`) in parentheses when negative, so that products read clearly."""
    return _paren(num(v))


def stacked(line: str) -> str:
    r"""A worked line with two or more relations written one relation per row, aligned at them::

        z = x·w + b = 0.0080421 + 0.32021 = 0.3283   →   z &= x·w + b \\ &= 0.0080421 + 0.32021 \\ &= 0.3283

    (``\leftarrow`` too: an update's rule gets the first row) so that its result has a short row of its own: on a phone (390 px) a one-line chain is wider than the
    screen, and the scrolled-off part was the result. A note after ``\quad`` gets its own row; a line
    already in rows (``aligned``, ``gathered``) is written again the same way; a line with one relation is
    returned as it is. A long sum or product broken across rows (a row that goes on with ``+`` or
    ``\cdot``: :data:`GO_ON`) keeps its breaks, indented under its relation; a left side with a sum
    gets a row of its own. The arithmetic is unchanged, so the line holds as before.
    """
    flat = _GO_ON_IN.sub(_KEEP, line)
    if r"\begin{aligned}" in flat:
        flat = flat.replace(r"\begin{aligned}", "").replace(r"\end{aligned}", "").replace("&", "")
        flat = " ".join(flat.replace(r"\\", " ").split())
    if r"\begin{gathered}" in flat or r"\\" in flat:
        return line
    head, _, note = flat.partition(r"\quad")
    parts, rels, depth, start, k = [], [], 0, 0, 0
    while k < len(head):  # the relations outside braces and parentheses
        rel = next((r for r in ("=", r"\approx", r"\leftarrow") if head.startswith(r, k)), None)
        if rel and depth == 0:
            parts.append(head[start:k].strip())
            rels.append(rel)
            start = k = k + len(rel)
            continue
        depth += (head[k] in "{(") - (head[k] in "})")
        k += 1
    parts.append(head[start:].strip())
    if len(rels) < 2:  # a sum or product broken across rows stays in rows, however few its relations
        return line if _KEEP not in flat or r"\begin{aligned}" in line else rf"\begin{{aligned}} &{line} \end{{aligned}}"
    rows = [f"{parts[0]} &{rels[0]} {parts[1]}"] + [f"&{r} {p}" for r, p in zip(rels[1:], parts[2:], strict=True)]
    if r"\sum" in parts[0] or r"\tfrac12" in parts[0]:  # a wide left side (the slip's sum over inputs, a chord's
        # midpoint against its ends) gets a row of its own
        rows[0:1] = [f"&{parts[0]}", f"&{rels[0]} {parts[1]}"]
    if note.strip():
        rows.append(rf"&\quad {note.strip()}")
    return (r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}").replace(_KEEP, GO_ON)


# A row break inside a sum or product: the next row goes on with the operator, indented under the relation.
GO_ON = r" \\ &\qquad "
_GO_ON_IN = re.compile(r"\s*\\\\\s*&\\q?quad\s*(?=[+-]|\\cdot)")
_KEEP = " \x00 "  # a break kept while the line is taken apart at its relations


def _sum(terms: list[str]) -> str:
    return " + ".join(terms)


def rows_sum(terms, per_row: int = 1) -> str:
    """Terms joined by +, ``per_row`` to a row (:data:`GO_ON`): a row of two signed products is about as
    wide as a phone's screen, so a long sum stays on it (:func:`stacked` keeps the rows)."""
    terms = list(terms)
    return (GO_ON + "+ ").join(" + ".join(terms[r : r + per_row]) for r in range(0, len(terms), per_row))


def forward_steps(x, w, b, names=None, step: bool = False, hide: bool = False, digits=None) -> list[str]:
    r"""The three steps of forward propagation for one sample, with its numbers.

    1. the weighted sum :math:`\sum_j x_j w_j`, term by term;
    2. :math:`z = \sum_j x_j w_j + b`;
    3. :math:`\hat y = \sigma(z) = 1/(1+e^{-z})`, or with ``step`` (Rosenblatt's rule) the step activation
       :math:`\hat y = \operatorname{step}(z)`, 1 where :math:`z \ge 0`, else 0.

    With ``hide`` the third line stops before its result (``= \;?``): the lesson asks for it first.

    Every line holds for its numbers as printed (:func:`~perceptron.text.worked.equation`), and a number that
    one line ends with and the next starts from is printed alike on both: the weighted sum at ``ks``
    significant digits, z at ``kz`` (never "= 0.3985" above "0.39849 + …"). The next line takes it as printed;
    the digits grow, fewest first, until every line holds so (``digits``: :func:`forward_digits` of the same
    arguments, when the caller has it already).
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    ks, kz = digits or forward_digits(x, w, b, step, hide)
    return _forward_lines(x, w, b, step, hide, ks, kz)


_FREE = None  # forward_digits found no common digits: each line prints its operands with the digits it needs


@functools.cache
def _candidates(count: int) -> tuple[tuple[int, ...], ...]:
    """Every choice of significant digits for ``count`` numbers, from DIGITS to MAX_DIGITS each, fewest in
    all first."""
    return tuple(sorted(itertools.product(range(DIGITS, MAX_DIGITS + 1), repeat=count), key=sum))


def fewest_digits(count: int, lines_hold) -> tuple[int, ...] | None:
    """The fewest significant digits for ``count`` numbers that are each printed alike wherever they stand
    (the line that computes one and the lines that read it): the first choice, fewest digits in all first,
    for which ``lines_hold(*digits)`` is true; None where no choice up to MAX_DIGITS digits is. The three
    searches (:func:`forward_digits`, :func:`backward_digits`, :func:`raw_units_steps`) are this one."""
    return next((ks for ks in _candidates(count) if lines_hold(*ks)), None)


def _sum_of_products(d: int):
    """The weighted sum's line as arithmetic: the products, then their sum (operands x₁…x_d, w₁…w_d, the d
    products)."""
    return lambda *v: (sum(v[j] * v[d + j] for j in range(d)), sum(v[2 * d:]))


def forward_digits(x, w, b, step: bool = False, hide: bool = False) -> tuple[int | None, int | None]:
    """The significant digits :func:`forward_steps` prints the weighted sum and z with (a sentence about z
    beside the lines prints it with the same digits). Where no digits up to 8 let every line hold with the
    number it starts from printed as the line above ended (a z of −16.64 that σ needs to 7 digits), each line
    gets the digits it needs, as :func:`equation` gives them: ``(None, None)``, a line that holds before one
    printed alike."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    products = x * w
    s, z = float(products.sum()), exact_z(x, w, b)
    operands, f_sum = [*x, *w, *products], _sum_of_products(len(w))

    @functools.cache
    def first(ks):  # the weighted sum's line ends with s at ks digits
        return fit(f_sum, operands, s, ks) is not None

    @functools.cache
    def third(kz):  # σ's line starts from z at kz digits (σ below the smallest float: a line with ≈ by design)
        return step or hide or holds(sigmoid_line(z, kz)) or float(sigmoid(z)) == 0 or float(sigmoid(-z)) == 0

    found = fewest_digits(2, lambda ks, kz: first(ks) and third(kz) and fit(
        lambda a, c: a + c, [value_of(num(s, ks)), float(b)], z, kz, ks) is not None)
    return found or (_FREE, _FREE)


def _forward_lines(x, w, b, step, hide, ks, kz):
    """:func:`forward_steps`'s lines with the weighted sum printed at ``ks`` and z at ``kz`` significant digits
    (:data:`_FREE`: the digits each line needs)."""
    d = len(w)
    products = x * w
    s = float(products.sum())
    z = exact_z(x, w, b)  # what the printed terms add up to: 0 where the computer's sum leaves rounding noise
    terms = rows_sum(rf"@{j}p \cdot @{d + j}p" for j in range(d))  # a product a row: both factors signed, wide
    prods = _sum([f"@{2 * d + j}p" for j in range(d)])
    s_shown = s if ks is _FREE else value_of(num(s, ks))  # the sum as the first line prints it, as the second reads it
    z_shown = z if kz is _FREE else value_of(num(z, kz))
    weighted = equation(
        rf"\begin{{aligned}} x \cdot w &= {terms} \\ &@eq {prods} @eq @r \end{{aligned}}",
        _sum_of_products(d), [*x, *w, *products], s, digits=ks or DIGITS)
    if step:
        side = r"\ge" if z >= 0 else "<"
        third = (r"\hat y = \operatorname{step}(z) = \;?" if hide else
                 rf"\hat y = \operatorname{{step}}(z) = {int(z >= 0)} \quad (z = {num(z, kz or DIGITS)} {side} 0)")
    elif hide:
        third = rf"\hat y = \sigma(z) = \frac{{1}}{{1 + e^{{-{_paren(num(z_shown, kz or DIGITS))}}}}} = \;?"
    else:
        third = sigmoid_line(z, kz)
    return [weighted, equation(r"z = x \cdot w + b = @0 + @1p @eq @r", lambda a, c: a + c, [s_shown, float(b)], z,
                               digits=kz or DIGITS, lo=ks or DIGITS), third]


def sigmoid_line(z: float, digits: int | None = None) -> str:
    r"""The line :math:`\hat y = \sigma(z) = 1/(1+e^{-z})` with its numbers, z as printed with ``digits``
    significant digits (as the line above printed it; None: the digits the line needs). σ never reaches 1: where ŷ would print as 1 at 4 digits,
    it is written :math:`1 - \sigma(-z)`, the tiny gap computed as such (``= 1 - 3.137 \times 10^{-6}``), never
    ``= 1``. The result is always σ of the true z."""
    y_hat, gap = float(sigmoid(z)), float(sigmoid(-z))
    shown = z if digits is None else value_of(num(z, digits))  # never more digits than the line above gave z
    digits = digits or DIGITS
    if y_hat == 0:  # σ(z) below the smallest float: σ is never 0, so no "= 0"
        return rf"\hat y = \sigma(z) = \frac{{1}}{{1 + e^{{-{_paren(num(shown, digits))}}}}} \approx 0"
    if num(y_hat) != "1":
        return equation(r"\hat y = \sigma(z) = \frac{1}{1 + e^{-@0p}} @eq @r", sigmoid_of, [shown], y_hat, lo=digits)
    if gap == 0:  # 1 − ŷ below the smallest float: no digits to show, and no "= 1"
        return rf"\hat y = \sigma(z) = \frac{{1}}{{1 + e^{{-{_paren(num(shown, digits))}}}}} \approx 1"
    return equation(r"\hat y = \sigma(z) = \frac{1}{1 + e^{-@0p}} @eq 1 - @r", lambda v: sigmoid_of(-v), [shown],
                    float(sigmoid(-z)), lo=digits)


def slope_line(head: str, z: float, slope: float, digits: int = DIGITS) -> str:
    r"""``head`` (the slope :math:`\sigma(z)(1 - \sigma(z))` written by name) ``= a \cdot b`` with its numbers and
    ``slope``, the engine's :math:`\sigma'(z)`. σ never reaches 1: a factor that would print as 1 is written
    :math:`1 - \sigma(-|z|)` (``(1 - 3.135 \times 10^{-6}) \cdot 3.135 \times 10^{-6}``), never ``1 \cdot``; where a
    factor or the slope itself is below the smallest normal float, the slope is :math:`\approx e^{-|z|}`, its
    value computed from the exponent, and what the computer stored is said."""
    z, slope = float(z), float(slope)
    p, q = float(sigmoid(z)), float(sigmoid(-z))
    if abs(slope) < _TINY and math.isfinite(z):  # σ′(z) = e^{−|z|}/(1 + e^{−|z|})² ≈ e^{−|z|}, to 1 part in e^{|z|}
        return (rf"{head} \approx e^{{-{num(abs(z))}}} \approx {_power(-abs(z) / math.log(10))} \quad "
                rf"(\text{{stored as }} {num(slope)}\text{{: below the smallest normal float}})")
    if num(p) == "1":
        return equation(rf"{head} = (1 - @0) \cdot @0 @eq @r", lambda g: (1 - g) * g, [q], slope, digits)
    if num(q) == "1":
        return equation(rf"{head} = @0 \cdot (1 - @0) @eq @r", lambda g: g * (1 - g), [p], slope, digits)
    return equation(rf"{head} = @0 \cdot @1 @eq @r", lambda a, c: a * c, [p, q], slope, digits)


def _power(e: float) -> str:
    r""":math:`10^e` for a real exponent e (it may be far below what a float holds), printed as :func:`num` prints."""
    k = math.floor(e)
    m = 10 ** (e - k)
    if m >= 9.9995:  # 9.9996 would print as 10.0
        m, k = m / 10, k + 1
    return rf"{float(f'{m:.4g}'):g} \times 10^{{{k}}}"


def dC_dyhat_line(n: int, y_i: float, z_i: float, dC: float, loss: str, i: str = "i", digits: int = DIGITS) -> str:
    r"""The cost's first factor for one sample, :math:`\partial C/\partial \hat y_{i}`, with its numbers.

    :math:`1 - \hat y` is written from :math:`\sigma(-z)`, so a saturated sigmoid shows the tiny
    number it is, never a rounded 0 (and cross-entropy never a division by 0). The result has ``digits``
    significant digits (the next line reads it so)."""
    y_hat, one_minus = float(sigmoid(z_i)), float(sigmoid(-z_i))
    hat, yy = (rf"\hat y_{i}", f"y_{i}") if i else (r"\hat y", "y")
    high, low = num(y_hat) == "1" and one_minus > 0, num(one_minus) == "1" and y_hat > 0  # σ never reaches 1
    if loss == "mse":
        head = rf"-\frac{{2}}{{n}}({yy} - {hat})"
        line = (equation(rf"{head} = -\frac{{2}}{{{n}}}(@0 - (1 - @1)) @eq @r", lambda a, g: -2 * (a - (1 - g)) / n,
                         [y_i, one_minus], dC, digits) if high else
                equation(rf"{head} = -\frac{{2}}{{{n}}}(@0 - @1) @eq @r", lambda a, c: -2 * (a - c) / n, [y_i, y_hat], dC, digits))
        if holds(line):
            return line
        # ŷ rounds to the label: y − ŷ is written as the number it is (σ(−z) or −σ(z))
        diff, why = ((y_i - 1.0) + one_minus, r"1 - \sigma(z) = \sigma(-z)") if y_i >= 0.5 else (y_i - y_hat, r"-\sigma(z)")
        return equation(rf"{head} = -\frac{{2}}{{{n}}} \cdot @0p @eq @r \quad (\text{{with }} {yy} - {hat} = {why})",
                        lambda a: -2 * a / n, [diff], dC, digits)
    head = rf"-\frac{{1}}{{n}}\left(\frac{{{yy}}}{{{hat}}} - \frac{{1-{yy}}}{{1-{hat}}}\right)"
    above, below = ("1 - @3" if high else "@1"), ("1 - @1" if low else "@3")  # 1 − σ(−z) where σ(z) would print 1
    return equation(rf"{head} = -\frac{{1}}{{{n}}}\left(\frac{{@0}}{{{above}}} - \frac{{@2}}{{{below}}}\right) @eq @r",
                    lambda a, c, e, g: -(a / (1 - g if high else c) - e / (1 - c if low else g)) / n,
                    [y_i, y_hat, 1.0 - y_i, one_minus], dC, digits)


def backward_steps(L, i: int, y_i: float, loss: str = "mse", names=None, digits=None) -> list[str]:
    r"""The chain rule for sample i, factor by factor, from a :class:`~perceptron.engine.backprop.Ledger`.

    Each product holds for its factors as printed; :math:`1 - \sigma(z_i)` is :math:`\sigma(-z_i)`. A factor
    that one line ends with and a later line multiplies is printed alike on both (:func:`backward_digits`):
    never "= −0.1565" above "(−0.15647) · 1.2808" (``digits``: :func:`backward_digits` of the same arguments, when
    the caller has it already)."""
    kd, ks, kz = digits or backward_digits(L, i, y_i, loss)
    return _backward_lines(L, i, float(y_i), loss, kd, ks, kz)




def backward_digits(L, i: int, y_i: float, loss: str = "mse") -> tuple[int | None, int | None, int | None]:
    r"""The significant digits :func:`backward_steps` prints :math:`\partial C/\partial \hat y_i`,
    :math:`\sigma'(z_i)` and :math:`\partial C/\partial z_i` with, on the line that computes each and on the
    lines that multiply it: the fewest with which every line holds, each later line reading the factor as
    printed. ``(None, None, None)`` where no digits up to 8 do, or where the product underflowed (its lines say
    ≈ by design): each line then gets the digits it needs."""
    n, z, y_i = L.n, float(L.z[i]), float(y_i)
    dC, slope, dz = float(L.dC_dyhat[i]), float(L.dyhat_dz[i]), float(L.dC_dz[i])
    xs, ds = [float(v) for v in L.dz_dw[i]], [float(v) for v in L.dC_dw_i[i]]
    if (dC != 0 and slope != 0 and abs(dz) < _TINY) or abs(slope) < _TINY or any(
            x != 0 and dz != 0 and abs(d) < _TINY for x, d in zip(xs, ds, strict=True)):
        return None, None, None
    times = lambda a, c: a * c  # noqa: E731

    @functools.cache
    def first(kd):
        return holds(dC_dyhat_line(n, y_i, z, dC, loss, digits=kd))

    @functools.cache
    def second(ks):
        return holds(slope_line("s", z, slope, ks))

    @functools.cache
    def product(kd, ks, kz):
        return fit(times, [value_of(num(dC, kd)), value_of(num(slope, ks))], dz, kz, max(kd, ks)) is not None

    @functools.cache
    def weights(kz):
        dz_shown = value_of(num(dz, kz))
        return all(fit(times, [dz_shown, x], d, DIGITS, kz) is not None for x, d in zip(xs, ds, strict=True))

    found = fewest_digits(3, lambda kd, ks, kz: first(kd) and second(ks) and weights(kz) and product(kd, ks, kz))
    return found or (None, None, None)


def _backward_lines(L, i, y_i, loss, kd, ks, kz) -> list[str]:
    """:func:`backward_steps`'s lines with ∂C/∂ŷᵢ, σ′(zᵢ) and ∂C/∂zᵢ printed at ``kd``, ``ks`` and ``kz``
    significant digits (None: the digits each line needs)."""
    n, z = L.n, float(L.z[i])
    dC = float(L.dC_dyhat[i])
    a, c, dz = dC, float(L.dyhat_dz[i]), float(L.dC_dz[i])
    a_shown = a if kd is None else value_of(num(a, kd))  # as the line that computes it prints it
    c_shown = c if ks is None else value_of(num(c, ks))
    dz_shown = dz if kz is None else value_of(num(dz, kz))
    lines = [
        rf"\frac{{\partial C}}{{\partial \hat y_i}} = {dC_dyhat_line(n, y_i, z, dC, loss, digits=kd or DIGITS)}",
        slope_line(r"\frac{\partial \hat y_i}{\partial z_i} = \sigma(z_i)(1 - \sigma(z_i))", z, c, ks or DIGITS),
        equation(r"\frac{\partial C}{\partial z_i} = \frac{\partial C}{\partial \hat y_i}\frac{\partial \hat y_i}"
                 r"{\partial z_i} = @0p \cdot @1p @eq @r", lambda u, v: u * v,
                 [a_shown, c_shown], dz, kz or DIGITS, max(kd or DIGITS, ks or DIGITS)),
    ]
    lost = a != 0 and c != 0 and abs(dz) < _TINY  # the product underflowed: its true value from the exponents
    if lost:
        lines[-1] = (lines[-1].rsplit(" = ", 1)[0] + rf" \approx {_product(a, c)} \quad "
                     rf"(\text{{stored as }} {num(dz)}\text{{: below the smallest normal float}})")
    if loss != "mse":  # the sigmoid's slope cancels: the engine computes this factor as (ŷ − y)/n
        lines[-1] = lines[-1].replace(r"{\partial z_i} = ", r"{\partial z_i} = \frac{\hat y_i - y_i}{n} = ", 1)
    for j in range(L.dz_dw.shape[1]):
        x, d = float(L.dz_dw[i, j]), float(L.dC_dw_i[i, j])
        head = (rf"\frac{{\partial C}}{{\partial w_{j + 1}}}\Big|_i = \frac{{\partial C}}{{\partial z_i}} \cdot "
                rf"\frac{{\partial z_i}}{{\partial w_{j + 1}}}")
        if x != 0 and (lost or (dz != 0 and abs(d) < _TINY)):
            factors = (a, c, x) if lost else (dz, x)
            lines.append(rf"{head} \approx {_product(*factors[:-1])} \cdot {_paren(num(x))} \approx "
                         rf"{_product(*factors)} \quad (\text{{stored as }} {num(d)})")
        else:
            lines.append(equation(rf"{head} = @0p \cdot @1p @eq @r", lambda u, v: u * v, [dz_shown, x], d,
                                  lo=kz or DIGITS))
    b_line = r"\frac{\partial C}{\partial b}\Big|_i = \frac{\partial C}{\partial z_i} \cdot 1"
    lines.append(rf"{b_line} \approx {_product(a, c)} \quad (\text{{stored as }} {num(L.dC_db_i[i])})" if lost
                 else rf"{b_line} = {num(L.dC_db_i[i], kz or DIGITS)}")
    return lines


_TINY = float(np.finfo(float).tiny)  # the smallest normal float: below it a product keeps few digits, or none


def _product(*factors: float) -> str:
    r"""The product of nonzero factors, computed from their exponents (it may be far below what a float holds:
    :math:`2.856\times10^{-254} \cdot 1.142\times10^{-252} \approx 3.262\times10^{-506}`), printed as
    :func:`num` prints."""
    e = sum(math.log10(abs(f)) for f in factors)
    k = math.floor(e)
    m = math.copysign(10 ** (e - k), math.prod(math.copysign(1.0, f) for f in factors))
    if abs(m) >= 9.9995:  # 9.9996 would print as 10.0
        m, k = m / 10, k + 1
    return rf"{float(f'{m:.4g}'):g} \times 10^{{{k}}}"


def update_steps(w, b, dw, db, lr, w_new, b_new, names=None) -> list[str]:
    r"""The update :math:`w \leftarrow w - \alpha\,\partial C/\partial w` with its numbers (each line holds
    for its numbers as printed). ``names``: the LaTeX names of the inputs (``("x_1", "x_2", "x_1^2", ...)``);
    a weight past :math:`w_2` then says which feature map it multiplies, :math:`w_3` of :math:`x_1^2`."""
    step = lambda v, a, g: v - a * g  # noqa: E731
    names = list(names or [])
    lines = [
        equation(rf"w_{j + 1} \leftarrow w_{j + 1} - \alpha \frac{{\partial C}}{{\partial w_{j + 1}}} = "
                 r"@0 - @1 \cdot @2p @eq @r", step, [float(w[j]), float(lr), float(dw[j])], float(w_new[j]))
        + (rf" \quad (\text{{the weight of }} {names[j]})" if j >= 2 and j < len(names) else "")
        for j in range(len(w))
    ]
    lines.append(equation(r"b \leftarrow b - \alpha \frac{\partial C}{\partial b} = @0 - @1 \cdot @2p @eq @r", step,
                          [float(b), float(lr), float(db)], float(b_new)))
    return lines


def raw_units_steps(x, mean, std, w, b, z: float) -> list[str]:
    r"""The neuron of standardized inputs :math:`\tilde x_j = (x_j - \mu_j)/\sigma_j` written in the data's own
    units, each line with its numbers (and holding as printed):

    1. :math:`w'_j = w_j / \sigma_j`, one line per input;
    2. :math:`b' = b - (w'_1 \mu_1 + w'_2 \mu_2)`;
    3. the boundary :math:`w'_1 x_1 + w'_2 x_2 + b' = 0`, solved for :math:`x_2` where :math:`w'_2 \ne 0`
       (slope and intercept, each a line of its own), else for :math:`x_1`;
    4. the sample's :math:`z = w'_1 x_1 + w'_2 x_2 + b'` from its raw coordinates: the same ``z`` the
       standardized inputs gave.

    x, mean, std, w : arrays of shape (2,) (the raw sample, the training points' mean and standard deviation,
    the weights of the standardized inputs); ``b`` the bias; ``z`` the sample's :math:`z` as the neuron
    computed it.
    """
    x, mean, std, w = (np.asarray(v, dtype=float).reshape(2) for v in (x, mean, std, w))
    w_raw = w / std
    b_raw = float(b) - float(w_raw @ mean)
    # w' and b' are results on one line and operands on the next: each is printed alike wherever it stands
    # (never 1.179 on one line and 1.1787 on the next). The later lines take them as printed, at ``kw`` and
    # ``kb`` digits, and their own results (b', slope, intercept, z) are the true values, so each line still
    # holds as printed; kw and kb grow until every line does.
    # A z near 0 from large terms (308.9 − 13.78 − 295.8 = −0.6539) may need more digits than w' can have:
    # then the other lines still hold, and the last says ≈.
    for last in (True, False):
        found = fewest_digits(2, lambda kw, kb, last=last: _raw_lines(
            x, mean, std, w, b, w_raw, b_raw, float(z), kw, kb, last, build=False) is not None)
        if found:
            return _raw_lines(x, mean, std, w, b, w_raw, b_raw, float(z), *found, last)
    return _raw_lines(x, mean, std, w, b, w_raw, b_raw, float(z), DIGITS, DIGITS, strict=False)


def _raw_lines(x, mean, std, w, b, w_raw, b_raw, z, kw, kb, last=True, strict=True, build=True):
    """:func:`raw_units_steps`'s lines with w' printed at ``kw`` and b' at ``kb`` significant digits; None
    (with ``strict``) when a line (the last one, the sample's z, only if ``last``) would not hold so; without
    ``build``, only whether they hold (an empty list), the lines not written."""
    wp = [value_of(num(v, kw)) for v in w_raw]  # w' as printed
    bp = value_of(num(b_raw, kb))
    specs = [(rf"w'_{j + 1} = \frac{{w_{j + 1}}}{{\sigma_{j + 1}}} = \frac{{@0}}{{@1}} @eq @r",
              lambda a, c: a / c, [float(w[j]), float(std[j])], float(w_raw[j]), kw, DIGITS) for j in range(2)]
    specs.append((r"b' = b - (w'_1 \mu_1 + w'_2 \mu_2) = @0 - (@1p \cdot @2p + @3p \cdot @4p) @eq @r",
                  lambda c, a1, m1, a2, m2: c - (a1 * m1 + a2 * m2),
                  [float(b), wp[0], float(mean[0]), wp[1], float(mean[1])], b_raw, kb, kw))
    if w_raw[1] != 0:
        specs.append((r"\text{slope} = -\frac{w'_1}{w'_2} = -\frac{@0p}{@1p} @eq @r",
                      lambda a1, a2: -a1 / a2, wp, float(-w_raw[0] / w_raw[1]), DIGITS, kw))
        specs.append((r"\text{intercept} = -\frac{b'}{w'_2} = -\frac{@0p}{@1p} @eq @r", lambda c, a2: -c / a2,
                      [bp, wp[1]], float(-b_raw / w_raw[1]), DIGITS, max(kw, kb)))
    elif w_raw[0] != 0:
        specs.append((r"\text{boundary: } x_1 = -\frac{b'}{w'_1} = -\frac{@0p}{@1p} @eq @r", lambda c, a1: -c / a1,
                      [bp, wp[0]], float(-b_raw / w_raw[0]), DIGITS, max(kw, kb)))
    specs.append((r"z = w'_1 x_1 + w'_2 x_2 + b' = @0p \cdot @1p + @2p \cdot @3p + @4p @eq @r",
                  lambda a1, x1, a2, x2, c: a1 * x1 + a2 * x2 + c,
                  [wp[0], float(x[0]), wp[1], float(x[1]), bp], z, DIGITS, max(kw, kb)))
    if strict and any(fit(f, ops, r, digits, lo) is None for _, f, ops, r, digits, lo in specs[:None if last else -1]):
        return None
    if not build:
        return []
    lines = [equation(t, f, ops, r, digits=digits, lo=lo) for t, f, ops, r, digits, lo in specs]
    if w_raw[1] != 0:  # the line itself, from the slope and intercept as just printed
        slope, icept = (line.rsplit("= ", 1)[-1].rsplit(r"\approx ", 1)[-1] for line in lines[3:5])
        sign = "-" if icept.startswith("-") else "+"
        lines.insert(5, rf"\text{{boundary: }} x_2 = {slope}\, x_1 {sign} {icept.removeprefix('-')}")
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
