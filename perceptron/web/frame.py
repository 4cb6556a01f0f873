"""The frame every page shares: the session's state, the page's top, the sidebar, the link.

Every page starts with ``lab = page(title, intro, key)`` and ends with ``finish(lab)``.
The session's experiment lives in ``st.session_state[keys.LAB]`` (and the hidden-layer
page's network in ``st.session_state[keys.NETLAB]``) and is written there in one place,
:func:`ensure_state`; pages change it only through the ``Lab`` and ``NetLab`` methods.
Nothing mutable is kept at module level.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from ..data.quoting import flat, quoted
from ..session.lab import Lab
from ..session.netlab import NetLab
from ..session.run import LINK_UPDATES
from ..session.settings import NetSettings, Settings
from ..text import plain
from ..text.worked import text
from ..views.lesson import reachable
from . import classroom, keys, memo
from .focus import page_focus
from .panels import TASK_CHARS, lesson_panel
from .site import PAGE_KEYS, PAGE_LINKS, address, hidden, link_query, locked_by

ICON = Path(__file__).resolve().parents[2] / "static" / "neuron-lab-icon.png"  # served as the favicon
FOCUS = "#4a6fa5"  # the focus ring: 4.95:1 on the page (#fbfbfd), 4.51:1 on the sidebar (#eef1f6)
RING = f"outline: 2px solid {FOCUS} !important; outline-offset: 2px !important;"
# Formulas wider than the column scroll sideways (focus.js makes them focusable), with a shadow at
# an edge that hides more of the formula (the "local" backgrounds cover the shadows at the ends).
FRAME_CSS = (
    "<style>.katex-display {overflow-x: auto; overflow-y: hidden; padding: 0.2em 0.1em 0.4em;"
    " background: linear-gradient(to right, #fbfbfd 30%, rgba(251, 251, 253, 0)) left / 2.5em 100% no-repeat local,"
    " linear-gradient(to left, #fbfbfd 30%, rgba(251, 251, 253, 0)) right / 2.5em 100% no-repeat local,"
    " radial-gradient(farthest-side at 0 50%, rgba(38, 48, 61, 0.3), rgba(38, 48, 61, 0)) left / 0.9em 100% no-repeat,"
    " radial-gradient(farthest-side at 100% 50%, rgba(38, 48, 61, 0.3), rgba(38, 48, 61, 0)) right / 0.9em 100%"
    " no-repeat;}"
    # On a phone a worked line's numbers at the body text's size (KaTeX's own 1.21em made two signed
    # products wider than the screen); the large-type setting still wins (!important).
    "@media (max-width: 480px) {.katex-display > .katex {font-size: 1em;}}"
    # WCAG 2.4.7 and 1.4.11: every element the keyboard reaches shows a 2 px ring in FOCUS, 2 px off
    # it (Streamlit's own: a 15 % tint, 1.12:1). A visually hidden input (a toggle's, a checkbox's, a
    # radio's, a slider's) rings what stands for it; a text field keeps Streamlit's own (its border
    # in the primary colour, 4.5:1). Only :focus-visible: a click or a tap shows no ring.
    f":focus-visible:not(input, textarea) {{{RING}}}"
    f":has(> :is(span, div) > input:is([type=checkbox], [type=radio], [type=range]):focus-visible) {{{RING}"
    " border-radius: 0.25rem;}"
    # a table's cells are a canvas inside a box that clips: the table's box is ringed
    f"[data-testid='stDataFrame']:has(canvas:focus-visible, .dvn-scroller:focus-visible) {{{RING}}}"
    # the focus that focus.js moves to a page's heading shows only after a key press (focus.js marks it)
    "h1[tabindex='-1']:focus-visible {outline: none !important;}"
    f"h1[tabindex='-1'][data-nl-keyboard]:focus {{{RING}}}"
    # what shows only under the mouse shows under the keyboard too: the toolbars of tables (where the
    # mouse shows them: above the table, not over its first row) and charts, a heading's link
    "[data-testid='stElementToolbar']:focus-within {opacity: 1 !important; top: -2.75rem !important;"
    " z-index: 1 !important;}"
    "[data-testid='stHeaderActionElements'] a:focus-visible, [data-testid='stHeaderActionElements']:focus-within"
    " {opacity: 1 !important; visibility: visible !important;}"
    ".js-plotly-plot .plotly .modebar:focus-within > :not(.watermark) {opacity: 1 !important;}"
    # the chart's toolbar buttons sit at the chart's edge, which clips what is drawn outside it
    f".js-plotly-plot .modebar-btn:focus-visible {{{RING} outline-offset: -2px !important;}}"
    # touch screens: no keyboard hints (a button's shortcut, the shortcuts toggle), no projector's Large type
    "@media (pointer: coarse), (hover: none) {button kbd, .st-key-shortcuts, .st-key-large_type"
    " {display: none !important;}}"
    # a link's copy button in sight, not only under the mouse ("Copy it with the button")
    "[data-testid='stCode'] > div:last-child, [data-testid='stCode'] > div:last-child *"
    " {opacity: 1 !important; visibility: visible !important;}"
    # WCAG 1.4.10 at 320 px: a label wraps at its spaces instead of ending in "…" (a toggle or a button in a
    # row, a chosen page in a list), and a title's longest word fits its line (2.75 rem broke "Backpropagation")
    ".stMarkdownEllipsis, .stMarkdownEllipsis p, [data-testid='stMultiSelectTagsContainer'] [data-tag],"
    " [data-testid='stFileUploaderDropzoneInstructions'] span,"
    " [data-testid='stMultiSelectTagsContainer'] [data-tag] > span {white-space: normal !important;"
    " overflow: visible !important; text-overflow: clip !important; height: auto !important;}"
    "@media (max-width: 480px) {[data-testid='stMain'] h1 {font-size: clamp(1.75rem, 9vw, 2.75rem) !important;}}"
    # The presenter layout: on a wide screen with a mouse (a projector's laptop), the lesson's card docks at the
    # right, beside the page, and stays while the page scrolls (focus.js brings what a step speaks of in sight);
    # the page gives it room and its own side margins shrink. Same query as focus.js's PRESENTER.
    ":root {--nl-card: clamp(300px, 28vw, 440px);}"
    "@media (min-width: 1100px) and (hover: hover) and (pointer: fine) {"
    "[data-testid='stMain']:has(.st-key-lesson_panel) [data-testid='stMainBlockContainer']"
    " {padding: 4rem calc(var(--nl-card) + 2rem) 4rem 1.5rem !important;}"
    ".st-key-lesson_panel {position: fixed !important; top: 4rem; right: 1rem; width: var(--nl-card) !important;"
    " max-height: calc(100vh - 5rem); overflow-y: auto; z-index: 99; background: #fbfbfd;"
    " box-shadow: 0 2px 12px rgba(38, 48, 61, 0.18);}"
    # a card taller than the screen (Large type) scrolls; its buttons stay at its foot
    ".st-key-lesson_panel .st-key-lesson_row {position: sticky; bottom: -1rem; padding: 0.5rem 0 1rem;"
    " background: #fbfbfd; z-index: 1;}"
    # formulas closer together, so that a step's worked lines fit the screen beside the card
    "[data-testid='stMain']:has(.st-key-lesson_panel) .katex-display {margin: 0.4em 0 !important;}"
    # columns that hold a chart stack: a chart beside text or another chart in what is left would be too narrow
    "[data-testid='stMain']:has(.st-key-lesson_panel) [data-testid='stHorizontalBlock']:has(.js-plotly-plot)"
    " {flex-wrap: wrap !important;}"
    "[data-testid='stMain']:has(.st-key-lesson_panel) [data-testid='stHorizontalBlock']:has(.js-plotly-plot)"
    " > [data-testid='stColumn'] {flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important;}}"
    "</style>"
)


# Large type (a projector): everything Streamlit sizes in rem, 1.25 times larger together (text, formulas, buttons,
# fields, the navigation; the charts' own text: chart_logic.js's largeText), and the lesson's card wider beside it
LARGE_CSS = "<style>html {font-size: 125% !important;} :root {--nl-card: clamp(300px, 36vw, 560px);}</style>"


def ensure_state() -> Lab:
    """The session's Lab (and NetLab), created on first use from the link's query parameters.

    A link that cannot be read falls back to defaults and says why; it never
    raises. The network trains to its epoch within what the neuron's training
    left of the link's budget (``LINK_UPDATES``).
    """
    budget = LINK_UPDATES
    if keys.LAB not in st.session_state:
        settings, problems = Settings.from_query(st.query_params.to_dict())
        try:
            lab = Lab.from_settings(settings, st.query_params.get("pts"), memo.trainings())
        except ValueError as err:
            problems.append(f"{err} Opened the default experiment instead.")
            lab = Lab.from_settings(Settings(), trainings=memo.trainings())
        budget -= lab.epoch * lab.epoch_cost
        st.session_state[keys.LAB] = lab
        st.session_state[keys.TASK] = flat(st.query_params.get("task", ""))[:TASK_CHARS].strip()
        step, problem = _lesson_step(st.query_params.get("lesson"), settings.hide)
        if step is not None:  # the link opens the guided lesson at a step
            st.session_state[keys.LESSON] = step
        st.session_state[keys.LINK_PROBLEMS] = problems + ([problem] if problem else [])
    if keys.NETLAB not in st.session_state:
        lab = st.session_state[keys.LAB]
        net_settings, problems = NetSettings.from_query(st.query_params.to_dict())
        st.session_state[keys.NETLAB] = NetLab.from_settings(net_settings, (lab.dataset, lab.features), budget,
                                                             memo.trainings())
        st.session_state[keys.LINK_PROBLEMS] = st.session_state.get(keys.LINK_PROBLEMS, []) + problems
    return st.session_state[keys.LAB]


def _lesson_step(raw: str | None, hide: tuple[str, ...]) -> tuple[int | None, str]:
    """The guided lesson's step a link opens (``lesson=3``: the third step the learner can reach), and a problem."""
    if raw is None:
        return None, ""
    steps = reachable(hide)
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= len(steps):
        return steps[int(raw) - 1], ""
    return None, f"Ignored lesson={quoted(raw)}: the lesson has steps 1 to {len(steps)}."


