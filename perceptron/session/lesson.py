r"""The guided lesson: the article's order, one step at a time, on the learner's own experiment.

Each step names the page it lives on, says one idea with the live numbers of the
session's :class:`~perceptron.session.lab.Lab`, and may ask the learner to predict before
revealing. The answer is computed from the same numbers, never stored. Numpy only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..engine.backprop import chain_rule, cost_at
from ..engine.neuron import sigmoid
from ..views.teaching import accuracy_text, apart, direction, side_of_half, verdict
from ..views.worked import equation, text


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
    """The design matrix, the labels and the sample the learner chose (on Forward or Backpropagation)."""
    X, y, *_ = lab.design()
    i = min(lab.sample, max(len(y) - 1, 0))
    return X, y, i


def _forward(lab):
    X, y, i = _sample(lab)
    w, b = lab.params()
    s = float(X[i] @ w)
    z = s + b
    return X[i], y[i], w, b, s, z, float(sigmoid(z))


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
    return lab.settings.mode == "rosenblatt"


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
    return (f"The neuron learns from labelled points. This dataset has {c['train'][0]} + {c['train'][1]} "
            f"training points of class 0 and 1 (and {c['test'][0] + c['test'][1]} held-out test points). "
            "Try another preset, or click on the plot to add points, then press **Next**.")


def _body_sum(lab):
    x, _, w, _, s, _, _ = _forward(lab)
    d, names = len(w), _names(lab)
    symbols = " + ".join(f"{names[j]} w_{j + 1}" for j in range(d))
    line = equation(f"x \\cdot w = {symbols} = " + " + ".join(f"@{j}p \\cdot @{d + j}p" for j in range(d))
                    + " @eq @r", lambda *v: sum(v[j] * v[d + j] for j in range(d)), [*x, *w], s)
    return f"**The weighted sum.** For sample #{_sample(lab)[2]} (the one chosen on this page): ${line}$."


def _body_bias(lab):
    _, _, _, b, s, z, _ = _forward(lab)
    line = equation("z = x \\cdot w + b = @0 + @1p @eq @r", lambda a, c: a + c, [s, b], z)
    return (f"**The bias** shifts the sum: ${line}$. Without it, the boundary would have to pass through "
            "the origin.")


def _body_sigmoid(lab):
    _, _, _, _, _, z, _ = _forward(lab)
    return (f"**The sigmoid** σ(z) = 1/(1+e⁻ᶻ) squashes z = {text(z)} into a number between 0 and 1, "
            "read as the neuron's confidence that the sample is class 1.")


def _answer_sigmoid(lab):
    _, y, _, _, _, z, y_hat = _forward(lab)
    choice = 1 if z == 0 else 2 if z > 0 else 0
    predicted, right = verdict(z, y)
    return choice, (f"{side_of_half(z, y_hat)}. The neuron says class {predicted}; the label is {int(y)}: "
                    f"{'right' if right else 'wrong'}.")


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
    return (f"**The chain rule** ({_cost_name(lab)}). For sample #{i}, ∂C/∂w₁ has three factors, "
            f"∂C/∂ŷ, ∂ŷ/∂z and ∂z/∂w₁ = x₁: ${line}$. Added over every sample: "
            f"∂C/∂w₁ = **{text(L.dw[0])}**.")


def _answer_chain(lab):
    *_, L = _chain(lab)
    g = float(L.dw[0])
    choice = 1 if g == 0 else 2 if g > 0 else 0
    if g == 0:
        why = "∂C/∂w₁ = 0: a small change of w₁ leaves the cost as it is (to first order)."
    else:
        why = (f"∂C/∂w₁ = {text(g)} is {'positive' if g > 0 else 'negative'}: raising w₁ a little "
               f"{'raises' if g > 0 else 'lowers'} the cost, so a full-batch descent step moves w₁ "
               f"{'down' if g > 0 else 'up'} (w₁ − α·∂C/∂w₁).")
    return choice, why + _next_w1(lab)


def _next_w1(lab) -> str:
    """What the next Step will do to w₁, in the chosen update mode (computed by that Step's own training)."""
    h = lab.preview(1)
    if h is None or h.epochs != lab.epoch + 1:
        return " (A Step would not train now: the run has stopped.)"
    before, after = float(lab.params()[0][0]), float(h.params(lab.epoch + 1)[0][0])
    mode = {"batch": "full batch", "minibatch": f"mini-batches of {lab.settings.batch_size}",
            "sample": "one sample at a time", "rosenblatt": "Rosenblatt's rule"}[lab.settings.mode]
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
        every = {"batch": "once per epoch, with the gradient over all samples (the article's method)",
                 "minibatch": f"once per mini-batch of {s.batch_size} samples, so {-(-lab.n_train // s.batch_size)} "
                              "times per epoch",
                 "sample": f"once per sample, so {lab.n_train} times per epoch"}[s.mode]
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


def _body_repeat(lab):
    h, k = lab.history, lab.epoch
    return (f"**Repeat until convergence.** You are at epoch {k}: {_quantity(lab)} {text(h.cost[k])}, training "
            f"accuracy {accuracy_text(h.accuracy[k], lab.n_train)}. Press **Play** and watch the boundary settle "
            f"and the {_quantity(lab)} flatten. That is all there is to training one neuron.")


STEPS = (
    Step("home", "The perceptron", _body_neuron),
    Step("dataset", "The data", _body_data),
    Step("forward", "The weighted sum", _body_sum),
    Step("forward", "The bias", _body_bias),
    Step("forward", "The sigmoid", _body_sigmoid,
         Question("Is this sample's ŷ above or below 0.5?",
                  ("below 0.5 (class 0)", "exactly 0.5 (class 1)", "above 0.5 (class 1)"), _answer_sigmoid)),
    Step("backprop", "The cost", _body_cost),
    Step("backprop", "The chain rule", _body_chain,
         Question("If w₁ grows a little, does the cost go up or down?", ("down", "neither", "up"), _answer_chain)),
    Step("descent", "The update", _body_update,
         Question("After one more Step, will the number training reports go down or up?",
                  ("down", "stay the same", "up"), _answer_update)),
    Step("descent", "Repeat until convergence", _body_repeat),
)
