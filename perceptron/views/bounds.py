r"""Rosenblatt's rule with the perceptron convergence theorem (Gradient descent page, Rosenblatt mode): the mistake
bound :math:`(R/\gamma)^2` on the student's points against the updates the rule has made so far.

:func:`mistakes` returns what the page renders, in order, as ``(kind, content)`` pairs (``"latex"`` or
``"markdown"``). R and the bound are worked lines that hold as printed (:func:`~perceptron.text.worked.equation`);
the margin is :func:`perceptron.engine.margin.best_margin`'s bracket, and the bound uses its lower end, the exact
margin of a separator it found (any separator's margin gives a valid bound). Pure (numpy).
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import margin as mg
from ..text.worked import equation, num, subscript, text

Items = list[tuple[str, str]]


def updates_so_far(grad_norm, epoch: int) -> int:
    """Rosenblatt's updates (its mistakes) in epochs 1 to ``epoch``, from the run record (``grad_norm``: the
    updates each epoch made, row 0 the start's 0)."""
    return int(round(float(np.sum(np.asarray(grad_norm, dtype=float)[1:int(epoch) + 1]))))


def _radius_line(X) -> str:
    """R = ‖(x_k, 1)‖ for the sample k farthest out, as a worked line."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    k = int(np.argmax(np.sum(X * X, axis=1)))
    d = X.shape[1]
    inside = " + ".join(f"@{j}p^2" for j in range(d))
    return equation(rf"R = \max_i \lVert (x_i, 1) \rVert = \lVert (x_{{{k}}}, 1) \rVert = \sqrt{{{inside} + 1}} @eq @r",
                    lambda *v: math.sqrt(sum(a * a for a in v) + 1), [float(v) for v in X[k]], mg.radius(X))


def mistakes(X, y, w0, b0, lr: float, grad_norm, epoch: int, separable: bool | None) -> Items:
    r"""The theorem on these points (``X`` of shape (n, d) as the rule sees them, ``y`` of shape (n,)), the run's
    start ``(w0, b0)``, its learning rate, its record's ``grad_norm`` (updates per epoch) up to ``epoch`` (the first
    epoch with none is where it converged), and whether the points are linearly separable when that is known
    exactly (2 inputs: :func:`perceptron.views.geometry.linearly_separable`; None otherwise)."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    made = updates_so_far(grad_norm, epoch)
    quiet = np.flatnonzero(np.asarray(grad_norm, dtype=float)[1:int(epoch) + 1] == 0)
    converged_at = int(quiet[0]) + 1 if quiet.size else None
    so_far = (f"Your run converged at epoch {converged_at} after **{made}** update{'s' if made != 1 else ''} "
              "(a whole epoch without a mistake)" if converged_at is not None else
              f"Your run has made **{made}** update{'s' if made != 1 else ''} (each one a mistake) in its {epoch} "
              f"epoch{'s' if epoch != 1 else ''} so far")
    items: Items = [
        ("markdown", "**The perceptron convergence theorem** (Novikoff, 1962). Append a 1 to every input, "
                     "x̃ᵢ = (xᵢ, 1), so that (w, b) is one vector v and the rule is v ← v + α(yᵢ − ŷᵢ)x̃ᵢ. If some unit "
                     "vector u puts every sample on its side with a margin γ > 0 (sᵢ u·x̃ᵢ ≥ γ, sᵢ = +1 for class 1 "
                     "and −1 for class 0) and no x̃ᵢ is longer than R, then from v = 0 the rule makes at most "
                     "(R/γ)² mistakes, whatever the order of the samples and whatever α: each mistake adds at least "
                     "αγ to v·u while ‖v‖² grows by at most α²R²."),
    ]
    M = None if separable is False else mg.best_margin(X, y)
    if separable is False or (M is not None and M.low <= 0):
        if separable is False:
            what = ("These points are **not linearly separable**: no line puts every class 0 point on one side and "
                    "every class 1 point on the other. The theorem gives no bound, and the rule **never stops**: "
                    "every epoch finds a mistake and moves the line again.")
        else:
            what = (f"No separator was found in {M.steps} passes of the margin search: either none exists (then the "
                    "theorem gives no bound and the rule never stops) or its margin is very small.")
        return [*items, ("markdown", what + f" {so_far}.")]
    R = mg.radius(X)
    gamma = M.low
    bound = mg.mistake_bound(R, gamma)
    d = X.shape[1]
    names = ", ".join([*(f"w{subscript(j + 1)}" for j in range(d)), "b"])
    items += [
        ("latex", _radius_line(X)),
        ("markdown", (f"The best margin γ* is {text(M.low)}" if text(M.low) == text(M.high) else
                      f"The best margin γ* lies between {text(M.low)} and {text(M.high)}")
                     + f" (the margin search's bracket, {M.steps} pass{'es' if M.steps != 1 else ''} over the points). The bound uses the "
                     f"lower end, the exact margin of the unit separator ({names}) = "
                     f"({', '.join(text(v) for v in M.u)}) it found: any separator's margin gives a valid bound, a "
                     "smaller one a looser bound."),
        ("latex", equation(r"\left(\frac{R}{\gamma}\right)^2 = \left(\frac{@0}{@1}\right)^2 @eq @r",
                           lambda r, g: (r / g) ** 2, [R, gamma], bound)),
    ]
    v0 = np.append(np.asarray(w0, dtype=float), float(b0))
    limit = bound
    if np.any(v0) and lr > 0:
        limit = mg.mistake_bound(R, gamma, v0, M.u, lr)
        a, q = float(v0 @ M.u) / lr, float(np.linalg.norm(v0)) / lr
        items += [
            ("markdown", f"Your run did not start at v = 0 but at ({names}) = ({', '.join(text(v) for v in v0)}). "
                         "The same two steps then give v_k·u ≥ v₀·u + kαγ and ‖v_k‖² ≤ ‖v₀‖² + kα²R², so k is at "
                         "most the larger root of γ²k² + (2aγ − R²)k + a² − q² = 0, with a = v₀·u/α and q = ‖v₀‖/α:"),
            ("latex", equation(r"k \le \frac{R^2 - 2a\gamma + \sqrt{(R^2 - 2a\gamma)^2 - 4\gamma^2(a^2 - q^2)}}"
                               r"{2\gamma^2}, \quad a = @2,\ q = @3: \quad "
                               r"\frac{@0^2 - 2 \cdot @2p \cdot @1 + \sqrt{(@0^2 - 2 \cdot @2p \cdot @1)^2 - 4 \cdot "
                               r"@1^2 (@2p^2 - @3^2)}}{2 \cdot @1^2} @eq @r",
                               lambda r, g, a_, q_: ((r * r - 2 * a_ * g) + math.sqrt(max(
                                   (r * r - 2 * a_ * g) ** 2 - 4 * g * g * (a_ * a_ - q_ * q_), 0.0))) / (2 * g * g),
                               [R, gamma, a, q], limit)),
        ]
    elif lr <= 0:
        return [*items, ("markdown", f"With α = {text(lr)} the rule never moves: the bound needs α > 0. {so_far}.")]
    cap = math.floor(limit * (1 + 1e-12))
    verdict = (f"{so_far}: {made} ≤ {cap}, the most the theorem allows"
               + (" (the bound is a worst case: most runs stop long before it)." if made < cap / 2 else "."))
    if made > cap:  # never, by the theorem; said plainly if rounding ever made it so
        verdict = f"{so_far}: {made} > {num(limit)}, which the theorem says cannot happen."
    return [*items, ("markdown", verdict)]
