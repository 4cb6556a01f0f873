r"""The printing rule for worked arithmetic: a line written with "=" holds for the numbers as printed.

A student checks ``0.008042 + 0.3202 = 0.3283`` by hand and finds 0.3282: each number was the
rounding of an exact value, but the sum of the roundings is not the rounding of the sum. The rule,
used by every page and the lesson:

1. The result is printed as the engine computed it (4 significant digits), so that it agrees with
   the same quantity printed anywhere else on the page.
2. The operands are printed with 4 significant digits, or with as many more (up to 8) as it takes
   for the line to hold: the expression evaluated on the operands *as printed* rounds to the
   printed result.
3. Where no such precision exists (an operand that underflows, a cancellation), the line says
   ``\approx`` instead of ``=``.
4. Very small and very large numbers are written ``m \times 10^{k}`` (scientific form), so a
   non-zero value is never printed as a rounded 0.

:func:`num` writes one number (the app's one formatter: ``latex.num`` is this function), :func:`text`
writes it as plain text for prose and tables, :func:`value_of` reads one back, :func:`equation` applies
the rule to a line and :func:`fit`/:func:`fit_many` find the digits it needs; :func:`printed` and
:func:`holds_where` decide a whole table's rows at once in floats (the rows they cannot decide go the
exact way), :func:`adds_up` checks a printed column against its sum. Numpy and the standard library only.
See docs/teaching-notes.md for every rule the pages follow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction
from types import MappingProxyType

import numpy as np

DIGITS = 4  # significant digits of a printed result
MAX_DIGITS = 8  # the most an operand gets before the line falls back to "≈"


def num(v, digits: int = DIGITS) -> str:
    r"""A number for LaTeX with ``digits`` significant digits; ``m \times 10^{k}`` when
    :math:`|v| < 10^{-3}` or :math:`|v| \ge 10^{5}`; trailing zeros dropped."""
    v = float(v)
    if 1e-3 <= abs(v) < 1e3:  # the common case, quickly: the same as below for these exponents
        s = f"{v:.{digits}g}"
        if "e" not in s:
            return s
    if not math.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\text{NaN}")
    if v == 0:
        return "0"
    mant, exp = f"{v:.{digits - 1}e}".split("e")
    k = int(exp)
    if -3 <= k < digits:
        return f"{v:.{digits}g}"
    if digits <= k < 5:  # 1,000 to 99,999 with few digits: the whole number, not "1.235e+04"
        return str(round(v))
    mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
    return rf"{mant} \times 10^{{{k}}}"


_SUPERSCRIPT = MappingProxyType(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
_SUBSCRIPT = MappingProxyType(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def superscript(k) -> str:
    """An integer in superscript digits, as plain text writes an exponent: −8 → ⁻⁸."""
    return str(k).translate(_SUPERSCRIPT)


def subscript(k) -> str:
    """A whole number in subscript digits, as plain text writes an index: 12 → ₁₂."""
    return str(k).translate(_SUBSCRIPT)


def plain(s: str) -> str:
    r"""A number written by :func:`num` as plain text, for prose and tables:
    ``-1.25 \times 10^{-4}`` → ``−1.25×10⁻⁴`` (a real minus sign; LaTeX's ``\infty`` → ``∞``)."""
    if "\\" not in s:
        return s.replace("-", "−")
    m = _SCI.match(s)
    if m:
        s = f"{m.group(1)}×10{m.group(2).translate(_SUPERSCRIPT)}"
    return s.replace(r"\infty", "∞").replace(r"\text{NaN}", "NaN").replace("-", "−")


def adds_up(texts: Sequence[str], result: float, digits: int = DIGITS) -> bool:
    """Whether numbers printed as plain text (:func:`text`) add up, in exact decimal arithmetic, to
    ``result`` printed with ``digits`` digits (a table's column and the sum under it)."""
    with localcontext() as ctx:
        ctx.prec = 50
        total = sum((_decimal(_latex(t)) for t in texts), Decimal(0))
    return num(float(total), digits) == num(result, digits)


def _latex(s: str) -> str:
    """The inverse of :func:`plain` for a number."""
    s = s.strip().replace("−", "-")
    m = re.fullmatch(r"(-?[0-9.]+)×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", s)
    if m:
        return rf"{m.group(1)} \times 10^{{{m.group(2).translate(_FROM_SUPERSCRIPT)}}}"
    return s


_FROM_SUPERSCRIPT = MappingProxyType(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))


def text(v, digits: int = DIGITS) -> str:
    """:func:`num` as plain text (:func:`plain`)."""
    return plain(num(v, digits))


