"""What depends only on the experiment, computed once per experiment and kept for every session that asks
(bounded: Streamlit's ``st.cache_data`` keys each function by its arguments' values and keeps the newest
entries; a cached value is a copy for each caller, never shared state).

A class that opens the Loss landscape together trains its comparison runs and draws their figures once, not
once a student: the figures are kept as the plain specs the chart component sends (``chart.figure_spec``), so a
visit that finds them builds no plotly figure at all.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from ..session import rates
from ..session.trainings import Trainings
from ..views import comparisons, share
from .chart import figure_spec

KEPT = 128  # experiments kept per function (the newest): a few hundred kB each at most


def _as_sent(shown: comparisons.Shown) -> comparisons.Shown:
    """``shown`` with its figure as the plain spec the chart component sends."""
    return replace(shown, figure=figure_spec(shown.figure))


@st.cache_data(max_entries=KEPT, show_spinner=False)
def overshoot(X, y, w0, b0, loss: str, epochs: int) -> rates.Overshoot:
    """:func:`perceptron.session.rates.overshoot` from these points and this start (up to 11 runs)."""
    return rates.overshoot(X, y, w0, b0, loss, epochs)


@st.cache_data(max_entries=KEPT, show_spinner=False)
def rate_runs(X, y, w0, b0, loss: str, feature_names: tuple, lrs: tuple, epochs: int) -> comparisons.RateRuns:
    """:func:`perceptron.views.comparisons.rate_runs`, its figures as plain specs."""
    runs = comparisons.rate_runs(X, y, w0, b0, loss, feature_names, lrs, epochs)
    return replace(runs, curves=_as_sent(runs.curves), paths=_as_sent(runs.paths))


@st.cache_data(max_entries=KEPT, show_spinner=False)
def cost_runs(X, y, w0, b0, lr: float, epochs: int, labels: tuple) -> comparisons.Shown:
    """:func:`perceptron.views.comparisons.cost_runs`, its figure as a plain spec."""
    return _as_sent(comparisons.cost_runs(X, y, w0, b0, lr, epochs, labels))


@st.cache_data(max_entries=4, show_spinner=False)
def slopes(labels: tuple) -> comparisons.Shown:
    """:func:`perceptron.views.comparisons.slopes` (the same for everyone), its figure as a plain spec."""
    return _as_sent(comparisons.slopes(labels))


@st.cache_data(max_entries=KEPT, show_spinner=False)
def bent_line(X, y, w, b, epoch: int) -> comparisons.Bent:
    """:func:`perceptron.views.comparisons.bent_line`, its figure as a plain spec."""
    bent = comparisons.bent_line(X, y, w, b, epoch)
    return replace(bent, shown=_as_sent(bent.shown))


@st.cache_data(max_entries=KEPT, show_spinner=False)
def qr_svg(link: str) -> str:
    """:func:`perceptron.views.share.qr_svg` of ``link`` (a class's join address is drawn for every visit)."""
    return share.qr_svg(link)


@st.cache_resource(show_spinner=False)
def trainings() -> Trainings:
    """The process's one store of shared trainings (:mod:`perceptron.session.trainings`): the same chunk of the
    same experiment, asked for by a class, trained once. Its own lock, its own bound (the newest 256 records, a
    few tens of kB each)."""
    return Trainings(size=256)
