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
from ..engine.neuron import sigmoid
from ..session import rates
from ..session.netlab import DATASET_LABELS
from ..text.teaching import accuracy_text, apart, direction, side_of_half, verdict
from ..text.worked import DIGITS, equation, exact_z, num, text, value_of
from .geometry import linearly_separable
from .latex import forward_digits


@dataclass(frozen=True)
class Question:
    prompt: str | Callable  # or lab -> the prompt (the words may depend on the update mode)
    choices: tuple[str, ...] | Callable  # or lab -> the choices
    answer: Callable  # lab (and net, on the Hidden layer page) -> (index of the right choice, explanation)

    def asked(self, lab) -> tuple[str, tuple[str, ...]]:
        """The prompt and the choices for this lab."""
        prompt = self.prompt(lab) if callable(self.prompt) else self.prompt
        return prompt, tuple(self.choices(lab) if callable(self.choices) else self.choices)


@dataclass(frozen=True)
class Step:
    page: str  # a page key (perceptron.session.settings.PAGES)
    title: str
    body: Callable  # lab -> Markdown with the live numbers (a step on the Hidden layer page: lab, net -> ...)
    question: Question | None = None
    # what on the page the step speaks of: the keys of its elements (``"descent#xy"``: the chart's first panel),
    # kept in sight beside the card on a wide screen
    shows: tuple[str, ...] = ()

    def say(self, lab, net=None) -> str:
        """The step's words for this lab (and the network, on the Hidden layer page)."""
        return self.body(lab, net) if self.page == "hidden" else self.body(lab)

    def answer(self, lab, net=None) -> tuple[int, str]:
        """The right choice of the step's question and why, from the same numbers."""
        return self.question.answer(lab, net) if self.page == "hidden" else self.question.answer(lab)


def reachable(hide: tuple[str, ...]) -> tuple[int, ...]:
    """The steps a learner can reach: those on pages a teacher's link does not hide (a lock never ends the
    lesson: it goes on past a hidden page's steps)."""
    return tuple(k for k, step in enumerate(STEPS) if step.page not in hide)


def _sample(lab):
    """The design matrix, the labels and the sample the learner chose (on Forward or Backpropagation)."""
    X, y, *_ = lab.design()
    i = min(lab.sample, max(len(y) - 1, 0))
    return X, y, i


def _forward(lab):
    X, y, i = _sample(lab)
    w, b = lab.params()
    s = float(X[i] @ w)
    z = exact_z(X[i], w, b)  # what the printed terms add up to (exactly 0 where they cancel), as the page says
    return X[i], y[i], w, b, s, z, float(sigmoid(z))


def _digits(lab) -> tuple[int, int]:
    """The weighted sum's and z's significant digits, as the Forward page's worked lines print them
    (:func:`~perceptron.views.latex.forward_digits`): the lesson's lines and sentences say them alike."""
    X, _, i = _sample(lab)
    w, b = lab.params()
    key = (X[i].tobytes(), np.asarray(w, dtype=float).tobytes(), float(b), _rosenblatt(lab))
    made = getattr(lab, "_lesson_digits", None)  # a step's card says them up to four times a run: searched once
    if made is None or made[0] != key:
        ks, kz = forward_digits(X[i], w, b, step=key[-1])
        made = lab._lesson_digits = (key, (ks or DIGITS, kz or DIGITS))
    return made[1]


def _names(lab) -> list[str]:
    """The inputs' names as LaTeX (x_1, x_2, and the feature maps: x_1^2, …)."""
    return list(lab.features.names)


def _inputs(lab) -> str:
    maps = lab.settings.maps
    extra = f" and {len(maps)} feature map{'s' if len(maps) > 1 else ''} (" + ", ".join(
        f"${n}$" for n in _names(lab)[2:]) + ")" if maps else ""
    scaled = " (standardized: mean 0, standard deviation 1)" if lab.settings.standardize else ""
    return f"the inputs x₁, x₂{scaled}{extra}"


def _rosenblatt(lab) -> bool:
    return lab.mode.step


def _cost_name(lab) -> str:
    return "mean squared error" if lab.settings.loss == "mse" else "cross-entropy"