def network() -> NetLab:
    """The session's hidden-layer network (created with the Lab by :func:`ensure_state`)."""
    ensure_state()
    return st.session_state[keys.NETLAB]


def page(title: str, intro, key: str) -> Lab:
    """The frame every page shares: config, state, title, a few sentences (``intro``: Markdown, or a function
    of the lab that writes them from its settings), the sidebar.

    ``key`` names the page for a teacher's link: a hidden page says so and stops.
    """
    # A local icon: a ":material/...:" page icon makes the browser fetch the favicon from a font host
    # on every load (a student's page must contact no third party). "auto": the sidebar starts
    # collapsed on phones; on tablets the chart component collapses it once (chart.js).
    st.set_page_config(page_title=f"{title} · Neuron Lab", page_icon=ICON, layout="wide",
                       initial_sidebar_state="auto")
    st.html(FRAME_CSS)
    lab = ensure_state()
    classroom.arrive(key, lab)  # the live class: the teacher's locks, pause, experiment, and the page they chose
    # Large type: in a new session as its link says (large=1), then as it is; set again on every run, since
    # a switch of page would bring back the toggle's own value when the app, not a click, had set it
    st.session_state[keys.LARGE_TYPE] = bool(st.session_state.get(keys.LARGE_TYPE, st.query_params.get("large") == "1"))
    if st.session_state.get(keys.LARGE_TYPE, False):
        st.html(LARGE_CSS)
    sidebar()
    with st.sidebar:
        page_focus(key, title)  # after navigation the focus moves to the heading (focus.js)
        classroom.keep_teacher()  # a teacher's key kept in the browser, not in the address bar
    st.title(title)
    classroom.notes(key)  # what the live class changed, said once; the join form of a join link
    if hidden(key):
        who = "Your teacher hides this page in the live class" if "class" in locked_by(key) else \
            "Your teacher's link hides this page"
        stop(lab, f"{who}. Use the pages in the sidebar.")
    place = st.empty()  # a callable intro follows the settings: written again by finish() if the page changed them
    said = intro(lab) if callable(intro) else intro
    place.markdown(said)
    if task := st.session_state.get(keys.TASK):
        st.info(f"**Your task:** {plain.escape(task)}", icon=":material/assignment:")
    for problem in st.session_state.get(keys.LINK_PROBLEMS, []):
        st.warning(plain.markdown(problem), icon=":material/link_off:")
    # the lesson's place, filled by finish() once the page has applied the learner's choices (the sample)
    st.session_state[keys.LESSON_SLOT] = (st.container(), key, (place, intro, said) if callable(intro) else None)
    return lab


