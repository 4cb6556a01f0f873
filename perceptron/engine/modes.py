r"""The update modes, declared once: how an epoch goes through the samples, and what each mode implies.

A mode is an object, not a string to compare: the settings and the link take its ``key``, the widget its
``label``, the lesson and the pages their words (``name``, ``each``), a run the number it reports
(``measure``) and the updates an epoch makes (:meth:`Mode.updates`), the forward pass its activation
(``step``: Rosenblatt's rule), the Hidden layer the modes it offers (``network``). Imports nothing but the
standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Mode:
    key: str  # in the settings and the link
    label: str  # the widget's
    name: str  # in a sentence; "{b}" is the mini-batch size
    each: str  # how often the weights move in an epoch, in a sentence; "{b}" and "{n}" as they are
    per_update: str  # the samples one update sees: "all", "batch" or "one"
    rule: str = ""  # what an epoch does, for the Gradient descent page's first sentence (gradient modes)
    step: bool = False  # Rosenblatt's rule: the step activation, no cost and no gradient
    network: bool = True  # offered on the Hidden layer

    @property
    def gradient(self) -> bool:
        """Whether the mode follows a cost's gradient (Rosenblatt's rule does not: it counts mistakes)."""
        return not self.step

    @property
    def batched(self) -> bool:
        """Whether the mode takes a mini-batch size."""
        return self.per_update == "batch"

    @property
    def measure(self) -> str:
        """The number a run reports each epoch."""
        return "misclassified fraction" if self.step else "cost"

    def batch_size(self, batch_size: int) -> int | None:
        """The engine's ``batch_size``: None for the whole set, the setting for mini-batches, 1 per sample."""
        return {"all": None, "batch": int(batch_size), "one": 1}[self.per_update]

    def updates(self, n: int, batch_size: int) -> int:
        """Weight updates in one epoch over ``n`` training points: one, one per mini-batch, or n."""
        n = max(int(n), 1)
        return {"all": 1, "batch": -(-n // int(batch_size)), "one": n}[self.per_update]

    def one_at_a_time(self, batch_size: int) -> bool:
        """Whether every update sees one sample (a mini-batch of 1 too)."""
        return self.batch_size(batch_size) == 1

    def says(self, batch_size: int = 0) -> str:
        """The mode in a sentence: "full batch", "mini-batches of 10", …"""
        return self.name.format(b=batch_size)

    def how_often(self, n: int, batch_size: int) -> str:
        """How often the weights move in an epoch over ``n`` points, in a sentence."""
        return self.each.format(b=batch_size, n=n, k=self.updates(n, batch_size))


BATCH = Mode("batch", "Full batch (the article's)", "full batch",
             "once per epoch, with the gradient over all samples (the article's method)", "all",
             "computes the gradient of the cost over all samples and moves every weight a step against it")
MINIBATCH = Mode("minibatch", "Mini-batch", "mini-batches of {b}",
                 "once per mini-batch of {b} samples, so {k} times per epoch", "batch",
                 "goes through the samples in mini-batches; each mini-batch's gradient of the cost moves every "
                 "weight a step against it")
SAMPLE = Mode("sample", "Single sample (stochastic)", "one sample at a time", "once per sample, so {n} times per epoch",
              "one", "goes through the samples one at a time; each sample's gradient of the cost moves every weight "
                     "a step against it")
ROSENBLATT = Mode("rosenblatt", "Rosenblatt's perceptron rule (step activation)", "Rosenblatt's rule",
                  "once per sample it gets wrong", "one", step=True, network=False)

MODES: Mapping[str, Mode] = MappingProxyType({m.key: m for m in (BATCH, MINIBATCH, SAMPLE, ROSENBLATT)})
NET_MODES = tuple(k for k, m in MODES.items() if m.network)


def mode(key: str) -> Mode:
    """The mode of a setting's value (``"batch"``, …)."""
    return MODES[key]