def _quantity(lab) -> str:
    """The number training reports: the cost, or in Rosenblatt's mode the misclassified fraction."""
    return "misclassified fraction" if _rosenblatt(lab) else "cost"


def _body_neuron(lab):
    w, b = lab.params()
    return (f"A neuron has one **weight** per input and a **bias**. Yours sees {_inputs(lab)}, so it has "
            f"{len(w)} weights, w = ({', '.join(text(v) for v in w)}), and b = {text(b)}. It multiplies, adds, "
            "and squashes: x·w + b = z, then ŷ = σ(z).")


def _body_data(lab):
    c = lab.dataset.counts
    what = ("Your teacher chose these points for the lesson." if "points" in lab.settings.hide else
            "Try another preset, or click on the plot to add points.")
    return (f"The neuron learns from labelled points. This dataset has {c['train'][0]} + {c['train'][1]} "
            f"training points of class 0 and 1 (and {c['test'][0] + c['test'][1]} held-out test points). "
            f"{what} Then press **Next**.")


def _body_sum(lab):
    x, _, w, _, s, _, _ = _forward(lab)
    d, names = len(w), _names(lab)
    symbols = " + ".join(f"{names[j]} w_{j + 1}" for j in range(d))
    line = equation(f"x \\cdot w = {symbols} = " + " + ".join(f"@{j}p \\cdot @{d + j}p" for j in range(d))
                    + " @eq @r", lambda *v: sum(v[j] * v[d + j] for j in range(d)), [*x, *w], s, _digits(lab)[0])
    return f"**The weighted sum.** For sample #{_sample(lab)[2]} (the one chosen on this page): ${line}$."


def _body_bias(lab):
    _, _, _, b, s, z, _ = _forward(lab)
    ks, kz = _digits(lab)  # the sum as the line above printed it
    line = equation("z = x \\cdot w + b = @0 + @1p @eq @r", lambda a, c: a + c, [value_of(num(s, ks)), b], z, kz, ks)
    return (f"**The bias** shifts the sum: ${line}$. Without it, the boundary would have to pass through "
            "the origin.")


def _body_sigmoid(lab):
    _, _, _, _, _, z, _ = _forward(lab)
    if _rosenblatt(lab):
        return (f"**The activation.** Rosenblatt's rule, your update mode, uses the step function: ŷ = step(z) is 1 "
                f"where z ≥ 0 and 0 elsewhere. Here z = {text(z, _digits(lab)[1])}. (The other modes use the sigmoid "
                "σ(z) = 1/(1+e⁻ᶻ), a smooth step between 0 and 1.)")
    return (f"**The sigmoid** σ(z) = 1/(1+e⁻ᶻ) squashes z = {text(z, _digits(lab)[1])} into a number between 0 and 1, "
            "read as the neuron's confidence that the sample is class 1.")


def _answer_sigmoid(lab):
    _, y, _, _, _, z, y_hat = _forward(lab)
    predicted, right = verdict(z, y)
    said = f"The neuron says class {predicted}; the label is {int(y)}: {'right' if right else 'wrong'}."
    if _rosenblatt(lab):
        kz = _digits(lab)[1]
        why = "z = 0 exactly, and step(0) = 1" if z == 0 else f"z = {text(z, kz)} is {'positive' if z > 0 else 'negative'}"
        return predicted, f"ŷ = step(z) = {predicted}, because {why}. {said}"
    choice = 1 if z == 0 else 2 if z > 0 else 0
    return choice, f"{side_of_half(z, y_hat, _digits(lab)[1])}. {said}"


def _choices_sigmoid(lab) -> tuple[str, ...]:
    return (("0 (class 0)", "1 (class 1)") if _rosenblatt(lab) else
            ("below 0.5 (class 0)", "exactly 0.5 (class 1)", "above 0.5 (class 1)"))


def _prompt_sigmoid(lab) -> str:
    return "Is this sample's ŷ = step(z) 0 or 1?" if _rosenblatt(lab) else "Is this sample's ŷ above or below 0.5?"