def sidebar() -> None:
    """Our own navigation (labels with numbers, pages a teacher hid left out) and the summary."""
    with st.sidebar:
        if keys.SEAT in st.session_state:  # a student's live class: its status, filled by finish()
            st.session_state[keys.CLASS_SLOT] = st.container()
        for path, label, icon in PAGE_LINKS:
            # the class page is the teacher's: listed only in a teacher's session (others it tells so)
            if not hidden(PAGE_KEYS[path]) and (PAGE_KEYS[path] != "class" or keys.TEACHER in st.session_state):
                st.page_link(path, label=label, icon=icon)
        st.divider()
        st.markdown("**Dataset**")
        # filled by finish(), after the page has applied this run's changes
        st.session_state[keys.SUMMARY_SLOT] = st.empty()


def data_summary(lab: Lab) -> str:
    """The dataset in one line of plain text."""
    d, c = lab.dataset, lab.dataset.counts
    return (
        f"{lab.settings.dataset}: {int(np.sum(~d.test))} train / {int(np.sum(d.test))} test points "
        f"(class 0: {c['train'][0] + c['test'][0]}, class 1: {c['train'][1] + c['test'][1]})"
    )


def summary(lab: Lab) -> str:
    """A one-line summary of the dataset and the model, in plain text."""
    w, b = lab.params()
    cost = lab.history.cost[lab.epoch]
    ws = ", ".join(text(v, 3) for v in w)  # the printing rule: 1.2×10⁻⁵, never 1.2e-05
    return f"Data: {data_summary(lab)}. Model at epoch {lab.epoch}: w = ({ws}), b = {text(b, 3)}, {lab.measure} {text(cost)}."


