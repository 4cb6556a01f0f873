"""The app's pages, the link that reopens an experiment, and what a teacher's link hides.

``PAGE_LINKS`` lists every page (its file, its label with a number, its icon) in the order of the
sidebar; ``PAGE_KEYS`` names each for a teacher's link (``hide=landscape,lr``); ``LAB_LINKS`` are the pages a
student works on (all but Home and the teacher's class page). :func:`link_query` is the query that reopens the
session's experiments (and Large type, a projector's setting: ``large=1``; and the live class's seat or
teacher key, which only the session's own address bar carries), :func:`follow_link` writes it while a run
plays, :func:`hidden` says whether the session's link (or the live class) hides a page or a control.
Nothing mutable at module level.
"""

from __future__ import annotations

from types import MappingProxyType
from urllib.parse import urlencode

import streamlit as st

from ..session.lab import Lab
from ..session.run import Run
from ..session.settings import PAGES, SITE
from ..views.lesson import reachable
from . import keys

PAGE_LINKS = tuple((p.script, p.label, p.icon) for p in SITE)  # declared once: perceptron/session/settings.py
PAGE_KEYS = MappingProxyType({p.script: p.key for p in SITE})
PAGE_HINTS = MappingProxyType({p.script: p.hint for p in SITE})  # what Home says of each
LAB_LINKS = tuple(link for link in PAGE_LINKS[1:] if PAGE_KEYS[link[0]] in PAGES)  # what a teacher may hide
PAGE_PATHS = MappingProxyType({key: path for path, key in PAGE_KEYS.items()})
PAGE_LABELS = MappingProxyType({path: label for path, label, _ in PAGE_LINKS})


def hidden(name: str) -> bool:
    """Whether the session's link (a teacher's) hides this page or control (the hide list is the Lab's)."""
    lab = st.session_state.get(keys.LAB)
    return lab is not None and name in lab.settings.hide


def locked_by(name: str) -> str:
    """Who fixed the page or control ``name`` the session hides, in words for the learner: the live class's
    teacher (a lock the class added on top of the session's own link) or the teacher's link."""
    own = st.session_state.get(keys.OWN_HIDE)
    return "your teacher in the live class" if own is not None and name not in own else "your teacher's link"


def link_query(lab: Lab, playing: tuple[Run, int] | None = None, *, personal: bool = True,
               **changes) -> tuple[dict[str, str], str]:
    """The query that reopens the experiment (the neuron's settings with ``changes``, its points,
    the network's settings, ``large=1`` under Large type), and why the hand-made points could not go
    in, if so. ``playing``: a run that plays (the neuron or the network) and the epoch on screen,
    which the link names instead of the epoch the run has trained ahead to. ``personal``: with the live
    class's seat token or teacher key (the session's own address bar); False for a link to share.
    The live class's locks never go in: the class adds them again to whoever opens the link in it."""
    run, shown = playing or (None, 0)
    if keys.OWN_HIDE in st.session_state and "hide" not in changes:
        changes["hide"] = st.session_state[keys.OWN_HIDE]
    query = lab.link_settings().with_(**({"epoch": int(shown)} if run is lab else {}), **changes).to_query()
    problem = ""
    try:
        query.update(lab.points_query())
    except ValueError as err:  # too many hand-made points for a link
        problem = str(err)
    net = st.session_state.get(keys.NETLAB)
    if net is not None:
        query.update(net.settings.with_(**{net.ROLES["epoch"]: int(shown)}).to_query() if run is net else net.query())
    if st.session_state.get(keys.LARGE_TYPE):
        query["large"] = "1"
    if task := st.session_state.get(keys.TASK):  # the teacher's task, as the link gave it
        query["task"] = task
    if (k := st.session_state.get(keys.LESSON)) is not None and k in (steps := reachable(lab.settings.hide)):
        query["lesson"] = str(steps.index(k) + 1)  # the guided lesson's step, as the learner counts them
    if personal:  # a reload, or a restart of the server, puts the student back in their seat, the teacher in the class
        if seat := st.session_state.get(keys.SEAT):
            query["seat"] = seat["token"]
        elif code := st.session_state.get(keys.JOINING):
            query["class"] = code
        if teacher := st.session_state.get(keys.TEACHER):  # the key stays in the browser's cookie, off the screen
            query["class"] = teacher[0]
    return query, problem


def follow_link(run: Run, shown: int) -> None:
    """While ``run`` plays: the address bar names the epoch on screen, ``shown`` (else it would keep the
    epoch where Play started, and a reload, or the tab's reconnection after a restart of the server,
    would open that)."""
    lab = st.session_state.get(keys.LAB)
    if lab is None:
        return
    query, _ = link_query(lab, playing=(run, shown))
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def address(query: dict[str, str]) -> str:
    """The full address of this page with ``query``."""
    base = (st.context.url or "").split("?")[0]
    return base + ("?" + urlencode(query) if query else "")
