"""The app's pages, the link that reopens an experiment, and what a teacher's link hides.

``PAGE_LINKS`` lists every page (its file, its label with a number, its icon) in the order of the
sidebar; ``PAGE_KEYS`` names each for a teacher's link (``hide=landscape,lr``). :func:`link_query`
is the query that reopens the session's experiments, :func:`hidden` says whether the session's
link hides a page or a control. Nothing mutable at module level.
"""

from __future__ import annotations

from types import MappingProxyType
from urllib.parse import urlencode

import streamlit as st

from ..session.lab import Lab
from . import keys

PAGE_LINKS = (
    ("app.py", "Home", ":material/home:"),
    ("pages/1_Dataset.py", "1 · Dataset", ":material/scatter_plot:"),
    ("pages/2_Forward_propagation.py", "2 · Forward propagation", ":material/arrow_forward:"),
    ("pages/3_Backpropagation.py", "3 · Backpropagation", ":material/arrow_back:"),
    ("pages/4_Gradient_descent.py", "4 · Gradient descent", ":material/trending_down:"),
    ("pages/5_Loss_landscape.py", "5 · Loss landscape", ":material/landscape:"),
    ("pages/6_Hidden_layer.py", "6 · Hidden layer", ":material/hub:"),
)
PAGE_KEYS = MappingProxyType(dict(zip([p for p, *_ in PAGE_LINKS], ("home", "dataset", "forward", "backprop",
                                                               "descent", "landscape", "hidden"), strict=True)))
PAGE_PATHS = MappingProxyType({key: path for path, key in PAGE_KEYS.items()})
PAGE_LABELS = MappingProxyType({path: label for path, label, _ in PAGE_LINKS})


def hidden(name: str) -> bool:
    """Whether the session's link (a teacher's) hides this page or control (the hide list is the Lab's)."""
    lab = st.session_state.get(keys.LAB)
    return lab is not None and name in lab.settings.hide


def link_query(lab: Lab, **changes) -> tuple[dict[str, str], str]:
    """The query that reopens the experiment (the neuron's settings with ``changes``, its points and
    the network's settings), and why the hand-made points could not go in, if so."""
    query = lab.link_settings().with_(**changes).to_query()
    problem = ""
    try:
        query.update(lab.points_query())
    except ValueError as err:  # too many hand-made points for a link
        problem = str(err)
    net = st.session_state.get(keys.NETLAB)
    if net is not None:
        query.update(net.query())
    return query, problem


def address(query: dict[str, str]) -> str:
    """The full address of this page with ``query``."""
    base = (st.context.url or "").split("?")[0]
    return base + ("?" + urlencode(query) if query else "")
