r"""What the class page points out about a seat, from its last report and its curve: each flag declared once.

========== ==========================================================================================
flag       when
========== ==========================================================================================
diverging  the cost rose at each of the last ``RISES`` reports, or it is more than ``BLOWUP`` times its
           lowest in this run (and at least 0.01 above it): the learning rate is too large
at chance  for the last ``CHANCE_EPOCHS`` epochs or more, every reported cost stayed at the cost of
           answering the class share for every point (within ``CHANCE_SLACK``): nothing learnt yet
saturated  the page said most points sit where the sigmoid is flat, or the weights did not move over the
           last three reports although the cost is not 0 and α > 0
idle       seen in the last ``AWAY_SECONDS`` but nothing changed for ``IDLE_SECONDS``
away       not seen for ``AWAY_SECONDS`` (the tab is closed, or the device offline)
========== ==========================================================================================

The chance cost is the report's own (:func:`perceptron.classroom.reports.state_of` computes it from the
student's points); without it, that of balanced classes: 0.25 for MSE, ln 2 for cross-entropy, 0.5 for
Rosenblatt's misclassified fraction. Numpy only.
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np

from ..engine import modes
from .trace import Curve

RISES = 3
BLOWUP = 2.0
CHANCE_EPOCHS = 50
CHANCE_SLACK = 1e-3  # relative: a cost within 0.1 % of the chance cost is at chance
IDLE_SECONDS = 60.0
AWAY_SECONDS = 45.0
FLAGS = MappingProxyType({
    "diverging": "the cost is rising: the learning rate may be too large",
    "at chance": f"no better than guessing the class share for {CHANCE_EPOCHS} epochs or more",
    "saturated": "the sigmoid is flat where the points are: the weights hardly move",
    "idle": f"nothing changed for {IDLE_SECONDS:g} s",
    "away": f"not seen for {AWAY_SECONDS:g} s",
})


def chance_cost(state: dict) -> float:
    """The cost of answering the class share for every point (the report's, else balanced classes')."""
    if state.get("chance") is not None:
        return float(state["chance"])
    if state.get("mode") in modes.MODES and modes.mode(state["mode"]).step:
        return 0.5
    return math.log(2.0) if state.get("loss") == "bce" else 0.25


def diverging(curve: Curve) -> bool:
    c = curve.costs
    if c.size > RISES and np.all(np.diff(c[-RISES - 1:]) > 1e-12 * np.maximum(np.abs(c[-RISES - 1:-1]), 1.0)):
        return True
    return bool(c.size >= 2 and c[-1] > BLOWUP * c.min() and c[-1] - c.min() > 0.01)


def at_chance(state: dict, curve: Curve) -> bool:
    e = curve.epochs
    if e.size < 2:
        return False
    start = int(np.searchsorted(e, e[-1] - CHANCE_EPOCHS, side="right")) - 1  # the last report ≥ 50 epochs ago
    return bool(start >= 0 and np.all(curve.costs[start:] >= chance_cost(state) * (1.0 - CHANCE_SLACK)))


def saturated(state: dict, curve: Curve) -> bool:
    if state.get("saturated"):
        return True
    if curve.epochs.size < 3 or not state.get("lr") or curve.costs[-1] <= 1e-6:
        return False
    p = curve.params[-3:]
    return bool(p.size and np.all(np.abs(p - p[-1]) <= 1e-12 * np.maximum(np.abs(p[-1]), 1.0)))


def flags(state: dict | None, curve: Curve, seen_at: float, changed_at: float, now: float) -> tuple[str, ...]:
    """The flags of one seat (in the order of :data:`FLAGS`); a seat that never reported has only idle/away."""
    found = []
    if state:
        if len(curve) and diverging(curve):
            found.append("diverging")
        if at_chance(state, curve):
            found.append("at chance")
        if saturated(state, curve):
            found.append("saturated")
    if now - seen_at >= AWAY_SECONDS:
        found.append("away")
    elif now - changed_at >= IDLE_SECONDS:
        found.append("idle")
    return tuple(f for f in FLAGS if f in found)
