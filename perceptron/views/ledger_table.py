r"""The Backpropagation page's table: every sample's chain-rule factors, its contributions, and
their sums, printed by the rule of :mod:`perceptron.text.worked` (each row's products and each
column's sum hold for the numbers as printed). Pure (numpy, pandas).
"""

from __future__ import annotations

import math
from dataclasses import fields, replace

import numpy as np
import pandas as pd

from ..engine.backprop import Ledger
from ..engine.neuron import sigmoid
from ..text import worked


def ledger_table(L: Ledger, y, names=None) -> pd.DataFrame:
    r"""Every sample's chain-rule factors and contributions as printed text; the last row is their sum, the gradient.

    Each row holds two relations, :math:`\partial C/\partial z_i = \partial C/\partial \hat y_i \cdot
    \partial \hat y_i/\partial z_i` and :math:`\text{contribution}_{ij} = \partial C/\partial z_i \cdot x_{ij}`,
    and each column of contributions adds up to the gradient (the :math:`\partial C/\partial z` column to
    :math:`\partial C/\partial b`). The printing rule of :mod:`perceptron.text.worked` applies: results
    are the engine's values to 4 digits, and the numbers that produce them get as many digits as it
    takes for the relation to hold as printed; a result whose relation cannot hold is written "≈ …".
    Rows are decided in floats, all at once; a row floats cannot decide is decided exactly (decimals).
    """
    n, d = L.n, L.dz_dw.shape[1]
    X = np.asarray(L.dz_dw, dtype=float)
    names = list(names or [f"x{j + 1}" for j in range(d)])
    A, B, C = (np.asarray(v, dtype=float) for v in (L.dC_dyhat, L.dyhat_dz, L.dC_dz))
    D, z, y_hat = np.asarray(L.dC_dw_i, dtype=float), np.asarray(L.z, dtype=float), np.asarray(L.y_hat, dtype=float)
    plus = lambda *v: sum(v)  # noqa: E731
    # the sums: the fewest digits of each contributions column (and of ∂C/∂z) that add up to the gradient
    sums = [(D[:, j], float(L.dw[j])) for j in range(d)] + [(C, float(L.db))]
    kcol = [_sum_digits(col, total) or worked.fit(plus, list(col), total) or worked.DIGITS for col, total in sums]
    # ∂C/∂z and the inputs: the fewest digits (from the ∂C/∂z column's) for every contribution of the row
    kc = _row_digits(lambda c, *x: [c * v for v in x], [C, *X.T], list(D.T), kcol[:d], kcol[d])
    for i in np.flatnonzero(kc == 0):  # rows floats cannot decide: exactly
        kc[i] = worked.fit_many(lambda c, *x: tuple(c * v for v in x), [C[i], *X[i]], list(D[i]), kcol[:d],
                                lo=kcol[d]) or -1
    # ∂C/∂ŷ and ∂ŷ/∂z: the fewest digits for their product to give ∂C/∂z at its digits
    c_digits = np.where(kc > 0, kc, kcol[d])
    ka = _row_digits(lambda a, b: [a * b], [A, B], [C], [c_digits])
    for i in np.flatnonzero(ka == 0):
        ka[i] = worked.fit(lambda a, b: a * b, [A[i], B[i]], C[i], int(c_digits[i])) or -1
    # ŷ = σ(z), never printed "1" (σ never reaches 1): where it would, "1 − σ(−z)", the gap computed as such
    gap = sigmoid(-z)
    near = (y_hat > 0.5) & (np.array([worked.num(v) for v in y_hat]) == "1")
    shown = np.where(near, gap, y_hat)
    with np.errstate(over="ignore"):
        kz = _row_digits(lambda v: [1 / (1 + np.exp(np.where(near, v, -v)))], [z], [shown], [worked.DIGITS])
    for i in np.flatnonzero(kz == 0):
        kz[i] = worked.fit(lambda v, s=-1 if near[i] else 1: worked.sigmoid_of(s * v), [z[i]], shown[i]) or -1
    # a product of nonzero factors below the smallest normal float underflowed (to 0, or to a few digits): the
    # float check above passes it (the printed factors underflow the same way), yet "= 0" would be false
    lost_c, lost_d = underflowed(L)
    t = worked.text
    rows = []
    for i in range(n):  # k > 0: the digits that make the relation hold; -1: none does ("≈")
        a_k, c_k, z_k = (int(k) if k > 0 else worked.DIGITS for k in (ka[i], c_digits[i], kz[i]))
        row = {"y": t(y[i]), "z": t(z[i], z_k), "ŷ": ("≈ " if kz[i] < 0 and y_hat[i] != 0 and gap[i] != 0 else "") + probability_cell(y_hat[i], gap[i], near[i]), "∂C/∂ŷ": t(A[i], a_k), "∂ŷ/∂z": t(B[i], a_k),
               "∂C/∂z": ("" if ka[i] > 0 and not lost_c[i] else "≈ ") + t(C[i], c_k)}
        for j in range(d):
            row[names[j]] = t(X[i, j], c_k)
        for j in range(d):
            row[f"∂C/∂w{j + 1} contribution"] = ("" if kc[i] > 0 and not lost_d[i, j] else "≈ ") + t(D[i, j], kcol[j])
        rows.append(row)
    contrib = [f"∂C/∂w{j + 1} contribution" for j in range(d)]
    columns = ["y", "z", "ŷ", "∂C/∂ŷ", "∂ŷ/∂z", "∂C/∂z", *names, *contrib]
    total = {c: "" for c in columns}
    # each sum as printed: the cells' own digits (a row may have needed more), checked on the strings
    for col, (_, value) in zip([*contrib, "∂C/∂z"], sums, strict=True):
        cells = [row[col].removeprefix("≈ ") for row in rows]
        digits = c_digits if col == "∂C/∂z" else kcol[contrib.index(col)]
        quick = _sum_holds(sums[-1][0] if col == "∂C/∂z" else D[:, contrib.index(col)], digits, value)
        total[col] = ("" if (quick if quick is not None else worked.adds_up(cells, value)) else "≈ ") + t(value)
    total["∂C/∂z"] += "  (= ∂C/∂b)"
    # one frame, the sum its last row (appending a row to a frame costs as much as building it)
    return pd.DataFrame([*rows, total], columns=columns, index=[f"#{i}" for i in range(n)] + ["sum = gradient"])