_SCI = re.compile(r"^\s*(-?[0-9.]+)\s*\\times\s*10\^\{(-?\d+)\}\s*$")


def value_of(s: str) -> float:
    r"""The value a number printed by :func:`num` denotes (``"1.5 \times 10^{-3}"`` → 0.0015)."""
    s = s.strip().removeprefix("(").removesuffix(")")
    m = _SCI.match(s)
    if m:
        return float(f"{m.group(1)}e{m.group(2)}")
    if s in (r"\infty", r"-\infty"):
        return math.copysign(math.inf, -1.0 if s.startswith("-") else 1.0)
    return float(s)


def exact_z(x, w, b) -> float:
    r""":math:`z = \sum_j x_j w_j + b` of these floats, summed exactly (as fractions) and rounded once: the z its
    printed terms add up to. The computer's sum rounds every product and partial sum, which can leave rounding
    noise where the exact sum is 0: :math:`(-1.5)(0.3) + (-0.5)(-0.7) + 0.1` is exactly 0 for these floats and
    :math:`2.776\times10^{-17}` in floating point, which a page printed and called "positive". Where the
    inputs are not finite, or the sum leaves the floats, the computer's own sum."""
    x, w = np.asarray(x, dtype=float).reshape(-1), np.asarray(w, dtype=float).reshape(-1)
    z = float(x @ w + float(b))
    if not (math.isfinite(z) and np.all(np.isfinite(x)) and np.all(np.isfinite(w))):
        return z
    total = sum((Fraction(float(a)) * Fraction(float(c)) for a, c in zip(x, w, strict=True)), Fraction(float(b)))
    try:
        return float(total)
    except OverflowError:
        return z


def paren(s: str) -> str:
    """A printed number in parentheses when negative, so that products read clearly."""
    return f"({s})" if s.startswith("-") else s


def equation(template: str, f: Callable, operands: Sequence[float], result: float,
             digits: int = DIGITS, lo: int = DIGITS) -> str:
    r"""One worked line that holds at the precision it is printed.

    Parameters
    ----------
    template : str
        The line with ``@0``, ``@1``, … for the operands, ``@eq`` for the relation and
        ``@r`` for the result, e.g. ``"z = @0 + @1p @eq @r"`` (``@``, since LaTeX uses the
        braces). A placeholder written ``@1p`` puts a negative operand in parentheses.
        A chain (``"@0 \cdot @1 + @2 \cdot @3 @eq @4 + @5 @eq @r"``) writes ``@eq`` between each
        of its numeric expressions.
    f : callable
        The arithmetic the line shows, on the operands' values (``lambda a, b: a + b``); for a
        chain, a tuple with one value per numeric expression, each of which must give the result.
    operands : sequence of float
        The exact operand values.
    result : float
        The exact result (the engine's), printed with ``digits`` significant digits.
    lo : int
        The fewest significant digits an operand gets (a block of lines that prints each number at one
        precision passes its ``digits`` here).

    Returns
    -------
    str
        The line with ``=`` when ``f`` of the operands as printed rounds to the printed result,
        else with ``\approx`` and the operands at ``digits``.
    """
    shown = num(result, digits)
    k = fit(f, operands, result, digits, lo)
    for more in range(digits + 1, MAX_DIGITS + 1):  # a result on a rounding tie of its printed operands
        if k is not None:  # (1.5 + 999.9999999999982 = 1001.4999…: "1.5 + 1000 = 1001.5", not "≈ 1001")
            break
        if (k := fit(f, operands, result, more, lo)) is not None:
            shown = num(result, more)
    eq = "=" if k is not None else r"\approx"
    chosen = [num(v, k or max(lo, digits)) for v in operands]

    def fill(m: re.Match) -> str:
        if m.group(0) == "@eq":
            return eq
        if m.group(0) == "@r":
            return shown
        s = chosen[int(m.group(1))]
        return paren(s) if m.group(2) else s

    return _SLOT.sub(fill, template)


def fit(f: Callable, operands: Sequence[float], result: float, digits: int = DIGITS,
        lo: int = DIGITS, hi: int = MAX_DIGITS) -> int | None:
    """The fewest significant digits (``lo`` to ``hi``) for the operands such that ``f`` of the operands
    as printed rounds to ``result`` printed with ``digits`` digits; None when no such precision exists."""
    return fit_many(f, operands, [result], [digits], lo, hi, chain=True)


