r"""Sentences computed from the numbers they talk about, for the pages and the lesson.

A sentence that states a fact about the numbers ("the cost goes down", "ŷ is above 0.5", "the
neuron is right", "the run bounced") is built here from those same numbers, the equal case
included, so that it cannot disagree with what the page shows beside it. Plain strings (numpy only).
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import modes
from ..engine.history import moved
from ..engine.neuron import sigmoid
from .worked import exact_z, plain, text


def direction(before: float, after: float, up: str = "goes up", down: str = "goes down",
              same: str = "does not change") -> str:
    """How a number moved from ``before`` to ``after``: ``up``, ``down`` or ``same`` (within rounding:
    :func:`perceptron.engine.history.moved`)."""
    return {1: up, -1: down, 0: same}[moved(before, after)]


def apart(a: float, c: float) -> tuple[str, str]:
    """Two numbers as plain text with enough digits (4 to 12) to show that they differ, if they do, so that
    "went up from … to …" never prints the same number twice."""
    for k in range(4, 13):
        if text(a, k) != text(c, k):
            return text(a, k), text(c, k)
    return text(a), text(c)


TOO_SMALL = "is below the smallest number the computer stores"


def probability(z: float, y_hat: float | None = None) -> str:
    r""":math:`\hat y = \sigma(z)` as plain text after "ŷ": "= 0.5744"; where it would print as 1 (σ never reaches
    1) "= 1 − 3.137×10⁻⁶", the gap :math:`\sigma(-z)` computed as such; "≈ 1" or "≈ 0" where even that
    underflows (σ is never 0 or 1, but the computer's numbers end there)."""
    z = float(z)
    y_hat = float(sigmoid(z)) if y_hat is None else float(y_hat)
    if y_hat == 0:
        return f"≈ 0 (ŷ {TOO_SMALL})"
    shown = text(y_hat)
    if shown != "1":
        return f"= {shown}"
    gap = float(sigmoid(-z))
    return f"= 1 − {text(gap)}" if gap else f"≈ 1 (1 − ŷ {TOO_SMALL})"


def side_of_half(z: float, y_hat: float | None = None, digits: int = 4) -> str:
    r"""Where :math:`\hat y = \sigma(z)` is against 0.5, and why: from the sign of z, with z = 0 exactly
    giving ŷ = 0.5 exactly (the neuron says class 1 there, since it predicts 1 where z ≥ 0). Pass the z the
    printed terms add up to (:func:`~perceptron.text.worked.exact_z`), not the computer's sum, which can leave
    rounding noise (2.776×10⁻¹⁷) where that z is 0. ``digits``: z's significant digits, as the worked line
    beside the sentence prints it."""
    z = float(z)
    shown = probability(z, y_hat)
    if z != 0 and shown == "= 0.5":  # "ŷ = 0.5 is above 0.5" read as a contradiction: say how far, from z
        return (f"ŷ = σ(z) ≈ 0.5 {'+' if z > 0 else '−'} {text(abs(z) / 4)} (0.5 + z/4: it prints as 0.5 to 4 "
                f"digits) is just {'above' if z > 0 else 'below'} 0.5, because z = {text(z, digits)} is "
                f"{'positive' if z > 0 else 'negative'}")
    if z > 0:
        return f"ŷ {shown} is above 0.5, because z = {text(z, digits)} is positive"
    if z < 0:
        return f"ŷ {shown} is below 0.5, because z = {text(z, digits)} is negative"
    return "ŷ = 0.5 exactly, because z = 0 exactly (a tie, which the neuron counts as class 1: it predicts 1 where z ≥ 0)"


def prediction(z: float, y_hat: float, y: float, digits: int = 4) -> str:
    """The forward page's verdict for one sample: where ŷ is against 0.5 and why, the class the neuron
    says, and whether that is the label (Markdown; z with ``digits`` significant digits)."""
    predicted, right = verdict(z, y)
    return (f"{side_of_half(z, y_hat, digits)}, so the neuron says **class {predicted}**; the label is class {int(y)}: "
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
    """An accuracy over n samples, always in one form: the exact count and its percentage, e.g.
    "1,596 of 1,600 (99.75 %)", "80 of 80 (100 %)" (a percentage alone, or "100 %" beside "19 of 20",
    mixed two forms)."""
    n = int(n)
    right = int(round(float(fraction) * n))
    if not n:
        return "no samples"
    for decimals in range(3):  # exact when it ends within 2 decimals (83.75 %), else rounded and said so
        s = f"{100 * right / n:.{decimals}f}"
        if round(float(s) * n) == 100 * right and float(s) * n == 100 * right:
            return f"{right:,} of {n:,} ({s} %)"
    return f"{right:,} of {n:,} (≈ {percent(right / n)})"


def accuracy_value(fraction: float, n: int) -> str:
    """An accuracy short enough for a metric on a phone, and exact: the count, "79 of 80", "80 of 80" (never a
    percentage rounded up to 100 %; the percentage is in the metric's help)."""
    n = int(n)
    right = int(round(float(fraction) * n))
    return f"{right:,} of {n:,}" if n else "no samples"


def signed(change: float, digits: int = 3) -> str:
    """A change for a metric's delta by the printing rule, with an ASCII sign first ("-1.18×10⁻³³", "+0.012"):
    Streamlit reads the leading "-" to draw the arrow down."""
    change = float(change)
    return ("-" if change < 0 else "+") + text(abs(change), digits)


def step_prediction(z: float, y: float, digits: int = 4) -> str:
    """The forward page's verdict under Rosenblatt's step activation: ŷ = step(z) is 1 where z ≥ 0, else 0
    (Markdown; computed from z, the equal case included; z with ``digits`` significant digits)."""
    z = float(z)
    predicted, right = verdict(z, y)
    why = ("z = 0 exactly, and step(0) = 1" if z == 0 else
           f"z = {text(z, digits)} is {'positive' if z > 0 else 'negative'}")
    return (f"ŷ = step(z) = **{predicted}**, because {why}: the neuron says **class {predicted}**; the label is "
            f"class {int(y)}: **{'right' if right else 'wrong'}**.")


def forward_intro(mode: str) -> str:
    """The Forward propagation page's first sentences, for the activation the update mode uses."""
    if modes.mode(mode).step:
        return ("The neuron turns a sample's inputs into a prediction in three steps: multiply each input by its "
                "weight and add them up, add the bias to get **z**, then apply the **step** activation of "
                "Rosenblatt's perceptron (your update mode): **ŷ = step(z)**, 1 where z ≥ 0, else 0. Pick a sample "
                "(click it on the plane or choose it below).")
    return ("The neuron turns a sample's inputs into a prediction in three steps: multiply each input by its "
            "weight and add them up, add the bias to get **z**, then squash z with the sigmoid to get "
            "**ŷ = σ(z)**, a number between 0 and 1. Pick a sample (click it on the plane or choose it below).")


def rosenblatt_update(x, y, w, b, lr: float, i: int, loss: str) -> str:
    r"""The Backpropagation page's note in Rosenblatt mode (Markdown): what the rule updates with, for sample ``i``
    (inputs ``x``, label ``y``) at ``(w, b)``: :math:`\hat y = \operatorname{step}(z)`, the error
    :math:`y - \hat y`, and the change :math:`\alpha\,(y - \hat y)\,x` it would make if the sample came now; and
    that the chain rule below is the one gradient descent would use with the cost ``loss`` (``"mse"`` or ``"bce"``;
    the step has no useful slope)."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    z = exact_z(x, w, b)
    y_hat = int(z >= 0)
    error = int(y) - y_hat
    head = ("**Your update mode is Rosenblatt's perceptron rule, which does not use this gradient.** It updates one "
            r"sample at a time with $w \leftarrow w + \alpha\,(y - \hat y)\,x$ and "
            r"$b \leftarrow b + \alpha\,(y - \hat y)$, where $\hat y = \operatorname{step}(z)$. ")
    if error == 0:
        now = (f"For sample #{i}, z = {text(z)}, so ŷ = step(z) = {y_hat}, its label: y − ŷ = 0, and the rule leaves "
               "the weights as they are. ")
    else:
        dw = ", ".join(text(lr * error * v) for v in x)
        now = (f"For sample #{i}, z = {text(z)}, so ŷ = step(z) = {y_hat} while y = {int(y)}: a mistake, y − ŷ = "
               f"{text(error)}, and the rule would add α·(y − ŷ)·x = ({dw}) to w and {text(lr * error)} to b. ")
    return head + now + (
        f"The step function's slope is 0 wherever it is defined, so no chain rule runs through it: the factors below "
        f"are those gradient descent would use, with a sigmoid and the "
        f"{'mean squared error' if loss == 'mse' else 'cross-entropy'}.")


def descent_intro(mode: str) -> str:
    """The Gradient descent page's first sentences: the rule the chosen update mode follows."""
    if modes.mode(mode).step:
        return (r"Each **epoch** goes through the samples one at a time with **Rosenblatt's perceptron rule** "
                r"(not gradient descent): the activation is the step function, $\hat y = \operatorname{step}(z)$ "
                r"(1 where $z \ge 0$, else 0), and each sample moves the weights by "
                r"$w \leftarrow w + \alpha\,(y - \hat y)\,x$, $b \leftarrow b + \alpha\,(y - \hat y)$: only on a "
                "mistake, with no gradient and no cost. The number it reports is the **misclassified fraction**, "
                "the share of training samples on the wrong side of the line. Press **Step** and watch the "
                "boundary jump and the misclassified fraction change.")
    every = modes.mode(mode).rule
    return (f"Each **epoch** {every}: "
            r"$w \leftarrow w - \alpha\,\partial C/\partial w$. Press **Step** and watch the three views change "
            "together: the boundary turns, the samples slide along the sigmoid, the cost changes (it falls when α "
            "is not too large).")


def fd_check(check: dict, cost: float, eps: float = 1e-6) -> str:
    r"""The finite-difference check's verdict, computed from its numbers, with the reason when the check
    cannot decide.

    A central difference :math:`(C(w+\varepsilon) - C(w-\varepsilon))/2\varepsilon` carries two errors:
    the curvature's, about :math:`\varepsilon^2` (estimated from the check's own numbers when it gives
    ``truncation``), and the rounding of C itself (about :math:`10^{-16}\,C`, and no less than the smallest
    number the floats hold, once C underflows) divided by :math:`2\varepsilon`: its *floor*. A gradient
    smaller than that floor (a saturated sigmoid gives :math:`10^{-12}` and far less) cannot be measured by
    it: the finite difference then reads 0 or noise, and a small relative error or a large one says nothing
    about the chain rule's digits. A cost below the smallest normal float has lost digits to underflow: its
    finite differences cannot resolve the gradient, whatever they read. The sentence says which case the
    numbers are in.
    """
    g, ng = np.asarray(check["analytic"], dtype=float), np.asarray(check["numeric"], dtype=float)
    floor = fd_floor(cost, eps, check.get("truncation"))
    diff = float(np.max(np.abs(g - ng))) if g.size else 0.0
    big = float(np.max(np.abs(g))) if g.size else 0.0
    rel = float(check["rel_error"])
    head = (rf"Finite difference: $\frac{{C(w_j + \varepsilon) - C(w_j - \varepsilon)}}{{2\varepsilon}}$ with "
            rf"$\varepsilon = 10^{{{int(round(math.log10(eps)))}}}$. Relative error: **{text(rel, 3)}**; largest "
            f"absolute difference **{text(diff, 3)}**.")
    reads = ("reads exactly 0" if not np.any(ng) else
             f"reads at most {text(float(np.max(np.abs(ng))), 3)} in absolute value")
    smallest = np.finfo(float).tiny
    if abs(float(cost)) < smallest and (big <= floor or rel >= 1e-5):  # C underflowed: its differences say nothing
        return head + (
            f" **The finite difference cannot resolve this gradient.** The cost C ≈ {text(cost)} is below the "
            f"smallest normal number the computer stores ({text(smallest, 4)}): it has underflowed and kept few "
            f"digits or none, so C(w ± ε) differ by their rounding, not by the slope (an uncertainty of about "
            f"{text(floor, 2)} after dividing by 2ε). The finite difference {reads}; "
            + (f"the chain rule's products underflow as well (its largest component: {text(big, 4)}), so both say "
               "only that the gradient is too small for the floats here, not its digits."
               if big < smallest else
               f"the chain rule computes each sample's ∂C/∂z from z directly and reads a largest component of "
               f"{text(big, 4)}: the relative error measures the cost's rounding, not the chain rule."))
    if big <= floor:  # the saturated case: nothing here can be resolved by a finite difference
        return head + (
            f" **They agree only at float precision.** The gradient is tiny: its largest component is "
            f"{text(big, 4)}, because the sigmoid is saturated (σ′(z) is almost 0 for these samples). A finite "
            f"difference cannot see anything that small here: C ≈ {text(cost)} is stored to about 16 digits, and "
            f"its rounding divided by 2ε, with the curvature's error, leaves an uncertainty of about "
            f"{text(floor, 2)}. The finite difference {reads}; the check confirms only that the gradient is below "
            f"{text(floor, 2)}, not its digits.")
    if rel < 1e-5:
        return head + " **They agree.**"
    if diff <= floor:
        return head + (
            f" **They agree to within what a finite difference can measure here:** C ≈ {text(cost)} is "
            f"stored to about 16 digits, so dividing its rounding by 2ε (with the curvature's error) leaves an "
            f"uncertainty of about {text(floor, 2)} in each finite difference. The smallest components of the "
            "gradient are near that floor (the sigmoid is close to saturated, so its slope is tiny), which is why "
            "the *relative* error is large: compare the absolute difference with that floor instead.")
    return head + (f" **They differ** by more than the finite difference's own uncertainty (about {text(floor, 2)}).")


def underflow_note(products: int, contributions: int, example: tuple[float, float, float, int] | None = None) -> str:
    """The ledger's note when some of its products underflowed: how many, and what their "≈" means; ``example``,
    one of them, ``(∂C/∂ŷ, ∂ŷ/∂z, ∂C/∂z as stored, sample)``, its product computed from the exponents (the floats
    cannot hold it)."""
    parts = [f"{products} ∂C/∂z" if products else "",
             f"{contributions} contribution{'s' if contributions != 1 else ''}" if contributions else ""]
    said = " and ".join(p for p in parts if p)
    one = products + contributions == 1
    shown = ""
    if example is not None and example[0] and example[1]:
        a, c, stored, i = example
        e = math.log10(abs(a)) + math.log10(abs(c))
        k = math.floor(e)
        m = math.copysign(10 ** (e - k), a * c)
        true = plain(rf"{m:.2f} \times 10^{{{k}}}")  # the printing rule's form, from the exponents
        kept = "0" if stored == 0 else f"{text(stored)}, a subnormal with few of its digits"
        shown = f" (sample #{i}: {text(a)} · {text(c)} ≈ {true}, stored as {kept})"
    return (f"{said} {'is a product' if one else 'are products'} of nonzero factors below the smallest normal number "
            f"the computer stores ({text(np.finfo(float).tiny, 4)}): {'it' if one else 'they'} underflowed, to 0 or to "
            f"a few digits, so “≈” marks {'it' if one else 'them'}. The true value is not 0{shown}, and it is lost "
            "from the sum: the gradient holds only what the computer could store.")


def fd_floor(cost: float, eps: float = 1e-6, truncation: float | None = None) -> float:
    """What a central difference with step ``eps`` can resolve at cost ``cost``: C's rounding (10 ulp, and at
    least 10 of the smallest subnormal steps once C underflows) divided by 2ε, plus the curvature's error:
    ``truncation`` when the check estimated it, ε² otherwise."""
    rounding = max(np.finfo(float).eps * abs(float(cost)), np.finfo(float).smallest_subnormal)
    return 10 * rounding / (2 * eps) + (eps**2 if truncation is None else float(truncation))


def disagreement(contributions, total: float, i: int, name: str = "w₁") -> str | None:
    r"""What a teacher points out on the Backpropagation page: sample ``i``'s own contribution to
    :math:`\partial C/\partial` ``name`` against the sum over every sample, when their signs differ, and how many
    samples pull each way. ``contributions`` : ndarray of shape (n,), each sample's term; ``total`` their sum.
    None when sample i pulls the same way as the sum (or either is 0)."""
    c = np.asarray(contributions, dtype=float)
    mine, total = float(c[i]), float(total)
    if mine == 0 or total == 0 or (mine > 0) == (total > 0):
        return None
    along = int(np.sum(np.sign(c) == np.sign(total)))
    against = int(np.sum(np.sign(c) == -np.sign(total)))
    return (f"Sample #{i} alone pulls the other way: its contribution to ∂C/∂{name} is {text(mine)}, while the sum "
            f"over all {c.size} samples is {text(total)}. The gradient is a sum: {along} sample"
            f"{'s' if along != 1 else ''} pull{'' if along != 1 else 's'} with the sum and {against} against it "
            f"(sample #{i} among them), and the step follows the sum: {name} moves "
            f"{'down' if total > 0 else 'up'}, a change that on its own raises sample #{i}'s part of the cost (to first "
            "order).")


def few_carry(dC_dz, z, y, share: float = 0.9) -> str | None:
    r"""Said when most of the gradient comes from a few samples: the fewest samples whose
    :math:`|\partial C/\partial z_i|` make up ``share`` of :math:`\sum_i |\partial C/\partial z_i|`, when they are
    at most a quarter of the n samples (n ≥ 10), and how many of the others are saturated (:math:`|z_i| > 10`,
    where σ′ < 5·10⁻⁵) and how many of those the neuron gets wrong. ``dC_dz``, ``z``, ``y``: ndarrays of shape (n,).
    None otherwise."""
    g, z, y = np.abs(np.asarray(dC_dz, dtype=float)), np.asarray(z, dtype=float), np.asarray(y)
    n, total = g.size, float(np.sum(np.abs(np.asarray(dC_dz, dtype=float))))
    if n < 10 or not total > 0:
        return None
    carry = int(np.searchsorted(np.cumsum(np.sort(g)[::-1]), share * total) + 1)
    if carry > n // 4:
        return None
    flat = np.abs(z) > 10
    wrong = int(np.sum(flat & ((z >= 0).astype(int) != y.astype(int))))
    smallest = float(np.min(g[flat])) if np.any(flat) else None
    tail = (f" {int(flat.sum())} samples have |z| > 10, where σ′(z) < 5×10⁻⁵: each adds almost nothing (down to "
            f"{text(smallest, 3)})" + (f", although the neuron gets {wrong} of them wrong" if wrong else "") + "."
            if smallest is not None else "")
    return (f"Most of this gradient comes from a few samples: {carry} of the {n} carry {percent(share)} of "
            f"Σ|∂C/∂zᵢ|.{tail} A saturated sigmoid barely moves its weights, even for a sample it gets wrong.")


def saturated_wrong(z, y) -> int:
    """The misclassified sample (the neuron says class 1 where z ≥ 0) with the largest |z|: the one MSE corrects least;
    the sample with the largest |z| when none is misclassified. ``z``, ``y``: ndarrays of shape (n,)."""
    z, y = np.asarray(z, dtype=float), np.asarray(y)
    wrong = (z >= 0) != (y == 1)
    far = np.where(wrong, np.abs(z), -np.inf) if wrong.any() else np.abs(z)
    return int(np.argmax(far))


def saturation(k: int, z: float, y: int, mse: float, ce: float, ratio: float, wrong: bool) -> str:
    r"""Why MSE learns slowly where σ saturates, on sample ``k`` (Markdown): its ``z`` and label ``y``, MSE's and
    cross-entropy's :math:`\partial C/\partial z_k` (``mse``, ``ce``) and their ratio :math:`2\sigma'(z_k)` (``ratio``),
    ``wrong`` whether the neuron misclassifies it."""
    said = (f"**Why MSE learns slowly where σ saturates.** Sample #{k} is the misclassified sample furthest from the "
            f"boundary: z = {text(z)} with the label {int(y)}. Cross-entropy's ∂C/∂z = {text(ce)} is (ŷ − y)/n, at "
            "least 1/(2n) in size for any misclassified sample" if wrong else
            f"**Why MSE learns slowly where σ saturates.** No sample is misclassified at these weights; sample #{k} has "
            f"the largest |z|, {text(abs(z))}. Cross-entropy's ∂C/∂z there is {text(ce)}")
    return (said + f"; MSE's is {text(mse)}, only 2σ′(z) = {text(ratio)} times as much (the ratio is at most 1/2, at "
            "z = 0, and shrinks like 2e^{−|z|} as |z| grows). " + (
                "The more confidently wrong the neuron is, the less MSE corrects it: its gradient vanishes exactly "
                "where the mistake is largest, while cross-entropy's stays." if wrong else
                "Where σ saturates MSE's gradient vanishes, whether the sample is right or wrong."))


def _first(f, lo: float, hi: float) -> float:
    """The smallest float z in [lo, hi] where the monotone test ``f(z)`` turns True, to float precision (bisection)."""
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (lo, mid) if f(mid) else (mid, hi)
    return hi


def float_limits(z, slope, dC_dz) -> str:
    r"""The floating-point limits on the Backpropagation page, short (Markdown), every threshold found in the floats
    themselves: from which z σ(z) is stored as 1.0, where the pages write :math:`1 - \sigma(-z)` (4 digits would print
    1) and where ≈ 1 (σ(−z) is 0); and at these weights how many samples have :math:`\sigma'(z_i) < 10^{-8}` and
    below the smallest normal float, with their share of :math:`\sum_i |\partial C/\partial z_i|`. ``z``, ``slope``
    (the ledger's σ′), ``dC_dz``: ndarrays of shape (n,)."""
    z, slope, g = (np.asarray(v, dtype=float) for v in (z, slope, dC_dz))
    n = z.size
    one = _first(lambda v: float(sigmoid(v)) == 1.0, 0.0, 100.0)
    four = _first(lambda v: text(float(sigmoid(v))) == "1", 0.0, 100.0)
    gone = _first(lambda v: float(sigmoid(-v)) == 0.0, 0.0, 2000.0)
    c = 1e-8  # σ′(z) = c where t = e^{−|z|} solves t/(1 + t)² = c: the small root of c t² + (2c − 1) t + c = 0,
    edge = math.log(((1 - 2 * c) + math.sqrt(1 - 4 * c)) / (2 * c))  # 1/(the large root): no cancellation
    flat, lost = slope < c, slope < np.finfo(float).tiny
    total = math.fsum(np.abs(g))
    share = math.fsum(np.abs(g[flat])) / total if total > 0 else 0.0
    carry = (f", together {text(share, 3)} of Σ|∂C/∂zᵢ|" if flat.any() and total > 0 else "")
    return (
        f"A float keeps about 16 significant digits: just below 1 its numbers are {text(1 - np.nextafter(1.0, 0.0))} "
        f"apart, so σ(z) is stored as exactly 1.0 from z ≈ {text(one)} on. The worked lines and the table here never print that 1: from "
        f"z ≈ {text(four)}, where σ(z) would round to 1 at 4 digits, they write 1 − σ(−z), the gap computed as a number "
        f"of its own, which keeps its digits far below 10⁻¹⁶; from z ≈ {text(gone)}, e^z overflows, σ(−z) is stored "
        "as 0, and they write ≈ 1 (and ≈ wherever a product cannot hold as printed). A gradient is a product of such "
        f"numbers: at these weights {int(flat.sum())} of the {n} samples have σ′(z) below 10⁻⁸ (|z| > {text(edge)})"
        f"{carry}; " + (
            f"{int(lost.sum())} {'has' if lost.sum() == 1 else 'have'} σ′(z) below the smallest normal float, "
            f"{text(np.finfo(float).tiny)}, kept with few digits or as 0: what {'it' if lost.sum() == 1 else 'they'} "
            "would add to the gradient is lost." if lost.any() else
            f"none has σ′(z) below the smallest normal float, {text(np.finfo(float).tiny)}, where it would keep few "
            "digits or none and its part of the gradient would be lost."))


def raw_units_intro(feature_names, iris: bool = False) -> str:
    r"""Markdown that opens the Forward page's "data's own units" lines: what the neuron sees
    (:math:`\tilde x_j = (x_j - \mu_j)/\sigma_j`, :math:`\mu` and :math:`\sigma` the training points' mean and
    standard deviation), and that the same neuron can be written on the raw inputs. A file's column names are data, shown as code."""
    from .plain import code  # a file's header is data: shown as code, never as Markdown

    unit = "centimetres" if iris else "the data's own units"
    cols = list(feature_names)
    named = ("" if all(n in ("x1", "x2", "x₁", "x₂") for n in cols) else
             f" (x₁ is {code(cols[0])}, x₂ is {code(cols[1])})")
    return (f"The neuron sees standardized inputs x̃ⱼ = (xⱼ − μⱼ)/σⱼ, with μ and σ the training points' mean and "
            f"standard deviation. The same neuron written on the raw inputs{named}, in {unit}: w′ⱼ = wⱼ/σⱼ and "
            f"b′ = b − w′·μ, so that z = w′·x + b′ for the point as it was measured, and the boundary "
            f"w′·x + b′ = 0 is the line drawn on the plane below.")