def probability_cell(y_hat: float, gap: float, near: bool) -> str:
    r""":math:`\hat y = \sigma(z)` as a table cell: "0.8365"; "1 − 3.136×10⁻⁶" where it would print as 1 (``near``), the gap
    :math:`1 - \hat y = \sigma(-z)` computed as such; "≈ 1" or "≈ 0" where even that is below the smallest float (σ is
    never 0 or 1, as :func:`perceptron.text.teaching.probability` says in prose)."""
    if y_hat == 0:
        return "≈ 0"
    if not near:
        return worked.text(y_hat)
    return f"1 − {worked.text(gap)}" if gap > 0 else "≈ 1"


def underflowed(L: Ledger) -> tuple[np.ndarray, np.ndarray]:
    r"""Which products of the ledger underflowed: :math:`\partial C/\partial z_i` (shape (n,)) and the contributions
    :math:`\partial C/\partial z_i \cdot x_{ij}` (shape (n, d)) whose factors are not 0 but whose value is below the
    smallest normal float, :math:`2.2\times10^{-308}` (0, or a subnormal with few digits left). Their true value
    is not 0: :math:`2.856\times10^{-254} \cdot 1.142\times10^{-252} \approx 3.3\times10^{-506}` is stored as 0."""
    tiny = np.finfo(float).tiny
    A, B, C = (np.asarray(v, dtype=float) for v in (L.dC_dyhat, L.dyhat_dz, L.dC_dz))
    X, D = np.asarray(L.dz_dw, dtype=float), np.asarray(L.dC_dw_i, dtype=float)
    lost_c = (A != 0) & (B != 0) & (np.abs(C) < tiny)
    lost_d = (lost_c | (C != 0))[:, None] & (X != 0) & (np.abs(D) < tiny)
    return lost_c, lost_d


