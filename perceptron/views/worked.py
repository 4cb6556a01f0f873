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

:func:`num` writes one number, :func:`value_of` reads one back, :func:`equation` applies the rule.
Pure string building (numpy only).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext

import numpy as np

DIGITS = 4  # significant digits of a printed result
MAX_DIGITS = 8  # the most an operand gets before the line falls back to "≈"


def num(v, digits: int = DIGITS) -> str:
    r"""A number for LaTeX with ``digits`` significant digits; ``m \times 10^{k}`` when
    :math:`|v| < 10^{-3}` or :math:`|v| \ge 10^{5}`; trailing zeros dropped."""
    v = float(v)
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


def paren(s: str) -> str:
    """A printed number in parentheses when negative, so that products read clearly."""
    return f"({s})" if s.startswith("-") else s


def equation(template: str, f: Callable[..., float], operands: Sequence[float], result: float,
             digits: int = DIGITS) -> str:
    r"""One worked line that holds at the precision it is printed.

    Parameters
    ----------
    template : str
        The line with ``@0``, ``@1``, … for the operands, ``@eq`` for the relation and
        ``@r`` for the result, e.g. ``"z = @0 + @1p @eq @r"`` (``@``, since LaTeX uses the
        braces). A placeholder written ``@1p`` puts a negative operand in parentheses.
    f : callable
        The arithmetic the line shows, on the operands' values (``lambda a, b: a + b``).
    operands : sequence of float
        The exact operand values.
    result : float
        The exact result (the engine's), printed with ``digits`` significant digits.

    Returns
    -------
    str
        The line with ``=`` when ``f`` of the operands as printed rounds to the printed result,
        else with ``\approx`` and the operands at ``digits``.
    """
    shown = num(result, digits)
    chosen = None
    for k in range(digits, MAX_DIGITS + 1):
        strs = [num(v, k) for v in operands]
        again = _evaluate(f, strs)
        if again is None:
            continue
        if num(again, digits) == shown:
            chosen = strs
            break
    eq = "="
    if chosen is None:
        chosen, eq = [num(v, digits) for v in operands], r"\approx"

    def fill(m: re.Match) -> str:
        if m.group(0) == "@eq":
            return eq
        if m.group(0) == "@r":
            return shown
        s = chosen[int(m.group(1))]
        return paren(s) if m.group(2) else s

    return _SLOT.sub(fill, template)


def _evaluate(f: Callable[..., float], strs: list[str]) -> float | None:
    """``f`` of the printed operands: in exact decimal arithmetic where ``f`` allows it (so that
    a float's own rounding cannot flip the last digit), else in floats; None if undefined."""
    with localcontext() as ctx, np.errstate(all="ignore"):
        ctx.prec = 50
        try:
            return float(f(*[_decimal(s) for s in strs]))
        except (TypeError, InvalidOperation, DivisionByZero):
            pass
        try:
            return float(f(*[value_of(s) for s in strs]))
        except (ZeroDivisionError, OverflowError, ValueError):
            return None


def _decimal(s: str) -> Decimal:
    s = s.strip().removeprefix("(").removesuffix(")")
    m = _SCI.match(s)
    return Decimal(m.group(1)).scaleb(int(m.group(2))) if m else Decimal(s)


_SLOT = re.compile(r"@eq|@r|@(\d+)(p?)")
