r"""The guided lesson: the article's order, one step at a time, on the learner's own experiment.

Each step names the page it lives on, says one idea with the live numbers of the
session's :class:`~perceptron.session.lab.Lab`, and may ask the learner to predict before
revealing. The answer is computed from the same numbers, never stored. Numpy only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..engine.backprop import chain_rule, cost_at
from ..views.latex import num


@dataclass(frozen=True)
class Question:
    prompt: str
    choices: tuple[str, ...]
    answer: Callable  # lab -> (index of the right choice, explanation with numbers)


@dataclass(frozen=True)
class Step:
    page: str  # a page key of ui.PAGE_KEYS
    title: str
    body: Callable  # lab -> Markdown with the live numbers
    question: Question | None = None


def _sample(lab):
    X, y, *_ = lab.design()
    i = min(lab.sample, max(len(y) - 1, 0))
    return X, y, i


def _forward(lab):
    X, y, i = _sample(lab)
    w, b = lab.params()
    s = float(X[i] @ w)
    z = s + b
    return X[i], y[i], w, b, s, z, 1 / (1 + np.exp(-np.clip(z, -700, 700)))


def _body_neuron(lab):
    w, b = lab.params()
    return (f"A neuron has one **weight** per input and a **bias**. Yours has w = ({', '.join(num(v) for v in w)}) "
            f"and b = {num(b)}. It multiplies, adds, and squashes: x·w + b = z, then ŷ = σ(z).")


def _body_data(lab):
    c = lab.dataset.counts
    return (f"The neuron learns from labelled points. This dataset has {c['train'][0]} + {c['train'][1]} "
            f"training points of class 0 and 1 (and {c['test'][0] + c['test'][1]} held-out test points). "
            "Try another preset, or click on the plot to add points, then press **Next**.")


def _body_sum(lab):
    x, _, w, _, s, _, _ = _forward(lab)
    terms = " + ".join(f"({num(a)})·({num(c)})" for a, c in zip(x, w, strict=True))
    return f"**The weighted sum.** For sample #{lab.sample}: x·w = {terms} = **{num(s)}**."


def _body_bias(lab):
    _, _, _, b, s, z, _ = _forward(lab)
    return (f"**The bias** shifts the sum: z = x·w + b = {num(s)} + ({num(b)}) = **{num(z)}**. Without it, "
            "the boundary would have to pass through the origin.")


def _body_sigmoid(lab):
    _, _, _, _, _, z, _ = _forward(lab)
    return (f"**The sigmoid** σ(z) = 1/(1+e^(−z)) squashes z = {num(z)} into a number between 0 and 1, "
            "read as the neuron's confidence that the sample is class 1.")


def _answer_sigmoid(lab):
    _, y, _, _, _, z, y_hat = _forward(lab)
    right = int(z >= 0)
    return right, (f"ŷ = σ({num(z)}) = {num(y_hat)}, {'above' if right else 'below'} 0.5, because z is "
                   f"{'positive' if right else 'negative'}. The label is {int(y)}.")


def _body_cost(lab):
    X, y, *_ = lab.design()
    w, b = lab.params()
    return (f"**The cost** measures how wrong the neuron is on all {len(y)} samples: "
            f"C = (1/n) Σ (yᵢ − ŷᵢ)² = **{num(cost_at(X, y, w, b, 'mse'))}** now. Learning means making it smaller.")


def _body_chain(lab):
    X, y, i = _sample(lab)
    w, b = lab.params()
    L = chain_rule(X, y, w, b, "mse")
    return (f"**The chain rule.** For sample #{i}: ∂C/∂ŷ = {num(L.dC_dyhat[i])}, ∂ŷ/∂z = {num(L.dyhat_dz[i])}, "
            f"∂z/∂w₁ = x₁ = {num(L.dz_dw[i, 0])}; their product is {num(L.dC_dw_i[i, 0])}. Added over every "
            f"sample: ∂C/∂w₁ = **{num(L.dw[0])}**.")


def _answer_chain(lab):
    X, y, *_ = lab.design()
    w, b = lab.params()
    L = chain_rule(X, y, w, b, "mse")
    up = int(L.dw[0] > 0)
    return up, (f"∂C/∂w₁ = {num(L.dw[0])} is {'positive' if up else 'negative'}: raising w₁ a little "
                f"{'raises' if up else 'lowers'} the cost. That is why descent moves w₁ the other way.")


def _body_update(lab):
    return (f"**The update.** Every weight moves a step against its gradient: w ← w − α ∂C/∂w, with the "
            f"learning rate α = {num(lab.settings.lr)}. Predict, reveal, then press **Step one epoch**.")


def _trial_step(lab):
    X, y, *_ = lab.design()
    w, b = lab.params()
    from ..engine.backprop import gradients

    dw, db = gradients(X, y, w, b, lab.settings.loss)
    lr = lab.settings.lr
    return cost_at(X, y, w, b, lab.settings.loss), cost_at(X, y, w - lr * dw, b - lr * db, lab.settings.loss)


def _answer_update(lab):
    before, after = _trial_step(lab)
    down = int(after < before)
    return 1 - down, (f"One step takes the cost from {num(before)} to {num(after)}: it goes "
                      f"{'down' if down else 'up'}." + ("" if down else " The learning rate is too large: the "
                                                         "step jumps over the valley."))


def _body_repeat(lab):
    h, k = lab.history, lab.epoch
    return (f"**Repeat until convergence.** You are at epoch {k}: cost {num(h.cost[k])}, training accuracy "
            f"{h.accuracy[k]:.0%}. Press **Play** and watch the boundary settle and the cost flatten. "
            "That is all there is to training one neuron.")


STEPS = (
    Step("home", "The perceptron", _body_neuron),
    Step("dataset", "The data", _body_data),
    Step("forward", "The weighted sum", _body_sum),
    Step("forward", "The bias", _body_bias),
    Step("forward", "The sigmoid", _body_sigmoid,
         Question("Is this sample's ŷ above or below 0.5?", ("below 0.5 (class 0)", "above 0.5 (class 1)"),
                  _answer_sigmoid)),
    Step("backprop", "The cost", _body_cost),
    Step("backprop", "The chain rule", _body_chain,
         Question("If w₁ grows a little, does the cost go up or down?", ("down", "up"), _answer_chain)),
    Step("descent", "The update", _body_update,
         Question("After one step of gradient descent, will the cost go down or up?", ("down", "up"),
                  _answer_update)),
    Step("descent", "Repeat until convergence", _body_repeat),
)