def _sum_digits(col, total: float, lo=worked.DIGITS, hi=worked.MAX_DIGITS) -> int | None:
    """The fewest digits (``lo`` to ``hi``; ``lo`` may be one per cell) of a column's cells for which their sum,
    as printed, rounds to ``total`` at 4 digits, decided in floats; None where floats cannot tell or no
    precision works (the caller then decides exactly)."""
    for k in range(lo, hi + 1):
        holds = _sum_holds(col, k, total)
        if holds is None:
            return None
        if holds:
            return k
    return None


def _sum_holds(col, digits, total: float) -> bool | None:
    """Whether the cells of a column, printed with ``digits`` (one for all, or one per cell), add up to
    ``total`` printed with 4 digits, decided in floats; None where floats cannot tell."""
    vals, unsure = worked.printed(col, digits)
    shown, unsure_total = worked.printed(total, worked.DIGITS)
    if unsure.any() or unsure_total or shown == 0:
        return None
    s = math.fsum(vals)  # the exact sum of the floats; each float is its printed value to 1 ulp
    err = 4e-16 * float(np.sum(np.abs(vals))) + 1e-300
    mag = math.floor(math.log10(abs(shown)))
    half = 0.5 * 10.0 ** (mag - worked.DIGITS + 1)
    gap = abs(s - shown)
    if abs(gap - half) <= 2 * err or abs(abs(shown) - 10.0**mag) <= 1e-12 * abs(shown):
        return None
    return gap < half


def _row_digits(f, operands, results, digits, lo: int = worked.DIGITS) -> np.ndarray:
    """For every row at once: the fewest significant digits (``lo`` to 8) of the operands for which each
    of ``f``'s values (on the operands as printed) rounds to its result at its digits. 0 where floats
    cannot decide the row (the caller decides it exactly); -1 where no precision works."""
    n = len(operands[0])
    out = np.zeros(n, dtype=int)
    open_ = np.ones(n, dtype=bool)
    unsure_any = np.zeros(n, dtype=bool)
    for k in range(lo, worked.MAX_DIGITS + 1):
        shown = [worked.printed(v, k) for v in operands]
        unsure = np.logical_or.reduce([u for _, u in shown]) if shown else np.zeros(n, dtype=bool)
        with np.errstate(all="ignore"):
            values = f(*[v for v, _ in shown])
        ok = np.ones(n, dtype=bool)
        for value, result, dig in zip(values, results, digits, strict=True):
            yes, maybe = worked.holds_where(value, result, dig)
            ok &= yes
            unsure |= maybe
        done = open_ & ok & ~unsure
        out[done] = k
        open_ &= ~done
        unsure_any |= open_ & unsure
    out[open_ & ~unsure_any] = -1  # no precision up to 8 digits: "≈"
    return out


def fd_table(check: dict) -> pd.DataFrame:
    """The finite-difference check as printed text: each gradient component by the chain rule and by finite
    differences, with the digits of the worked lines (4 significant, scientific form for the very small and the
    very large: never a long plain decimal nor a rounded 0), and their difference, taken before rounding (at 4
    digits the two often print alike although they differ further down)."""
    g, ng = np.asarray(check["analytic"], dtype=float), np.asarray(check["numeric"], dtype=float)
    d = g.size - 1
    t = worked.text
    return pd.DataFrame({"chain rule": [t(v) for v in g], "finite difference": [t(v) for v in ng],
                         "difference (before rounding)": [t(v) for v in g - ng]},
                        index=[f"∂C/∂w{j + 1}" for j in range(d)] + ["∂C/∂b"])


def ledger_rows(L: Ledger, first: int, last: int) -> Ledger:
    """Samples ``first`` to ``last − 1`` of a ledger, their sums (dw, db) theirs: the contributions of these rows."""
    cut = {f.name: getattr(L, f.name)[first:last] for f in fields(Ledger) if f.name not in ("dw", "db", "cost")}
    return replace(L, **cut, dw=cut["dC_dw_i"].sum(axis=0), db=float(cut["dC_db_i"].sum()))