def _body_cost(lab):
    X, y, *_ = lab.design()
    w, b = lab.params()
    loss = lab.settings.loss
    formula = (r"C = \frac{1}{n}\sum_i (y_i - \hat y_i)^2" if loss == "mse" else
               r"C = -\frac{1}{n}\sum_i \left[y_i \log \hat y_i + (1-y_i)\log(1-\hat y_i)\right]")
    note = (" Rosenblatt's rule, your update mode, uses no cost: it counts mistakes (the misclassified "
            f"fraction, {text(lab.history.cost[lab.epoch])} now); the chain rule below is what the other modes "
            "use." if _rosenblatt(lab) else " Learning means making it smaller.")
    return (f"**The cost** measures how wrong the neuron is on all {len(y)} samples. You chose "
            f"{_cost_name(lab)}: ${formula}$ = **{text(cost_at(X, y, w, b, loss))}** now.{note}")


def _chain(lab):
    X, y, i = _sample(lab)
    w, b = lab.params()
    return X, y, i, chain_rule(X, y, w, b, lab.settings.loss)


def _body_chain(lab):
    X, y, i, L = _chain(lab)
    line = equation(r"\frac{\partial C}{\partial \hat y_i} \cdot \frac{\partial \hat y_i}{\partial z_i} \cdot x_{i1}"
                    r" = @0p \cdot @1p \cdot @2p @eq @r", lambda a, c, e: a * c * e,
                    [float(L.dC_dyhat[i]), float(L.dyhat_dz[i]), float(L.dz_dw[i, 0])], float(L.dC_dw_i[i, 0]))
    # the sum over every sample is the question's answer: it is said with the answer, not above the question
    return (f"**The chain rule** ({_cost_name(lab)}). For sample #{i}, ∂C/∂w₁ has three factors, "
            f"∂C/∂ŷ, ∂ŷ/∂z and ∂z/∂w₁ = x₁: ${line}$. The gradient ∂C/∂w₁ adds such a term for every sample.")


def _answer_chain(lab):
    *_, L = _chain(lab)
    g = float(L.dw[0])
    choice = 1 if g == 0 else 2 if g > 0 else 0
    if g == 0:
        why = "Added over every sample, ∂C/∂w₁ = 0: a small change of w₁ leaves the cost as it is (to first order)."
    else:
        why = (f"Added over every sample, ∂C/∂w₁ = {text(g)} is {'positive' if g > 0 else 'negative'}: raising w₁ a little "
               f"{'raises' if g > 0 else 'lowers'} the cost, so a full-batch descent step moves w₁ "
               f"{'down' if g > 0 else 'up'} (w₁ − α·∂C/∂w₁).")
    return choice, why + _next_w1(lab)


def _next_w1(lab) -> str:
    """What the next Step will do to w₁, in the chosen update mode (computed by that Step's own training)."""
    h = lab.preview(1)
    if h is None or h.epochs != lab.epoch + 1:
        return " (A Step would not train now: the run has stopped.)"
    before, after = float(lab.params()[0][0]), float(h.params(lab.epoch + 1)[0][0])
    mode = lab.mode.says(lab.settings.batch_size)
    a, c = apart(before, after)
    return (f" Your next Step ({mode}) moves w₁ from {a} to {c}: it "
            f"{direction(before, after, 'goes up', 'goes down', 'does not change')}.")


def _body_update(lab):
    s = lab.settings
    if _rosenblatt(lab):
        rule = ("Rosenblatt's rule uses the step activation ŷ = step(z) (1 where z ≥ 0, else 0) and, for each sample "
                "in turn, w ← w + α(y − ŷ)x, b ← b + α(y − ŷ): it changes the weights only on a mistake. "
                "The number it reports is the **misclassified fraction**.")
    else:
        every = lab.mode.how_often(lab.n_train, s.batch_size)
        rule = (f"Every weight moves a step against its gradient: w ← w − α ∂C/∂w, with the {_cost_name(lab)} "
                f"cost; your update mode does this {every}.")
    return (f"**The update.** {rule} The learning rate is α = {text(s.lr)}. Predict, reveal, then press "
            "**Step** and check.")