def stop(lab: Lab, message: str) -> None:
    """End the page early with a message that says what is missing (the frame is still finished)."""
    st.info(message)
    finish(lab)
    st.stop()


def sync_link(lab: Lab) -> str:
    """Write the experiment into the address bar; returns why the points could not go in, if so."""
    query, problem = link_query(lab)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    return problem


def finish(lab: Lab) -> None:
    """End of every page: the lesson's step (in its place at the top), the address bar reopens the
    experiment, and a copy-link box says so."""
    slot, where, intro = st.session_state.pop(keys.LESSON_SLOT, (None, None, None))
    if intro is not None and (now := intro[1](lab)) != intro[2]:
        intro[0].markdown(now)
    if slot is not None:
        with slot:
            lesson_panel(lab, where)
    problem = sync_link(lab)
    slot = st.session_state.pop(keys.SUMMARY_SLOT, None)
    if slot is not None:
        slot.caption(data_summary(lab))
    with st.sidebar:
        with st.popover("Share this experiment", icon=":material/share:", width="stretch"):
            st.caption("This link reopens the same dataset, weights, epoch and page. Copy it with the button.")
            st.code(address(link_query(lab, personal=False)[0]), language=None, wrap_lines=True)
            if problem:
                st.warning(plain.markdown(problem))
        st.toggle("Large type (projector)", key=keys.LARGE_TYPE, persist_state="session")
        st.toggle("Keyboard shortcuts", value=True, key=keys.SHORTCUTS, persist_state="session",
                  help="Step →, Step ×10 Shift + →, Play/Pause Alt + P, Reset Alt + 0 (on the stepping pages). "
                       "Turn them off if they get in the way of your screen reader or other keys.")
        st.selectbox("Download figures as", ["png", "svg"], key=keys.FIGURE_FORMAT, persist_state="session",
                     help="The camera icon above each figure downloads it.")
    classroom.ticker()  # a student's live class: reported now and every 2 s, followed when the teacher acts