def fit_many(f: Callable, operands: Sequence[float], results: Sequence[float], digits: Sequence[int],
             lo: int = DIGITS, hi: int = MAX_DIGITS, chain: bool = False) -> int | None:
    """:func:`fit` for several results at once (a table row: one product per column): ``f`` returns one
    value per result, and each must round to its result printed with its own ``digits``. With
    ``chain``, every value ``f`` returns must give the one result."""
    shown = [num(r, k) for r, k in zip(results, digits, strict=True)]
    for k in range(lo, hi + 1):
        again = _evaluate(f, [num(v, k) for v in operands])
        if again is None:
            continue
        if chain and all(num(a, digits[0]) == shown[0] for a in again):
            return k
        if not chain and len(again) == len(shown) and all(
                num(a, d) == s for a, d, s in zip(again, digits, shown, strict=True)):
            return k
    return None


def printed(v, k):
    """What :func:`num` prints for each of ``v`` with ``k`` significant digits (``k`` may be an array), as
    floats, and where that reading is not certain (a near tie, a rounding across a power of ten): a
    fast, vectorized companion of :func:`num` for tables, whose uncertain cells go the exact way."""
    v = np.asarray(v, dtype=float)
    k = np.asarray(k, dtype=float)
    a = np.abs(v)
    with np.errstate(all="ignore"):
        e = np.floor(np.log10(np.where(a > 0, a, 1.0)))
        m = 10.0 ** (k - 1 - e)
        t = v * m
        r = np.round(t)
        unsure = (np.abs(np.abs(t - np.trunc(t)) - 0.5) < 1e-6) | (np.abs(r) >= 10.0**k) | ((np.abs(r) < 10.0 ** (k - 1)) & (a > 0))
        unsure |= ~np.isfinite(t) | (a < 1e-290) | (a > 1e290)
        return r / m, unsure


def holds_where(values, results, digits):
    """For each row: True where ``values`` (computed in floats from printed operands) rounds to the
    result printed with ``digits``, False where it does not, and None-like uncertainty (a second
    boolean array) where floats cannot tell (within 10⁻⁹ of a rounding boundary, or at a power of ten)."""
    values = np.asarray(values, dtype=float)
    shown, unsure = printed(results, digits)
    with np.errstate(all="ignore"):
        mag = np.floor(np.log10(np.where(shown != 0, np.abs(shown), 1.0)))
        half = 0.5 * 10.0 ** (mag - np.asarray(digits, dtype=float) + 1)
        gap = np.abs(values - shown)
        yes = gap < half * (1 - 1e-9)
        no = gap > half * (1 + 1e-9)
        power = np.abs(np.abs(shown) - 10.0**mag) <= 1e-12 * np.abs(shown)  # below a power of ten the step is finer
        unsure = unsure | ~(yes | no) | power | (shown == 0) | ~np.isfinite(values)
    return yes & ~unsure, unsure


def holds(line: str) -> bool:
    r"""Whether a line made by :func:`equation` got its ``=`` (not the ``\approx`` fallback)."""
    return r"\approx" not in line


def exp(v):
    """:math:`e^v` for a float or a :class:`~decimal.Decimal` (so that a line with σ is checked exactly)."""
    return v.exp() if isinstance(v, Decimal) else math.exp(v)


def sigmoid_of(z):
    r""":math:`1/(1+e^{-z})` for a float or a Decimal, as the printed line writes it."""
    return 1 / (1 + exp(-z))


def _evaluate(f: Callable, strs: list[str]) -> list[float] | None:
    """``f`` of the printed operands (a list: one value per expression of a chain): in exact decimal
    arithmetic where ``f`` allows it (so that a float's own rounding cannot flip the last digit),
    else in floats; None if undefined."""
    with localcontext() as ctx, np.errstate(all="ignore"):
        ctx.prec = 50
        try:
            return _floats(f(*[_decimal(s) for s in strs]))
        except (TypeError, ValueError, ArithmeticError):  # decimal's Overflow, InvalidOperation, …
            pass
        try:
            return _floats(f(*[value_of(s) for s in strs]))
        except (ArithmeticError, ValueError):
            return None


def _floats(v) -> list[float]:
    out = [float(a) for a in (v if isinstance(v, tuple | list) else (v,))]
    if not all(math.isfinite(a) for a in out):
        raise ValueError("not finite")
    return out


def _decimal(s: str) -> Decimal:
    s = s.strip().removeprefix("(").removesuffix(")")
    m = _SCI.match(s)
    return Decimal(m.group(1)).scaleb(int(m.group(2))) if m else Decimal(s)


_SLOT = re.compile(r"@eq|@r|@(\d+)(p?)")
