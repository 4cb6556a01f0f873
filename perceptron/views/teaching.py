r"""Sentences computed from the numbers they talk about, for the pages and the lesson.

A sentence that states a fact about the numbers ("the cost goes down", "ŷ is above 0.5", "the
neuron is right", "the run bounced") is built here from those same numbers, the equal case
included, so that it cannot disagree with what the page shows beside it. Plain strings (numpy only).
"""

from __future__ import annotations

import math

import numpy as np

from .worked import text

RISE = 1e-12  # a cost that changes by no more than this (relative) "does not change"


def direction(before: float, after: float, up: str = "goes up", down: str = "goes down",
              same: str = "does not change") -> str:
    """How a number moved from ``before`` to ``after``: ``up``, ``down`` or ``same`` (within rounding:
    ``RISE`` relative)."""
    before, after = float(before), float(after)
    if abs(after - before) <= RISE * max(abs(before), abs(after)) or after == before:
        return same
    return up if after > before else down


def apart(a: float, c: float) -> tuple[str, str]:
    """Two numbers as plain text with enough digits (4 to 12) to show that they differ, if they do, so that
    "went up from … to …" never prints the same number twice."""
    for k in range(4, 13):
        if text(a, k) != text(c, k):
            return text(a, k), text(c, k)
    return text(a), text(c)


def side_of_half(z: float, y_hat: float | None = None) -> str:
    r"""Where :math:`\hat y = \sigma(z)` is against 0.5, and why: from the sign of z, with z = 0 exactly
    giving ŷ = 0.5 exactly (the neuron says class 1 there, since it predicts 1 where z ≥ 0)."""
    z = float(z)
    shown = text(y_hat if y_hat is not None else 1 / (1 + math.exp(-min(max(z, -700), 700))))
    if z > 0:
        return f"ŷ = {shown} is above 0.5, because z = {text(z)} is positive"
    if z < 0:
        return f"ŷ = {shown} is below 0.5, because z = {text(z)} is negative"
    return "ŷ = 0.5 exactly, because z = 0 exactly (a tie, which the neuron counts as class 1: it predicts 1 where z ≥ 0)"


def prediction(z: float, y_hat: float, y: float) -> str:
    """The forward page's verdict for one sample: where ŷ is against 0.5 and why, the class the neuron
    says, and whether that is the label (Markdown)."""
    predicted, right = verdict(z, y)
    return (f"{side_of_half(z, y_hat)}, so the neuron says **class {predicted}**; the label is class {int(y)}: "
            f"**{'right' if right else 'wrong'}**.")


def verdict(z: float, y: float) -> tuple[int, bool]:
    """The class the neuron predicts at z (1 where z ≥ 0) and whether it is the label y."""
    predicted = int(float(z) >= 0)
    return predicted, predicted == int(y)


def percent(fraction: float) -> str:
    """A fraction as a percentage with as many decimals as it takes never to round a near miss to
    "100 %" or a few hits to "0 %" (at most 4 decimals)."""
    f = float(fraction)
    for decimals in range(5):
        s = f"{100 * f:.{decimals}f}"
        if (float(s) == 100) == (f == 1) and (float(s) == 0) == (f == 0):
            return f"{s} %"
    return f"{math.floor(100 * f * 1e4) / 1e4:.4f} %" if f > 0.5 else f"{math.ceil(100 * f * 1e4) / 1e4:.4f} %"


def accuracy_text(fraction: float, n: int) -> str:
    """An accuracy over n samples: "100 %" when all are right, else the exact count,
    e.g. "1,596 of 1,600 (99.75 %)"."""
    n = int(n)
    right = int(round(float(fraction) * n))
    if n and right == n:
        return "100 %"
    if not n:
        return "no samples"
    for decimals in range(3):  # exact when it ends within 2 decimals (83.75 %), else rounded and said so
        s = f"{100 * right / n:.{decimals}f}"
        if round(float(s) * n) == 100 * right and float(s) * n == 100 * right:
            return f"{right:,} of {n:,} ({s} %)"
    return f"{right:,} of {n:,} (≈ {percent(right / n)})"


ROSENBLATT_RULE = (
    r"**Rosenblatt's perceptron rule** (not gradient descent). The activation is the step function, "
    r"$\hat y = \operatorname{step}(z)$: 1 where $z \ge 0$, else 0. For each sample in turn, "
    r"$w \leftarrow w + \alpha\,(y - \hat y)\,x$ and $b \leftarrow b + \alpha\,(y - \hat y)$: the weights change only "
    "on a mistake. The rule has no cost: the number it reports is the **misclassified fraction**, the share of "
    "training samples on the wrong side of the line."
)


def fd_check(check: dict, cost: float, eps: float = 1e-6) -> str:
    r"""The finite-difference check's verdict, with the reason when the two gradients differ.

    A central difference :math:`(C(w+\varepsilon) - C(w-\varepsilon))/2\varepsilon` carries two errors:
    the curvature's, about :math:`\varepsilon^2`, and the rounding of C itself (about
    :math:`10^{-16}\,C`) divided by :math:`2\varepsilon`. A true gradient smaller than that noise (a
    saturated sigmoid gives :math:`10^{-12}` and less) cannot be measured by it: the relative error is
    then large although both are right. The check compares them with a relative tolerance and an
    absolute one, the noise floor.
    """
    g, ng = np.asarray(check["analytic"], dtype=float), np.asarray(check["numeric"], dtype=float)
    floor = 10 * np.finfo(float).eps * max(abs(float(cost)), np.finfo(float).tiny) / (2 * eps) + eps**2
    diff = float(np.max(np.abs(g - ng))) if g.size else 0.0
    rel = check["rel_error"]
    head = (rf"Finite difference: $\frac{{C(w_j + \varepsilon) - C(w_j - \varepsilon)}}{{2\varepsilon}}$ with "
            rf"$\varepsilon = 10^{{{int(round(math.log10(eps)))}}}$. Relative error: **{rel:.2e}**; largest "
            f"absolute difference **{diff:.2e}**.")
    if rel < 1e-5:
        return head + " ✅ They agree."
    if diff <= floor:
        return head + (
            f" ✅ They agree to within what a finite difference can measure here: C ≈ {text(cost)} is "
            f"stored to about 16 digits, so dividing its rounding by 2ε leaves an uncertainty of about "
            f"{floor:.1e} in each finite difference. The gradient itself is smaller than that (the sigmoid "
            "is saturated, so its slope is tiny), which is why the *relative* error is large: compare "
            "the absolute difference with that floor instead.")
    return head + (f" ⚠️ They differ by more than the finite difference's own uncertainty (about {floor:.1e}).")
