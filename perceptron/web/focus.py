"""Keyboard focus and announcements for screen readers: a tiny ``st.components.v2`` component.

Streamlit 1.67 runs no script from ``st.html`` and keeps ``st.components.v1`` in an iframe that
cannot reach the page, so the app's own JavaScript runs as a components.v2 module in the page
(like the chart component): ``focus.js`` beside this file. Two uses:

* :func:`page_focus` (every page's frame): after navigation (a sidebar link, a lesson step on
  another page) the focus moves to the new page's heading; when a rerun removes or disables the
  focused element (a lesson button, "Start the guided lesson") it goes back to the element with
  the same key, else to the lesson panel, else to the heading, never to the page's body; formulas
  wider than the page become focusable so that the arrow keys scroll them.
* :func:`keep_in_sight`: in the presenter layout the page scrolls to what the lesson's step speaks of.
* :func:`keep_cookie`: a value kept in the browser, out of the address bar (the teacher key).
* :func:`announce`: a polite live region (``role="status"``) whose text screen readers read when
  it changes, e.g. "Epoch 12: cost 0.1834, 78 of 80 correct" after Step or Play.

Nothing mutable at module level (the component is registered once, cached).
"""

from __future__ import annotations

import functools
from pathlib import Path

COMPONENT_NAME = "neuron_lab_focus"
JS = (Path(__file__).resolve().parent / "focus.js").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _component():
    import streamlit as st

    # isolate_styles=False: no shadow root; the module works on the page's own elements
    return st.components.v2.component(COMPONENT_NAME, js=JS, isolate_styles=False)


def page_focus(page: str, title: str) -> None:
    """Move the focus to this page's heading (``title``) when the browser arrives from another page."""
    _component()(key="nl_focus", data={"page": page, "title": title}, height="content")


def keep_in_sight(step: int, selectors: list[str]) -> None:
    """The presenter layout (a wide screen, the lesson's card docked at the side): when the lesson comes to
    ``step``, the page scrolls so the elements the card speaks of (``selectors``, CSS) are in sight beside it."""
    _component()(key="nl_lesson_sight", data={"sight": {"step": int(step), "selectors": list(selectors)}},
                 height="content")


def keep_cookie(name: str, value: str, max_age: int) -> None:
    """Keep ``value`` in this browser as the cookie ``name`` for ``max_age`` seconds (SameSite=Strict; Secure on
    https): what a reload needs that the address bar must not show (the live class's teacher key)."""
    _component()(key=f"nl_cookie_{name}", data={"cookie": {"name": name, "value": value, "maxAge": int(max_age)}},
                 height="content")


def announce(text: str, key: str) -> None:
    """A polite live region saying ``text``; screen readers read it whenever it changes."""
    _component()(key=key, data={"announce": str(text)}, height="content")
