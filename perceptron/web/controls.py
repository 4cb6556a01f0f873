"""The widgets bound to settings, for the neuron's ``Lab`` and the network's ``NetLab`` alike.

:func:`setting` draws one widget that starts from a run's setting and keeps its key
(``keys.SETTING`` + the setting's name) across reruns; a control a teacher's link hides
(``hide=...``, see :func:`perceptron.web.site.hidden`) is not drawn and keeps the link's value,
on every page. ``CONTROLS`` names the controls a teacher may lock. Nothing mutable at module level
(the tables are read-only mappings).
"""

from __future__ import annotations

from types import MappingProxyType

import streamlit as st

from ..engine import modes
from ..session.run import Run
from ..session.settings import LOSSES
from ..text import plain
from ..text.teaching import accuracy_text, accuracy_value, percent, signed
from ..text.worked import text
from . import keys
from .site import hidden, locked_by

MODE_LABELS = MappingProxyType({k: m.label for k, m in modes.MODES.items()})  # declared with the modes
LOSS_LABELS = MappingProxyType({"mse": "MSE (the article's)", "bce": "Cross-entropy"})
# the settings a teacher's link may lock, as the teacher panel lists them
CONTROLS = MappingProxyType({
    "points": "dataset choice and clicking points", "n": "number of points", "noise": "noise", "seed": "data seed",
    "test_fraction": "test fraction", "standardize": "standardize", "maps": "feature maps", "lr": "learning rate",
    "loss": "cost", "mode": "update mode", "batch_size": "mini-batch size", "init": "initial weights",
    "init_seed": "weight seed", "w1": "w₁ by hand", "w2": "w₂ by hand", "b": "b by hand",
    "max_epochs": "maximum epochs", "tol_cost": "cost threshold", "tol_grad": "gradient threshold",
    "h": "hidden units (Hidden layer)", "hdata": "dataset (Hidden layer)", "hlr": "learning rate (Hidden layer)",
    "hloss": "cost (Hidden layer)", "hmode": "update mode (Hidden layer)", "hbatch": "mini-batch size (Hidden layer)",
    "stride": "play speed", "hseed": "weight seed (Hidden layer)", "hstride": "play speed (Hidden layer)",
})


def setting(widget, label: str, name: str, run: Run, **kwargs):
    """A widget bound to the setting ``name`` of ``run``: it starts from the run's value and keeps its
    key across reruns. Returns the widget's value (the setting's own when a teacher's link hides
    it); the page hands changed values to ``run.update``."""
    current = getattr(run.settings, name)
    kind = getattr(widget, "__name__", "")
    if hidden(name):  # a teacher's link fixed this setting: shown read-only where its widget would be
        st.caption(plain.escape(f"{label}: {_shown(current, kwargs.get('format_func'))}")
                   + f" (fixed by {locked_by(name)})", width="content")
        return current
    if kind in ("selectbox", "radio"):
        options = kwargs["options"]
        kwargs["index"] = list(options).index(current) if current in options else 0
    elif kind == "multiselect":
        kwargs["default"] = list(current)
    else:
        kwargs["value"] = current
    value = widget(label, key=f"{keys.SETTING}{name}", **kwargs)
    return tuple(value) if kind == "multiselect" else value


def _shown(value, format_func=None) -> str:
    """A setting's value as its widget would show it."""
    if format_func is not None:
        return str(format_func(value))
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ", ".join(value) or "none"
    return text(value) if isinstance(value, float) else str(value)


def training(run: Run, offered) -> dict:
    """The learning rate, cost, update mode (of those ``offered``) and (for mini-batches) batch size of either
    run, under the names its ``ROLES`` give them; returns ``{setting: value}`` for ``run.update``."""
    name = run.ROLES
    changes = {
        name["lr"]: setting(st.number_input, "Learning rate α", name["lr"], run, min_value=0.0, max_value=1000.0,
                            step=0.1, format="%.4g"),
        name["loss"]: setting(st.radio, "Cost", name["loss"], run, options=LOSSES, horizontal=True,
                              format_func=LOSS_LABELS.get),
        name["mode"]: setting(st.selectbox, "Update mode", name["mode"], run, options=offered,
                              format_func=MODE_LABELS.get),
    }
    if modes.mode(changes[name["mode"]]).batched:
        changes[name["batch_size"]] = setting(st.number_input, "Mini-batch size", name["batch_size"], run,
                                              min_value=1, max_value=2000)
    return changes


ROSENBLATT_STOPS = ("Rosenblatt's rule stops by itself after an epoch without a mistake (every sample on its side); "
                    "it has no cost or gradient to stop on, so only the epoch limit applies here.")


def stop_rules(run: Run, mode: str) -> dict:
    """The stop rules that mean something in ``mode``: the epoch limit always; the cost and gradient thresholds for
    gradient descent only (Rosenblatt's rule has neither, and its run ignores them: it says how it stops instead).
    Returns ``{setting: value}`` for ``run.update``; a threshold not shown keeps its value."""
    changes = {"max_epochs": setting(st.number_input, "Maximum epochs", "max_epochs", run, min_value=1,
                                     max_value=5000)}
    if not modes.mode(mode).gradient:
        st.caption(ROSENBLATT_STOPS)
        return changes
    changes["tol_cost"] = setting(st.number_input, "Stop when cost ≤ (0 = off)", "tol_cost", run, min_value=0.0,
                                  format="%.4g")
    changes["tol_grad"] = setting(st.number_input, "Stop when ‖gradient‖ ≤ (0 = off)", "tol_grad", run,
                                  min_value=0.0, format="%.4g")
    return changes


def epoch_metrics(h, k: int, measure: str = "cost", n_train: int = 0, n_test: int = 0) -> None:
    """Epoch, cost (with its change; for Rosenblatt's rule, ``measure``, the misclassified fraction), train
    and test accuracy of a training record at epoch k. Every value is short enough to be seen whole on a
    390 px phone (a metric cuts what does not fit): numbers by the printing rule (``1.179×10⁻³³``, not
    ``1.179``…), accuracies as exact counts ("79 of 80", never a near miss rounded to "100 %"), with the
    percentage in the help."""
    row = st.container(horizontal=True, gap="medium", key="epoch_numbers")  # one block: fewer updates to render
    row.metric("Epoch", k)
    change = 0.0 if k == 0 else float(h.cost[k] - h.cost[k - 1])
    row.metric(measure.capitalize(), text(h.cost[k], 5), delta=signed(change) if change else None,  # no arrow
               delta_color="inverse")  # for no change (an arrow up or down would say it moved)
    row.metric("Train accuracy", _accuracy(h.accuracy[k], n_train), help=_accuracy_help(h.accuracy[k], n_train))
    if h.test_accuracy is not None:
        row.metric("Test accuracy", _accuracy(h.test_accuracy[k], n_test),
                   help=f"{_accuracy_help(h.test_accuracy[k], n_test)} Test {measure}: {text(h.test_cost[k])}.")


def _accuracy(fraction, n: int) -> str:
    return accuracy_value(fraction, n) if n else percent(fraction)


def _accuracy_help(fraction, n: int) -> str:
    return f"{accuracy_text(fraction, n) if n else percent(fraction)} right."


def notice(run: Run) -> None:
    """What the last Step has to say: an error when training diverged, a warning when the step overshot or
    the weights did not move, else a note (a stop rule, the epoch limit, a link that opened earlier)."""
    if not run.notice:
        return
    warn = "went up" in run.notice or "did not move" in run.notice
    (st.error if run.history.diverged else st.warning if warn else st.info)(run.notice)