def _answer_update(lab):
    q = _quantity(lab)
    h = lab.preview(1)
    if h is None or h.epochs != lab.epoch + 1:
        return 1, f"A Step would not train now (the run has stopped), so the {q} stays as it is."
    before, after = float(lab.history.cost[lab.epoch]), float(h.cost[lab.epoch + 1])
    moved = direction(before, after, "goes up", "goes down", "does not change")
    choice = {"goes down": 0, "does not change": 1, "goes up": 2}[moved]
    a, c = apart(before, after)
    why = f"The next Step takes the {q} from {a} to {c}: it {moved}."
    if moved == "goes up" and not _rosenblatt(lab):
        why += " The learning rate is too large: the step jumps over the valley."
    elif moved == "does not change" and lab.settings.lr == 0:
        why += " With α = 0 no weight moves."
    return choice, why


def _body_overlap(lab):
    d, h, k = lab.dataset, lab.history, lab.epoch
    now = f"At epoch {k} the neuron gets {accuracy_text(h.accuracy[k], lab.n_train)} of the training points right."
    if lab.settings.maps:
        return (f"**When can a neuron be right everywhere?** With feature maps its boundary is a curve in the "
                f"plane, so it can bend around classes that no straight line separates. {now}")
    if linearly_separable(d.train_X, d.train_y):
        other = ("" if "points" in lab.settings.hide or "dataset" in lab.settings.hide else
                 " Choose the preset *overlap* on the Dataset page to see classes no line separates.")
        return (f"**When can a neuron be right everywhere?** A straight line separates these {lab.n_train} training "
                f"points (checked exactly), so some weights classify every one of them right. {now}{other}")
    return (f"**When classes overlap.** No straight line separates these {lab.n_train} training points (checked "
            "exactly: the two classes' convex hulls overlap), and a neuron's boundary is a straight line, so no "
            f"weights get all of them right. {now} The cost can still go down: the neuron makes its right answers "
            "more confident and its wrong ones less so.")


def _answer_overlap(lab):
    d = lab.dataset
    if lab.settings.maps:
        best = float(max(lab.history.accuracy[: lab.epoch + 1]))
        return (0 if best == 1 else 1), ("With feature maps the boundary is a curve, and a straight-line check "
                                         "does not decide it; " + ("this run has already got every training point "
                                                                   "right." if best == 1 else
                                                                   "this run has not got every training point right "
                                                                   "so far."))
    if linearly_separable(d.train_X, d.train_y):
        return 0, "Yes: a straight line separates the two classes (checked exactly), so some weights get 100 %."
    return 1, ("No: the two classes' convex hulls overlap (checked exactly), so every straight line leaves some "
               "training point on the wrong side.")


def _body_landscape(lab):
    X, y, *_ = lab.design()
    return ("**The loss landscape.** The cost is a surface over the weights; gradient descent walks downhill on "
            f"it, and α sets the length of each step. This page trains full batch from the same starting weights "
            f"with three learning rates, on your {len(y)} training points: a small α crawls, a good one walks down the "
            "valley, and one too large jumps over the valley to its other side, where the cost can be higher.")


def _answer_landscape(lab):
    """Trained at the reveal only (up to 11 runs of 60 epochs): the question itself needs no run."""
    X, y, *_ = lab.design()
    w0, b0 = lab.initial_params()
    found = rates.overshoot(X, y, w0, b0, lab.settings.loss)
    grid = "0.5, 1, 2, 5, 10, 20, 50, …, 1000"
    if not found.rises:
        if found.rate is not None:
            k = found.turns[0]
            why = (f"at α = {text(found.rate)} the path turns back across the valley at epoch {k} (the step "
                   "went past the lowest point along its line), but the far side is lower, so the cost still falls")
        elif X.shape[1] == 2 and linearly_separable(X, y):
            why = ("a straight line separates these points (checked exactly), so the cost has no lowest point at "
                   "finite weights and no valley floor to jump over: a longer step only gets down faster")
        else:
            why = "no rate of the grid makes a step go past the lowest point along its line"
        other = "" if {"points", "dataset"} & set(lab.settings.hide) else " (try the preset *overlap* or *xor*)"
        return 1, (f"No, not on these points: full batch from the same start, each α tried ({grid}) makes the cost "
                   f"go down at every one of the first {rates.EPOCHS} epochs; {why}. On points where the classes "
                   f"overlap a step that is too long can jump over the valley to where the cost is higher{other}.")
    up = found.rises
    k = up[0]
    b, c = apart(found.run.cost[k - 1], found.run.cost[k])
    more = f" (and at {len(up) - 1} more of the first {rates.EPOCHS})" if len(up) > 1 else ""
    return 0, (f"Yes: with α = {text(found.rate)}, full batch from the same start, the cost goes up from {b} to {c} "
               f"at epoch {k}{more}: the step jumped over the valley. (The smallest α that does so of {grid}.)")


def _body_hidden(lab, net):
    d, h, k = net.points, net.history, net.epoch
    line = ("No straight line separates these points (checked exactly), so a single neuron cannot get them all "
            "right." if not linearly_separable(d.train_X, d.train_y) else
            "A straight line does separate these points, so a single neuron could already do it.")
    return (f"**A hidden layer.** This page's network trains on {_net_data(net)}. {line} The network puts "
            f"{net.h} hidden unit{'s' if net.h > 1 else ''} between the inputs and the output: each is a neuron with "
            "its own line, and the output neuron combines their answers, so the boundary can bend. At epoch "
            f"{k}: cost {text(h.cost[k])}, {accuracy_text(h.accuracy[k], net.n_train)} of the training points "
            "right. Press **Play** and watch the units' lines turn.")


def _net_data(net) -> str:
    """The network's dataset in words: "XOR (four corners)", or the learner's own."""
    name = DATASET_LABELS[net.settings.hdata]
    return "your own dataset (the neuron's, from the Dataset page)" if net.settings.hdata == "yours" else name


def _answer_hidden(lab, net):
    d = net.points
    if linearly_separable(d.train_X, d.train_y):
        return 0, "Yes, for these points: one straight line separates the two classes (checked exactly)."
    return 1, ("No: the two classes' convex hulls overlap (checked exactly), so every straight line leaves some "
               "point on the wrong side. The hidden units' lines together can enclose a class.")


def _body_repeat(lab):
    h, k = lab.history, lab.epoch
    return (f"**Repeat until convergence.** You are at epoch {k}: {_quantity(lab)} {text(h.cost[k])}, training "
            f"accuracy {accuracy_text(h.accuracy[k], lab.n_train)}. Press **Play** and watch the boundary settle "
            f"and the {_quantity(lab)} flatten. That is all there is to training one neuron.")


STEPS = (
    Step("home", "The perceptron", _body_neuron, shows=("home_diagram",)),
    Step("dataset", "The data", _body_data, shows=("ds_plot",)),
    Step("forward", "The weighted sum", _body_sum, shows=("fwd_sum",)),
    Step("forward", "The bias", _body_bias, shows=("fwd_bias",)),
    Step("forward", "The activation", _body_sigmoid,
         Question(_prompt_sigmoid, _choices_sigmoid, _answer_sigmoid), shows=("fwd_sigmoid",)),
    Step("backprop", "The cost", _body_cost, shows=("bp_cost",)),
    Step("backprop", "The chain rule", _body_chain,
         Question("If w₁ grows a little, does the cost go up or down?", ("down", "neither", "up"), _answer_chain),
         shows=("bp_chain",)),
    Step("descent", "The update", _body_update,
         Question("After one more Step, will the number training reports go down or up?",
                  ("down", "stay the same", "up"), _answer_update), shows=("step", "epoch_numbers")),
    Step("descent", "Repeat until convergence", _body_repeat, shows=("play", "epoch_numbers")),
    Step("descent", "Classes that overlap", _body_overlap,
         Question("Can one neuron get every one of these training points right?", ("yes", "no"), _answer_overlap),
         shows=("descent#xy",)),
    Step("landscape", "The learning rate on the landscape", _body_landscape,
         Question("On your points, does a large enough α make the cost go up at some epoch?",
                  ("yes, at some epoch", "no, it goes down at every epoch"), _answer_landscape), shows=("ls_curves",)),
    Step("hidden", "A hidden layer", _body_hidden,
         Question("Can a single neuron, with no hidden layer, get every one of these points right?", ("yes", "no"),
                  _answer_hidden), shows=("hidden#xy",)),
)
